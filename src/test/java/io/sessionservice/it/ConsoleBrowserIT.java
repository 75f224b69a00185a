package io.sessionservice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionservice.it.Http.Reply;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The sessions console (/console/) in a real browser: Debian's chromium, headless, driven through
 * chromedriver by Selenium, against the built WAR in embedded Tomcat with the memory store. Looks a
 * user up, ends one session and then all, and shows a session whose data holds markup as text, with
 * no script run. Leaves a screenshot in target/console.png (the README's docs/console.png is a copy).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {

    private static final String KEY = "console-it-key-0123456789abcdef";
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final String MARKUP = "<img src=x onerror=alert(1)>";

    private EmbeddedContainer container;
    private Path configFile;
    private Path profile;
    private Http http;
    private ChromeDriver browser;

    @BeforeAll
    void start() throws Exception {
        ObjectNode config = Http.JSON.createObjectNode().put("sessionExpirySec", 3600).put("maxTtlSec", 86400);
        config.putObject("credentials").putArray("keys").add(KEY);
        config.putObject("repository").put("type", "memory");
        configFile = Files.createTempFile("console-it-config-", ".json");
        Files.writeString(configFile, Http.JSON.writeValueAsString(config));
        container = new TomcatContainer();
        URI base = container.deploy(EmbeddedContainer.builtWar(), "/session-service",
                Map.of(EmbeddedContainer.CONFIG_PARAMETER, configFile.toString()));
        http = new Http(base);

        assertTrue(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
                "install Debian's chromium and chromium-driver (.ci/run does)");
        profile = Files.createTempDirectory("console-it-chromium-");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,800",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (container != null) {
                container.close();
            }
            Files.deleteIfExists(configFile);
            if (profile != null) {
                try (var files = Files.walk(profile)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void lookUpEndOneEndAllAndMarkupShownAsText() throws Exception {
        String user = "console-" + UUID.randomUUID();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            tokens.add(userSession(Http.JSON.createObjectNode().put("user_id", user).put("ttl", "2h")));
            Thread.sleep(5); // distinct created_at, so newest first is visible
        }
        // a sliding session of the user (state API, AccountId) whose data holds markup: the newest
        Reply created = http.post("", Http.JSON.createObjectNode().put("AccountId", user).put("note", MARKUP)
                .put("plan", "gold"), "x-key", KEY);
        assertEquals(200, created.status(), created::toString);
        tokens.add(created.json().path("xSessionToken").asText());

        browser.get(http.base().resolve("console/").toString());
        JavascriptExecutor js = browser;
        // Counts alert() calls from here on: markup rendered as HTML would call it when its image fails.
        js.executeScript("window.alertsCalled = 0; window.alert = function () { window.alertsCalled++; };");

        browser.findElement(By.id("key")).sendKeys(KEY);
        browser.findElement(By.id("use-key")).click();
        assertEquals("", browser.findElement(By.id("key")).getAttribute("value"), "the key left in the page");
        browser.findElement(By.id("user")).sendKeys(user);
        browser.findElement(By.id("lookup")).click();
        List<WebElement> rows = rowsOnceThereAre(3);

        // newest first: the state session, then the user sessions newest to oldest
        assertEquals(List.of(prefix(tokens.get(2)), prefix(tokens.get(1)), prefix(tokens.get(0))),
                rows.stream().map(r -> r.findElement(By.className("token")).getText()).toList());
        WebElement markupRow = rows.get(0);
        assertEquals("sliding", markupRow.findElement(By.className("kind")).getText());
        assertEquals("absolute", rows.get(1).findElement(By.className("kind")).getText());
        String data = markupRow.findElement(By.className("data")).getText();
        assertTrue(data.contains("note: \"" + MARKUP + "\""), data);
        assertEquals(0, browser.findElements(By.cssSelector("#sessions img")).size(), "markup became an element");
        waitFor(() -> !browser.findElement(By.id("figure-live")).getText().equals("–"));
        waitFor(() -> !browser.findElement(By.id("figure-rate")).getText().equals("–"));
        assertEquals("up", browser.findElement(By.id("figure-store")).getText());
        screenshot();

        // end one: the oldest
        rows.get(2).findElement(By.className("end-one")).click();
        rowsOnceThereAre(2);
        assertEquals(401, http.get("", "x-session-token", tokens.get(0)).status(), "the ended session still answers");
        assertEquals(200, http.get("validate", "x-session-token", tokens.get(1)).status(), "another one ended");

        // end all
        browser.findElement(By.id("end-all")).click();
        rowsOnceThereAre(0);
        JsonNode left = http.get("sessions?user_id=" + user, "x-key", KEY).json();
        assertEquals(0, left.path("message").size(), left::toString);

        assertEquals(0L, js.executeScript("return window.alertsCalled;"), "a script from session data ran");
        assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert());
        assertEquals(0L, js.executeScript("return window.localStorage.length + window.sessionStorage.length;"),
                "something kept in web storage");
        assertEquals("", js.executeScript("return document.cookie;"), "a cookie set");
    }

    private String userSession(ObjectNode body) {
        Reply r = http.post("create", body, "x-key", KEY);
        assertEquals(200, r.status(), r::toString);
        return r.json().path("message").path("token").asText();
    }

    private static String prefix(String token) {
        return token.substring(0, 8) + "…";
    }

    private List<WebElement> rowsOnceThereAre(int count) {
        waitFor(() -> browser.findElements(By.cssSelector("#sessions tr.session")).size() == count);
        return browser.findElements(By.cssSelector("#sessions tr.session"));
    }

    private void waitFor(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> condition.getAsBoolean());
    }

    private void screenshot() throws Exception {
        Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, Path.of("target", "console.png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
