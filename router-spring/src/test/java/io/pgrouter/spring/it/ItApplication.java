package io.pgrouter.spring.it;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application the integration tests start: JPA, JDBC, web and actuator, with pgrouter as its DataSource. */
@SpringBootApplication
public class ItApplication {}
