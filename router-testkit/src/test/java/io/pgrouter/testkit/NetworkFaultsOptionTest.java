package io.pgrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.testkit.NetworkFaults.Mechanism;
import io.pgrouter.testkit.internal.NetworkFaultSettings;
import io.pgrouter.testkit.internal.ReplicaSetSpec;
import org.junit.jupiter.api.Test;

class NetworkFaultsOptionTest {

    @Test
    void networkFaultsAreOffByDefault() {
        ReplicaSetSpec spec = PostgresReplicaSet.builder().spec();
        assertThat(spec.networkFaults()).isFalse();
        assertThat(spec.toString()).doesNotContain("networkFaults");
    }

    @Test
    void enablingLeavesTheMechanismToTheKitUnlessOneIsNamed() {
        assertThat(PostgresReplicaSet.builder().networkFaults(true).spec())
                .satisfies(s -> assertThat(s.networkFaults()).isTrue())
                .satisfies(s -> assertThat(s.networkMechanism()).isNull())
                .satisfies(s -> assertThat(s.toString()).contains("networkFaults=auto"));
        assertThat(PostgresReplicaSet.builder().networkFaults(Mechanism.PROXY).spec())
                .satisfies(s -> assertThat(s.networkFaults()).isTrue())
                .satisfies(s -> assertThat(s.networkMechanism()).isEqualTo(Mechanism.PROXY));
        assertThat(PostgresReplicaSet.builder()
                        .networkFaults(Mechanism.PROXY)
                        .networkFaults(false)
                        .spec())
                .satisfies(s -> assertThat(s.networkFaults()).isFalse())
                .satisfies(s -> assertThat(s.networkMechanism()).isNull());
    }

    @Test
    void aNamedMechanismWinsOverTheProperty() {
        assertThat(NetworkFaultSettings.choose(Mechanism.PROXY)).isEqualTo(Mechanism.PROXY);
    }

    @Test
    void anUnknownMechanismInThePropertyIsRejectedNamingIt() {
        String previous = System.getProperty("pgrouter.testkit.network-faults");
        System.setProperty("pgrouter.testkit.network-faults", "firewall");
        try {
            assertThatThrownBy(() -> NetworkFaultSettings.choose(null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("pgrouter.testkit.network-faults")
                    .hasMessageContaining("'firewall'");
        } finally {
            if (previous == null) {
                System.clearProperty("pgrouter.testkit.network-faults");
            } else {
                System.setProperty("pgrouter.testkit.network-faults", previous);
            }
        }
    }

    @Test
    void aNullMechanismIsRejected() {
        assertThatThrownBy(() -> PostgresReplicaSet.builder().networkFaults((Mechanism) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("network fault mechanism");
    }
}
