package io.pgrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import java.sql.Connection;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

class RecordedSettingsTest {

    @Test
    void readOnlyAndAutoCommitAloneAreSharedValues() {
        RecordedSettings read = RecordedSettings.NONE.withReadOnly(true);

        assertThat(RecordedSettings.NONE.withReadOnly(true)).isSameAs(read);
        assertThat(read.withAutoCommit(false))
                .isSameAs(RecordedSettings.NONE.withAutoCommit(false).withReadOnly(true));
        assertThat(read.withReadOnly(false).withReadOnly(true)).isSameAs(read);
        assertThat(read.readOnly()).isTrue();
        assertThat(RecordedSettings.NONE.readOnly()).isFalse();
        assertThat(RecordedSettings.NONE.autoCommit()).as("JDBC's default").isTrue();
    }

    @Test
    void anyOtherSettingMakesACopyAndLeavesTheOriginalAsItWas() throws Exception {
        RecordedSettings read = RecordedSettings.NONE.withReadOnly(true);

        RecordedSettings serializable = read.withIsolation(Connection.TRANSACTION_SERIALIZABLE);
        RecordedSettings writable = serializable.withReadOnly(false);

        assertThat(serializable).isNotSameAs(read);
        assertThat(read.isolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
        assertThat(serializable.isolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
        assertThat(serializable.readOnly()).isTrue();
        assertThat(writable.readOnly()).isFalse();
        assertThat(writable.isolation())
                .as("kept when the flags change")
                .isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
        assertThat(read.withSchema("app").schema()).isEqualTo("app");
        assertThat(read.schema()).isNull();
        assertThat(read.withNetworkTimeout(Runnable::run, 1500).networkTimeout())
                .isEqualTo(1500);
        assertThat(read.networkTimeout()).isZero();
    }

    @Test
    void clientInfoOfACopyDoesNotLeakIntoTheOriginal() throws Exception {
        RecordedSettings first = RecordedSettings.NONE.withClientInfo("ApplicationName", "orders");
        first.withClientInfo("ClientUser", "alice");

        Connection connection = mock(Connection.class);
        first.replayOn(connection, false);

        ArgumentCaptor<Properties> replayed = ArgumentCaptor.forClass(Properties.class);
        verify(connection).setClientInfo(replayed.capture());
        assertThat(replayed.getValue()).containsOnlyKeys("ApplicationName");
    }

    @Test
    void replayAppliesWhatWasRecordedSchemaBeforeAutoCommit() throws Exception {
        RecordedSettings settings = RecordedSettings.NONE
                .withAutoCommit(false)
                .withSchema("app")
                .withIsolation(Connection.TRANSACTION_REPEATABLE_READ)
                .withReadOnly(true);
        Connection connection = mock(Connection.class);

        settings.replayOn(connection, false);

        InOrder order = inOrder(connection);
        order.verify(connection).setReadOnly(true);
        order.verify(connection).setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        order.verify(connection).setSchema("app");
        order.verify(connection).setAutoCommit(false);
        verify(connection, never()).setHoldability(org.mockito.ArgumentMatchers.anyInt());
    }

    @Test
    void nothingRecordedReplaysNothingButReadIntent() throws Exception {
        Connection untouched = mock(Connection.class);
        RecordedSettings.NONE.replayOn(untouched, false);
        verify(untouched, never()).setReadOnly(anyBoolean());
        verify(untouched, never()).setAutoCommit(anyBoolean());
        verify(untouched, never()).setClientInfo(any(Properties.class));

        Connection read = mock(Connection.class);
        RecordedSettings.NONE.replayOn(read, true);
        verify(read).setReadOnly(true);
    }
}
