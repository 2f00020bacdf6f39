package io.pgrouter.benchmarks.faults;

import io.pgrouter.benchmarks.Entry;
import io.pgrouter.benchmarks.RunContext;
import io.pgrouter.benchmarks.Stats;
import io.pgrouter.benchmarks.report.EntryReport;
import io.pgrouter.testkit.PostgresReplicaSet;
import io.pgrouter.testkit.ReplicaSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Entry: every fault of {@link Fault} under load (8 threads, 80% reads, writes with ids) against pgrouter and
 * pgjdbc's multi-host URL, on one primary + 2 replicas; failed reads and writes, the failed-write window, writes
 * that reached a replica, acknowledged writes lost, the slowest call and connections left out per trial.
 */
public final class FaultSuiteEntry implements Entry {

    static final int THREADS = 8;
    static final int POOL_SIZE = 8;
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    static final Duration PROBE_INTERVAL = Duration.ofMillis(250);
    /** System property: trials per fault that does not promote (default 10, quick 2). */
    static final String TRIALS_PROPERTY = "faults.trials";
    /** System property: trials per fault that promotes a replica (default 20, quick 2). */
    static final String PROMOTION_TRIALS_PROPERTY = "faults.promotionTrials";
    /** System property: the peers to run, comma-separated names from {@link #PEERS} (default: all). */
    static final String PEERS_PROPERTY = "faults.peers";
    /** System property: the faults to inject, comma-separated {@link Fault} names (default: all). */
    static final String FAULTS_PROPERTY = "faults.only";
    /** Every peer the suite knows, in run order. */
    static final Map<String, Target.Factory> PEERS = peersInOrder();

    private static Map<String, Target.Factory> peersInOrder() {
        Map<String, Target.Factory> peers = new LinkedHashMap<>();
        peers.put("pgrouter", Target.pgrouter(POOL_SIZE, CONNECTION_TIMEOUT, PROBE_INTERVAL));
        peers.put("pgjdbc-multihost-recheck2s", Target.pgjdbcMultiHost(POOL_SIZE, CONNECTION_TIMEOUT, 2));
        peers.put(AwsWrapperTarget.NAME, AwsWrapperTarget.factory(POOL_SIZE, CONNECTION_TIMEOUT));
        return java.util.Collections.unmodifiableMap(peers);
    }

