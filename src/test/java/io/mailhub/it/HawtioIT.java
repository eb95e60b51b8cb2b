package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Hawtio console of the packaged hub in a real browser (Debian's headless Chromium, driven by Selenium through
 * chromedriver): login with a user of the admin users file, the Camel routes with their live counters after mail went
 * through, the broker's stage queues in the JMX tree; and its Jolokia is read-only and checks the Origin. Screenshots
 * go to target/it/hawtio-screens (docs/operations.md shows them).
 */
class HawtioIT {

    static final String PASSWORD = "console pass";
    static HubProcess hub;
    static SmtpSink sink;
    static WebDriver browser;
    static Path screens;

    @BeforeAll
    static void start() throws Exception {
        sink = SmtpSink.onFreePort().start();
        Path dir = HubProcess.itDir("hawtio");
        Path admins = dir.resolve("admins");
        Files.writeString(admins, "vic:" + SubmissionIT.hashPassword(PASSWORD) + ":viewer\n");
        hub = new HubProcess(dir)
                .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.relay.trusted-networks", "127.0.0.0/8")
                .set("mailhub.admin.users-file", admins)
                .start();
        for (int i = 0; i < 3; i++) {
            String marker = UUID.randomUUID().toString();
            assertThat(Swaks.run(hub.smtpPort, "-f", "a@shop.test", "-t", "b@remote.test", "--header",
                    "Subject: " + marker).exitCode()).isZero();
            sink.awaitMessage(marker);
        }
        screens = Files.createDirectories(Path.of("target/it/hawtio-screens"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,900", "--user-data-dir=" + Files.createTempDirectory("chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        Started.closeAll(hub, sink);
    }

    /** Waits up to 30 s; on a timeout, keeps a screenshot and the page's source for whoever reads the failure. */
    static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(30)) {
            @Override
            protected RuntimeException timeoutException(String message, Throwable lastException) {
                try {
                    screenshot("failure");
                    Files.writeString(screens.resolve("failure.html"), browser.getPageSource());
                } catch (Exception e) {
                    // the timeout is what matters
                }
                return super.timeoutException(message + " (page " + browser.getCurrentUrl() + "; screenshot and source"
                        + " in " + screens + ")", lastException);
            }
        };
    }

    static void screenshot(String name) throws Exception {
        Files.write(screens.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    static void logIn() throws Exception {
        browser.get(hub.url("/hawtio/"));
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("pf-login-username-id")));
        screenshot("1-login");
        browser.findElement(By.id("pf-login-username-id")).sendKeys("vic");
        browser.findElement(By.id("pf-login-password-id")).sendKeys(PASSWORD);
        browser.findElement(By.cssSelector("button[type='submit']")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("vertical-nav-toggle")));
    }

    @Test
    void aViewerLogsInAndSeesTheRoutesWithTheirCountersAndTheStageQueues() throws Exception {
        logIn();

        browser.get(hub.url("/hawtio/camel"));
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("camel-tree-view")));
        WebElement routes = waiting().until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("[id$='mailhub-folder-routes-folder'] .pf-v5-c-tree-view__node-text")));
        routes.click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#camel-routes-table td[data-label='Name']")));
        List<String> names = browser.findElements(By.cssSelector("#camel-routes-table td[data-label='Name']"))
                .stream().map(WebElement::getText).map(String::strip).toList();
        assertThat(names).contains("dispatch", "delivery", "retry", "bounce");
        WebElement delivery = browser.findElement(By.xpath(
                "//table[@id='camel-routes-table']//tr[td[@data-label='Name'][normalize-space()='delivery']]"));
        long completed = Long.parseLong(delivery.findElement(By.cssSelector("td[data-label='Completed']")).getText()
                .strip().replace(",", ""));
        assertThat(completed).isGreaterThanOrEqualTo(3);
        assertThat(delivery.findElement(By.cssSelector("td[data-label='State']")).getText()).contains("Started");
        screenshot("2-camel-routes");

        browser.get(hub.url("/hawtio/jmx"));
        WebElement search = waiting().until(ExpectedConditions.elementToBeClickable(By.id("input-search")));
        search.sendKeys("mail.");
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                "#jmx-tree-view [id$='-folder-queues-folder-anycast-folder-mail.outbound']")));
        String tree = browser.findElement(By.id("jmx-tree-view")).getText();
        assertThat(tree).contains("mail.incoming", "mail.outbound", "mail.bounce", "mail.hold", "mail.dead");
        browser.findElement(By.cssSelector("[id$='-folder-queues-folder-anycast-folder-mail.outbound'] "
                + ".pf-v5-c-tree-view__node-text")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("table[aria-label='Attributes']")));
        assertThat(browser.findElement(By.cssSelector("table[aria-label='Attributes']")).getText())
                .contains("MessageCount");
        screenshot("3-artemis-queue");
    }

    @Test
    void theConsolesJolokiaReadsButRefusesToStopARouteOrRemoveMessagesAndChecksTheOrigin() throws Exception {
        String origin = "http://127.0.0.1:" + hub.httpPort;
        String read = "{\"type\":\"read\",\"mbean\":\"org.apache.camel:context=mailhub,type=routes,name=\\\"delivery\\\"\","
                + "\"attribute\":\"ExchangesCompleted\"}";
        String stop = "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=mailhub,type=routes,"
                + "name=\\\"delivery\\\"\",\"operation\":\"stop()\"}";
        String remove = "{\"type\":\"exec\",\"mbean\":\"org.apache.activemq.artemis:broker=\\\"mailhub\\\","
                + "component=addresses,address=\\\"mail.outbound\\\",subcomponent=queues,routing-type=\\\"anycast\\\","
                + "queue=\\\"mail.outbound\\\"\",\"operation\":\"removeAllMessages()\"}";

        assertThat(jolokia(origin, read).path("status").asInt()).isEqualTo(200);
        assertThat(jolokia(origin, stop).path("status").asInt()).isEqualTo(403);
        assertThat(jolokia(origin, remove).path("status").asInt()).isEqualTo(403);
        assertThat(jolokia("http://evil.example", read).path("status").asInt()).isEqualTo(403);
        assertThat(hub.http("/observe/health")).contains("UP"); // the delivery route still runs

        Curl.Response wrong = Curl.request("POST", hub.url("/hawtio/auth/login"))
                .json("{\"username\":\"vic\",\"password\":\"wrong\"}").send();
        assertThat(wrong.status()).isEqualTo(403);
    }

    static JsonNode jolokia(String origin, String body) throws Exception {
        Curl.Response r = Curl.request("POST", hub.url("/hawtio/jolokia/")).option("-u", "vic:" + PASSWORD)
                .header("Origin", origin).json(body).send();
        if (r.body().isBlank()) {
            return new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("status", r.status());
        }
        return r.json();
    }
}
