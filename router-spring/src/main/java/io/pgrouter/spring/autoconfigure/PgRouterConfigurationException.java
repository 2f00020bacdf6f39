package io.pgrouter.spring.autoconfigure;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code pgrouter.*} setting the router cannot start with; {@link PgRouterConfigurationFailureAnalyzer} turns it
 * into Boot's startup failure report. The message is the router's own (it names the key and the value, masked where
 * secret).
 */
final class PgRouterConfigurationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** A key as the router's messages write it: {@code pgrouter.pool.replica.maximum-pool-size}, {@code pgrouter.replicas[0].url}. */
    private static final Pattern KEY = Pattern.compile("pgrouter\\.[A-Za-z0-9_.\\[\\]-]*[A-Za-z0-9\\]]");

    private final String key;
    private final String action;

    PgRouterConfigurationException(String key, String message, String action) {
        super(message);
        this.key = key;
        this.action = action;
    }

    private PgRouterConfigurationException(String key, IllegalArgumentException cause) {
        super(cause.getMessage(), cause);
        this.key = key;
        this.action = null;
    }

    /**
     * {@code error} as a configuration error, when its message names a {@code pgrouter.*} key (the router's validation
     * always does); otherwise {@code error} itself, which is not about configuration.
     */
    static IllegalArgumentException of(IllegalArgumentException error) {
        if (error instanceof PgRouterConfigurationException || error.getMessage() == null) {
            return error;
        }
        Matcher key = KEY.matcher(error.getMessage());
        return key.find() ? new PgRouterConfigurationException(key.group(), error) : error;
    }

    /** The first key the message names. */
    String key() {
        return key;
    }

    /** What to do about it, or {@code null} for the general advice. */
    String action() {
        return action;
    }
}
