package io.pgrouter.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts a real PostgreSQL primary with streaming replicas for a test class, and injects it as an
 * {@link io.pgrouter.testkit.ReplicaSet} into test and lifecycle method parameters and into fields of that type.
 *
 * <pre>{@code
 * @PostgresReplicaSet(replicas = 2)
 * class ReadRoutingIT {
 *     @Test
 *     void readsReachAReplica(ReplicaSet cluster) { ... }
 * }
 * }</pre>
 *
 * <p>Test classes that ask for the same shape share one cluster for the whole test run; it is closed when JUnit
 * finishes. A test that breaks nodes on purpose (stop, freeze, promote) should ask for a cluster of its own with
 * {@link #isolated()}, so that other classes never see the damage. When no provider can start PostgreSQL, the
 * tests fail with the reason; they are not skipped, since a database test that did not run proves nothing.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(ReplicaSetExtension.class)
public @interface PostgresReplicaSet {

    /** {@return how many streaming replicas} */
    int replicas() default 1;

    /** {@return the PostgreSQL version: a major version from 15 to 18, or an exact release such as {@code "17.11.0"}} */
    String version() default io.pgrouter.testkit.PostgresReplicaSet.DEFAULT_VERSION;

    /** {@return the database to create} */
    String database() default "postgres";

    /** {@return server settings as {@code name=value} pairs, for every node} */
    String[] settings() default {};

    /**
     * {@return whether this class gets a cluster of its own, started before its first test and closed after its last,
     * instead of one shared with other classes of the same shape}
     */
    boolean isolated() default false;

    /**
     * Whether nodes get {@linkplain io.pgrouter.testkit.PostgresNode#network() network faults}, as
     * {@link io.pgrouter.testkit.PostgresReplicaSet#networkFaults(boolean)}. A test that uses them breaks nodes, so it
     * usually wants {@link #isolated()} too.
     */
    boolean networkFaults() default false;

    /**
     * Whether every node runs with TLS and refuses connections without it, as
     * {@link io.pgrouter.testkit.PostgresReplicaSet#tls(boolean)}; {@code ReplicaSet.tls()} gives the CA certificate.
     */
    boolean tls() default false;

    /**
     * Whether nodes also require a client certificate, as
     * {@link io.pgrouter.testkit.PostgresReplicaSet#clientCertificates(boolean)}; turns {@link #tls()} on.
     */
    boolean clientCertificates() default false;

    /**
     * {@return whether the primary writes logical WAL, so that another cluster can subscribe to it (a cutover target);
     * see {@link io.pgrouter.testkit.PostgresReplicaSet#logicalReplication(boolean)}}
     */
    boolean logicalReplication() default false;
}
