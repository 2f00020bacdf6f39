package io.pgrouter.spring.web;

import io.pgrouter.CausalSession;
import io.pgrouter.RouteScope;
import io.pgrouter.RoutingDataSource;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Objects;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives each request read-your-writes: binds a {@link CausalSession} made from the request's token (the header, else
 * the cookie) for the request's thread, so that its reads see what it and the requests before it (that passed the
 * token on) wrote; and writes the session's newest token back on the response, in the header (and in the cookie
 * when the request came with it).
 *
 * <p>The token is written before the response is committed: when the application starts the body (asks for the
 * output stream or writer, flushes, sends an error or a redirect), and at the end if it had not. In Spring MVC the
 * body starts after the handler returned, so it covers the handler's commits. Commits made after the body started
 * (streaming responses) are not in the response's token. A bad token is no token (see {@link CausalSession#fromToken}).
 */
public class CausalConsistencyFilter extends OncePerRequestFilter {

    private final RoutingDataSource router;
    private final String header;
    private final String cookie;

    /**
     * @param header the header that carries the token
     * @param cookie the cookie that carries it when the header is absent; {@code null} or empty for none
     */
    public CausalConsistencyFilter(RoutingDataSource router, String header, String cookie) {
        this.router = Objects.requireNonNull(router, "router");
        this.header = Objects.requireNonNull(header, "header");
        this.cookie = cookie == null || cookie.isBlank() ? null : cookie;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String fromCookie = cookie == null ? null : cookieValue(request);
        String token = request.getHeader(header);
        CausalSession session = CausalSession.fromToken(token != null ? token : fromCookie);
        TokenWritingResponse wrapped = new TokenWritingResponse(response, session, fromCookie != null);
        try (RouteScope ignored = router.causal(session)) {
            chain.doFilter(request, wrapped);
        } finally {
            wrapped.writeToken();
        }
    }

    private String cookieValue(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (cookie.equals(c.getName())) {
                    return c.getValue();
                }
            }
        }
        return null;
    }

    /** Writes the session's token on the response at the last moment it still can. */
    private final class TokenWritingResponse extends HttpServletResponseWrapper {
        private final CausalSession session;
        private final boolean setCookie;

        TokenWritingResponse(HttpServletResponse response, CausalSession session, boolean setCookie) {
            super(response);
            this.session = session;
            this.setCookie = setCookie;
        }

        void writeToken() {
            HttpServletResponse response = (HttpServletResponse) getResponse();
            if (response.isCommitted()) {
                return;
            }
            String token = session.toToken();
            if (token.isEmpty()) {
                return;
            }
            response.setHeader(header, token);
            if (setCookie) {
                Cookie c = new Cookie(cookie, token);
                c.setPath("/");
                c.setHttpOnly(true);
                response.addCookie(c);
            }
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            writeToken();
            return super.getOutputStream();
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            writeToken();
            return super.getWriter();
        }

        @Override
        public void flushBuffer() throws IOException {
            writeToken();
            super.flushBuffer();
        }

        @Override
        public void sendError(int sc, String msg) throws IOException {
            writeToken();
            super.sendError(sc, msg);
        }

        @Override
        public void sendError(int sc) throws IOException {
            writeToken();
            super.sendError(sc);
        }

        @Override
        public void sendRedirect(String location) throws IOException {
            writeToken();
            super.sendRedirect(location);
        }
    }
}
