package io.pgrouter.internal.discovery;

import io.pgrouter.internal.config.TopologySettings;
import io.pgrouter.topology.DnsTopologySource;
import io.pgrouter.topology.PatroniTopologySource;
import io.pgrouter.topology.TopologySource;
import java.net.URI;
import java.nio.file.Path;

/** Makes the topology source that the {@code pgrouter.topology.*} settings describe. */
public final class Sources {

    private Sources() {}

    /**
     * The source of {@code settings}, or {@code null} for {@code static}: the configured nodes are the topology and
     * nothing follows anything.
     *
     * @throws IllegalArgumentException for a CA certificate file that cannot be read, naming the key
     */
    public static TopologySource from(TopologySettings settings) {
        return switch (settings.source()) {
            case "patroni" -> {
                PatroniTopologySource.Builder patroni = PatroniTopologySource.builder()
                        .endpoints(settings.patroniUrls().toArray(URI[]::new))
                        .timeout(settings.patroniTimeout());
                if (settings.patroniUsername() != null) {
                    patroni.credentials(settings.patroniUsername(), settings.patroniPassword());
                }
                if (settings.patroniCaCert() != null) {
                    patroni.trustCertificate(Path.of(settings.patroniCaCert().trim()));
                }
                yield patroni.build();
            }
            case "dns" ->
                DnsTopologySource.of(
                        settings.dnsName(),
                        settings.dnsPort(),
                        settings.dnsRecords().equals("srv")
                                ? DnsTopologySource.Resolver.srv()
                                : DnsTopologySource.Resolver.addresses());
            default -> null;
        };
    }
}
