package io.pgrouter.testkit.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes every replica set (or other cluster of the kit) still open when the JVM exits, so that no server outlives
 * the tests that started it.
 */
public final class Cleanup {

    private static final Logger log = LoggerFactory.getLogger(Cleanup.class);
    private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::closeAll, "pgrouter-testkit-cleanup"));
    }

    private Cleanup() {}

    /** Closes {@code set} at JVM exit unless it is {@linkplain #unregister unregistered} first. */
    public static void register(AutoCloseable set) {
        OPEN.add(set);
    }

    /** Forgets {@code set}: called when it was closed. */
    public static void unregister(AutoCloseable set) {
        OPEN.remove(set);
    }

    private static void closeAll() {
        for (AutoCloseable set : OPEN.toArray(AutoCloseable[]::new)) {
            try {
                set.close();
            } catch (Exception e) {
                log.warn("Closing {} at JVM exit failed: {}", set, e.getMessage());
            }
        }
    }
}
