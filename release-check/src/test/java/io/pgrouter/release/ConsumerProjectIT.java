package io.pgrouter.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.release.PublishedModules.Module;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * samples/consumer built as a user's project would be: the published artifacts installed into an empty local
 * repository, everything else read from the machine's own repository as a read-only tail, the wrapper offline.
 * Its integration test starts the service against the test kit's primary and replica and checks that a read ran
 * on the replica and a write on the primary. Run on JDK 17 and on the newest JDK installed.
 */
class ConsumerProjectIT {

    /** An offline build of a small project, with two PostgreSQL servers started in its test. */
    private static final long BUILD_TIMEOUT_MINUTES = 10;

    private static final Path JVM_DIRECTORY = Path.of("/usr/lib/jvm");

    private static Path root;
    private static Path repository;

    @BeforeAll
    static void installPublishedArtifacts() throws IOException {
        PublishedModules published = PublishedModules.read();
        root = published.root();
        repository = root.resolve("release-check/target/consumer-repository");
        deleteRecursively(repository);
        for (Module module : published.modules()) {
            install(module);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(strings = {"17", "newest"})
    void theConsumerBuildsAndRoutesAgainstThePublishedArtifacts(String jdk) throws Exception {
        Path javaHome = jdk.equals("17") ? jdk17() : newestJdk().orElse(null);
        Assumptions.assumeTrue(
                javaHome != null,
                "no JDK newer than 17 under " + JVM_DIRECTORY + ": the consumer was built and run on JDK 17 only");
        int feature = featureVersion(javaHome);
        Path project = copyConsumer("jdk-" + feature);
        Path log = project.resolve("build.log");

        List<String> command = new ArrayList<>(List.of(
                root.resolve("mvnw").toString(),
                "-B",
                "-o",
                "verify",
                "-Dmaven.repo.local=" + repository,
                "-Dmaven.repo.local.tail=" + machineRepository(),
                "-Dpgrouter.version=" + System.getProperty("pgrouter.version")));
        for (String version : System.getProperty("consumer.plugin-versions").split(",")) {
            command.add("-D" + version);
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().remove("MAVEN_OPTS");
        Process build = builder.start();
        try {
            boolean ended = build.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES);
            assertThat(ended)
                    .as(
                            "consumer build on JDK %d ended within %d minutes (log: %s)",
                            feature, BUILD_TIMEOUT_MINUTES, log)
                    .isTrue();
        } finally {
            build.descendants().forEach(ProcessHandle::destroyForcibly);
            build.destroyForcibly();
        }

        String output = Files.readString(log);
        assertThat(build.exitValue())
                .as("consumer build on JDK %d, log %s:%n%s", feature, log, tail(output))
                .isZero();
        assertThat(output)
                .as("the consumer's tests ran on JDK %d", feature)
                .contains("Running com.example.consumer.ConsumerApplicationIT")
                .contains("Tests run: 2, Failures: 0, Errors: 0, Skipped: 0");
        assertThat(Files.readString(project.resolve("target/failsafe-reports/failsafe-summary.xml")))
                .contains("<completed>2</completed>", "<failures>0</failures>", "<errors>0</errors>");
        // Nothing but the published artifacts came from the new repository: all else from the tail, offline.
        // (The test kit may put its PostgreSQL binaries jar there when this machine has not extracted them yet.)
        try (Stream<Path> files = Files.walk(repository)) {
            assertThat(files.filter(Files::isRegularFile)
                            .map(repository::relativize)
                            .map(Path::toString))
                    .allMatch(file -> file.startsWith("io/pgrouter/") || file.startsWith("io/zonky/test/postgres/"));
        }
        System.out.printf("Consumer built and ran on JDK %d (%s)%n", feature, javaHome);
    }

    /** Lays out a module's deployed files as {@code mvn install} does in a local repository. */
    private static void install(Module module) throws IOException {
        String artifactId = module.artifactId();
        String version = module.deployed().getVersion();
        Path target = repository.resolve("io/pgrouter").resolve(artifactId).resolve(version);
        Files.createDirectories(target);
        Files.copy(module.deployedPom(), target.resolve(artifactId + "-" + version + ".pom"));
        if (module.isJar()) {
            for (String classifier : List.of("", "sources", "javadoc")) {
                Path jar = module.jar(classifier);
                Files.copy(jar, target.resolve(jar.getFileName()));
            }
        }
    }

    private static Path copyConsumer(String name) throws IOException {
        Path source = root.resolve("samples/consumer");
        Path copy = root.resolve("release-check/target/consumer-" + name);
        deleteRecursively(copy);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.filter(file -> !source.relativize(file).startsWith("target"))
                    .toList()) {
                Files.copy(file, copy.resolve(source.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return copy;
    }

    private static Path machineRepository() {
        String configured = System.getProperty("maven.repo.local");
        return configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** This JVM when it is a 17, else a JDK 17 installed beside it. */
    private static Path jdk17() {
        Path current = Path.of(System.getProperty("java.home"));
        if (Runtime.version().feature() == 17) {
            return current;
        }
        return installedJdks()
                .filter(home -> featureVersion(home) == 17)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no JDK 17 under " + JVM_DIRECTORY + " and this JVM is "
                        + Runtime.version() + ": the consumer must build on the oldest supported Java"));
    }

    private static Optional<Path> newestJdk() {
        return installedJdks()
                .filter(home -> featureVersion(home) > 17)
                .max(Comparator.comparingInt(ConsumerProjectIT::featureVersion));
    }

    /** JDKs (with javac) in the usual Linux place; each names its version in its {@code release} file. */
    private static Stream<Path> installedJdks() {
        if (!Files.isDirectory(JVM_DIRECTORY)) {
            return Stream.empty();
        }
        try (Stream<Path> homes = Files.list(JVM_DIRECTORY)) {
            return homes
                    .filter(home -> Files.isRegularFile(home.resolve("release"))
                            && Files.isExecutable(home.resolve("bin/javac")))
                    .sorted()
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int featureVersion(Path javaHome) {
        Properties release = new Properties();
        try (var reader = Files.newBufferedReader(javaHome.resolve("release"))) {
            release.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + javaHome.resolve("release"), e);
        }
        String version = release.getProperty("JAVA_VERSION", "\"0\"").replace("\"", "");
        return Integer.parseInt(version.split("[.+-]")[0]);
    }

    private static String tail(String output) {
        List<String> lines = Arrays.asList(output.split("\n"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
