package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.NetworkFaults.Mechanism;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Which network-fault mechanism a replica set gets, what this machine allows, and the checks both mechanisms share. */
public final class NetworkFaultSettings {

    private static final Logger log = LoggerFactory.getLogger(NetworkFaultSettings.class);
    static final String PROPERTY = "pgrouter.testkit.network-faults";
    static final String ENV = "PGROUTER_TESTKIT_NETWORK_FAULTS";
    private static final Duration MAX_LATENCY = Duration.ofMinutes(1);

    private static volatile Probe probe;

    private NetworkFaultSettings() {}

    /**
     * The mechanism for a replica set: {@code requested} if not {@code null}, else the one named by
     * {@value #PROPERTY} ({@code namespace} or {@code proxy}), else namespaces where every fault works with them
     * (latency included), else the proxy.
     *
     * @throws IllegalStateException when namespaces are asked for and this machine cannot make them, saying why
     * @throws IllegalArgumentException when the property names no mechanism
     */
    public static Mechanism choose(Mechanism requested) {
        Mechanism mechanism = requested != null ? requested : fromEnvironment();
        if (mechanism == Mechanism.NAMESPACE) {
            namespaceUnavailableReason().ifPresent(reason -> {
                throw new IllegalStateException("Network faults through namespaces are not possible here: " + reason
                        + " (leave the mechanism to the kit, or ask for " + Mechanism.PROXY + ")");
            });
            return mechanism;
        }
        if (mechanism == Mechanism.PROXY) {
            return mechanism;
        }
        Optional<String> reason = namespaceUnavailableReason();
        if (reason.isEmpty() && !netemAvailable()) {
            reason = Optional.of("the kernel has no netem queueing discipline (sch_netem) for latency");
        }
        if (reason.isPresent()) {
            log.info("Network faults through the kit's TCP proxy: namespaces are not usable ({})", reason.get());
            return Mechanism.PROXY;
        }
        return Mechanism.NAMESPACE;
    }

    private static Mechanism fromEnvironment() {
        String value = KitSettings.get(PROPERTY, ENV);
        if (value == null || value.equalsIgnoreCase("auto")) {
            return null;
        }
        try {
            return Mechanism.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    PROPERTY + " must be one of auto, namespace, proxy; was '" + value + "'", e);
        }
    }

    /** Why servers cannot run in network namespaces of their own here, or empty when they can. */
    public static Optional<String> namespaceUnavailableReason() {
        return Optional.ofNullable(probe().namespaceProblem());
    }

    /** Whether {@code tc} can make a netem queue (for latency) in a namespace. */
    static boolean netemAvailable() {
        return probe().netem();
    }

    /** Rejects a negative or absurd latency, naming the node. */
    static Duration checkedLatency(String node, Duration delay) {
        if (delay == null || delay.isNegative() || delay.compareTo(MAX_LATENCY) > 0) {
            throw new IllegalArgumentException(
                    "latency of " + node + " must be between zero and " + MAX_LATENCY.toSeconds() + " s, was " + delay);
        }
        return delay;
    }

    private static Probe probe() {
        Probe p = probe;
        if (p == null) {
            synchronized (NetworkFaultSettings.class) {
                if (probe == null) {
                    probe = Probe.run();
                }
                p = probe;
            }
        }
        return p;
    }

    /** What this machine allows, tried once per JVM in a namespace made for the purpose. */
    private record Probe(String namespaceProblem, boolean netem) {

        static Probe run() {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
                return new Probe("network namespaces exist on Linux only", false);
            }
            if (!ServerUser.isRoot()) {
                return new Probe(
                        "making network namespaces needs root, and the JVM runs as " + System.getProperty("user.name"),
                        false);
            }
            for (String tool : List.of("ip", "tc", "ss")) {
                if (!Commands.onPath(tool)) {
                    return new Probe("'" + tool + "' (iproute2) is not on the PATH", false);
                }
            }
            String ns = "pgrouter-probe-" + ProcessHandle.current().pid();
            Commands.Result made = Commands.run(List.of("ip", "netns", "add", ns), "make a network namespace");
            if (made.exitCode() != 0) {
                return new Probe("'ip netns add' failed: " + made.output().strip(), false);
            }
            try {
                Commands.Result dropQueue = Commands.run(
                        List.of("tc", "-n", ns, "qdisc", "replace", "dev", "lo", "root", "pfifo", "limit", "0"),
                        "make a dropping queue");
                if (dropQueue.exitCode() != 0) {
                    return new Probe(
                            "'tc qdisc replace ... pfifo limit 0' failed: "
                                    + dropQueue.output().strip(),
                            false);
                }
                boolean netem = Commands.run(
                                        List.of(
                                                "tc", "-n", ns, "qdisc", "replace", "dev", "lo", "root", "netem",
                                                "delay", "1ms"),
                                        "make a netem queue")
                                .exitCode()
                        == 0;
                return new Probe(null, netem);
            } finally {
                Commands.run(List.of("ip", "netns", "del", ns), "remove the probe namespace");
            }
        }
    }
}
