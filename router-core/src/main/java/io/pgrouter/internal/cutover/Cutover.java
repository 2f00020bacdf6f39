package io.pgrouter.internal.cutover;

import io.pgrouter.CutoverOptions;
import io.pgrouter.CutoverReport;
import io.pgrouter.CutoverReport.Result;
import io.pgrouter.CutoverReport.StepTiming;
import io.pgrouter.CutoverReport.TableCount;
import io.pgrouter.CutoverStep;
import io.pgrouter.SwitchoverReport.WritePause;
import io.pgrouter.cutover.CutoverReadiness;
import io.pgrouter.cutover.ReadinessReport;
import io.pgrouter.cutover.ReadinessReport.RowCount;
import io.pgrouter.cutover.SequenceMove;
import io.pgrouter.internal.Node;
import io.pgrouter.internal.RouterRuntime;
import io.pgrouter.internal.WriteGate;
import io.pgrouter.internal.config.NodeConfig;
import io.pgrouter.internal.config.RouterConfig;
import io.pgrouter.internal.health.SwitchoverSignal;
import io.pgrouter.internal.switchover.Announcement;
import io.pgrouter.internal.switchover.Fence;
import io.pgrouter.internal.switchover.NodeSession;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a cutover of one router to another cluster fed by logical replication (see {@link CutoverStep}): checks the
 * readiness, starts the target's runtime, holds the writes of every router, fences the source, waits until the
 * subscription has confirmed its final position, synchronizes the sequences, checks the row counts, swaps the runtime
 * and releases the writes onto the target. Any failure before the swap gives the source back. One at a time.
 *
 * <p>Other routers follow through the switchover signal on the source ({@link SwitchoverSignal}): the target
 * {@value #SIGNAL_RUNNING} holds their writes, {@value #SIGNAL_DONE} makes them swap ({@link CutoverFollower}).
 */
public final class Cutover {

    /** The signal's target while a cutover runs: other routers hold their writes and prepare the target's runtime. */
    public static final String SIGNAL_RUNNING = "cutover";
    /** The signal's target once this router swapped: other routers swap too. */
    public static final String SIGNAL_DONE = "cutover-done";

    private static final Logger LOG = LoggerFactory.getLogger("io.pgrouter.cutover");
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final RuntimeHost host;
    private final Clock clock;
    private final AtomicReference<String> running = new AtomicReference<>();

    public Cutover(RuntimeHost host, Clock clock) {
        this.host = host;
        this.clock = clock;
    }

    /** The id of the cutover this router runs now, {@code null} when none. */
    public String runningId() {
        return running.get();
    }

    /**
     * Runs a cutover (or its dry run) to the cluster of {@code targetConfig} and reports; failures are in the report.
     *
     * @throws IllegalStateException when a cutover already runs on this router
     */
    public CutoverReport run(RouterConfig targetConfig, CutoverOptions options) {
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        if (!running.compareAndSet(null, id)) {
            throw new IllegalStateException("A cutover already runs on this router: " + running.get());
        }
        try {
            return new Run(id, targetConfig, options).execute();
        } finally {
            running.set(null);
        }
    }

    /** A step that could not be done; the cutover stops there. */
    private static final class StepFailed extends Exception {
        private static final long serialVersionUID = 1L;

        StepFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** One cutover's state. */
    private final class Run {
        private final String id;
        private final RouterConfig targetConfig;
        private final CutoverOptions options;
        private final RouterRuntime source = host.runtime();
        private final Node sourcePrimary =
                source.router().topology().current().primary().node();
        private final List<StepTiming> steps = new ArrayList<>();
        private final List<TableCount> tables = new ArrayList<>();
        private List<SequenceMove> sequences = List.of();
        private final SequenceSync sequenceSync;
        private CutoverStep current;
        private Instant stepStart;
        private ReadinessReport readiness;
        private String subscription;
        private String slot;
        private String publications;
        private NodeSession sourceSession;
        private NodeSession targetSession;
        private RouterRuntime target;
        private WriteGate.Closure closure;
        private long closedAtNanos;
        private long openedAtNanos;
        private long deadlineNanos;
        private boolean fenced;
        private int terminated;
        private String finalLsn;
        private String confirmedLsn;

        Run(String id, RouterConfig targetConfig, CutoverOptions options) {
            this.id = id;
            this.targetConfig = targetConfig;
            this.options = options;
            this.sequenceSync = new SequenceSync(options.sequenceMargin(), 5);
        }

        CutoverReport execute() {
            LOG.info(
                    "Cutover {}: '{}' -> '{}' {}",
                    id,
                    sourcePrimary.name(),
                    targetConfig.primary().name(),
                    options);
            try {
                try {
                    precheck();
                } catch (StepFailed | SQLException | RuntimeException e) {
                    fail(message(e));
                    return report(Result.CHECKS_FAILED, message(e));
                }
                if (options.dryRun()) {
                    return report(Result.DRY_RUN_PASSED, null);
                }
                try {
                    startTarget();
                    closeGate();
                    drain();
                    fence();
                    finalPosition();
                    catchUp();
                    syncSequences();
                    compareRowCounts();
                } catch (StepFailed | SQLException | RuntimeException e) {
                    String why = message(e);
                    CutoverStep failed = current;
                    fail(why);
                    String rollback = rollback();
                    return report(Result.ABORTED, failed, why + (rollback == null ? "" : "; " + rollback));
                }
                swap();
                return afterSwap();
            } finally {
                if (sourceSession != null) {
                    sourceSession.close();
                }
                if (targetSession != null) {
                    targetSession.close();
                }
            }
        }

        private void precheck() throws StepFailed, SQLException {
            begin(CutoverStep.PRECHECK);
            if (!source.router().writeGate().isOpen()) {
                throw new StepFailed("the write gate is closed: a switchover or cutover is in progress");
            }
            NodeConfig sourceNode = sourcePrimary.config();
            NodeConfig targetNode = targetConfig.primary();
            Duration timeout = source.config().monitor().timeout().multipliedBy(4);
            sourceSession = NodeSession.open(sourceNode, timeout);
            targetSession = NodeSession.open(targetNode, timeout);
            String[] t = targetSession.queryRow("SELECT pg_is_in_recovery()::text, (SELECT reset_val FROM pg_settings"
                    + " WHERE name = 'default_transaction_read_only')");
            if (!"false".equals(t[0]) || !"off".equals(t[1])) {
                throw new StepFailed("the target '" + targetNode.name() + "' does not accept writes: in recovery "
                        + t[0] + ", default_transaction_read_only " + t[1]);
            }
            CutoverReadiness.Builder check = CutoverReadiness.builder()
                    .source(sourceNode.jdbcUrl(), sourceNode.connectionProperties())
                    .target(targetNode.jdbcUrl(), targetNode.connectionProperties())
                    .stableFor(Duration.ZERO);
            if (options.subscription() != null) {
                check.subscription(options.subscription());
            }
            readiness = check.build().check();
            for (ReadinessReport.Table table : readiness.tables()) {
                tables.add(new TableCount(
                        table.qualifiedName(), exact(table.sourceRows()), exact(table.targetRows()), -1, -1));
            }
            if (readiness.light() != ReadinessReport.Light.GREEN) {
                throw new StepFailed("readiness " + readiness.light() + ": " + String.join("; ", readiness.reasons()));
            }
            subscription = readiness.subscription();
            slot = targetSession.queryString(
                    "SELECT subslotname::text FROM pg_subscription WHERE subname = ? AND subdbid ="
                            + " (SELECT oid FROM pg_database WHERE datname = current_database())",
                    subscription);
            publications = sequenceSync.publications(targetSession.connection(), subscription);
            // Outside the gate, so that the one inside it has little left to move; a dry run only reads.
            sequences = sequenceSync.sync(
                    sourceSession.connection(), targetSession.connection(), publications, !options.dryRun());
            end("readiness GREEN, lag " + readiness.lagBytes() + " bytes; "
                    + readiness.tables().size()
                    + " table(s), " + sequences.size() + " sequence(s)"
                    + (options.dryRun() ? ", " + moving(sequences) + " would move" : ""));
        }

        private void startTarget() throws StepFailed {
            begin(CutoverStep.START_TARGET);
            target = host.startTarget(targetConfig);
            String down = target.router().topology().current().primary().downReason();
            if (down != null) {
                throw new StepFailed(
                        "the target's primary '" + targetConfig.primary().name() + "' is down: " + down);
            }
            end("pools and health monitor of " + targetConfig.nodes().size() + " node(s) started; '"
                    + targetConfig.primary().name() + "' answers as the primary");
        }

        private void closeGate() throws SQLException {
            begin(CutoverStep.CLOSE_GATE);
            closedAtNanos = System.nanoTime();
            deadlineNanos = closedAtNanos + options.maxPause().toNanos() * 3 / 4;
            closure = source.router()
                    .writeGate()
                    .close(
                            id,
                            targetConfig.primary().name(),
                            closedAtNanos + options.maxPause().toNanos());
            closure.step(CutoverStep.CLOSE_GATE.name());
            sourcePrimary.redirectWaiters("cutover " + id + " holds writes");
            announce(SIGNAL_RUNNING);
            end("writes held; announced on '" + sourcePrimary.name() + "' as " + SwitchoverSignal.SETTING);
        }

        private void announce(String what) throws SQLException {
            Announcement.announce(sourceSession, id, what, options.maxPause());
        }

        private void drain() throws SQLException, StepFailed {
            step(CutoverStep.DRAIN);
            long signalSeen =
                    System.nanoTime() + source.config().monitor().interval().toNanos() * 2;
            while (true) {
                int local = sourcePrimary.inFlight();
                int remote = Integer.parseInt(sourceSession.queryString(Fence.IN_TRANSACTION));
                if (local == 0 && remote == 0 && System.nanoTime() - signalSeen >= 0) {
                    break;
                }
                checkDeadline(local + " connection(s) of this router still on '" + sourcePrimary.name() + "', " + remote
                        + " session(s) in a transaction there");
                pause();
            }
            end("no write transaction running; other routers had two probe intervals to see the announcement");
        }

        private void fence() throws SQLException, StepFailed {
            step(CutoverStep.FENCE);
            fenced = true;
            sourceSession.execute("ALTER SYSTEM SET default_transaction_read_only = on");
            sourceSession.execute("SELECT pg_reload_conf()");
            while (!"on".equals(sourceSession.queryString(Fence.CONFIGURED_READ_ONLY))) {
                checkDeadline("the fence's reload was not seen");
                pause();
            }
            String pids = sourceSession.queryString(Fence.TERMINATE_OTHERS);
            terminated = pids.isEmpty() ? 0 : pids.split(",").length;
            sourcePrimary.softEvict();
            while (terminated > 0 && !"0".equals(sourceSession.queryString(Fence.STILL_THERE, pids))) {
                checkDeadline("the sessions ended by the fence did not exit");
                pause();
            }
            end("default_transaction_read_only = on; " + terminated + " session(s) ended");
        }

        private void finalPosition() throws SQLException {
            step(CutoverStep.FINAL_POSITION);
            finalLsn = sourceSession.queryString("SELECT pg_current_wal_lsn()::text");
            end(finalLsn);
        }

        private void catchUp() throws SQLException, StepFailed {
            step(CutoverStep.CATCH_UP);
            while (true) {
                String[] row = sourceSession.queryRow("SELECT coalesce(confirmed_flush_lsn >= '" + finalLsn
                        + "'::pg_lsn, false)::text, confirmed_flush_lsn::text FROM pg_replication_slots"
                        + " WHERE slot_name = '" + slot.replace("'", "''") + "'");
                if (row[0] == null) {
                    throw new StepFailed("replication slot " + slot + " of subscription " + subscription
                            + " does not exist on the source any more");
                }
                confirmedLsn = row[1];
                if ("true".equals(row[0])) {
                    break;
                }
                checkDeadline("subscription " + subscription + " confirmed " + confirmedLsn + " of " + finalLsn);
                pause();
            }
            end("subscription " + subscription + " confirmed " + confirmedLsn);
        }

        private void syncSequences() throws SQLException {
            step(CutoverStep.SEQUENCES);
            sequences = sequenceSync.sync(sourceSession.connection(), targetSession.connection(), publications, true);
            end(moving(sequences) + " of " + sequences.size() + " sequence(s) moved, margin "
                    + options.sequenceMargin());
        }

        private void compareRowCounts() throws SQLException, StepFailed {
            step(CutoverStep.ROW_COUNTS);
            List<String> unequal = new ArrayList<>();
            for (int i = 0; i < tables.size(); i++) {
                TableCount before = tables.get(i);
                if (before.sourceBefore() < 0 || before.targetBefore() < 0) {
                    continue; // estimated at the pre-check: too large to count inside the gate
                }
                ReadinessReport.Table table = readiness.tables().get(i);
                String name = quote(table.schema()) + "." + quote(table.name());
                long s = Long.parseLong(sourceSession.queryString("SELECT count(*) FROM " + name));
                long t = Long.parseLong(targetSession.queryString("SELECT count(*) FROM " + name));
                tables.set(i, new TableCount(before.table(), before.sourceBefore(), before.targetBefore(), s, t));
                if (s != t) {
                    unequal.add(before.table() + " (source " + s + ", target " + t + ")");
                }
            }
            if (!unequal.isEmpty()) {
                throw new StepFailed("row counts differ: " + String.join(", ", unequal));
            }
            end("equal on both sides");
        }

        private void swap() {
            step(CutoverStep.SWAP);
            host.swap(source, target);
            end("this router's writes and reads now go to '"
                    + targetConfig.primary().name() + "'");
        }

        private CutoverReport afterSwap() {
            begin(CutoverStep.OPEN_GATE);
            source.router().writeGate().open(closure);
            openedAtNanos = System.nanoTime();
            List<String> warnings = new ArrayList<>();
            try {
                announce(SIGNAL_DONE);
                end("writes released onto the target; other routers told to swap");
            } catch (SQLException e) {
                warnings.add("other routers were not told to swap: " + e.getMessage());
                fail(warnings.get(0));
            }
            if (options.disableSubscription()) {
                begin(CutoverStep.DISABLE_SUBSCRIPTION);
                try {
                    targetSession.execute("ALTER SUBSCRIPTION " + quote(subscription) + " DISABLE");
                    end("subscription " + subscription + " disabled; its slot stays on the source");
                } catch (SQLException e) {
                    warnings.add("subscription not disabled: " + e.getMessage());
                    fail(warnings.get(warnings.size() - 1));
                }
            }
            begin(CutoverStep.RETIRE_SOURCE);
            int left = host.retire(source, options.retireTimeout());
            end("the source's pools and monitor closed" + (left > 0 ? "; " + left + " connection(s) cut" : ""));
            return warnings.isEmpty()
                    ? report(Result.COMPLETED, null)
                    : report(Result.COMPLETED_WITH_WARNINGS, CutoverStep.OPEN_GATE, String.join("; ", warnings));
        }

        /** Gives the source back after a failure before the swap; returns what went wrong, if anything. */
        private String rollback() {
            begin(CutoverStep.ROLLBACK);
            String problem = null;
            if (closure != null) {
                sourcePrimary.softEvict();
                try {
                    Fence.lift(
                            sourceSession,
                            sourcePrimary.config(),
                            source.config().monitor().timeout().multipliedBy(4),
                            fenced);
                } catch (SQLException e) {
                    problem = "rollback on '" + sourcePrimary.name() + "' failed, lift the fence by hand (ALTER SYSTEM"
                            + " RESET default_transaction_read_only; ALTER SYSTEM RESET " + SwitchoverSignal.SETTING
                            + "; SELECT pg_reload_conf()): " + e.getMessage();
                }
                source.router().writeGate().open(closure);
                openedAtNanos = System.nanoTime();
            }
            if (target != null) {
                target.close();
            }
            if (problem == null) {
                end("'" + sourcePrimary.name() + "' takes writes again" + (fenced ? "; fence lifted" : ""));
            } else {
                fail(problem);
            }
            return problem;
        }

        private void begin(CutoverStep step) {
            current = step;
            stepStart = clock.instant();
        }

        private void step(CutoverStep step) {
            begin(step);
            closure.step(step.name());
        }

        private void end(String detail) {
            finish(true, detail);
            LOG.info(
                    "Cutover {}: {} done in {} ms: {}",
                    id,
                    current,
                    last().duration().toMillis(),
                    detail);
        }

        private void fail(String reason) {
            finish(false, reason);
            LOG.warn(
                    "Cutover {}: {} failed after {} ms: {}",
                    id,
                    current,
                    last().duration().toMillis(),
                    reason);
        }

        private void finish(boolean ok, String detail) {
            steps.add(new StepTiming(current, stepStart, clock.instant(), ok, detail));
        }

        private StepTiming last() {
            return steps.get(steps.size() - 1);
        }

        private void checkDeadline(String what) throws StepFailed {
            if (System.nanoTime() - deadlineNanos >= 0) {
                throw new StepFailed(what + " within three quarters of max-pause ("
                        + options.maxPause().toMillis() * 3 / 4 + " ms), the share of the steps before the swap");
            }
        }

        private CutoverReport report(Result result, String reason) {
            return report(result, result == Result.CHECKS_FAILED ? CutoverStep.PRECHECK : null, reason);
        }

        private CutoverReport report(Result result, CutoverStep failedStep, String reason) {
            WritePause pause = WritePause.NONE;
            if (closure != null) {
                WriteGate.PauseStats s = closure.stats();
                pause = new WritePause(
                        Duration.ofNanos((openedAtNanos != 0 ? openedAtNanos : System.nanoTime()) - closedAtNanos),
                        s.waited(),
                        s.failed(),
                        Duration.ofNanos(s.maxNanos()),
                        Duration.ofNanos(s.p50Nanos()),
                        Duration.ofNanos(s.p99Nanos()));
            }
            CutoverReport report = new CutoverReport(
                    id,
                    sourcePrimary.name(),
                    targetConfig.primary().name(),
                    options.dryRun(),
                    result,
                    failedStep,
                    reason,
                    readiness,
                    steps,
                    finalLsn,
                    confirmedLsn,
                    tables,
                    sequences,
                    pause,
                    terminated);
            LOG.info("Cutover {}: {}", id, report);
            return report;
        }
    }

    private static long exact(RowCount count) {
        return count.kind() == RowCount.Kind.EXACT ? count.rows() : -1;
    }

    private static long moving(List<SequenceMove> moves) {
        return moves.stream()
                .filter(m -> m.moved() || !java.util.Objects.equals(m.targetBefore(), m.targetAfter()))
                .count();
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void pause() {
        LockSupport.parkNanos(POLL_NANOS);
    }
}
