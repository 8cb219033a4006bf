package dev.commandcenter.plugin.automation.rules;

/**
 * One problem in a rules file: where it is and what was expected. A rule with an error is left out; the others load.
 *
 * @param origin  the file name (or another origin) the text came from.
 * @param line    1-based line of the problem, 0 when the file as a whole is wrong.
 * @param column  1-based column, 0 when unknown.
 * @param ruleId  the rule it belongs to, or null for a problem outside any rule (timers, variables, settings).
 * @param message what is wrong and what was expected, one line, such as
 *                {@code "'cooldown.rule' expected a duration such as 30s or 5m, got 'soon'"}.
 */
public record RuleError(String origin, int line, int column, String ruleId, String message)
{
    /**
     * The one-line form everyone prints: {@code origin:line:column: rule ID: message}.
     *
     * @return the line.
     */
    @Override
    public String toString()
    {
        return origin + ":" + line + ":" + column + ": " + (null == ruleId ? "" : "rule " + ruleId + ": ") + message;
    }
}
