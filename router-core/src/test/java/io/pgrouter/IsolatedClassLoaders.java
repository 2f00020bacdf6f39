package io.pgrouter;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

/** Class loaders that see only some jars, for tests that run the core without one of its optional dependencies. */
final class IsolatedClassLoaders {

    private IsolatedClassLoaders() {}

    /** A loader over the jars (or class directories) that hold {@code from}, with the JDK as its parent. */
    static URLClassLoader of(String name, List<Class<?>> from) {
        URL[] urls = from.stream()
                .map(c -> c.getProtectionDomain().getCodeSource().getLocation())
                .distinct()
                .toArray(URL[]::new);
        return new URLClassLoader(name, urls, ClassLoader.getPlatformClassLoader());
    }
}
