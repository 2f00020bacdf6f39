package io.pgrouter.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.model.Model;
import org.apache.maven.model.io.xpp3.MavenXpp3Reader;
import org.codehaus.plexus.util.xml.pull.XmlPullParserException;

/**
 * The modules of the build that deploy (those that set {@code maven.deploy.skip} to false), and the files each
 * puts in a repository: the flattened POM and, for jars, the main, sources and Javadoc jars.
 */
record PublishedModules(Path root, Model parent, List<Module> modules) {

    /** One published module as built: its source POM and what {@code verify} left in {@code target}. */
    record Module(Path dir, Model source, Model deployed) {

        String artifactId() {
            return deployed.getArtifactId();
        }

        boolean isJar() {
            return "jar".equals(deployed.getPackaging());
        }

        Path deployedPom() {
            return dir.resolve("target/flattened-pom.xml");
        }

        /** The artifact with this classifier ({@code ""} for the main jar). */
        Path jar(String classifier) {
            String suffix = classifier.isEmpty() ? "" : "-" + classifier;
            return dir.resolve("target/" + artifactId() + "-" + deployed.getVersion() + suffix + ".jar");
        }
    }

    /** The build's root directory, handed over by the POM of release-check. */
    static Path rootDirectory() {
        String root = System.getProperty("pgrouter.root");
        assertThat(root)
                .as("system property pgrouter.root (set by release-check's pom.xml)")
                .isNotBlank();
        return Path.of(root);
    }

    static PublishedModules read() {
        Path root = rootDirectory();
        Model parent = readPom(root.resolve("pom.xml"));
        List<Module> modules = parent.getModules().stream()
                .map(root::resolve)
                .filter(dir -> "false"
                        .equals(readPom(dir.resolve("pom.xml")).getProperties().getProperty("maven.deploy.skip")))
                .map(dir -> new Module(dir, readPom(dir.resolve("pom.xml")), readBuiltPom(dir)))
                .toList();
        return new PublishedModules(root, parent, modules);
    }

    private static Model readBuiltPom(Path dir) {
        Path pom = dir.resolve("target/flattened-pom.xml");
        assertThat(pom)
                .as("the POM %s deploys; run verify on the whole build first", dir.getFileName())
                .isRegularFile();
        return readPom(pom);
    }

    static Model readPom(Path pom) {
        try (Reader reader = Files.newBufferedReader(pom)) {
            return new MavenXpp3Reader().read(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pom, e);
        } catch (XmlPullParserException e) {
            throw new IllegalStateException("not a POM: " + pom + ": " + e.getMessage(), e);
        }
    }
}
