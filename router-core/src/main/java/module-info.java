/**
 * pgrouter's core: {@link io.pgrouter.RoutingDataSource} and its public types; {@code io.pgrouter.micrometer} for
 * metrics; {@code io.pgrouter.cutover} for a move to a new cluster. The engine ({@code io.pgrouter.internal} and below) is not exported. Micrometer and Jackson
 * (the JSON forms only) are optional ({@code requires static}), as in HikariCP's descriptor.
 */
module io.pgrouter {
    requires transitive java.sql;
    // MetricsBinding hands out HikariCP's pool configuration.
    requires transitive com.zaxxer.hikari;
    requires org.postgresql.jdbc;
    requires io.github.resilience4j.circuitbreaker;
    requires io.github.resilience4j.core;
    requires org.slf4j;
    // The Patroni topology source's REST calls.
    requires java.net.http;
    // The DNS topology source's SRV lookups (the JDK's DNS naming provider).
    requires java.naming;
    // Only for the JSON forms (toJson()), which say so when it is absent.
    requires static tools.jackson.core;
    requires static micrometer.core;

    exports io.pgrouter;
    exports io.pgrouter.micrometer;
    exports io.pgrouter.cutover;
    exports io.pgrouter.topology;
}
