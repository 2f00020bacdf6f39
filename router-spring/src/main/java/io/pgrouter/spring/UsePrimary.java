package io.pgrouter.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Routes the connections first used while the annotated method runs to the primary, through an
 * {@link io.pgrouter.RoutingDataSource#onPrimary() onPrimary} scope opened around the call, even inside
 * {@code @Transactional(readOnly = true)} or an enclosing {@link ReadOnly} call. For reads that must see the latest
 * writes. On a type, it applies to every method called through the bean's proxy; an annotation on the method wins
 * over one on the type.
 *
 * @see ReadOnly
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface UsePrimary {}
