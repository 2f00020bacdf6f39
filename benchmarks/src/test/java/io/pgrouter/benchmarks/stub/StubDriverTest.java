package io.pgrouter.benchmarks.stub;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class StubDriverTest {

    @Test
    void marked_urls_get_the_stub_and_others_stay_with_pgjdbc() throws Exception {
        StubDriver.install();
        String url = "jdbc:postgresql://127.0.0.1:1/bench";

        assertThat(DriverManager.getDriver(StubDriver.stubUrl(url))).isInstanceOf(StubDriver.class);
        assertThat(DriverManager.getDriver(url)).isInstanceOf(org.postgresql.Driver.class);
    }

    @Test
    void select_one_answers_one_without_a_server() throws Exception {
        StubDriver.install();
        try (Connection c = DriverManager.getConnection(StubDriver.stubUrl("jdbc:postgresql://127.0.0.1:1/bench"));
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.next()).isFalse();
        }
    }
}
