package io.pgrouter.testkit;

import java.util.Objects;

/**
 * Two independent clusters for a test of an upgrade by logical replication: a source primary that writes logical
 * WAL and a target primary, usually of a newer major version, both without replicas and with the same database
 * name. Wire them with {@link LogicalReplication}. Closing stops both.
 *
 * <pre>{@code
 * try (UpgradePair pair = UpgradePair.start("15", "18", "shop")) {
 *     LogicalReplication.from(pair.source()).to(pair.target()).schema(ddl).start();
 * }
 * }</pre>
 */
public final class UpgradePair implements AutoCloseable {

    private final ReplicaSet source;
    private final ReplicaSet target;

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

    /** Stops both clusters; never throws. */
    @Override
    public void close() {
        target.close();
        source.close();
    }
}
