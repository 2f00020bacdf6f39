package io.pgrouter.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The settings a {@link RoutedConnection} receives, and their replay onto each physical connection it gets: the
 * first, and the next ones when it moves between transactions or runs a broken read again elsewhere. Before first
 * use, the getters answer from what was recorded or JDBC's defaults.
 *
 * <p>Immutable: each setting gives a new value. Those that record only read-only and auto-commit (what a read sets
 * before first use, and what Spring's transaction managers set on every connection) are shared constants, so that
 * the connection path allocates nothing for them: a mutable object per connection cost 56 bytes per borrow. Any
 * other setting (isolation, schema, ...) makes a copy.
 */
final class RecordedSettings {

    /** Nothing recorded: what every connection starts with. */
    static final RecordedSettings NONE;

    // Indexed by plainIndex(readOnly, autoCommit): each of those flags not set, true or false.
    private static final RecordedSettings[] PLAIN = new RecordedSettings[9];

    static {
        Boolean[] values = {null, Boolean.TRUE, Boolean.FALSE};
        for (Boolean readOnly : values) {
            for (Boolean autoCommit : values) {
                RecordedSettings plain = new RecordedSettings();
                plain.readOnly = readOnly;
                plain.autoCommit = autoCommit;
                PLAIN[plainIndex(readOnly, autoCommit)] = plain;
            }
        }
        NONE = PLAIN[0];
    }

    // Set only on a copy not yet handed out. null or -1 means "not set": the physical connection keeps what its pool
    // gave it.
    private Boolean readOnly;
    private Boolean autoCommit;
    private int isolation = -1;
    private int holdability = -1;
    private String catalog;
    private String schema;
    private Properties clientInfo;
    private Map<String, Class<?>> typeMap;
    private Executor networkTimeoutExecutor;
    private int networkTimeout = -1;

    private RecordedSettings() {}

    private static int plainIndex(Boolean readOnly, Boolean autoCommit) {
        return index(readOnly) * 3 + index(autoCommit);
    }

    private static int index(Boolean flag) {
        return flag == null ? 0 : flag ? 1 : 2;
    }

    /** Whether nothing but read-only and auto-commit is recorded: then the value is one of the shared constants. */
    private boolean plain() {
        return isolation == -1
                && holdability == -1
                && catalog == null
                && schema == null
                && clientInfo == null
                && typeMap == null
                && networkTimeout == -1;
    }

    private RecordedSettings copy() {
        RecordedSettings copy = new RecordedSettings();
        copy.readOnly = readOnly;
        copy.autoCommit = autoCommit;
        copy.isolation = isolation;
        copy.holdability = holdability;
        copy.catalog = catalog;
        copy.schema = schema;
        copy.clientInfo = clientInfo;
        copy.typeMap = typeMap;
        copy.networkTimeoutExecutor = networkTimeoutExecutor;
        copy.networkTimeout = networkTimeout;
        return copy;
    }

    /** These settings with read-only and auto-commit as given: a shared constant when nothing else is recorded. */
    private RecordedSettings withFlags(Boolean readOnly, Boolean autoCommit) {
        if (plain()) {
            return PLAIN[plainIndex(readOnly, autoCommit)];
        }
        RecordedSettings copy = copy();
        copy.readOnly = readOnly;
        copy.autoCommit = autoCommit;
        return copy;
    }

    /**
     * Applies what was recorded to {@code connection}. Read intent makes it read-only wherever it lands: a write
     * inside a read scope then fails the same way on a primary fallback as on a replica, not only when replicas
     * are up.
     */
    void replayOn(Connection connection, boolean readIntent) throws SQLException {
        if (readIntent || readOnly != null) {
            connection.setReadOnly(readIntent || readOnly);
        }
        if (isolation != -1) {
            connection.setTransactionIsolation(isolation);
        }
        if (holdability != -1) {
            connection.setHoldability(holdability);
        }
        if (catalog != null) {
            connection.setCatalog(catalog);
        }
        // Before autoCommit(false): pgjdbc runs SET for the schema, which would otherwise open the transaction.
        if (schema != null) {
            connection.setSchema(schema);
        }
        if (clientInfo != null) {
            connection.setClientInfo(clientInfo);
        }
        if (typeMap != null) {
            connection.setTypeMap(typeMap);
        }
        if (networkTimeout != -1) {
            connection.setNetworkTimeout(networkTimeoutExecutor, networkTimeout);
        }
        if (autoCommit != null) {
            connection.setAutoCommit(autoCommit);
        }
    }

    RecordedSettings withReadOnly(boolean value) {
        return withFlags(value, autoCommit);
    }

    /** Whether {@code setReadOnly(true)} was the last word; the read intent the router routes by. */
    boolean readOnly() {
        return Boolean.TRUE.equals(readOnly);
    }

    RecordedSettings withAutoCommit(boolean value) {
        return withFlags(readOnly, value);
    }

    /** The last value set, else JDBC's default: true. */
    boolean autoCommit() {
        return autoCommit == null || autoCommit;
    }

    RecordedSettings withIsolation(int level) {
        RecordedSettings copy = copy();
        copy.isolation = level;
        return copy;
    }

    /** PostgreSQL's default, read committed, when none was set. */
    int isolation() {
        return isolation != -1 ? isolation : Connection.TRANSACTION_READ_COMMITTED;
    }

    RecordedSettings withHoldability(int value) {
        RecordedSettings copy = copy();
        copy.holdability = value;
        return copy;
    }

    /** The holdability set, or -1: only the driver knows its default. */
    int holdability() {
        return holdability;
    }

    RecordedSettings withCatalog(String value) {
        RecordedSettings copy = copy();
        copy.catalog = value;
        return copy;
    }

    RecordedSettings withSchema(String value) {
        RecordedSettings copy = copy();
        copy.schema = value;
        return copy;
    }

    /** The schema set, or {@code null}: only the server knows its search path. */
    String schema() {
        return schema;
    }

    RecordedSettings withClientInfo(String name, String value) {
        Properties info = new Properties();
        if (clientInfo != null) {
            info.putAll(clientInfo);
        }
        if (value == null) {
            info.remove(name);
        } else {
            info.setProperty(name, value);
        }
        RecordedSettings copy = copy();
        copy.clientInfo = info;
        return copy;
    }

    RecordedSettings withClientInfo(Properties properties) {
        Properties info = new Properties();
        info.putAll(properties);
        RecordedSettings copy = copy();
        copy.clientInfo = info;
        return copy;
    }

    RecordedSettings withTypeMap(Map<String, Class<?>> map) {
        RecordedSettings copy = copy();
        copy.typeMap = map;
        return copy;
    }

    /** The type map set, or {@code null}: only the driver knows its default. */
    Map<String, Class<?>> typeMap() {
        return typeMap;
    }

    RecordedSettings withNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        if (milliseconds < 0) {
            throw new SQLException("network timeout must not be negative, was " + milliseconds, "22023");
        }
        RecordedSettings copy = copy();
        copy.networkTimeoutExecutor = executor;
        copy.networkTimeout = milliseconds;
        return copy;
    }

    /** JDBC's default: 0, no timeout. */
    int networkTimeout() {
        return Math.max(networkTimeout, 0);
    }
}
