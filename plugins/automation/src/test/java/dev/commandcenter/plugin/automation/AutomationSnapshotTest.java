package dev.commandcenter.plugin.automation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.codecs.sbe.AutomationControlAction;
import dev.commandcenter.codecs.sbe.ChatAction;
import dev.commandcenter.engine.plugin.Recovery;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.commandcenter.plugin.automation.AutomationFixture.T0_MS;
import static dev.commandcenter.plugin.automation.AutomationFixture.count;
import static dev.commandcenter.plugin.automation.AutomationFixture.ofType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AutomationSnapshotTest
{
    private static final String RULES = """
        version: 1
        variables:
          n: { initial: 0 }
        rules:
          - id: hi
            on: { command: "!hi" }
            cooldown: { rule: 1m, user: 10m }
            actions: [ { add: { var: n, value: 1 } }, { chat: { text: "hi {name} #{var.n}" } } ]
          - id: off
            on: { command: "!off" }
            actions: [ { wait: 1s } ]
          - id: goal
            on: { goal: { sats: 1000, per: day } }
            actions: [ { chat: { text: "goal" } } ]
          - id: hype
            on: { threshold: { sats: 500, within: 10m } }
            actions: [ { chat: { text: "hype" } } ]
        """;

    @Test
    void shouldRestoreItsStateFromTheSnapshotAndFireNothingAgain() throws Exception
    {
        final byte[] snapshot;
        final long covered;
        try (AutomationFixture first = new AutomationFixture(Map.of()))
        {
            first.rules(T0_MS, RULES);
            first.say(T0_MS + 1000, "ann", "!hi");
            first.control(T0_MS + 2000, AutomationControlAction.DISABLE_RULE, "off", "", "");
            first.moderate(T0_MS + 3000, ChatAction.BAN, "troll", 0);
            first.pay(T0_MS + 4000, 600, 1, "");
            first.take();
            first.harness().stop();
            snapshot = first.harness().storage().read(AutomationPlugin.SNAPSHOT_ENTRY);
            covered = first.sequence();
        }
        assertThat(snapshot).isNotNull();
        final JsonNode json = AutomationFixture.parse(new String(snapshot, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(json.path("version").asInt()).isEqualTo(AutomationPlugin.SNAPSHOT_VERSION);

        try (AutomationFixture second = new AutomationFixture(Map.of()))
        {
            second.harness().storage().write(AutomationPlugin.SNAPSHOT_ENTRY, snapshot);
            assertThat(second.plugin().restoreSnapshot(second.harness())).isEqualTo(covered);
            second.plugin().onRecovered(second.harness());
            final List<JsonNode> recovered = second.take();
            assertThat(recovered).extracting((node) -> node.path("type").asText()).containsExactly("AutomationState");
            assertThat(recovered.get(0).path("variablesJson").asText()).isEqualTo("{\"n\":1}");
            assertThat(second.plugin().ruleIds()).containsExactly("hi", "off", "goal", "hype");

            second.say(T0_MS + 30_000, "bob", "!hi");
            second.say(T0_MS + 61_000, "ann", "!hi");
            second.say(T0_MS + 62_000, "troll", "!hi");
            second.say(T0_MS + 63_000, "cat", "!off");
            second.pay(T0_MS + 64_000, 500, 2, "");
            final List<JsonNode> out = second.take();
            assertThat(ofType(out, "AutomationFired")).extracting((node) ->
                node.path("ruleId").asText() + " " + node.path("outcome").asText())
                .containsExactly("hi COOLDOWN_RULE", "hi COOLDOWN_USER", "off DISABLED", "goal FIRED");
        }
    }

    @Test
    void shouldStartEmptyWithoutASnapshotAndRefuseACorruptOne() throws Exception
    {
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            assertThat(fixture.plugin().restoreSnapshot(fixture.harness())).isEqualTo(Recovery.NO_SNAPSHOT);
            fixture.harness().storage().write(AutomationPlugin.SNAPSHOT_ENTRY, "{\"version\":99}".getBytes());
            assertThatThrownBy(() -> fixture.plugin().restoreSnapshot(fixture.harness()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("automation-state.json of plugin automation cannot be restored: expected a " +
                    "snapshot of version 1, got ");
            assertThat(fixture.plugin().ruleIds()).isEmpty();
        }
    }

    @Test
    void shouldDeclareSnapshotRecovery()
    {
        assertThat(new AutomationPlugin().recovery().mode()).isEqualTo(Recovery.Mode.SNAPSHOT);
    }

    @Test
    void shouldEmitByteIdenticalOutputsForTheSameEvents() throws Exception
    {
        final List<byte[]> first = run();
        final List<byte[]> second = run();

        assertThat(first).hasSizeGreaterThan(10);
        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++)
        {
            assertThat(Arrays.equals(first.get(i), second.get(i))).as("output " + i).isTrue();
        }
    }

    private static List<byte[]> run() throws Exception
    {
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, RULES);
            for (int i = 0; i < 20; i++)
            {
                fixture.say(T0_MS + i * 40_000L, "viewer" + (i % 3), "!hi there");
                fixture.pay(T0_MS + i * 40_000L + 1, 100L * i, i, "memo " + i);
            }
            fixture.control(T0_MS + 900_000, AutomationControlAction.SET_VARIABLE, "", "n", "7");
            return List.copyOf(fixture.harness().emitted());
        }
    }

    @Test
    void shouldBoundWhatAFloodOfDistinctViewersLeaves() throws Exception
    {
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, RULES);
            final int viewers = AutomationPlugin.USERS_PER_RULE * 2;
            for (int i = 0; i < viewers; i++)
            {
                fixture.say(T0_MS + i * 60_000L, "viewer" + i, "!hi");
                fixture.moderate(T0_MS + i * 60_000L, ChatAction.BAN, "banned" + i, 0);
            }
            assertThat(count(fixture.take(), "FIRED")).isEqualTo(viewers);
            fixture.harness().stop();
            final JsonNode snapshot = AutomationFixture.parse(new String(
                fixture.harness().storage().read(AutomationPlugin.SNAPSHOT_ENTRY), java.nio.charset.StandardCharsets.UTF_8));

            assertThat(snapshot.path("rules").path("hi").path("users").size()).isEqualTo(AutomationPlugin.USERS_PER_RULE);
            assertThat(snapshot.path("bans").size()).isEqualTo(AutomationPlugin.BANS_KEPT);
        }
    }
}
