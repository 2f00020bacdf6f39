package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.PostgresReplicaSet.Provider;
import io.pgrouter.testkit.ReplicaSet;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a replica set with the provider asked for, or the first that can serve the version asked for. */
public final class ReplicaSetStarter {

    private static final Logger log = LoggerFactory.getLogger(ReplicaSetStarter.class);

    private ReplicaSetStarter() {}

    /**
     * Starts {@code spec}.
     *
     * @throws IllegalStateException listing what each provider reported when none could start it
     */
    public static ReplicaSet start(ReplicaSetSpec spec) {
        List<Provider> candidates = spec.provider() == Provider.AUTO
                ? List.of(Provider.EMBEDDED, Provider.LOCAL, Provider.CONTAINER)
                : List.of(spec.provider());
        List<String> reasons = new ArrayList<>();
        for (Provider provider : candidates) {
            try {
                return startWith(provider, spec);
            } catch (ProviderUnavailableException e) {
                log.debug("Provider {} cannot start {}: {}", provider, spec, e.getMessage());
                reasons.add(provider.name().toLowerCase() + ": " + e.getMessage());
            }
        }
        throw new IllegalStateException(
                "No provider could start PostgreSQL " + spec.version() + ":\n  " + String.join("\n  ", reasons)
                        + "\nFix one of them: let the embedded binaries download from Maven Central (or set PGROUTER_TESTKIT_MAVEN_REPOSITORY),"
                        + " set PG_BIN to a local PostgreSQL " + spec.version().major()
                        + " bin directory, or start a Docker engine.");
    }

    private static ReplicaSet startWith(Provider provider, ReplicaSetSpec spec) {
        return switch (provider) {
            case EMBEDDED -> LocalReplicaSet.start(spec, EmbeddedBinaries.resolve(spec.version()), "embedded");
            case LOCAL ->
                LocalReplicaSet.start(
                        spec, LocalInstallation.find(spec.version().major()), "local");
            case CONTAINER -> ContainerSupport.start(spec);
            case AUTO -> throw new IllegalArgumentException("AUTO is not a provider of its own");
        };
    }
}
