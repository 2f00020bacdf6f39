package io.pgrouter.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The main job, run for about 20 s as a newcomer would, with every scenario; and the consistency, switchover and cutover
 * scenarios.
 */
class DemoIT {

    @Test
    void theDemoRunsEveryScenarioWithoutAFailedRequestAndSaysSo() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(bytes, System.out), true, StandardCharsets.UTF_8);

        int exit = Demo.run(out, "--duration", "20s", "--ops-per-second", "40");

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertNoRequestFailed(printed);
        assertThat(printed)
                .contains("Orders service on http://127.0.0.1:")
                .contains(">>> drain replica-1")
                .contains(">>> stop replica-1")
                .contains(">>> pause WAL replay on replica-1")
                .contains(">>> setReplicasEnabled(false)")
                .contains("Summary after")
                .contains("requests failed: 0")
                .contains("result: OK, no request failed")
                .contains("REPLICA=")
                .contains("FALLBACK_REPLICAS_DISABLED=");
        assertThat(printed).containsPattern("read on replica=\\d+");
        assertThat(exit).isZero();
    }

    @Test
    void theConsistencyScenarioShowsStaleReadsWithoutATokenAndNoneWithOne() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(bytes, System.out), true, StandardCharsets.UTF_8);

        int exit = Demo.run(out, "--duration", "20s", "--ops-per-second", "20", "--scenario", "consistency");

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertNoRequestFailed(printed);
        assertThat(printed)
                .contains(">>> delay WAL replay on replica-1 by 500 ms")
                .containsPattern("without the token: [1-9]\\d* of 40 reads right after their write missed it")
                .contains("with the token: 0 of 40 reads right after their write missed it")
                .contains("result: OK, no request failed");
        assertThat(exit).isZero();
    }

    @Test
    void theSwitchoverScenarioMovesThePrimaryBackAndForthUnderLoadWithoutAFailedRequest() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(bytes, System.out), true, StandardCharsets.UTF_8);

        int exit = Demo.run(out, "--scenario", "switchover", "--duration", "40s", "--ops-per-second", "40");

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertNoRequestFailed(printed);
        assertThat(printed)
                .contains(">>> switchover to replica-1 under load")
                .contains(">>> switchover back to primary under load")
                .contains("Switchover ")
                .contains("writes held")
                .contains("requests failed: 0")
                .contains("result: OK, no request failed");
        assertThat(printed.split("result: COMPLETED", -1))
                .as("two completed switchovers")
                .hasSize(3);
        assertThat(exit).isZero();
    }

    @Test
    void theCutoverScenarioUpgradesTheOrdersDatabaseFrom15To18UnderLoadWithoutAFailedRequest() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(bytes, System.out), true, StandardCharsets.UTF_8);

        int exit = Demo.run(out, "--scenario", "cutover", "--duration", "40s", "--ops-per-second", "40");

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertNoRequestFailed(printed);
        assertThat(printed)
                .contains("Starting PostgreSQL 15 primary")
                .contains("Starting the cutover target: PostgreSQL 18 primary")
                .contains(">>> cutover to new-primary (PostgreSQL 18) under load")
                .contains("readiness GREEN")
                .contains("result: COMPLETED")
                .contains("requests failed: 0")
                .contains("result: OK, no request failed");
        assertThat(exit).isZero();
    }

    /**
     * Asserts on the demo's summary alone first: when a request failed, the failure message is the summary with every
     * failure's reason, not the whole run's output (which a CI log cuts short).
     */
    private static void assertNoRequestFailed(String printed) {
        int at = printed.lastIndexOf("Summary after");
        assertThat(at)
                .as("the demo printed its summary; it printed:%n%s", printed)
                .isNotNegative();
        assertThat(printed.substring(at))
                .as("the demo's summary")
                .contains("requests failed: 0")
                .contains("result: OK, no request failed");
    }

    /** Writes to two streams: the test keeps what the demo printed, the build log shows it too. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
