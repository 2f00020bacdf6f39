package io.pgrouter.internal.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Where the router learns its nodes at run time, and how it follows nodes that join and leave. The password stays
 * out of {@link #toString()}.
 *
 * @param source {@code static} (the configured nodes only), {@code patroni} or {@code dns}
 * @param refreshInterval how often the source is asked
 * @param drainTimeout how long a node that left may keep its connections in use before its pool closes anyway
 * @param patroniUrls Patroni REST API base URLs, for {@code patroni}
 * @param patroniUsername the REST API's user, {@code null} for none
 * @param patroniPassword its password, {@code null} for none
 * @param patroniCaCert a PEM file of CA certificates for {@code https} endpoints, {@code null} for the JDK's
 * @param patroniTimeout how long connecting and each request may take
 * @param dnsName the name whose addresses are the replicas, for {@code dns}
 * @param dnsPort the replicas' PostgreSQL port, for {@code dns} with A/AAAA records
 * @param dnsRecords {@code a} (A and AAAA records, on {@code dnsPort}) or {@code srv} (SRV records: host and port)
 */
public record TopologySettings(
        String source,
        Duration refreshInterval,
        Duration drainTimeout,
        List<URI> patroniUrls,
        String patroniUsername,
        String patroniPassword,
        String patroniCaCert,
        Duration patroniTimeout,
        String dnsName,
        int dnsPort,
        String dnsRecords) {

    /** The sources {@code pgrouter.topology.source} accepts. */
    public static final List<String> SOURCES = List.of("static", "patroni", "dns");
    /** Default for {@code pgrouter.topology.drain-timeout}. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** Default for {@code pgrouter.topology.refresh-interval}. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(1);
    /** Default for {@code pgrouter.topology.patroni.timeout}. */
    public static final Duration DEFAULT_PATRONI_TIMEOUT = Duration.ofSeconds(2);

    public TopologySettings {
        String givenSource = source;
        source = source == null ? "static" : source.trim().toLowerCase(Locale.ROOT);
        if (!SOURCES.contains(source)) {
            throw new IllegalArgumentException("pgrouter.topology.source must be one of " + String.join(", ", SOURCES)
                    + ", was '" + givenSource + "'");
        }
        if (refreshInterval == null || refreshInterval.compareTo(Duration.ofMillis(50)) < 0) {
            throw new IllegalArgumentException(
                    "pgrouter.topology.refresh-interval must be at least 50ms, was " + refreshInterval);
        }
        if (drainTimeout == null || drainTimeout.isNegative()) {
            throw new IllegalArgumentException(
                    "pgrouter.topology.drain-timeout must be zero or positive, was " + drainTimeout);
        }
        if (patroniTimeout == null || patroniTimeout.isNegative() || patroniTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "pgrouter.topology.patroni.timeout must be positive, was " + patroniTimeout);
        }
        patroniUrls = List.copyOf(patroniUrls);
        if (source.equals("patroni") && patroniUrls.isEmpty()) {
            throw new IllegalArgumentException(
                    "pgrouter.topology.patroni.urls is required when pgrouter.topology.source is patroni");
        }
        if (source.equals("dns") && (dnsName == null || dnsName.isBlank())) {
            throw new IllegalArgumentException(
                    "pgrouter.topology.dns.name is required when pgrouter.topology.source is dns");
        }
        if (dnsPort < 1 || dnsPort > 65535) {
            throw new IllegalArgumentException("pgrouter.topology.dns.port must be 1 to 65535, was " + dnsPort);
        }
        String givenRecords = dnsRecords;
        dnsRecords = dnsRecords == null ? "a" : dnsRecords.trim().toLowerCase(Locale.ROOT);
        if (!dnsRecords.equals("a") && !dnsRecords.equals("srv")) {
            throw new IllegalArgumentException(
                    "pgrouter.topology.dns.records must be a or srv, was '" + givenRecords + "'");
        }
        if (patroniPassword != null && patroniUsername == null) {
            throw new IllegalArgumentException(
                    "pgrouter.topology.patroni.username is required when pgrouter.topology.patroni.password (or"
                            + " password-file) is set");
        }
    }

    /** The configured nodes only, as without this setting. */
    public static TopologySettings staticList(Duration drainTimeout) {
        return new TopologySettings(
                "static",
                DEFAULT_REFRESH_INTERVAL,
                drainTimeout,
                List.of(),
                null,
                null,
                null,
                DEFAULT_PATRONI_TIMEOUT,
                null,
                5432,
                "a");
    }

    @Override
    public String toString() {
        return "TopologySettings[source=" + source + ", refreshInterval=" + refreshInterval + ", drainTimeout="
                + drainTimeout + ", patroniUrls=" + patroniUrls + ", patroniUsername=" + patroniUsername
                + ", patroniPassword=" + (patroniPassword == null ? "<none>" : Secrets.MASK) + ", patroniCaCert="
                + patroniCaCert + ", patroniTimeout=" + patroniTimeout + ", dnsName=" + dnsName + ", dnsPort="
                + dnsPort + ", dnsRecords=" + dnsRecords + "]";
    }
}
