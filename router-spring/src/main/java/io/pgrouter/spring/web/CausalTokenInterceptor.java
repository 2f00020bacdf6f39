package io.pgrouter.spring.web;

import io.pgrouter.CausalSession;
import io.pgrouter.RoutingDataSource;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Carries read-your-writes to the services this one calls, for {@code RestClient} and {@code RestTemplate}: sends
 * the token of the causal session bound to the calling thread in the consistency header, and merges the token the
 * downstream service answers with back into that session, so that this service's next reads see the downstream
 * service's writes too.
 *
 * <pre>{@code
 * RestClient client = RestClient.builder().requestInterceptor(causalTokenInterceptor).build();
 * }</pre>
 */
public class CausalTokenInterceptor implements ClientHttpRequestInterceptor {

    private final RoutingDataSource router;
    private final String header;

    public CausalTokenInterceptor(RoutingDataSource router, String header) {
        this.router = Objects.requireNonNull(router, "router");
        this.header = Objects.requireNonNull(header, "header");
    }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        Optional<CausalSession> session = router.currentSession();
        session.map(CausalSession::toToken)
                .filter(t -> !t.isEmpty())
                .ifPresent(token -> request.getHeaders().set(header, token));
        ClientHttpResponse response = execution.execute(request, body);
        String answered = response.getHeaders().getFirst(header);
        if (answered != null) {
            session.ifPresent(s -> s.merge(answered));
        }
        return response;
    }
}
