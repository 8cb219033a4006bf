package dev.commandcenter.app.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.CommandRun;
import dev.commandcenter.app.RegtestWalletConfig;
import dev.commandcenter.app.chat.DevTools;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.transport.electrum.WalletNetwork;
import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser (headless Chromium driven over the DevTools protocol) against a running node that
 * watches the Electrum simulator over TCP: the wallet tab shows a simulated payment's balance live and the token
 * leaves the address bar; a plugin disabled from its button is disabled for {@code commandcenter plugins list}; a
 * wrong token is one clear error; arrow keys move between the tabs; the stream tab's pause button pauses the alert
 * queue; chat markup shows as text and the ban button takes the viewer's lines away.
 * <p>
 * With {@code -Dcc.screenshots=true} it writes {@code docs/images/dashboard-wallet.png},
 * {@code docs/images/dashboard-system.png} and {@code docs/images/dashboard-dark.png} for the README.
 */
@Timeout(240)
class DashboardBrowserTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration UI = Duration.ofSeconds(30);
    private static final String SCREENSHOTS_PROP_NAME = "cc.screenshots";
    private static final String ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
    private static final String XSS = "<img src=x onerror=window.__xss=1> hi";

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @TempDir
    Path profile;

    private AppConfig config(final ElectrumSimulator simulator) throws Exception
    {
        return RegtestWalletConfig.load(dir.resolve("node.yaml"), RegtestWalletConfig.yaml(simulator.url(), ADDRESS, 3) +
            """
            telemetry:
              intervalMs: 1000
            engine:
              sampleIntervalMs: 100
            """);
    }

    private static ElectrumSimulator simulator() throws Exception
    {
        final ElectrumSimulator simulator = ElectrumSimulator.start(new ElectrumSimulator.Context()
            .network(WalletNetwork.REGTEST));
        simulator.mine(101);
        return simulator;
    }

    @Test
    void shouldShowTheLiveBalanceAfterAPaymentAndTakeTheTokenOutOfTheAddress() throws Exception
    {
        final Path browser = DevTools.chromium();
        try (ElectrumSimulator simulator = simulator();
            CommandCenterNode node = CommandCenterNode.start(config(simulator), dir.resolve("data"), null);
            DevTools devTools = DevTools.launch(browser, profile))
        {
            final DevTools.Page page = devTools.newPage();
            page.viewport(1280, 860);
            open(page, node, node.adminToken());

            assertThat(page.text("location.href")).doesNotContain(node.adminToken()).endsWith("/dashboard/");
            assertThat(page.text("sessionStorage.getItem('cc.dashboard.token')")).isEqualTo(node.adminToken());
            page.awaitTrue(feedLive("wallet"), UI);
            page.awaitTrue("document.getElementById('wallet-state').textContent === 'CONNECTED'", UI);
            assertThat(page.text("document.getElementById('balance-confirmed').textContent")).isEqualTo("0.00000000 BTC");
            assertThat(page.text("document.getElementById('balance-unconfirmed').textContent")).isEqualTo("0.00000000 BTC");
            // Marks this document: still there after the payment means the page was not reloaded.
            page.evaluate("window.__sameDocument = true");

            final ElectrumSimulator.Payment payment = simulator.pay(ADDRESS, 125_000, "thanks for the stream");

            page.awaitTrue("document.getElementById('balance-unconfirmed').textContent === '0.00125000 BTC'", UI);
            page.awaitTrue(paymentRow(payment.txid()), UI);
            simulator.mine(1);
            page.awaitTrue("document.getElementById('balance-confirmed').textContent === '0.00125000 BTC'", UI);
            page.awaitTrue(paymentRow(payment.txid()) + " && " + confirmations(payment.txid()) + " === '1'", UI);
            simulator.mine(1);
            page.awaitTrue(confirmations(payment.txid()) + " === '2'", UI);

            assertThat(page.evaluate("window.__sameDocument === true").asBoolean()).as("no reload").isTrue();
            assertThat(page.text("document.getElementById('balance-confirmed-sats').textContent"))
                .isEqualTo("125,000 sats");
            assertThat(page.text("document.getElementById('wallet-tip').textContent"))
                .isEqualTo(String.valueOf(simulator.height()));
            assertThat(page.text("location.href")).doesNotContain(node.adminToken());

            if (Boolean.getBoolean(SCREENSHOTS_PROP_NAME))
            {
                page.screenshot(Path.of("..", "docs", "images", "dashboard-wallet.png"));
                page.evaluate("document.getElementById('tab-system').click(); true");
                page.awaitTrue("document.querySelectorAll('#plots .uplot').length === 5 && " +
                    "document.querySelectorAll('#counters tbody tr').length > 10", UI);
                // Enough telemetry samples for lines, not dots (one a second; the plots reload every 10 s).
                page.awaitTrue("Number(document.querySelector('#plots [data-plot=\"events\"]')" +
                    ".getAttribute('data-points')) >= 5", UI);
                page.screenshot(Path.of("..", "docs", "images", "dashboard-system.png"));
                page.evaluate("document.getElementById('tab-stream').click(); " +
                    "document.getElementById('theme').click(); true");
                page.awaitTrue("document.documentElement.getAttribute('data-theme') === 'dark' && " +
                    "document.querySelectorAll('#feeds tbody tr').length > 0", UI);
                page.evaluate("document.querySelector('.stream-action[data-action=\"test-alert\"]').click(); true");
                page.awaitTrue("(() => { const d = document.getElementById('overlay-preview').contentDocument; " +
                    "const t = d && d.getElementById('alert-title'); return !!t && t.textContent.length > 0 && " +
                    "document.querySelectorAll('#alerts li').length > 1; })()", UI);
                page.screenshot(Path.of("..", "docs", "images", "dashboard-dark.png"));
            }
        }
    }

    @Test
    void shouldDisableAPluginFromItsButton() throws Exception
    {
        final Path browser = DevTools.chromium();
        final Path dataDir = dir.resolve("data");
        try (ElectrumSimulator simulator = simulator();
            CommandCenterNode node = CommandCenterNode.start(config(simulator), dataDir, null);
            DevTools devTools = DevTools.launch(browser, profile))
        {
            assertThat(enabledInPluginsList(dataDir, "automation")).isTrue();
            final DevTools.Page page = devTools.newPage();
            open(page, node, node.adminToken());
            page.evaluate("document.getElementById('tab-plugins').click(); true");
            final String row = "document.querySelector('#plugins tr[data-plugin=\"automation\"]')";
            page.awaitTrue(row + " !== null && " + row + ".getAttribute('data-enabled') === 'true'", UI);

            page.evaluate(row + ".querySelector('button[data-op=\"disable\"]').click(); true");

            page.awaitTrue(row + " !== null && " + row + ".getAttribute('data-enabled') === 'false'", UI);
            assertThat(page.text(row + ".querySelector('.state').textContent")).startsWith("disabled");
            assertThat(enabledInPluginsList(dataDir, "automation")).isFalse();
            assertThat(page.evaluate(row + ".querySelector('button[data-op=\"enable\"]').disabled").asBoolean()).isFalse();
        }
    }

    @Test
    void shouldShowAClearErrorForAWrongToken() throws Exception
    {
        final Path browser = DevTools.chromium();
        try (ElectrumSimulator simulator = simulator();
            CommandCenterNode node = CommandCenterNode.start(config(simulator), dir.resolve("data"), null);
            DevTools devTools = DevTools.launch(browser, profile))
        {
            final DevTools.Page page = devTools.newPage();
            page.navigate(node.webServer().baseUrl() + "/dashboard/#token=not-the-token");

            page.awaitTrue("!document.getElementById('error').hidden", UI);
            assertThat(page.text("document.getElementById('error').textContent"))
                .startsWith("The admin token was refused: ").doesNotContain("\n");
            assertThat(page.evaluate("document.getElementById('token-form').hidden").asBoolean()).isFalse();
            assertThat(page.evaluate("document.getElementById('app').hidden").asBoolean()).isTrue();
            assertThat(page.text("location.href")).doesNotContain("not-the-token");
            assertThat(page.evaluate("sessionStorage.getItem('cc.dashboard.token')").isNull()).isTrue();

            page.evaluate("document.getElementById('token-input').value = " + js(node.adminToken()) + ";" +
                "document.getElementById('token-form').requestSubmit(); true");
            page.awaitTrue("!document.getElementById('app').hidden && document.getElementById('error').hidden", UI);
            page.awaitTrue(feedLive("chat"), UI);
        }
    }

    @Test
    void shouldMoveBetweenTabsWithTheArrowKeys() throws Exception
    {
        final Path browser = DevTools.chromium();
        try (ElectrumSimulator simulator = simulator();
            CommandCenterNode node = CommandCenterNode.start(config(simulator), dir.resolve("data"), null);
            DevTools devTools = DevTools.launch(browser, profile))
        {
            final DevTools.Page page = devTools.newPage();
            open(page, node, node.adminToken());
            page.evaluate("document.getElementById('tab-wallet').focus(); true");

            press(page, "ArrowRight");
            assertSelected(page, "stream");
            press(page, "ArrowRight");
            assertSelected(page, "chat");
            press(page, "End");
            assertSelected(page, "system");
            press(page, "ArrowRight");
            assertSelected(page, "wallet");
            press(page, "ArrowLeft");
            assertSelected(page, "system");
            press(page, "Home");
            assertSelected(page, "wallet");
            assertThat(page.evaluate("document.querySelectorAll('[role=tablist] [role=tab][tabindex=\"0\"]').length")
                .asInt()).as("one tab in the tab order").isEqualTo(1);
        }
    }

    @Test
    void shouldShowTheQueuePausedAfterThePauseButton() throws Exception
    {
        final Path browser = DevTools.chromium();
        try (ElectrumSimulator simulator = simulator();
            CommandCenterNode node = CommandCenterNode.start(config(simulator), dir.resolve("data"), null);
            DevTools devTools = DevTools.launch(browser, profile))
        {
            final DevTools.Page page = devTools.newPage();
            open(page, node, node.adminToken());
            page.evaluate("document.getElementById('tab-stream').click(); true");
            page.awaitTrue(feedLive("stream"), UI);
            assertThat(page.text("document.getElementById('overlay-preview').getAttribute('src')"))
                .startsWith("/plugins/stream-bridge/?token=");

            page.evaluate("document.querySelector('.stream-action[data-action=\"pause\"]').click(); true");

            page.awaitTrue("document.getElementById('queue-state').textContent === 'paused'", UI);
            page.evaluate("document.querySelector('.stream-action[data-action=\"resume\"]').click(); true");
            page.awaitTrue("document.getElementById('queue-state').textContent === 'running'", UI);
        }
    }

    @Test
    void shouldShowChatMarkupAsTextAndBanFromTheLine() throws Exception
    {
        final Path browser = DevTools.chromium();
        try (ElectrumSimulator simulator = simulator();
            CommandCenterNode node = CommandCenterNode.start(config(simulator), dir.resolve("data"), null);
            DevTools devTools = DevTools.launch(browser, profile))
        {
            final DevTools.Page page = devTools.newPage();
            open(page, node, node.adminToken());
            page.evaluate("document.getElementById('tab-chat').click(); true");
            page.awaitTrue(feedLive("chat"), UI);

            postEvent(node, Map.of("type", "ChatMessage", "messageId", 0, "role", "VIEWER", "viewerKey", 7,
                "channel", "", "user", "troll", "text", XSS));
            page.awaitTrue(chatLine("troll", XSS), UI);
            assertThat(page.evaluate("document.querySelectorAll('#chat-lines img, img').length === 0 && " +
                "window.__xss === undefined").asBoolean()).as("no element from a message, no script ran").isTrue();

            page.evaluate("document.getElementById('chat-text').value = 'welcome, everyone';" +
                "document.getElementById('chat-form').requestSubmit(); true");
            page.awaitTrue("Array.from(document.querySelectorAll('#chat-lines li .text'))" +
                ".some(e => e.textContent === 'welcome, everyone')", UI);

            page.evaluate("document.querySelector('#chat-lines li[data-user=\"troll\"] .mod-ban').click(); true");
            page.awaitTrue("document.querySelectorAll('#chat-lines li[data-user=\"troll\"]').length === 0", UI);
            assertThat(page.evaluate("Array.from(document.querySelectorAll('#chat-lines li .text'))" +
                ".some(e => e.textContent === 'welcome, everyone')").asBoolean()).isTrue();
        }
    }

    private static String chatLine(final String user, final String text)
    {
        return "Array.from(document.querySelectorAll('#chat-lines li')).some(li => " +
            "li.querySelector('.user').textContent === " + js(user) + " && " +
            "li.querySelector('.text').textContent === " + js(text) + ")";
    }

    private void postEvent(final CommandCenterNode node, final Map<String, Object> event) throws Exception
    {
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create(node.webServer().baseUrl() + "/api/events"))
            .header("Authorization", "Bearer " + node.adminToken())
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(event)))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    }

    private static void open(final DevTools.Page page, final CommandCenterNode node, final String token)
    {
        page.navigate(node.webServer().baseUrl() + "/dashboard/#token=" + token);
        page.awaitTrue("!document.getElementById('app').hidden || !document.getElementById('error').hidden", UI);
        assertThat(page.text("document.getElementById('error').textContent")).isEmpty();
    }

    private static String feedLive(final String feed)
    {
        return "document.getElementById('feed-" + feed + "').textContent === 'live'";
    }

    private static String paymentRow(final String txid)
    {
        return "document.querySelector('#payments tr[data-txid=\"" + txid + "\"]') !== null";
    }

    private static String confirmations(final String txid)
    {
        return "document.querySelector('#payments tr[data-txid=\"" + txid + "\"] .confirmations').textContent";
    }

    private static void press(final DevTools.Page page, final String key)
    {
        page.evaluate("document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: " + js(key) +
            ", bubbles: true, cancelable: true })); true");
    }

    private static void assertSelected(final DevTools.Page page, final String tab)
    {
        assertThat(page.text("document.activeElement.id")).isEqualTo("tab-" + tab);
        assertThat(page.text("document.getElementById('tab-" + tab + "').getAttribute('aria-selected')"))
            .isEqualTo("true");
        assertThat(page.evaluate("document.getElementById('panel-" + tab + "').hidden").asBoolean()).isFalse();
        assertThat(page.evaluate("document.querySelectorAll('[role=tabpanel]:not([hidden])').length").asInt())
            .isEqualTo(1);
    }

    private static boolean enabledInPluginsList(final Path dataDir, final String id) throws Exception
    {
        final CommandRun list = CommandRun.run("plugins", "list", "--json", "--data-dir", dataDir.toString());
        assertThat(list.code()).as(list.err()).isZero();
        final JsonNode root = MAPPER.readTree(list.out());
        for (final JsonNode plugin : root.isArray() ? root : root.path("plugins"))
        {
            if (id.equals(plugin.path("id").asText()))
            {
                return plugin.path("enabled").asBoolean();
            }
        }
        throw new AssertionError("no plugin " + id + " in " + list.out());
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
