package io.pgrouter.testkit.internal;

/** A provider cannot serve the replica set asked for; the starter then tries the next one. */
public final class ProviderUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ProviderUnavailableException(String reason) {
        super(reason);
    }

    public ProviderUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
