package io.pgrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.pgrouter.NoEligibleNodeException;
import io.pgrouter.ReplicaSelector;
import io.pgrouter.RouteReason;
import io.pgrouter.RouteScope;
import java.net.ConnectException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;
import org.mockito.InOrder;
import org.postgresql.PGConnection;

@SuppressWarnings("try") // scopes are opened for their effect, not referenced
class RoutedConnectionTest {

    private final TestNodes nodes = new TestNodes(2);
    private final Scopes scopes = new Scopes();
    // Statements and metadata of these connections are mocks too.
    private final Connection onPrimary = physical("primary connection");
    private final Connection onReplica1 = physical("replica-1 connection");
    private final Connection onReplica2 = physical("replica-2 connection");

    RoutedConnectionTest() throws SQLException {
        when(nodes.pool(nodes.primary).getConnection()).thenReturn(onPrimary);
        when(nodes.pool(nodes.replica(1)).getConnection()).thenReturn(onReplica1);
        when(nodes.pool(nodes.replica(2)).getConnection()).thenReturn(onReplica2);
    }

    private static Connection physical(String name) {
        return mock(Connection.class, withSettings().name(name).defaultAnswer(Answers.RETURNS_MOCKS));
    }

    private ConnectionRouter router(boolean fallback) {
        return new ConnectionRouter(
                new Topology(nodes.snapshot(true)), new RouteDecider(ReplicaSelector.roundRobin(), fallback), scopes);
    }

    private RoutedConnection connection() {
        return new RoutedConnection(router(true));
    }

    private static SQLTransientConnectionException unreachable(String pool) {
        return new SQLTransientConnectionException(
                pool + " - Connection is not available, request timed out after 5000ms",
                "08001",
                new ConnectException("Connection refused"));
    }

    @Test
    void settingsAndCloseBeforeFirstUseTouchNoPool() throws Exception {
        RoutedConnection connection = connection();
        connection.setReadOnly(true);
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.commit();
        connection.rollback();

        assertThat(connection.getAutoCommit()).isFalse();
        assertThat(connection.isReadOnly()).isTrue();
        assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
        assertThat(connection.isValid(1)).isTrue();
        connection.close();
        assertThat(connection.isClosed()).isTrue();
        assertThat(connection.isValid(1)).isFalse();
        nodes.all().forEach(node -> verifyNoInteractions(nodes.pool(node)));
    }

    @Test
    void defaultsBeforeFirstUseAreJdbcAndPostgresDefaults() throws Exception {
        RoutedConnection connection = connection();

        assertThat(connection.getAutoCommit()).isTrue();
        assertThat(connection.isReadOnly()).isFalse();
        assertThat(connection.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
        assertThat((Object) connection.getWarnings()).isNull();
        assertThat(connection.route()).isNull();
    }

    @Test
    void firstUseRoutesOnceAndReplaysSettingsInASafeOrder() throws Exception {
        RoutedConnection connection = connection();
        connection.setAutoCommit(false);
        connection.setReadOnly(true);
        connection.setSchema("shop");
        connection.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);

        connection.createStatement();
        connection.prepareStatement("select 1");

        assertThat(connection.route()).isEqualTo(nodes.replica(1).route(RouteReason.REPLICA));
        InOrder order = inOrder(onReplica1);
        order.verify(onReplica1).setReadOnly(true);
        order.verify(onReplica1).setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        order.verify(onReplica1).setSchema("shop");
        order.verify(onReplica1).setAutoCommit(false);
        order.verify(onReplica1).createStatement();
        order.verify(onReplica1).prepareStatement("select 1");
        verify(nodes.pool(nodes.replica(1))).getConnection();
        verifyNoInteractions(nodes.pool(nodes.primary), nodes.pool(nodes.replica(2)));
    }

    @Test
    void withoutReadIntentTheConnectionGoesToThePrimary() throws Exception {
        RoutedConnection connection = connection();
        connection.getMetaData();

        assertThat(connection.route()).isEqualTo(nodes.primary.route(RouteReason.PRIMARY_WRITE));
        verify(onPrimary, never()).setReadOnly(true);
    }

