package io.pgrouter.spring.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.testkit.Where;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The Spring Boot application over TLS with full verification: the cluster's servers refuse connections without TLS,
 * and pgrouter verifies them with {@code pgrouter.ssl.mode=verify-full} and the kit's CA from
 * {@code pgrouter.ssl.root-cert}. Reads and writes are routed, and the actuator health scenarios of {@link HealthIT}
 * (inherited, with its application and properties) run here over TLS.
 */
@PostgresReplicaSet(replicas = 1, isolated = true, tls = true)
class TlsIT extends HealthIT {

    private static final String SESSION_USES_TLS = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

    @Autowired
    WhereService service;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    PlatformTransactionManager transactionManager;

    @DynamicPropertySource
    static void verifyFull(DynamicPropertyRegistry registry) {
        registry.add("pgrouter.ssl.mode", () -> "verify-full");
        registry.add(
                "pgrouter.ssl.root-cert", () -> cluster.tls().caCertificate().toString());
    }

    @Test
    void readOnlyTransactionsGoToTheReplicaAndTheOthersToThePrimaryOverVerifiedTls() {
        Where read = service.readOnlyTransaction();
        assertThat(read.inRecovery()).as("on a standby").isTrue();
        assertThat(read.node(cluster)).isEqualTo(cluster.replica(0).name());
        Where write = service.readWriteTransaction();
        assertThat(write.inRecovery()).as("on a standby").isFalse();
        assertThat(write.node(cluster)).isEqualTo(cluster.primary().name());

        TransactionTemplate readOnly = new TransactionTemplate(transactionManager);
        readOnly.setReadOnly(true);
        assertThat(sessionUsesTls(readOnly)).as("a replica's session over TLS").isTrue();
        assertThat(sessionUsesTls(new TransactionTemplate(transactionManager)))
                .as("the primary's session over TLS")
                .isTrue();
    }

    private Boolean sessionUsesTls(TransactionTemplate transaction) {
        return transaction.execute(status -> jdbc.queryForObject(SESSION_USES_TLS, Boolean.class));
    }
}
