package dev.commandcenter.app.automation;

import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.RegtestWalletConfig;
import dev.commandcenter.app.chat.DevTools;
import dev.commandcenter.app.config.ConfigLoader;
import dev.commandcenter.transport.electrum.WalletNetwork;
import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The overlay page in a real browser (headless Chromium over the DevTools protocol) against a running node whose
 * rules turn a payment into a custom alert: the page shows the alert's title from the {@code automation} feed; a
 * title carrying markup (the payment's memo) renders as text and runs nothing; a {@code javascript:} image or sound
 * URL is never loaded.
 */
@Timeout(240)
class AutomationOverlayBrowserTest
{
    private static final Duration UI = Duration.ofSeconds(60);
    private static final String HOSTILE = "<img src=x onerror=window.__xss=1>";

    @TempDir
    Path dir;

    @TempDir
    Path profile;

    @Test
    void shouldShowACustomAlertsTitleAsTextAndLoadNoJavascriptUrl() throws Exception
    {
        final Path browser = DevTools.chromium();
        final Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, """
            version: 1
            rules:
              - id: shout
                on: { event: TransactionReceived, where: ["amountSats >= 50000"] }
                actions:
                  - alert:
                      title: "Custom: {message}"
                      text: "{amount} sats"
                      image: "javascript:window.__xss=2"
                      sound: "javascript:window.__xss=3"
                      duration: 60s
            """);
        try (ElectrumSimulator electrum = ElectrumSimulator.start(new ElectrumSimulator.Context()
            .network(WalletNetwork.REGTEST)))
        {
            electrum.mine(101);
            final Path config = RegtestWalletConfig.write(dir.resolve("commandcenter.yaml"),
                RegtestWalletConfig.yaml(electrum.url(), AutomationEndToEndTest.ADDRESS, 0) + """
                automation:
                  rules: "%s"
                plugins:
                  stream-bridge:
                    minAmountSats: 1000000000
                """.formatted(rules));
            try (CommandCenterNode node = CommandCenterNode.start(ConfigLoader.load(config), dir.resolve("data"), null);
                DevTools devTools = DevTools.launch(browser, profile))
            {
                final DevTools.Page page = devTools.newPage();
                page.navigate(node.urls().get("stream-bridge page") + "&debug=1");
                page.awaitTrue("document.getElementById('status').getAttribute('data-automation') === 'open' && " +
                    "document.getElementById('status').textContent === 'open'", UI);

                electrum.pay(AutomationEndToEndTest.ADDRESS, 75_000, HOSTILE);

                page.awaitTrue("!document.getElementById('alert').hidden", UI);
                assertThat(page.text("document.getElementById('alert-title').textContent")).isEqualTo("Custom: " + HOSTILE);
                assertThat(page.text("document.getElementById('alert-message').textContent")).isEqualTo("75000 sats");
                assertThat(page.evaluate("document.getElementById('alert-title').children.length").asInt()).isZero();
                assertThat(page.evaluate("document.querySelectorAll('img[src=\"x\"], script:not([src])').length").asInt())
                    .isZero();
                assertThat(page.evaluate("document.getElementById('alert-image').hasAttribute('src')").asBoolean()).isFalse();
                assertThat(page.evaluate("document.getElementById('alert-image').hidden").asBoolean()).isTrue();
                assertThat(page.evaluate("document.getElementById('alert-sound').hasAttribute('src')").asBoolean()).isFalse();
                assertThat(page.evaluate("performance.getEntriesByType('resource')" +
                    ".filter(entry => !/^https?:/.test(entry.name)).length").asInt()).isZero();
                assertThat(page.evaluate("window.__xss === undefined").asBoolean()).isTrue();
                assertThat(page.text("document.getElementById('alert').getAttribute('data-alert-id')")).matches("\\d+");
            }
        }
    }
}
