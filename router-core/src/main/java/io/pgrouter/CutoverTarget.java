package io.pgrouter;

import io.pgrouter.internal.config.NodeConfig;
import io.pgrouter.internal.config.PropertiesReader;
import io.pgrouter.internal.config.RouterConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The nodes of the cluster a {@linkplain RoutingDataSource#cutover cutover} moves to: its primary and its replicas,
 * with their credentials. Everything else (pools, probes, thresholds, selection) stays as the router has it. Give it
 * to every router of the application ({@link RoutingDataSource.Builder#cutoverTarget}) so that the routers that do
 * not run the cutover follow it; see {@code docs/cutover.md}.
 *
 * <p>The target's node names must differ from the current cluster's: pools ({@code pgrouter-<node>}) and meters are
 * named after them, and both clusters' run side by side for a moment.
 *
 * <p>TLS: the router's settings for every node ({@code pgrouter.ssl.*}, {@link RoutingDataSource.Builder#tls(TlsSettings)})
 * apply to the target's nodes too, under the target's own ({@link Builder#tls}, a node's {@code ssl.*} key), setting by
 * setting: a router that verifies its servers' certificates verifies the target's as well.
 */
public final class CutoverTarget {

    /** The target's nodes built with the router's TLS settings (by name after {@code ssl.}) beneath their own. */
    private final Function<Map<String, String>, RouterConfig> build;

    /**
     * The nodes without any TLS setting: their names, and every other setting checked. TLS is checked with the
     * router's settings beneath it, when the router is built: a target may name its own mode and leave the CA to the
     * router.
     */
    private final RouterConfig plain;

    private CutoverTarget(Function<Map<String, String>, RouterConfig> build, RouterConfig plain) {
        this.build = build;
        this.plain = plain;
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
        // Not Map.copyOf: a key without a value must reach the reader, whose error names it.
        Map<String, String> copy =
                Collections.unmodifiableMap(new HashMap<>(Objects.requireNonNull(properties, "properties")));
        Map<String, String> plain = PropertiesReader.withoutTls(copy);
        if (PropertiesReader.hasCutoverTarget(copy)) {
            return new CutoverTarget(
                    tls -> PropertiesReader.readCutoverTarget(copy, tls),
                    PropertiesReader.readCutoverTarget(plain, Map.of()));
        }
        return new CutoverTarget(
                tls -> PropertiesReader.read(PropertiesReader.withTlsUnder(copy, tls)), PropertiesReader.read(plain));
    }

    /**
     * The target of a router's own properties ({@code pgrouter.cutover.target.*}); {@code null} when they configure
     * none.
     *
     * @throws IllegalArgumentException naming the bad key and value
     */
    static CutoverTarget ofRouterProperties(Map<String, String> properties) {
        return PropertiesReader.hasCutoverTarget(properties) ? fromProperties(properties) : null;
    }

    /** A builder; the primary is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The target's primary's name. */
    public String primary() {
        return plain.primary().name();
    }

    /** Every node's name, the primary first. */
    public List<String> nodeNames() {
        return plain.nodes().stream().map(NodeConfig::name).toList();
    }

    /**
     * The current configuration with the target's nodes, their TLS settings over the router's.
     *
     * @param routerTls the router's {@code pgrouter.ssl.*} settings, by their name after {@code ssl.}
     * @throws IllegalArgumentException when a node name is used in both clusters
     */
    RouterConfig applyTo(RouterConfig current, Map<String, String> routerTls) {
        List<String> currentNames =
                current.nodes().stream().map(NodeConfig::name).toList();
        for (String name : nodeNames()) {
            if (currentNames.contains(name)) {
                throw new IllegalArgumentException("cutover target node '" + name + "' has the name of a node of the"
                        + " current cluster " + currentNames + ": give the target's nodes other names (pools and"
                        + " meters are named after them)");
            }
        }
        RouterConfig nodes = build.apply(routerTls);
        return current.withNodes(nodes.primary(), nodes.replicas());
    }

    @Override
    public String toString() {
        // NodeConfig's toString masks secrets.
        return "CutoverTarget" + plain.nodes();
    }

    /** Builds a {@link CutoverTarget}; values are checked by {@link #build()}. Not thread-safe. */
    public static final class Builder {
        // Kept as steps, not as a configuration: the router adds its own TLS settings beneath the target's.
        private final List<Consumer<RouterConfig.Builder>> nodes = new ArrayList<>();
        private final List<TlsSettings> tls = new ArrayList<>();

        private Builder() {}

        /** The target's primary. */
        public Builder primary(String name, String jdbcUrl, String user, String password) {
            nodes.add(config -> config.primary().connection(name, jdbcUrl, user, password));
            return this;
        }

        /** A replica of the target; call once per replica. */
        public Builder replica(String name, String jdbcUrl, String user, String password) {
            nodes.add(config -> config.addReplica().connection(name, jdbcUrl, user, password));
            return this;
        }

        /**
         * TLS for every node of the target, over the router's {@link RoutingDataSource.Builder#tls(TlsSettings)}
         * setting by setting. Default: the router's.
         */
        public Builder tls(TlsSettings settings) {
            tls.add(Objects.requireNonNull(settings, "settings"));
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the bad key and value (TLS settings are checked when the router is
         *     built, with its own beneath them)
         */
        public CutoverTarget build() {
            List<Consumer<RouterConfig.Builder>> nodeSteps = List.copyOf(nodes);
            List<TlsSettings> ownTls = List.copyOf(tls);
            Function<Map<String, String>, RouterConfig> build = routerTls -> {
                RouterConfig.Builder config = RouterConfig.builder();
                routerTls.forEach(config::ssl);
                ownTls.forEach(settings -> settings.forEach(config::ssl));
                nodeSteps.forEach(step -> step.accept(config));
                return config.build();
            };
            RouterConfig.Builder plain = RouterConfig.builder();
            nodeSteps.forEach(step -> step.accept(plain));
            return new CutoverTarget(build, plain.build());
        }
    }
}
