package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link RouterProperty} lists the keys that docs/configuration.md documents ("All options") and that
 * {@code fromProperties} accepts, no more, no fewer.
 */
class RouterPropertyTest {

    private static final Path CONFIGURATION_DOC = Path.of("..", "docs", "configuration.md");
    private static final Pattern DOC_ROW = Pattern.compile("^\\| (`pgrouter\\.[^|]*)\\|", Pattern.MULTILINE);
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    static Set<String> enumKeys() {
        Set<String> keys = new TreeSet<>();
        for (RouterProperty property : RouterProperty.values()) {
            keys.addAll(property.keys());
        }
        return keys;
    }

    @Test
    void theDocumentedKeysAreTheEnumsKeys() throws IOException {
        // A few of each kind first, so that a parser that finds nothing cannot pass.
        assertThat(documentedKeys())
                .contains(
                        "pgrouter.primary.host",
                        "pgrouter.replicas[i].password-file",
                        "pgrouter.replicas[i].properties.<name>",
                        "pgrouter.pool.replica.idle-timeout",
                        "pgrouter.primary.ssl.key-password",
                        "pgrouter.selection",
                        "pgrouter.enabled")
                .hasSizeGreaterThan(40);
        assertThat(enumKeys()).containsExactlyElementsOf(documentedKeys());
    }

    @Test
    void theCoreAcceptsEveryKey() {
        for (String key : enumKeys()) {
            String concrete = key.replace("[i]", "[0]").replace("<name>", "ApplicationName");
            Throwable error = catchThrowable(() ->
                    RoutingDataSource.fromProperties(Map.of(concrete, "x")).close());
            // One key alone never makes a valid router: the error must be about the value or a missing key.
            assertThat(error)
                    .as(concrete)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("unknown configuration key");
        }
    }

    @Test
    void secretsArePasswordsAndPerNodeKeysNameANode() {
        assertThat(Arrays.stream(RouterProperty.values()).filter(RouterProperty::isSecret))
                .containsExactlyInAnyOrder(
                        RouterProperty.PASSWORD,
                        RouterProperty.SSL_KEY_PASSWORD,
                        RouterProperty.PROBE_PASSWORD,
                        RouterProperty.TOPOLOGY_PATRONI_PASSWORD);
        for (RouterProperty property : RouterProperty.values()) {
            assertThat(property.isPerNode())
                    .as(property.name())
                    .isEqualTo(property.keys().stream().anyMatch(key -> key.startsWith("pgrouter.replicas[i].")));
            assertThat(property.description()).as(property.name()).isNotBlank().doesNotContain("\n");
            assertThat(property.defaultValue()).as(property.name()).isNotBlank();
        }
    }

    @Test
    void concreteKeysForANodeAPoolOrTheRouter() {
        assertThat(RouterProperty.URL.primaryKey()).isEqualTo("pgrouter.primary.url");
        assertThat(RouterProperty.URL.replicaKey(2)).isEqualTo("pgrouter.replicas[2].url");
        assertThat(RouterProperty.SSL_MODE.key()).isEqualTo("pgrouter.ssl.mode");
        assertThat(RouterProperty.SSL_MODE.replicaKey(0)).isEqualTo("pgrouter.replicas[0].ssl.mode");
        assertThat(RouterProperty.MINIMUM_IDLE.poolKey(NodeRole.REPLICA))
                .isEqualTo("pgrouter.pool.replica.minimum-idle");
        assertThatThrownBy(() -> RouterProperty.WEIGHT.primaryKey())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("WEIGHT has no key for the primary")
                .hasMessageContaining("pgrouter.replicas[i].weight");
        assertThatThrownBy(() -> RouterProperty.URL.key()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> RouterProperty.SELECTION.poolKey(NodeRole.PRIMARY))
                .isInstanceOf(IllegalStateException.class);
    }

    /** Each row's first cell: {@code `pgrouter.primary.host` / `.port`}, with {@code <role>} spelled out. */
    private static Set<String> documentedKeys() throws IOException {
        String doc = Files.readString(CONFIGURATION_DOC);
        String options = doc.substring(doc.indexOf("## All options"));
        Set<String> keys = new TreeSet<>();
        Matcher row = DOC_ROW.matcher(options.substring(0, options.indexOf("\n## ")));
        while (row.find()) {
            Matcher code = CODE.matcher(row.group(1));
            String first = null;
            while (code.find()) {
                String key = first == null ? code.group(1) : first.substring(0, first.lastIndexOf('.')) + code.group(1);
                first = first == null ? key : first;
                for (String role : List.of("primary", "replica")) {
                    keys.add(key.replace("<role>", role));
                }
            }
        }
        return keys;
    }
}
