package io.pgrouter.internal.switchover;

import io.pgrouter.SwitchoverOptions;
import io.pgrouter.SwitchoverReport;
import io.pgrouter.SwitchoverReport.Result;
import io.pgrouter.SwitchoverReport.WritePause;
import io.pgrouter.SwitchoverStep;
import io.pgrouter.UnknownNodeException;
import io.pgrouter.internal.NodeState;
import io.pgrouter.internal.RouterRuntime;
import io.pgrouter.internal.TopologySnapshot;
import io.pgrouter.internal.WriteGate;
import io.pgrouter.internal.config.NodeConfig;
import io.pgrouter.internal.health.HealthReport;
import io.pgrouter.internal.health.SwitchoverSignal;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a planned switchover of one router's cluster, step by step (see {@link SwitchoverStep}): checks, holds the
 * writes, fences the old primary, waits until the target has its last byte, promotes it and moves the writes there.
 * Any failure before the promotion gives the old primary back. One switchover at a time per router.
 */
public final class Switchover {

    private static final Logger LOG = LoggerFactory.getLogger("io.pgrouter.switchover");
    /** How often a wait on a server (drain, catch-up, promotion) looks again. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final RouterRuntime runtime;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();

    public Switchover(RouterRuntime runtime, Clock clock) {
        this.runtime = runtime;
        this.clock = clock;
    }

    /** A step that could not be done; the switchover stops there. */
    static final class StepFailed extends Exception {
        private static final long serialVersionUID = 1L;

        StepFailed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Runs a switchover (or its dry run) to {@code targetName} and reports; failures are in the report, not thrown.
     *
     * @throws UnknownNodeException naming the configured nodes when there is no node of that name
     * @throws IllegalStateException when a switchover already runs on this router
     */
    public SwitchoverReport run(String targetName, SwitchoverOptions options) {
        NodeConfig targetConfig = nodeConfig(targetName);
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("A switchover already runs on this router");
        }
        try {
            return new Run(targetConfig, options).execute();
        } finally {
            running.set(false);
        }
    }

    private NodeConfig nodeConfig(String name) {
        // The router's nodes now: those configured and those that joined since.
        List<io.pgrouter.internal.Node> nodes = runtime.nodes();
        for (io.pgrouter.internal.Node node : nodes) {
            if (node.name().equals(name)) {
                return node.config();
            }
        }
        throw UnknownNodeException.node(
                name, nodes.stream().map(io.pgrouter.internal.Node::name).toList());
    }

    private Duration probeInterval() {
        return runtime.config().monitor().interval();
    }

    /** One switchover's state. */
    private final class Run {
        private final NodeConfig targetConfig;
        private final SwitchoverOptions options;
        private final String id = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        private final StepLog log;
        private final Prechecks checks = new Prechecks();
        private final Map<String, Long> estimates = new LinkedHashMap<>();
        private final TopologySnapshot snapshot = runtime.router().topology().current();
        private final NodeState from = snapshot.primary();
        private NodeSession primary;
        private NodeSession target;
        private WriteGate.Closure closure;
        private long closedAtNanos;
        /** When the steps before the promotion must have ended: half of max-pause, the rest is the promotion's. */
        private long deadlineNanos;

        private boolean fenced;
        /** Routers that probed the primary when the switchover was announced, and how many answered its notice. */
        private int routers;

        private int acks;
        private int terminated;
        private String finalLsn;
        private String targetReplayed;

        Run(NodeConfig targetConfig, SwitchoverOptions options) {
            this.targetConfig = targetConfig;
            this.options = options;
            this.log = new StepLog(id, clock, options.progress());
        }

