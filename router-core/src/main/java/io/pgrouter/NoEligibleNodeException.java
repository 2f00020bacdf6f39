package io.pgrouter;

import java.sql.SQLTransientConnectionException;
import java.util.Map;

/**
 * A read found no node that could serve it: no replica was eligible or could give a connection, and fallback to
 * the primary is off, or the primary is known to be down ({@link #primaryDown}). The message and
 * {@link #reasons()} say, for each node, why it could not serve.
 *
 * <p>SQLSTATE {@code 08001} (unable to establish a connection). It is a transient exception: the same read may
 * succeed once a replica is back.
 */
public final class NoEligibleNodeException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    /** The SQLSTATE this exception carries. */
    public static final String SQL_STATE = "08001";

    private final transient Map<String, String> reasons;

    /**
     * Creates the exception.
     *
     * @param reasons for each replica in configuration order, why it could not serve
     * @param cause the last acquisition failure, or {@code null}
     */
    public NoEligibleNodeException(Map<String, String> reasons, Throwable cause) {
        this("No replica can serve the read and fallback to primary is off", reasons, cause);
    }

    private NoEligibleNodeException(String summary, Map<String, String> reasons, Throwable cause) {
        super(message(summary, reasons), SQL_STATE, cause);
        this.reasons = Map.copyOf(reasons);
    }

    /**
     * The exception for a read that no replica can serve while the primary, where such reads fall back, is known to
     * be down: it fails at once rather than waiting on a dead server.
     *
     * @param reasons for each node in configuration order, the primary included, why it could not serve
     */
    public static NoEligibleNodeException primaryDown(Map<String, String> reasons) {
        return new NoEligibleNodeException(
                "No node can serve the read: no replica is eligible and the primary, where"
                        + " reads fall back, is down",
                reasons,
                null);
    }

    /** For each replica (and the primary, when it is down), why it could not serve the read. */
    public Map<String, String> reasons() {
        return reasons;
    }

    private static String message(String summary, Map<String, String> reasons) {
        StringBuilder text = new StringBuilder(summary);
        if (reasons.isEmpty()) {
            return text.append(": no replicas are configured").toString();
        }
        text.append(':');
        reasons.forEach(
                (node, why) -> text.append("\n  ").append(node).append(": ").append(why));
        return text.toString();
    }
}
