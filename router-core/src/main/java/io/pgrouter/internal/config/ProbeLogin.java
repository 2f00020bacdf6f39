package io.pgrouter.internal.config;

import java.util.Objects;

/**
 * The health monitor's own login ({@code pgrouter.probe.username}, {@code .password} or {@code .password-file}): a
 * least-privilege user, typically with nothing but {@code pg_monitor}, used by probes only, never by the pools.
 *
 * @param username the user
 * @param password its password, or {@code null} (trust, certificate authentication)
 */
public record ProbeLogin(String username, String password) {

    public ProbeLogin {
        Objects.requireNonNull(username, "username");
    }

    @Override
    public String toString() {
        return "ProbeLogin[username=" + username + ", password=" + (password == null ? "<none>" : Secrets.MASK) + "]";
    }
}
