package io.pgrouter;

import io.pgrouter.internal.config.NodeConfig;
import io.pgrouter.internal.config.PropertiesReader;
import io.pgrouter.internal.config.RouterConfig;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The nodes of the cluster a {@linkplain RoutingDataSource#cutover cutover} moves to: its primary and its replicas,
 * with their credentials. Everything else (pools, probes, thresholds, selection) stays as the router has it. Give it
 * to every router of the application ({@link RoutingDataSource.Builder#cutoverTarget}) so that the routers that do
 * not run the cutover follow it; see {@code docs/cutover.md}.
 *
 * <p>The target's node names must differ from the current cluster's: pools ({@code pgrouter-<node>}) and meters are
 * named after them, and both clusters' run side by side for a moment.
 */
public final class CutoverTarget {

    private final RouterConfig nodes;

    private CutoverTarget(RouterConfig nodes) {
        this.nodes = nodes;
    }

    /**
     * The target from node keys. When {@code properties} has {@code pgrouter.cutover.target.*} keys (the router's own
     * properties, as {@link RoutingDataSource#fromProperties} and Spring Boot take them), those:
     * {@code pgrouter.cutover.target.primary.url}, {@code pgrouter.cutover.target.replicas[0].url}, ...; other keys are
     * then ignored. Otherwise the node keys as {@link RoutingDataSource#fromProperties} takes them:
     * {@code pgrouter.primary.url}, {@code pgrouter.primary.username}, {@code pgrouter.replicas[0].url}, ... (a
     * {@code target.properties} file, say); other {@code pgrouter.} keys are then checked but not used.
     *
     * @throws IllegalArgumentException naming the bad key and value
     */
    public static CutoverTarget fromProperties(Map<String, String> properties) {
        Objects.requireNonNull(properties, "properties");
        return PropertiesReader.readCutoverTarget(properties)
                .map(CutoverTarget::new)
                .orElseGet(() -> new CutoverTarget(PropertiesReader.read(properties)));
    }

    /** The target with these nodes ({@code pgrouter.cutover.target.*} read by the router's properties). */
    static CutoverTarget of(RouterConfig nodes) {
        return new CutoverTarget(nodes);
    }

    /** A builder; the primary is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The target's primary's name. */
    public String primary() {
        return nodes.primary().name();
    }

    /** Every node's name, the primary first. */
    public List<String> nodeNames() {
        return nodes.nodes().stream().map(NodeConfig::name).toList();
    }

    /**
     * The current configuration with the target's nodes.
     *
     * @throws IllegalArgumentException when a node name is used in both clusters
     */
    RouterConfig applyTo(RouterConfig current) {
        List<String> currentNames =
                current.nodes().stream().map(NodeConfig::name).toList();
        for (String name : nodeNames()) {
            if (currentNames.contains(name)) {
                throw new IllegalArgumentException("cutover target node '" + name + "' has the name of a node of the"
                        + " current cluster " + currentNames + ": give the target's nodes other names (pools and"
                        + " meters are named after them)");
            }
        }
        return current.withNodes(nodes.primary(), nodes.replicas());
    }

    @Override
    public String toString() {
        // NodeConfig's toString masks secrets.
        return "CutoverTarget" + nodes.nodes();
    }

    /** Builds a {@link CutoverTarget}; values are checked by {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final RouterConfig.Builder config = RouterConfig.builder();

        private Builder() {}

        /** The target's primary. */
        public Builder primary(String name, String jdbcUrl, String user, String password) {
            config.primary().connection(name, jdbcUrl, user, password);
            return this;
        }

        /** A replica of the target; call once per replica. */
        public Builder replica(String name, String jdbcUrl, String user, String password) {
            config.addReplica().connection(name, jdbcUrl, user, password);
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the bad key and value
         */
        public CutoverTarget build() {
            return new CutoverTarget(config.build());
        }
    }
}
