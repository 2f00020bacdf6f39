package io.pgrouter.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The connections a node has handed out and not yet seen closed, so that they can be aborted when the node stops
 * answering. On the connection path: a slot array sized to the node's pool, claimed and freed with one CAS each,
 * no allocation and no lock (a concurrent set cost an allocation and ~30 ns per connection). Written by hand: no
 * library offers a bounded, allocation-free registry of this kind.
 */
final class HandedOut {

    /** The slot of a connection that could not be tracked (more in use than the capacity). */
    static final int UNTRACKED = -1;

    private final AtomicReferenceArray<RoutedConnection> slots;

    /** @param capacity at least the pool's maximum size: the pool never hands out more */
    HandedOut(int capacity) {
        slots = new AtomicReferenceArray<>(Math.max(1, capacity));
    }

    /** Takes a free slot for {@code connection}; {@link #UNTRACKED} when none is free. */
    int add(RoutedConnection connection) {
        int n = slots.length();
        // A random start spreads concurrent callers over the slots; the walk wraps without a division per step.
        int slot = ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            if (slots.get(slot) == null && slots.compareAndSet(slot, null, connection)) {
                return slot;
            }
            if (++slot == n) {
                slot = 0;
            }
        }
        return UNTRACKED;
    }

    /** Frees the slot; true the first time only, so that a close racing an abort counts once. */
    boolean remove(int slot, RoutedConnection connection) {
        return slot != UNTRACKED && slots.compareAndSet(slot, connection, null);
    }

    /** The connections handed out now. */
    List<RoutedConnection> current() {
        List<RoutedConnection> all = new ArrayList<>();
        for (int i = 0; i < slots.length(); i++) {
            RoutedConnection c = slots.get(i);
            if (c != null) {
                all.add(c);
            }
        }
        return all;
    }
}