        SwitchoverReport execute() {
            LOG.info("Switchover {}: '{}' -> '{}' {}", id, from.name(), targetConfig.name(), options);
            try {
                if (!precheck()) {
                    return report(Result.CHECKS_FAILED, SwitchoverStep.PRECHECK, checks.failures());
                }
                if (options.dryRun()) {
                    estimate();
                    return report(Result.DRY_RUN_PASSED, null, null);
                }
                try {
                    closeGate();
                    drain();
                    fence();
                    finalPosition();
                    catchUp();
                } catch (StepFailed | SQLException | RuntimeException e) {
                    SwitchoverStep failed = log.current();
                    String why = message(e);
                    log.fail(why);
                    String rollback = rollback();
                    return report(Result.ABORTED, failed, why + (rollback == null ? "" : "; " + rollback));
                }
                try {
                    promote();
                    verify();
                    moveRoute();
                    notifyOver(primary);
                } catch (StepFailed | SQLException | RuntimeException e) {
                    SwitchoverStep failed = log.current();
                    String why = message(e);
                    log.fail(why);
                    openGate();
                    LOG.error(
                            "Switchover {}: failed at {} after the promotion started: {}; '{}' stays fenced, writes go to"
                                    + " whichever node answers as the primary",
                            id,
                            failed,
                            why,
                            from.name());
                    return report(Result.FAILED_AFTER_PROMOTION, failed, why);
                }
                openGate();
                return report(Result.COMPLETED, null, null);
            } finally {
                if (primary != null) {
                    primary.close();
                }
                if (target != null) {
                    target.close();
                }
            }
        }

        private boolean precheck() {
            log.begin(SwitchoverStep.PRECHECK);
            NodeState targetState = snapshot.node(targetConfig.name());
            checks.onTopology(
                    snapshot, targetState, runtime.router().writeGate().isOpen());
            Duration timeout = runtime.config().monitor().timeout().multipliedBy(4);
            long primaryTimeline = 0;
            try {
                primary = NodeSession.open(from.node().config(), timeout);
                primaryTimeline = checks.onPrimary(primary, options.externalPromoter());
            } catch (SQLException e) {
                checks.check("primary-reachable", false, e.getMessage());
            }
            if (!targetState.name().equals(from.name())) {
                try {
                    target = NodeSession.open(targetConfig, timeout);
                    checks.onTarget(target, primaryTimeline, options);
                } catch (SQLException e) {
                    checks.check("target-reachable", false, e.getMessage());
                }
            }
            if (!checks.passed()) {
                log.fail(checks.failures());
                return false;
            }
            log.end(checks.checks().size() + " checks passed; target lag " + checks.lagBytes() + " bytes");
            return true;
        }

        /** A dry run's estimates: what the pause before the promotion would be made of, measured now. */
        private void estimate() {
            Duration wait = signalWait();
            estimates.put("signal-wait", wait.toMillis());
            try {
                long t0 = System.nanoTime();
                String now = primary.queryString("SELECT pg_current_wal_lsn()::text");
                estimates.put("round-trip-primary", millisSince(t0));
                long t1 = System.nanoTime();
                boolean reached =
                        awaitReplay(now, System.nanoTime() + options.maxPause().toNanos());
                long catchUp = millisSince(t1);
                estimates.put("catch-up", catchUp);
                long inFlight = from.node().inFlight();
                estimates.put("write-connections-in-flight", inFlight);
                long pause = wait.toMillis() + catchUp + 4 * estimates.get("round-trip-primary");
                estimates.put("pause-before-promotion", pause);
                LOG.info(
                        "Switchover {} (dry run): estimated pause before the promotion {} ms (signal wait {} ms, catch-up {}"
                                + " ms{}), {} write connection(s) in flight now",
                        id,
                        pause,
                        wait.toMillis(),
                        catchUp,
                        reached ? "" : ", not reached within max-pause",
                        inFlight);
            } catch (SQLException e) {
                LOG.warn("Switchover {} (dry run): estimate failed: {}", id, e.getMessage());
            }
        }

