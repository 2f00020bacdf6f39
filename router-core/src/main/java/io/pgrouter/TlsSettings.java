package io.pgrouter;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * How the router's pools and probes connect over TLS: pgjdbc's {@code sslmode}, the CA certificate that signed the
 * servers' certificates, and optionally a client certificate with its key. Immutable; the key password never appears
 * in {@link #toString()}. Checked when the router is built, with errors naming the {@code pgrouter.ssl.*} key.
 *
 * <pre>{@code
 * RoutingDataSource.builder()
 *     .primary(url, user, password)
 *     .tls(TlsSettings.verifyFull(Path.of("/etc/pgrouter/root.crt")))
 *     .build();
 * }</pre>
 */
public final class TlsSettings {

    private final Map<String, String> settings;

    private TlsSettings(Map<String, String> settings) {
        this.settings = Map.copyOf(settings);
    }

    /**
     * Encrypted connections that check the server's certificate against this CA and its host name against the
     * address connected to ({@code sslmode=verify-full}).
     *
     * @param caCertificate the CA certificate (PEM) that signed the servers' certificates
     */
    public static TlsSettings verifyFull(Path caCertificate) {
        return custom().mode("verify-full").rootCertificate(Objects.requireNonNull(caCertificate, "CA certificate"));
    }

    /** No setting yet: the mode defaults to {@code verify-full} once any file is given. */
    public static TlsSettings custom() {
        return new TlsSettings(Map.of());
    }

    /**
     * With this mode: {@code disable}, {@code allow}, {@code prefer}, {@code require}, {@code verify-ca} or
     * {@code verify-full}; the verifying modes need {@link #rootCertificate(Path)}.
     */
    public TlsSettings mode(String mode) {
        return with("mode", Objects.requireNonNull(mode, "mode"));
    }

    /** With this CA certificate (PEM). */
    public TlsSettings rootCertificate(Path caCertificate) {
        return with("root-cert", Objects.requireNonNull(caCertificate, "CA certificate"));
    }

    /**
     * With a client certificate (PEM) and its private key: PKCS#8 DER ({@code .pk8}), or a PKCS#12 key store
     * ({@code .p12}) holding both, in which case {@code certificate} may be {@code null}.
     */
    public TlsSettings clientCertificate(Path certificate, Path key) {
        return with("cert", certificate).with("key", key);
    }

    /** With the password that unlocks the client key; masked everywhere. */
    public TlsSettings keyPassword(String password) {
        return with("key-password", Objects.requireNonNull(password, "key password"));
    }

    private TlsSettings with(String setting, Object value) {
        Map<String, String> copy = new LinkedHashMap<>(settings);
        if (value == null) {
            copy.remove(setting);
        } else {
            copy.put(setting, value.toString());
        }
        return new TlsSettings(copy);
    }

    /** Hands each setting to the configuration, by its name after {@code ssl.}. */
    void forEach(BiConsumer<String, String> action) {
        settings.forEach(action);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("TlsSettings[");
        settings.forEach((setting, value) -> text.append(text.length() > 12 ? ", " : "")
                .append(setting)
                .append('=')
                .append(setting.equals("key-password") ? "<masked>" : value));
        return text.append(']').toString();
    }
}
