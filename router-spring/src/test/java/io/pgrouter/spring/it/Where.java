package io.pgrouter.spring.it;

import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import org.springframework.jdbc.core.RowMapper;

/**
 * Where a session ran, as its server answered inside it.
 *
 * @param inRecovery whether the server is a standby
 * @param port the server's port
 */
public record Where(boolean inRecovery, int port) {

    /** The query that tells, first column {@code pg_is_in_recovery()}, second the server's port. */
    public static final String SQL = "select pg_is_in_recovery(), inet_server_port()";

    /** Reads a row of {@link #SQL}. */
    public static final RowMapper<Where> ROW = (rs, i) -> new Where(rs.getBoolean(1), rs.getInt(2));

    /** The name of the node with this port. */
    public String node(ReplicaSet cluster) {
        return cluster.nodes().stream().filter(n -> n.port() == port).map(PostgresNode::name).findFirst()
                .orElse("unknown port " + port);
    }
}
