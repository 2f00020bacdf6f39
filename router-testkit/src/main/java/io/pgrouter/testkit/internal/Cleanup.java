package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.ReplicaSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closes every replica set still open when the JVM exits, so that no server outlives the tests that started it. */
final class Cleanup {

    private static final Logger log = LoggerFactory.getLogger(Cleanup.class);
    private static final Set<ReplicaSet> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::closeAll, "pgrouter-testkit-cleanup"));
    }

    private Cleanup() {
    }

    static void register(ReplicaSet set) {
        OPEN.add(set);
    }

    static void unregister(ReplicaSet set) {
        OPEN.remove(set);
    }

    private static void closeAll() {
        for (ReplicaSet set : OPEN.toArray(ReplicaSet[]::new)) {
            try {
                set.close();
            } catch (RuntimeException e) {
                log.warn("Closing {} at JVM exit failed: {}", set, e.getMessage());
            }
        }
    }
}
