/**
 * pgrouter's Spring Boot support: the auto-configuration ({@code io.pgrouter.spring.autoconfigure}), the routing
 * annotations ({@code io.pgrouter.spring}), the actuator endpoint and health indicator
 * ({@code io.pgrouter.spring.actuate}) and the read-your-writes web pieces ({@code io.pgrouter.spring.web}).
 *
 * <p>Spring Boot and Spring Framework ship no module descriptors; their jars carry an {@code Automatic-Module-Name}
 * ({@code spring.boot}, {@code spring.context}, ...), stable names to require. The actuator, health, web, servlet and
 * Micrometer parts are optional, as in the POM ({@code requires static}): the auto-configurations that use them are
 * conditional on their classes. Every package is opened as well as exported: Spring creates the configurations,
 * endpoints and filters by deep reflection (constructors, {@code @Bean} methods, CGLIB subclasses in the package).
 * Requiring automatic modules is the point here, so javac's warning about it is off.
 */
@SuppressWarnings("requires-automatic")
module io.pgrouter.spring {
    // RouterConfigCustomizer and the beans hand out the core's RoutingDataSource and its types.
    requires transitive io.pgrouter;
    requires transitive java.sql;
    requires spring.aop;
    requires spring.beans;
    requires spring.boot;
    requires spring.boot.autoconfigure;
    requires spring.boot.jdbc;
    requires spring.context;
    requires spring.core;
    // Reads the core's status JSON for the endpoint.
    requires tools.jackson.core;
    requires org.slf4j;
    requires static org.jspecify;
    requires static spring.boot.actuator;
    requires static spring.boot.actuator.autoconfigure;
    requires static spring.boot.health;
    requires static spring.web;
    requires static jakarta.servlet;
    requires static micrometer.core;

    exports io.pgrouter.spring;
    exports io.pgrouter.spring.actuate;
    exports io.pgrouter.spring.autoconfigure;
    exports io.pgrouter.spring.web;

    opens io.pgrouter.spring;
    opens io.pgrouter.spring.actuate;
    opens io.pgrouter.spring.autoconfigure;
    opens io.pgrouter.spring.web;
}
