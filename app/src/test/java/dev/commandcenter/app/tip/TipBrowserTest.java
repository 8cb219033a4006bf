package dev.commandcenter.app.tip;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.chat.DevTools;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.transport.electrum.sim.DemoWallet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tip page end to end in a real browser (headless Chromium driven over the DevTools protocol) against a real
 * node watching the Electrum simulator through an extended key: the token leaves the address bar, a viewer's form
 * gives a payment request with its QR code, the simulator pays exactly that address and amount, the page says the
 * payment was seen, and the overlay in a second tab shows the alert with the viewer's name and message, markup in the
 * message rendered as text. A wrong token shows a clear error; a node without an extended key says why tips are off.
 * <p>
 * With {@code -Dcc.screenshots=true} it writes {@code docs/images/tip-page.png} (the payment request with its QR
 * code) and {@code docs/images/overlay-tip-alert.png} (the overlay's alert with the name and message).
 */
@Timeout(240)
class TipBrowserTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration UI = Duration.ofSeconds(30);
    private static final String SCREENSHOTS_PROP_NAME = "cc.screenshots";
    private static final String XSS = "<img src=x onerror=window.__xss=1> gg";
    private static final String GREETING = "Great stream, Jane! <3";
    /** Elements a message could have made (images, inline scripts and frames without the pages' own ids), and whether a script ran. */
    private static final String MARKUP = "Array.from(document.querySelectorAll('img, script:not([src]), iframe'))" +
        ".filter(e => !e.id).map(e => e.outerHTML).join(' ') + " +
        "(window.__xss === undefined ? '' : 'script ran')";

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @TempDir
    Path profile;

    @Test
    void shouldTakeAViewerFromTheFormToThePaymentAndTheOverlayAlert() throws Exception
    {
        final Path browser = DevTools.chromium();
        try (DemoWallet simulator = DemoWallet.start(new DemoWallet.Context().autonomous(false));
            CommandCenterNode node = CommandCenterNode.start(TipGatewayNodeTest.walletConfig(simulator, (c) ->
            {
                c.tips.creator = "Jane";
                c.tips.goal.title = "New microphone";
                c.tips.goal.sats = 200_000;
            }), dataDir, null);
            DevTools devTools = DevTools.launch(browser, profile))
        {
            final String base = node.webServer().baseUrl();
            final String tipToken = node.tipToken();
            awaitSynced(node, tipToken);

            final DevTools.Page overlay = devTools.newPage();
            overlay.backdrop(38, 42, 52);
            overlay.viewport(960, 540);
            overlay.navigate(base + "/plugins/stream-bridge/?token=" + node.token());

            final DevTools.Page viewer = devTools.newPage();
            viewer.viewport(520, 1100);
            viewer.navigate(base + "/tip/?token=" + tipToken);
            viewer.awaitTrue("!document.getElementById('tip-form').hidden", UI);
            assertThat(viewer.text("location.href")).doesNotContain(tipToken).isEqualTo(base + "/tip/");
            assertThat(viewer.text("sessionStorage.getItem('cc.tip.token')")).isEqualTo(tipToken);
            assertThat(viewer.text("document.getElementById('title').textContent")).isEqualTo("Tip Jane");
            assertThat(viewer.text("document.getElementById('goal-title').textContent")).isEqualTo("New microphone");

            final String address = requestTip(viewer, "ann", GREETING, 21_000);
            assertThat(simulator.tipAddresses()).contains(address);
            assertThat(viewer.text("document.getElementById('amount-sats').textContent")).isEqualTo("21,000");
            assertThat(viewer.text("document.getElementById('amount-btc').textContent")).isEqualTo("0.00021");
            assertThat(viewer.text("document.getElementById('open-wallet').getAttribute('href')"))
                .isEqualTo("bitcoin:" + address + "?amount=0.00021&label=Jane&message=Great%20stream%2C%20Jane%21%20%3C3");
            assertThat(viewer.text("document.getElementById('qr').getAttribute('src')"))
                .startsWith("data:image/svg+xml;charset=utf-8,%3Csvg");
            assertThat(viewer.text("document.getElementById('qr').alt")).contains("21,000 sats to " + address);
            assertThat(viewer.text("document.getElementById('countdown').textContent")).matches("(29|30):\\d\\d");
            if (Boolean.getBoolean(SCREENSHOTS_PROP_NAME))
            {
                viewer.screenshot(Path.of("..", "docs", "images", "tip-page.png"));
            }

            simulator.simulator().pay(address, 21_000, null);

            viewer.awaitTrue("!document.getElementById('seen').hidden", UI);
            assertThat(viewer.text("document.getElementById('seen-text').textContent"))
                .isEqualTo("Payment seen — thank you, ann!");
            awaitAlert(overlay, "ann", GREETING);
            assertThat(overlay.text("document.getElementById('alert-title').textContent")).isEqualTo("ann tipped 0.00021000 BTC");
            if (Boolean.getBoolean(SCREENSHOTS_PROP_NAME))
            {
                overlay.screenshot(Path.of("..", "docs", "images", "overlay-tip-alert.png"));
            }

            // Another tip from the same page, its message markup: text on the page, in the link and on the overlay.
            viewer.evaluate("document.getElementById('again').click()");
            viewer.awaitTrue("!document.getElementById('tip-form').hidden", UI);
            final String second = requestTip(viewer, "bob", XSS, 5_000);
            assertThat(second).isNotEqualTo(address);
            assertThat(viewer.text("document.getElementById('open-wallet').getAttribute('href')"))
                .startsWith("bitcoin:" + second + "?amount=0.00005&label=Jane&message=%3Cimg%20src%3Dx%20onerror");
            simulator.simulator().pay(second, 5_000, null);
            viewer.awaitTrue("!document.getElementById('seen').hidden", UI);
            assertThat(viewer.text("document.getElementById('seen-text').textContent"))
                .isEqualTo("Payment seen — thank you, bob!");
            awaitAlert(overlay, "bob", XSS);
            for (final DevTools.Page page : new DevTools.Page[] { viewer, overlay })
            {
                assertThat(page.text(MARKUP)).as("no element from the message, no script ran").isEmpty();
            }
        }
    }

    /** Fill the form, submit it, and wait for the payment request with its QR code drawn; its address. */
    private static String requestTip(final DevTools.Page viewer, final String name, final String message, final long sats)
        throws Exception
    {
        viewer.evaluate("(() => { const n = document.getElementById('name'); n.value = " + MAPPER.writeValueAsString(name) +
            "; n.dispatchEvent(new Event('input')); const m = document.getElementById('message'); m.value = " +
            MAPPER.writeValueAsString(message) + "; m.dispatchEvent(new Event('input')); " +
            "document.querySelector('#picks button[data-sats=\"" + sats + "\"]').click(); })()");
        assertThat(viewer.text("document.getElementById('message-count').textContent"))
            .isEqualTo(message.length() + " / 200");
        assertThat(viewer.text("document.getElementById('amount').value")).isEqualTo(Long.toString(sats));
        viewer.evaluate("document.getElementById('submit').click()");
        viewer.awaitTrue("!document.getElementById('request').hidden", UI);
        viewer.awaitTrue("document.getElementById('qr').complete && document.getElementById('qr').naturalWidth > 0", UI);
        final String address = viewer.text("document.getElementById('address').textContent");
        assertThat(address).startsWith("bcrt1q");
        return address;
    }

    /** The overlay's alert showing a viewer's name in its title and their message as its text. */
    private static void awaitAlert(final DevTools.Page overlay, final String name, final String message) throws Exception
    {
        overlay.awaitTrue("!document.getElementById('alert').hidden && " +
            "document.getElementById('alert-title').textContent.startsWith(" + MAPPER.writeValueAsString(name + " tipped") +
            ") && document.getElementById('alert-message').textContent === " + MAPPER.writeValueAsString(message), UI);
    }

    @Test
    void shouldShowAClearErrorForAWrongTokenAndSayWhyTipsAreOffWithoutAnExtendedKey() throws Exception
    {
        final Path browser = DevTools.chromium();
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.telemetry.enabled = false;
        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null);
            DevTools devTools = DevTools.launch(browser, profile))
        {
            final String base = node.webServer().baseUrl();
            final DevTools.Page wrong = devTools.newPage();
            wrong.navigate(base + "/tip/?token=not-the-tip-token-at-all-0123456789");
            wrong.awaitTrue("!document.getElementById('error').hidden", UI);
            assertThat(wrong.text("document.getElementById('error').textContent"))
                .startsWith("This tip link is not valid");
            assertThat(wrong.evaluate("document.getElementById('tip-form').hidden").asBoolean()).isTrue();
            assertThat(wrong.text("location.href")).isEqualTo(base + "/tip/");

            final DevTools.Page off = devTools.newPage();
            off.navigate(base + "/tip/?token=" + node.tipToken());
            off.awaitTrue("!document.getElementById('off').hidden", UI);
            assertThat(off.text("document.getElementById('off-reason').textContent")).contains("wallet.watch.xpubs");
            assertThat(off.evaluate("document.getElementById('tip-form').hidden").asBoolean()).isTrue();
        }
    }

    /** Until the wallet has synced its history once the book refuses: another viewer's reservation shows when. */
    private void awaitSynced(final CommandCenterNode node, final String tipToken)
    {
        await().atMost(UI).pollInterval(Duration.ofMillis(250)).until(() -> 201 == http.send(
            HttpRequest.newBuilder(URI.create(node.webServer().baseUrl() + "/api/tip/reservations"))
                .header("Authorization", "Bearer " + tipToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"early\",\"amountSats\":1000}")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
