package io.pgrouter;

/** What the health monitor last concluded about a node. */
public enum HealthState {
    /** Not probed yet. */
    UNKNOWN,
    /** Answers probes; a replica is fresh enough and in rotation. */
    HEALTHY,
    /** A replica whose lag is over a threshold, or that is back under them for fewer than the rejoin count of probes. */
    LAGGING,
    /** A replica whose WAL receiver does not stream, or whose lag cannot be told: kept out until it can. */
    DISCONNECTED,
    /** Probes fail or time out. */
    UNREACHABLE
}
