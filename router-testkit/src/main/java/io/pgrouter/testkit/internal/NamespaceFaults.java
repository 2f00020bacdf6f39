package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.NetworkFaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network faults of a node in a namespace of its own ({@link NamespaceLayout}): a queue on both ends of its
 * veth pair, so that every packet to or from the node passes it, and socket destruction inside its namespace.
 */
final class NamespaceFaults implements NetworkFaults {

    private static final Logger log = LoggerFactory.getLogger(NamespaceFaults.class);

    private final String node;
    /** Each end of the node's veth pair: namespace and device. */
    private final List<List<String>> ends;

    private final String namespace;

    NamespaceFaults(String node, String switchNamespace, String switchDevice, String namespace) {
        this.node = node;
        this.namespace = namespace;
        this.ends = List.of(List.of(switchNamespace, switchDevice), List.of(namespace, "eth0"));
    }

    @Override
    public Mechanism mechanism() {
        return Mechanism.NAMESPACE;
    }

    @Override
    public synchronized void cutOff() {
        // A queue that may hold nothing drops every packet, silently: the sender's TCP retransmits and times out.
        rootQueue("cut off " + node, "pfifo", "limit", "0");
        log.debug("{} cut off ({})", node, namespace);
    }

    @Override
    public synchronized void addLatency(Duration delay) {
        NetworkFaultSettings.checkedLatency(node, delay);
        if (delay.isZero()) {
            restore();
            return;
        }
        if (!NetworkFaultSettings.netemAvailable()) {
            throw new UnsupportedOperationException(
                    "Cannot add latency to " + node + ": the kernel has no netem queueing discipline"
                            + " (sch_netem); use the proxy mechanism for latency (PostgresReplicaSet.builder().networkFaults(Mechanism.PROXY))");
        }
        // Half on each end: a round trip crosses both.
        long halfMicros = delay.toNanos() / 2 / 1000;
        rootQueue("add latency to " + node, "netem", "delay", halfMicros + "us");
        log.debug("{} answers {} ms later ({})", node, delay.toMillis(), namespace);
    }

    @Override
    public synchronized void resetConnections() {
        Set<String> before = connections();
        // ss -K destroys each socket: the kernel sends the peer a reset, the local process gets ECONNABORTED.
        Commands.output(
                List.of("ss", "-N", namespace, "-K", "-t", "-n", "state", "connected", "exclude", "time-wait"),
                "reset the connections of " + node);
        before.retainAll(connections());
        if (!before.isEmpty()) {
            throw new UnsupportedOperationException("Cannot reset the connections of " + node + ": 'ss -K' left "
                    + before + " open; the kernel needs CONFIG_INET_DIAG_DESTROY. Use the proxy mechanism instead");
        }
        log.debug("{}: reset its connections ({})", node, namespace);
    }

    @Override
    public synchronized void restore() {
        for (List<String> end : ends) {
            // Deleting a root queue that is not there fails harmlessly: the default queue is back either way.
            Commands.run(
                    List.of("tc", "-n", end.get(0), "qdisc", "del", "dev", end.get(1), "root"),
                    "restore the network of " + node);
        }
    }

    private void rootQueue(String purpose, String... queue) {
        for (List<String> end : ends) {
            List<String> command =
                    new ArrayList<>(List.of("tc", "-n", end.get(0), "qdisc", "replace", "dev", end.get(1), "root"));
            command.addAll(List.of(queue));
            Commands.output(command, purpose);
        }
    }

    /** The node's established TCP connections, as local and peer address. */
    private Set<String> connections() {
        Set<String> found = new HashSet<>();
        String out = Commands.output(
                List.of("ss", "-N", namespace, "-H", "-t", "-n", "state", "established"),
                "list the connections of " + node);
        for (String line : out.split("\n")) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length >= 4) {
                // Recv-Q Send-Q Local Peer (some ss versions print the state first)
                found.add(fields[fields.length - 2] + " " + fields[fields.length - 1]);
            }
        }
        return found;
    }

    @Override
    public String toString() {
        return node + " in " + namespace;
    }
}
