package io.pgrouter.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PgjdbcPropertiesTest {

    @Test
    void theLoginIsTheExtraPropertiesThenUserAndPasswordWhereGiven() {
        Properties login = PgjdbcProperties.login(Map.of("sslmode", "verify-full", "user", "other"), "app", "s3cret");
        assertThat(login)
                .containsOnly(
                        Map.entry("sslmode", "verify-full"), Map.entry("user", "app"), Map.entry("password", "s3cret"));

        assertThat(PgjdbcProperties.login(Map.of(), null, null)).isEmpty();
    }

    @Test
    void timeoutsAreWholeSecondsRoundedUpAndAtLeastOne() {
        assertThat(PgjdbcProperties.seconds(Duration.ZERO)).isEqualTo(1);
        assertThat(PgjdbcProperties.seconds(Duration.ofMillis(1))).isEqualTo(1);
        assertThat(PgjdbcProperties.seconds(Duration.ofMillis(1000))).isEqualTo(1);
        assertThat(PgjdbcProperties.seconds(Duration.ofMillis(1001))).isEqualTo(2);
    }

    @Test
    void anOwnSessionGetsTimeoutsAndItsNameOverWhatTheNodeSet() {
        Properties node = PgjdbcProperties.login(Map.of("ApplicationName", "app", "socketTimeout", "0"), "u", null);
        Properties session = PgjdbcProperties.ownSession(node, "pgrouter-probe", Duration.ofMillis(1500), 9);
        assertThat(session).isSameAs(node);
        assertThat(session)
                .containsEntry("connectTimeout", "2")
                .containsEntry("loginTimeout", "2")
                .containsEntry("socketTimeout", "9")
                .containsEntry("ApplicationName", "pgrouter-probe")
                .containsEntry("user", "u");
    }
}
