package io.pgrouter.internal.causal;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The string form of a {@link CausalState}: versioned, short (at most {@value #MAX_LENGTH} characters), made only of
 * characters that are safe unescaped in a URL, an HTTP header and a cookie ({@code 0-9 a-f . p}).
 *
 * <pre>
 *   1.&lt;system identifier&gt;.&lt;timeline&gt;.&lt;lsn&gt;      a position, numbers in lowercase hex: 1.65f3a8c2b1d04e77.1.3000148
 *   1.&lt;system identifier&gt;.&lt;timeline&gt;.&lt;lsn&gt;.p    a position and a later commit whose position was not known yet
 *   1.p                                    only such a commit
 *   (empty)                                nothing
 * </pre>
 *
 * A token that does not parse never throws: it reads as no token, is counted by {@link Rejection}, and logged at
 * WARN at most once per {@value #WARN_INTERVAL_SECONDS} s (showing only its length and its first characters, with
 * anything unsafe masked: a token comes from a client).
 */
public final class TokenCodec {

    /** The version written; the only one read. */
    public static final String VERSION = "1";
    /** No valid token is longer: "1", 3 dots, 16 + 8 + 16 hex digits, ".p". */
    public static final int MAX_LENGTH = 46;

    static final int WARN_INTERVAL_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger("io.pgrouter.consistency");
    private static final Pattern POSITION =
            Pattern.compile("1\\.([0-9a-f]{1,16})\\.([0-9a-f]{1,8})\\.([0-9a-f]{1,16})(\\.p)?");
    private static final String ONLY_PENDING = VERSION + ".p";
    private static final Map<Rejection, LongAdder> REJECTED = new EnumMap<>(Rejection.class);
    private static final AtomicLong LAST_WARN = new AtomicLong(Long.MIN_VALUE);

    static {
        for (Rejection r : Rejection.values()) {
            REJECTED.put(r, new LongAdder());
        }
    }

    /** Why a token was read as no token. */
    public enum Rejection {
        /** Longer than any valid token. */
        TOO_LONG,
        /** Written by another version of the format (its first field is not {@value TokenCodec#VERSION}). */
        UNSUPPORTED_VERSION,
        /** Not in the format: wrong characters, fields or numbers out of range. */
        MALFORMED
    }

    private TokenCodec() {}

    /** The token for {@code state}; the empty string for an empty state. */
    public static String encode(CausalState state) {
        if (state.isEmpty()) {
            return "";
        }
        if (state.position() == null) {
            return ONLY_PENDING;
        }
        WalPosition p = state.position();
        return VERSION + "." + Long.toHexString(p.systemIdentifier()) + "." + Long.toHexString(p.timeline()) + "."
                + Long.toHexString(p.lsn()) + (state.pending() ? ".p" : "");
    }

    /**
     * The state a token stands for; {@link CausalState#EMPTY} for {@code null}, blank, or a bad token (counted and
     * logged, never thrown). A pending commit counts from {@code now}: it happened before the token reached us.
     */
    public static CausalState decode(String token, LongSupplier nanoClock) {
        if (token == null || token.isBlank()) {
            return CausalState.EMPTY;
        }
        if (token.length() > MAX_LENGTH) {
            return reject(Rejection.TOO_LONG, token);
        }
        if (token.equals(ONLY_PENDING)) {
            return new CausalState(null, nanoClock.getAsLong(), true);
        }
        Matcher m = POSITION.matcher(token);
        if (!m.matches()) {
            int dot = token.indexOf('.');
            boolean otherVersion = dot > 0
                    && !token.substring(0, dot).equals(VERSION)
                    && token.substring(0, dot).chars().allMatch(Character::isDigit);
            return reject(otherVersion ? Rejection.UNSUPPORTED_VERSION : Rejection.MALFORMED, token);
        }
        long timeline = Long.parseLong(m.group(2), 16);
        if (timeline < 1) {
            return reject(Rejection.MALFORMED, token);
        }
        WalPosition position = new WalPosition(
                Long.parseUnsignedLong(m.group(1), 16), timeline, Long.parseUnsignedLong(m.group(3), 16));
        boolean pending = m.group(4) != null;
        return new CausalState(position, pending ? nanoClock.getAsLong() : 0, pending);
    }

    /** Tokens rejected since start, of this kind (in this JVM). */
    public static long rejected(Rejection kind) {
        return REJECTED.get(kind).sum();
    }

    /** Tokens rejected since start, of any kind (in this JVM). */
    public static long rejected() {
        long sum = 0;
        for (LongAdder a : REJECTED.values()) {
            sum += a.sum();
        }
        return sum;
    }

    private static CausalState reject(Rejection kind, String token) {
        REJECTED.get(kind).increment();
        long now = System.nanoTime();
        long last = LAST_WARN.get();
        if ((last == Long.MIN_VALUE || now - last >= WARN_INTERVAL_SECONDS * 1_000_000_000L)
                && LAST_WARN.compareAndSet(last, now)) {
            LOG.warn(
                    "Ignored a consistency token ({}, {} characters, starts '{}'); the read routes as without one. "
                            + "Tokens rejected so far: {} (this message at most once per {} s)",
                    kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
                    token.length(),
                    masked(token),
                    rejected(),
                    WARN_INTERVAL_SECONDS);
        }
        return CausalState.EMPTY;
    }

    /** The first characters of a client's token, with anything that could forge a log line masked. */
    private static String masked(String token) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(token.length(), 12); i++) {
            char c = token.charAt(i);
            b.append(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' ? c : '?');
        }
        return b.toString();
    }
}
