package io.pgrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgrouter.RouteScope;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // scopes are opened for their effect, not referenced
class ScopesTest {

    private final Scopes scopes = new Scopes();

    @Test
    void noScopeFollowsTheConnection() {
        assertThat(scopes.request(false)).isSameAs(RouteRequest.WRITE);
        assertThat(scopes.request(true)).isSameAs(RouteRequest.READ);
    }

    @Test
    void readOnlyScopeGivesReadIntentUntilClosed() {
        try (RouteScope ignored = scopes.readOnly()) {
            assertThat(scopes.request(false)).isSameAs(RouteRequest.READ);
            assertThat(scopes.readOnlyActive()).isTrue();
        }
        assertThat(scopes.request(false)).isSameAs(RouteRequest.WRITE);
    }

    @Test
    void onPrimaryInsideReadOnlyWins() {
        try (RouteScope outer = scopes.readOnly()) {
            try (RouteScope inner = scopes.onPrimary()) {
                assertThat(scopes.request(true)).isSameAs(RouteRequest.PRIMARY);
            }
            assertThat(scopes.request(false)).isSameAs(RouteRequest.READ);
        }
    }

    @Test
    void readOnlyInsideOnPrimaryStaysOnThePrimary() {
        try (RouteScope outer = scopes.onPrimary()) {
            try (RouteScope inner = scopes.readOnly()) {
                assertThat(scopes.request(true)).isSameAs(RouteRequest.PRIMARY);
            }
        }
        assertThat(scopes.request(false)).isSameAs(RouteRequest.WRITE);
    }

    @Test
    void nestedReadOnlyScopesCount() {
        RouteScope outer = scopes.readOnly();
        RouteScope inner = scopes.readOnly();
        inner.close();
        inner.close();
        assertThat(scopes.request(false))
                .as("closing twice does not end the outer scope")
                .isSameAs(RouteRequest.READ);
        outer.close();
        assertThat(scopes.request(false)).isSameAs(RouteRequest.WRITE);
    }

    @Test
    void scopesBelongToTheirThread() throws Exception {
        try (RouteScope ignored = scopes.readOnly()) {
            RouteRequest elsewhere =
                    CompletableFuture.supplyAsync(() -> scopes.request(false)).get();
            assertThat(elsewhere).isSameAs(RouteRequest.WRITE);
        }
    }

    @Test
    void closingOnAnotherThreadFails() throws Exception {
        RouteScope scope = scopes.readOnly();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(scope::close);

        assertThatThrownBy(closing::join)
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must be closed on it");
        scope.close();
    }

    @Test
    void routersKeepTheirScopesApart() {
        Scopes other = new Scopes();
        try (RouteScope ignored = scopes.readOnly()) {
            assertThat(other.request(false)).isSameAs(RouteRequest.WRITE);
        }
    }

    @Test
    void stalenessBoundsNestToTheTightestAndUnwind() {
        try (RouteScope outer = scopes.readOnly(5000)) {
            assertThat(scopes.request(false).maxStalenessMillis()).isEqualTo(5000);
            try (RouteScope inner = scopes.readOnly(200)) {
                assertThat(scopes.request(false).maxStalenessMillis()).isEqualTo(200);
                try (RouteScope looser = scopes.readOnly(60_000)) {
                    assertThat(scopes.request(false).maxStalenessMillis()).isEqualTo(200);
                }
                try (RouteScope unbounded = scopes.readOnly()) {
                    assertThat(scopes.request(false).maxStalenessMillis()).isEqualTo(200);
                }
            }
            assertThat(scopes.request(false).maxStalenessMillis()).isEqualTo(5000);
            try (RouteScope primary = scopes.onPrimary()) {
                assertThat(scopes.request(false)).isSameAs(RouteRequest.PRIMARY);
            }
        }
        assertThat(scopes.request(true)).isSameAs(RouteRequest.READ);
        assertThat(scopes.request(true).maxStalenessMillis()).isEqualTo(-1);
    }

    @Test
    void aNegativeBoundIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> scopes.readOnly(-1))
                .hasMessage("max staleness must be zero or positive, was -1 ms");
    }
}
