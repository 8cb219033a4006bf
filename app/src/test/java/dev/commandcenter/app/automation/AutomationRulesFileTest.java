package dev.commandcenter.app.automation;

import dev.commandcenter.codecs.sbe.AutomationRulesDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.plugin.automation.AutomationPlugin;
import dev.commandcenter.plugin.automation.rules.RuleSet;
import dev.commandcenter.plugin.automation.rules.TimerSpec;
import dev.commandcenter.plugin.testkit.PluginHarness;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules file: published as AutomationRules events (in parts when large) at start and on each change, its errors
 * logged one line each and counted, a file that cannot be parsed, is too big or cannot be published refused with the
 * rules in force kept, its timers handed on.
 */
@Timeout(30)
class AutomationRulesFileTest
{
    static final String RULES = """
        version: 1
        timers:
          ad-break: { every: 30m }
        rules:
          - id: big-tip
            on: { event: TransactionReceived, where: ["amountSats >= 50000"] }
            actions:
              - alert: { title: "Big tip!", text: "{amount} sats" }
          - id: hydrate
            on: { command: "!hydrate" }
            actions:
              - chat: { text: "Drink some water, {name}!" }
        """;

    @TempDir
    Path dir;

    private final RecordingPublisher publisher = new RecordingPublisher();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<List<TimerSpec>> timers = new CopyOnWriteArrayList<>();

    @Test
    void shouldPublishTheFileAtStartAndHandOnItsTimers() throws Exception
    {
        final Path file = write("rules.yaml", RULES, 1);
        final AutomationRulesFile rules = new AutomationRulesFile(file, publisher, publisher.counters, log::add, timers::add);

        final RuleSet loaded = rules.publishInitial();

        assertThat(log).isEmpty();
        assertThat(loaded.ruleIds()).containsExactly("big-tip", "hydrate");
        assertThat(publisher.events).hasSize(1);
        assertThat(publisher.events.get(0).source()).isEqualTo(Sources.ENGINE);
        assertThat(text(0)).isEqualTo(RULES);
        assertThat(origin(0)).isEqualTo("rules.yaml");
        assertThat(timers).hasSize(1);
        assertThat(timers.get(0)).extracting(TimerSpec::name).containsExactly("ad-break");
        assertThat(publisher.counter(CounterType.AUTOMATION_RULE_RELOADS)).isEqualTo(1);
        assertThat(publisher.counter(CounterType.AUTOMATION_RULE_ERRORS)).isZero();
    }

    @Test
    void shouldReloadAChangedFileAndLogEachErrorOfItsRulesInOneLine() throws Exception
    {
        final Path file = write("rules.yaml", RULES, 1);
        final AutomationRulesFile rules = new AutomationRulesFile(file, publisher, publisher.counters, log::add, timers::add);
        rules.publishInitial();
        assertThat(rules.doWork()).isZero();

        final String withError = RULES + """
              - id: shoutout
                on: { event: Tip }
                actions:
                  - chat: { text: "hi" }
            """;
        write("rules.yaml", withError, 2);
        assertThat(rules.doWork()).isEqualTo(1);

        assertThat(publisher.events).hasSize(2);
        assertThat(text(1)).isEqualTo(withError);
        assertThat(log).hasSize(1);
        assertThat(log.get(0)).startsWith("automation rules: rules.yaml:14:").contains("rule shoutout: ")
            .contains("'on.event'").doesNotContain("\n");
        assertThat(rules.inForce().ruleIds()).containsExactly("big-tip", "hydrate");
        assertThat(publisher.counter(CounterType.AUTOMATION_RULE_RELOADS)).isEqualTo(2);
        assertThat(publisher.counter(CounterType.AUTOMATION_RULE_ERRORS)).isEqualTo(1);
    }

