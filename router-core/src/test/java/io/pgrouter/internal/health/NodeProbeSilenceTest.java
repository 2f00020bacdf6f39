package io.pgrouter.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/** Which probe failures are silence (the node did not answer in time) rather than an answer such as a refusal. */
class NodeProbeSilenceTest {

    @Test
    void aConnectOrReadThatTimedOutIsSilence() {
        assertThat(NodeProbe.silence(new PSQLException(
                        "The connection attempt failed.",
                        PSQLState.CONNECTION_UNABLE_TO_CONNECT,
                        new SocketTimeoutException("Connect timed out"))))
                .isTrue();
        assertThat(NodeProbe.silence(new PSQLException(
                        "An I/O error occurred while sending to the backend.",
                        PSQLState.CONNECTION_FAILURE,
                        new SocketTimeoutException("Read timed out"))))
                .isTrue();
    }

    @Test
    void pgjdbcsLoginTimeoutIsSilence() {
        // What pgjdbc throws when its loginTimeout passes during a connection attempt: no cause.
        assertThat(NodeProbe.silence(
                        new PSQLException("Connection attempt timed out.", PSQLState.CONNECTION_UNABLE_TO_CONNECT)))
                .isTrue();
    }

    @Test
    void aRefusalOrAnyOtherErrorIsAnAnswer() {
        assertThat(NodeProbe.silence(new PSQLException(
                        "Connection to 127.0.0.1:5432 refused.",
                        PSQLState.CONNECTION_UNABLE_TO_CONNECT,
                        new ConnectException("Connection refused"))))
                .isFalse();
        assertThat(NodeProbe.silence(new SQLException("the database system is shutting down", "57P03")))
                .isFalse();
        assertThat(NodeProbe.silence(new IllegalStateException("boom"))).isFalse();
    }
}
