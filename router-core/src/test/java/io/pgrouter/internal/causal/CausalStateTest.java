package io.pgrouter.internal.causal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CausalStateTest {

    private static final long SYSTEM = 7714014788892805218L;

    private static CausalState at(long system, long timeline, long lsn) {
        return new CausalState(new WalPosition(system, timeline, lsn), 0, false);
    }

    @Test
    void onOneTimelineTheHigherPositionWins() {
        assertThat(at(SYSTEM, 1, 100).merge(at(SYSTEM, 1, 200))).isEqualTo(at(SYSTEM, 1, 200));
        assertThat(at(SYSTEM, 1, 200).merge(at(SYSTEM, 1, 100))).isEqualTo(at(SYSTEM, 1, 200));
    }

    @Test
    void positionsCompareAsUnsignedNumbers() {
        assertThat(at(SYSTEM, 1, Long.MAX_VALUE).merge(at(SYSTEM, 1, Long.MIN_VALUE)))
                .isEqualTo(at(SYSTEM, 1, Long.MIN_VALUE));
    }

    @Test
    void aNewerTimelineWinsWhateverItsPosition() {
        assertThat(at(SYSTEM, 1, 900).merge(at(SYSTEM, 2, 100))).isEqualTo(at(SYSTEM, 2, 100));
        assertThat(at(SYSTEM, 2, 100).merge(at(SYSTEM, 1, 900))).isEqualTo(at(SYSTEM, 2, 100));
    }

    @Test
    void aPositionOfAnotherClusterReplacesRatherThanCompares() {
        assertThat(at(SYSTEM, 5, 900).merge(at(42, 1, 1))).isEqualTo(at(42, 1, 1));
    }

    @Test
    void anUnknownIdentifierMatchesAny() {
        assertThat(at(0, 1, 100).merge(at(SYSTEM, 1, 200))).isEqualTo(at(SYSTEM, 1, 200));
        assertThat(at(SYSTEM, 1, 200).merge(at(0, 1, 100))).isEqualTo(at(SYSTEM, 1, 200));
    }

    @Test
    void thePendingCommitKeptIsTheLatest() {
        CausalState s = CausalState.EMPTY.pendingAt(100).pendingAt(50);

        assertThat(s.pendingSinceNanos()).isEqualTo(100);
        assertThat(s.resolve(new WalPosition(SYSTEM, 1, 500), 90))
                .as("a probe sent before the commit")
                .isEqualTo(s);
        assertThat(s.resolve(new WalPosition(SYSTEM, 1, 500), 101)).isEqualTo(at(SYSTEM, 1, 500));
    }

    @Test
    void aReplicaReachesAPositionOnlyOnItsTimeline() {
        WalPosition p = new WalPosition(SYSTEM, 2, 1000);

        assertThat(p.reachedBy(2, 1000)).isTrue();
        assertThat(p.reachedBy(2, 999)).isFalse();
        assertThat(p.reachedBy(3, 5000))
                .as("a newer timeline may have forked before the position")
                .isFalse();
        assertThat(p.reachedBy(1, 5000)).isFalse();
        assertThat(p.reachedBy(2, -1)).as("unknown").isFalse();
    }

    @Test
    void sessionsMergeConcurrentlyWithoutLosingTheNewest() throws InterruptedException {
        SessionCell cell = new SessionCell(CausalState.EMPTY);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int offset = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    cell.merge(new WalPosition(SYSTEM, 1, i * 4L + offset));
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(cell.state().position()).isEqualTo(new WalPosition(SYSTEM, 1, 9_999 * 4L + 3));
    }
}
