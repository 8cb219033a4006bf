package dev.commandcenter.plugin.automation;

import dev.commandcenter.plugin.automation.rules.RuleError;
import dev.commandcenter.plugin.automation.rules.RuleSet;
import dev.commandcenter.plugin.automation.rules.RulesParser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation cannot rot: every recipe in {@code docs/recipes/} and every {@code yaml} block of
 * {@code docs/automation.md} that is a rules file (starts with {@code version: 1}) parses without an error, the
 * recipes define the rules their sections describe, and each recipe's section shows the file as it is.
 */
class RecipesTest
{
    private static final Pattern YAML_BLOCK = Pattern.compile("(?ms)^```yaml\\n(.*?)^```");

    /** The recipes the issue asks for, by file, with the rule ids each one defines in file order. */
    private static final Map<String, List<String>> EXPECTED_RULES = new TreeMap<>(Map.of(
        "big-tip.yaml", List.of("big-tip"),
        "goal-reached.yaml", List.of("count-sats", "daily-goal"),
        "hydrate.yaml", List.of("hydrate"),
        "ad-break.yaml", List.of("ad-break"),
        "home-hub-webhook.yaml", List.of("tip-lights"),
        "last-tipper.yaml", List.of("last-tipper")));

    @Test
    void shouldParseEveryRecipeWithoutErrorsAndTheExpectedRules() throws IOException
    {
        final Map<String, List<String>> parsed = new TreeMap<>();
        for (final Path file : recipeFiles())
        {
            final String name = file.getFileName().toString();
            final RuleSet rules = RulesParser.parse(Files.readString(file, StandardCharsets.UTF_8), name);

            assertThat(rules.errors()).as(name).isEmpty();
            assertThat(rules.ruleCount()).as(name).isEqualTo(rules.ruleIds().size());
            parsed.put(name, rules.ruleIds());
        }

        assertThat(parsed).isEqualTo(EXPECTED_RULES);
    }

    @Test
    void shouldDefineTheAdBreakTimerAndTheHomeHubWebhook() throws IOException
    {
        final RuleSet adBreak = parse("ad-break.yaml");
        final RuleSet webhook = parse("home-hub-webhook.yaml");

        assertThat(adBreak.timers()).singleElement().satisfies(timer ->
        {
            assertThat(timer.name()).isEqualTo("ad-break");
            assertThat(timer.everyMs()).isEqualTo(30 * 60_000L);
        });
        assertThat(webhook.webhooks()).containsOnlyKeys("home-hub");
    }

    @Test
    void shouldParseEveryRulesFileOfTheReferenceWithoutErrors() throws IOException
    {
        final List<String> blocks = rulesBlocks();

        // The reference file at the top, one block per recipe, and whatever examples are added later.
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(1 + EXPECTED_RULES.size());
        for (int i = 0; i < blocks.size(); i++)
        {
            final RuleSet rules = RulesParser.parse(blocks.get(i), "automation.md block " + (i + 1));
            assertThat(rules.errors()).as("block %d:%n%s", i + 1, blocks.get(i)).isEmpty();
            assertThat(rules.ruleCount()).as("block %d", i + 1).isPositive();
        }
    }

    @Test
    void shouldShowEachRecipeInTheReferenceAsItsFileIs() throws IOException
    {
        final List<String> blocks = rulesBlocks();

        for (final Path file : recipeFiles())
        {
            final String text = Files.readString(file, StandardCharsets.UTF_8);
            final String body = text.substring(text.indexOf("version: 1"));
            assertThat(blocks).as("a yaml block of docs/automation.md showing recipes/%s", file.getFileName())
                .contains(body);
        }
    }

    @Test
    void shouldReportAnErrorInABrokenRecipeSoTheseChecksCanFail() throws IOException
    {
        final String broken = Files.readString(docs().resolve("recipes").resolve("hydrate.yaml"), StandardCharsets.UTF_8)
            .replace("rule: 2m", "rule: soon");

        final List<RuleError> errors = RulesParser.parse(broken, "hydrate.yaml").errors();

        assertThat(errors).singleElement().satisfies(error ->
            assertThat(error.toString()).startsWith("hydrate.yaml:").contains("rule hydrate").contains("'soon'"));
    }

    private static RuleSet parse(final String recipe) throws IOException
    {
        final RuleSet rules = RulesParser.parse(
            Files.readString(docs().resolve("recipes").resolve(recipe), StandardCharsets.UTF_8), recipe);
        assertThat(rules.errors()).as(recipe).isEmpty();
        return rules;
    }

    private static List<Path> recipeFiles() throws IOException
    {
        try (Stream<Path> files = Files.list(docs().resolve("recipes")))
        {
            final List<Path> recipes = files
                .filter(file -> file.getFileName().toString().endsWith(".yaml"))
                .sorted()
                .toList();
            assertThat(recipes).as("recipes in docs/recipes").hasSizeGreaterThanOrEqualTo(6);
            return recipes;
        }
    }

    /** The {@code yaml} blocks of the reference that are rules files. */
    private static List<String> rulesBlocks() throws IOException
    {
        final String reference = Files.readString(docs().resolve("automation.md"), StandardCharsets.UTF_8);
        final List<String> blocks = new ArrayList<>();
        final Matcher matcher = YAML_BLOCK.matcher(reference);
        while (matcher.find())
        {
            final String block = matcher.group(1);
            if (block.startsWith("version: 1"))
            {
                blocks.add(block);
            }
        }
        return blocks;
    }

    /** The project's docs folder, found from the module's directory upwards. */
    private static Path docs()
    {
        for (Path dir = Path.of("").toAbsolutePath(); null != dir; dir = dir.getParent())
        {
            final Path candidate = dir.resolve("docs");
            if (Files.isRegularFile(candidate.resolve("automation.md")))
            {
                return candidate;
            }
        }
        throw new IllegalStateException("docs/automation.md not found above " + Path.of("").toAbsolutePath());
    }
}
