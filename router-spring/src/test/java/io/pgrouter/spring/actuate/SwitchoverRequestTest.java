package io.pgrouter.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.SwitchoverOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

class SwitchoverRequestTest {

    @Test
    void withoutDryRunFalseItIsADryRun() {
        assertThat(SwitchoverRequest.of(null).build().dryRun()).isTrue();
        assertThat(SwitchoverRequest.of("true").build().dryRun()).isTrue();
        assertThat(SwitchoverRequest.of("false").build().dryRun()).isFalse();
    }

    @Test
    void optionsAreReadFromText() {
        SwitchoverOptions options = SwitchoverRequest.of("false")
                .maxPause("3s")
                .drainTimeout("500ms")
                .promoteTimeout("PT10S")
                .cancelAfterDrain("true")
                .externalPromoter("false")
                .maxLagBytes("1024")
                .build();
        assertThat(options.maxPause()).isEqualTo(Duration.ofSeconds(3));
        assertThat(options.drainTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.promoteTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.cancelAfterDrain()).isTrue();
        assertThat(options.externalPromoter()).isFalse();
        assertThat(options.maxLagBytes()).isEqualTo(1024);
    }

    @Test
    void aBadValueNamesTheOptionAndTheValue() {
        assertThatThrownBy(() -> SwitchoverRequest.of("maybe"))
                .isInstanceOf(InvalidEndpointRequestException.class)
                .hasMessage("dryRun must be true or false, was 'maybe'");
        assertThatThrownBy(() -> SwitchoverRequest.of(null).maxPause("soon"))
                .hasMessage("maxPause must be a duration such as 5s, 500ms or PT5S, was 'soon'");
        assertThatThrownBy(() -> SwitchoverRequest.of(null).maxLagBytes("lots"))
                .hasMessage("maxLagBytes must be a whole number of bytes, was 'lots'");
        assertThatThrownBy(() -> SwitchoverRequest.of(null).maxLagBytes("-1"))
                .hasMessageContaining("maxLagBytes '-1'")
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> SwitchoverRequest.of(null).maxPause("0s")).hasMessageContaining("maxPause '0s'");
    }

    @Test
    void aCombinationThatCannotWorkSaysWhy() {
        assertThatThrownBy(() -> SwitchoverRequest.of(null)
                        .maxPause("1s")
                        .drainTimeout("2s")
                        .build())
                .isInstanceOf(InvalidEndpointRequestException.class)
                .hasMessageContaining("drain-timeout (2000 ms) must be shorter than max-pause (1000 ms)");
    }
}
