package dev.commandcenter.plugin.automation.rules;

import java.math.BigDecimal;

/**
 * A variable of the rules file ({@code variables:}).
 *
 * @param name          its name.
 * @param number        the initial value when it is a number, else null.
 * @param text          the initial value when it is a text, else null.
 * @param reset         DAY, WEEK or MONTH to go back to the initial value when a new one begins; null for never.
 */
public record VariableSpec(String name, BigDecimal number, String text, Trigger.Period reset)
{
    /**
     * Whether it holds a number.
     *
     * @return true for a number, false for a text.
     */
    public boolean isNumber()
    {
        return null != number;
    }
}
