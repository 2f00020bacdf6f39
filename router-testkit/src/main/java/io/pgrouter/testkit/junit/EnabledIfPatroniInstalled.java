package io.pgrouter.testkit.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class or method only where a {@link io.pgrouter.testkit.patroni.PatroniCluster} can start
 * (and, with {@link #haproxy()}, a {@link io.pgrouter.testkit.patroni.HaproxyFrontend}); elsewhere it is reported as
 * skipped, with the reason (such as {@code 'patroni' is not on the PATH (Debian: apt-get install patroni ...)}) both in
 * the report and printed once to the log.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(PatroniInstalledCondition.class)
public @interface EnabledIfPatroniInstalled {

    /** Whether HAProxy is needed too. */
    boolean haproxy() default false;
}
