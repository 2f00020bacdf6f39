package io.pgrouter.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pgrouter.RoutingDataSource;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;

/**
 * The Spring properties and the core's {@code fromProperties} keys are one set. The core has no public key table yet,
 * so its keys come from its documentation ({@code docs/configuration.md}, "All options"), and each is checked against
 * {@code fromProperties}, which rejects unknown keys; the Spring keys are those {@link PgRouterProperties} binds.
 * Index and free-form parts are written {@code [i]} and {@code <name>}.
 */
class PropertyKeysTest {

    private static final Path CONFIGURATION_DOC = Path.of("..", "docs", "configuration.md");
    private static final Pattern DOC_ROW = Pattern.compile("^\\| (`pgrouter\\.[^|]*)\\|", Pattern.MULTILINE);
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @Test
    void springBindsExactlyTheCoresKeys() throws IOException {
        // A few of each kind first, so that a parser that finds nothing cannot pass.
        assertThat(documentedCoreKeys()).contains("pgrouter.primary.host", "pgrouter.primary.database",
                "pgrouter.replicas[i].password-file", "pgrouter.replicas[i].properties.<name>",
                "pgrouter.pool.replica.idle-timeout", "pgrouter.selection", "pgrouter.enabled").hasSizeGreaterThan(40);
        assertThat(springKeys()).containsExactlyElementsOf(documentedCoreKeys());
    }

    @Test
    void theCoreAcceptsEveryDocumentedKey() throws IOException {
        for (String key : documentedCoreKeys()) {
            String concrete = key.replace("[i]", "[0]").replace("<name>", "ApplicationName");
            Throwable error = catchThrowable(() -> RoutingDataSource.fromProperties(Map.of(concrete, "x")).close());
            // One key alone never makes a valid router: the error must be about the value or a missing key.
            assertThat(error).as(concrete).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("unknown configuration key");
        }
    }

    /** Each row's first cell: {@code `pgrouter.primary.host` / `.port`}, with {@code <role>} spelled out. */
    static Set<String> documentedCoreKeys() throws IOException {
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

    /** Every key {@link PgRouterProperties} binds, from its bean properties as Spring's binder sees them. */
    static Set<String> springKeys() {
        Set<String> keys = new TreeSet<>();
        collect("pgrouter", PgRouterProperties.class, keys);
        return keys;
    }

    private static void collect(String prefix, Class<?> type, Set<String> keys) {
        for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
            if (property.getReadMethod() == null || property.getName().equals("class")) {
                continue;
            }
            String key = prefix + "." + kebab(property.getName());
            Class<?> valueType = property.getPropertyType();
            if (Map.class.isAssignableFrom(valueType)) {
                keys.add(key + ".<name>");
            } else if (List.class.isAssignableFrom(valueType)) {
                collect(key + "[i]", elementType(property), keys);
            } else if (valueType.getEnclosingClass() == PgRouterProperties.class) {
                collect(key, valueType, keys);
            } else {
                keys.add(key);
            }
        }
    }

    private static Class<?> elementType(PropertyDescriptor list) {
        return (Class<?>) ((ParameterizedType) list.getReadMethod().getGenericReturnType()).getActualTypeArguments()[0];
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
