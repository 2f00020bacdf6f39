package io.pgrouter;

import java.util.concurrent.atomic.AtomicLong;

/** When a router first saw another node answer as the primary, in {@link System#nanoTime()}; 0 before. */
final class RoleChanges implements RouterListener {

    final AtomicLong seenAt = new AtomicLong();

    @Override
    public void onRoleChange(RoleChangeEvent event) {
        seenAt.compareAndSet(0, System.nanoTime());
    }
}
