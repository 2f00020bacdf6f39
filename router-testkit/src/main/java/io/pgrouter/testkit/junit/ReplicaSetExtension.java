package io.pgrouter.testkit.junit;

import io.pgrouter.testkit.ReplicaSet;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link PostgresReplicaSet}: starts the cluster on first use, keeps it in the
 * extension store (the root store when shared, so that JUnit closes it at the very end) and injects it.
 */
public final class ReplicaSetExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ReplicaSetExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        injectFields(context, null, context.getRequiredTestClass());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            injectFields(context, instance, instance.getClass());
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ReplicaSet.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
            throws ParameterResolutionException {
        return replicaSet(context);
    }

    private void injectFields(ExtensionContext context, Object instance, Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getType() != ReplicaSet.class
                        || Modifier.isStatic(field.getModifiers()) == (instance != null)) {
                    continue;
                }
                if (Modifier.isFinal(field.getModifiers())) {
                    throw new ExtensionConfigurationException("Field " + c.getSimpleName() + "." + field.getName()
                            + " of type ReplicaSet must not be final: @PostgresReplicaSet injects it");
                }
                try {
                    field.setAccessible(true);
                    field.set(instance, replicaSet(context));
                } catch (IllegalAccessException e) {
                    throw new ExtensionConfigurationException(
                            "Cannot inject the ReplicaSet into field " + c.getSimpleName() + "." + field.getName()
                                    + ": " + e.getMessage(),
                            e);
                }
            }
        }
    }

    private ReplicaSet replicaSet(ExtensionContext context) {
        PostgresReplicaSet annotation = findAnnotation(context);
        ExtensionContext owner = annotation.isolated() ? classContext(context) : context.getRoot();
        ClusterKey key = ClusterKey.of(annotation, classContext(context).getRequiredTestClass());
        return owner.getStore(NAMESPACE)
                .computeIfAbsent(key, k -> new StartedReplicaSet(k.start()), StartedReplicaSet.class)
                .replicaSet();
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getParent().isPresent() && c.getParent().get().getTestClass().isPresent()) {
            c = c.getParent().get();
        }
        return c;
    }

    private static PostgresReplicaSet findAnnotation(ExtensionContext context) {
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
            var found = AnnotationSupport.findAnnotation(c, PostgresReplicaSet.class);
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new ExtensionConfigurationException("ReplicaSetExtension needs @PostgresReplicaSet on "
                + context.getRequiredTestClass().getName() + " or an enclosing class");
    }

    /** A cluster in the store; JUnit closes it when the store's context ends. */
    private record StartedReplicaSet(ReplicaSet replicaSet) implements AutoCloseable {
        @Override
        public void close() {
            replicaSet.close();
        }
    }
}
