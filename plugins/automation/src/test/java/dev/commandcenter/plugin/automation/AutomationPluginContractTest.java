package dev.commandcenter.plugin.automation;

import dev.commandcenter.plugin.testkit.PluginContract;
import org.junit.jupiter.api.Test;

import java.util.Map;

class AutomationPluginContractTest
{
    private static final String RULES = """
        version: 1
        variables:
          n: { initial: 0, reset: daily }
        webhooks:
          hub: { url: "https://hub.example/x" }
        timers:
          t: { every: 1m }
        rules:
          - id: every-type
            on: { event: ChatModeration }
            actions: [ { alert: { title: "{target}" } }, { webhook: { to: hub } } ]
          - id: command
            on: { command: "!x" }
            actions: [ { chat: { text: "{args}" } }, { add: { var: n, value: 1 } } ]
          - id: goal
            on: { goal: { sats: 1, per: stream } }
            actions: [ { media: { url: /a.mp3 } }, { obs: { scene: "{amount}" } } ]
          - id: threshold
            on: { threshold: { sats: 1, within: 1m } }
            actions: [ { wait: 1s } ]
          - id: timer
            on: { timer: t }
            actions: [ { set: { var: n, value: "{count}" } } ]
          - id: control
            on: { event: AutomationControl }
            actions: [ { chat: { text: "{action} {variable}" } } ]
        """;

    @Test
    void shouldSatisfyThePluginContractWithoutRules()
    {
        PluginContract.assertSatisfied(AutomationPlugin::new, Map.of());
    }

    @Test
    void shouldSatisfyThePluginContractWithRulesForEveryTrigger()
    {
        PluginContract.assertSatisfied(AutomationPlugin::new, Map.of(AutomationPlugin.RULES_TEXT_KEY, RULES));
    }

    @Test
    void shouldBeFoundByTheServiceLoader()
    {
        org.assertj.core.api.Assertions.assertThat(java.util.ServiceLoader.load(dev.commandcenter.engine.plugin.Plugin.class)
            .stream().map(java.util.ServiceLoader.Provider::type).map(Class::getName))
            .contains(AutomationPlugin.class.getName());
    }
}