        private void closeGate() throws SQLException {
            log.begin(SwitchoverStep.CLOSE_GATE);
            closedAtNanos = System.nanoTime();
            deadlineNanos = closedAtNanos + options.maxPause().toNanos() / 2;
            closure = runtime.router()
                    .writeGate()
                    .close(
                            id,
                            targetConfig.name(),
                            closedAtNanos + options.maxPause().toNanos());
            closure.step(SwitchoverStep.CLOSE_GATE.name());
            int redirected =
                    from.node().redirectWaiters("switchover " + id + " to '" + targetConfig.name() + "' holds writes");
            // The deadline on the server's clock: other routers count the remaining time from their probe on.
            String announced = Announcement.announce(primary, id, targetConfig.name(), options.maxPause());
            String notice = notifyHold(announced);
            log.end("writes held" + (redirected > 0 ? " (" + redirected + " waiting in the pool sent to the gate)" : "")
                    + "; announced on '" + from.name() + "' as " + SwitchoverSignal.SETTING + notice);
        }

        /**
         * Tells the routers that listen ({@code SwitchoverNotices}) at once, so that the drain can end as soon as
         * every router on the primary answered rather than after the signal wait. After the reload has reached this
         * session, hence every session: a router's probe sent after the notice reads the announcement.
         */
        private String notifyHold(String announced) throws SQLException {
            long until = System.nanoTime() + signalWait().toNanos();
            primary.execute("RESET " + SwitchoverSignal.SETTING);
            while (!announced.equals(primary.queryString(Fence.CONFIGURED_SIGNAL))) {
                if (System.nanoTime() - until >= 0) {
                    return "; the reload was not seen within the signal wait: no notice sent";
                }
                pause();
            }
            routers = Integer.parseInt(primary.queryString(Fence.ROUTERS));
            primary.execute("LISTEN " + SwitchoverSignal.ACK_CHANNEL);
            long remaining = options.maxPause().toMillis() - millisSince(closedAtNanos);
            primary.queryString(
                    "SELECT pg_notify(?, ?)",
                    SwitchoverSignal.CHANNEL,
                    SwitchoverSignal.holdNotice(id, targetConfig.name(), remaining));
            return "; " + routers + " router(s) probe it, notified";
        }

        /** Whether every router that probes the primary answered the hold notice (so far, with {@code acks}). */
        private boolean everyRouterHolds() throws SQLException {
            if (routers > 0) {
                acks += primary.notices(SwitchoverSignal.ACK_CHANNEL, id);
            }
            return routers > 0 && acks >= routers;
        }

        /** Tells listening routers to probe now: the primary moved, or the announcement was withdrawn. */
        private void notifyOver(NodeSession session) {
            try {
                session.queryString(
                        "SELECT pg_notify(?, ?)", SwitchoverSignal.CHANNEL, SwitchoverSignal.overNotice(id));
            } catch (SQLException e) {
                // Only a shortcut: the routers' next probe rounds find the same.
                LOG.debug("Switchover {}: over notice not sent: {}", id, e.getMessage());
            }
        }

        private void drain() throws SQLException, StepFailed {
            step(SwitchoverStep.DRAIN);
            long now = System.nanoTime();
            long signalSeen = now + signalWait().toNanos();
            long drainEnd = Math.min(deadlineNanos, now + options.drainTimeout().toNanos());
            int local;
            int remote;
            while (true) {
                local = from.node().inFlight();
                remote = Integer.parseInt(primary.queryString(Fence.IN_TRANSACTION));
                now = System.nanoTime();
                if (local == 0 && remote == 0 && (now - signalSeen >= 0 || everyRouterHolds())) {
                    break;
                }
                if (now - drainEnd >= 0) {
                    if (local == 0 && remote == 0) {
                        break; // drained; only the signal wait was cut short by the drain timeout
                    }
                    String running = local + " connection(s) of this router still on '" + from.name() + "', " + remote
                            + " session(s) in a transaction there";
                    if (!options.cancelAfterDrain()) {
                        throw new StepFailed(running + " after drain-timeout "
                                + options.drainTimeout().toMillis() + " ms");
                    }
                    log.end(running + "; the fence ends them (cancel-after-drain)");
                    return;
                }
                pause();
            }
            log.end("no write transaction running; "
                    + (routers > 0 && acks >= routers
                            ? "all " + routers + " router(s) on '" + from.name() + "' hold their writes"
                            : "other routers had " + signalWait().toMillis() + " ms to see the announcement (" + acks
                                    + " of " + routers + " answered the notice)"));
        }

