package io.pgrouter.cutover;

import io.pgrouter.internal.config.NodeConfig;
import io.pgrouter.internal.config.PgjdbcProperties;
import io.pgrouter.internal.config.PropertiesReader;
import io.pgrouter.internal.cutover.Endpoint;
import io.pgrouter.internal.cutover.ReadinessCheck;
import io.pgrouter.internal.cutover.ReadinessSettings;
import io.pgrouter.internal.cutover.SequenceSync;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a target cluster fed by logical replication is ready to take over from its source, read from the two live
 * databases at each {@link #check()} and from nothing else (no state files).
 *
 * <pre>{@code
 * CutoverReadiness readiness = CutoverReadiness.builder()
 *         .source(routingDataSource)                       // or source(url, user, password)
 *         .target("jdbc:postgresql://new-db:5432/shop", "cutover", secret)
 *         .maxLagBytes(1 << 20).maxLagTime(Duration.ofSeconds(2)).stableFor(Duration.ofSeconds(30))
 *         .build();
 * ReadinessReport report = readiness.check();   // call it every second or so
 * }</pre>
 *
 * <p>The light is {@link ReadinessReport.Light#GREEN GREEN} only when every table of the subscription is ready,
 * the subscription is enabled with its apply worker running, its slot exists on the source, the lag is under both
 * thresholds, the subscriber is not stalled, and all of that has held at every check for the stable period;
 * {@link ReadinessReport.Light#YELLOW YELLOW} while it holds but not yet for that long; {@link ReadinessReport.Light#RED
 * RED} otherwise, with every reason. The lag in time and the stall detection come from the positions successive
 * checks saw, so check regularly (the lag's resolution is the interval between checks).
 *
 * <p>Thread-safe: checks are serialized. Each check opens one connection to each side and closes it; nothing is
 * held between checks, so there is nothing to close.
 */
public final class CutoverReadiness {

    private static final Logger LOG = LoggerFactory.getLogger("io.pgrouter.cutover");

    private final ReadinessCheck engine;
    private final Endpoint source;
    private final Endpoint target;
    private final SequenceSync sequences;
    private volatile List<SequenceMove> lastSequenceMoves = List.of();
    private volatile ReadinessReport lastReport;

    private CutoverReadiness(ReadinessCheck engine, Endpoint source, Endpoint target, SequenceSync sequences) {
        this.engine = engine;
        this.source = source;
        this.target = target;
        this.sequences = sequences;
    }

    /** A builder; source and target are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads both sides and returns the report. Never throws for a database problem: a side that cannot be reached
     * makes the light RED with the reason.
     */
    public synchronized ReadinessReport check() {
        ReadinessReport report = engine.check();
        lastReport = report;
        if (sequences != null && report.light() == ReadinessReport.Light.GREEN) {
            try {
                List<SequenceMove> moves = sequences.sync(source, target, report.subscription(), true);
                lastSequenceMoves = moves;
                if (LOG.isDebugEnabled()) {
                    LOG.debug("Readiness GREEN: sequences synchronized: {}", moves);
                }
            } catch (SQLException e) {
                LOG.warn("Readiness GREEN, but the sequences could not be synchronized: {}", e.getMessage());
            }
        }
        return report;
    }

    /** The report of the last {@link #check()}, without I/O (for meters and status pages); empty before the first. */
    public java.util.Optional<ReadinessReport> lastReport() {
        return java.util.Optional.ofNullable(lastReport);
    }

    /**
     * What the last synchronization of sequences at a GREEN check did ({@link Builder#syncSequencesWhileGreen});
     * empty before the first one, and without that option.
     */
    public List<SequenceMove> lastSequenceMoves() {
        return lastSequenceMoves;
    }

    /** The options of a {@link CutoverReadiness}; each setter rejects a bad value at once, naming it. */
    public static final class Builder {

        /** The defaults, documented in {@code docs/cutover.md}. */
        static final long DEFAULT_MAX_LAG_BYTES = 1024 * 1024;

        static final Duration DEFAULT_MAX_LAG_TIME = Duration.ofSeconds(5);
        static final Duration DEFAULT_STABLE_FOR = Duration.ofSeconds(30);
        static final long DEFAULT_EXACT_COUNT_ROW_LIMIT = 1_000_000;
        static final int DEFAULT_STALLED_AFTER_CHECKS = 3;
        static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);

        private DataSource sourceDataSource;
        private String sourceUrl;
        private Properties sourceConnection;
        private DataSource targetDataSource;
        private String targetUrl;
        private Properties targetConnection;
        private String subscription;
        private long maxLagBytes = DEFAULT_MAX_LAG_BYTES;
        private Duration maxLagTime = DEFAULT_MAX_LAG_TIME;
        private Duration stableFor = DEFAULT_STABLE_FOR;
        private long exactCountRowLimit = DEFAULT_EXACT_COUNT_ROW_LIMIT;
        private int stalledAfterChecks = DEFAULT_STALLED_AFTER_CHECKS;
        private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;
        private Clock clock = Clock.systemUTC();
        private long sequenceMargin = -1;

        private Builder() {}

        /**
         * Sets the target's sequences of the published tables past the source's at every GREEN check: to the source's
         * last value plus {@code margin} increments, never backwards (see {@code docs/cutover.md}). Off by default;
         * the cutover synchronizes them anyway, for the last time once the source is fenced.
         */
        public Builder syncSequencesWhileGreen(long margin) {
            if (margin < 0) {
                throw new IllegalArgumentException("sequence margin must be at least 0, was " + margin);
            }
            this.sequenceMargin = margin;
            return this;
        }

        /** The source (the cluster in use now) through a data source, such as the application's router. */
        public Builder source(DataSource dataSource) {
            this.sourceDataSource = Objects.requireNonNull(dataSource, "source");
            this.sourceUrl = null;
            return this;
        }

        /** The source by JDBC URL and credentials (user and password may be {@code null} when the URL holds them). */
        public Builder source(String url, String user, String password) {
            return source(url, PgjdbcProperties.login(Map.of(), user, password));
        }

        /**
         * The source by JDBC URL and pgjdbc connection properties: {@code user}, {@code password}, TLS
         * ({@code sslmode}, {@code sslrootcert}, ...) and any other; the check adds its timeouts where they set none.
         */
        public Builder source(String url, Properties connection) {
            this.sourceUrl = Objects.requireNonNull(url, "source.url");
            this.sourceConnection = copy(connection, "source");
            this.sourceDataSource = null;
            return this;
        }

        /**
         * The source as a router's properties describe its primary, connected as that router's pool connects:
         * {@code pgrouter.primary.url} (or {@code .host}, {@code .port}, {@code .database}), {@code .username},
         * {@code .password} or {@code .password-file}, {@code .properties.<name>}, {@code .ssl.*} over the
         * router-wide {@code pgrouter.ssl.*} (a {@code source.properties} file, say). Other {@code pgrouter.} keys are
         * checked but not used.
         *
         * @throws IllegalArgumentException naming the side, the bad key and its value
         */
        public Builder sourceFromProperties(Map<String, String> properties) {
            NodeConfig primary = primaryOf(properties, "source");
            return source(primary.jdbcUrl(), primary.connectionProperties());
        }

        /** The target as a router's properties describe its primary, as {@link #sourceFromProperties}. */
        public Builder targetFromProperties(Map<String, String> properties) {
            NodeConfig primary = primaryOf(properties, "target");
            return target(primary.jdbcUrl(), primary.connectionProperties());
        }

        private static NodeConfig primaryOf(Map<String, String> properties, String side) {
            Objects.requireNonNull(properties, side + " properties");
            try {
                // Not Map.copyOf: a key without a value must reach the reader, whose error names it.
                return PropertiesReader.read(new HashMap<>(properties)).primary();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(side + ": " + e.getMessage(), e);
            }
        }

        /** The target (the new cluster, where the subscription is) through a data source. */
        public Builder target(DataSource dataSource) {
            this.targetDataSource = Objects.requireNonNull(dataSource, "target");
            this.targetUrl = null;
            return this;
        }

        /** The target by JDBC URL and credentials, pointing at the database that holds the subscription. */
        public Builder target(String url, String user, String password) {
            return target(url, PgjdbcProperties.login(Map.of(), user, password));
        }

        /** The target by JDBC URL and pgjdbc connection properties, as {@link #source(String, Properties)}. */
        public Builder target(String url, Properties connection) {
            this.targetUrl = Objects.requireNonNull(url, "target.url");
            this.targetConnection = copy(connection, "target");
            this.targetDataSource = null;
            return this;
        }

        private static Properties copy(Properties connection, String side) {
            Properties copy = new Properties();
            copy.putAll(Objects.requireNonNull(connection, side + " connection properties"));
            return copy;
        }

        /** The subscription on the target; default: the only subscription of the target's database. */
        public Builder subscription(String name) {
            Objects.requireNonNull(name, "subscription");
            if (name.isBlank()) {
                throw new IllegalArgumentException("subscription must not be blank, was '" + name + "'");
            }
            this.subscription = name;
            return this;
        }

        /** The most WAL, in bytes, the subscriber may have left to confirm for GREEN; default 1 MiB. */
        public Builder maxLagBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxLagBytes must be at least 0, was " + bytes);
            }
            this.maxLagBytes = bytes;
            return this;
        }

        /** The age of the oldest unconfirmed change allowed for GREEN; default 5 s. */
        public Builder maxLagTime(Duration time) {
            this.maxLagTime = notNegative("maxLagTime", time);
            return this;
        }

        /** How long every condition must hold before GREEN; default 30 s. {@link Duration#ZERO}: GREEN at once. */
        public Builder stableFor(Duration time) {
            this.stableFor = notNegative("stableFor", time);
            return this;
        }

        /**
         * Tables estimated ({@code pg_class.reltuples}) below this many rows on both sides are counted exactly with
         * {@code count(*)}; larger ones report the estimate. Default 1,000,000; 0 never counts.
         */
        public Builder exactCountRowLimit(long rows) {
            if (rows < 0) {
                throw new IllegalArgumentException("exactCountRowLimit must be at least 0, was " + rows);
            }
            this.exactCountRowLimit = rows;
            return this;
        }

        /** How many checks in a row without progress, while the source moves, make the subscription stalled; default 3. */
        public Builder stalledAfterChecks(int checks) {
            if (checks < 1) {
                throw new IllegalArgumentException("stalledAfterChecks must be at least 1, was " + checks);
            }
            this.stalledAfterChecks = checks;
            return this;
        }

        /** The bound of each query of a check (whole seconds, at least 1); default 5 s. */
        public Builder queryTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("queryTimeout must be positive, was " + timeout);
            }
            this.queryTimeout = timeout;
            return this;
        }

        /** The clock of the stable period and of the lag in time; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @throws IllegalArgumentException when source or target is missing, or a URL is not a PostgreSQL JDBC URL
         *     (the message names the key and shows the URL with secrets masked)
         */
        public CutoverReadiness build() {
            Endpoint source = endpoint("source", sourceDataSource, sourceUrl, sourceConnection);
            Endpoint target = endpoint("target", targetDataSource, targetUrl, targetConnection);
            ReadinessSettings settings = new ReadinessSettings(
                    subscription,
                    maxLagBytes,
                    maxLagTime,
                    stableFor,
                    exactCountRowLimit,
                    stalledAfterChecks,
                    queryTimeout);
            SequenceSync sequences = sequenceMargin < 0
                    ? null
                    : new SequenceSync(sequenceMargin, PgjdbcProperties.seconds(queryTimeout));
            return new CutoverReadiness(new ReadinessCheck(source, target, settings, clock), source, target, sequences);
        }

        private Endpoint endpoint(String side, DataSource dataSource, String url, Properties connection) {
            if (dataSource != null) {
                return Endpoint.of(side, dataSource);
            }
            if (url == null) {
                throw new IllegalArgumentException(
                        side + " is required: call " + side + "(url, user, password) or " + side + "(dataSource)");
            }
            return Endpoint.of(side, url, connection, queryTimeout);
        }

        private static Duration notNegative(String key, Duration value) {
            if (value == null || value.isNegative()) {
                throw new IllegalArgumentException(key + " must be zero or positive, was " + value);
            }
            return value;
        }
    }
}
