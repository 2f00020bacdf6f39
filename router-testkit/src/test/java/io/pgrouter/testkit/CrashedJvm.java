package io.pgrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child JVM that starts something of the kit, prints {@code READY <what>} and is then killed with SIGKILL. */
public final class CrashedJvm {

    private CrashedJvm() {}

    /**
     * Runs {@code mainClass} in a child JVM with this JVM's class path until it prints a line {@code READY <what>},
     * then kills it with SIGKILL.
     *
     * @param jvmOptions such as {@code -Dname=value}
     * @return {@code <what>}
     */
    public static String runUntilReady(Class<?> mainClass, String... jvmOptions)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
                assertThat(line).as("the child JVM's output before READY").isNotNull();
            } while (!line.startsWith("READY "));
            return line.substring("READY ".length());
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
