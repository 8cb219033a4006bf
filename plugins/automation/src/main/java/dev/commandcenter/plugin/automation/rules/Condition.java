package dev.commandcenter.plugin.automation.rules;

import dev.commandcenter.plugin.host.EventFilters;

import java.math.BigDecimal;

/**
 * One test of a rule's {@code if:} list: a variable against a value ({@code var.sats_today >= 1000}), or a field
 * test of the trigger event as in {@code where}.
 *
 * @param variable the variable's name, or null for a field test.
 * @param operator {@code == != < <= > >=}.
 * @param number   the value when the variable is a number.
 * @param text     the value when the variable is a text.
 * @param clause   the field test, or null for a variable test.
 */
public record Condition(String variable, String operator, BigDecimal number, String text, EventFilters.Clause clause)
{
    /**
     * Compare a value with this condition's.
     *
     * @param comparison {@code value.compareTo(this value)}.
     * @return whether the condition holds.
     */
    public boolean holds(final int comparison)
    {
        return switch (operator)
        {
            case "==" -> comparison == 0;
            case "!=" -> comparison != 0;
            case "<" -> comparison < 0;
            case "<=" -> comparison <= 0;
            case ">" -> comparison > 0;
            default -> comparison >= 0;
        };
    }
}
