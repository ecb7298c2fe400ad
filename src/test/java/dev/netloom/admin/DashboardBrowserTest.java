package dev.netloom.admin;

import dev.netloom.Catalogue;
import dev.netloom.core.ConfigFile;
import dev.netloom.core.Logging;
import dev.netloom.core.Service;
import dev.netloom.core.ServiceRegistry;
import dev.netloom.core.ServiceState;
import dev.netloom.testing.Browser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.support.ui.Select;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard in a real browser (Debian's headless chromium through Selenium, {@link Browser}),
 * against a real admin listener and real services on port 0: the services table, a service
 * started from the page, a chart that gets points from traffic, an echo connection listed and
 * killed from the page (the client sees EOF), a log line in the tail, and a console without
 * errors (no CSP violation, no script error). Screenshots go to target/screenshots/.
 */
class DashboardBrowserTest {

    static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path home;
    ServiceRegistry registry;
    String base;

    @BeforeEach
    void start() throws Exception {
        Logging.setup(home.resolve("logs"), false);
        Path config = home.resolve("netloom.properties");
        Files.writeString(config, "echo.port=0\nhttp.port=0\nhttp.access-log=off\n");
        registry = new ServiceRegistry(Catalogue.all(), ConfigFile.load(config, true, Catalogue.all(), home));
        Files.createDirectories(home.resolve("www"));
        Files.writeString(home.resolve("www/index.html"), "<p>hello</p>\n");
        registry.start("http", Map.of("root", home.resolve("www").toString()));
        Service admin = registry.start("admin", Map.of("port", "0"));
        base = "http://127.0.0.1:" + admin.address().getPort();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void servicesChartsConnectionsAndTheLogInChromium() throws Exception {
        try (Browser browser = Browser.start(1280, 1500)) {
            ChromeDriver page = browser.driver();
            page.get(base + "/");

            // the services table: http runs, echo was never started
            await().atMost(WAIT).until(() -> !page.findElements(
                    By.cssSelector("#services-table tr[data-service='http'][data-state='running']")).isEmpty());
            assertEquals("not-started", page.findElement(By.cssSelector("#services-table tr[data-service='echo']"))
                    .getAttribute("data-state"));

            // start echo from the page
            clickWhenStable(page, By.cssSelector("#services-table tr[data-service='echo'] button.start"));
            await().atMost(WAIT).until(() -> registry.instance("echo").map(s -> s.state() == ServiceState.RUNNING)
                    .orElse(false));
            await().atMost(WAIT).until(() -> !page.findElements(
                    By.cssSelector("#services-table tr[data-service='echo'][data-state='running']")).isEmpty());

            // the log tail shows the start
            await().atMost(WAIT).until(() -> page.findElement(By.id("log")).getText().contains("echo: listening on"));

            // traffic: an echo connection that stays open, and a few http requests
            int echoPort = registry.running("echo").address().getPort();
            HttpClient http = HttpClient.newHttpClient();
            URI httpUri = URI.create("http://127.0.0.1:" + registry.running("http").address().getPort() + "/");
            try (Socket client = new Socket("127.0.0.1", echoPort)) {
                client.setSoTimeout(10_000);
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                for (int i = 0; i < 5; i++) {
                    out.write("hello dashboard\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("hello dashboard\n", new String(in.readNBytes(16), StandardCharsets.US_ASCII));
                    assertEquals(200, http.send(HttpRequest.newBuilder(httpUri).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode());
                }

                // the echo chart gets points (uPlot drew canvases for them)
                await().atMost(WAIT).until(() -> points(page, "echo") >= 3);
                assertTrue(page.findElements(By.cssSelector(".chart-card[data-service='echo'] .uplot canvas")).size() >= 4,
                        "the echo card has its charts");
                await().atMost(WAIT).until(() -> points(page, "http") >= 3);
                browser.screenshot("dashboard");

                // the connections table lists the echo connection; kill closes it
                new Select(page.findElement(By.id("conn-service"))).selectByValue("echo");
                By row = By.cssSelector("#connections-table tr[data-conn-id]");
                await().atMost(WAIT).until(() -> !page.findElements(row).isEmpty());
                String remote = page.findElement(By.cssSelector("#connections-table tr[data-conn-id] td:nth-child(2)"))
                        .getText();
                assertTrue(remote.endsWith(":" + client.getLocalPort()), remote);
                browser.screenshot("connections");
                clickWhenStable(page, By.cssSelector("#connections-table tr[data-conn-id] button.kill"));
                assertEquals(-1, in.read(), "killed from the page: the client sees EOF");
                await().atMost(WAIT).until(() -> page.findElements(row).isEmpty());
            }

            // a line logged now reaches the tail
            System.getLogger(DashboardBrowserTest.class.getName()).log(System.Logger.Level.WARNING,
                    "dashboard-test: a warning for the tail");
            await().atMost(WAIT).until(() -> page.findElement(By.id("log")).getText()
                    .contains("dashboard-test: a warning for the tail"));

            // the mail tab is there (empty until mail.js fills it) and switching by hash works
            page.findElement(By.cssSelector("nav a[data-tab='mail']")).click();
            await().atMost(WAIT).until(() -> !page.findElement(By.id("services")).isDisplayed());
            page.findElement(By.cssSelector("nav a[data-tab='services']")).click();
            await().atMost(WAIT).until(() -> page.findElement(By.id("services")).isDisplayed());
            assertEquals("function", page.executeScript(
                    "return typeof netloom.api + '' === 'function' && typeof netloom.stream === 'function'"
                            + " && typeof netloom.onTab === 'function' ? 'function' : 'missing'"));

            List<LogEntry> errors = browser.consoleErrors().stream()
                    // the Mail tab asks for mail, and smtp does not run here: the browser notes the 409
                    .filter(e -> !e.getMessage().matches("(?s).*/api/mail\\S* - Failed to load resource: .* 409 .*"))
                    .toList();
            assertTrue(errors.isEmpty(), "console errors: " + errors);
        }
    }

    static int points(ChromeDriver page, String service) {
        List<WebElement> card = page.findElements(By.cssSelector(".chart-card[data-service='" + service + "']"));
        if (card.isEmpty()) {
            return 0;
        }
        try {
            String p = card.get(0).getAttribute("data-points");
            return p == null ? 0 : Integer.parseInt(p);
        } catch (StaleElementReferenceException e) {
            return 0;
        }
    }

    /** Clicks what {@code by} finds, again if the table it is in was redrawn under the click. */
    static void clickWhenStable(ChromeDriver page, By by) {
        await().atMost(WAIT).ignoreException(StaleElementReferenceException.class).until(() -> {
            List<WebElement> found = page.findElements(by);
            if (found.isEmpty()) {
                return false;
            }
            found.get(0).click();
            return true;
        });
    }
}
