package io.pgrouter.spring.actuate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * The {@code pgrouterpage} web endpoint: {@code GET /actuator/pgrouterpage} answers a live status page (one HTML
 * file with its script, no external resources) that reads {@code GET /actuator/pgrouter} every second: each node
 * with its role, health and why, lag in bytes and time with a short history chart, breaker and pool; the routing
 * mix; and the runtime switches, with buttons only when the {@code pgrouter} endpoint grants write access.
 *
 * <p>Off unless the application opts in: its default access is {@code none}, so it needs
 * {@code management.endpoint.pgrouterpage.access=read-only} and, like any endpoint, exposure
 * ({@code management.endpoints.web.exposure.include=...,pgrouterpage}). Being an actuator endpoint, the page is
 * served where the actuator is (management port and base path) and under the same security rules.
 */
@WebEndpoint(id = "pgrouterpage", defaultAccess = Access.NONE)
public class PgRouterStatusPageEndpoint {

    /** The page's script reads this meta tag to decide whether to show the switches. */
    private static final String WRITE_ACCESS_PLACEHOLDER = "@WRITE_ACCESS@";

    private final String html;

    /**
     * @param writeAccess whether the {@code pgrouter} endpoint's write operation is available (access
     *     {@code unrestricted}): the page then shows buttons that call it
     */
    public PgRouterStatusPageEndpoint(boolean writeAccess) {
        this.html = load().replace(WRITE_ACCESS_PLACEHOLDER, Boolean.toString(writeAccess));
    }

    /** The page. */
    @ReadOperation(produces = "text/html;charset=UTF-8")
    public String page() {
        return html;
    }

    private static String load() {
        try (InputStream in = PgRouterStatusPageEndpoint.class.getResourceAsStream("status-page.html")) {
            if (in == null) {
                throw new IllegalStateException("status-page.html missing next to " + PgRouterStatusPageEndpoint.class);
            }
            String page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!page.contains(WRITE_ACCESS_PLACEHOLDER)) {
                throw new IllegalStateException("status-page.html has no " + WRITE_ACCESS_PLACEHOLDER);
            }
            return page;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read status-page.html", e);
        }
    }
}
