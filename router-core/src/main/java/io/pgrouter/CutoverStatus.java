package io.pgrouter;

import io.pgrouter.cutover.ReadinessReport;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The cutover part of a {@link RouterStatus}, present when a cutover target is configured: what the last scheduled
 * readiness check found and how the last cutover this router ran ended. Read from memory only: the checks run on
 * their own thread every {@link #checkInterval()}. Built by the router only; later versions add components, so
 * construct it by name only in tests.
 *
 * @param target the target cluster's primary
 * @param targetNodes every node of the target, its primary first
 * @param pending whether the router still runs on the source ({@link RoutingDataSource#isCutoverPending()})
 * @param checkInterval how often the readiness is checked while the cutover is pending
 * @param readiness the last readiness check's report: light, reasons, per-table states and row counts, lag;
 *     {@code null} before the first check ends, and once the cutover is done
 * @param lastCutover the last cutover or dry run this router ran, {@code null} if none
 */
public record CutoverStatus(
        String target,
        List<String> targetNodes,
        boolean pending,
        Duration checkInterval,
        ReadinessReport readiness,
        CutoverReport lastCutover) {

    public CutoverStatus {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(checkInterval, "checkInterval");
        targetNodes = List.copyOf(targetNodes);
    }

    /** The light of the last readiness check, {@code null} before the first one. */
    public ReadinessReport.Light light() {
        return readiness == null ? null : readiness.light();
    }
}
