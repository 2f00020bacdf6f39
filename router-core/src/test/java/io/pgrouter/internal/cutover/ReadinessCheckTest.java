package io.pgrouter.internal.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.cutover.ReadinessReport;
import io.pgrouter.cutover.ReadinessReport.Light;
import io.pgrouter.cutover.ReadinessReport.RowCount;
import io.pgrouter.cutover.ReadinessReport.SyncState;
import io.pgrouter.cutover.ReadinessReport.Table;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The judgement and the light's state machine, on readings made up here and a clock moved by hand. */
class ReadinessCheckTest {

    private static final ReadinessSettings SETTINGS = new ReadinessSettings(
            null, 1000, Duration.ofSeconds(2), Duration.ofSeconds(10), 1000, 3, Duration.ofSeconds(5));
    private static final RowCount TEN = new RowCount(10, RowCount.Kind.EXACT);

    private final ReadinessCheck check = new ReadinessCheck(null, SETTINGS, Clock.systemUTC());
    private Instant now = Instant.parse("2025-01-01T00:00:00Z");
    private long source = 10_000;
    private long confirmed = 10_000;

    @Test
    void greenOnlyAfterEveryConditionHeldForTheStablePeriod() {
        ReadinessReport first = next(ready());
        assertThat(first.light()).isEqualTo(Light.YELLOW);
        assertThat(first.reasons()).containsExactly("ready for 0 ms of the 10000 ms it must hold before GREEN");

        tick(Duration.ofSeconds(9));
        assertThat(next(ready()).light()).isEqualTo(Light.YELLOW);
        tick(Duration.ofSeconds(1));
        ReadinessReport green = next(ready());
        assertThat(green.light()).isEqualTo(Light.GREEN);
        assertThat(green.reasons()).isEmpty();
        assertThat(green.readyFor()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void oneFailingCheckStartsTheStablePeriodAgain() {
        next(ready());
        tick(Duration.ofSeconds(8));
        next(ready());
        tick(Duration.ofSeconds(1));
        assertThat(next(readings(true, true, table(SyncState.DATA_COPY))).light())
                .isEqualTo(Light.RED);
        tick(Duration.ofSeconds(1));
        ReadinessReport again = next(ready());
        assertThat(again.light()).isEqualTo(Light.YELLOW);
        assertThat(again.readyFor()).isZero();
        tick(Duration.ofSeconds(10));
        assertThat(next(ready()).light()).isEqualTo(Light.GREEN);
    }

    @Test
    void redWhileATableIsStillCopyingNamingTheTableAndItsState() {
        ReadinessReport report = next(readings(
                true,
                true,
                table(SyncState.READY),
                new Table("public", "items", SyncState.DATA_COPY, TEN, RowCount.UNKNOWN)));
        assertThat(report.light()).isEqualTo(Light.RED);
        assertThat(report.reasons()).containsExactly("table public.items is not ready: data_copy (d)");
        tick(Duration.ofMinutes(5));
        assertThat(next(readings(true, true, table(SyncState.SYNC_DONE))).light())
                .isEqualTo(Light.RED);
    }

    @Test
    void redWhileDisabledOrWithoutAnApplyWorker() {
        assertThat(next(readings(false, false, table(SyncState.READY))).reasons())
                .containsExactly("subscription sub is disabled");
        assertThat(next(readings(true, false, table(SyncState.READY))).reasons())
                .containsExactly("subscription sub has no apply worker running on the target");
    }

    @Test
    void redWhileTheLagInBytesIsOverTheThreshold() {
        source = 20_000;
        confirmed = 18_000;
        ReadinessReport report = next(ready());
        assertThat(report.lagBytes()).isEqualTo(2000);
        assertThat(report.reasons()).contains("lag of 2000 bytes is over the maximum of 1000 bytes");
        assertThat(report.light()).isEqualTo(Light.RED);
    }

    @Test
    void redWhileTheOldestUnconfirmedChangeIsOlderThanTheThreshold() {
        next(ready()); // source at 10000, all confirmed
        tick(Duration.ofSeconds(1));
        source = 10_500; // 500 bytes written by now; the subscriber stays at 10000
        next(ready());
        tick(Duration.ofSeconds(3));
        ReadinessReport report = next(ready());
        assertThat(report.lagTime()).isEqualTo(Duration.ofSeconds(4));
        assertThat(report.reasons()).contains("lag of 4000 ms is over the maximum of 2000 ms");
        confirmed = 10_500;
        assertThat(next(ready()).lagTime()).isZero();
    }

    @Test
    void stalledAfterThreeChecksWithoutProgressWhileTheSourceMoves() {
        next(ready());
        for (int i = 1; i <= 2; i++) {
            source += 100;
            assertThat(next(ready()).stalled()).isFalse();
        }
        source += 100;
        ReadinessReport report = next(ready());
        assertThat(report.stalled()).isTrue();
        assertThat(report.reasons())
                .anyMatch(r -> r.startsWith(
                        "stalled: the subscriber has confirmed nothing past 0/2710 over the last 3 checks"));
        confirmed = source;
        assertThat(next(ready()).stalled()).isFalse();
    }

    @Test
    void anIdleSourceIsNotStalled() {
        for (int i = 0; i < 10; i++) {
            tick(Duration.ofSeconds(5));
            assertThat(next(ready()).stalled()).isFalse();
        }
    }

    @Test
    void problemsReadingASideAndAMissingSlotAreReasons() {
        Readings unreadable = new Readings(
                List.of("cannot connect to the target: refused"),
                null,
                false,
                false,
                null,
                false,
                source,
                -1,
                List.of());
        assertThat(next(unreadable).reasons()).containsExactly("cannot connect to the target: refused");
        Readings noSlot =
                new Readings(List.of(), "sub", true, true, "sub", false, source, -1, List.of(table(SyncState.READY)));
        ReadinessReport report = next(noSlot);
        assertThat(report.reasons()).contains("replication slot sub of subscription sub does not exist on the source");
        assertThat(report.lagBytes()).isEqualTo(-1);
    }

    @Test
    void aPublishedTableMissingFromTheSubscriptionIsAReason() {
        ReadinessReport report = next(readings(
                true,
                true,
                table(SyncState.READY),
                new Table("public", "late", SyncState.NOT_SUBSCRIBED, TEN, RowCount.UNKNOWN)));
        assertThat(report.reasons())
                .containsExactly(
                        "table public.late is published but not subscribed (ALTER SUBSCRIPTION sub REFRESH PUBLICATION)");
    }

    private Readings ready() {
        return readings(true, true, table(SyncState.READY));
    }

    private Readings readings(boolean enabled, boolean worker, Table... tables) {
        return new Readings(List.of(), "sub", enabled, worker, "sub", true, source, confirmed, List.of(tables));
    }

    private static Table table(SyncState state) {
        return new Table("public", "orders", state, TEN, TEN);
    }

    private ReadinessReport next(Readings readings) {
        return check.judge(readings, now);
    }

    private void tick(Duration d) {
        now = now.plus(d);
    }
}
