package io.pgrouter;

import java.sql.SQLTransientConnectionException;
import java.util.Map;

/**
 * A read found no node that could serve it: no replica was eligible or could give a connection, and fallback to
 * the primary is off. The message and {@link #reasons()} say, for each replica, why it could not serve.
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
        super(message(reasons), SQL_STATE, cause);
        this.reasons = Map.copyOf(reasons);
    }

    /** For each replica, why it could not serve the read. */
    public Map<String, String> reasons() {
        return reasons;
    }

    private static String message(Map<String, String> reasons) {
        StringBuilder text = new StringBuilder("No replica can serve the read and fallback to primary is off");
        if (reasons.isEmpty()) {
            return text.append(": no replicas are configured").toString();
        }
        text.append(':');
        reasons.forEach((node, why) -> text.append("\n  ").append(node).append(": ").append(why));
        return text.toString();
    }
}
