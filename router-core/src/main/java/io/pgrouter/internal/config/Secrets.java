package io.pgrouter.internal.config;

import java.util.Locale;
import java.util.regex.Pattern;

/** Keeps secrets out of text that may reach logs, exceptions or endpoints. */
public final class Secrets {

    /** What a secret is replaced with. */
    public static final String MASK = "<masked>";

    // pgjdbc takes credentials as URL parameters too: password=..., sslpassword=..., sslkey passphrases.
    private static final Pattern URL_SECRET = Pattern.compile("(?i)((?:ssl)?password|sslkey\\w*)=[^&;]*");

    private Secrets() {}

    /** Whether a connection property's value must be masked. */
    public static boolean isSecretKey(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.contains("sslkey");
    }

    /** The URL with the values of secret parameters masked. */
    public static String maskUrl(String url) {
        return url == null ? null : URL_SECRET.matcher(url).replaceAll("$1=" + MASK);
    }
}
