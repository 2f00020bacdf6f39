package io.pgrouter.testkit;

import io.pgrouter.testkit.internal.Await;
import io.pgrouter.testkit.internal.Commands;
import io.pgrouter.testkit.internal.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logical replication from the primary of one {@link ReplicaSet} (the source, started with
 * {@link PostgresReplicaSet#logicalReplication(boolean) logicalReplication(true)}) to the primary of another (the
 * target), usually of another major version: the set-up of an upgrade by logical replication, with the faults a
 * test of it needs.
 *
 * <pre>{@code
 * try (ReplicaSet pg15 = PostgresReplicaSet.builder().version("15").replicas(0).logicalReplication(true).start();
 *      ReplicaSet pg18 = PostgresReplicaSet.builder().version("18").replicas(0).start();
 *      LogicalReplication replication = LogicalReplication.from(pg15).to(pg18).schema(ddl).start()) {
 *     ... // every table of the publication is copied and streams
 * }
 * }</pre>
 *
 * <p>{@link Builder#create()} runs the DDL script on both primaries, creates a publication on the source
 * ({@code FOR ALL TABLES} or for the tables named) and a subscription of the same name on the target, connected
 * to the source with the kit's superuser, with the initial copy of the data. {@link Builder#start()} then waits
 * until every table is {@code ready} in {@code pg_subscription_rel}. Closing drops the subscription, its
 * replication slots and the publication; the tables stay.
 *
 * <p>Both sets must run on this host (embedded or local binaries): the target connects to the source's
 * loopback address.
 */
public final class LogicalReplication implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LogicalReplication.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(30);

    private final ReplicaSet source;
    private final ReplicaSet target;
    private final String name;
    private final List<TableLock> locks = new ArrayList<>();
    private long frozenWorkerPid = -1;

    private LogicalReplication(ReplicaSet source, ReplicaSet target, String name) {
        this.source = source;
        this.target = target;
        this.name = name;
    }

    /** A builder for replication from the primary of {@code source}. */
    public static Builder from(ReplicaSet source) {
        return new Builder(Objects.requireNonNull(source, "source"));
    }

    /** The name of the publication, of the subscription and of its replication slot on the source. */
    public String name() {
        return name;
    }

    /** The source cluster. */
    public ReplicaSet source() {
        return source;
    }

    /** The target cluster. */
    public ReplicaSet target() {
        return target;
    }

    /**
     * Waits until every table of the subscription is {@code ready} ({@code r}) in {@code pg_subscription_rel}:
     * its initial copy is done and its changes stream through the subscription's apply worker.
     *
     * @throws IllegalStateException after {@code timeout}, with the state of every table
     */
    public void awaitReady(Duration timeout) {
        Await.until(
                timeout,
                "every table of subscription " + name + " on " + where(target) + " to be ready",
                () -> "0".equals(Sql.queryString(targetDb(), """
                        SELECT count(*) FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid
                         WHERE s.subname = ? AND r.srsubstate <> 'r'""", name)),
                () -> "table states " + tableStates());
    }

    /**
     * The synchronization state of each table of the subscription, from {@code pg_subscription_rel} on the target:
     * {@code "public.orders=r, public.items=d"} ({@code i} init, {@code d} copying, {@code f} copied,
     * {@code s} synchronized, {@code r} ready).
     */
    public String tableStates() {
        String states = Sql.queryString(targetDb(), """
                SELECT string_agg(r.srrelid::regclass::text || '=' || r.srsubstate::text, ', ' ORDER BY r.srrelid::regclass::text)
                  FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = ?""", name);
        return states == null ? "(no tables)" : states;
    }

    /**
     * Waits until the subscriber has confirmed the source's WAL position as it is when this method is called
     * ({@code confirmed_flush_lsn} of the subscription's slot): every change committed on the source before the
     * call is on the target.
     *
     * @throws IllegalStateException after {@code timeout}, with both positions
     */
    public void awaitCaughtUp(Duration timeout) {
        String position = Sql.queryString(sourceDb(), "SELECT pg_current_wal_lsn()::text");
        String confirmed = "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?";
        Await.until(
                timeout,
                "subscription " + name + " to confirm source position " + position,
                () -> "t"
                        .equals(Sql.queryString(
                                sourceDb(),
                                "SELECT coalesce(confirmed_flush_lsn >= ?::pg_lsn, false) FROM pg_replication_slots WHERE slot_name = ?",
                                position,
                                name)),
                () -> "confirmed " + Sql.queryString(sourceDb(), confirmed, name) + ", tables " + tableStates());
    }

    /** The pid of the subscription's apply worker on the target, or -1 when none runs. */
    public long applyWorkerPid() {
        // Since PostgreSQL 16 parallel apply workers also have no relid; they name their leader.
        String leaderOnly = target.majorVersion() >= 16 ? " AND leader_pid IS NULL" : "";
        String pid = Sql.queryString(
                targetDb(),
                "SELECT pid FROM pg_stat_subscription WHERE subname = ? AND relid IS NULL" + " AND pid IS NOT NULL"
                        + leaderOnly,
                name);
        return pid == null ? -1 : Long.parseLong(pid);
    }

    /** {@code ALTER SUBSCRIPTION ... DISABLE}; returns once the apply worker has exited. */
    public void disable() {
        Sql.execute(targetDb(), "ALTER SUBSCRIPTION " + name + " DISABLE");
        Await.until(
                CONTROL_TIMEOUT,
                "the apply worker of " + name + " to exit",
                () -> applyWorkerPid() < 0,
                () -> "pid " + applyWorkerPid());
    }

    /** {@code ALTER SUBSCRIPTION ... ENABLE}; returns once an apply worker runs. */
    public void enable() {
        Sql.execute(targetDb(), "ALTER SUBSCRIPTION " + name + " ENABLE");
        awaitApplyWorker(CONTROL_TIMEOUT);
    }

    /** Waits until the subscription has an apply worker and returns its pid. */
    public long awaitApplyWorker(Duration timeout) {
        Await.until(
                timeout,
                "an apply worker of " + name + " on " + where(target),
                () -> applyWorkerPid() > 0,
                () -> "table states " + tableStates());
        return applyWorkerPid();
    }

    /**
     * Terminates the apply worker ({@code pg_terminate_backend}) and returns its pid once it has exited. The
     * subscription stays enabled, so the logical replication launcher starts a new worker after
     * {@code wal_retrieve_retry_interval} (200 ms in the kit): a short interruption, as after a crash of the worker.
     *
     * @throws IllegalStateException when no apply worker runs
     */
    public long terminateApplyWorker() {
        long pid = requireApplyWorker("terminate");
        Sql.execute(targetDb(), "SELECT pg_terminate_backend(" + pid + ", " + CONTROL_TIMEOUT.toMillis() + ")");
        return pid;
    }

    /**
     * Stops the apply worker with SIGSTOP: it stays in {@code pg_stat_subscription} and the subscription stays
     * enabled, but nothing is applied or confirmed any more while the source goes on: a hung subscriber.
     * Only for servers that run on this host (not containers). Undone by {@link #thawApplyWorker()} and by closing.
     */
    public void freezeApplyWorker() {
        if ("container".equals(target.provider())) {
            throw new UnsupportedOperationException(
                    "freezeApplyWorker signals a server process of this host; the target runs in a container");
        }
        long pid = requireApplyWorker("freeze");
        Commands.signal("STOP", List.of(pid));
        frozenWorkerPid = pid;
    }

    /** Lets an apply worker stopped by {@link #freezeApplyWorker()} go on. */
    public void thawApplyWorker() {
        if (frozenWorkerPid > 0) {
            Commands.signal("CONT", List.of(frozenWorkerPid));
            frozenWorkerPid = -1;
        }
    }

    /**
     * Holds an {@code ACCESS EXCLUSIVE} lock on a table of the target in an open transaction until the returned
     * lock is closed: the initial copy of that table, or the apply of a change to it, waits meanwhile (and so does
     * everything after it in the subscription). Take it before {@link #enable()} on a subscription created with
     * {@link Builder#enabled(boolean) enabled(false)} to keep a table in its copy.
     */
    public TableLock lockOnTarget(String table) {
        String checked = requireTable(table);
        try {
            Connection c = target.primary().dataSource().getConnection();
            try (Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("LOCK TABLE " + checked + " IN ACCESS EXCLUSIVE MODE");
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            TableLock lock = new TableLock(c, checked);
            locks.add(lock);
            return lock;
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot lock " + checked + " on " + where(target) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Drops the subscription's replication slot on the source under the running subscription (its WAL sender is
     * terminated first): the subscriber can no longer stream, and the changes the slot kept are gone.
     */
    public void dropSlot() {
        dropSlotOnSource(name);
    }

    /** Releases locks, thaws a frozen worker, drops the subscription, its slots and the publication; never throws. */
    @Override
    public void close() {
        locks.forEach(TableLock::close);
        locks.clear();
        thawApplyWorker();
        quietly("drop subscription " + name, () -> {
            if (Sql.queryString(targetDb(), "SELECT 1 FROM pg_subscription WHERE subname = ?", name) != null) {
                disable();
                // Without a slot name, DROP SUBSCRIPTION still drops the slots of unfinished table copies and does
                // not fail when the main slot is gone already (dropSlot()); the main slot is dropped below.
                Sql.execute(targetDb(), "ALTER SUBSCRIPTION " + name + " SET (slot_name = NONE)");
                Sql.execute(targetDb(), "DROP SUBSCRIPTION " + name);
            }
        });
        quietly("drop slot " + name, () -> {
            if (Sql.queryString(sourceDb(), "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", name) != null) {
                dropSlotOnSource(name);
            }
        });
        // After a cutover the source is fenced (default_transaction_read_only = on): this session lifts it for itself,
        // whether the driver runs the three statements as one transaction or as three.
        quietly(
                "drop publication " + name,
                () -> Sql.execute(
                        sourceDb(),
                        "SET default_transaction_read_only = off; SET transaction_read_only = off;"
                                + " DROP PUBLICATION IF EXISTS " + name));
    }

    private void dropSlotOnSource(String slot) {
        // The subscriber reconnects within wal_retrieve_retry_interval, so terminating and dropping may race.
        Await.until(
                CONTROL_TIMEOUT,
                "slot " + slot + " to be dropped on " + where(source),
                () -> {
                    Sql.execute(
                            sourceDb(),
                            "SELECT pg_terminate_backend(active_pid, 5000) FROM pg_replication_slots"
                                    + " WHERE slot_name = '" + slot + "' AND active_pid IS NOT NULL");
                    try {
                        Sql.execute(sourceDb(), "SELECT pg_drop_replication_slot('" + slot + "')");
                        return true;
                    } catch (IllegalStateException e) {
                        return Sql.queryString(
                                        sourceDb(), "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot)
                                == null;
                    }
                },
                () -> "slot still there");
    }

    private long requireApplyWorker(String action) {
        long pid = applyWorkerPid();
        if (pid < 0) {
            throw new IllegalStateException("Cannot " + action + " the apply worker of subscription " + name + " on "
                    + where(target) + ": none runs (disabled, or not started yet?)");
        }
        return pid;
    }

    private DataSource sourceDb() {
        return source.primary().dataSource();
    }

    private DataSource targetDb() {
        return target.primary().dataSource();
    }

    private static String where(ReplicaSet set) {
        return "PostgreSQL " + set.majorVersion() + " on port " + set.primary().port();
    }

    private static void quietly(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.warn("Could not {} while closing logical replication: {}", what, e.getMessage());
        }
    }

    private static String requireTable(String table) {
        Objects.requireNonNull(table, "table");
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException(
                    "table must be a plain or schema-qualified table name, was '" + table + "'");
        }
        return table;
    }

    /** An {@code ACCESS EXCLUSIVE} lock on a target table, held until closed. */
    public static final class TableLock implements AutoCloseable {

        private final Connection connection;
        private final String table;

        private TableLock(Connection connection, String table) {
            this.connection = connection;
            this.table = table;
        }

        /** The table locked. */
        public String table() {
            return table;
        }

        /** Ends the transaction, which releases the lock. */
        @Override
        public void close() {
            try {
                if (!connection.isClosed()) {
                    connection.rollback();
                    connection.close();
                }
            } catch (SQLException e) {
                log.warn("Could not release the lock on {}: {}", table, e.getMessage());
            }
        }
    }

    /** What to replicate and how. */
    public static final class Builder {

        private final ReplicaSet source;
        private ReplicaSet target;
        private String schema;
        private List<String> tables = List.of();
        private String name = "pgrouter_cutover";
        private boolean copyData = true;
        private boolean enabled = true;
        private Duration readyTimeout = Duration.ofMinutes(2);

        private Builder(ReplicaSet source) {
            this.source = source;
        }

        /** The cluster whose primary subscribes. */
        public Builder to(ReplicaSet target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /** A DDL script run on both primaries before the publication is made (the same schema on both sides). */
        public Builder schema(String ddl) {
            this.schema = Objects.requireNonNull(ddl, "schema");
            return this;
        }

        /** Publishes these tables only ({@code FOR TABLE ...}); default: {@code FOR ALL TABLES}. */
        public Builder tables(String... tables) {
            List<String> checked = new ArrayList<>();
            for (String table : tables) {
                checked.add(requireTable(table));
            }
            this.tables = List.copyOf(checked);
            return this;
        }

        /** Publication, subscription and slot name; default {@code pgrouter_cutover}. */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (!IDENTIFIER.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "name must be a lower-case SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters), was '"
                                + name + "'");
            }
            this.name = name;
            return this;
        }

        /** Whether the subscription first copies the tables' existing rows ({@code copy_data}); default {@code true}. */
        public Builder copyData(boolean copyData) {
            this.copyData = copyData;
            return this;
        }

        /**
         * Whether the subscription starts at once ({@code enabled}); default {@code true}. With {@code false} it is
         * created with its slot but nothing runs until {@link LogicalReplication#enable()}.
         */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /** How long {@link #start()} waits for every table to be ready; default 2 minutes. */
        public Builder readyTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("readyTimeout must be positive, was " + timeout);
            }
            this.readyTimeout = timeout;
            return this;
        }

        /**
         * Creates the schema on both sides, the publication and the subscription, and returns without waiting for
         * the initial copy.
         *
         * @throws IllegalStateException when the source does not write logical WAL, or a statement fails (the
         *     message names it); what was created is dropped again
         */
        public LogicalReplication create() {
            if (target == null) {
                throw new IllegalStateException("target is not set: call to(ReplicaSet)");
            }
            if (target == source) {
                throw new IllegalArgumentException("source and target must be different replica sets");
            }
            for (ReplicaSet set : List.of(source, target)) {
                if ("container".equals(set.provider())) {
                    throw new IllegalStateException(
                            "logical replication between kit clusters needs servers on this host; " + where(set)
                                    + " runs in a container");
                }
            }
            String walLevel = Sql.queryString(source.primary().dataSource(), "SHOW wal_level");
            if (!"logical".equals(walLevel)) {
                throw new IllegalStateException("the source (" + where(source) + ") runs with wal_level=" + walLevel
                        + "; start it with PostgresReplicaSet.builder().logicalReplication(true)");
            }
            LogicalReplication replication = new LogicalReplication(source, target, name);
            try {
                if (schema != null) {
                    Sql.execute(source.primary().dataSource(), schema);
                    Sql.execute(target.primary().dataSource(), schema);
                }
                Sql.execute(
                        source.primary().dataSource(),
                        "CREATE PUBLICATION " + name
                                + (tables.isEmpty() ? " FOR ALL TABLES" : " FOR TABLE " + String.join(", ", tables)));
                Sql.execute(
                        target.primary().dataSource(),
                        "CREATE SUBSCRIPTION " + name
                                + " CONNECTION '" + conninfo().replace("'", "''") + "' PUBLICATION " + name
                                + " WITH (copy_data = " + copyData + ", enabled = " + enabled + ")");
            } catch (RuntimeException e) {
                replication.close();
                throw e;
            }
            log.info("Logical replication {} from {} to {} created", name, where(source), where(target));
            return replication;
        }

        /** {@link #create()}, then waits until every table is ready (up to {@link #readyTimeout(Duration)}). */
        public LogicalReplication start() {
            if (!enabled) {
                throw new IllegalStateException(
                        "start() waits for the copy, which a disabled subscription never does; use create()");
            }
            LogicalReplication replication = create();
            try {
                replication.awaitReady(readyTimeout);
            } catch (RuntimeException e) {
                replication.close();
                throw e;
            }
            return replication;
        }

        private String conninfo() {
            PostgresNode primary = source.primary();
            // The password goes into pg_subscription.subconninfo, as a real set-up would have it (or a .pgpass).
            return "host=" + primary.host() + " port=" + primary.port() + " dbname=" + source.database()
                    + " user=" + source.user() + " password=" + quoteConninfo(source.password())
                    + " connect_timeout=5 application_name=" + name;
        }

        private static String quoteConninfo(String value) {
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
        }
    }
}
