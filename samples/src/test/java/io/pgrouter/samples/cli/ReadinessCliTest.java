package io.pgrouter.samples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReadinessCliTest {

    @TempDir
    Path dir;

    @Test
    void aFileWithoutItsPrimaryIsRefusedNamingTheFileAndTheKeyButNotThePassword() throws Exception {
        Path source = Files.writeString(
                dir.resolve("source.properties"),
                "pgrouter.primary.username=app\npgrouter.primary.password=s3cret-pw\n");
        Path target = Files.writeString(
                dir.resolve("target.properties"), "pgrouter.primary.url=jdbc:postgresql://127.0.0.1:1/shop\n");
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new ReadinessCli()).setErr(new PrintWriter(err));

        int exit = command.execute("--config", source.toString(), "--to", target.toString());

        assertThat(exit).as(err.toString()).isEqualTo(2);
        assertThat(err.toString())
                .contains("the file of --config (" + source + "): source: ")
                .contains("pgrouter.primary")
                .doesNotContain("s3cret-pw");
    }
}
