package io.pgrouter.testkit.internal;

/**
 * The test kit's outside settings: a system property wins over the environment variable of the same meaning,
 * so that a build can set them per run and a test can set them per JVM.
 */
public final class KitSettings {

    private KitSettings() {}

    /** The value of system property {@code property}, else of environment variable {@code env}, else {@code null}. */
    public static String get(String property, String env) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }
}
