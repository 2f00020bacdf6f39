package io.pgrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.testkit.internal.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A replica set with TLS and client certificates: the kit connects with verify-full, anything weaker is refused. */
class TlsIT {

    static ReplicaSet cluster;

    @BeforeAll
    static void start() {
        cluster = PostgresReplicaSet.builder()
                .replicas(1)
                .clientCertificates(true)
                .start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyNodeServesTlsWithACertificateFromTheKitsCa() throws SQLException {
        assertThat(cluster.tls().caCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(cluster.tls().clientCertificatesRequired()).isTrue();
        for (PostgresNode node : cluster.nodes()) {
            assertThat(Sql.queryString(node.dataSource(), "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
                    .as(node.name())
                    .isEqualTo("t");
            assertThat(Sql.queryString(
                            node.dataSource(), "SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
                    .as(node.name())
                    .isEqualTo("/CN=" + cluster.user());
        }
        cluster.awaitReplicated(Duration.ofSeconds(30));
    }

    @Test
    void serverKeysAreOwnedByTheServerAndReadableByItAlone() throws Exception {
        Path dataDir = Path.of(Sql.queryString(cluster.primary().dataSource(), "SHOW data_directory"));
        Path key = dataDir.resolve("server.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        assertThat(Files.getOwner(key)).isEqualTo(Files.getOwner(dataDir));
    }

    @Test
    void aConnectionWithoutTlsIsRefused() {
        assertThatThrownBy(() ->
                        connect("disable", cluster.tls().caCertificate(), true).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("no encryption");
    }

    @Test
    void aConnectionWithoutAClientCertificateIsRefused() {
        assertThatThrownBy(() -> connect("verify-full", cluster.tls().caCertificate(), false)
                        .close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("certificate");
    }

    @Test
    void verificationAgainstAnotherCaFails() {
        assertThatThrownBy(() -> connect("verify-full", cluster.tls().foreignCaCertificate(), true)
                        .close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("SSL error");
    }

    @Test
    void theKeyStoreOpensWithItsPassword() throws SQLException {
        Properties props = credentials();
        props.setProperty("sslmode", "verify-full");
        props.setProperty("sslrootcert", cluster.tls().caCertificate().toString());
        props.setProperty("sslkey", cluster.tls().clientKeyStore().toString());
        props.setProperty("sslpassword", cluster.tls().clientKeyStorePassword());
        try (Connection c = DriverManager.getConnection(cluster.primary().jdbcUrl(), props)) {
            assertThat(Sql.queryString(c, "SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
                    .isEqualTo("/CN=" + cluster.user());
        }
    }

    private static Connection connect(String mode, Path rootCert, boolean clientCertificate) throws SQLException {
        Properties props = credentials();
        props.setProperty("sslmode", mode);
        props.setProperty("sslrootcert", rootCert.toString());
        if (clientCertificate) {
            props.setProperty("sslcert", cluster.tls().clientCertificate().toString());
            props.setProperty("sslkey", cluster.tls().clientKey().toString());
        } else {
            // pgjdbc would otherwise look for ~/.postgresql/postgresql.crt
            props.setProperty("sslcert", "");
        }
        return DriverManager.getConnection(cluster.primary().jdbcUrl(), props);
    }

    private static Properties credentials() {
        Properties props = new Properties();
        props.setProperty("user", cluster.user());
        props.setProperty("password", cluster.password());
        props.setProperty("connectTimeout", "5");
        return props;
    }
}