    @Test
    void shouldKeepTheRulesInForceWhenTheFileCannotBeParsed() throws Exception
    {
        final Path file = write("rules.yaml", RULES, 1);
        final AutomationRulesFile rules = new AutomationRulesFile(file, publisher, publisher.counters, log::add, timers::add);
        rules.publishInitial();

        write("rules.yaml", "version: 1\nrules: [ { id: x\n", 2);
        rules.doWork();

        assertThat(publisher.events).hasSize(1);
        assertThat(timers).hasSize(1);
        assertThat(log).hasSize(1);
        assertThat(log.get(0)).startsWith("automation rules: rules.yaml:").endsWith(" (the rules in force stay)")
            .doesNotContain("\n");
        assertThat(rules.inForce().ruleIds()).containsExactly("big-tip", "hydrate");
        assertThat(publisher.counter(CounterType.AUTOMATION_RULE_ERRORS)).isEqualTo(1);
        assertThat(publisher.counter(CounterType.AUTOMATION_RULE_RELOADS)).isEqualTo(1);
    }

    @Test
    void shouldRefuseAFileOverOneMebibyteWithoutReadingIt() throws Exception
    {
        final Path file = write("rules.yaml", RULES, 1);
        final AutomationRulesFile rules = new AutomationRulesFile(file, publisher, publisher.counters, log::add, timers::add);
        rules.publishInitial();

        write("rules.yaml", RULES + "#".repeat((int)AutomationRulesFile.MAX_FILE_BYTES), 2);
        rules.doWork();

        assertThat(publisher.events).hasSize(1);
        assertThat(log).containsExactly("automation rules: rules.yaml: the file is " + Files.size(file) +
            " bytes, expected at most 1048576 (1 MiB) (the rules in force stay)");
    }

    @Test
    void shouldJournalA200KbFileInPartsThatThePluginAssemblesIntoEveryRule() throws Exception
    {
        final StringBuilder text = new StringBuilder("version: 1\nrules:\n");
        final int ruleCount = 900;
        for (int i = 0; i < ruleCount; i++)
        {
            // Multi-byte characters everywhere, so some part limits fall inside one and must move back.
            text.append("  # rule ").append(i).append(": a comment kept as written in the journal, byte for byte, in every part, \u00e9\u20ac\uD83D\uDE00\n")
                .append("  - id: rule-").append(i).append('\n')
                .append("    on: { command: \"!c").append(i).append("\" }\n")
                .append("    actions:\n")
                .append("      - chat: { text: \"Caf\u00e9 \u20ac\uD83D\uDE00 number ").append(i)
                .append(" says thank you for watching\" }\n");
        }
        final String written = text.toString();
        final byte[] bytes = written.getBytes(StandardCharsets.UTF_8);
        assertThat(bytes.length).isBetween(200_000, 260_000);
        final Path file = write("rules.yaml", written, 1);
        final AutomationRulesFile rules = new AutomationRulesFile(file, publisher, publisher.counters, log::add, timers::add);

        assertThat(rules.publishInitial().ruleCount()).isEqualTo(ruleCount);

        assertThat(log).isEmpty();
        final int parts = publisher.events.size();
        assertThat(parts).isGreaterThan(bytes.length / EventPublisher.MAX_MESSAGE_LENGTH)
            .isLessThanOrEqualTo(AutomationRulesFile.MAX_PARTS);
        final ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < parts; i++)
        {
            final AutomationRulesDecoder decoder = decoder(i);
            assertThat(publisher.events.get(i).buffer().capacity()).isLessThanOrEqualTo(EventPublisher.MAX_MESSAGE_LENGTH);
            assertThat(decoder.loadId()).isEqualTo(decoder(0).loadId());
            assertThat(decoder.part()).isEqualTo(i);
            assertThat(decoder.parts()).isEqualTo(parts);
            final byte[] slice = new byte[decoder.textLength()];
            decoder.getText(slice, 0, slice.length);
            assertThat(new String(slice, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8))
                .as("part %d is whole UTF-8 characters", i).isEqualTo(slice);
            joined.write(slice);
            assertThat(decoder.origin()).isEqualTo("rules.yaml");
        }
        assertThat(joined.toByteArray()).isEqualTo(bytes);
        assertThat(publisher.counter(CounterType.AUTOMATION_RULE_RELOADS)).isEqualTo(1);

