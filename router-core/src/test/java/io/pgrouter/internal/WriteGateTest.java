package io.pgrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WriteGateTest {

    private final WriteGate gate = new WriteGate();

    private static long in(Duration d) {
        return System.nanoTime() + d.toNanos();
    }

    @Test
    void anOpenGateLetsWritesThroughAtOnce() throws Exception {
        gate.awaitOpen();
        assertThat(gate.isOpen()).isTrue();
    }

    @Test
    void aHeldWriteGoesAheadWhenTheGateOpensAndCountsAsWaited() throws Exception {
        WriteGate.Closure closure = gate.close("s1", "replica-1", in(Duration.ofMinutes(1)));
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
            try {
                gate.awaitOpen();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> closure.stats().waited() == 1);
        assertThat(write).isNotDone();
        gate.open(closure);
        write.get(30, TimeUnit.SECONDS);
        assertThat(gate.isOpen()).isTrue();
        assertThat(closure.stats().waited()).isEqualTo(1);
        assertThat(closure.stats().failed()).isZero();
    }

    @Test
    void aWriteHeldPastTheDeadlineFailsNamingTheSwitchoverAndItsStep() {
        WriteGate.Closure closure = gate.close("s2", "replica-1", in(Duration.ofMillis(50)));
        closure.step("CATCH_UP");
        assertThatThrownBy(gate::awaitOpen)
                .isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageContaining("switchover s2 to 'replica-1'")
                .hasMessageContaining("CATCH_UP");
        assertThat(closure.stats().failed()).isEqualTo(1);
        assertThat(closure.stats().waited()).isZero();
    }

    @Test
    void aSignalClosesTheGateAndItsEndOpensIt() {
        assertThat(gate.follow("s3", "replica-2", in(Duration.ofMinutes(1)), true, System.nanoTime()))
                .isTrue();
        assertThat(gate.isOpen()).isFalse();
        assertThat(gate.closure().origin()).isEqualTo(WriteGate.Origin.SIGNAL);
        assertThat(gate.follow("s3", "replica-2", in(Duration.ofMinutes(1)), true, System.nanoTime()))
                .isFalse();
        gate.follow(null, null, 0, true, System.nanoTime());
        assertThat(gate.isOpen()).isTrue();
    }

    @Test
    void noSignalFromAPrimaryThatDidNotAnswerKeepsWritesHeldUntilOneAnswersOrTheDeadline() {
        gate.follow("s6", "replica-2", in(Duration.ofMinutes(1)), true, System.nanoTime());
        gate.follow(null, null, 0, false, System.nanoTime());
        assertThat(gate.isOpen())
                .as("old primary stopped, new one not seen yet")
                .isFalse();
        gate.follow(null, null, 0, true, System.nanoTime());
        assertThat(gate.isOpen()).as("a primary answered without the signal").isTrue();

        gate.follow("s7", "replica-2", in(Duration.ofMillis(1)), true, System.nanoTime());
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            gate.follow(null, null, 0, false, System.nanoTime());
            return gate.isOpen();
        });
    }

    @Test
    void aProbeSentBeforeAHoldWasHeardDoesNotEndIt() {
        long probeSent = System.nanoTime();
        gate.follow("s8", "replica-2", in(Duration.ofMinutes(1)), true, System.nanoTime());
        gate.follow(null, null, 0, true, probeSent);
        assertThat(gate.isOpen()).isFalse();
        gate.follow(null, null, 0, true, System.nanoTime());
        assertThat(gate.isOpen()).isTrue();
    }

    @Test
    void aHoldHeardAsANoticeEndsOnlyOnceAProbeSawTheSignalOrTheOverNoticeCame() {
        assertThat(gate.holdNotified("s9", "replica-2", in(Duration.ofMinutes(1))))
                .isTrue();
        gate.follow(null, null, 0, true, System.nanoTime());
        assertThat(gate.isOpen()).as("a probe that read no announcement yet").isFalse();
        gate.overHeard("s9");
        gate.follow(null, null, 0, true, System.nanoTime());
        assertThat(gate.isOpen()).isTrue();

        gate.holdNotified("s10", "replica-2", in(Duration.ofMinutes(1)));
        gate.follow("s10", "replica-2", in(Duration.ofMinutes(1)), true, System.nanoTime());
        gate.follow(null, null, 0, true, System.nanoTime());
        assertThat(gate.isOpen())
                .as("a probe saw the signal, a later one its end")
                .isTrue();
    }

    @Test
    void aSignalWhoseDeadlinePassedDoesNotHoldWrites() {
        assertThat(gate.follow("s4", "replica-2", System.nanoTime() - 1, true, System.nanoTime()))
                .isFalse();
        assertThat(gate.isOpen()).isTrue();
    }

    @Test
    void theSignalOfTheSwitchoverRunHereNeverOpensItsGate() {
        WriteGate.Closure closure = gate.close("s5", "replica-1", in(Duration.ofMinutes(1)));
        gate.follow(null, null, 0, true, System.nanoTime());
        assertThat(gate.isOpen()).isFalse();
        gate.open(closure);
        assertThat(gate.isOpen()).isTrue();
    }

    @Test
    void theAnnouncementOfTheSwitchoverRunHereHoldsNothingOnceItsGateOpened() {
        WriteGate.Closure closure = gate.close("s11", "cutover-done", in(Duration.ofMinutes(1)));
        gate.open(closure);

        assertThat(gate.follow("s11", "cutover-done", in(Duration.ofMinutes(1)), true, System.nanoTime()))
                .as("read back by a probe")
                .isFalse();
        assertThat(gate.holdNotified("s11", "cutover-done", in(Duration.ofMinutes(1))))
                .as("heard as a notice")
                .isFalse();
        assertThat(gate.isOpen()).isTrue();
        assertThat(gate.follow("s12", "replica-2", in(Duration.ofMinutes(1)), true, System.nanoTime()))
                .as("another router's switchover still holds writes")
                .isTrue();
    }

    @Test
    void aRetiredGateLetsHeldWritesGoAndNoSignalClosesItAgain() throws Exception {
        gate.follow("s13", "cutover-done", in(Duration.ofMinutes(1)), true, System.nanoTime());
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
            try {
                gate.awaitOpen();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30))
                .until(() -> gate.closure().stats().waited() == 1);

        gate.retire();

        write.get(30, TimeUnit.SECONDS);
        assertThat(gate.isOpen()).isTrue();
        assertThat(gate.follow("s13", "cutover-done", in(Duration.ofMinutes(1)), true, System.nanoTime()))
                .isFalse();
        assertThat(gate.holdNotified("s14", "replica-2", in(Duration.ofMinutes(1))))
                .isFalse();
        assertThat(gate.isOpen()).isTrue();
    }

    @Test
    void retiringKeepsTheClosureOfTheSwitchoverRunHereUntilItOpensIt() {
        WriteGate.Closure closure = gate.close("s15", "cutover-done", in(Duration.ofMinutes(1)));
        gate.retire();
        assertThat(gate.isOpen()).isFalse();
        gate.open(closure);
        assertThat(gate.isOpen()).isTrue();
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertThat(WriteGate.PauseStats.percentile(sorted, 0.5)).isEqualTo(5);
        assertThat(WriteGate.PauseStats.percentile(sorted, 0.99)).isEqualTo(10);
        assertThat(WriteGate.PauseStats.percentile(new long[0], 0.99)).isZero();
    }
}
