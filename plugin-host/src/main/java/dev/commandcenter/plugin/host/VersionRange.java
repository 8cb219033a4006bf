package dev.commandcenter.plugin.host;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import org.semver4j.range.RangeList;
import org.semver4j.range.RangeListFactory;

import java.io.IOException;
import java.util.regex.Pattern;

/**
 * A range of semantic versions as written in descriptors, evaluated by semver4j: {@code *} (any), an exact
 * version {@code 1.2.0}, comparators joined by spaces that must all hold ({@code >=1.0.0 <2.0.0}), caret
 * ({@code ^1.2.0}: same major, or same minor below 1.0.0), tilde ({@code ~1.2.0}: same minor), and alternatives
 * joined by {@code ||}. Missing minor or patch numbers count as 0 ({@code >=1.2}). Pre-releases are compared
 * like any version (semver4j's {@code includePrerelease}), as the plugin API's versions may be pre-releases.
 * <p>
 * The text is checked against this grammar before semver4j reads it, because semver4j drops a term it cannot
 * read instead of refusing it ({@code >=1.0.0 soon} would mean {@code >=1.0.0}).
 * <p>
 * <b>Note:</b> immutable.
 */
@JsonDeserialize(using = VersionRange.Deserializer.class)
public final class VersionRange
{
    /** What a range must look like, for error messages. */
    public static final String EXPECTED = "a version range such as '>=1.0.0 <2.0.0', '^1.2.0', '~1.2.0', '1.2.0' or '*'";

    private static final Pattern TERM = Pattern.compile(
        "(>=|<=|>|<|=|\\^|~)?(0|[1-9]\\d{0,8})(\\.(0|[1-9]\\d{0,8})(\\.(0|[1-9]\\d{0,8})" +
        "(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?)?)?");
    private static final VersionRange ANY = new VersionRange("*", RangeListFactory.create("*", true));

    private final String text;
    private final RangeList ranges;

    private VersionRange(final String text, final RangeList ranges)
    {
        this.text = text;
        this.ranges = ranges;
    }

    /**
     * Any version.
     *
     * @return the range that admits every version.
     */
    public static VersionRange any()
    {
        return ANY;
    }

    /**
     * Parse a range.
     *
     * @param text the range.
     * @return the range.
     * @throws IllegalArgumentException naming what was expected.
     */
    public static VersionRange parse(final String text)
    {
        if (null == text)
        {
            throw new IllegalArgumentException("expected " + EXPECTED + ", got nothing");
        }
        final String trimmed = text.trim();
        if (trimmed.isEmpty() || "*".equals(trimmed) || "x".equalsIgnoreCase(trimmed))
        {
            return ANY;
        }
        final StringBuilder normalised = new StringBuilder(trimmed.length());
        for (final String alternative : trimmed.split("\\|\\|", -1))
        {
            final String terms = alternative.trim().replaceAll("(>=|<=|>|<|=|\\^|~)\\s+", "$1");
            if (terms.isEmpty())
            {
                throw new IllegalArgumentException("expected " + EXPECTED + ", got '" + text + "'");
            }
            for (final String term : terms.split("\\s+"))
            {
                if (!TERM.matcher(term).matches())
                {
                    throw new IllegalArgumentException("expected " + EXPECTED + ", got '" + text + "'");
                }
            }
            normalised.append(normalised.isEmpty() ? "" : " || ").append(terms);
        }
        return new VersionRange(trimmed, RangeListFactory.create(normalised.toString(), true));
    }

    /**
     * Whether a version is in the range.
     *
     * @param version to test.
     * @return true when admitted.
     */
    public boolean admits(final SemanticVersion version)
    {
        return this == ANY || ranges.isSatisfiedBy(version.semver());
    }

    /**
     * The range as written.
     *
     * @return the text.
     */
    public String toString()
    {
        return text;
    }

    /** Binds a range from a YAML scalar; a null range is any version. */
    static final class Deserializer extends StdScalarDeserializer<VersionRange>
    {
        private static final long serialVersionUID = 1L;

        Deserializer()
        {
            super(VersionRange.class);
        }

        public VersionRange deserialize(final JsonParser parser, final DeserializationContext context)
            throws IOException
        {
            if (!parser.currentToken().isScalarValue())
            {
                return (VersionRange)context.handleUnexpectedToken(VersionRange.class, parser);
            }
            final String text = parser.getValueAsString();
            try
            {
                return parse(text);
            }
            catch (final IllegalArgumentException ex)
            {
                throw InvalidFormatException.from(parser, "expected " + EXPECTED, text, VersionRange.class);
            }
        }

        public VersionRange getNullValue(final DeserializationContext context)
        {
            return ANY;
        }
    }
}
