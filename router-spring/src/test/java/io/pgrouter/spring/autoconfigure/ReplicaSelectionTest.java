package io.pgrouter.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchIllegalArgumentException;

import com.jayway.jsonpath.JsonPath;
import io.pgrouter.ReplicaSelector;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The typed {@code pgrouter.selection}: the same names as the core's, in the IDE hints too. */
class ReplicaSelectionTest {

    @Test
    void eachValueIsTheCoreSelectorOfItsName() {
        for (ReplicaSelection selection : ReplicaSelection.values()) {
            assertThat(selection.selector().toString()).isEqualTo(selection.propertyValue());
        }
    }

    @Test
    void theValuesAreTheCoresNames() {
        // The core lists its names only in named()'s error; read from there until it has a table of its own.
        String error = catchIllegalArgumentException(() -> ReplicaSelector.named("none of them")).getMessage();
        List<String> coreNames = Arrays.asList(error.substring(error.indexOf("use one of ") + "use one of ".length())
                .split(",\\s*"));
        assertThat(values()).containsExactlyInAnyOrderElementsOf(coreNames);
    }

    @Test
    void propertiesSpellThemAsTheCoreDoes() {
        for (ReplicaSelection selection : ReplicaSelection.values()) {
            PgRouterProperties properties = new Binder(new MapConfigurationPropertySource(
                    Map.of("pgrouter.selection", selection.propertyValue())))
                    .bindOrCreate("pgrouter", PgRouterProperties.class);
            assertThat(properties.getSelection()).isEqualTo(selection);
        }
    }

    @Test
    void theIdeHintsListEveryValue() throws IOException {
        try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(metadata).as("generated configuration metadata").isNotNull();
            List<String> hinted = JsonPath.read(metadata,
                    "$.hints[?(@.name == 'pgrouter.selection')].values[*].value");
            assertThat(hinted).containsExactlyInAnyOrderElementsOf(values());
        }
    }

    private static List<String> values() {
        return Arrays.stream(ReplicaSelection.values()).map(ReplicaSelection::propertyValue).toList();
    }
}
