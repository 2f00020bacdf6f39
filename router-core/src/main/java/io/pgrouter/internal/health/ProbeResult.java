package io.pgrouter.internal.health;

/**
 * What one probe of one node found, or why it found nothing. Positions are WAL byte positions
 * ({@code pg_lsn} as a number), {@code -1} where the server reported none.
 *
 * @param node the node's name
 * @param ok whether the probe got an answer; when false only {@link #error()} and the timings mean anything
 * @param inRecovery {@code pg_is_in_recovery()}: a standby
 * @param currentLsn a primary's {@code pg_current_wal_lsn()}
 * @param receiveLsn a standby's {@code pg_last_wal_receive_lsn()}
 * @param replayLsn a standby's {@code pg_last_wal_replay_lsn()}
 * @param replayPaused a standby's replay is paused or pausing
 * @param receiverStatus {@code pg_stat_wal_receiver.status} ({@code streaming}, ...), {@code null} when no receiver runs
 * @param timeline the timeline the node writes (primary) or receives (standby), 0 when unknown
 * @param systemIdentifier the cluster's {@code pg_control_system().system_identifier}, read once per probe
 *     connection; 0 when unknown (not read yet, or not readable)
 * @param replayAgeMillis a standby's {@code now() - pg_last_xact_replay_timestamp()} in ms on its own clock, -1 when
 *     nothing was replayed yet
 * @param startedNanos local {@link System#nanoTime()} when the probe was sent
 * @param latencyNanos how long the answer took
 * @param error why the probe failed, {@code null} when it did not
 * @param switchover a switchover announced on a primary, {@code null} when none is (always on a standby)
 * @param xidHorizon {@code pg_snapshot_xmax(pg_current_snapshot())}: one past the newest transaction that had ended
 *     (committed or rolled back) on the node, on a standby as far as it replayed; -1 when unknown
 */
public record ProbeResult(
        String node,
        boolean ok,
        boolean inRecovery,
        long currentLsn,
        long receiveLsn,
        long replayLsn,
        boolean replayPaused,
        String receiverStatus,
        long timeline,
        long systemIdentifier,
        long replayAgeMillis,
        long startedNanos,
        long latencyNanos,
        String error,
        SwitchoverSignal switchover,
        long xidHorizon) {

    /** A probe result without a switchover signal and without a transaction horizon. */
    public ProbeResult(
            String node,
            boolean ok,
            boolean inRecovery,
            long currentLsn,
            long receiveLsn,
            long replayLsn,
            boolean replayPaused,
            String receiverStatus,
            long timeline,
            long systemIdentifier,
            long replayAgeMillis,
            long startedNanos,
            long latencyNanos,
            String error) {
        this(
                node,
                ok,
                inRecovery,
                currentLsn,
                receiveLsn,
                replayLsn,
                replayPaused,
                receiverStatus,
                timeline,
                systemIdentifier,
                replayAgeMillis,
                startedNanos,
                latencyNanos,
                error,
                null,
                -1);
    }

    /** A probe that got no answer. */
    public static ProbeResult failed(String node, long startedNanos, long latencyNanos, String error) {
        return new ProbeResult(
                node, false, false, -1, -1, -1, false, null, 0, 0, -1, startedNanos, latencyNanos, error);
    }

    /** Whether the WAL receiver is connected and streaming. */
    public boolean streaming() {
        return "streaming".equals(receiverStatus);
    }
}
