package io.pgrouter.testkit.junit;

import io.pgrouter.testkit.patroni.HaproxyFrontend;
import io.pgrouter.testkit.patroni.PatroniCluster;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Disables tests annotated {@link EnabledIfPatroniInstalled} where the programs they need are missing, saying which. */
final class PatroniInstalledCondition implements ExecutionCondition {

    private static final Logger log = LoggerFactory.getLogger(PatroniInstalledCondition.class);
    /** Each reason is printed once per JVM, not once per test. */
    private static final Set<String> PRINTED = ConcurrentHashMap.newKeySet();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean haproxy = context.getElement()
                .flatMap(element -> AnnotationSupport.findAnnotation(element, EnabledIfPatroniInstalled.class))
                .map(EnabledIfPatroniInstalled::haproxy)
                .orElse(false);
        String reason = PatroniCluster.unavailableReason();
        if (reason == null && haproxy) {
            reason = HaproxyFrontend.unavailableReason();
        }
        if (reason == null) {
            return ConditionEvaluationResult.enabled(
                    "Patroni, etcd and PostgreSQL" + (haproxy ? " and HAProxy" : "") + " are installed");
        }
        String message = "Skipped: " + reason;
        if (PRINTED.add(reason)) {
            log.warn("{} ({})", message, context.getDisplayName());
        }
        return ConditionEvaluationResult.disabled(message);
    }
}
