package dev.commandcenter.plugin.host;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import org.semver4j.Semver;

import java.io.IOException;

/**
 * A semantic version {@code MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]}, parsed and ordered by semver4j as
 * semver.org says: numbers numerically, a pre-release before its release, build metadata ignored. Written in
 * full: {@code 1.2} or {@code v1.2.0} are refused.
 * <p>
 * <b>Note:</b> immutable.
 */
@JsonDeserialize(using = SemanticVersion.Deserializer.class)
public final class SemanticVersion implements Comparable<SemanticVersion>
{
    /** What a version must look like, for error messages. */
    public static final String EXPECTED = "a semantic version such as 1.2.0";

    private final Semver semver;

    private SemanticVersion(final Semver semver)
    {
        this.semver = semver;
    }

    /**
     * Parse a version.
     *
     * @param text such as {@code 1.2.0} or {@code 2.0.0-rc.1}.
     * @return the version.
     * @throws IllegalArgumentException naming what was expected.
     */
    public static SemanticVersion parse(final String text)
    {
        final Semver semver = strict(text);
        if (null == semver)
        {
            throw new IllegalArgumentException("expected " + EXPECTED + ", got '" + text + "'");
        }
        return new SemanticVersion(semver);
    }

    /**
     * Whether a text is a semantic version.
     *
     * @param text to test.
     * @return true when {@link #parse(String)} accepts it.
     */
    public static boolean isValid(final String text)
    {
        return null != strict(text);
    }

    /**
     * The major number.
     *
     * @return such as 1 for {@code 1.2.0}.
     */
    public int major()
    {
        return semver.getMajor();
    }

    /**
     * The semver4j version, for ranges.
     *
     * @return the version.
     */
    Semver semver()
    {
        return semver;
    }

    /**
     * Order of two versions; build metadata is ignored.
     *
     * @param other the other version.
     * @return negative, zero or positive.
     */
    public int compareTo(final SemanticVersion other)
    {
        return semver.compareTo(other.semver);
    }

    /**
     * Equal when the versions are equal, build metadata included.
     *
     * @param other the other object.
     * @return true when equal.
     */
    public boolean equals(final Object other)
    {
        return other instanceof SemanticVersion version && semver.equals(version.semver);
    }

    /**
     * Hash of the version.
     *
     * @return the hash.
     */
    public int hashCode()
    {
        return semver.hashCode();
    }

    /**
     * The version without build metadata.
     *
     * @return such as {@code 2.0.0-rc.1}.
     */
    public String toString()
    {
        return semver.withClearedBuild().getVersion();
    }

    private static Semver strict(final String text)
    {
        if (null == text)
        {
            return null;
        }
        final String trimmed = text.trim();
        return trimmed.isEmpty() || !Character.isDigit(trimmed.charAt(0)) ? null : Semver.parse(trimmed);
    }

    /** Binds a version from a YAML scalar, which may have been read as a number ({@code 1.2}). */
    static final class Deserializer extends StdScalarDeserializer<SemanticVersion>
    {
        private static final long serialVersionUID = 1L;

        Deserializer()
        {
            super(SemanticVersion.class);
        }

        public SemanticVersion deserialize(final JsonParser parser, final DeserializationContext context)
            throws IOException
        {
            if (!parser.currentToken().isScalarValue())
            {
                return (SemanticVersion)context.handleUnexpectedToken(SemanticVersion.class, parser);
            }
            final String text = parser.getValueAsString();
            if (!isValid(text))
            {
                throw InvalidFormatException.from(parser, "expected " + EXPECTED, text, SemanticVersion.class);
            }
            return parse(text);
        }
    }
}
