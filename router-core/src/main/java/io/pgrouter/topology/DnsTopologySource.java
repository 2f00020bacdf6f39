package io.pgrouter.topology;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A DNS name whose records are the replicas (a Kubernetes headless service, a Consul service name): A and AAAA records
 * give the addresses, each with PostgreSQL on one configured port; or, with {@link Resolver#srv()}, SRV records give
 * host and port each. Every target is a node named after its address and port ({@code 10.0.0.5-5432}). Resolved again
 * at every refresh.
 *
 * <p>The JVM caches successful A/AAAA lookups ({@code networkaddress.cache.ttl}, 30 s by default): set that security
 * property lower for changes to show sooner. A name that does not resolve counts as unreachable: the router keeps the
 * nodes it had.
 */
public final class DnsTopologySource implements TopologySource {

    /** Resolves a name to the replicas' socket addresses: A/AAAA records by default, a test's own in tests. */
    @FunctionalInterface
    public interface Resolver {
        /**
         * Every target of {@code name}; {@code port} is the configured port, for records that carry none.
         *
         * @throws IOException when the name does not resolve
         */
        List<InetSocketAddress> resolve(String name, int port) throws IOException;

        /** The JVM's resolver ({@link InetAddress#getAllByName}): every A and AAAA record, on {@code port}. */
        static Resolver addresses() {
            return (name, port) -> Stream.of(InetAddress.getAllByName(name))
                    .map(a -> new InetSocketAddress(a, port))
                    .toList();
        }

        /**
         * SRV records ({@code _postgresql._tcp.example.com}) through the JDK's DNS naming provider: each record's
         * target and port; the configured port is not used.
         */
        static Resolver srv() {
            return SrvRecords::resolve;
        }
    }

    private final String name;
    private final int port;
    private final Resolver resolver;

    private DnsTopologySource(String name, int port, Resolver resolver) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("pgrouter.topology.dns.name must be a host name, was '" + name + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("pgrouter.topology.dns.port must be 1 to 65535, was " + port);
        }
        this.name = name.trim();
        this.port = port;
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** The replicas are the addresses of {@code name}, each with PostgreSQL on {@code port}. */
    public static DnsTopologySource of(String name, int port) {
        return new DnsTopologySource(name, port, Resolver.addresses());
    }

    /** As {@link #of(String, int)}, resolving with {@code resolver}. */
    public static DnsTopologySource of(String name, int port, Resolver resolver) {
        return new DnsTopologySource(name, port, resolver);
    }

    @Override
    public List<TopologyMember> members() throws IOException {
        List<InetSocketAddress> targets = resolver.resolve(name, port);
        if (targets == null || targets.isEmpty()) {
            throw new UnknownHostException(name + " has no record");
        }
        return targets.stream()
                .map(t -> TopologyMember.replica(nodeName(t.getHostString(), t.getPort()), hostOf(t), t.getPort()))
                .distinct()
                .sorted(Comparator.comparing(TopologyMember::name))
                .toList();
    }

    /** The address when resolved (no name to look up again), else the host name (an SRV target). */
    private static String hostOf(InetSocketAddress target) {
        return target.getAddress() != null ? target.getAddress().getHostAddress() : target.getHostString();
    }

    /** A target as a node name: {@code 10.0.0.5-5432}; IPv6 colons (and a scope's {@code %}) become dashes. */
    static String nodeName(String host, int port) {
        return host.replace(':', '-').replace('%', '-') + "-" + port;
    }

    @Override
    public String describe() {
        return "dns " + name + " port " + port;
    }

    @Override
    public String toString() {
        return describe();
    }
}
