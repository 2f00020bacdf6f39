package io.pgrouter;

import io.pgrouter.internal.causal.CausalState;
import io.pgrouter.internal.causal.SessionCell;
import io.pgrouter.internal.causal.TokenCodec;
import java.util.Objects;

/**
 * The newest WAL position a user, a request or a job has written or seen, for read-your-writes: bound with
 * {@link RoutingDataSource#causal(CausalSession)}, the router advances it after every commit on the primary and
 * sends reads only to replicas that have replayed it (else waits briefly, else the primary). See
 * {@code docs/consistency.md}.
 *
 * <p>A position is (system identifier, timeline, WAL position): positions of another cluster, or of an older
 * timeline, are never compared by their numbers. Keep a session wherever the work goes (a user's HTTP session, a
 * message header) in its string form, {@link #toToken()}, and read it back with {@link #fromToken(String)}.
 *
 * <p>Thread-safe: threads may share one session; every update merges, keeping the newest position (on one
 * cluster: the higher timeline, then the higher WAL position).
 */
public final class CausalSession {

    private final SessionCell cell;

    private CausalSession(CausalState initial) {
        this(new SessionCell(initial));
    }

    private CausalSession(SessionCell cell) {
        this.cell = cell;
    }

    /** The session around a cell the router holds: the same session, not a copy. */
    static CausalSession of(SessionCell cell) {
        return new CausalSession(cell);
    }

    /** A session that knows nothing yet: its reads route as without a session until it writes. */
    public static CausalSession create() {
        return new CausalSession(CausalState.EMPTY);
    }

    /**
     * The session a token stands for. Never throws: {@code null}, blank, or a token that does not parse (wrong
     * format, another version, too long) gives an empty session; bad tokens are counted and logged at WARN, rate
     * limited.
     */
    public static CausalSession fromToken(String token) {
        return new CausalSession(TokenCodec.decode(token, System::nanoTime));
    }

    /**
     * The string form: at most 46 characters from {@code 0-9 a-f . p}, safe in a URL, an HTTP header and a cookie
     * without escaping; the empty string for an empty session.
     */
    public String toToken() {
        return TokenCodec.encode(cell.state());
    }

    /** Takes in what {@code other} knows (the newest position of the two); {@code other} is unchanged. */
    public CausalSession merge(CausalSession other) {
        Objects.requireNonNull(other, "other");
        if (other != this) {
            cell.merge(other.cell.state());
        }
        return this;
    }

    /** Merges a token in; a bad token changes nothing (and is counted, as in {@link #fromToken}). */
    public CausalSession merge(String token) {
        cell.merge(TokenCodec.decode(token, System::nanoTime));
        return this;
    }

    /** Whether the session knows no position and no commit: its reads route as without a session. */
    public boolean isEmpty() {
        return cell.state().isEmpty();
    }

    /** For the router: the engine's view of this session. */
    SessionCell cell() {
        return cell;
    }

    /** The token and what it means, for logs. */
    @Override
    public String toString() {
        CausalState s = cell.state();
        return "CausalSession["
                + (s.isEmpty()
                        ? "empty"
                        : (s.position() == null ? "" : "position " + s.position())
                                + (s.pending()
                                        ? (s.position() == null ? "" : ", ") + "a commit awaiting its position"
                                        : ""))
                + "]";
    }
}
