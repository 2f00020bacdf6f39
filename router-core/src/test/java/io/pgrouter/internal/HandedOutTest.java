package io.pgrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class HandedOutTest {

    @Test
    void slotsAreTakenAndFreedOnceAndAFullRegistrySaysUntracked() {
        HandedOut registry = new HandedOut(2);
        RoutedConnection a = mock(RoutedConnection.class);
        RoutedConnection b = mock(RoutedConnection.class);
        RoutedConnection c = mock(RoutedConnection.class);

        int slotA = registry.add(a);
        int slotB = registry.add(b);
        assertThat(slotA).isNotEqualTo(slotB).isBetween(0, 1);
        assertThat(registry.add(c)).isEqualTo(HandedOut.UNTRACKED);
        assertThat(registry.current()).containsExactlyInAnyOrder(a, b);

        assertThat(registry.remove(slotA, a)).isTrue();
        assertThat(registry.remove(slotA, a))
                .as("a second release of the same connection")
                .isFalse();
        assertThat(registry.remove(HandedOut.UNTRACKED, c)).isFalse();
        assertThat(registry.current()).containsExactly(b);
    }

    @Test
    void everySlotIsFoundWhateverTheRandomStart() {
        for (int round = 0; round < 50; round++) {
            HandedOut registry = new HandedOut(5);
            List<Integer> slots = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                slots.add(registry.add(mock(RoutedConnection.class)));
            }
            assertThat(slots).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
            assertThat(registry.add(mock(RoutedConnection.class))).isEqualTo(HandedOut.UNTRACKED);
        }
    }

    @Test
    void concurrentAddsNeverShareASlot() throws InterruptedException {
        int threads = 8;
        HandedOut registry = new HandedOut(threads * 50);
        ConcurrentLinkedQueue<Integer> slots = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 50; i++) {
                    slots.add(registry.add(mock(RoutedConnection.class)));
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertThat(slots).hasSize(threads * 50).doesNotHaveDuplicates().doesNotContain(HandedOut.UNTRACKED);
    }
}