        private void fence() throws SQLException, StepFailed {
            step(SwitchoverStep.FENCE);
            fenced = true;
            primary.execute("ALTER SYSTEM SET default_transaction_read_only = on");
            primary.execute("SELECT pg_reload_conf()");
            // This session takes the reload only after the server did: from then on every new session is read-only.
            while (!"on".equals(primary.queryString(Fence.CONFIGURED_READ_ONLY))) {
                checkDeadline("the fence's reload was not seen");
                pause();
            }
            String pids = primary.queryString(Fence.TERMINATE_OTHERS);
            terminated = pids.isEmpty() ? 0 : pids.split(",").length;
            // The pool's idle connections there are among them: retire them, so none is handed out dead after a
            // rollback.
            from.node().softEvict();
            while (terminated > 0 && !"0".equals(primary.queryString(Fence.STILL_THERE, pids))) {
                checkDeadline("the sessions ended by the fence did not exit");
                pause();
            }
            log.end("default_transaction_read_only = on; " + terminated + " session(s) ended");
        }

        private void finalPosition() throws SQLException {
            step(SwitchoverStep.FINAL_POSITION);
            finalLsn = primary.queryString(Fence.END_OF_WAL);
            log.end(finalLsn);
        }

        private void catchUp() throws SQLException, StepFailed {
            step(SwitchoverStep.CATCH_UP);
            if (!awaitReplay(finalLsn, deadlineNanos)) {
                throw new StepFailed("'" + targetConfig.name() + "' replayed " + targetReplayed + " of " + finalLsn
                        + " by half of max-pause (" + options.maxPause().toMillis() / 2
                        + " ms), the share of the steps before the promotion");
            }
            log.end("replayed " + targetReplayed);
        }

        private boolean awaitReplay(String lsn, long until) throws SQLException {
            while (true) {
                String[] row = target.queryRow(
                        "SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn, pg_last_wal_replay_lsn()::text");
                targetReplayed = row[1];
                if ("t".equals(row[0])) {
                    return true;
                }
                if (System.nanoTime() - until >= 0) {
                    return false;
                }
                pause();
            }
        }

        private void promote() throws SQLException, StepFailed {
            step(SwitchoverStep.PROMOTE);
            // Before the promotion, not after: other routers take the target as the primary as soon as it answers as
            // one, and would send their held writes to a server that still refuses them (a benchmark run saw 25006).
            // On a standby the setting changes nothing.
            String lifted = Fence.liftStale(target);
            long seconds = Math.max(1, options.promoteTimeout().toSeconds());
            if (options.externalPromoter()) {
                long until = System.nanoTime() + options.promoteTimeout().toNanos();
                while (!"false".equals(target.queryString("SELECT pg_is_in_recovery()::text"))) {
                    if (System.nanoTime() - until >= 0) {
                        throw new StepFailed("'" + targetConfig.name() + "' still in recovery after promote-timeout "
                                + options.promoteTimeout().toMillis() + " ms (external promoter)");
                    }
                    pause();
                }
                log.end("promoted by an external promoter" + lifted);
                return;
            }
            if (!"true".equals(target.queryString("SELECT pg_promote(true, " + seconds + ")::text"))) {
                throw new StepFailed("pg_promote did not finish within " + seconds + " s");
            }
            log.end("pg_promote(wait => true) done" + lifted);
        }

        private void verify() throws SQLException, StepFailed {
            step(SwitchoverStep.VERIFY);
            // The session opened before the promotion: it sees the server as any new session would (reset_val is the
            // configured default, whatever this session set for itself).
            String[] r = target.queryRow("SELECT pg_is_in_recovery()::text, (SELECT reset_val FROM pg_settings"
                    + " WHERE name = 'default_transaction_read_only')");
            if (!"false".equals(r[0]) || !"off".equals(r[1])) {
                throw new StepFailed("'" + targetConfig.name() + "' does not accept writes: in recovery " + r[0]
                        + ", default_transaction_read_only " + r[1]);
            }
            log.end("'" + targetConfig.name() + "' accepts writes");
        }

