package io.pgrouter.internal.switchover;

import io.pgrouter.HealthState;
import io.pgrouter.NodeRole;
import io.pgrouter.SwitchoverOptions;
import io.pgrouter.SwitchoverReport.Check;
import io.pgrouter.internal.NodeState;
import io.pgrouter.internal.TopologySnapshot;
import io.pgrouter.internal.health.SwitchoverSignal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks before a switchover: on the router's own view (the target is a healthy replica, no switchover runs)
 * and on the servers (the primary is writable and not fenced, the target streams on its timeline and is close
 * behind, the user may do each step). Each check is named in the report, passed or not; nothing is changed.
 */
final class Prechecks {

    static final String PRIMARY_QUERY = """
            SELECT pg_is_in_recovery(),
                   CASE WHEN NOT pg_is_in_recovery() THEN pg_current_wal_lsn()::text END,
                   CASE WHEN NOT pg_is_in_recovery()
                        THEN %s END,
                   (SELECT reset_val FROM pg_settings WHERE name = 'default_transaction_read_only'),
                   coalesce(current_setting('pgrouter.switchover', true), ''),
                   (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
                   has_parameter_privilege('default_transaction_read_only', 'ALTER SYSTEM'),
                   has_function_privilege('pg_reload_conf()', 'EXECUTE'),
                   pg_has_role('pg_signal_backend', 'MEMBER'),
                   (extract(epoch FROM clock_timestamp()) * 1000)::bigint
            """.formatted(SwitchoverSignal.PRIMARY_TIMELINE_SQL);

    static final String TARGET_QUERY = """
            SELECT pg_is_in_recovery(),
                   pg_last_wal_replay_lsn()::text,
                   (SELECT status FROM pg_stat_wal_receiver),
                   (SELECT received_tli FROM pg_stat_wal_receiver),
                   CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() END,
                   has_function_privilege('pg_promote(boolean,integer)', 'EXECUTE')
            """;

    private final List<Check> checks = new ArrayList<>();
    private long primaryLsn = -1;
    private long targetReplay = -1;

    /** Every check that passed or failed so far. */
    List<Check> checks() {
        return List.copyOf(checks);
    }

    /** Whether every check passed. */
    boolean passed() {
        return checks.stream().allMatch(Check::passed);
    }

    /** The names and findings of the checks that failed, for the report's reason. */
    String failures() {
        return String.join(
                "; ",
                checks.stream()
                        .filter(c -> !c.passed())
                        .map(c -> c.name() + ": " + c.detail())
                        .toList());
    }

    /** The target's lag behind the primary in bytes as checked, -1 unknown. */
    long lagBytes() {
        return primaryLsn < 0 || targetReplay < 0 ? -1 : Math.max(0, primaryLsn - targetReplay);
    }

    void check(String name, boolean passed, String detail) {
        checks.add(new Check(name, passed, detail));
    }

    /** The checks on the router's own view of the nodes. */
    void onTopology(TopologySnapshot snapshot, NodeState target, boolean gateOpen) {
        check(
                "no-switchover-here",
                gateOpen,
                gateOpen ? "this router's write gate is open" : "this router's write gate is closed");
        String down = snapshot.primary().downReason();
        check(
                "primary-up",
                down == null,
                down == null ? "'" + snapshot.primary().name() + "' answers" : down);
        boolean replica = target.role() == NodeRole.REPLICA;
        check(
                "target-is-replica",
                replica,
                replica ? "'" + target.name() + "' is a replica" : "'" + target.name() + "' is the primary");
        boolean healthy = target.health().state() == HealthState.HEALTHY
                && target.health().inRotation();
        check(
                "target-healthy",
                healthy,
                healthy
                        ? "in rotation"
                        : target.health().state().name().toLowerCase(java.util.Locale.ROOT) + ": "
                                + target.health().reason());
    }

