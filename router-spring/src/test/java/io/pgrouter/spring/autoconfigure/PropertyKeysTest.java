package io.pgrouter.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.RouterProperty;
import java.beans.PropertyDescriptor;
import java.lang.reflect.ParameterizedType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;

/**
 * The Spring properties and the core's {@code fromProperties} keys are one set: the core's are those of
 * {@link RouterProperty} (which the core checks against its documentation and its reader), the Spring keys those
 * {@link PgRouterProperties} binds. Index and free-form parts are written {@code [i]} and {@code <name>}.
 */
class PropertyKeysTest {

    @Test
    void springBindsExactlyTheCoresKeys() {
        Set<String> coreKeys = new TreeSet<>();
        for (RouterProperty property : RouterProperty.values()) {
            coreKeys.addAll(property.keys());
        }
        // A few of each kind first, so that a walk that finds nothing cannot pass.
        assertThat(springKeys())
                .contains(
                        "pgrouter.primary.host",
                        "pgrouter.replicas[i].password-file",
                        "pgrouter.replicas[i].properties.<name>",
                        "pgrouter.pool.replica.idle-timeout",
                        "pgrouter.selection",
                        "pgrouter.enabled")
                .hasSizeGreaterThan(40);
        assertThat(springKeys()).containsExactlyElementsOf(coreKeys);
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
