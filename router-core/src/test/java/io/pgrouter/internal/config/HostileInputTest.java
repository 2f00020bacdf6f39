package io.pgrouter.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.pgrouter.CausalSession;
import io.pgrouter.PoolSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every configuration key against extreme and random values: the result is a valid configuration with no negative or
 * wrapped-around value, or an {@link IllegalArgumentException} naming the key (and the value, unless it is a secret).
 * Never another exception type.
 */
public class HostileInputTest {

    private static final List<String> EXTREMES = List.of(
            "",
            " ",
            "-1",
            "0",
            "-0",
            "1",
            "2147483648",
            "-2147483649",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "99999999999999999999999999",
            "9223372036854775807us",
            "9223372036854775807ns",
            "9223372036854775807d",
            "106751991167301d",
            "106751991167300d",
            "PT-5S",
            "P99999999999999999D",
            "PT9223372036854775807S",
            "1e309",
            "NaN",
            "-Infinity",
            "0x10",
            "5 s",
            "5S",
            "8796093022208MB",
            "9007199254740992GB",
            "ünïcödé",
            "\u0000",
            "\uD800",
            "日本語",
            "../../etc/passwd",
            "%s%n",
            "${jndi:ldap://x}",
            "true",
            "verify-full",
            "x".repeat(100_000));

    private static final long SEED = 16L;

    @Test
    void everyKeyEitherAcceptsAValueOrNamesItselfInAnIllegalArgumentException() {
        Random random = new Random(SEED);
        List<String> values = new ArrayList<>(EXTREMES);
        for (int i = 0; i < 40; i++) {
            values.add(randomValue(random));
        }
        List<String> keys = new ArrayList<>(PropertiesReader.KNOWN_KEYS);
        keys.add("pgrouter.primary.properties.sslmode");
        keys.add("pgrouter.replicas[0].properties.ApplicationName");
        int accepted = 0;
        int rejected = 0;
        for (String key : keys) {
            for (String value : values) {
                Map<String, String> properties = base();
                properties.put(key, value);
                try {
                    checkNoWrapAround(PropertiesReader.read(properties));
                    accepted++;
                } catch (IllegalArgumentException e) {
                    rejected++;
                    // One key alone can leave its node incomplete: then the message names the key still required.
                    String named = e.getMessage().contains(" is required")
                            ? key.replaceFirst("^(pgrouter\\.(primary|replicas\\[\\d+]|probe|ssl))\\..*", "$1")
                            : key;
                    assertThat(e.getMessage())
                            .as("message for %s=%s", key, abbreviate(value))
                            .contains(named);
                    if (!Secrets.isSecretKey(key)
                            && !value.isBlank()
                            && value.length() < 1000
                            && namesValues(e.getMessage())) {
                        assertThat(e.getMessage())
                                .as("message for %s=%s", key, abbreviate(value))
                                .contains(value.trim());
                    }
                } catch (RuntimeException e) {
                    fail("%s=%s threw %s instead of an IllegalArgumentException", key, abbreviate(value), e);
                }
            }
        }
        System.out.printf(
                "hostile input: %d keys x %d values: %d accepted, %d rejected%n",
                keys.size(), values.size(), accepted, rejected);
    }

    /** Consistency tokens of every bad kind, and token-shaped noise: the application never sees an exception. */
    public static final List<String> HOSTILE_TOKENS = List.of(
            "1." + "f".repeat(17) + ".1.10", // a field longer than its number
            "1.ffffffffffffffff.100000000.10", // a timeline over 32 bits
            "1.abc.0.10", // timeline 0 does not exist
            "1.abc.1.-10",
            "1.ABC.1.10", // upper case is not the format
            "2.abc.1.10", // another version
            "01.abc.1.10",
            "99999999999999999999.abc.1.10",
            "1.abc.1.10.p.p",
            "1.p.p",
            "1..1.1",
            "1.abc.1.10 ",
            "1.abc.1.10\r\nX-Injected: 1",
            "1.abc.1.10;Path=/",
            "1.abc.1",
            "1.abc.1.10." + "p".repeat(40),
            "1." + "0".repeat(46));

