package io.pgrouter.internal.switchover;

import io.pgrouter.internal.ConnectionRouter;
import io.pgrouter.internal.Node;
import io.pgrouter.internal.NodeState;
import io.pgrouter.internal.RouterRuntime;
import io.pgrouter.internal.TopologySnapshot;
import io.pgrouter.internal.WriteGate;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the writes of every router of the cluster while something outside pgrouter moves the primary (a Patroni
 * switchover, an operator's script): closes this router's write gate and announces the hold on the primary with the
 * switchover's signal ({@link Announcement}), which the other routers' probes follow; gives them two probe intervals
 * to see it while the running writes finish; runs the move; waits until the probes find another node answering as
 * the primary; opens the gate and withdraws the announcement. Held writes wait and then go to the new primary
 * instead of failing on the old one while it stops. Every wait is bounded by {@code maxPause}. Without the privilege
 * to announce, only this router's writes are held, and a warning says so.
 */
public final class ExternalPrimaryMove {

    private static final Logger LOG = LoggerFactory.getLogger("io.pgrouter.switchover");
    /** How often the waits look again; the probe rounds they wait for are the real pace. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** The target the announcement names: the move decides it, not pgrouter. */
    static final String TARGET = "the next primary";

    private ExternalPrimaryMove() {}

    /** See {@link io.pgrouter.RoutingDataSource#holdWritesWhile}. */
    public static <T> T run(RouterRuntime runtime, Duration maxPause, Callable<T> move) throws Exception {
        if (maxPause.isNegative() || maxPause.isZero()) {
            throw new IllegalArgumentException("maxPause must be positive, was " + maxPause);
        }
        ConnectionRouter router = runtime.router();
        if (router.isClosed()) {
            throw new IllegalStateException("the router is closed");
        }
        String id = "external-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
        Node from = router.topology().current().primary().node();
        long closedAt = System.nanoTime();
        long deadline = closedAt + maxPause.toNanos();
        WriteGate.Closure closure = router.writeGate().close(id, TARGET, deadline);
        Duration sessionTimeout = runtime.config().monitor().timeout().multipliedBy(4);
        NodeSession announced = null;
        try {
            closure.step("ANNOUNCE");
            from.redirectWaiters("move " + id + " of the primary holds writes");
            announced = announce(from, id, maxPause, sessionTimeout);
            closure.step("DRAIN");
            // Half the pause at most for the running writes (this router's and, announced, the others') and for the
            // other routers to see the announcement: the move itself needs the rest.
            long drainEnd = closedAt + maxPause.toNanos() / 2;
            long signalSeen = System.nanoTime()
                    + (announced == null
                            ? 0
                            : runtime.config()
                                    .monitor()
                                    .interval()
                                    .multipliedBy(2)
                                    .toNanos());
            int remote = 0;
            while (System.nanoTime() - drainEnd < 0) {
                remote = writesRunning(announced);
                if (from.inFlight() == 0 && remote == 0 && System.nanoTime() - signalSeen >= 0) {
                    break;
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
            LOG.info(
                    "Move {} of the primary: writes held{}, {} connection(s) of this router and {} transaction(s) still"
                            + " on '{}'; running the move",
                    id,
                    announced != null ? " here and announced to the other routers" : " here only",
                    from.inFlight(),
                    remote < 0 ? "an unknown number of" : remote,
                    from.name());
            closure.step("MOVE");
            T result = move.call();
            closure.step("AWAIT_NEW_PRIMARY");
            while (!movedAway(router, from) && System.nanoTime() - deadline < 0) {
                runtime.probeNow();
                LockSupport.parkNanos(POLL_NANOS);
            }
            TopologySnapshot now = router.topology().current();
            if (movedAway(router, from)) {
                LOG.info(
                        "Move {} of the primary: writes go to '{}' now, {} ms after they were held",
                        id,
                        now.primary().name(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt));
            } else {
                LOG.warn(
                        "Move {} of the primary: '{}' is still the primary after max-pause {} ms; writes released",
                        id,
                        from.name(),
                        maxPause.toMillis());
            }
            return result;
        } finally {
            router.writeGate().open(closure);
            if (announced != null) {
                announced.close();
                withdraw(from, id, sessionTimeout);
            }
        }
    }

    /**
     * The transactions running on the primary in other sessions (other routers' writes among them), 0 without a
     * session, -1 when the primary no longer answers (the move may have begun without us).
     */
    private static int writesRunning(NodeSession primary) {
        if (primary == null) {
            return 0;
        }
        try {
            return Integer.parseInt(primary.queryString(Fence.IN_TRANSACTION));
        } catch (SQLException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Announces the hold on the primary and returns the session that did, kept to watch the running transactions;
     * {@code null}, with a warning, when that cannot be done.
     */
    private static NodeSession announce(Node primary, String id, Duration maxPause, Duration timeout) {
        NodeSession session = null;
        try {
            session = NodeSession.open(primary.config(), timeout);
            Announcement.announce(session, id, TARGET, maxPause);
            return session;
        } catch (SQLException e) {
            if (session != null) {
                session.close();
            }
            LOG.warn(
                    "Move {} of the primary: cannot announce the hold on '{}' ({}): only this router's writes are held;"
                            + " other routers' writes may fail while the primary moves",
                    id,
                    primary.name(),
                    e.getMessage());
            return null;
        }
    }

    /**
     * Withdraws the announcement from the node that was the primary (a standby now, or stopped), so that no stale
     * signal stays in its configuration. If it cannot be reached (a manager still restarting it), the announcement
     * expires at its deadline: it then holds no router, and a switchover's pre-checks let it be replaced.
     */
    private static void withdraw(Node old, String id, Duration timeout) {
        try (NodeSession session = NodeSession.open(old.config(), timeout)) {
            Announcement.withdraw(session);
        } catch (SQLException e) {
            LOG.warn(
                    "Move {} of the primary: cannot withdraw the announcement from '{}' ({}); it expires at max-pause"
                            + " and holds no router after that (a switchover replaces it); to remove it there: ALTER"
                            + " SYSTEM RESET {}; SELECT pg_reload_conf();",
                    id,
                    old.name(),
                    e.getMessage(),
                    io.pgrouter.internal.health.SwitchoverSignal.SETTING);
        }
    }

    /** Whether another node than {@code from} is the primary and answered its last probe as one. */
    private static boolean movedAway(ConnectionRouter router, Node from) {
        NodeState primary = router.topology().current().primary();
        return primary.node() != from && primary.health().inRotation();
    }
}