    /** The faults named in {@code names} (comma-separated), all when {@code null}. */
    static List<Fault> faults(String names) {
        if (names == null || names.isBlank()) {
            return List.of(Fault.values());
        }
        List<Fault> chosen = new ArrayList<>();
        for (String name : names.split(",")) {
            try {
                chosen.add(Fault.valueOf(name.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "unknown fault '" + name.strip() + "' in " + FAULTS_PROPERTY + "; known: "
                                + java.util.Arrays.toString(Fault.values()),
                        e);
            }
        }
        return chosen;
    }

    /** The peers named in {@code names} (comma-separated), all when {@code null}. */
    static Map<String, Target.Factory> peers(String names) {
        if (names == null || names.isBlank()) {
            return PEERS;
        }
        Map<String, Target.Factory> chosen = new LinkedHashMap<>();
        for (String name : names.split(",")) {
            Target.Factory factory = PEERS.get(name.strip());
            if (factory == null) {
                throw new IllegalArgumentException(
                        "unknown peer '" + name.strip() + "' in " + PEERS_PROPERTY + "; known: " + PEERS.keySet());
            }
            chosen.put(name.strip(), factory);
        }
        return chosen;
    }

    @Override
    public String name() {
        return "faults";
    }

    @Override
    public String title() {
        return "4. Faults under load: replicas and primary killed, stopped, frozen, cut off, slow; pool exhausted";
    }

    @Override
    public void run(RunContext context, EntryReport report) throws Exception {
        int trials = Integer.getInteger(TRIALS_PROPERTY, context.trials(10, 2));
        int promotionTrials = Integer.getInteger(PROMOTION_TRIALS_PROPERTY, context.trials(20, 2));
        Duration before = Duration.ofSeconds(1);
        Duration after = context.window(Duration.ofSeconds(5), Duration.ofSeconds(4));
        Map<String, Target.Factory> targets = peers(System.getProperty(PEERS_PROPERTY));
        Map<Fault, Map<String, List<FaultTrial.Outcome>>> outcomes = new LinkedHashMap<>();
        try (ReplicaSet cluster =
                context.startCluster(PostgresReplicaSet.builder().replicas(2).networkFaults(true))) {
            report.note("network faults made with the test kit's "
                    + cluster.primary().network().mechanism() + " mechanism");
            for (Fault fault : faults(System.getProperty(FAULTS_PROPERTY))) {
                int faultTrials = fault.promotes() ? promotionTrials : trials;
                for (int trial = 1; trial <= faultTrials; trial++) {
                    for (Map.Entry<String, Target.Factory> target : targets.entrySet()) {
                        FaultTrial.Outcome o =
                                FaultTrial.run(cluster, fault, target.getValue(), THREADS, before, after);
                        outcomes.computeIfAbsent(fault, f -> new LinkedHashMap<>())
                                .computeIfAbsent(target.getKey(), t -> new ArrayList<>())
                                .add(o);
                        // Every figure of the trial, so that a run cut short still shows what it measured.
                        context.log("%s, trial %d/%d: %s", fault, trial, faultTrials, o);
                    }
                }
            }
        }
        var table = report.table(
                "Per fault and peer, over " + trials + " trials per fault, " + promotionTrials
                        + " per promotion (median / max per trial); " + THREADS
                        + " threads, 80% reads, pools of " + POOL_SIZE + ", connection timeout "
                        + CONNECTION_TIMEOUT.toSeconds() + " s",
                "fault",
                "peer",
                "failed reads",
                "failed writes",
                "failed-write window ms",
                "writes on a replica",
                "acknowledged writes lost",
                "writes failed after promotion",
                "longest write wait after promotion ms",
                "first write acknowledged after promotion ms",
                "slowest call ms",
                "calls hanging 15 s after the load stopped",
                "trials with connections left out",
                "first read error");
        outcomes.forEach((fault, byPeer) -> byPeer.forEach((peer, list) -> {
            String error = list.stream()
                    .map(FaultTrial.Outcome::firstReadError)
                    .filter(e -> e != null)
                    .findFirst()
                    .orElse(null);
            table.row(
                    fault.title(),
                    peer,
                    medMax(list, FaultTrial.Outcome::failedReads),
                    medMax(list, FaultTrial.Outcome::failedWrites),
                    medMax(list, FaultTrial.Outcome::failedWindowMs),
                    max(list, FaultTrial.Outcome::writesOnReplica),
                    max(list, FaultTrial.Outcome::lostWrites),
                    fault.promotes() ? medMax(list, FaultTrial.Outcome::writesFailedAfterPromotion) : "",
                    fault.promotes() ? medMax(list, FaultTrial.Outcome::writeWaitAfterPromotionMs) : "",
                    fault.promotes() ? medMax(list, FaultTrial.Outcome::firstWriteAfterPromotionMs) : "",
                    medMax(list, FaultTrial.Outcome::slowestCallMs),
                    max(list, FaultTrial.Outcome::hungCalls),
                    list.stream().filter(FaultTrial.Outcome::leaked).count(),
                    error == null ? null : error.length() > 120 ? error.substring(0, 120) + "..." : error);
            report.value(fault + "." + peer + ".failedReads.max", max(list, FaultTrial.Outcome::failedReads));
            report.value(fault + "." + peer + ".failedWrites.max", max(list, FaultTrial.Outcome::failedWrites));
            report.value(fault + "." + peer + ".lostWrites.max", max(list, FaultTrial.Outcome::lostWrites));
        }));
        goals(report, outcomes);
        report.note(
                "A trial: the load runs 1 s, the fault is injected (for a promotion: the primary is killed or cut off"
                        + " and replica-1 promoted with the test kit, which returns once the others follow it), the load runs on for"
                        + " the window, stops, and the final primary is asked for every acknowledged id. Then the cluster is healed"
                        + " (network restored, nodes started, old primary rejoined as a standby) for the next trial.");
        report.note(
                "pgjdbc: one HikariCP pool with targetServerType=primary for writes and one with preferSecondary for"
                        + " reads, hostRecheckSeconds=2, over the same three hosts; pgrouter probes every "
                        + PROBE_INTERVAL.toMillis() + " ms.");
    }

    private static void goals(EntryReport report, Map<Fault, Map<String, List<FaultTrial.Outcome>>> outcomes) {
        for (Map.Entry<Fault, Map<String, List<FaultTrial.Outcome>>> e : outcomes.entrySet()) {
            List<FaultTrial.Outcome> pgrouter = e.getValue().get("pgrouter");
            if (pgrouter == null) {
                return; // a run of the peers only
            }
            Fault fault = e.getKey();
            if (fault != Fault.ALL_REPLICAS_DOWN && fault != Fault.PRIMARY_POOL_EXHAUSTED) {
                long failedReads = (long) max(pgrouter, FaultTrial.Outcome::failedReads);
                long trialsClean =
                        pgrouter.stream().filter(o -> o.failedReads() == 0).count();
                report.goal(
                        "0 failed reads: " + fault.title(),
                        failedReads == 0,
                        String.format(
                                Locale.ROOT,
                                "%d of %d trials without a failed read; max %d",
                                trialsClean,
                                pgrouter.size(),
                                failedReads));
            }
            if (fault.promotes()) {
                long failedAfter = (long) max(pgrouter, FaultTrial.Outcome::writesFailedAfterPromotion);
                long wait = (long) max(pgrouter, FaultTrial.Outcome::writeWaitAfterPromotionMs);
                report.goal(
                        "every write after the promotion succeeds within 1 s: " + fault.title(),
                        failedAfter == 0 && wait < 1000,
                        String.format(
                                Locale.ROOT,
                                "max %d failed after the promotion; longest wait %d ms",
                                failedAfter,
                                wait));
            }
            long lost = (long) max(pgrouter, FaultTrial.Outcome::lostWrites);
            long leaks = pgrouter.stream().filter(FaultTrial.Outcome::leaked).count();
            report.goal(
                    "0 acknowledged writes lost, 0 connections left out: " + fault.title(),
                    lost == 0 && leaks == 0,
                    "lost " + lost + ", trials with connections left out " + leaks);
        }
    }

    private static String medMax(List<FaultTrial.Outcome> list, ToLongFunction<FaultTrial.Outcome> f) {
        List<Long> values = list.stream().map(f::applyAsLong).toList();
        return String.format(Locale.ROOT, "%.0f / %.0f", Stats.median(values), Stats.max(values));
    }

    private static double max(List<FaultTrial.Outcome> list, ToLongFunction<FaultTrial.Outcome> f) {
        return Stats.max(list.stream().map(f::applyAsLong).toList());
    }
}
