package io.pgrouter.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportWriterTest {

    @Test
    void markdown_and_json_carry_tables_goals_and_machine() {
        RunReport run = new RunReport("quick", Instant.parse("2026-01-01T00:00:00Z"), Map.of("cores", 2));
        EntryReport entry = new EntryReport("demo", "Demo entry");
        entry.table("Numbers", "peer", "ns/op").row("pgrouter", 123.456).row("hikari", Double.NaN);
        entry.goal("fast enough", true, "123 ns");
        entry.finished(1.5, null);
        run.add(entry);

        String md = ReportWriter.markdown(run);
        assertThat(md)
                .contains(
                        "| cores | 2 |",
                        "| demo | fast enough | yes | 123 ns |",
                        "| pgrouter | 123 |",
                        "| hikari | – |");
        Map<String, Object> json = ReportWriter.asMap(run);
        assertThat((List<?>) json.get("entries")).hasSize(1);
    }
}
