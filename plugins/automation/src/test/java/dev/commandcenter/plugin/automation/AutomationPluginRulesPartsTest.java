package dev.commandcenter.plugin.automation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.plugin.automation.rules.RulesParser;
import dev.commandcenter.plugin.testkit.MemoryPluginStorage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.commandcenter.plugin.automation.AutomationFixture.T0_MS;
import static dev.commandcenter.plugin.automation.AutomationFixture.count;
import static dev.commandcenter.plugin.automation.AutomationFixture.ofType;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rules file journaled in several AutomationRules parts: assembled as bytes from the consecutive parts of one load,
 * loaded on the last, discarded (and noted) when a part is missing, out of order or over the bounds.
 */
class AutomationPluginRulesPartsTest
{
    private static final String OLD_RULES = """
        version: 1
        rules:
          - id: old
            on: { command: "!old" }
            actions: [ { chat: { text: "old" } } ]
        """;

    private static final String NEW_RULES = """
        version: 1
        # Café: a comment with multi-byte characters (é € 😀) where the parts are cut.
        rules:
          - id: new-one
            on: { command: "!new" }
            actions: [ { chat: { text: "Café €" } } ]
          - id: new-two
            on: { command: "!two" }
            actions: [ { chat: { text: "😀" } } ]
        """;

    private static final byte[] NEW_BYTES = NEW_RULES.getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldLoadAThreePartFileCutInsideCharactersWithOtherEventsInBetween() throws Exception
    {
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, OLD_RULES);
            fixture.take();
            final int cafe = NEW_RULES.indexOf("Caf") + 3;
            final int emoji = NEW_RULES.indexOf("\uD83D\uDE00");
            final int[] cuts = { utf8Offset(cafe) + 1, utf8Offset(emoji) + 2 };
            final byte[][] parts = slices(cuts);

            fixture.rulesPart(T0_MS + 1, 7, 0, 3, parts[0]);
            fixture.say(T0_MS + 2, "ann", "!old");
            fixture.rulesPart(T0_MS + 3, 7, 1, 3, parts[1]);
            fixture.say(T0_MS + 4, "ann", "!new");
            final List<JsonNode> during = fixture.take();
            assertThat(ofType(during, "AutomationFired")).extracting((node) -> node.path("ruleId").asText())
                .containsExactly("old");
            assertThat(ofType(during, "AutomationState")).isEmpty();

            fixture.rulesPart(T0_MS + 5, 7, 2, 3, parts[2]);
            final List<JsonNode> loaded = ofType(fixture.take(), "AutomationState");
            assertThat(loaded).hasSize(1);
            assertThat(loaded.get(0).path("rulesLoaded").asInt()).isEqualTo(2);
            assertThat(loaded.get(0).path("errors").asText()).isEmpty();
            assertThat(fixture.plugin().ruleIds()).containsExactly("new-one", "new-two");

