package io.pgrouter.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

/** A node's URL from url or host, port and database, with the core's defaults. */
class NodeUrlsTest {

    @Test
    void aUrlIsTakenAsItIs() {
        assertThat(NodeUrls.of(node("jdbc:postgresql://db-1/app", null, null, null), "pgrouter.primary"))
                .isEqualTo("jdbc:postgresql://db-1/app");
    }

    @Test
    void neitherUrlNorHostIsNull() {
        assertThat(NodeUrls.of(new PgRouterProperties.Node(), "pgrouter.primary"))
                .isNull();
    }

    @Test
    void hostPortAndDatabaseMakeTheUrl() {
        assertThat(NodeUrls.of(node(null, " db-1 ", 6432, "orders"), "pgrouter.primary"))
                .isEqualTo("jdbc:postgresql://db-1:6432/orders");
    }

    @Test
    void theDefaultsArePort5432AndTheUsersDatabase() {
        assertThat(NodeUrls.of(node(null, "db-1", null, null), "pgrouter.primary"))
                .isEqualTo("jdbc:postgresql://db-1:5432/");
    }

    @Test
    void anIpv6AddressGetsBrackets() {
        assertThat(NodeUrls.of(node(null, "::1", 5433, "app"), "pgrouter.replicas[0]"))
                .isEqualTo("jdbc:postgresql://[::1]:5433/app");
        assertThat(NodeUrls.of(node(null, "[::1]", 5433, "app"), "pgrouter.replicas[0]"))
                .isEqualTo("jdbc:postgresql://[::1]:5433/app");
    }

    @Test
    void aPortOrDatabaseWithoutHostNamesTheHostKey() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> NodeUrls.of(node(null, null, 5433, null), "pgrouter.replicas[1]"))
                .withMessage("pgrouter.replicas[1].host is required when"
                        + " pgrouter.replicas[1].port or pgrouter.replicas[1].database is set");
    }

    @Test
    void aPortOutOfRangeNamesTheKeyAndValue() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> NodeUrls.of(node(null, "db-1", 0, null), "pgrouter.primary"))
                .withMessage("pgrouter.primary.port must be between 1 and 65535, was '0'");
    }

    private static PgRouterProperties.Node node(String url, String host, Integer port, String database) {
        PgRouterProperties.Node node = new PgRouterProperties.Node();
        node.setUrl(url);
        node.setHost(host);
        node.setPort(port);
        node.setDatabase(database);
        return node;
    }
}
