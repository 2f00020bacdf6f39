package io.pgrouter.internal.health;

/**
 * How far a replica is behind the primary.
 *
 * @param bytes WAL bytes between the primary's newest position and the replica's replay position; -1 unknown
 * @param millis age of the oldest change the replica has not applied, or a bound on it (see {@link Basis}); -1
 *     unknown
 * @param basis how {@code millis} was found, for status and logs
 */
public record ReplicaLag(long bytes, long millis, Basis basis) {

    /** Nothing known. */
    public static final ReplicaLag UNKNOWN = new ReplicaLag(-1, -1, Basis.UNKNOWN);

    /** Whether both measures are known. */
    public boolean known() {
        return bytes >= 0 && millis >= 0;
    }

    /** Where a lag in time comes from, best first. */
    public enum Basis {
        /** The replica's replay position mapped onto the primary's position history, on this JVM's clock. */
        WAL_HISTORY,
        /**
         * The replica has not replayed all of the primary's WAL, but every transaction that had ended on the primary
         * when it was probed has ended on the replica too (its transaction horizon has reached the primary's): what
         * is left holds no committed change (a running-xacts or checkpoint record, the WAL of a transaction still
         * open), so nothing a read can see is missing and the lag in time is 0. An idle primary's last such record
         * can take seconds to be replayed on a starved machine; by position alone that was seconds of lag.
         */
        TRANSACTIONS_REPLAYED,
        /**
         * The primary did not answer this round: the lag in bytes is unknown and the lag in time is a bound, the
         * time since the primary was last seen at or before the replica's replay position
         * ({@link WalHistory#stalenessBoundMillis}). It grows with the time the primary stays away.
         */
        PRIMARY_UNREACHABLE_BOUND,
        /**
         * The primary answered but the replica's WAL receiver does not stream: the lag in bytes is measured as
         * usual, the lag in time is the same bound as {@link #PRIMARY_UNREACHABLE_BOUND}, since the replica may
         * fall behind unseen until the next probe.
         */
        RECEIVER_DOWN_BOUND,
        /** No primary history: the replica replayed all it received while streaming, so it is taken as current. */
        CAUGHT_UP,
        /** No primary history: the replica's own {@code now() - pg_last_xact_replay_timestamp()} (grows while idle). */
        REPLAY_TIMESTAMP,
        /** Nothing to tell it from. */
        UNKNOWN;

        /** Whether the lag in time is a bound from the replica's last known position rather than a measurement. */
        public boolean bounded() {
            return this == PRIMARY_UNREACHABLE_BOUND || this == RECEIVER_DOWN_BOUND;
        }
    }

    /**
     * The lag of a replica from its probe and what is known of the primary.
     *
     * @param replica the replica's probe, answered
     * @param primaryLsn the primary's newest position, -1 when the primary did not answer this round
     * @param primaryXidHorizon the primary's transaction horizon this round ({@link ProbeResult#xidHorizon()}), -1
     *     when unknown
     * @param history the primary's position history
     * @param nowNanos the time of the assessment
     */
    static ReplicaLag of(
            ProbeResult replica, long primaryLsn, long primaryXidHorizon, WalHistory history, long nowNanos) {
        long replay = replica.replayLsn();
        if (replay < 0) {
            return UNKNOWN;
        }
        long bytes = primaryLsn >= 0 ? Math.max(0, primaryLsn - replay) : -1;
        if (primaryLsn < 0 || !replica.streaming()) {
            long bound = history.stalenessBoundMillis(replay, nowNanos);
            if (bound >= 0) {
                return new ReplicaLag(
                        bytes, bound, primaryLsn < 0 ? Basis.PRIMARY_UNREACHABLE_BOUND : Basis.RECEIVER_DOWN_BOUND);
            }
        } else {
            long fromHistory = history.millisBehind(replay, nowNanos);
            if (fromHistory > 0 && primaryXidHorizon >= 0 && replica.xidHorizon() >= primaryXidHorizon) {
                return new ReplicaLag(bytes, 0, Basis.TRANSACTIONS_REPLAYED);
            }
            if (fromHistory >= 0) {
                return new ReplicaLag(bytes, fromHistory, Basis.WAL_HISTORY);
            }
        }
        if (replica.streaming() && replica.receiveLsn() >= 0 && replica.receiveLsn() == replay) {
            return new ReplicaLag(bytes, 0, Basis.CAUGHT_UP);
        }
        if (replica.replayAgeMillis() >= 0) {
            return new ReplicaLag(bytes, replica.replayAgeMillis(), Basis.REPLAY_TIMESTAMP);
        }
        return new ReplicaLag(bytes, -1, Basis.UNKNOWN);
    }
}
