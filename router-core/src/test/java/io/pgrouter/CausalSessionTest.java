package io.pgrouter;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgrouter.internal.causal.TokenCodec;
import org.junit.jupiter.api.Test;

class CausalSessionTest {

    @Test
    void aSessionTravelsAsAToken() {
        CausalSession original = CausalSession.fromToken("1.6b0e6d5c4a3b2a19.2.3000148");

        CausalSession copy = CausalSession.fromToken(original.toToken());

        assertThat(copy.toToken()).isEqualTo("1.6b0e6d5c4a3b2a19.2.3000148");
        assertThat(copy.isEmpty()).isFalse();
        assertThat(copy).hasToString("CausalSession[position 7714223454882048537/2/0/3000148]");
    }

    @Test
    void mergingKeepsTheNewest() {
        CausalSession session = CausalSession.fromToken("1.6b0e6d5c4a3b2a19.1.5000000");

        session.merge(CausalSession.fromToken("1.6b0e6d5c4a3b2a19.1.4000000")).merge("1.6b0e6d5c4a3b2a19.2.100");

        assertThat(session.toToken()).isEqualTo("1.6b0e6d5c4a3b2a19.2.100");
    }

    @Test
    void aBadTokenGivesAnEmptySessionAndNoException() {
        long before = TokenCodec.rejected();

        CausalSession session = CausalSession.fromToken("1.xyz\u0000<script>");
        session.merge("not a token");

        assertThat(session.isEmpty()).isTrue();
        assertThat(session.toToken()).isEmpty();
        assertThat(TokenCodec.rejected()).isEqualTo(before + 2);
    }

    @Test
    void anEmptySessionSaysSo() {
        assertThat(CausalSession.create()).hasToString("CausalSession[empty]");
        assertThat(CausalSession.create().isEmpty()).isTrue();
    }
}