        try (PluginHarness harness = new PluginHarness(new AutomationPlugin()))
        {
            harness.start();
            for (int i = 0; i < parts; i++)
            {
                final UnsafeBuffer event = publisher.events.get(i).buffer();
                assertThat(harness.deliver(i, 1_000_000L * (i + 1), Sources.ENGINE, event, 0, event.capacity())).isTrue();
            }
            final List<String> states = harness.emittedJson().stream()
                .filter((json) -> json.startsWith("{\"type\":\"AutomationState\"")).toList();
            assertThat(states).hasSize(1);
            assertThat(states.get(0)).contains("\"rulesLoaded\":" + ruleCount + ",").contains("\"errors\":\"\"");
        }
    }

    @Test
    void shouldKeepTheRulesInForceWhenAPartCannotBePublished() throws Exception
    {
        final Path file = write("rules.yaml", RULES, 1);
        final AutomationRulesFile rules = new AutomationRulesFile(file, publisher, publisher.counters, log::add, timers::add);
        rules.publishInitial();
        final long firstLoad = decoder(0).loadId();

        final String big = RULES + ("# " + "a long comment ".repeat(60) + "\n").repeat(10);
        write("rules.yaml", big, 2);
        publisher.refuseAfter = 2;
        rules.doWork();

        assertThat(publisher.events).hasSize(2);
        assertThat(decoder(1).part()).isZero();
        assertThat(decoder(1).parts()).isGreaterThan(1);
        assertThat(decoder(1).loadId()).isGreaterThan(firstLoad);
        assertThat(log).hasSize(1);
        assertThat(log.get(0)).startsWith("automation rules: rules.yaml: the engine refused part 1 of ")
            .endsWith(" (the rules in force stay)");
        assertThat(timers).hasSize(1);
        assertThat(publisher.counter(CounterType.AUTOMATION_RULE_ERRORS)).isEqualTo(1);
        assertThat(publisher.counter(CounterType.AUTOMATION_RULE_RELOADS)).isEqualTo(1);
    }

    @Test
    void shouldNeverCutAPartInsideACharacter()
    {
        final byte[] bytes = "a\u00e9\u20ac\uD83D\uDE00".getBytes(StandardCharsets.UTF_8);

        assertThat(AutomationRulesFile.partEnds(bytes, 4)).containsExactly(3, 6, 10);
        assertThat(AutomationRulesFile.partEnds(bytes, 100)).containsExactly(10);
        assertThat(AutomationRulesFile.partEnds(new byte[0], 100)).containsExactly(0);
    }

    @Test
    void shouldNameAConfiguredFileThatDoesNotExist()
    {
        assertThat(AutomationRulesFile.resolve("")).isNull();
        assertThatThrownBy(() -> AutomationRulesFile.resolve(dir.resolve("nope.yaml").toString()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("automation.rules: expected an existing rules file (YAML or JSON), got '" +
                dir.resolve("nope.yaml") + "' (no such file)");
    }

    private Path write(final String name, final String text, final int version) throws Exception
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, text);
        // A distinct modification time per version, so a change within one clock tick is seen.
        Files.setLastModifiedTime(file, FileTime.fromMillis(1_700_000_000_000L + version * 1000L));
        return file;
    }

    private AutomationRulesDecoder decoder(final int index)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        return new AutomationRulesDecoder().wrapAndApplyHeader(publisher.events.get(index).buffer(), 0, header);
    }

    private String text(final int index)
    {
        return decoder(index).text();
    }

    private String origin(final int index)
    {
        final AutomationRulesDecoder decoder = decoder(index);
        decoder.skipText();
        return decoder.origin();
    }
}