    @Test
    void insideATransactionTheConnectionNeverSwitchesNodes() throws Exception {
        RoutedConnection connection = connection();
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("insert into t values (1)");
        }
        connection.setReadOnly(true);
        connection.createStatement().close();
        connection.commit();

        assertThat(connection.route().node()).isSameAs(nodes.primary);
        verify(onPrimary).setReadOnly(true);
        verify(onPrimary).commit();
        verifyNoInteractions(nodes.pool(nodes.replica(1)), nodes.pool(nodes.replica(2)));
    }

    @Test
    void scopeIsReadAtFirstUseAndMakesTheConnectionReadOnly() throws Exception {
        RoutedConnection connection = connection();
        try (RouteScope ignored = scopes.readOnly()) {
            connection.createStatement();
        }

        assertThat(connection.route().reason()).isEqualTo(RouteReason.REPLICA);
        verify(onReplica1).setReadOnly(true);
    }

    @Test
    void countsInFlightAndReasons() throws Exception {
        RoutedConnection connection = connection();
        connection.setReadOnly(true);
        connection.createStatement();

        assertThat(nodes.replica(1).inFlight()).isEqualTo(1);
        connection.close();
        connection.close();
        assertThat(nodes.replica(1).inFlight()).isZero();
        assertThat(nodes.replica(1).routeCount(RouteReason.REPLICA)).isEqualTo(1);
        verify(onReplica1).close();
    }

    @Test
    void anUnreachableReplicaIsSkippedForTheNextWithinTheSameCall() throws Exception {
        when(nodes.pool(nodes.replica(1)).getConnection()).thenThrow(unreachable("pgrouter-replica-1"));
        RoutedConnection connection = connection();
        connection.setReadOnly(true);

        connection.createStatement();

        assertThat(connection.route()).isEqualTo(nodes.replica(2).route(RouteReason.REPLICA));
        assertThat(nodes.replica(1).breaker().getMetrics().getNumberOfFailedCalls())
                .isEqualTo(1);
    }

    @Test
    void aBusyReplicaIsNotBackedOff() throws Exception {
        when(nodes.pool(nodes.replica(1)).getConnection())
                .thenThrow(new SQLTransientConnectionException("pgrouter-replica-1 - Connection is not available"));
        RoutedConnection connection = connection();
        connection.setReadOnly(true);

        connection.createStatement();

        assertThat(connection.route().node()).isSameAs(nodes.replica(2));
        assertThat(nodes.replica(1).breaker().getMetrics().getNumberOfFailedCalls())
                .isZero();
    }

    @Test
    void whenEveryReplicaFailsTheReadFallsBackToThePrimary() throws Exception {
        when(nodes.pool(nodes.replica(1)).getConnection()).thenThrow(unreachable("pgrouter-replica-1"));
        when(nodes.pool(nodes.replica(2)).getConnection()).thenThrow(unreachable("pgrouter-replica-2"));
        RoutedConnection connection = connection();
        connection.setReadOnly(true);

        connection.createStatement();

        assertThat(connection.route()).isEqualTo(nodes.primary.route(RouteReason.FALLBACK_ACQUIRE_FAILED));
        verify(onPrimary).setReadOnly(true);
    }

    @Test
    void whenEveryReplicaFailsWithoutFallbackTheErrorListsThem() throws Exception {
        when(nodes.pool(nodes.replica(1)).getConnection()).thenThrow(unreachable("pgrouter-replica-1"));
        when(nodes.pool(nodes.replica(2)).getConnection()).thenThrow(unreachable("pgrouter-replica-2"));
        RoutedConnection connection = new RoutedConnection(router(false));
        connection.setReadOnly(true);

        assertThatThrownBy(connection::createStatement)
                .isInstanceOf(NoEligibleNodeException.class)
                .hasMessageContaining("replica-1: pool pgrouter-replica-1 gave no connection")
                .hasMessageContaining("replica-2: pool pgrouter-replica-2 gave no connection")
                .hasMessageContaining("Connection refused");
        verifyNoInteractions(nodes.pool(nodes.primary));
    }

    @Test
    void anExhaustedPrimaryNamesNodeAndPool() throws Exception {
        when(nodes.pool(nodes.primary).getConnection())
                .thenThrow(new SQLTransientConnectionException(
                        "pgrouter-primary - Connection is not available, request timed out after 30000ms"));
        RoutedConnection connection = connection();

        assertThatThrownBy(connection::createStatement)
                .isInstanceOf(SQLTransientConnectionException.class)
                .hasMessageStartingWith("Node 'primary' (pool pgrouter-primary) gave no connection");
        assertThat(nodes.primary.inFlight()).isZero();
    }

    @Test
    void aFailedReplayReturnsThePhysicalConnectionAndClosesTheRoutedOne() throws Exception {
        when(onPrimary.createStatement()).thenReturn(null);
        doThrow(new SQLException("bad schema", "3F000")).when(onPrimary).setSchema("nope");
        RoutedConnection connection = connection();
        connection.setSchema("nope");

        assertThatThrownBy(connection::createStatement).hasMessage("bad schema");
        assertThat(connection.isClosed()).isTrue();
        assertThat(nodes.primary.inFlight()).isZero();
        verify(onPrimary).close();
    }

    @Test
    void useAfterCloseFails() throws Exception {
        RoutedConnection connection = connection();
        connection.close();

        assertThatThrownBy(connection::createStatement)
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08003"));
        assertThatThrownBy(() -> connection.setAutoCommit(false)).isInstanceOf(SQLException.class);
    }

    @Test
    void unwrapToItselfNeedsNoNode() throws Exception {
        RoutedConnection connection = connection();

        assertThat(connection.unwrap(RoutedConnection.class)).isSameAs(connection);
        assertThat(connection.isWrapperFor(Connection.class)).isTrue();
        nodes.all().forEach(node -> verifyNoInteractions(nodes.pool(node)));
    }

    @Test
    void abortEvictsAndReleases() throws Exception {
        RoutedConnection connection = connection();
        connection.createStatement();

        connection.abort(Runnable::run);

        assertThat(connection.isClosed()).isTrue();
        assertThat(nodes.primary.inFlight()).isZero();
        verify(onPrimary).abort(org.mockito.ArgumentMatchers.any());
    }

    // ---- statements, result sets and metadata lead back to the routed connection

    @Test
    void statementsResultSetsAndMetadataAnswerTheRoutedConnection() throws Exception {
        Statement onDriver = mock(Statement.class);
        ResultSet rows = mock(ResultSet.class);
        when(onPrimary.createStatement()).thenReturn(onDriver);
        when(onDriver.executeQuery("select 1")).thenReturn(rows);
        when(onDriver.getResultSet()).thenReturn(rows);
        when(onPrimary.getMetaData()).thenReturn(mock(DatabaseMetaData.class));
        RoutedConnection connection = connection();

        Statement statement = connection.createStatement();
        ResultSet resultSet = statement.executeQuery("select 1");

        assertThat(statement.getConnection()).isSameAs(connection);
        assertThat(resultSet.getStatement()).isSameAs(statement);
        ResultSet current = statement.getResultSet();
        assertThat(current.getStatement()).isSameAs(statement);
        assertThat(statement.getResultSet()).as("the same result set each time").isSameAs(current);
        assertThat(connection.getMetaData().getConnection()).isSameAs(connection);
        assertThat(statement.unwrap(Statement.class)).isSameAs(statement);
        resultSet.next();
        verify(rows).next();

        resultSet.getStatement().getConnection().close();
        assertThat(connection.isClosed()).isTrue();
        assertThat(nodes.primary.inFlight()).isZero();
        verify(onPrimary).close();
    }

    // ---- a read whose first statement broke runs once more elsewhere

    private static SQLException broken() {
        return new SQLException("An I/O error occurred while sending to the backend.", "08006");
    }

    /** replica-1's statements fail with a broken connection; replica-2's answer. */
    private PreparedStatement[] replica1BreaksReplica2Answers(String sql) throws SQLException {
        PreparedStatement onReplica1Statement = mock(PreparedStatement.class, "replica-1 statement");
        PreparedStatement onReplica2Statement = mock(PreparedStatement.class, "replica-2 statement");
        when(onReplica1.prepareStatement(sql)).thenReturn(onReplica1Statement);
        when(onReplica2.prepareStatement(sql)).thenReturn(onReplica2Statement);
        when(onReplica1Statement.executeQuery()).thenThrow(broken());
        when(onReplica2Statement.executeQuery()).thenReturn(mock(ResultSet.class));
        return new PreparedStatement[] {onReplica1Statement, onReplica2Statement};
    }

    @Test
    void aBrokenFirstReadRunsOnceMoreOnAnotherReplicaWithItsSettingsAndParameters() throws Exception {
        PreparedStatement[] statements = replica1BreaksReplica2Answers("select * from t where id = ?");
        RoutedConnection connection = connection();
        connection.setReadOnly(true);
        connection.setSchema("shop");

        PreparedStatement statement = connection.prepareStatement("select * from t where id = ?");
        statement.setFetchSize(50);
        statement.setLong(1, 42L);
        ResultSet rows = statement.executeQuery();

        assertThat(rows.getStatement()).isSameAs(statement);
        assertThat(connection.route()).isEqualTo(nodes.replica(2).route(RouteReason.REPLICA_RETRIED));
        InOrder order = inOrder(onReplica2, statements[1]);
        order.verify(onReplica2).setReadOnly(true);
        order.verify(onReplica2).setSchema("shop");
        order.verify(statements[1]).setFetchSize(50);
        order.verify(statements[1]).setLong(1, 42L);
        order.verify(statements[1]).executeQuery();
        verify(onReplica1).close();
        assertThat(nodes.replica(1).inFlight()).isZero();
        assertThat(nodes.replica(2).inFlight()).isEqualTo(1);
        assertThat(nodes.replica(2).routeCount(RouteReason.REPLICA_RETRIED)).isEqualTo(1);
    }

    @Test
    void aBrokenFirstReadRunsAgainOnAStatementMadeWithTheSameResultSetArguments() throws Exception {
        int type = ResultSet.TYPE_SCROLL_INSENSITIVE;
        int concurrency = ResultSet.CONCUR_READ_ONLY;
        int holdability = ResultSet.HOLD_CURSORS_OVER_COMMIT;
        Statement onReplica1Statement = mock(Statement.class, "replica-1 statement");
        Statement onReplica2Statement = mock(Statement.class, "replica-2 statement");
        when(onReplica1.createStatement(type, concurrency, holdability)).thenReturn(onReplica1Statement);
        when(onReplica2.createStatement(type, concurrency, holdability)).thenReturn(onReplica2Statement);
        when(onReplica1Statement.executeQuery("select 1")).thenThrow(broken());
        when(onReplica2Statement.executeQuery("select 1")).thenReturn(mock(ResultSet.class));
        PreparedStatement[] prepared = replica1BreaksReplica2Answers("select 2");
        when(onReplica1.prepareStatement("select 2", type, concurrency)).thenReturn(prepared[0]);
        when(onReplica2.prepareStatement("select 2", type, concurrency)).thenReturn(prepared[1]);

        RoutedConnection scrolling = connection();
        scrolling.setReadOnly(true);
        scrolling.createStatement(type, concurrency, holdability).executeQuery("select 1");
        RoutedConnection preparedScrolling = connection();
        preparedScrolling.setReadOnly(true);
        preparedScrolling.prepareStatement("select 2", type, concurrency).executeQuery();

        verify(onReplica2).createStatement(type, concurrency, holdability);
        verify(onReplica2Statement).executeQuery("select 1");
        verify(onReplica2).prepareStatement("select 2", type, concurrency);
        verify(prepared[1]).executeQuery();
        assertThat(scrolling.route()).isEqualTo(nodes.replica(2).route(RouteReason.REPLICA_RETRIED));
        assertThat(preparedScrolling.route()).isEqualTo(nodes.replica(2).route(RouteReason.REPLICA_RETRIED));
    }

    @Test
    void withoutAnotherReplicaTheBrokenReadRunsOnThePrimary() throws Exception {
        PreparedStatement onReplica1Statement = mock(PreparedStatement.class);
        when(onReplica1.prepareStatement("select 1")).thenReturn(onReplica1Statement);
        when(onReplica1Statement.executeQuery()).thenThrow(new SQLException("terminating connection", "57P01"));
        PreparedStatement onPrimaryStatement = mock(PreparedStatement.class);
        when(onPrimary.prepareStatement("select 1")).thenReturn(onPrimaryStatement);
        when(nodes.pool(nodes.replica(2)).getConnection()).thenThrow(unreachable("pgrouter-replica-2"));
        RoutedConnection connection = connection();
        connection.setReadOnly(true);

        connection.prepareStatement("select 1").executeQuery();

        assertThat(connection.route()).isEqualTo(nodes.primary.route(RouteReason.FALLBACK_RETRIED));
        verify(onPrimary).setReadOnly(true);
        verify(onPrimaryStatement).executeQuery();
    }

    @Test
    void aReadRunsAgainOnlyOnceAndOnlyAsItsConnectionsFirstStatement() throws Exception {
        PreparedStatement[] statements = replica1BreaksReplica2Answers("select 1");
        doThrow(broken()).when(statements[1]).executeQuery();
        RoutedConnection connection = connection();
        connection.setReadOnly(true);

        assertThatThrownBy(() -> connection.prepareStatement("select 1").executeQuery())
                .hasMessageContaining("I/O error");
        verify(statements[1]).executeQuery();
        verify(nodes.pool(nodes.primary), never()).getConnection();
    }

    @Test
    void aSecondStatementDoesNotRunAgain() throws Exception {
        PreparedStatement[] statements = replica1BreaksReplica2Answers("select 1");
        doReturn(mock(ResultSet.class)).doThrow(broken()).when(statements[0]).executeQuery();
        RoutedConnection connection = connection();
        connection.setReadOnly(true);
        connection.prepareStatement("select 1").executeQuery();

        assertThatThrownBy(() -> connection.prepareStatement("select 1").executeQuery())
                .hasMessageContaining("I/O error");
        verify(nodes.pool(nodes.replica(2)), never()).getConnection();
    }

    @Test
    void writesAndOtherErrorsNeverRunAgain() throws Exception {
        Statement onPrimaryStatement = mock(Statement.class);
        when(onPrimary.createStatement()).thenReturn(onPrimaryStatement);
        when(onPrimaryStatement.executeQuery(anyString())).thenThrow(broken());
        RoutedConnection write = connection();
        assertThatThrownBy(() -> write.createStatement().executeQuery("select 1"))
                .hasMessageContaining("I/O error");

        PreparedStatement[] statements = replica1BreaksReplica2Answers("update t set x = 1");
        doThrow(broken()).when(statements[0]).executeUpdate();
        RoutedConnection update = connection();
        update.setReadOnly(true);
        assertThatThrownBy(() -> update.prepareStatement("update t set x = 1").executeUpdate())
                .hasMessageContaining("I/O error");

        doThrow(new SQLException("relation does not exist", "42P01"))
                .when(statements[0])
                .executeQuery();
        RoutedConnection badQuery = connection();
        badQuery.setReadOnly(true);
        assertThatThrownBy(() -> badQuery.prepareStatement("update t set x = 1").executeQuery())
                .hasMessageContaining("relation");

        verify(nodes.pool(nodes.replica(2)), never()).getConnection();
        verify(nodes.pool(nodes.primary), times(1)).getConnection();
    }

    @Test
    void aStreamParameterOrRetriesSwitchedOffMeanNoSecondRun() throws Exception {
        replica1BreaksReplica2Answers("select ?");
        RoutedConnection withStream = connection();
        withStream.setReadOnly(true);
        PreparedStatement statement = withStream.prepareStatement("select ?");
        statement.setBinaryStream(1, new java.io.ByteArrayInputStream(new byte[1]));
        assertThatThrownBy(statement::executeQuery).hasMessageContaining("I/O error");

        RoutedConnection retriesOff = new RoutedConnection(new ConnectionRouter(
                new Topology(nodes.snapshot(true)),
                new RouteDecider(ReplicaSelector.roundRobin(), true),
                scopes,
                false));
        retriesOff.setReadOnly(true);
        assertThatThrownBy(() -> retriesOff.prepareStatement("select ?").executeQuery())
                .hasMessageContaining("I/O error");
        verify(nodes.pool(nodes.replica(2)), never()).getConnection();
    }

    @Test
    void aConnectionTheMonitorCutStaysOpenAndItsFirstReadRunsElsewhere() throws Exception {
        PreparedStatement[] statements = replica1BreaksReplica2Answers("select 1");
        // The driver's error after an abort need not carry a SQLSTATE: the cut itself says the connection broke.
        doThrow(new SQLException("This connection has been closed."))
                .when(statements[0])
                .executeQuery();
        RoutedConnection connection = connection();
        connection.setReadOnly(true);
        PreparedStatement statement = connection.prepareStatement("select 1");

        assertThat(nodes.replica(1).abortHandedOut(Runnable::run)).isEqualTo(1);
        assertThat(connection.isClosed()).isFalse();
        statement.executeQuery();

        verify(onReplica1).abort(any());
        assertThat(connection.route().node()).isSameAs(nodes.replica(2));
        connection.close();
        assertThat(nodes.replica(1).inFlight() + nodes.replica(2).inFlight()).isZero();
    }

    // ---- a held connection moves between transactions when its intent changes

    @Test
    void betweenTransactionsAChangeOfIntentMovesTheConnection() throws Exception {
        RoutedConnection connection = connection();
        connection.setReadOnly(true);
        connection.setAutoCommit(false);
        connection.createStatement().close();
        connection.commit();

        connection.setReadOnly(false);
        assertThat(connection.route()).as("given back at once").isNull();
        assertThat(nodes.replica(1).inFlight()).isZero();
        connection.createStatement().close();
        assertThat(connection.route()).isEqualTo(nodes.primary.route(RouteReason.PRIMARY_WRITE));
        verify(onPrimary).setAutoCommit(false);
        verify(onPrimary).setReadOnly(false);

        connection.setReadOnly(true);
        connection.createStatement().close();
        assertThat(connection.route().reason()).isEqualTo(RouteReason.REPLICA);
        assertThat(nodes.primary.inFlight()).isZero();
        connection.close();
        nodes.all().forEach(node -> assertThat(node.inFlight()).isZero());
    }

    @Test
    void anOpenStatementOrAnUnwrappedConnectionKeepsItWhereItIs() throws Exception {
        RoutedConnection withStatement = connection();
        withStatement.setReadOnly(true);
        withStatement.createStatement();
        withStatement.setReadOnly(false);
        assertThat(withStatement.route().node()).isSameAs(nodes.replica(1));
        verify(onReplica1).setReadOnly(false);

        PGConnection driverConnection = mock(PGConnection.class);
        when(onReplica1.unwrap(PGConnection.class)).thenReturn(driverConnection);
        RoutedConnection unwrapped = connection();
        unwrapped.setReadOnly(true);
        assertThat(unwrapped.unwrap(PGConnection.class)).isSameAs(driverConnection);
        unwrapped.setReadOnly(false);
        assertThat(unwrapped.route().node()).isSameAs(nodes.replica(1));
    }

    @Test
    void aReadThatFellBackToThePrimaryStaysForAWrite() throws Exception {
        RoutedConnection connection = new RoutedConnection(new ConnectionRouter(
                new Topology(nodes.snapshot(false)), new RouteDecider(ReplicaSelector.roundRobin(), true), scopes));
        connection.setReadOnly(true);
        connection.createStatement().close();
        connection.setReadOnly(false);

        assertThat(connection.route()).isEqualTo(nodes.primary.route(RouteReason.FALLBACK_REPLICAS_DISABLED));
        verify(onPrimary).setReadOnly(false);
    }
}
