package io.pgrouter.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.pgrouter.Selection;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code pgrouter.selection} binds the core's {@link Selection} by its keys, and the IDE hints list every one. */
class SelectionPropertyTest {

    @Test
    void propertiesSpellThemAsTheCoreDoes() {
        for (Selection selection : Selection.values()) {
            PgRouterProperties properties = new Binder(
                            new MapConfigurationPropertySource(Map.of("pgrouter.selection", selection.key())))
                    .bindOrCreate("pgrouter", PgRouterProperties.class);
            assertThat(properties.getSelection()).isEqualTo(selection);
        }
    }

    @Test
    void theIdeHintsListEveryValue() throws IOException {
        try (InputStream metadata = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(metadata).as("generated configuration metadata").isNotNull();
            List<String> hinted = JsonPath.read(metadata, "$.hints[?(@.name == 'pgrouter.selection')].values[*].value");
            assertThat(hinted).containsExactlyInAnyOrderElementsOf(Selection.keys());
        }
    }
}
