package dev.commandcenter.app.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.secrets.SecretsStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat page and the chat overlay in a real browser (headless Chromium driven over the DevTools protocol)
 * against a running node: two viewers, each in their own browser context, chat through the real server;
 * markup in messages renders as text on the page and on the overlay; a bidi-override, zero-width name shows
 * neutralised; a viewer banned with the moderator's button is told so when posting; slow mode counts down.
 * <p>
 * With {@code -Dcc.screenshots=true} it writes {@code docs/images/chat-page.png} and
 * {@code docs/images/chat-overlay.png} for the README.
 */
@Timeout(240)
class ChatBrowserTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration UI = Duration.ofSeconds(30);
    private static final String SCREENSHOTS_PROP_NAME = "cc.screenshots";
    private static final String XSS_IMG = "<img src=x onerror=window.__xss=1>";
    private static final String XSS_SCRIPT = "<script>window.__xss=2</script>";
    private static final String XSS_LINK = "<a href=\"javascript:window.__xss=3\">javascript:window.__xss=3</a>";
    private static final String NO_MARKUP = "document.querySelectorAll('#lines img, #lines script, #lines a, " +
        "#lines iframe, img, iframe').length === 0 && window.__xss === undefined";

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @TempDir
    Path profile;

    static AppConfig config()
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.telemetry.intervalMs = 1000;
        config.engine.sampleIntervalMs = 100;
        return config;
    }

    @Test
    void shouldCarryMessagesBetweenTwoViewersAsPlainText() throws Exception
    {
        final Path browser = DevTools.chromium();
        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null);
            DevTools devTools = DevTools.launch(browser, profile))
        {
            final String chatToken = secret("chatToken");
            final DevTools.Page ann = devTools.newPage();
            final DevTools.Page bob = devTools.newPage();
            final DevTools.Page overlay = devTools.newPage();
            overlay.backdrop(38, 42, 52);
            overlay.navigate(base(node) + "/plugins/chat/overlay.html?token=" + node.token() + "&fadeMs=0&max=8");
            join(ann, chatPage(node, chatToken), "ann");
            join(bob, chatPage(node, chatToken), "bob");

            assertThat(ann.text("location.href")).doesNotContain(chatToken).endsWith("/plugins/chat/");
            assertThat(ann.text("sessionStorage.getItem('cc.chat.token')")).isEqualTo(chatToken);

            say(ann, "hi bob, first time here");
            awaitLine(bob, "ann", "hi bob, first time here");
            say(bob, "welcome ann!");
            awaitLine(ann, "bob", "welcome ann!");

            for (final String payload : new String[] { XSS_IMG, XSS_SCRIPT, XSS_LINK })
            {
                say(ann, payload);
                awaitLine(bob, "ann", payload);
                awaitLine(ann, "ann", payload);
                awaitOverlayLine(overlay, payload);
            }
            for (final DevTools.Page page : new DevTools.Page[] { ann, bob, overlay })
            {
                assertThat(page.evaluate(NO_MARKUP).asBoolean()).as("no element from a message, no script ran").isTrue();
            }

            final JsonNode posted = post(node, chatToken, "/api/chat/messages",
                Map.of("name", "\u202Eevil\u200Bname\u2066\uFEFF", "text", "look at my name"));
            assertThat(posted.path("status").asInt()).as(posted.toString()).isEqualTo(200);
            awaitLine(bob, "evilname", "look at my name");
            assertThat(bob.text("Array.from(document.querySelectorAll('#lines .user')).map(e => e.textContent)" +
                ".join('|')")).doesNotContainPattern("[\\u200B-\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uFEFF]");
            awaitOverlayLine(overlay, "look at my name");

            say(bob, "gg, see you next stream");
            awaitLine(ann, "bob", "gg, see you next stream");
            awaitOverlayLine(overlay, "gg, see you next stream");
            assertThat(overlay.evaluate(NO_MARKUP).asBoolean()).isTrue();

            if (Boolean.getBoolean(SCREENSHOTS_PROP_NAME))
            {
                ann.viewport(960, 640);
                ann.screenshot(Path.of("..", "docs", "images", "chat-page.png"));
                overlay.viewport(720, 480);
                overlay.screenshot(Path.of("..", "docs", "images", "chat-overlay.png"));
            }
        }
    }

    @Test
    void shouldShowChatLinesOnTheOverlayAsPlainTextAndTakeDeletedOnesAway() throws Exception
    {
        final Path browser = DevTools.chromium();
        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null);
            DevTools devTools = DevTools.launch(browser, profile))
        {
            final DevTools.Page overlay = devTools.newPage();
            overlay.navigate(base(node) + "/plugins/chat/overlay.html?token=" + node.token() + "&fadeMs=0&debug=1");
            overlay.awaitTrue("document.getElementById('status').textContent === 'open'", UI);

            for (final String payload : new String[] { XSS_IMG, XSS_SCRIPT, XSS_LINK, "bye" })
            {
                postEvent(node, chatMessage("ann", payload));
                awaitOverlayLine(overlay, payload);
            }
            postEvent(node, chatMessage("\u202Eevil\u200Bname\u2066\uFEFF", "look at my name"));
            awaitOverlayLine(overlay, "look at my name");

            assertThat(overlay.evaluate(NO_MARKUP).asBoolean()).as("no element from a message, no script ran").isTrue();
            assertThat(overlay.text("Array.from(document.querySelectorAll('#lines .user')).map(e => e.textContent)" +
                ".join('|')")).isEqualTo("ann|ann|ann|ann|evilname");

            final String byeLine = overlay.text("Array.from(document.querySelectorAll('#lines li'))" +
                ".find(li => li.querySelector('.text').textContent === 'bye').getAttribute('data-line-id')");
            postEvent(node, Map.of("type", "ChatModeration", "action", "DELETE", "lineId", Long.parseLong(byeLine),
                "role", "ADMIN", "actor", "streamer"));
            overlay.awaitTrue("document.querySelector('#lines li[data-line-id=\"" + byeLine + "\"]') === null", UI);
            assertThat(overlay.evaluate("document.querySelectorAll('#lines li').length").asInt()).isEqualTo(4);
        }
    }

    @Test
    void shouldTellAViewerBannedWithTheModeratorButtonThatTheyAreBanned() throws Exception
    {
        final Path browser = DevTools.chromium();
        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null);
            DevTools devTools = DevTools.launch(browser, profile))
        {
            final DevTools.Page troll = devTools.newPage();
            final DevTools.Page jane = devTools.newPage();
            join(troll, chatPage(node, secret("chatToken")), "troll");
            join(jane, chatPage(node, secret("moderatorToken")), "jane");
            jane.awaitTrue("!document.getElementById('mod-tools').hidden", UI);
            assertThat(troll.evaluate("document.getElementById('mod-tools').hidden").asBoolean()).isTrue();

            say(troll, "spam spam spam");
            awaitLine(jane, "troll", "spam spam spam");
            assertThat(troll.evaluate("document.querySelectorAll('#lines .mod-ban').length").asInt()).isZero();
            jane.evaluate("document.querySelector('#lines li[data-user=\"troll\"] .mod-ban').click()");

            final String trollLines = "document.querySelectorAll('#lines li[data-user=\"troll\"]').length === 0";
            jane.awaitTrue(trollLines, UI);
            troll.awaitTrue(trollLines, UI);
            say(troll, "why?");

            troll.awaitTrue("!document.getElementById('error').hidden && " +
                "/banned/i.test(document.getElementById('error').textContent)", UI);
            assertThat(troll.text("document.getElementById('error').textContent")).startsWith("You are banned");
            assertThat(jane.evaluate(lineExists("troll", "why?")).asBoolean()).isFalse();
        }
    }

    @Test
    void shouldShowSlowModeAndCountDownTheWait() throws Exception
    {
        final Path browser = DevTools.chromium();
        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null);
            DevTools devTools = DevTools.launch(browser, profile))
        {
            final DevTools.Page viewer = devTools.newPage();
            join(viewer, chatPage(node, secret("chatToken")), "ann");

            final JsonNode slow = post(node, node.adminToken(), "/api/chat/moderation",
                Map.of("action", "slow", "durationMs", 60_000, "actor", "streamer"));
            assertThat(slow.path("status").asInt()).as(slow.toString()).isEqualTo(202);
            viewer.awaitTrue("!document.getElementById('slow').hidden && " +
                "document.getElementById('slow').textContent.includes('1 min')", UI);

            say(viewer, "first");
            awaitLine(viewer, "ann", "first");
            say(viewer, "second");

            final String error = "document.getElementById('error').textContent";
            viewer.awaitTrue("/^Slow mode is on: you can post again in \\d+ s\\.$/.test(" + error + ")", UI);
            final String first = viewer.text(error);
            viewer.awaitTrue(error + " !== " + js(first) + " && /again in \\d+ s/.test(" + error + ")",
                Duration.ofSeconds(10));
            assertThat(viewer.evaluate(lineExists("ann", "second")).asBoolean()).isFalse();
        }
    }

    private static String base(final CommandCenterNode node)
    {
        return node.webServer().baseUrl();
    }

    private static String chatPage(final CommandCenterNode node, final String token)
    {
        return base(node) + "/plugins/chat/?token=" + token;
    }

    private String secret(final String name)
    {
        final String token = SecretsStore.load(dataDir).get(name);
        // The chat gateway adds the chat and moderator tokens; without it there is no chat to test.
        Assumptions.assumeTrue(null != token, "no " + name + " in the secrets store: the chat gateway is not in this build");
        return token;
    }

    private static void join(final DevTools.Page page, final String url, final String name)
    {
        page.navigate(url);
        page.awaitTrue("!document.getElementById('name-form').hidden || !document.getElementById('error').hidden", UI);
        assertThat(page.text("document.getElementById('error').textContent")).isEmpty();
        page.evaluate("document.getElementById('name').value = " + js(name) + ";" +
            "document.getElementById('name-form').requestSubmit(); true");
        page.awaitTrue("!document.getElementById('post-form').hidden && " +
            "document.getElementById('status').textContent === 'open'", UI);
        assertThat(page.text("document.getElementById('me').textContent")).isEqualTo(name);
    }

    private static void say(final DevTools.Page page, final String text)
    {
        page.awaitTrue("document.getElementById('text').value === ''", UI);
        page.evaluate("(() => { const t = document.getElementById('text'); t.value = " + js(text) + ";" +
            "t.dispatchEvent(new Event('input')); document.getElementById('post-form').requestSubmit(); return true; })()");
    }

    private static String lineExists(final String user, final String text)
    {
        return "Array.from(document.querySelectorAll('#lines li')).some(li => " +
            "li.querySelector('.user').textContent === " + js(user) + " && " +
            "li.querySelector('.text').textContent === " + js(text) + ")";
    }

    private static void awaitLine(final DevTools.Page page, final String user, final String text)
    {
        page.awaitTrue(lineExists(user, text), UI);
    }

    private static void awaitOverlayLine(final DevTools.Page overlay, final String text)
    {
        overlay.awaitTrue("Array.from(document.querySelectorAll('#lines li .text')).some(e => e.textContent === " +
            js(text) + ")", UI);
    }

    private static Map<String, Object> chatMessage(final String user, final String text)
    {
        return Map.of("type", "ChatMessage", "messageId", 0, "role", "VIEWER", "viewerKey", user.hashCode(),
            "channel", "", "user", user, "text", text);
    }

    private void postEvent(final CommandCenterNode node, final Map<String, Object> event)
        throws IOException, InterruptedException
    {
        final JsonNode answer = post(node, node.adminToken(), "/api/events", event);
        assertThat(answer.path("status").asInt()).as(answer.toString()).isBetween(200, 299);
    }

    private JsonNode post(final CommandCenterNode node, final String token, final String path, final Map<String, Object> body)
        throws IOException, InterruptedException
    {
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base(node) + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(body)))
            .build(), HttpResponse.BodyHandlers.ofString());
        final ObjectNode answer = MAPPER.createObjectNode();
        answer.put("status", response.statusCode());
        answer.set("body", response.body().isEmpty() ? MAPPER.nullNode() : MAPPER.readTree(response.body()));
        return answer;
    }

    private static String js(final String text)
    {
        try
        {
            return MAPPER.writeValueAsString(text);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException(ex);
        }
    }
}
