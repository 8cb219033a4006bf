package dev.commandcenter.plugin.automation.rules;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * A text of the rules file with placeholders such as {@code {name}} or {@code {var.sats_today}}, compiled once;
 * <code>{{</code> is a literal {@code {}. The plugin fills it from the event that fired the rule.
 * <p>
 * <b>Note:</b> immutable.
 */
public final class Template
{
    private static final Template EMPTY = new Template("", List.of(), List.of());

    private final String source;
    private final List<String> literals;
    private final List<String> placeholders;

    private Template(final String source, final List<String> literals, final List<String> placeholders)
    {
        this.source = source;
        this.literals = literals;
        this.placeholders = placeholders;
    }

    /**
     * A template of a text without placeholders.
     *
     * @param text taken as is.
     * @return the template.
     */
    public static Template literal(final String text)
    {
        return text.isEmpty() ? EMPTY : new Template(text, List.of(text), List.of());
    }

    /**
     * The empty template.
     *
     * @return the template that renders as an empty text.
     */
    public static Template empty()
    {
        return EMPTY;
    }

    /**
     * Compile a text.
     *
     * @param text the text as written.
     * @return the template.
     * @throws IllegalArgumentException naming what is wrong when a {@code {} is not closed or a placeholder is empty.
     */
    static Template compile(final String text)
    {
        final List<String> literals = new ArrayList<>();
        final List<String> placeholders = new ArrayList<>();
        final StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length())
        {
            final char c = text.charAt(i);
            if ('{' == c)
            {
                if (i + 1 < text.length() && '{' == text.charAt(i + 1))
                {
                    literal.append('{');
                    i += 2;
                    continue;
                }
                final int end = text.indexOf('}', i + 1);
                if (end < 0)
                {
                    throw new IllegalArgumentException("a placeholder closed by '}' (write {{ for a literal {)");
                }
                final String name = text.substring(i + 1, end).trim();
                if (name.isEmpty())
                {
                    throw new IllegalArgumentException("a placeholder name between { and } (write {{ for a literal {)");
                }
                literals.add(literal.toString());
                literal.setLength(0);
                placeholders.add(name);
                i = end + 1;
            }
            else
            {
                literal.append(c);
                i++;
            }
        }
        literals.add(literal.toString());
        return new Template(text, Collections.unmodifiableList(literals), Collections.unmodifiableList(placeholders));
    }

    /**
     * The placeholders it uses, in order (names without braces, such as {@code var.sats_today}).
     *
     * @return the names.
     */
    public List<String> placeholders()
    {
        return placeholders;
    }

    /**
     * Whether the template has no placeholder.
     *
     * @return true when it renders the same text every time.
     */
    public boolean isConstant()
    {
        return placeholders.isEmpty();
    }

    /**
     * Render the text as a URL: a placeholder inside it is percent-encoded (UTF-8), so a viewer's name or message
     * cannot change the URL's host, path or query; a URL that is one placeholder alone is that value as it is.
     *
     * @param values value of each placeholder; null renders as empty.
     * @return the URL.
     */
    public String renderUrl(final Function<String, String> values)
    {
        if (placeholders.size() == 1 && literals.get(0).isEmpty() && literals.get(1).isEmpty())
        {
            return render(values);
        }
        return render((placeholder) ->
        {
            final String value = values.apply(placeholder);
            return null == value ? null : URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
        });
    }

    /**
     * Fill the placeholders.
     *
     * @param values gives each placeholder's value by name (never null: empty when it has none).
     * @return the text.
     */
    public String render(final Function<String, String> values)
    {
        if (placeholders.isEmpty())
        {
            return literals.isEmpty() ? "" : literals.get(0);
        }
        final StringBuilder out = new StringBuilder(source.length() + 32);
        for (int i = 0; i < placeholders.size(); i++)
        {
            out.append(literals.get(i));
            final String value = values.apply(placeholders.get(i));
            out.append(null == value ? "" : value);
        }
        out.append(literals.get(literals.size() - 1));
        return out.toString();
    }

    /**
     * The text as written in the file.
     *
     * @return the source text.
     */
    public String toString()
    {
        return source;
    }
}
