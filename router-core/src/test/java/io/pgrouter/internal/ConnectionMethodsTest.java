package io.pgrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.pgrouter.ReplicaSelector;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Savepoint;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.Answers;

/**
 * Every method of {@link Connection} on a routed connection, before first use (answered without a node, or the
 * first use that routes) and after (forwarded to the physical connection, or answered by the router). The table
 * must name every method of the interface: a method added to JDBC fails {@link #theTableCoversEveryMethod()}.
 */
class ConnectionMethodsTest {

    /** A call on a connection; run on the routed connection, and on Mockito's {@code verify(physical)}. */
    @FunctionalInterface
    interface Call {
        void on(Connection connection) throws SQLException;
    }

    /** Before first use: whether the call is answered without any node, or routes the connection. */
    enum Before {
        NO_NODE,
        ROUTES
    }

    /** After first use: whether the call reaches the physical connection, or the router answers it. */
    enum After {
        FORWARDED,
        ANSWERED
    }

    record Row(String signature, Call call, Before before, After after) {
        @Override
        public String toString() {
            return signature;
        }
    }

    private static final Executor EXECUTOR = Runnable::run;
    private static final Savepoint SAVEPOINT = mock(Savepoint.class);
    private static final Properties INFO = new Properties();
    private static final HashMap<String, Class<?>> TYPES = new HashMap<>();

    static List<Row> rows() {
        return List.of(
                row("createStatement()", Connection::createStatement, Before.ROUTES, After.FORWARDED),
                row("createStatement(int,int)", c -> c.createStatement(1003, 1007), Before.ROUTES, After.FORWARDED),
                row(
                        "createStatement(int,int,int)",
                        c -> c.createStatement(1003, 1007, 1),
                        Before.ROUTES,
                        After.FORWARDED),
                row("prepareStatement(String)", c -> c.prepareStatement("q"), Before.ROUTES, After.FORWARDED),
                row(
                        "prepareStatement(String,int,int)",
                        c -> c.prepareStatement("q", 1003, 1007),
                        Before.ROUTES,
                        After.FORWARDED),
                row(
                        "prepareStatement(String,int,int,int)",
                        c -> c.prepareStatement("q", 1003, 1007, 1),
                        Before.ROUTES,
                        After.FORWARDED),
                row("prepareStatement(String,int)", c -> c.prepareStatement("q", 1), Before.ROUTES, After.FORWARDED),
                row(
                        "prepareStatement(String,int[])",
                        c -> c.prepareStatement("q", new int[] {1}),
                        Before.ROUTES,
                        After.FORWARDED),
                row(
                        "prepareStatement(String,String[])",
                        c -> c.prepareStatement("q", new String[] {"id"}),
                        Before.ROUTES,
                        After.FORWARDED),
                row("prepareCall(String)", c -> c.prepareCall("q"), Before.ROUTES, After.FORWARDED),
                row("prepareCall(String,int,int)", c -> c.prepareCall("q", 1003, 1007), Before.ROUTES, After.FORWARDED),
                row(
                        "prepareCall(String,int,int,int)",
                        c -> c.prepareCall("q", 1003, 1007, 1),
                        Before.ROUTES,
                        After.FORWARDED),
                row("nativeSQL(String)", c -> c.nativeSQL("q"), Before.ROUTES, After.FORWARDED),
                row("getMetaData()", Connection::getMetaData, Before.ROUTES, After.FORWARDED),
                row("setSavepoint()", Connection::setSavepoint, Before.ROUTES, After.FORWARDED),
                row("setSavepoint(String)", c -> c.setSavepoint("s"), Before.ROUTES, After.FORWARDED),
                row("rollback(Savepoint)", c -> c.rollback(SAVEPOINT), Before.ROUTES, After.FORWARDED),
                row("releaseSavepoint(Savepoint)", c -> c.releaseSavepoint(SAVEPOINT), Before.ROUTES, After.FORWARDED),
                row("createClob()", Connection::createClob, Before.ROUTES, After.FORWARDED),
                row("createBlob()", Connection::createBlob, Before.ROUTES, After.FORWARDED),
                row("createNClob()", Connection::createNClob, Before.ROUTES, After.FORWARDED),
                row("createSQLXML()", Connection::createSQLXML, Before.ROUTES, After.FORWARDED),
                row(
                        "createArrayOf(String,Object[])",
                        c -> c.createArrayOf("int4", new Object[] {1}),
                        Before.ROUTES,
                        After.FORWARDED),
                row(
                        "createStruct(String,Object[])",
                        c -> c.createStruct("t", new Object[] {1}),
                        Before.ROUTES,
                        After.FORWARDED),
                row("getCatalog()", Connection::getCatalog, Before.ROUTES, After.FORWARDED),
                row("getClientInfo(String)", c -> c.getClientInfo("ApplicationName"), Before.ROUTES, After.FORWARDED),
                row("getClientInfo()", Connection::getClientInfo, Before.ROUTES, After.FORWARDED),
                row("getHoldability()", Connection::getHoldability, Before.ROUTES, After.FORWARDED),
                row("getSchema()", Connection::getSchema, Before.ROUTES, After.FORWARDED),
                row("getTypeMap()", Connection::getTypeMap, Before.ROUTES, After.FORWARDED),
                row("unwrap(Class)", c -> c.unwrap(org.postgresql.PGConnection.class), Before.ROUTES, After.FORWARDED),
                row(
                        "isWrapperFor(Class)",
                        c -> c.isWrapperFor(org.postgresql.PGConnection.class),
                        Before.ROUTES,
                        After.FORWARDED),
                row("commit()", Connection::commit, Before.NO_NODE, After.FORWARDED),
                row("rollback()", Connection::rollback, Before.NO_NODE, After.FORWARDED),
                row("setAutoCommit(boolean)", c -> c.setAutoCommit(false), Before.NO_NODE, After.FORWARDED),
                row("getAutoCommit()", Connection::getAutoCommit, Before.NO_NODE, After.FORWARDED),
                row("setReadOnly(boolean)", c -> c.setReadOnly(false), Before.NO_NODE, After.FORWARDED),
                row("isReadOnly()", Connection::isReadOnly, Before.NO_NODE, After.FORWARDED),
                row("setTransactionIsolation(int)", c -> c.setTransactionIsolation(8), Before.NO_NODE, After.FORWARDED),
                row("getTransactionIsolation()", Connection::getTransactionIsolation, Before.NO_NODE, After.FORWARDED),
                row("setHoldability(int)", c -> c.setHoldability(1), Before.NO_NODE, After.FORWARDED),
                row("setCatalog(String)", c -> c.setCatalog("app"), Before.NO_NODE, After.FORWARDED),
                row("setSchema(String)", c -> c.setSchema("shop"), Before.NO_NODE, After.FORWARDED),
                row(
                        "setClientInfo(String,String)",
                        c -> c.setClientInfo("ApplicationName", "a"),
                        Before.NO_NODE,
                        After.FORWARDED),
                row("setClientInfo(Properties)", c -> c.setClientInfo(INFO), Before.NO_NODE, After.FORWARDED),
                row("setTypeMap(Map)", c -> c.setTypeMap(TYPES), Before.NO_NODE, After.FORWARDED),
                row(
                        "setNetworkTimeout(Executor,int)",
                        c -> c.setNetworkTimeout(EXECUTOR, 1000),
                        Before.NO_NODE,
                        After.FORWARDED),
                row("getNetworkTimeout()", Connection::getNetworkTimeout, Before.NO_NODE, After.FORWARDED),
                row("getWarnings()", Connection::getWarnings, Before.NO_NODE, After.FORWARDED),
                row("clearWarnings()", Connection::clearWarnings, Before.NO_NODE, After.FORWARDED),
                row("isValid(int)", c -> c.isValid(1), Before.NO_NODE, After.FORWARDED),
                row("isClosed()", Connection::isClosed, Before.NO_NODE, After.ANSWERED),
                row("close()", Connection::close, Before.NO_NODE, After.FORWARDED),
                row("abort(Executor)", c -> c.abort(EXECUTOR), Before.NO_NODE, After.FORWARDED),
                // JDBC 4.3 defaults: hints pgjdbc ignores; sharding keys PostgreSQL does not have.
                row("beginRequest()", Connection::beginRequest, Before.NO_NODE, After.ANSWERED),
                row("endRequest()", Connection::endRequest, Before.NO_NODE, After.ANSWERED),
                row(
                        "setShardingKey(ShardingKey)",
                        c -> assertUnsupported(() -> c.setShardingKey(null)),
                        Before.NO_NODE,
                        After.ANSWERED),
                row(
                        "setShardingKey(ShardingKey,ShardingKey)",
                        c -> assertUnsupported(() -> c.setShardingKey(null, null)),
                        Before.NO_NODE,
                        After.ANSWERED),
                row(
                        "setShardingKeyIfValid(ShardingKey,int)",
                        c -> assertUnsupported(() -> c.setShardingKeyIfValid(null, 1)),
                        Before.NO_NODE,
                        After.ANSWERED),
                row(
                        "setShardingKeyIfValid(ShardingKey,ShardingKey,int)",
                        c -> assertUnsupported(() -> c.setShardingKeyIfValid(null, null, 1)),
                        Before.NO_NODE,
                        After.ANSWERED));
    }

