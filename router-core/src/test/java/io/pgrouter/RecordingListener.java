package io.pgrouter;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/** Keeps every event it hears, in order; for tests. Thread-safe. */
public final class RecordingListener implements RouterListener {

    private final List<Object> events = new CopyOnWriteArrayList<>();

    @Override
    public void onNodeStateChange(NodeStateChangeEvent event) {
        events.add(event);
    }

    @Override
    public void onRoleChange(RoleChangeEvent event) {
        events.add(event);
    }

    @Override
    public void onTopologyChange(TopologyChangeEvent event) {
        events.add(event);
    }

    @Override
    public void onFallbackStarted(FallbackEvent event) {
        events.add(event);
    }

    @Override
    public void onFallbackEnded(FallbackEvent event) {
        events.add(event);
    }

    /** Every event heard so far, in order. */
    public List<Object> all() {
        return List.copyOf(events);
    }

    /** The events of one type heard so far, in order. */
    public <T> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Whether an event of {@code type} matching {@code what} was heard. */
    public <T> boolean heard(Class<T> type, Predicate<? super T> what) {
        return of(type).stream().anyMatch(what);
    }

    /** Forgets what was heard. */
    public void clear() {
        events.clear();
    }

    /** Polls {@code condition} until it holds, failing with {@code what} after {@code limit}. */
    public static void await(String what, Duration limit, BooleanSupplier condition) {
        Awaitility.await(what).atMost(limit).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
    }
}
