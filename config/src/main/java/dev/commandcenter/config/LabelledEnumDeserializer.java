package dev.commandcenter.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Binds an enum from its label as written in YAML, lowercase with dashes ({@code busy-spin} for
 * {@code BUSY_SPIN}); any case and underscores are accepted too, so {@code FAST_DAILY} still reads. A value
 * outside the allowed constants fails with {@code expected one of a | b, got 'x'}. The binder uses it for
 * every enum; subclass it with the allowed constants to take a subset, and name the subclass with
 * {@code @JsonDeserialize(using = ...)} on the key.
 * <p>
 * <b>Note:</b> immutable and thread safe.
 *
 * @param <E> the enum.
 */
public class LabelledEnumDeserializer<E extends Enum<E>> extends StdScalarDeserializer<E>
{
    private static final long serialVersionUID = 1L;

    private final List<E> allowed;

    /**
     * Bind a subset of an enum's constants.
     *
     * @param type    the enum.
     * @param allowed the constants accepted, all of them when none are given.
     */
    @SafeVarargs
    public LabelledEnumDeserializer(final Class<E> type, final E... allowed)
    {
        super(type);
        final List<E> values = new ArrayList<>(allowed.length);
        for (final E value : allowed)
        {
            values.add(value);
        }
        this.allowed = List.copyOf(values.isEmpty() ? Arrays.asList(type.getEnumConstants()) : values);
    }

    /**
     * The label of a constant: its name in lowercase with dashes.
     *
     * @param value the constant.
     * @return such as {@code page-cache}.
     */
    public static String label(final Enum<?> value)
    {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The labels of constants joined as in messages.
     *
     * @param values the constants.
     * @return such as {@code block | reject}.
     */
    public static String labels(final List<? extends Enum<?>> values)
    {
        final List<String> labels = new ArrayList<>(values.size());
        for (final Enum<?> value : values)
        {
            labels.add(label(value));
        }
        return String.join(" | ", labels);
    }

    /**
     * What this deserializer accepts, as in messages.
     *
     * @return such as {@code one of block | detach}.
     */
    public String expected()
    {
        return "one of " + labels(allowed);
    }

    /**
     * The constant of a label, or null when the label names none of the allowed constants.
     *
     * @param text the label.
     * @return the constant, or null.
     */
    public E valueOf(final String text)
    {
        final String wanted = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (final E value : allowed)
        {
            if (label(value).equals(wanted))
            {
                return value;
            }
        }
        return null;
    }

    /**
     * Read a label.
     *
     * @param parser  at a scalar.
     * @param context the context.
     * @return the constant.
     * @throws IOException when the label names no allowed constant.
     */
    @SuppressWarnings("unchecked")
    public E deserialize(final JsonParser parser, final DeserializationContext context) throws IOException
    {
        if (!parser.currentToken().isScalarValue() || parser.currentToken() == JsonToken.VALUE_NULL)
        {
            return (E)context.handleUnexpectedToken(handledType(), parser);
        }
        final String text = parser.getValueAsString();
        final E value = null == text ? null : valueOf(text);
        if (null == value)
        {
            throw InvalidFormatException.from(parser, "expected " + expected(), text, handledType());
        }
        return value;
    }
}