    private static Row row(String signature, Call call, Before before, After after) {
        return new Row(signature, call, before, after);
    }

    private static void assertUnsupported(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(SQLFeatureNotSupportedException.class);
    }

    private final TestNodes nodes = new TestNodes(1);
    private final Connection physical =
            mock(Connection.class, withSettings().name("primary connection").defaultAnswer(Answers.RETURNS_MOCKS));

    ConnectionMethodsTest() throws SQLException {
        when(nodes.pool(nodes.primary).getConnection()).thenReturn(physical);
    }

    private RoutedConnection connection() {
        return new RoutedConnection(new ConnectionRouter(
                new Topology(nodes.snapshot(true)),
                new RouteDecider(ReplicaSelector.roundRobin(), true),
                new Scopes()));
    }

    @Test
    void theTableCoversEveryMethod() {
        Set<String> methods = Arrays.stream(Connection.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers()))
                .map(ConnectionMethodsTest::signature)
                .collect(Collectors.toSet());

        assertThat(rows().stream().map(Row::signature)).containsExactlyInAnyOrderElementsOf(methods);
    }

    private static String signature(Method method) {
        return method.getName()
                + Arrays.stream(method.getParameterTypes())
                        .map(Class::getSimpleName)
                        .collect(Collectors.joining(",", "(", ")"));
    }

    static Stream<Row> table() {
        return rows().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void beforeFirstUse(Row row) throws SQLException {
        RoutedConnection connection = connection();

        row.call().on(connection);

        if (row.before() == Before.NO_NODE) {
            verifyNoInteractions(nodes.pool(nodes.primary), physical);
            assertThat(connection.route()).isNull();
        } else {
            assertThat(connection.route()).isNotNull();
            row.call().on(verify(physical));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void afterFirstUse(Row row) throws SQLException {
        RoutedConnection connection = connection();
        connection.nativeSQL("route it");

        row.call().on(connection);

        if (row.after() == After.FORWARDED) {
            row.call().on(verify(physical));
        } else {
            verify(physical).nativeSQL("route it");
            org.mockito.Mockito.verifyNoMoreInteractions(physical);
        }
    }
}
