package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.internal.config.RouterConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad cutover options and targets are refused at once, naming the option, the key or the node. */
class CutoverOptionsTest {

    @Test
    void theDefaultsAreDocumentedOnes() {
        CutoverOptions options = CutoverOptions.defaults();
        assertThat(options.dryRun()).isFalse();
        assertThat(options.maxPause()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.sequenceMargin()).isEqualTo(1000);
        assertThat(options.retireTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(CutoverOptions.ofDryRun().dryRun()).isTrue();
    }

    @Test
    void badOptionsNameTheOptionAndTheValue() {
        CutoverOptions.Builder b = CutoverOptions.defaults().toBuilder();
        assertThatThrownBy(() -> b.maxPause(Duration.ofMillis(50)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxPause must be at least 100 ms, was 50 ms");
        assertThatThrownBy(() ->
                        CutoverOptions.defaults().toBuilder().sequenceMargin(-1).build())
                .hasMessage("sequenceMargin must be at least 0, was -1");
        assertThatThrownBy(() ->
                        CutoverOptions.defaults().toBuilder().subscription(" ").build())
                .hasMessage("subscription must not be blank, was ' '");
        assertThatThrownBy(() -> CutoverOptions.defaults().toBuilder()
                        .retireTimeout(Duration.ofSeconds(-1))
                        .build())
                .hasMessageStartingWith("retireTimeout must be zero or positive");
    }

    @Test
    void aTargetFromPropertiesNamesTheBadKeyAndKeepsItsPasswordOutOfToString() {
        assertThatThrownBy(() -> CutoverTarget.fromProperties(Map.of("pgrouter.primary.username", "app")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pgrouter.primary.url");
        CutoverTarget target = CutoverTarget.fromProperties(Map.of(
                "pgrouter.primary.name", "pg18",
                "pgrouter.primary.url", "jdbc:postgresql://new-db:5432/shop",
                "pgrouter.primary.username", "app",
                "pgrouter.primary.password", "s3cret",
                "pgrouter.replicas[0].name", "pg18-r1",
                "pgrouter.replicas[0].url", "jdbc:postgresql://new-db-r1:5432/shop"));
        assertThat(target.primary()).isEqualTo("pg18");
        assertThat(target.nodeNames()).containsExactly("pg18", "pg18-r1");
        assertThat(target.toString()).doesNotContain("s3cret");
    }

    @Test
    void aTargetNodeWithTheNameOfACurrentNodeIsRefusedByName() {
        CutoverTarget target = CutoverTarget.builder()
                .primary("primary", "jdbc:postgresql://new-db:5432/shop", "app", "x")
                .build();
        RouterConfig.Builder config = RouterConfig.builder();
        config.primary().connection("primary", "jdbc:postgresql://old-db:5432/shop", "app", "x");
        RouterConfig current = config.build();
        assertThatThrownBy(() -> target.applyTo(current, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cutover target node 'primary' has the name of a node of the current cluster");
    }
}
