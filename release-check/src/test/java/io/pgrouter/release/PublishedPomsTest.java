package io.pgrouter.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.release.PublishedModules.Module;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.apache.maven.model.Dependency;
import org.apache.maven.model.Model;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What Maven Central's validation requires of each deployed POM and its files, checked on what {@code verify}
 * built: coordinates, name, description, url, a license with name and url, a developer, scm, no parent to
 * resolve, and sources and Javadoc jars next to every main jar. The BOM lists exactly the published artifacts.
 */
class PublishedPomsTest {

    private static PublishedModules published;

    @BeforeAll
    static void read() {
        published = PublishedModules.read();
    }

    @Test
    void thePublishedModulesAreTheLibraryTheTestKitAndTheBom() {
        assertThat(published.modules())
                .extracting(Module::artifactId)
                .containsExactlyInAnyOrder("router-core", "router-testkit", "router-spring", "pgrouter-bom");
    }

    @Test
    void everyDeployedPomHasWhatCentralRequires() {
        SoftAssertions softly = new SoftAssertions();
        for (Module module : published.modules()) {
            Model pom = module.deployed();
            String name = module.artifactId();
            softly.assertThat(pom.getParent())
                    .as("%s: parent (the parent POM is not deployed)", name)
                    .isNull();
            softly.assertThat(pom.getGroupId()).as("%s: groupId", name).isEqualTo("io.pgrouter");
            softly.assertThat(pom.getVersion())
                    .as("%s: version", name)
                    .isEqualTo(published.parent().getVersion());
            softly.assertThat(pom.getName()).as("%s: name", name).isNotBlank();
            softly.assertThat(pom.getDescription()).as("%s: description", name).isNotBlank();
            softly.assertThat(pom.getUrl()).as("%s: url", name).startsWith("https://");
            softly.assertThat(pom.getLicenses())
                    .as("%s: licenses", name)
                    .isNotEmpty()
                    .allSatisfy(license -> {
                        assertThat(license.getName()).as("license name").isNotBlank();
                        assertThat(license.getUrl()).as("license url").startsWith("https://");
                    });
            softly.assertThat(pom.getDevelopers())
                    .as("%s: developers", name)
                    .isNotEmpty()
                    .allSatisfy(developer ->
                            assertThat(developer.getName()).as("developer name").isNotBlank());
            softly.assertThat(pom.getScm()).as("%s: scm", name).isNotNull();
            if (pom.getScm() != null) {
                softly.assertThat(pom.getScm().getConnection())
                        .as("%s: scm connection", name)
                        .startsWith("scm:git:");
                softly.assertThat(pom.getScm().getDeveloperConnection())
                        .as("%s: scm developerConnection", name)
                        .startsWith("scm:git:");
                softly.assertThat(pom.getScm().getUrl()).as("%s: scm url", name).isEqualTo(pom.getUrl());
            }
            // Every version a user resolves is written out; nothing points at the build's properties.
            for (Dependency dependency : pom.getDependencies()) {
                softly.assertThat(dependency.getVersion())
                        .as("%s: version of %s", name, dependency.getManagementKey())
                        .isNotBlank()
                        .doesNotContain("${");
                softly.assertThat(dependency.getScope())
                        .as("%s: scope of %s", name, dependency.getManagementKey())
                        .isNotEqualTo("test");
            }
            softly.assertThat(pom.getProperties()).as("%s: properties", name).isEmpty();
        }
        softly.assertAll();
    }

    @Test
    void everyPublishedJarHasSourcesAndJavadoc() throws IOException {
        List<Module> jars = published.modules().stream().filter(Module::isJar).toList();
        assertThat(jars).hasSize(3);
        for (Module module : jars) {
            assertThat(module.jar("")).isRegularFile();
            assertThat(entries(module.jar("sources")))
                    .as("%s sources", module.artifactId())
                    .anyMatch(entry -> entry.endsWith(".java"));
            assertThat(entries(module.jar("javadoc")))
                    .as("%s javadoc", module.artifactId())
                    .contains("index.html")
                    .noneMatch(entry -> entry.contains("/internal/"));
        }
    }

    @Test
    void theBomManagesEveryPublishedJarAtTheProjectVersion() {
        Module bom = published.modules().stream()
                .filter(module -> module.artifactId().equals("pgrouter-bom"))
                .findFirst()
                .orElseThrow();
        List<Dependency> managed = bom.deployed().getDependencyManagement().getDependencies();
        assertThat(managed)
                .extracting(Dependency::getArtifactId)
                .containsExactlyInAnyOrderElementsOf(published.modules().stream()
                        .filter(Module::isJar)
                        .map(Module::artifactId)
                        .toList());
        // ${project.version} is the BOM's own version wherever it is imported.
        assertThat(managed).allSatisfy(dependency -> {
            assertThat(dependency.getGroupId()).isEqualTo("io.pgrouter");
            assertThat(dependency.getVersion())
                    .isIn("${project.version}", published.parent().getVersion());
            assertThat(dependency.getScope()).isNull();
        });
    }

    private static List<String> entries(Path jar) throws IOException {
        assertThat(jar).isRegularFile();
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(entry -> entry.getName()).toList();
        }
    }
}
