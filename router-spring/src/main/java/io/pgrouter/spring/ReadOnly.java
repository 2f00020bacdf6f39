package io.pgrouter.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Routes the connections first used while the annotated method runs to a replica, through a
 * {@link io.pgrouter.RoutingDataSource#readOnly() readOnly} scope opened around the call. On a type, it applies to
 * every method called through the bean's proxy; an annotation on the method wins over one on the type.
 *
 * <p>The scope is opened outside the transaction interceptor, so a {@code @Transactional} method annotated with
 * {@code @ReadOnly} starts its transaction on a replica. A call inside a transaction that already holds a connection
 * stays where that connection is (usually the primary): a transaction never switches nodes. {@link UsePrimary} wins
 * over {@code @ReadOnly}, on the same element or in an enclosing call. The scope belongs to the calling thread:
 * work handed to other threads ({@code @Async}, reactive types) does not see it.
 *
 * @see UsePrimary
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface ReadOnly {

    /**
     * The most a replica may lag behind the primary, in time, to serve this call ({@code 500ms}, {@code 2s},
     * {@code PT1S}); when every replica lags more, reads go to the primary. Empty (the default): any replica in
     * rotation, as the {@code pgrouter.lag.*} thresholds decide.
     */
    String maxStaleness() default "";
}
