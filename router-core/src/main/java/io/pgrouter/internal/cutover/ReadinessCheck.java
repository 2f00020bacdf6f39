package io.pgrouter.internal.cutover;

import io.pgrouter.cutover.ReadinessReport;
import io.pgrouter.cutover.ReadinessReport.SyncState;
import io.pgrouter.cutover.ReadinessReport.Table;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.replication.LogSequenceNumber;

/**
 * The readiness engine: reads both sides ({@link ReadinessProbe}), judges every condition of GREEN in one place
 * ({@link #failures}), and keeps what needs more than one check: the position-to-time samples for the lag in time,
 * the stall detector and the light's stable period. Not thread-safe; the public class serializes checks.
 */
public final class ReadinessCheck {

    // At one check a second, the last ten minutes of source positions.
    private static final int TIMELINE_SAMPLES = 600;

    private final ReadinessProbe probe;
    private final ReadinessSettings settings;
    private final Clock clock;
    private final WalTimeline timeline = new WalTimeline(TIMELINE_SAMPLES);
    private final StallDetector stalls;
    private final ReadinessLight light;

    public ReadinessCheck(Endpoint source, Endpoint target, ReadinessSettings settings, Clock clock) {
        this(new ReadinessProbe(source, target, settings), settings, clock);
    }

    ReadinessCheck(ReadinessProbe probe, ReadinessSettings settings, Clock clock) {
        this.probe = probe;
        this.settings = settings;
        this.clock = clock;
        this.stalls = new StallDetector(settings.stalledAfterChecks());
        this.light = new ReadinessLight(settings.stableFor());
    }

    /** One check: read, judge, report. */
    public ReadinessReport check() {
        Instant now = clock.instant();
        return judge(probe.read(), now);
    }

    /** The report for what was read at {@code now}; separate from reading so that the judgement is unit-tested. */
    ReadinessReport judge(Readings r, Instant now) {
        timeline.record(r.sourcePosition(), now);
        boolean stalled = stalls.observe(r.sourcePosition(), r.confirmedPosition());
        long lagBytes = r.sourcePosition() >= 0 && r.confirmedPosition() >= 0
                ? Math.max(0, r.sourcePosition() - r.confirmedPosition())
                : -1;
        Duration lagTime = timeline.behind(r.confirmedPosition(), now);
        ReadinessLight.State state = light.next(now, failures(r, lagBytes, lagTime, stalled));
        return new ReadinessReport(
                now,
                state.light(),
                state.reasons(),
                r.subscription(),
                r.enabled(),
                r.applyWorkerRunning(),
                text(r.sourcePosition()),
                text(r.confirmedPosition()),
                lagBytes,
                lagTime,
                stalled,
                state.readyFor(),
                r.tables());
    }

    /** Every condition of GREEN that fails, one sentence each. */
    private List<String> failures(Readings r, long lagBytes, Duration lagTime, boolean stalled) {
        List<String> failures = new ArrayList<>(r.problems());
        String sub = r.subscription();
        if (sub != null) {
            if (!r.enabled()) {
                failures.add("subscription " + sub + " is disabled");
            } else if (!r.applyWorkerRunning()) {
                failures.add("subscription " + sub + " has no apply worker running on the target");
            }
            if (r.slot() == null) {
                failures.add("subscription " + sub + " has no replication slot (slot_name = NONE)");
            } else if (r.sourcePosition() >= 0 && !r.slotFound()) {
                failures.add(
                        "replication slot " + r.slot() + " of subscription " + sub + " does not exist on the source");
            }
            if (r.tables().isEmpty()) {
                failures.add("subscription " + sub + " has no tables");
            }
        }
        for (Table t : r.tables()) {
            if (t.state() == SyncState.NOT_SUBSCRIBED) {
                failures.add("table " + t.qualifiedName() + " is published but not subscribed (ALTER SUBSCRIPTION "
                        + sub + " REFRESH PUBLICATION)");
            } else if (t.state() != SyncState.READY) {
                failures.add("table " + t.qualifiedName() + " is not ready: "
                        + t.state().name().toLowerCase(java.util.Locale.ROOT) + " ("
                        + t.state().code() + ")");
            }
        }
        if (lagBytes > settings.maxLagBytes()) {
            failures.add("lag of " + lagBytes + " bytes is over the maximum of " + settings.maxLagBytes() + " bytes");
        }
        if (lagTime != null && lagTime.compareTo(settings.maxLagTime()) > 0) {
            failures.add("lag of " + lagTime.toMillis() + " ms is over the maximum of "
                    + settings.maxLagTime().toMillis() + " ms");
        }
        if (sub != null && r.slotFound() && (lagBytes < 0 || lagTime == null)) {
            failures.add("lag unknown");
        }
        if (stalled) {
            failures.add("stalled: the subscriber has confirmed nothing past " + text(r.confirmedPosition())
                    + " over the last " + stalls.checksWithoutProgress() + " checks while the source moved on to "
                    + text(r.sourcePosition()));
        }
        return failures;
    }

    private static String text(long lsn) {
        return lsn < 0 ? null : LogSequenceNumber.valueOf(lsn).asString();
    }
}
