package io.pgrouter.testkit.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.test;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Where Patroni is missing, annotated tests are skipped with a reason that says what is missing and how to get it. */
class PatroniInstalledConditionTest {

    private static final String PATRONI = "pgrouter.testkit.patroni";

    @AfterEach
    void restore() {
        System.clearProperty(PATRONI);
    }

    @Test
    void aTestIsSkippedWithTheReasonWhenPatroniIsMissing() {
        System.setProperty(PATRONI, "/nonexistent/patroni");

        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(NeedsPatroni.class))
                .execute()
                .containerEvents()
                .assertThatEvents()
                .haveExactly(
                        1,
                        event(skippedWithReason(reason ->
                                reason.contains("names /nonexistent/patroni, which is not an executable file"))));
    }

    @Test
    void aMethodLevelAnnotationSkipsThatMethodOnly() {
        System.setProperty(PATRONI, "/nonexistent/patroni");

        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(OneMethodNeedsPatroni.class))
                .execute()
                .testEvents()
                .assertStatistics(stats -> stats.skipped(1).succeeded(1))
                .assertThatEvents()
                .haveExactly(
                        1, event(test("needsPatroni"), skippedWithReason(reason -> reason.startsWith("Skipped: "))));
    }

    @EnabledIfPatroniInstalled
    static class NeedsPatroni {
        @Test
        void needsPatroni() {}
    }

    static class OneMethodNeedsPatroni {
        @Test
        @EnabledIfPatroniInstalled
        void needsPatroni() {}

        @Test
        void needsNothing() {}
    }
}
