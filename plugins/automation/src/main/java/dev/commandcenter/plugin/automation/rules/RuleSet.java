package dev.commandcenter.plugin.automation.rules;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What {@link RulesParser#parse(String, String)} made of a rules file: the errors, one per problem, and what loads
 * (the rules without errors, timers, variables, webhooks and cooldowns).
 * <p>
 * A file that could not be read as a whole ({@link #readable()} false: not YAML or JSON, over 1 MiB, no
 * {@code version: 1}) loads nothing: the rules in force stay.
 * <p>
 * <b>Note:</b> immutable.
 */
public final class RuleSet
{
    private final String origin;
    private final boolean readable;
    private final List<RuleError> errors;
    private final List<Rule> rules;
    private final int rulesRejected;
    private final List<TimerSpec> timers;
    private final List<VariableSpec> variables;
    private final Map<String, WebhookSpec> webhooks;
    private final Map<String, Long> cooldowns;
    private final ZoneId zone;

    RuleSet(
        final String origin,
        final boolean readable,
        final List<RuleError> errors,
        final List<Rule> rules,
        final int rulesRejected,
        final List<TimerSpec> timers,
        final List<VariableSpec> variables,
        final Map<String, WebhookSpec> webhooks,
        final Map<String, Long> cooldowns,
        final ZoneId zone)
    {
        this.origin = origin;
        this.readable = readable;
        this.errors = List.copyOf(errors);
        this.rules = List.copyOf(rules);
        this.rulesRejected = rulesRejected;
        this.timers = List.copyOf(timers);
        this.variables = List.copyOf(variables);
        this.webhooks = Collections.unmodifiableMap(webhooks);
        this.cooldowns = Collections.unmodifiableMap(cooldowns);
        this.zone = zone;
    }

    static RuleSet unreadable(final String origin, final RuleError error)
    {
        return new RuleSet(origin, false, List.of(error), List.of(), 0, List.of(), List.of(), Map.of(), Map.of(),
            ZoneId.of("UTC"));
    }

    /**
     * Where the text came from (a file name).
     *
     * @return the origin.
     */
    public String origin()
    {
        return origin;
    }

    /**
     * Whether the file could be read as a whole; when false it loads nothing and the rules in force stay.
     *
     * @return true when readable.
     */
    public boolean readable()
    {
        return readable;
    }

    /**
     * Every problem, in file order; empty for a clean file.
     *
     * @return the errors.
     */
    public List<RuleError> errors()
    {
        return errors;
    }

    /**
     * The timers without errors, for the app's timer source.
     *
     * @return the timers in file order.
     */
    public List<TimerSpec> timers()
    {
        return timers;
    }

    /**
     * How many rules load (those without errors).
     *
     * @return the count.
     */
    public int ruleCount()
    {
        return rules.size();
    }

    /**
     * Ids of the rules that load, in file order.
     *
     * @return the ids.
     */
    public List<String> ruleIds()
    {
        final List<String> ids = new ArrayList<>(rules.size());
        for (final Rule rule : rules)
        {
            ids.add(rule.id());
        }
        return ids;
    }

    /**
     * How many rules of the file have errors and do not load.
     *
     * @return the count.
     */
    public int rulesRejected()
    {
        return rulesRejected;
    }

    /**
     * The rules that load, compiled, in file order.
     *
     * @return the rules.
     */
    public List<Rule> rules()
    {
        return rules;
    }

    /**
     * The variables without errors, in file order.
     *
     * @return the variables.
     */
    public List<VariableSpec> variables()
    {
        return variables;
    }

    /**
     * The webhooks without errors, by name.
     *
     * @return the webhooks.
     */
    public Map<String, WebhookSpec> webhooks()
    {
        return webhooks;
    }

    /**
     * The named cooldowns, by name, in milliseconds.
     *
     * @return the cooldowns.
     */
    public Map<String, Long> cooldowns()
    {
        return cooldowns;
    }

    /**
     * {@code settings.zone}, UTC when not set.
     *
     * @return the zone.
     */
    public ZoneId zone()
    {
        return zone;
    }

    /**
     * The errors one per line, as {@code rules check} prints them.
     *
     * @return the lines, each ending with a line feed; empty for a clean file.
     */
    public String errorLines()
    {
        final StringBuilder lines = new StringBuilder();
        for (final RuleError error : errors)
        {
            lines.append(error).append('\n');
        }
        return lines.toString();
    }
}