    @Test
    void everyTokenEitherParsesOrIsNoTokenAndNeverThrows() {
        Random random = new Random(SEED);
        List<String> tokens = new ArrayList<>(EXTREMES);
        tokens.addAll(HOSTILE_TOKENS);
        String alphabet = "0123456789abcdefp.xP-\n";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder(random.nextBoolean() ? "1." : "");
            int length = random.nextInt(60);
            for (int j = 0; j < length; j++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            tokens.add(b.toString());
        }
        tokens.add(null);
        int parsed = 0;
        for (String token : tokens) {
            try {
                CausalSession session = CausalSession.fromToken(token);
                CausalSession.create().merge(token).merge(session);
                String again = session.toToken();
                assertThat(again)
                        .as("the token written back for %s", abbreviate(String.valueOf(token)))
                        .hasSizeLessThanOrEqualTo(46)
                        .matches("[0-9a-f.p]*");
                assertThat(CausalSession.fromToken(again).toToken()).isEqualTo(again);
                if (!session.isEmpty()) {
                    parsed++;
                }
            } catch (RuntimeException e) {
                fail("token %s threw %s", abbreviate(String.valueOf(token)), e);
            }
        }
        System.out.printf("hostile tokens: %d tried, %d parsed as positions%n", tokens.size(), parsed);
        for (String bad : HOSTILE_TOKENS) {
            assertThat(CausalSession.fromToken(bad).isEmpty()).as(bad).isTrue();
        }
    }

    @Test
    void overflowingDurationsAreRejectedNamingTheKey() {
        for (String key : List.of(
                "pgrouter.probe.interval",
                "pgrouter.lag.max-delay",
                "pgrouter.lag.primary-away-max-delay",
                "pgrouter.failed-replica-backoff",
                "pgrouter.pool.primary.connection-timeout",
                "pgrouter.pool.replica.max-lifetime")) {
            Map<String, String> properties = base();
            properties.put(key, "9223372036854775807us");
            try {
                PropertiesReader.read(properties);
                fail("%s=9223372036854775807us was accepted", key);
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).contains(key, "9223372036854775807us");
            }
        }
    }

    /**
     * Messages about text that does not parse show it as given. (Range checks after parsing show the parsed value,
     * e.g. a duration as PT596H31M23.648S; messages about a missing or conflicting setting name the keys.)
     */
    private static boolean namesValues(String message) {
        return message.matches("(?s).*must be an? .*")
                || message.contains("out of range")
                || message.contains("too large")
                || message.contains("must be one of")
                || message.contains("must be true or false");
    }

    private static void checkNoWrapAround(RouterConfig config) {
        for (PoolSettings pool : List.of(config.primaryPool(), config.replicaPool())) {
            assertThat(pool.maximumPoolSize()).isPositive();
            assertThat(pool.minimumIdle()).isNotNegative();
            for (Duration d : List.of(
                    pool.connectionTimeout(), pool.maxLifetime(), pool.idleTimeout(), pool.leakDetectionThreshold())) {
                assertThat(d.isNegative()).isFalse();
                d.toNanos(); // fits the nanosecond timers it feeds
            }
        }
        assertThat(config.monitor().interval()).isPositive();
        assertThat(config.monitor().timeout()).isPositive();
        assertThat(config.lag().maxBytes()).isNotNegative();
        assertThat(config.lag().maxDelay().isNegative()).isFalse();
        assertThat(config.failedReplicaBackoff().isNegative()).isFalse();
        config.failedReplicaBackoff().toNanos();
        config.lag().maxDelay().toNanos();
    }

    private static Map<String, String> base() {
        Map<String, String> p = new HashMap<>();
        p.put("pgrouter.primary.url", "jdbc:postgresql://127.0.0.1:5432/app");
        p.put("pgrouter.primary.username", "app");
        return p;
    }

    private static String randomValue(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(30);
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(random.nextInt(4) == 0 ? random.nextInt(0x2FFFF) : 0x20 + random.nextInt(0x5F));
        }
        return random.nextBoolean()
                ? text.toString()
                : random.nextLong()
                        + List.of("", "ms", "s", "us", "d", "kB", "GB").get(random.nextInt(7));
    }

    private static String abbreviate(String value) {
        return value.length() > 60 ? value.substring(0, 60) + "...(" + value.length() + " chars)" : value;
    }
}