        private void moveRoute() throws StepFailed {
            step(SwitchoverStep.MOVE_ROUTE);
            CountDownLatch taken = new CountDownLatch(1);
            Consumer<HealthReport> observer = report -> {
                if (report.primary().equals(targetConfig.name())) {
                    taken.countDown();
                }
            };
            runtime.addRoundObserver(observer);
            try {
                long until = System.nanoTime() + options.promoteTimeout().toNanos();
                while (!runtime.router().topology().current().primary().name().equals(targetConfig.name())) {
                    runtime.probeNow();
                    long left =
                            Math.min(until - System.nanoTime(), probeInterval().toNanos());
                    if (until - System.nanoTime() <= 0) {
                        throw new StepFailed(
                                "the health monitor did not take '" + targetConfig.name() + "' as the primary within "
                                        + options.promoteTimeout().toMillis() + " ms");
                    }
                    taken.await(left, TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StepFailed("interrupted while waiting for the health monitor");
            } finally {
                runtime.removeRoundObserver(observer);
            }
            log.end("writes now route to '" + targetConfig.name() + "'");
        }

        private void openGate() {
            log.begin(SwitchoverStep.OPEN_GATE);
            if (closure != null) {
                runtime.router().writeGate().open(closure);
            }
            log.end("writes released");
        }

        /** Gives the old primary back after a failure before the promotion; returns what went wrong, if anything. */
        private String rollback() {
            log.begin(SwitchoverStep.ROLLBACK);
            String problem = null;
            if (closure != null) {
                from.node().softEvict();
                try {
                    Fence.lift(
                            primary,
                            from.node().config(),
                            runtime.config().monitor().timeout().multipliedBy(4),
                            fenced);
                } catch (SQLException e) {
                    problem = "rollback on '" + from.name() + "' failed, lift the fence by hand (ALTER SYSTEM RESET"
                            + " default_transaction_read_only; ALTER SYSTEM RESET " + SwitchoverSignal.SETTING
                            + "; SELECT pg_reload_conf()): " + e.getMessage();
                }
                runtime.router().writeGate().open(closure);
                notifyOver(primary);
            }
            if (problem == null) {
                log.end("'" + from.name() + "' takes writes again" + (fenced ? "; fence lifted" : ""));
            } else {
                log.fail(problem);
            }
            return problem;
        }

        private void step(SwitchoverStep step) {
            log.begin(step);
            closure.step(step.name());
        }

        private void checkDeadline(String what) throws StepFailed {
            if (System.nanoTime() - deadlineNanos >= 0) {
                throw new StepFailed(what + " within half of max-pause ("
                        + options.maxPause().toMillis() / 2 + " ms), the share of the steps before the promotion");
            }
        }

        private Duration signalWait() {
            return options.signalWait() != null
                    ? options.signalWait()
                    : probeInterval().multipliedBy(2);
        }

        private SwitchoverReport report(Result result, SwitchoverStep failedStep, String reason) {
            WritePause pause = WritePause.NONE;
            if (closure != null) {
                WriteGate.PauseStats s = closure.stats();
                pause = new WritePause(
                        Duration.ofNanos(System.nanoTime() - closedAtNanos),
                        s.waited(),
                        s.failed(),
                        Duration.ofNanos(s.maxNanos()),
                        Duration.ofNanos(s.p50Nanos()),
                        Duration.ofNanos(s.p99Nanos()));
            }
            SwitchoverReport report = new SwitchoverReport(
                    id,
                    from.name(),
                    targetConfig.name(),
                    options.dryRun(),
                    result,
                    failedStep,
                    reason,
                    checks.checks(),
                    log.steps(),
                    finalLsn,
                    targetReplayed,
                    pause,
                    terminated,
                    estimates);
            LOG.info("Switchover {}: {}", id, report);
            return report;
        }
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static void pause() {
        java.util.concurrent.locks.LockSupport.parkNanos(POLL_NANOS);
    }
}
