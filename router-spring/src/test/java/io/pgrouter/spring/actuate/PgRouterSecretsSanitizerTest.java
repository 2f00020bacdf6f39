package io.pgrouter.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.actuate.endpoint.SanitizableData;

class PgRouterSecretsSanitizerTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "pgrouter.primary.password",
                "pgrouter.replicas[0].password",
                "pgrouter.replicas[12].password",
                "pgrouter.cutover.target.primary.password",
                "pgrouter.cutover.target.replicas[0].password",
                "pgrouter.cutover.target.replicas[1].ssl.key-password",
                "PGROUTER_CUTOVER_TARGET_PRIMARY_PASSWORD",
                "pgrouter.probe.password",
                "pgrouter.ssl.key-password",
                "pgrouter.ssl.keyPassword",
                "pgrouter.primary.ssl.key-password",
                "pgrouter.replicas[1].properties.sslpassword",
                "PGROUTER_PRIMARY_PASSWORD",
                "PGROUTER_SSL_KEY_PASSWORD",
                "PGROUTER_REPLICAS_0_PASSWORD"
            })
    void masksEverySecretKeyInEachFormSpringBindsIt(String key) {
        assertThat(new PgRouterSecretsSanitizer()
                        .apply(new SanitizableData(null, key, "s3cret"))
                        .getValue())
                .isEqualTo(SanitizableData.SANITIZED_VALUE);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "pgrouter.primary.url",
                "pgrouter.primary.username",
                "pgrouter.primary.password-file",
                "pgrouter.cutover.target.primary.password-file",
                "pgrouter.cutover.target.primary.url",
                "PGROUTER_PROBE_PASSWORD_FILE",
                "pgrouter.ssl.key",
                "pgrouter.probe.username",
                "spring.datasource.url",
                "server.port"
            })
    void leavesOtherKeysAlone(String key) {
        assertThat(new PgRouterSecretsSanitizer()
                        .apply(new SanitizableData(null, key, "value"))
                        .getValue())
                .isEqualTo("value");
    }

    @Test
    void aNullKeyIsNoSecret() {
        assertThat(PgRouterSecretsSanitizer.isSecret(null)).isFalse();
    }
}
