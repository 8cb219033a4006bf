package dev.commandcenter.app.tip;

import dev.commandcenter.plugin.chat.ChatFilterSet;
import dev.commandcenter.plugin.chat.Neutralise;

/**
 * A viewer's name or message as the tip page journals it, with the chat plugin's own text safety: neutralised
 * ({@link Neutralise#neutralise}: bidi overrides and zero-width characters removed, white space folded), measured in
 * user-perceived characters ({@link Neutralise#graphemes}), and with the blocked words of the chat filter set in
 * force masked ({@link ChatFilterSet#mask}), so the alert and the chat line show the same text.
 * <p>
 * <b>Note:</b> stateless and thread safe.
 */
public final class TipText
{
    private TipText()
    {
    }

    /**
     * Neutralise, check the length of, and mask a field.
     *
     * @param field         the JSON key, for the error.
     * @param raw           what the viewer sent; null reads as empty.
     * @param minGraphemes  fewest user-perceived characters after neutralising (1 for a name, 0 for a message).
     * @param maxGraphemes  most user-perceived characters after neutralising.
     * @param filters       the chat filter set in force.
     * @return the text to journal.
     * @throws IllegalArgumentException one line naming the field and what was expected.
     */
    public static String clean(
        final String field, final String raw, final int minGraphemes, final int maxGraphemes, final ChatFilterSet filters)
    {
        final String neutral = Neutralise.neutralise(raw);
        final int graphemes = Neutralise.graphemes(neutral);
        if (graphemes < minGraphemes || graphemes > maxGraphemes)
        {
            throw new IllegalArgumentException(field + ": expected " + minGraphemes + " to " + maxGraphemes +
                " characters" + (minGraphemes > 0 ? " (not counting spaces and invisible characters at the ends)" : "") +
                ", got " + graphemes);
        }
        return null == filters ? neutral : filters.mask(neutral);
    }
}
