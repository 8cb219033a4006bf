package dev.commandcenter.app.automation;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.config.ConfigException;
import dev.commandcenter.app.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code automation:} and {@code obs:} sections: defaults, every key read, and one-line errors naming the key.
 */
class AutomationConfigTest
{
    @Test
    void shouldDefaultToAnEnabledAutomationWithoutRulesAndNoObs()
    {
        final AppConfig config = ConfigLoader.parse("engine:\n  sampleIntervalMs: 1000\n", "test.yaml");

        assertThat(config.automation.enabled).isTrue();
        assertThat(config.automation.rules).isEmpty();
        assertThat(config.automation.maxQueuedFires).isEqualTo(100);
        assertThat(config.automation.outcomes).isEqualTo(200);
        assertThat(config.automation.botName).isEqualTo("bot");
        assertThat(config.obs.url).isEmpty();
        assertThat(config.obs.passwordKey).isEqualTo("obsPassword");
        assertThat(config.obs.requestTimeoutMs).isEqualTo(5000);
        assertThat(config.obs.reconnectMinMs).isEqualTo(1000);
        assertThat(config.obs.reconnectMaxMs).isEqualTo(30000);
    }

    @Test
    void shouldReadEveryKey()
    {
        final AppConfig config = ConfigLoader.parse("""
            automation:
              enabled: false
              rules: /srv/rules.yaml
              maxQueuedFires: 5
              outcomes: 10
              botName: StreamBot
            obs:
              url: wss://obs.lan:4455
              passwordKey: studioPassword
              requestTimeoutMs: 2000
              reconnectMinMs: 100
              reconnectMaxMs: 1000
            """, "test.yaml");

        assertThat(config.automation.enabled).isFalse();
        assertThat(config.automation.rules).isEqualTo("/srv/rules.yaml");
        assertThat(config.automation.maxQueuedFires).isEqualTo(5);
        assertThat(config.automation.outcomes).isEqualTo(10);
        assertThat(config.automation.botName).isEqualTo("StreamBot");
        assertThat(config.obs.url).isEqualTo("wss://obs.lan:4455");
        assertThat(config.obs.passwordKey).isEqualTo("studioPassword");
        assertThat(config.obs.requestTimeoutMs).isEqualTo(2000);
        assertThat(config.obs.reconnectMinMs).isEqualTo(100);
        assertThat(config.obs.reconnectMaxMs).isEqualTo(1000);
    }

    @Test
    void shouldRefuseAnObsUrlThatIsNotAWebSocketUrl()
    {
        assertThatThrownBy(() -> ConfigLoader.parse("obs:\n  url: http://127.0.0.1:4455\n", "test.yaml"))
            .isInstanceOf(ConfigException.class)
            .hasMessage("test.yaml: 'obs.url' expected a ws:// or wss:// URL such as ws://127.0.0.1:4455 (or empty " +
                "for no OBS), got 'http://127.0.0.1:4455' (a ws:// or wss:// URL missing)");
        assertThatThrownBy(() -> ConfigLoader.parse("obs:\n  url: 127.0.0.1:4455\n", "test.yaml"))
            .hasMessageStartingWith("test.yaml: 'obs.url' expected a ws:// or wss:// URL");
    }

    @Test
    void shouldNameTheKeyOfEveryBadValue()
    {
        assertError("automation:\n  maxQueuedFires: 0\n", "test.yaml: 'automation.maxQueuedFires' expected 1..100000, got 0");
        assertError("automation:\n  outcomes: -1\n", "test.yaml: 'automation.outcomes' expected 1..100000, got -1");
        assertError("automation:\n  botName: ''\n", "test.yaml: 'automation.botName' expected a chat name of 1..64 " +
            "characters without surrounding spaces, got ''");
        assertError("obs:\n  passwordKey: 'hunter 2'\n", "test.yaml: 'obs.passwordKey' expected the name of a secrets " +
            "store entry such as obsPassword (the password itself goes in the secrets store), got 'hunter 2'");
        assertError("obs:\n  requestTimeoutMs: 0\n", "test.yaml: 'obs.requestTimeoutMs' expected 1..600000, got 0");
        assertError("obs:\n  reconnectMinMs: 5000\n  reconnectMaxMs: 1000\n",
            "test.yaml: 'obs.reconnectMaxMs' expected 5000..3600000, got 1000");
        assertThatThrownBy(() -> ConfigLoader.parse("automation:\n  rulez: x.yaml\n", "test.yaml"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("rulez");
        assertThatThrownBy(() -> ConfigLoader.parse("obs:\n", "test.yaml"))
            .hasMessage("test.yaml: 'obs' (line 1) expected a section of keys, got ''");
    }

    private static void assertError(final String yaml, final String message)
    {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "test.yaml"))
            .isInstanceOf(ConfigException.class)
            .hasMessage(message);
    }
}
