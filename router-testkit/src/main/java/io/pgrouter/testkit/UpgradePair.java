package io.pgrouter.testkit;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * Two independent clusters for a test of an upgrade by logical replication: a source primary that writes logical
 * WAL and a target primary, usually of a newer major version, both without replicas and with the same database
 * name. Wire them with {@link #replicate} (or {@link LogicalReplication} directly). Closing stops both.
 *
 * <pre>{@code
 * try (UpgradePair pair = UpgradePair.start("15", "18", "shop")) {
 *     LogicalReplication replication = pair.replicate(r -> r.name("shop_upgrade").schema(ddl));
 * }
 * }</pre>
 */
public final class UpgradePair implements AutoCloseable {

    private final ReplicaSet source;
    private final ReplicaSet target;
    private final List<LogicalReplication> replications = new CopyOnWriteArrayList<>();

    private UpgradePair(ReplicaSet source, ReplicaSet target) {
        this.source = source;
        this.target = target;
    }

    /**
     * Starts both clusters; if the target cannot start, the source is stopped again.
     *
     * @param sourceVersion the source's version, as {@link PostgresReplicaSet#version(String)} takes it
     * @param targetVersion the target's version
     * @param database the database of both
     */
    public static UpgradePair start(String sourceVersion, String targetVersion, String database) {
        Objects.requireNonNull(targetVersion, "targetVersion");
        ReplicaSet source = PostgresReplicaSet.builder()
                .version(sourceVersion)
                .replicas(0)
                .database(database)
                .logicalReplication(true)
                .start();
        try {
            return new UpgradePair(
                    source,
                    PostgresReplicaSet.builder()
                            .version(targetVersion)
                            .replicas(0)
                            .database(database)
                            .start());
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** The cluster replicated from ({@code wal_level=logical}). */
    public ReplicaSet source() {
        return source;
    }

    /** The cluster replicated to. */
    public ReplicaSet target() {
        return target;
    }

    /**
     * Starts logical replication from the source to the target as {@code setUp} configures it (name, schema, tables),
     * and waits for its initial copy as {@link LogicalReplication.Builder#start()} does. Closing the pair drops it
     * first.
     */
    public LogicalReplication replicate(UnaryOperator<LogicalReplication.Builder> setUp) {
        LogicalReplication replication =
                setUp.apply(LogicalReplication.from(source).to(target)).start();
        replications.add(replication);
        return replication;
    }

    /** Drops the replications started by {@link #replicate}, then stops both clusters; never throws. */
    @Override
    public void close() {
        try {
            for (LogicalReplication replication : replications) {
                replication.close();
            }
        } finally {
            target.close();
            source.close();
        }
    }
}