            fixture.say(T0_MS + 6, "ann", "!new");
            final List<JsonNode> fired = fixture.take();
            assertThat(count(fired, "FIRED")).isEqualTo(1);
            assertThat(ofType(fired, "AutomationAction").get(0).path("payload").asText()).contains("Café €");
        }
    }

    @Test
    void shouldKeepTheRulesInForceAndNoteALoadWithAMissingMiddlePart() throws Exception
    {
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, OLD_RULES);
            fixture.take();
            final byte[][] parts = slices(new int[] { 40, 120 });

            fixture.rulesPart(T0_MS + 1, 7, 0, 3, parts[0]);
            fixture.rulesPart(T0_MS + 2, 7, 2, 3, parts[2]);

            final List<JsonNode> states = ofType(fixture.take(), "AutomationState");
            assertThat(states).hasSize(1);
            assertThat(states.get(0).path("errors").asText())
                .contains("rules load 7 discarded: parts missing (1 of 3 received in order)");
            assertThat(states.get(0).path("rulesLoaded").asInt()).isEqualTo(1);
            assertThat(fixture.plugin().ruleIds()).containsExactly("old");

            fixture.say(T0_MS + 3, "ann", "!old");
            assertThat(count(fixture.take(), "FIRED")).isEqualTo(1);
        }
    }

    @Test
    void shouldNoteALoadWhosePartsBeforeThisOneAreMissing() throws Exception
    {
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, OLD_RULES);
            fixture.take();
            final byte[][] parts = slices(new int[] { 40, 120 });

            fixture.rulesPart(T0_MS + 1, 9, 1, 3, parts[1]);
            fixture.rulesPart(T0_MS + 2, 9, 2, 3, parts[2]);

            final List<JsonNode> states = ofType(fixture.take(), "AutomationState");
            assertThat(states).hasSize(1);
            assertThat(states.get(0).path("errors").asText())
                .contains("rules load 9 discarded: part 1 of 3 without the parts before it");
            assertThat(fixture.plugin().ruleIds()).containsExactly("old");
        }
    }

    @Test
    void shouldRestartTheAssemblyOnANewPartZero() throws Exception
    {
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, OLD_RULES);
            fixture.take();
            final byte[][] parts = slices(new int[] { 40, 120 });

            fixture.rulesPart(T0_MS + 1, 7, 0, 3, parts[0]);
            fixture.rulesPart(T0_MS + 2, 7, 1, 3, parts[1]);
            fixture.rulesPart(T0_MS + 3, 8, 0, 3, parts[0]);
            final List<JsonNode> restarted = ofType(fixture.take(), "AutomationState");
            assertThat(restarted).hasSize(1);
            assertThat(restarted.get(0).path("errors").asText())
                .contains("rules load 7 discarded: parts missing (2 of 3 received in order)");

            fixture.rulesPart(T0_MS + 4, 8, 1, 3, parts[1]);
            fixture.rulesPart(T0_MS + 5, 8, 2, 3, parts[2]);

            assertThat(fixture.plugin().ruleIds()).containsExactly("new-one", "new-two");
        }
    }

    @Test
    void shouldDiscardALoadOfMorePartsThanAllowed() throws Exception
    {
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, OLD_RULES);
            fixture.take();
            final int tooMany = AutomationPlugin.MAX_RULES_PARTS + 1;

            fixture.rulesPart(T0_MS + 1, 7, 0, tooMany, NEW_BYTES);
            fixture.rulesPart(T0_MS + 2, 7, 1, tooMany, NEW_BYTES);

            final List<JsonNode> states = ofType(fixture.take(), "AutomationState");
            assertThat(states).hasSize(1);
            assertThat(states.get(0).path("errors").asText())
                .contains("rules load 7 discarded: part 0 of 513, expected parts 1..512");
            assertThat(fixture.plugin().ruleIds()).containsExactly("old");
        }
    }

    @Test
    void shouldDiscardALoadOverOneMebibyteAndLoadOneOfExactlyOneMebibyte() throws Exception
    {
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, OLD_RULES);
            fixture.take();
            final int partBytes = 4000;
            final int parts = RulesParser.MAX_BYTES / partBytes + 1;
            final byte[] comment = comment(partBytes);

            for (int part = 0; part < parts; part++)
            {
                fixture.rulesPart(T0_MS + 1 + part, 7, part, parts + 5, comment);
            }
            final List<JsonNode> states = ofType(fixture.take(), "AutomationState");
            assertThat(states).hasSize(1);
            assertThat(states.get(0).path("errors").asText())
                .contains("rules load 7 discarded: over 1048576 bytes (1 MiB) at part " + (parts - 1));
            assertThat(fixture.plugin().ruleIds()).containsExactly("old");

            final int last = RulesParser.MAX_BYTES - (parts - 1) * partBytes - NEW_BYTES.length;
            for (int part = 0; part < parts - 1; part++)
            {
                fixture.rulesPart(T0_MS + 1000 + part, 8, part, parts + 1, comment);
            }
            fixture.rulesPart(T0_MS + 2000, 8, parts - 1, parts + 1, comment(last));
            fixture.rulesPart(T0_MS + 2001, 8, parts, parts + 1, NEW_BYTES);

            assertThat(fixture.plugin().ruleIds()).containsExactly("new-one", "new-two");
        }
    }

    @Test
    void shouldWriteNoTwoSnapshotsCloserThanTheMinimumIntervalOfEventTime() throws Exception
    {
        try (AutomationFixture fixture = new AutomationFixture(Map.of(AutomationPlugin.SNAPSHOT_EVERY_EVENTS_KEY, 1)))
        {
            final MemoryPluginStorage storage = (MemoryPluginStorage)fixture.harness().storage();
            for (int i = 0; i < 10; i++)
            {
                fixture.say(T0_MS + i, "ann", "hello " + i);
            }
            assertThat(storage.latestWrites()).isEqualTo(1);
            fixture.say(T0_MS + 1_001, "ann", "a second later");
            assertThat(storage.latestWrites()).isEqualTo(2);
        }
        try (AutomationFixture fixture = new AutomationFixture(Map.of(AutomationPlugin.SNAPSHOT_EVERY_EVENTS_KEY, 1,
            "snapshotMinIntervalMs", 0)))
        {
            for (int i = 0; i < 10; i++)
            {
                fixture.say(T0_MS + i, "ann", "hello " + i);
            }
            assertThat(((MemoryPluginStorage)fixture.harness().storage()).latestWrites()).isEqualTo(10);
        }
    }

    @Test
    void shouldWriteNoSnapshotWhileAnAssemblyIsUnfinished() throws Exception
    {
        try (AutomationFixture fixture = new AutomationFixture(Map.of(AutomationPlugin.SNAPSHOT_EVERY_EVENTS_KEY, 1)))
        {
            final byte[][] parts = slices(new int[] { 40, 120 });

            fixture.rulesPart(T0_MS + 1, 7, 0, 3, parts[0]);
            fixture.say(T0_MS + 2, "ann", "!new");
            fixture.rulesPart(T0_MS + 3, 7, 1, 3, parts[1]);
            assertThat(fixture.harness().storage().read(AutomationPlugin.SNAPSHOT_ENTRY)).isNull();

            fixture.rulesPart(T0_MS + 4, 7, 2, 3, parts[2]);
            final byte[] snapshot = fixture.harness().storage().read(AutomationPlugin.SNAPSHOT_ENTRY);
            assertThat(snapshot).isNotNull();
            assertThat(new String(snapshot, StandardCharsets.UTF_8)).contains("new-two");
            // Written from the event thread without waiting for the disk.
            assertThat(((MemoryPluginStorage)fixture.harness().storage()).latestWrites()).isPositive();

            fixture.rulesPart(T0_MS + 5, 8, 0, 3, parts[0]);
            fixture.harness().stop();
            assertThat(fixture.harness().storage().read(AutomationPlugin.SNAPSHOT_ENTRY)).isEqualTo(snapshot);
        }
    }

    @Test
    void shouldIgnoreJournaledPartsWhenTheConfigurationGivesTheRules() throws Exception
    {
        try (AutomationFixture fixture = new AutomationFixture(Map.of(AutomationPlugin.RULES_TEXT_KEY, OLD_RULES)))
        {
            final byte[][] parts = slices(new int[] { 40, 120 });

            fixture.rulesPart(T0_MS + 1, 7, 0, 3, parts[0]);
            fixture.rulesPart(T0_MS + 2, 7, 1, 3, parts[1]);
            fixture.rulesPart(T0_MS + 3, 7, 2, 3, parts[2]);

            assertThat(fixture.take()).isEmpty();
            assertThat(fixture.plugin().ruleIds()).containsExactly("old");
        }
    }

    private static int utf8Offset(final int charIndex)
    {
        return NEW_RULES.substring(0, charIndex).getBytes(StandardCharsets.UTF_8).length;
    }

    private static byte[][] slices(final int[] cuts)
    {
        final byte[][] parts = new byte[cuts.length + 1][];
        int start = 0;
        for (int i = 0; i < cuts.length; i++)
        {
            parts[i] = Arrays.copyOfRange(NEW_BYTES, start, cuts[i]);
            start = cuts[i];
        }
        parts[cuts.length] = Arrays.copyOfRange(NEW_BYTES, start, NEW_BYTES.length);
        return parts;
    }

    private static byte[] comment(final int length)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte)'x');
        bytes[0] = '#';
        bytes[length - 1] = '\n';
        return bytes;
    }
}
