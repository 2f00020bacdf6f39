package io.pgrouter.spring;

import io.pgrouter.RouteScope;
import io.pgrouter.RoutingDataSource;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodClassKey;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Opens a routing scope around calls to methods annotated (or declared in types annotated) with {@link ReadOnly} or
 * {@link UsePrimary}.
 *
 * <p>Ordered at {@link #DEFAULT_ORDER}, far ahead of the transaction interceptor (whose default order is the lowest
 * precedence): the scope must be open before the transaction manager takes the connection, and stay open until the
 * transaction has ended.
 */
public final class RouteAnnotationAdvisor extends AbstractPointcutAdvisor {

    /** Runs outside {@code @Transactional}, whatever order below this the application gives the transaction advisor. */
    public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 1000;

    private static final long serialVersionUID = 1L;

    private final transient Map<MethodClassKey, Optional<Route>> routes = new ConcurrentHashMap<>();
    private final transient Supplier<RoutingDataSource> router;
    private final transient Pointcut pointcut = new StaticMethodMatcherPointcut() {
        @Override
        public boolean matches(Method method, Class<?> targetClass) {
            return routeFor(method, targetClass).isPresent();
        }
    };
    private final transient MethodInterceptor interceptor = this::invoke;

    /**
     * An advisor that opens its scopes on {@code router}, looked up on each annotated call (so that the advisor can
     * exist before the data source does); when it gives {@code null}, calls proceed without a scope.
     */
    public RouteAnnotationAdvisor(Supplier<RoutingDataSource> router) {
        this.router = Objects.requireNonNull(router, "router");
        setOrder(DEFAULT_ORDER);
    }

    @Override
    public Pointcut getPointcut() {
        return pointcut;
    }

    @Override
    public Advice getAdvice() {
        return interceptor;
    }

    @SuppressWarnings("try") // the scope is held for its effect on the thread
    private Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        Class<?> targetClass =
                target != null ? target.getClass() : invocation.getMethod().getDeclaringClass();
        Optional<Route> route = routeFor(invocation.getMethod(), targetClass);
        RoutingDataSource dataSource = route.isPresent() ? router.get() : null;
        if (dataSource == null) {
            return invocation.proceed();
        }
        try (RouteScope ignored = route.get().open(dataSource)) {
            return invocation.proceed();
        }
    }

    private Optional<Route> routeFor(Method method, Class<?> targetClass) {
        return routes.computeIfAbsent(
                new MethodClassKey(method, targetClass), key -> Optional.ofNullable(resolve(method, targetClass)));
    }

    /**
     * The method's own annotation first (on the implementation, then on the interface method), then the type's: the
     * target class (for a JDK proxy such as a Spring Data repository, its interfaces), then the declaring type.
     */
    private static Route resolve(Method method, Class<?> targetClass) {
        Method specific = targetClass != null ? AopUtils.getMostSpecificMethod(method, targetClass) : method;
        for (AnnotatedElement element :
                new AnnotatedElement[] {specific, method, targetClass, method.getDeclaringClass()}) {
            Route route = element != null ? routeOn(element, method) : null;
            if (route != null) {
                return route;
            }
        }
        return null;
    }

    private static Route routeOn(AnnotatedElement element, Method method) {
        if (AnnotatedElementUtils.hasAnnotation(element, UsePrimary.class)) {
            return Route.PRIMARY;
        }
        ReadOnly readOnly = AnnotatedElementUtils.findMergedAnnotation(element, ReadOnly.class);
        if (readOnly == null) {
            return null;
        }
        String bound = readOnly.maxStaleness().strip();
        if (bound.isEmpty()) {
            return Route.READ_ONLY;
        }
        try {
            Duration maxStaleness = DurationStyle.detectAndParse(bound);
            if (maxStaleness.isNegative()) {
                throw new IllegalArgumentException("negative");
            }
            return new Route(false, maxStaleness);
        } catch (IllegalArgumentException e) {
            // Reached when the proxy is created, so a bad bound stops the application at startup.
            throw new IllegalStateException(
                    "@ReadOnly(maxStaleness) on " + method.getDeclaringClass().getName() + "." + method.getName()
                            + " must be a duration such as '500ms', '2s' or 'PT1S', was '" + bound + "'",
                    e);
        }
    }

    /** Where a call goes: to the primary, or to replicas with an optional staleness bound. */
    private record Route(boolean primary, Duration maxStaleness) {
        static final Route PRIMARY = new Route(true, null);
        static final Route READ_ONLY = new Route(false, null);

        RouteScope open(RoutingDataSource dataSource) {
            if (primary) {
                return dataSource.onPrimary();
            }
            return maxStaleness != null ? dataSource.readOnly(maxStaleness) : dataSource.readOnly();
        }
    }
}
