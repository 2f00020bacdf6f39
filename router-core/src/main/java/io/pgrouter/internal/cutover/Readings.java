package io.pgrouter.internal.cutover;

import io.pgrouter.cutover.ReadinessReport.Table;
import java.util.List;

/**
 * The facts one check read from both sides, before any judgement.
 *
 * @param problems what could not be read, one sentence each (a side unreachable, no such subscription)
 * @param subscription the subscription's name, or {@code null} when it was not found
 * @param enabled whether it is enabled
 * @param applyWorkerRunning whether its apply worker runs
 * @param slot its replication slot's name, or {@code null} when it has none
 * @param slotFound whether that slot exists on the source
 * @param sourcePosition the source's current WAL position, -1 when unknown
 * @param confirmedPosition the slot's {@code confirmed_flush_lsn}, -1 when unknown
 * @param tables the tables of the subscription, and published ones missing from it
 */
record Readings(
        List<String> problems,
        String subscription,
        boolean enabled,
        boolean applyWorkerRunning,
        String slot,
        boolean slotFound,
        long sourcePosition,
        long confirmedPosition,
        List<Table> tables) {}
