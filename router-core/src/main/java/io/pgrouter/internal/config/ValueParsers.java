package io.pgrouter.internal.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses configuration text; errors name the key (as labelled by the caller) and the bad value. */
final class ValueParsers {

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ns|us|ms|s|m|h|d)?");

    private ValueParsers() {}

    /**
     * Spring Boot's forms: {@code 500ms}, {@code 5s}, {@code 2m}, {@code PT5S}; a bare number is milliseconds.
     * The result must fit in a {@code long} of nanoseconds (about 292 years), as the timers and pools it feeds
     * count in nanoseconds; anything larger is rejected, never wrapped around.
     */
    static Duration duration(String label, String text) {
        Duration duration = parseDuration(label, text);
        try {
            duration.toNanos();
        } catch (ArithmeticException e) {
            throw outOfRange(label, text);
        }
        return duration;
    }

    private static Duration parseDuration(String label, String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(value);
        if (m.matches()) {
            ChronoUnit unit = switch (m.group(2) == null ? "ms" : m.group(2)) {
                case "ns" -> ChronoUnit.NANOS;
                case "us" -> ChronoUnit.MICROS;
                case "ms" -> ChronoUnit.MILLIS;
                case "s" -> ChronoUnit.SECONDS;
                case "m" -> ChronoUnit.MINUTES;
                case "h" -> ChronoUnit.HOURS;
                default -> ChronoUnit.DAYS;
            };
            try {
                // Duration.of multiplies exactly and throws on overflow, where amount * 1000 would wrap around.
                return Duration.of(Long.parseLong(m.group(1)), unit);
            } catch (NumberFormatException | ArithmeticException e) {
                throw outOfRange(label, text);
            }
        }
        try {
            return Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            // The JDK reports an amount that overflows as a parse error caused by the arithmetic.
            if (e.getCause() instanceof NumberFormatException || e.getCause() instanceof ArithmeticException) {
                throw outOfRange(label, text);
            }
            throw new IllegalArgumentException(
                    label + " must be a duration such as 500ms, 5s, 2m or PT5S, was '" + text + "'");
        }
    }

    private static IllegalArgumentException outOfRange(String label, String text) {
        return new IllegalArgumentException(
                label + " is out of range: a duration must be within 292 years, was '" + text + "'");
    }

    /** {@code true}, {@code on}, {@code yes}, {@code 1} or {@code false}, {@code off}, {@code no}, {@code 0}. */
    static boolean bool(String label, String text) {
        switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1":
                return true;
            case "false", "off", "no", "0":
                return false;
            default:
                throw new IllegalArgumentException(label + " must be true or false, was '" + text + "'");
        }
    }

    /** A whole number in {@code int} range. */
    static int integer(String label, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(label + " must be an integer, was '" + text + "'");
        }
    }

    private static final Pattern DATA_SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb)?");

    /** Spring Boot's data sizes: {@code 16MB}, {@code 512kB}, {@code 1GB}; a bare number is bytes. */
    static long bytes(String label, String text) {
        Matcher m = DATA_SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    label + " must be a size in bytes such as 1048576, 512kB, 16MB or 1GB, was '" + text + "'");
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw tooLarge(label, text);
        }
        int shift = m.group(2) == null
                ? 0
                : switch (m.group(2)) {
                    case "kb" -> 10;
                    case "mb" -> 20;
                    case "gb" -> 30;
                    default -> 0;
                };
        if (amount > (Long.MAX_VALUE >> shift)) {
            throw tooLarge(label, text);
        }
        return amount << shift;
    }

    private static IllegalArgumentException tooLarge(String label, String text) {
        return new IllegalArgumentException(label + " is too large, was '" + text + "'");
    }

    /** The Levenshtein distance, for "did you mean". */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
