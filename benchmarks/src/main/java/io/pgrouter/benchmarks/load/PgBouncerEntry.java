package io.pgrouter.benchmarks.load;

import io.pgrouter.benchmarks.Endpoints;
import io.pgrouter.benchmarks.Entry;
import io.pgrouter.benchmarks.Peer;
import io.pgrouter.benchmarks.Peers;
import io.pgrouter.benchmarks.RunContext;
import io.pgrouter.benchmarks.report.EntryReport;
import io.pgrouter.testkit.PgBouncer;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Entry: the end-to-end loop ({@link EndToEndEntry}) straight to PostgreSQL and through a PgBouncer in front of each
 * node (Debian's {@code pgbouncer}, transaction pooling, {@code prepareThreshold=0}), for raw HikariCP on the primary
 * and for pgrouter, whose probes go straight to PostgreSQL ({@code probe-url}). Skipped, with the reason in the
 * report, where {@code pgbouncer} is not installed.
 */
public final class PgBouncerEntry implements Entry {

    @Override
    public String name() {
        return "pgbouncer";
    }

    @Override
    public String title() {
        return "6. Throughput with and without PgBouncer (transaction pooling)";
    }

    @Override
    public void run(RunContext context, EntryReport report) throws Exception {
        if (!PgBouncer.isAvailable()) {
            report.note("Skipped: pgbouncer is not on the PATH (Debian: apt-get install pgbouncer).");
            context.log("pgbouncer: skipped, pgbouncer is not on the PATH");
            return;
        }
        Duration warmup = context.window(Duration.ofSeconds(5), Duration.ofSeconds(2));
        Duration measure = context.window(Duration.ofSeconds(20), Duration.ofSeconds(6));
        var table = report.table(
                "Throughput and latency, " + EndToEndEntry.THREADS + " threads, pools of " + EndToEndEntry.POOL_SIZE
                        + " per node, " + measure.toSeconds() + " s per peer",
                "peer",
                "path",
                "ops/s",
                "vs the same peer direct",
                "p50 µs",
                "p99 µs",
                "p99.9 µs",
                "errors",
                "reads answered by the replica");
        try (ReplicaSet cluster = context.startCluster(1)) {
            EndToEndEntry.createTable(cluster);
            Endpoints endpoints = Endpoints.of(cluster);
            List<PgBouncer> bouncers = new ArrayList<>();
            try {
                Map<String, String> viaBouncer = new HashMap<>();
                for (PostgresNode node : cluster.nodes()) {
                    PgBouncer bouncer = PgBouncer.inFrontOf(node, cluster);
                    bouncers.add(bouncer);
                    viaBouncer.put(
                            "jdbc:postgresql://" + node.host() + ":" + node.port() + "/" + cluster.database(),
                            bouncer.jdbcUrl());
                }
                Peers direct = Peers.of(endpoints, EndToEndEntry.POOL_SIZE);
                Peers bounced =
                        Peers.through(endpoints, EndToEndEntry.POOL_SIZE, url -> viaBouncer.getOrDefault(url, url));
                Map<String, Double> directOps = new HashMap<>();
                for (String peerName : List.of("hikari-primary", "pgrouter")) {
                    for (String path : List.of("direct", "pgbouncer")) {
                        Peers peers = path.equals("direct") ? direct : bounced;
                        EndToEndEntry.Outcome outcome;
                        try (Peer peer = peerName.equals("hikari-primary")
                                ? peers.hikariOnPrimary()
                                : peers.pgrouter(Duration.ofMillis(500), b -> {
                                    // The probes measure the servers, not PgBouncer's connections.
                                    b.probeUrl("primary", endpoints.primaryUrl());
                                    b.probeUrl("replica-1", endpoints.replicaUrl(0));
                                })) {
                            if (peerName.equals("pgrouter")) {
                                peer.awaitReadsOnReplica(Duration.ofSeconds(30));
                            }
                            outcome = EndToEndEntry.drive(peer, warmup, measure);
                        }
                        if (path.equals("direct")) {
                            directOps.put(peerName, outcome.opsPerSecond());
                        }
                        context.log("pgbouncer, %s %s: %s", peerName, path, outcome);
                        table.row(
                                peerName,
                                path,
                                outcome.opsPerSecond(),
                                outcome.opsPerSecond() / directOps.get(peerName),
                                outcome.p50Micros(),
                                outcome.p99Micros(),
                                outcome.p999Micros(),
                                outcome.errors(),
                                outcome.replicaShare());
                        report.value(peerName + "." + path + ".opsPerSecond", outcome.opsPerSecond());
                        report.value(peerName + "." + path + ".errors", outcome.errors());
                    }
                }
            } finally {
                bouncers.forEach(PgBouncer::close);
            }
        }
        report.note(String.format(
                Locale.ROOT,
                "The end-to-end loop (%d%% primary-key reads with read intent, the rest updates; one connection per"
                        + " operation) against a primary and one replica. pgbouncer: one PgBouncer per node, pool_mode ="
                        + " transaction, default_pool_size = 20, the pools' URLs with prepareThreshold=0 (every statement"
                        + " unnamed); direct: pgjdbc's default prepareThreshold. pgrouter's probes go straight to PostgreSQL"
                        + " in both (probe-url).",
                EndToEndEntry.READ_PERCENT));
        report.note("PgBouncer runs on the same 2 cores as the client and both servers, so it adds a hop and its own"
                + " CPU without the saving it brings where many application instances share few server connections:"
                + " this measures its cost per operation, not its benefit.");
    }
}
