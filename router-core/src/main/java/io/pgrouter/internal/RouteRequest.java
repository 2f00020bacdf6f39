package io.pgrouter.internal;

/**
 * What a connection asks of the router when it is first used. Only a few combinations exist today, each a
 * shared constant, so building a request allocates nothing. Read-your-writes tokens and a per-call staleness
 * bound will be further fields.
 */
public final class RouteRequest {

    /** No read intent: the primary. */
    public static final RouteRequest WRITE = new RouteRequest(false, false);
    /** Read intent: a replica if one can serve. */
    public static final RouteRequest READ = new RouteRequest(true, false);
    /** Forced to the primary, whatever the intent. */
    public static final RouteRequest PRIMARY = new RouteRequest(false, true);

    private final boolean readIntent;
    private final boolean forcedPrimary;

    private RouteRequest(boolean readIntent, boolean forcedPrimary) {
        this.readIntent = readIntent;
        this.forcedPrimary = forcedPrimary;
    }

    /** The request for this intent; forced primary wins over read intent. */
    public static RouteRequest of(boolean readIntent, boolean forcedPrimary) {
        return forcedPrimary ? PRIMARY : readIntent ? READ : WRITE;
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
        return forcedPrimary ? "primary" : readIntent ? "read" : "write";
    }
}
