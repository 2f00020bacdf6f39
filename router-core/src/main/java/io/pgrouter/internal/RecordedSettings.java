package io.pgrouter.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The settings a {@link RoutedConnection} receives, and their replay onto each physical connection it gets: the
 * first, and the next ones when it moves between transactions or runs a broken read again elsewhere. Before first
 * use, the getters answer from what was recorded or JDBC's defaults. Like the connection, meant for one thread at a
 * time.
 */
final class RecordedSettings {

    // null or -1 means "not set": the physical connection keeps what its pool gave it.
    private Boolean readOnly;
    private boolean autoCommit = true;
    private boolean autoCommitSet;
    private int isolation = -1;
    private int holdability = -1;
    private String catalog;
    private String schema;
    private Properties clientInfo;
    private Map<String, Class<?>> typeMap;
    private Executor networkTimeoutExecutor;
    private int networkTimeout = -1;

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
        if (autoCommitSet) {
            connection.setAutoCommit(autoCommit);
        }
    }

    void readOnly(boolean value) {
        readOnly = value;
    }

    /** Whether {@code setReadOnly(true)} was the last word; the read intent the router routes by. */
    boolean readOnly() {
        return Boolean.TRUE.equals(readOnly);
    }

    void autoCommit(boolean value) {
        autoCommit = value;
        autoCommitSet = true;
    }

    /** The last value set, else JDBC's default: true. */
    boolean autoCommit() {
        return autoCommit;
    }

    void isolation(int level) {
        isolation = level;
    }

    /** PostgreSQL's default, read committed, when none was set. */
    int isolation() {
        return isolation != -1 ? isolation : Connection.TRANSACTION_READ_COMMITTED;
    }

    void holdability(int value) {
        holdability = value;
    }

    /** The holdability set, or -1: only the driver knows its default. */
    int holdability() {
        return holdability;
    }

    void catalog(String value) {
        catalog = value;
    }

    void schema(String value) {
        schema = value;
    }

    /** The schema set, or {@code null}: only the server knows its search path. */
    String schema() {
        return schema;
    }

    void clientInfo(String name, String value) {
        if (clientInfo == null) {
            clientInfo = new Properties();
        }
        if (value == null) {
            clientInfo.remove(name);
        } else {
            clientInfo.setProperty(name, value);
        }
    }

    void clientInfo(Properties properties) {
        clientInfo = new Properties();
        clientInfo.putAll(properties);
    }

    void typeMap(Map<String, Class<?>> map) {
        typeMap = map;
    }

    /** The type map set, or {@code null}: only the driver knows its default. */
    Map<String, Class<?>> typeMap() {
        return typeMap;
    }

    void networkTimeout(Executor executor, int milliseconds) throws SQLException {
        if (milliseconds < 0) {
            throw new SQLException("network timeout must not be negative, was " + milliseconds, "22023");
        }
        networkTimeoutExecutor = executor;
        networkTimeout = milliseconds;
    }

    /** JDBC's default: 0, no timeout. */
    int networkTimeout() {
        return Math.max(networkTimeout, 0);
    }
}
