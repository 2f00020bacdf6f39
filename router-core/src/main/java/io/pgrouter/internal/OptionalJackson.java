package io.pgrouter.internal;

/**
 * Jackson is an optional dependency of the core, used only to write the JSON forms ({@code toJson()}). They call
 * {@link #require} before touching a class that links against Jackson, so that without it the caller gets an
 * error that says what to add rather than a {@link NoClassDefFoundError}.
 */
public final class OptionalJackson {

    private static final boolean PRESENT = present();

    private OptionalJackson() {}

    /**
     * Returns when Jackson can be loaded.
     *
     * @param method the method that needs it, for the message ({@code "RouterStatus.toJson()"})
     * @throws IllegalStateException when it cannot
     */
    public static void require(String method) {
        if (!PRESENT) {
            throw new IllegalStateException(method + " needs Jackson (tools.jackson.core:jackson-core), which is an"
                    + " optional dependency of pgrouter: add it to the class path or module path");
        }
    }

    private static boolean present() {
        try {
            Class.forName("tools.jackson.core.json.JsonFactory", false, OptionalJackson.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
