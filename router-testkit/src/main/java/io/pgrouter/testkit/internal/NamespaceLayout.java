package io.pgrouter.testkit.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link io.pgrouter.testkit.NetworkFaults.Mechanism#NAMESPACE} layout of one replica set.
 *
 * <p>The set gets a /24 of {@value #NETWORK_PREFIX}0.0/16 that no address or route of this machine overlaps, and a
 * "switch" namespace {@code pgrouter-<n>} holding a bridge. The JVM's namespace reaches the bridge through a veth pair
 * {@code pgrouter-<n>} with address {@code .1}; each node runs in namespace {@code pgrouter-<n>-<i>} with address
 * {@code .(10+i)} on its own veth pair to the bridge. Nodes talk to each other across the bridge, so nothing is
 * forwarded or filtered in the JVM's namespace (no {@code ip_forward}, no firewall rule) and the kit only ever sends
 * traffic to addresses inside namespaces it made. A fault on a node is a queue on both ends of its pair.
 *
 * <p>Naming the switch namespace is the lock between JVMs ({@code ip netns add} fails when it exists); the alias of
 * the JVM-side link names the owner JVM, so that a later start removes the namespaces of a JVM that died.
 */
final class NamespaceLayout implements NetworkLayout {

    private static final Logger log = LoggerFactory.getLogger(NamespaceLayout.class);
    static final String NETWORK_PREFIX = "10.213.";
    static final String NAME_PREFIX = "pgrouter-";
    private static final String OWNER_TAG = "pgrouter-testkit ";
    private static final Pattern ROOT_LINK = Pattern.compile("\\d+: (" + NAME_PREFIX + "(\\d+))[@:].*?(?:alias (.*))?");
    private static final Pattern OUR_NAMESPACE = Pattern.compile(NAME_PREFIX + "(\\d+)(-\\d+)?");
    private static final Pattern IPV4_NETWORK = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+)(?:/(\\d+))?");

    private final int subnet;
    private final List<NamespaceFaults> nodes = new CopyOnWriteArrayList<>();

    private NamespaceLayout(int subnet) {
        this.subnet = subnet;
    }

    /** Removes leftovers of dead JVMs, then makes the switch namespace and the JVM's link on a free /24. */
    static NamespaceLayout create() {
        sweepLeftovers();
        Set<Integer> taken = subnetsInUse();
        int start = (int) (ProcessHandle.current().pid() % 256);
        for (int i = 0; i < 256; i++) {
            int candidate = (start + i) % 256;
            if (taken.contains(candidate)
                    || ip(
                                            "make the network namespace " + switchName(candidate),
                                            false,
                                            "netns",
                                            "add",
                                            switchName(candidate))
                                    .exitCode()
                            != 0) {
                continue;
            }
            NamespaceLayout layout = new NamespaceLayout(candidate);
            try {
                layout.connectSwitch();
                return layout;
            } catch (RuntimeException e) {
                layout.close();
                throw e;
            }
        }
        throw new IllegalStateException(
                "No free /24 in " + NETWORK_PREFIX + "0.0/16 for the kit's network namespaces: every one is"
                        + " used by this machine's addresses or routes, or by other test runs");
    }

    private void connectSwitch() {
        String sw = switchName(subnet);
        ip("make the bridge of " + sw, true, "-n", sw, "link", "add", "name", "switch", "type", "bridge");
        ip("start the bridge of " + sw, true, "-n", sw, "link", "set", "dev", "switch", "up");
        ip(
                "link this JVM to " + sw,
                true,
                "link",
                "add",
                "name",
                sw,
                "type",
                "veth",
                "peer",
                "name",
                "uplink",
                "netns",
                sw);
        ip("record the owner of " + sw, true, "link", "set", "dev", sw, "alias", OWNER_TAG + RunDirectory.ownerToken());
        ip("address the link to " + sw, true, "addr", "add", address(1) + "/24", "dev", sw);
        ip("start the link to " + sw, true, "link", "set", "dev", sw, "up");
        ip(
                "attach the link to the bridge of " + sw,
                true,
                "-n",
                sw,
                "link",
                "set",
                "dev",
                "uplink",
                "master",
                "switch",
                "up");
    }

    @Override
    public NodeNetwork node(String name, int index, int port) {
        String sw = switchName(subnet);
        String ns = sw + "-" + index;
        String device = "n" + index;
        ip("make the network namespace of " + name, true, "netns", "add", ns);
        NamespaceFaults faults = new NamespaceFaults(name, sw, device, ns);
        nodes.add(faults);
        ip(
                "link " + name + " to the bridge",
                true,
                "-n",
                sw,
                "link",
                "add",
                "name",
                device,
                "type",
                "veth",
                "peer",
                "name",
                "eth0",
                "netns",
                ns);
        ip("attach " + name + " to the bridge", true, "-n", sw, "link", "set", "dev", device, "master", "switch", "up");
        String address = address(10 + index);
        ip("address " + name, true, "-n", ns, "addr", "add", address + "/24", "dev", "eth0");
        ip("start the link of " + name, true, "-n", ns, "link", "set", "dev", "eth0", "up");
        ip("start the loopback device of " + name, true, "-n", ns, "link", "set", "dev", "lo", "up");
        return new NodeNetwork(address, port, address, port, List.of("ip", "netns", "exec", ns), network(), faults);
    }

    @Override
    public void restoreAll() {
        for (NamespaceFaults node : nodes) {
            try {
                node.restore();
            } catch (RuntimeException e) {
                log.warn("Could not restore the network of {}: {}", node, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        remove(subnet);
        nodes.clear();
    }

    private String address(int host) {
        return NETWORK_PREFIX + subnet + "." + host;
    }

    private String network() {
        return NETWORK_PREFIX + subnet + ".0/24";
    }

    private static String switchName(int subnet) {
        return NAME_PREFIX + subnet;
    }

    /** Deletes the namespaces and the JVM-side link of a subnet; deleting a namespace deletes the veth ends in it. */
    private static void remove(int subnet) {
        String sw = switchName(subnet);
        for (String ns : namespaces()) {
            if (ns.startsWith(sw + "-")) {
                ip("remove " + ns, false, "netns", "del", ns);
            }
        }
        ip("remove the link to " + sw, false, "link", "del", "dev", sw);
        ip("remove " + sw, false, "netns", "del", sw);
    }

    /** Removes the namespaces of JVMs that are gone (and those whose owner was never recorded, once a minute old). */
    static void sweepLeftovers() {
        Set<Integer> owned = new HashSet<>();
        for (String line : ip("list links", true, "-o", "link", "show").output().split("\n")) {
            Matcher m = ROOT_LINK.matcher(line.replace("\\", "").strip());
            if (!m.matches()) {
                continue;
            }
            int subnet = Integer.parseInt(m.group(2));
            String alias = m.group(3) == null ? "" : m.group(3).strip();
            if (alias.startsWith(OWNER_TAG) && !RunDirectory.isAlive(alias.substring(OWNER_TAG.length()))) {
                log.info(
                        "Removing the network namespaces of an earlier run that did not shut down: {}",
                        switchName(subnet));
                remove(subnet);
            } else {
                owned.add(subnet);
            }
        }
        for (String ns : namespaces()) {
            Matcher m = OUR_NAMESPACE.matcher(ns);
            if (m.matches()
                    && !owned.contains(Integer.parseInt(m.group(1)))
                    && !RunDirectory.isYoung(Path.of("/run/netns", ns))) {
                log.info("Removing the network namespace {} of an earlier run that did not shut down", ns);
                ip("remove " + ns, false, "netns", "del", ns);
            }
        }
    }

    private static List<String> namespaces() {
        List<String> names = new ArrayList<>();
        for (String line :
                ip("list network namespaces", true, "netns", "list").output().split("\n")) {
            if (!line.isBlank()) {
                names.add(line.strip().split(" ")[0]);
            }
        }
        return names;
    }

    /** The third bytes of the /24s in 10.213.0.0/16 that an address or route of this machine overlaps. */
    private static Set<Integer> subnetsInUse() {
        Set<Integer> taken = new HashSet<>();
        String known = ip("list addresses", true, "-4", "-o", "addr", "show").output() + "\n"
                + ip("list routes", true, "-4", "route", "show", "table", "all").output();
        Matcher m = IPV4_NETWORK.matcher(known);
        long ours = toLong(NETWORK_PREFIX + "0.0");
        while (m.find()) {
            int length = m.group(2) == null ? 32 : Integer.parseInt(m.group(2));
            long network = toLong(m.group(1));
            for (int subnet = 0; subnet < 256; subnet++) {
                int shorter = Math.min(length, 24);
                long mask = shorter == 0 ? 0 : (0xFFFFFFFFL << (32 - shorter)) & 0xFFFFFFFFL;
                if ((network & mask) == ((ours | ((long) subnet << 8)) & mask)) {
                    taken.add(subnet);
                }
            }
        }
        return taken;
    }

    private static long toLong(String address) {
        long value = 0;
        for (String part : address.split("\\.")) {
            value = (value << 8) | Integer.parseInt(part);
        }
        return value;
    }

    private static Commands.Result ip(String purpose, boolean required, String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Commands.Result result = Commands.run(command, purpose);
        if (required && result.exitCode() != 0) {
            throw new IllegalStateException(
                    "Could not " + purpose + ": '" + String.join(" ", command) + "' exited with " + result.exitCode()
                            + ": " + result.output().strip());
        }
        return result;
    }

    @Override
    public String toString() {
        return switchName(subnet) + " (" + network() + ")";
    }
}
