package io.pgrouter.internal.causal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.internal.causal.TokenCodec.Rejection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenCodecTest {

    private static final long SYSTEM = 0xF5A3_8C2B_1D04_4E77L; // negative as a signed long: unsigned all the way

    @Test
    void aPositionSurvivesTheRoundTrip() {
        CausalState state = new CausalState(new WalPosition(SYSTEM, 3, 0x1_0300_0148L), 0, false);

        String token = TokenCodec.encode(state);

        assertThat(token).isEqualTo("1.f5a38c2b1d044e77.3.103000148").matches("[0-9a-f.p]{1,46}");
        assertThat(TokenCodec.decode(token, () -> 7)).isEqualTo(state);
    }

    @Test
    void theLargestPositionFitsTheLengthLimit() {
        CausalState state = new CausalState(new WalPosition(-1L, 0xFFFF_FFFFL, -1L), 0, true);

        String token = TokenCodec.encode(state);

        assertThat(token).hasSize(TokenCodec.MAX_LENGTH);
        assertThat(TokenCodec.decode(token, () -> 7)).isEqualTo(new CausalState(state.position(), 7, true));
    }

    @Test
    void aPendingCommitCountsFromWhenTheTokenArrives() {
        assertThat(TokenCodec.encode(new CausalState(null, 5, true))).isEqualTo("1.p");
        assertThat(TokenCodec.decode("1.p", () -> 42)).isEqualTo(new CausalState(null, 42, true));
    }

    @Test
    void nothingIsTheEmptyToken() {
        assertThat(TokenCodec.encode(CausalState.EMPTY)).isEmpty();
        long before = TokenCodec.rejected();
        assertThat(TokenCodec.decode(null, () -> 0)).isEqualTo(CausalState.EMPTY);
        assertThat(TokenCodec.decode(" ", () -> 0)).isEqualTo(CausalState.EMPTY);
        assertThat(TokenCodec.rejected()).as("no token is not a bad token").isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "MALFORMED|garbage",
                "MALFORMED|1.f5a3.1",
                "MALFORMED|1.f5a3.1.zz",
                "MALFORMED|1.F5A3.1.100",
                "MALFORMED|1.f5a3.0.100",
                "MALFORMED|1.f5a3.1.100.q",
                "MALFORMED|1.f5a3.123456789.100",
                "MALFORMED|1.12345678901234567.1.100",
                "MALFORMED|../../etc/passwd",
                "MALFORMED|.1.1.1",
                "UNSUPPORTED_VERSION|2.f5a3.1.100",
                "UNSUPPORTED_VERSION|17.p",
                "TOO_LONG|1.f5a38c2b1d044e77.3.10300014810300014810300014",
            })
    void aBadTokenIsNoTokenAndIsCounted(Rejection kind, String token) {
        long before = TokenCodec.rejected(kind);

        assertThat(TokenCodec.decode(token, () -> 0)).isEqualTo(CausalState.EMPTY);

        assertThat(TokenCodec.rejected(kind)).isEqualTo(before + 1);
    }

    @Test
    void aTokenThatWouldForgeAHeaderOrALogLineIsRejected() {
        long before = TokenCodec.rejected(Rejection.MALFORMED);

        assertThat(TokenCodec.decode("1.f5a3.1.100\r\nX-Injected: yes", () -> 0))
                .isEqualTo(CausalState.EMPTY);

        assertThat(TokenCodec.rejected(Rejection.MALFORMED)).isEqualTo(before + 1);
    }

    @Test
    void anAbsurdlyLongTokenIsRejectedWithoutParsing() {
        long before = TokenCodec.rejected(Rejection.TOO_LONG);

        assertThat(TokenCodec.decode("1." + "f".repeat(1_000_000), () -> 0)).isEqualTo(CausalState.EMPTY);

        assertThat(TokenCodec.rejected(Rejection.TOO_LONG)).isEqualTo(before + 1);
    }
}
