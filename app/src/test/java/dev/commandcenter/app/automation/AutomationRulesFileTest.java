package dev.commandcenter.app.automation;

import dev.commandcenter.codecs.sbe.AutomationRulesDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.plugin.automation.rules.RuleSet;
import dev.commandcenter.plugin.automation.rules.TimerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules file: published as an AutomationRules event at start and on each change, its errors logged one line each
 * and counted, a file that cannot be parsed or is too big refused with the rules in force kept, its timers handed on.
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
    void shouldJournalALargeFileWithoutItsCommentLinesKeepingTheLineNumbers() throws Exception
    {
        final String commented = "# " + "a long comment ".repeat(300) + "\n" + RULES;
        final Path file = write("rules.yaml", commented, 1);
        final AutomationRulesFile rules = new AutomationRulesFile(file, publisher, publisher.counters, log::add, timers::add);

        rules.publishInitial();

        assertThat(commented.length()).isGreaterThan(EventPublisher.MAX_MESSAGE_LENGTH);
        assertThat(text(0)).isEqualTo("\n" + RULES);

        write("rules.yaml", RULES + "      - alert: { title: \"" + "x".repeat(EventPublisher.MAX_MESSAGE_LENGTH) + "\" }\n", 2);
        rules.doWork();
        assertThat(publisher.events).hasSize(1);
        assertThat(log.get(log.size() - 1)).contains("to fit in one journaled event").endsWith("(the rules in force stay)");
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
