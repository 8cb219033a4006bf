package dev.commandcenter.plugin.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A range of semantic versions, as written in descriptors: {@code *} (any), an exact version
 * {@code 1.2.0}, comparators joined by spaces that must all hold ({@code >=1.0.0 <2.0.0}), caret
 * ({@code ^1.2.0}: same major, or same minor below 1.0.0), tilde ({@code ~1.2.0}: same minor), and
 * alternatives joined by {@code ||}. Missing minor or patch numbers count as 0 ({@code >=1.2}).
 * <p>
 * <b>Note:</b> immutable.
 */
public final class VersionRange
{
    /** What a range must look like, for error messages. */
    public static final String EXPECTED = "a version range such as '>=1.0.0 <2.0.0', '^1.2.0', '~1.2.0', '1.2.0' or '*'";

    private static final VersionRange ANY = new VersionRange("*", List.of());

    private final String text;
    private final List<List<Comparator>> alternatives;

    private VersionRange(final String text, final List<List<Comparator>> alternatives)
    {
        this.text = text;
        this.alternatives = alternatives;
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
        if (trimmed.isEmpty() || "*".equals(trimmed) || "x".equals(trimmed.toLowerCase(Locale.ROOT)))
        {
            return ANY;
        }
        final List<List<Comparator>> alternatives = new ArrayList<>();
        for (final String alternative : trimmed.split("\\|\\|", -1))
        {
            final List<Comparator> all = new ArrayList<>();
            final String part = alternative.trim().replaceAll("(>=|<=|>|<|=|\\^|~)\\s+", "$1");
            if (part.isEmpty())
            {
                throw new IllegalArgumentException("expected " + EXPECTED + ", got '" + text + "'");
            }
            for (final String term : part.split("\\s+"))
            {
                parseTerm(term, text, all);
            }
            alternatives.add(List.copyOf(all));
        }
        return new VersionRange(trimmed, List.copyOf(alternatives));
    }

    /**
     * Whether a version is in the range.
     *
     * @param version to test.
     * @return true when admitted.
     */
    public boolean admits(final SemanticVersion version)
    {
        if (alternatives.isEmpty())
        {
            return true;
        }
        for (final List<Comparator> all : alternatives)
        {
            boolean admitted = true;
            for (final Comparator comparator : all)
            {
                admitted &= comparator.admits(version);
            }
            if (admitted)
            {
                return true;
            }
        }
        return false;
    }

    public String toString()
    {
        return text;
    }

    private static void parseTerm(final String term, final String text, final List<Comparator> into)
    {
        final String op;
        if (term.startsWith(">=") || term.startsWith("<="))
        {
            op = term.substring(0, 2);
        }
        else if (term.startsWith(">") || term.startsWith("<") || term.startsWith("=") || term.startsWith("^") ||
            term.startsWith("~"))
        {
            op = term.substring(0, 1);
        }
        else
        {
            op = "=";
        }
        final String versionText = term.startsWith(op) ? term.substring(op.length()) : term;
        final SemanticVersion version = partial(versionText, text);
        switch (op)
        {
            case ">=" -> into.add(new Comparator(version, 0, 1));
            case "<=" -> into.add(new Comparator(version, -1, 0));
            case ">" -> into.add(new Comparator(version, 1, 1));
            case "<" -> into.add(new Comparator(version, -1, -1));
            case "=" -> into.add(new Comparator(version, 0, 0));
            case "^" ->
            {
                into.add(new Comparator(version, 0, 1));
                final SemanticVersion upper = version.major() > 0 ? new SemanticVersion(version.major() + 1, 0, 0, "") :
                    version.minor() > 0 ? new SemanticVersion(0, version.minor() + 1, 0, "") :
                    new SemanticVersion(0, 0, version.patch() + 1, "");
                into.add(new Comparator(upper, -1, -1));
            }
            default ->
            {
                into.add(new Comparator(version, 0, 1));
                into.add(new Comparator(new SemanticVersion(version.major(), version.minor() + 1, 0, ""), -1, -1));
            }
        }
    }

    private static SemanticVersion partial(final String versionText, final String text)
    {
        final String[] parts = versionText.split("\\.", -1);
        if (SemanticVersion.isValid(versionText))
        {
            return SemanticVersion.parse(versionText);
        }
        if (parts.length >= 1 && parts.length <= 2 && versionText.matches("\\d{1,9}(\\.\\d{1,9})?"))
        {
            return SemanticVersion.parse(versionText + (parts.length == 1 ? ".0.0" : ".0"));
        }
        throw new IllegalArgumentException("expected " + EXPECTED + ", got '" + text + "'");
    }

    /** {@code compare(version, bound)} must lie within [low, high]. */
    private record Comparator(SemanticVersion bound, int low, int high)
    {
        boolean admits(final SemanticVersion version)
        {
            final int result = Integer.signum(version.compareTo(bound));
            return result >= low && result <= high;
        }
    }
}
