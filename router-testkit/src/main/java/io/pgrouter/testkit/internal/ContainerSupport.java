package io.pgrouter.testkit.internal;

import io.pgrouter.testkit.ReplicaSet;

/**
 * The door to the container provider: Testcontainers is an optional dependency, so its classes are touched
 * only after this class has checked that they are on the class path and that a Docker engine answers.
 */
public final class ContainerSupport {

    private ContainerSupport() {}

    /** Why containers cannot be used here, or {@code null} when they can. */
    public static String unavailableReason() {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, ContainerSupport.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return "Testcontainers is not on the class path (add org.testcontainers:testcontainers-postgresql)";
        }
        return ContainerReplicaSet.dockerUnavailableReason();
    }

    static ReplicaSet start(ReplicaSetSpec spec) {
        if (spec.networkFaults()) {
            throw new ProviderUnavailableException(
                    "network faults need servers on this machine (the embedded or local provider)");
        }
        if (spec.tls()) {
            throw new ProviderUnavailableException(
                    "TLS needs servers on this machine (the embedded or local provider)");
        }
        String reason = unavailableReason();
        if (reason != null) {
            throw new ProviderUnavailableException(reason);
        }
        return ContainerReplicaSet.start(spec);
    }
}
