package dev.commandcenter.app.automation;

import dev.commandcenter.plugin.automation.rules.RuleSet;
import dev.commandcenter.plugin.automation.rules.RulesParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's shipped rules: clean, small enough to be journaled as written, and installed once into the data dir.
 */
class DemoRulesTest
{
    @TempDir
    Path dir;

    @Test
    void shouldShipACleanRulesFile()
    {
        final RuleSet rules = RulesParser.parse(DemoRules.text(), DemoRules.FILE_NAME);

        assertThat(rules.errors()).isEmpty();
        assertThat(rules.ruleIds()).contains("first-tip", "big-tip", "daily-goal", "shoutout", "hydrate");
        assertThat(rules.timers()).hasSize(1);
    }

    @Test
    void shouldInstallTheRulesOnceAndKeepAnEditedCopy() throws Exception
    {
        final Path data = dir.resolve("data");
        final Path file = DemoRules.install(data);
        assertThat(Files.readString(file)).isEqualTo(DemoRules.text());

        Files.writeString(file, "version: 1\nrules: []\n");
        assertThat(DemoRules.install(data)).isEqualTo(file);
        assertThat(Files.readString(file)).isEqualTo("version: 1\nrules: []\n");
    }
}