    /** The checks on the primary's server; returns its timeline, 0 unknown. */
    long onPrimary(NodeSession primary, boolean externalPromoter) throws SQLException {
        String[] r = primary.queryRow(PRIMARY_QUERY);
        boolean writable = "f".equals(r[0]);
        check("primary-writable", writable, writable ? "not in recovery" : "'" + primary.node() + "' is in recovery");
        primaryLsn = NodeSession.lsn(r[1]);
        boolean unfenced = "off".equals(r[3]);
        check("primary-not-fenced", unfenced, "default_transaction_read_only is " + r[3] + " in its configuration");
        // An announcement past its deadline holds no router (a move whose old primary could not be reached to
        // withdraw it, a switchover whose process died): this switchover's own announcement replaces it.
        SwitchoverSignal other = SwitchoverSignal.parse(r[4], Long.parseLong(r[9]));
        long timeline = r[2] == null ? 0 : Long.parseLong(r[2]);
        boolean active = other != null && other.remainingMillis() > 0 && other.heldOn(timeline);
        check(
                "no-switchover-signalled",
                !active,
                other == null
                        ? "no announcement on the primary"
                        : "switchover " + other.id() + " to '" + other.target() + "' is announced on the primary ("
                                + SwitchoverSignal.SETTING + ")"
                                + (active
                                        ? ""
                                        : other.remainingMillis() > 0
                                                ? ", made on timeline " + other.timeline()
                                                        + " before the primary moved:"
                                                        + " it holds no router, and this switchover's replaces it"
                                                : ", expired: it holds no router, and this switchover's replaces it"));
        boolean superuser = "t".equals(r[5]);
        boolean settings = superuser || ("t".equals(r[6]) && "t".equals(r[7]));
        check(
                "privilege-fence",
                settings,
                superuser
                        ? "superuser"
                        : settings
                                ? "ALTER SYSTEM on default_transaction_read_only, EXECUTE on pg_reload_conf()"
                                : "needs ALTER SYSTEM on default_transaction_read_only and pgrouter.switchover, and EXECUTE on pg_reload_conf()");
        boolean signal = superuser || "t".equals(r[8]);
        check(
                "privilege-terminate",
                signal,
                signal
                        ? (superuser ? "superuser" : "member of pg_signal_backend")
                        : "needs pg_signal_backend to end the sessions left on the fenced primary");
        return r[2] == null ? 0 : Long.parseLong(r[2]);
    }

    /** The checks on the target's server. */
    void onTarget(NodeSession target, long primaryTimeline, SwitchoverOptions options) throws SQLException {
        String[] r = target.queryRow(TARGET_QUERY);
        boolean standby = "t".equals(r[0]);
        check("target-in-recovery", standby, standby ? "a standby" : "'" + target.node() + "' is not in recovery");
        targetReplay = NodeSession.lsn(r[1]);
        boolean streaming = "streaming".equals(r[2]);
        check("target-streaming", streaming, "WAL receiver " + (r[2] == null ? "not running" : r[2]));
        long timeline = r[3] == null ? 0 : Long.parseLong(r[3]);
        boolean sameTimeline = timeline != 0 && timeline == primaryTimeline;
        check(
                "target-timeline",
                sameTimeline,
                "receives timeline " + timeline + ", the primary writes " + primaryTimeline);
        boolean replaying = "not paused".equals(r[4]);
        check("target-replaying", replaying, "replay " + (r[4] == null ? "unknown" : r[4]));
        long lag = lagBytes();
        boolean close = lag >= 0 && lag <= options.maxLagBytes();
        check(
                "target-lag",
                close,
                (lag < 0 ? "lag unknown" : "lag " + lag + " bytes") + (close ? " <= " : " > ") + "max-lag-bytes "
                        + options.maxLagBytes());
        if (!options.externalPromoter()) {
            boolean promote = "t".equals(r[5]);
            check(
                    "privilege-promote",
                    promote,
                    promote ? "may run pg_promote" : "needs EXECUTE on pg_promote(boolean, integer)");
        }
    }
}
