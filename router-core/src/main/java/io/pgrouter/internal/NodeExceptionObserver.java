package io.pgrouter.internal;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import io.pgrouter.NodeRole;
import io.pgrouter.internal.config.NodeConfig;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;

/**
 * Sees every {@link java.sql.SQLException} thrown by one node's connections and statements: HikariCP hands each
 * one to its exception override before deciding on eviction. The router learns what happened on a node without
 * wrapping statements. It never changes HikariCP's decision nor the exception.
 */
final class NodeExceptionObserver implements SQLExceptionOverride {

    private static final Logger LOG = RouterLog.LOG;
    private static final String READ_ONLY_TRANSACTION = "25006";
    private static final long WARN_INTERVAL = TimeUnit.SECONDS.toNanos(10);
    private static final long EVICT_INTERVAL = TimeUnit.SECONDS.toNanos(1);

    private final NodeConfig node;
    private final BooleanSupplier readOnlyScopeActive;
    private final java.util.function.BiConsumer<String, String> nodeSignal;
    private final Throttle writeWarnings = new Throttle(WARN_INTERVAL);
    private final Throttle evictions = new Throttle(EVICT_INTERVAL);
    private volatile HikariDataSource pool;

    /**
     * @param nodeSignal told (node name, SQLSTATE) of a write rejected as read-only or a connection broken, so that
     *     the router can look at the node again at once
     */
    NodeExceptionObserver(
            NodeConfig node,
            BooleanSupplier readOnlyScopeActive,
            java.util.function.BiConsumer<String, String> nodeSignal) {
        this.node = node;
        this.readOnlyScopeActive = readOnlyScopeActive;
        this.nodeSignal = nodeSignal;
    }

    void attach(HikariDataSource pool) {
        this.pool = pool;
    }

    @java.lang.Override
    public Override adjudicate(java.sql.SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return Override.CONTINUE_EVICT;
        }
        if (state.equals(READ_ONLY_TRANSACTION)) {
            // Tell the router first: if this node is believed primary, it may have been demoted.
            nodeSignal.accept(node.name(), state);
            writeRejected();
        } else if (state.startsWith("08") || state.startsWith("57P0")) {
            // 57P01..57P03: the server is shutting down, crashed or not accepting connections yet.
            nodeSignal.accept(node.name(), state);
            connectionBroken(state);
        }
        return Override.CONTINUE_EVICT;
    }

    private void writeRejected() {
        if (!LOG.isWarnEnabled() || !writeWarnings.tryPass(System.nanoTime())) {
            return;
        }
        String where = node.role() == NodeRole.REPLICA
                ? "it is a replica: the connection was routed there because it had read intent"
                : "the connection is read-only: read intent made it so, or setReadOnly(true) after first use";
        LOG.warn(
                "Write rejected on node '{}' (pool {}, SQLSTATE 25006): {} (read intent comes from setReadOnly(true)"
                        + " before first use or a readOnly() scope; one is active on this thread: {}). Run writes outside readOnly() or inside onPrimary()."
                        + " Such warnings for this node are shown at most every 10 s.",
                node.name(),
                node.poolName(),
                where,
                readOnlyScopeActive.getAsBoolean());
    }

    // A broken connection usually means the server restarted or died: its idle siblings are broken too, and
    // HikariCP hands out connections used in the last 500 ms without checking them. Retire them all now.
    private void connectionBroken(String state) {
        HikariDataSource target = pool;
        if (target != null && !target.isClosed() && evictions.tryPass(System.nanoTime())) {
            LOG.info(
                    "{} - connection broken (SQLSTATE {}); retiring the pool's idle connections",
                    node.poolName(),
                    state);
            target.getHikariPoolMXBean().softEvictConnections();
        }
    }
}
