package io.pgrouter.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValueParsersTest {

    private static final String KEY = "pgrouter.probe.interval";

    @ParameterizedTest(name = "''{0}'' is {1}")
    @CsvSource(delimiter = '|', textBlock = """
            500                    | PT0.5S
            0                      | PT0S
            500ms                  | PT0.5S
            ' 5 s '                | PT5S
            5S                     | PT5S
            2m                     | PT2M
            3h                     | PT3H
            1d                     | PT24H
            1500us                 | PT0.0015S
            7ns                    | PT0.000000007S
            PT5S                   | PT5S
            pt0.25s                | PT0.25S
            P1D                    | PT24H
            9223372036854775807ns  | PT2562047H47M16.854775807S
            9223372036854ms        | PT2562047H47M16.854S
            9223372036s            | PT2562047H47M16S
            106751d                | PT2562024H
            PT-5S                  | PT-5S
            """)
    void readsDurations(String text, String expected) {
        assertThat(ValueParsers.duration(KEY, text)).isEqualTo(Duration.parse(expected));
    }

    /** Too large for a long of nanoseconds, for a long of the unit, or for a Duration: rejected, never wrapped. */
    @ParameterizedTest(name = "''{0}'' is out of range")
    @CsvSource(delimiter = '|', textBlock = """
            9223372036854775807us
            9223372036854775807ms
            9223372036854775808ns
            99999999999999999999999
            9223372037s
            9223372036855ms
            9223372036854775807s
            153722867280912931m
            9223372036854775807m
            9223372036854775807h
            106752d
            9223372036854775807d
            PT9223372036854775807H
            PT99999999999999999999S
            P106752D
            PT-9223372037S
            """)
    void rejectsDurationsOutOfRange(String text) {
        assertThatThrownBy(() -> ValueParsers.duration(KEY, text))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(KEY + " is out of range: a duration must be within 292 years, was '" + text + "'");
    }

    @ParameterizedTest(name = "''{0}'' is no duration")
    @CsvSource(delimiter = '|', textBlock = """
            ''
            5 seconds
            -5s
            1.5s
            5w
            PT
            ms
            """)
    void rejectsTextThatIsNoDuration(String text) {
        assertThatThrownBy(() -> ValueParsers.duration(KEY, text))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage(KEY + " must be a duration such as 500ms, 5s, 2m or PT5S, was '" + text + "'");
    }

    @Test
    void integersOutOfIntRangeAreNamedLikeAnyBadInteger() {
        assertThat(ValueParsers.integer("pgrouter.lag.rejoin-after", " 42 ")).isEqualTo(42);
        assertThatThrownBy(() -> ValueParsers.integer("pgrouter.lag.rejoin-after", "2147483648"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("pgrouter.lag.rejoin-after must be an integer, was '2147483648'");
    }

    @Test
    void bytesTooLargeAreRejected() {
        assertThat(ValueParsers.bytes("pgrouter.lag.max-bytes", "16MB")).isEqualTo(16L << 20);
        assertThatThrownBy(() -> ValueParsers.bytes("pgrouter.lag.max-bytes", "9223372036854775807GB"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("pgrouter.lag.max-bytes is too large, was '9223372036854775807GB'");
    }
}
