package io.pgrouter.spring.actuate;

import io.pgrouter.RouterProperty;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * Masks pgrouter's secrets in the actuator's {@code env} and {@code configprops} endpoints, which show every value
 * unmasked once {@code management.endpoint.env.show-values} (or {@code configprops.show-values}) is {@code always} or
 * {@code when-authorized} and no sanitizing function applies: the nodes' passwords, the probe user's password, the TLS
 * key password, and any extra pgjdbc property whose name mentions a password ({@code properties.sslpassword}).
 *
 * <p>Keys are compared in every form Spring binds them from: {@code pgrouter.replicas[0].password},
 * {@code pgrouter.ssl.key-password}, {@code pgrouter.ssl.keyPassword}, {@code PGROUTER_PROBE_PASSWORD}. A password
 * file's path is shown: it is not the secret.
 */
public final class PgRouterSecretsSanitizer implements SanitizingFunction {

    /** The last part of every secret key, as {@link RouterProperty} marks them ({@code password}, {@code keypassword}). */
    private static final Set<String> SECRET_SETTINGS = Arrays.stream(RouterProperty.values())
            .filter(RouterProperty::isSecret)
            .flatMap(p -> p.keys().stream())
            .map(PgRouterSecretsSanitizer::lastPart)
            .collect(Collectors.toUnmodifiableSet());

    @Override
    public SanitizableData apply(SanitizableData data) {
        return isSecret(data.getKey()) ? data.withSanitizedValue() : data;
    }

    /** Whether {@code key}, in any of Spring's forms, is one of pgrouter's secrets. */
    static boolean isSecret(String key) {
        if (key == null) {
            return false;
        }
        String normalized = normalize(key);
        if (!normalized.startsWith("pgrouter.")) {
            return false;
        }
        String last = lastPart(normalized);
        return SECRET_SETTINGS.contains(last) || (last.contains("password") && !last.endsWith("passwordfile"));
    }

    /** Lower case, without dashes, with underscores (environment variables) as dots. */
    private static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT).replace("-", "").replace('_', '.');
    }

    private static String lastPart(String key) {
        String normalized = normalize(key);
        return normalized.substring(normalized.lastIndexOf('.') + 1);
    }
}
