package io.pgrouter.internal.health;

/**
 * A switchover in progress, as announced on the primary by the router that runs it: the server setting
 * {@value #SETTING} holds {@code <id>;<target node>;<deadline in ms since the epoch, on the server's clock>;<timeline>}.
 * Every router's probe of the primary reads it, so every router holds its writes while the primary moves.
 *
 * <p>The timeline is the primary's when the announcement was made. A move of the primary starts a new timeline, so an
 * announcement read on a primary of another timeline is stale, whatever its deadline: one left on an old primary that
 * could not be reached to withdraw it (an HA manager restarted it as a standby too late), which later became the
 * primary again. It holds nothing ({@link #heldOn}).
 *
 * <p>A setting rather than a table: it needs no DDL in the application's database, is not replicated (the signal
 * belongs to the primary being left, and the new primary carries none), and {@code current_setting(name, true)}
 * reads it at no cost and tolerates its absence.
 *
 * @param id the switchover's id
 * @param target the node it moves the primary to
 * @param remainingMillis how long writes stay held from the probe on, by the server's clock (the deadline minus the
 *     server's time when probed), so that clock differences between hosts do not matter
 * @param timeline the timeline of the primary it was announced on; 0 when not stated (a notice)
 */
public record SwitchoverSignal(String id, String target, long remainingMillis, long timeline) {

    /** The primary's current timeline, as SQL: from the name of its current WAL file. */
    public static final String PRIMARY_TIMELINE_SQL =
            "('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint";

    /** A signal with no timeline stated (a hold notice's). */
    public SwitchoverSignal(String id, String target, long remainingMillis) {
        this(id, target, remainingMillis, 0);
    }

    /**
     * Whether it holds writes on a primary of {@code primaryTimeline}: always when either timeline is unknown (0),
     * else only on the timeline it was announced on.
     */
    public boolean heldOn(long primaryTimeline) {
        return timeline == 0 || primaryTimeline <= 0 || timeline == primaryTimeline;
    }

    /** The server setting that carries the signal. */
    public static final String SETTING = "pgrouter.switchover";

    /**
     * The channel on which the router running a switchover notifies the others ({@code LISTEN}/{@code NOTIFY}): a
     * {@linkplain #holdNotice hold} when it announced the switchover, an {@linkplain #overNotice over} when the
     * primary moved or the announcement was withdrawn.
     */
    public static final String CHANNEL = "pgrouter_switchover";

    /** The channel on which a router that heard a hold answers with the switchover's id, once its writes are held. */
    public static final String ACK_CHANNEL = "pgrouter_switchover_ack";

    /** What a router's connection that listens on {@link #CHANNEL} calls itself; a fence spares it. */
    public static final String LISTENER_NAME = "pgrouter-notices";

    private static final String HOLD = "hold;";
    private static final String OVER = "over;";

    /** A hold notice's payload: the signal, with the time left counted from when the notice is sent. */
    public static String holdNotice(String id, String target, long remainingMillis) {
        return HOLD + value(id, target, remainingMillis);
    }

    /** An over notice's payload. */
    public static String overNotice(String id) {
        return OVER + id;
    }

    /** The signal in a hold notice, its remaining time counted from when it was sent; {@code null} for others. */
    public static SwitchoverSignal parseHold(String payload) {
        return payload != null && payload.startsWith(HOLD) ? parse(payload.substring(HOLD.length()), 0) : null;
    }

    /** The switchover id of an over notice, {@code null} for other payloads. */
    public static String overId(String payload) {
        return payload != null && payload.startsWith(OVER) ? payload.substring(OVER.length()) : null;
    }

    /** The setting's value for a switchover, without a timeline (a notice's payload). */
    public static String value(String id, String target, long deadlineEpochMillis) {
        return id + ";" + target + ";" + deadlineEpochMillis;
    }

    /** The setting's value for a switchover announced on a primary of {@code timeline}. */
    public static String value(String id, String target, long deadlineEpochMillis, long timeline) {
        return value(id, target, deadlineEpochMillis) + ";" + timeline;
    }

    /**
     * The signal in a setting's value, or {@code null} when there is none: no value, an empty one (a reset setting
     * reads empty), or one that is not of this form (ignored rather than failing the probe).
     *
     * @param serverMillis the server's time when the value was read, in ms since the epoch
     */
    public static SwitchoverSignal parse(String value, long serverMillis) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        String[] parts = value.split(";", -1);
        if (parts.length < 3 || parts.length > 4 || parts[0].isEmpty() || parts[1].isEmpty()) {
            return null;
        }
        try {
            return new SwitchoverSignal(
                    parts[0],
                    parts[1],
                    Long.parseLong(parts[2]) - serverMillis,
                    parts.length == 4 ? Long.parseLong(parts[3]) : 0);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
