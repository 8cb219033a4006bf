package dev.commandcenter.plugin.host;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version {@code MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]}, ordered as semver.org says: numbers
 * numerically, a pre-release before its release, build metadata ignored.
 * <p>
 * <b>Note:</b> immutable.
 *
 * @param major      major number.
 * @param minor      minor number.
 * @param patch      patch number.
 * @param preRelease pre-release identifiers, empty for a release.
 */
public record SemanticVersion(int major, int minor, int patch, String preRelease) implements Comparable<SemanticVersion>
{
    private static final Pattern PATTERN = Pattern.compile(
        "(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?" +
        "(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?");

    /** What a version must look like, for error messages. */
    public static final String EXPECTED = "a semantic version such as 1.2.0";

    /**
     * Parse a version.
     *
     * @param text such as {@code 1.2.0} or {@code 2.0.0-rc.1}.
     * @return the version.
     * @throws IllegalArgumentException naming what was expected.
     */
    public static SemanticVersion parse(final String text)
    {
        final Matcher matcher = null == text ? null : PATTERN.matcher(text.trim());
        if (null == matcher || !matcher.matches())
        {
            throw new IllegalArgumentException("expected " + EXPECTED + ", got '" + text + "'");
        }
        return new SemanticVersion(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
            Integer.parseInt(matcher.group(3)), null == matcher.group(4) ? "" : matcher.group(4));
    }

    /**
     * Whether a text is a semantic version.
     *
     * @param text to test.
     * @return true when {@link #parse(String)} accepts it.
     */
    public static boolean isValid(final String text)
    {
        return null != text && PATTERN.matcher(text.trim()).matches();
    }

    public int compareTo(final SemanticVersion other)
    {
        int result = Integer.compare(major, other.major);
        if (0 == result)
        {
            result = Integer.compare(minor, other.minor);
        }
        if (0 == result)
        {
            result = Integer.compare(patch, other.patch);
        }
        if (0 == result)
        {
            result = comparePreRelease(preRelease, other.preRelease);
        }
        return result;
    }

    private static int comparePreRelease(final String a, final String b)
    {
        if (a.equals(b))
        {
            return 0;
        }
        if (a.isEmpty())
        {
            return 1;
        }
        if (b.isEmpty())
        {
            return -1;
        }
        final String[] left = a.split("\\.");
        final String[] right = b.split("\\.");
        for (int i = 0; i < Math.min(left.length, right.length); i++)
        {
            final boolean leftNumeric = left[i].chars().allMatch(Character::isDigit);
            final boolean rightNumeric = right[i].chars().allMatch(Character::isDigit);
            final int result;
            if (leftNumeric && rightNumeric)
            {
                result = Long.compare(Long.parseLong(left[i]), Long.parseLong(right[i]));
            }
            else if (leftNumeric != rightNumeric)
            {
                result = leftNumeric ? -1 : 1;
            }
            else
            {
                result = left[i].compareTo(right[i]);
            }
            if (0 != result)
            {
                return result;
            }
        }
        return Integer.compare(left.length, right.length);
    }

    public String toString()
    {
        return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + preRelease);
    }
}
