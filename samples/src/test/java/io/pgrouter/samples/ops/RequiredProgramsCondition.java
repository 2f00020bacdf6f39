package io.pgrouter.samples.ops;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** The condition behind {@link RequiresPrograms}. */
final class RequiredProgramsCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<RequiresPrograms> required =
                context.getElement().flatMap(e -> AnnotationSupport.findAnnotation(e, RequiresPrograms.class));
        if (required.isEmpty()) {
            return ConditionEvaluationResult.enabled("no programs required");
        }
        List<String> missing = new ArrayList<>();
        for (String program : required.get().value()) {
            if (find(program).isEmpty()) {
                missing.add(program);
            }
        }
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled(
                    "found " + String.join(", ", required.get().value()));
        }
        String reason = context.getDisplayName() + " skipped: " + String.join(", ", missing) + " not found on PATH ("
                + required.get().installHint() + ")";
        // Surefire and failsafe show a skip's reason only in their reports: say it in the build log too.
        System.out.println("[SKIPPED] " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }

    /** The executable for {@code program}: an absolute path as it is, a bare name looked up on the PATH. */
    static Optional<Path> find(String program) {
        if (program.contains(File.separator)) {
            Path path = Path.of(program);
            return Files.isExecutable(path) && !Files.isDirectory(path) ? Optional.of(path) : Optional.empty();
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable == null) {
            return Optional.empty();
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
