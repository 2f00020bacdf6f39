package io.pgrouter.internal;

/**
 * What a connection asks of the router when it is first used. The common requests are shared constants, so
 * building one allocates nothing; only a read with a staleness bound is a new object. Read-your-writes tokens will
 * be a further field. A request made while a causal session is bound carries it ({@link #withSession}).
 */
public final class RouteRequest {

    /** No read intent: the primary. */
    public static final RouteRequest WRITE = new RouteRequest(false, false, -1);
    /** Read intent: a replica if one can serve. */
    public static final RouteRequest READ = new RouteRequest(true, false, -1);
    /** Forced to the primary, whatever the intent. */
    public static final RouteRequest PRIMARY = new RouteRequest(false, true, -1);

    private final boolean readIntent;
    private final boolean forcedPrimary;
    private final long maxStalenessMillis;
    private final io.pgrouter.internal.causal.SessionCell session;

    private RouteRequest(boolean readIntent, boolean forcedPrimary, long maxStalenessMillis) {
        this(readIntent, forcedPrimary, maxStalenessMillis, null);
    }

    private RouteRequest(
            boolean readIntent,
            boolean forcedPrimary,
            long maxStalenessMillis,
            io.pgrouter.internal.causal.SessionCell session) {
        this.readIntent = readIntent;
        this.forcedPrimary = forcedPrimary;
        this.maxStalenessMillis = maxStalenessMillis;
        this.session = session;
    }

    /** This request on behalf of a causal session: its reads need the session's position, its commits advance it. */
    public RouteRequest withSession(io.pgrouter.internal.causal.SessionCell cell) {
        return new RouteRequest(readIntent, forcedPrimary, maxStalenessMillis, cell);
    }

    /** The causal session bound when the connection was first used, or {@code null}. */
    public io.pgrouter.internal.causal.SessionCell session() {
        return session;
    }

    /** The request for this intent; forced primary wins over read intent. */
    public static RouteRequest of(boolean readIntent, boolean forcedPrimary) {
        return forcedPrimary ? PRIMARY : readIntent ? READ : WRITE;
    }

    /**
     * The request for this intent with a staleness bound for reads: only replicas whose lag in time is known and
     * at most {@code maxStalenessMillis} may serve; -1 for no bound.
     */
    public static RouteRequest of(boolean readIntent, boolean forcedPrimary, long maxStalenessMillis) {
        if (maxStalenessMillis < 0 || forcedPrimary || !readIntent) {
            return of(readIntent, forcedPrimary);
        }
        return new RouteRequest(true, false, maxStalenessMillis);
    }

    /** The most a replica may lag in time to serve this read, or -1 for the thresholds' judgement alone. */
    public long maxStalenessMillis() {
        return maxStalenessMillis;
    }

    /** Whether the caller only reads (and the connection is made read-only wherever it lands). */
    public boolean readIntent() {
        return readIntent;
    }

    /** Whether the caller asked for the primary explicitly. */
    public boolean forcedPrimary() {
        return forcedPrimary;
    }

    @Override
    public String toString() {
        return (forcedPrimary
                        ? "primary"
                        : readIntent
                                ? (maxStalenessMillis >= 0
                                        ? "read(max staleness " + maxStalenessMillis + " ms)"
                                        : "read")
                                : "write")
                + (session == null ? "" : " (causal)");
    }
}
