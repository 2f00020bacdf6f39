package io.pgrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import io.pgrouter.NoEligibleNodeException;
import io.pgrouter.ReplicaSelector;
import io.pgrouter.RouteReason;
import io.pgrouter.RouteScope;
import java.net.ConnectException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

@SuppressWarnings("try") // scopes are opened for their effect, not referenced
class RoutedConnectionTest {


    private final TestNodes nodes = new TestNodes(2);
    private final Scopes scopes = new Scopes();
    private final Connection onPrimary = mock(Connection.class, "primary connection");
    private final Connection onReplica1 = mock(Connection.class, "replica-1 connection");
    private final Connection onReplica2 = mock(Connection.class, "replica-2 connection");

    RoutedConnectionTest() throws SQLException {
        when(nodes.pool(nodes.primary).getConnection()).thenReturn(onPrimary);
        when(nodes.pool(nodes.replica(1)).getConnection()).thenReturn(onReplica1);
        when(nodes.pool(nodes.replica(2)).getConnection()).thenReturn(onReplica2);
    }

    private ConnectionRouter router(boolean fallback) {
        return new ConnectionRouter(new Topology(nodes.snapshot(true)),
                new RouteDecider(ReplicaSelector.roundRobin(), fallback), scopes);
    }

    private RoutedConnection connection() {
        return new RoutedConnection(router(true));
    }

    private static SQLTransientConnectionException unreachable(String pool) {
        return new SQLTransientConnectionException(pool + " - Connection is not available, request timed out after 5000ms",
                "08001", new ConnectException("Connection refused"));
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
    void aPhysicalConnectionNeverSwitchesNodes() throws Exception {
        RoutedConnection connection = connection();
        connection.setAutoCommit(false);
        connection.createStatement();
        connection.setReadOnly(true);
        connection.createStatement();
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
        assertThat(nodes.replica(1).breaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
    }

    @Test
    void aBusyReplicaIsNotBackedOff() throws Exception {
        when(nodes.pool(nodes.replica(1)).getConnection()).thenThrow(
                new SQLTransientConnectionException("pgrouter-replica-1 - Connection is not available"));
        RoutedConnection connection = connection();
        connection.setReadOnly(true);

        connection.createStatement();

        assertThat(connection.route().node()).isSameAs(nodes.replica(2));
        assertThat(nodes.replica(1).breaker().getMetrics().getNumberOfFailedCalls()).isZero();
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
        when(nodes.pool(nodes.primary).getConnection()).thenThrow(new SQLTransientConnectionException(
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
        org.mockito.Mockito.doThrow(new SQLException("bad schema", "3F000")).when(onPrimary).setSchema("nope");
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

        assertThatThrownBy(connection::createStatement).isInstanceOf(SQLException.class)
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
}
