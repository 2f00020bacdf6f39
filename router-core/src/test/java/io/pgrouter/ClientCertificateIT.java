package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.Where;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Client-certificate authentication: the servers require a certificate signed by the kit's CA whose common name is
 * the user ({@code hostssl ... clientcert=verify-full}). Configured from properties, as Spring and files do.
 */
@PostgresReplicaSet(replicas = 1, clientCertificates = true)
class ClientCertificateIT {

    static ReplicaSet cluster;

    private Map<String, String> properties() {
        Map<String, String> p = new HashMap<>();
        p.put("pgrouter.primary.url", cluster.primary().jdbcUrl());
        p.put("pgrouter.primary.username", cluster.user());
        p.put("pgrouter.primary.password", cluster.password());
        p.put("pgrouter.replicas[0].url", cluster.replica(0).jdbcUrl());
        p.put("pgrouter.probe.interval", "200ms");
        p.put("pgrouter.ssl.mode", "verify-full");
        p.put("pgrouter.ssl.root-cert", cluster.tls().caCertificate().toString());
        return p;
    }

    @Test
    void aPemCertificateAndPkcs8KeyLogIn() throws SQLException {
        Map<String, String> p = properties();
        p.put("pgrouter.ssl.cert", cluster.tls().clientCertificate().toString());
        p.put("pgrouter.ssl.key", cluster.tls().clientKey().toString());
        assertRoutesWithTheClientCertificate(p);
    }

    @Test
    void aPasswordProtectedPkcs12KeyStoreLogsIn() throws SQLException {
        Map<String, String> p = properties();
        p.put("pgrouter.ssl.key", cluster.tls().clientKeyStore().toString());
        p.put("pgrouter.ssl.key-password", cluster.tls().clientKeyStorePassword());
        assertRoutesWithTheClientCertificate(p);
    }

    @Test
    void withoutAClientCertificateEveryNodeIsOutOfRotation() {
        try (RoutingDataSource router = RoutingDataSource.fromProperties(properties())) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> router.status().nodes().stream()
                            .allMatch(n -> n.notEligibleReason() != null
                                    && n.notEligibleReason().contains("certificate")));
            System.out.println("without a client certificate: "
                    + router.status().node("primary").notEligibleReason());
        }
    }

    private static void assertRoutesWithTheClientCertificate(Map<String, String> p) throws SQLException {
        try (RoutingDataSource router = RoutingDataSource.fromProperties(p)) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> router.status().node("replica-1").eligible());
            try (Connection c = router.getConnection()) {
                c.setReadOnly(true);
                assertThat(Where.of(c).inRecovery()).isTrue();
                assertThat(clientDn(c)).isEqualTo("/CN=" + cluster.user());
            }
            try (Connection c = router.getConnection()) {
                assertThat(Where.of(c).inRecovery()).isFalse();
                assertThat(clientDn(c)).isEqualTo("/CN=" + cluster.user());
            }
        }
    }

    private static String clientDn(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
