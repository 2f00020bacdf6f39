package io.pgrouter.samples.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgrouter.RoutingDataSource;
import io.pgrouter.samples.demo.LoadDriver;
import io.pgrouter.samples.orders.OrdersOnCluster;
import io.pgrouter.testkit.LogicalReplication;
import io.pgrouter.testkit.PostgresNode;
import io.pgrouter.testkit.ReplicaSet;
import io.pgrouter.testkit.junit.PostgresReplicaSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The status page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, driven by
 * Selenium), served by the orders service on a real primary and replica with write access to the endpoint granted,
 * with a cutover target configured: a second PostgreSQL cluster subscribed to the orders database by logical
 * replication. Screenshots go to {@code target/status-page*.png}.
 */
@RequiresPrograms(
        value = {"chromium", "chromedriver"},
        installHint = "Debian: apt-get install chromium chromium-driver")
@PostgresReplicaSet(replicas = 1, database = "orders", isolated = true, logicalReplication = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageBrowserIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** The chart's legend once the replica is 3 s or more behind: "time (solid, max 3.4 s)". */
    private static final Pattern LAG_TIME_MAX = Pattern.compile("time \\(solid, max (?:[3-9]|\\d{2,})\\.\\d s\\)");

    static ReplicaSet cluster;

    /** The cutover target: another cluster, subscribed to the orders database. */
    private ReplicaSet target;

    private LogicalReplication replication;
    private ConfigurableApplicationContext service;
    private LoadDriver load;
    private ChromeDriver browser;

    @BeforeAll
    void startServiceAndBrowser() {
        // JUnit runs stopAll() also when this fails half way.
        target = io.pgrouter.testkit.PostgresReplicaSet.builder()
                .replicas(0)
                .database("orders")
                .start();
        service = OrdersOnCluster.start(
                cluster,
                Map.of(
                        "management.endpoint.pgrouter.access", "unrestricted",
                        "pgrouter.cutover.target.primary.name", "new-primary",
                        "pgrouter.cutover.target.primary.url", target.primary().jdbcUrl(),
                        "pgrouter.cutover.target.primary.username", target.user(),
                        "pgrouter.cutover.target.primary.password", target.password(),
                        "pgrouter.cutover.readiness.check-interval", "500ms",
                        "pgrouter.cutover.readiness.stable-for", "2s"));
        // The service created and seeded the orders tables; the target gets the same tables and copies the rows.
        OrdersOnCluster.createSchemaOn(target.primary());
        replication = LogicalReplication.from(cluster)
                .to(target)
                .name("orders_upgrade")
                .create();
        // Writes keep WAL coming, so that a replica with replay paused falls behind.
        load = new LoadDriver(OrdersOnCluster.baseUrl(service), 20, 2000);
        ChromeOptions options = new ChromeOptions()
                .setBinary(
                        RequiredProgramsCondition.find("chromium").orElseThrow().toFile())
                // --no-sandbox: Chromium refuses to run as root with its sandbox, and CI runs as root.
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000");
        ChromeDriverService driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(RequiredProgramsCondition.find("chromedriver")
                        .orElseThrow()
                        .toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(driverService, options);
        browser.get(OrdersOnCluster.statusPageUrl(service));
    }

    @AfterAll
    void stopAll() {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            try (AutoCloseable t = target;
                    AutoCloseable r = replication;
                    AutoCloseable s = service;
                    AutoCloseable l = load) {
                // the load stops first, then the service, the subscription, the target
            } catch (Exception e) {
                System.out.println("closing the status page test: " + e);
            }
        }
    }

    @Test
    void thePageShowsBothNodesHealthyWithTheirRolesAndTheRoutingMix() throws Exception {
        await("both nodes on the page")
                .atMost(DEADLINE)
                .until(() ->
                        nodeCards().size() == 2 && text("replica-1", ".health").equals("healthy"));

        assertThat(text("primary", ".role")).isEqualTo("primary");
        assertThat(text("replica-1", ".role")).isEqualTo("replica");
        assertThat(text("replica-1", ".breaker")).isEqualTo("closed");
        assertThat(pageText("tr[data-reason=replica] td")).isEqualTo("replica");
        assertThat(pageText("#error")).isEmpty();
        screenshot("status-page-healthy.png");
    }

    @Test
    void theLagChartClimbsWhileReplayIsPausedAndTheReplicaLeavesRotation() throws Exception {
        PostgresNode replica = cluster.replica(0);
        replica.pauseReplay();
        try {
            await("replica-1 lagging on the page, its chart climbing")
                    .atMost(DEADLINE)
                    .until(() -> text("replica-1", ".health").equals("lagging")
                            && text("replica-1", ".lag-value").contains("replay paused")
                            && LAG_TIME_MAX
                                    .matcher(text("replica-1", ".legend"))
                                    .find()
                            && chartHeight("replica-1", "millis") > 55);
            assertThat(text("replica-1", ".eligible")).isEqualTo("no");
            assertThat(text("replica-1", ".why")).isNotEmpty();
            screenshot("status-page.png");
        } finally {
            replica.resumeReplay();
        }
        await("replica-1 healthy again")
                .atMost(DEADLINE)
                .until(() -> text("replica-1", ".health").equals("healthy"));
    }

    @Test
    void withWriteAccessTheForcePrimaryButtonFlipsTheSwitch() {
        RoutingDataSource router = service.getBean(RoutingDataSource.class);
        try {
            click("#switch-force-primary button");
            await("force primary on")
                    .atMost(DEADLINE)
                    .until(() -> router.status().forcePrimary());
            await("the page says so")
                    .atMost(DEADLINE)
                    .until(() -> pageText("#switch-force-primary b").equals("on"));

            click("#switch-force-primary button");
            await("force primary off")
                    .atMost(DEADLINE)
                    .until(() -> !router.status().forcePrimary());
        } finally {
            router.setForcePrimary(false);
        }
    }

    @Test
    void theCutoverLightTurnsGreenByItselfAndRedWithItsReasonWhenTheSubscriptionIsDisabled() throws Exception {
        await("the light GREEN on the page, beside both nodes")
                .atMost(Duration.ofSeconds(120))
                .until(() -> pageText("#cutover-light").equals("GREEN")
                        && nodeCards().size() == 2);
        assertThat(pageText("#cutover h2")).startsWith("Cutover to new-primary");
        assertThat(pageText("#cutover tr[data-table='public.orders'] td:nth-child(2)"))
                .isEqualTo("ready");
        assertThat(pageText("#cutover .reasons")).isEmpty();
        screenshot("status-page-cutover.png");

        replication.disable();
        try {
            await("the light RED with the reason")
                    .atMost(DEADLINE)
                    .until(() -> pageText("#cutover-light").equals("RED")
                            && pageText("#cutover .reasons").contains("subscription orders_upgrade is disabled"));
            assertThat(text("primary", ".role")).isEqualTo("primary");
            assertThat(text("replica-1", ".role")).isEqualTo("replica");
            screenshot("status-page-cutover-red.png");
        } finally {
            replication.enable();
        }
        await("GREEN again once the subscription runs")
                .atMost(Duration.ofSeconds(120))
                .until(() -> pageText("#cutover-light").equals("GREEN"));
    }

    private List<WebElement> nodeCards() {
        return browser.findElements(By.cssSelector("article.node"));
    }

    /** Clicks an element as a user would; the page redraws every second, so a click that missed is tried again. */
    private void click(String css) {
        await("click " + css)
                .atMost(DEADLINE)
                // One predicate for both: a second ignoreException(...) would replace the first.
                .ignoreExceptionsMatching(
                        e -> e instanceof StaleElementReferenceException || e instanceof NoSuchElementException)
                .until(() -> {
                    browser.findElement(By.cssSelector(css)).click();
                    return true;
                });
    }

    /** The text of the first element the selector finds, read in the page in one step ({@code ""} if none). */
    private String pageText(String css) {
        return String.valueOf(browser.executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", css));
    }

    /**
     * The text of an element of a node's card, read in the page in one step: the page redraws every second, so an
     * element found by Selenium may be gone by the time its text is asked for.
     */
    private String text(String node, String css) {
        return pageText("article.node[data-node='" + node + "'] " + css);
    }

    /**
     * How high the newest point of a node's lag series stands above the chart's floor, in chart units (0 to 64; a
     * series is scaled to its own maximum, so 64 means the newest sample is the highest so far).
     */
    private double chartHeight(String node, String series) {
        String[] points = pointsOf(node, series);
        if (points[0].isBlank()) {
            return 0;
        }
        double y = Double.parseDouble(points[points.length - 1].split(",")[1]);
        return 68 - y;
    }

    private String[] pointsOf(String node, String series) {
        Object points = browser.executeScript(
                "const e = document.querySelector(\"article.node[data-node='\" + arguments[0]"
                        + " + \"'] polyline[data-series='\" + arguments[1] + \"']\");"
                        + " return e ? e.getAttribute('points') : '';",
                node,
                series);
        return String.valueOf(points).trim().split(" ");
    }

    private void screenshot(String name) throws Exception {
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("screenshot: " + target.toAbsolutePath());
    }
}
