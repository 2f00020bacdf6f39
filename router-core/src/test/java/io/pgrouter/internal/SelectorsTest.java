package io.pgrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.ReplicaCandidate;
import io.pgrouter.ReplicaSelector;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SelectorsTest {

    record Candidate(String name, int weight, int inFlight, long lagBytes, long lagMillis) implements ReplicaCandidate {
        static Candidate of(String name) {
            return new Candidate(name, 1, 0, -1, -1);
        }
    }

    private static final int PICKS = 30_000;

    private static Map<String, Integer> spread(ReplicaSelector selector, List<Candidate> candidates) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < PICKS; i++) {
            counts.merge(candidates.get(selector.select(candidates)).name(), 1, Integer::sum);
        }
        return counts;
    }

    private static final List<Candidate> THREE = List.of(Candidate.of("a"), Candidate.of("b"), Candidate.of("c"));

    @Test
    void roundRobinTakesTurns() {
        ReplicaSelector selector = ReplicaSelector.roundRobin();

        assertThat(List.of(
                        selector.select(THREE), selector.select(THREE), selector.select(THREE), selector.select(THREE)))
                .containsExactly(0, 1, 2, 0);
        assertThat(spread(selector, THREE)).containsValues(PICKS / 3, PICKS / 3, PICKS / 3);
    }

    @Test
    void randomSpreadsEvenly() {
        assertThat(spread(ReplicaSelector.random(), THREE).values())
                .allSatisfy(n -> assertThat(n).isBetween(9_000, 11_000));
    }

    @Test
    void weightedFollowsWeights() {
        List<Candidate> candidates =
                List.of(new Candidate("light", 1, 0, -1, -1), new Candidate("heavy", 3, 0, -1, -1));

        Map<String, Integer> counts = spread(ReplicaSelector.weighted(), candidates);

        assertThat(counts.get("heavy")).isBetween(21_000, 24_000);
    }

    @Test
    void leastInFlightAvoidsTheBusyReplica() {
        List<Candidate> candidates = List.of(new Candidate("busy", 1, 9, -1, -1), new Candidate("idle", 1, 1, -1, -1));

        assertThat(spread(ReplicaSelector.leastInFlight(), candidates)).containsEntry("idle", PICKS);
    }

    @Test
    void leastInFlightWithEqualLoadSpreads() {
        assertThat(spread(ReplicaSelector.leastInFlight(), THREE).values())
                .allSatisfy(n -> assertThat(n).isBetween(8_000, 12_000));
    }

    @Test
    void leastInFlightNeverLetsTheBusiestWinWithThreeOrMore() {
        List<Candidate> candidates = List.of(
                new Candidate("a", 1, 1, -1, -1),
                new Candidate("b", 1, 2, -1, -1),
                new Candidate("busiest", 1, 50, -1, -1));

        assertThat(spread(ReplicaSelector.leastInFlight(), candidates)).doesNotContainKey("busiest");
    }

    @Test
    void lowestLagPrefersTheFreshest() {
        List<Candidate> candidates = List.of(
                new Candidate("behind", 1, 0, 10_000, 50),
                new Candidate("fresh", 1, 5, 0, 0),
                new Candidate("further", 1, 0, 90_000, 400));

        assertThat(spread(ReplicaSelector.lowestLag(), candidates)).containsEntry("fresh", PICKS);
    }

    @Test
    void lowestLagBreaksTiesByLoadThenSpreads() {
        List<Candidate> tiedBusy = List.of(new Candidate("a", 1, 3, 0, 0), new Candidate("b", 1, 1, 0, 0));
        assertThat(spread(ReplicaSelector.lowestLag(), tiedBusy)).containsEntry("b", PICKS);

        List<Candidate> tied = List.of(new Candidate("a", 1, 0, 0, 0), new Candidate("b", 1, 0, 0, 0));
        assertThat(spread(ReplicaSelector.lowestLag(), tied).values())
                .allSatisfy(n -> assertThat(n).isBetween(13_000, 17_000));
    }

    @Test
    void lowestLagWithUnknownLagBehavesLikeLeastInFlight() {
        List<Candidate> candidates =
                List.of(new Candidate("busy-fresh", 1, 9, 0, 0), new Candidate("idle-unknown", 1, 0, -1, -1));

        assertThat(spread(ReplicaSelector.lowestLag(), candidates)).containsEntry("idle-unknown", PICKS);
    }

    @Test
    void namedSelectorsAndTheirNames() {
        for (String name : List.of("round-robin", "random", "weighted", "least-in-flight", "lowest-lag")) {
            assertThat(ReplicaSelector.named(name.toUpperCase())).hasToString(name);
        }
        assertThat(ReplicaSelector.named("least-in-flight").select(List.of(Candidate.of("only"))))
                .isZero();
    }
}
