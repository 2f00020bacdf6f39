package io.pgrouter.topology;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Patroni's REST API: {@code GET /cluster} on the first of its endpoints that answers (any member's API lists the
 * whole cluster; list several so that one down member does not blind the router). Each member becomes a node named
 * after it, at the {@code host} and {@code port} Patroni lists; members tagged {@code noloadbalance} are left out
 * (unless they lead), as Patroni's own {@code /replica} check leaves them out of load balancing.
 *
 * <pre>{@code
 * PatroniTopologySource.builder()
 *         .endpoints(URI.create("https://pg1:8008"), URI.create("https://pg2:8008"))
 *         .credentials("patroni", password)       // restapi.authentication, when set
 *         .trustCertificate(Path.of("/etc/patroni/ca.pem"))
 *         .build();
 * }</pre>
 *
 * <p>Uses the JDK's {@link HttpClient}; the answer is read with Jackson's streaming parser
 * ({@code tools.jackson.core:jackson-core}, an optional dependency of pgrouter that this source needs). The password
 * never appears in {@link #describe()}, {@link #toString()} or an error.
 */
public final class PatroniTopologySource implements TopologySource {

    /** Default for {@code pgrouter.topology.patroni.timeout}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private final List<URI> endpoints;
    private final String authorization;
    private final Duration timeout;
    private final HttpClient http;
    /** The endpoint that answered last: asked first next time. Topology thread only. */
    private int preferred;

    private PatroniTopologySource(Builder b) {
        this.endpoints = List.copyOf(b.endpoints);
        this.authorization = b.username == null
                ? null
                : "Basic "
                        + Base64.getEncoder()
                                .encodeToString((b.username + ":" + (b.password == null ? "" : b.password))
                                        .getBytes(StandardCharsets.UTF_8));
        this.timeout = b.timeout;
        HttpClient.Builder http =
                HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER);
        if (b.sslContext != null) {
            http.sslContext(b.sslContext);
        }
        this.http = http.build();
    }

    /** A builder; at least one endpoint is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<TopologyMember> members() throws IOException {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            int index = (preferred + i) % endpoints.size();
            URI endpoint = endpoints.get(index);
            try {
                List<TopologyMember> members = PatroniClusterJson.members(get(endpoint.resolve("/cluster")));
                preferred = index;
                return members;
            } catch (IOException e) {
                failures.add(endpoint + ": " + e.getMessage());
            }
        }
        throw new IOException("no Patroni REST API answered: " + String.join("; ", failures));
    }

    private InputStream get(URI uri) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException e) {
            throw new IOException(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("HTTP " + response.statusCode()
                    + (response.statusCode() == 401 ? " (check pgrouter.topology.patroni.username and password)" : ""));
        }
        return response.body();
    }

    @Override
    public String describe() {
        return "patroni " + endpoints;
    }

    // No close(): HttpClient has close() only from Java 21 on (this library runs on 17); its threads end when it is
    // no longer referenced.

    @Override
    public String toString() {
        return describe() + (authorization == null ? "" : " (with credentials)");
    }

    /** Assembles a {@link PatroniTopologySource}. */
    public static final class Builder {
        private final List<URI> endpoints = new ArrayList<>();
        private String username;
        private String password;
        private SSLContext sslContext;
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder() {}

        /**
         * The base URLs of Patroni REST APIs ({@code http://host:8008}, {@code https://...}), asked in this order.
         *
         * @throws IllegalArgumentException for a URL that is not http(s) with a host, or that holds credentials
         */
        public Builder endpoints(URI... urls) {
            for (URI url : urls) {
                Objects.requireNonNull(url, "endpoint");
                String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
                    throw new IllegalArgumentException(
                            "pgrouter.topology.patroni.urls must hold http(s)://host:port URLs, was '" + url + "'");
                }
                if (url.getUserInfo() != null) {
                    throw new IllegalArgumentException("pgrouter.topology.patroni.urls must not hold credentials;"
                            + " use pgrouter.topology.patroni.username and password (URL of host " + url.getHost()
                            + ")");
                }
                endpoints.add(url);
            }
            return this;
        }

        /** HTTP basic credentials, as Patroni's {@code restapi.authentication} sets them. */
        public Builder credentials(String username, String password) {
            if (username == null || username.isBlank()) {
                throw new IllegalArgumentException("pgrouter.topology.patroni.username must not be blank");
            }
            this.username = username;
            this.password = password;
            return this;
        }

        /** Trusts the CA certificate(s) in this PEM file for {@code https} endpoints (host names are verified). */
        public Builder trustCertificate(Path caCertificatePem) {
            try (InputStream in = Files.newInputStream(caCertificatePem)) {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                int i = 0;
                for (Certificate certificate :
                        CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trust.setCertificateEntry("ca-" + i++, certificate);
                }
                if (i == 0) {
                    throw new IllegalArgumentException(
                            "pgrouter.topology.patroni.ca-cert holds no certificate, was '" + caCertificatePem + "'");
                }
                TrustManagerFactory factory =
                        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trust);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, factory.getTrustManagers(), null);
                return sslContext(context);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException(
                        "pgrouter.topology.patroni.ca-cert must name a readable PEM certificate file, was '"
                                + caCertificatePem + "' (" + e.getClass().getSimpleName() + ")",
                        e);
            }
        }

        /** The TLS context for {@code https} endpoints (a client certificate, say); default the JDK's. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        /** How long connecting and each request may take; default 2 s. */
        public Builder timeout(Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("pgrouter.topology.patroni.timeout must be positive, was " + value);
            }
            timeout = value;
            return this;
        }

        /**
         * The source.
         *
         * @throws IllegalArgumentException without an endpoint
         * @throws IllegalStateException without Jackson on the class path
         */
        public PatroniTopologySource build() {
            if (endpoints.isEmpty()) {
                throw new IllegalArgumentException(
                        "pgrouter.topology.patroni.urls is required for the Patroni topology source");
            }
            io.pgrouter.internal.OptionalJackson.require("PatroniTopologySource");
            return new PatroniTopologySource(this);
        }
    }
}
