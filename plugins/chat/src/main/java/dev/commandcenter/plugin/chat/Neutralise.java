package dev.commandcenter.plugin.chat;

import java.text.BreakIterator;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Makes user text safe to show as plain text and measures it as people see it: display names and chat messages go
 * through {@link #neutralise(String)} before any check, and their length is counted in graphemes (user-perceived
 * characters) with {@link #graphemes(String)}.
 * <p>
 * Neutralising applies NFC; drops bidi embeddings, overrides and isolates (U+202A to U+202E, U+2066 to U+2069) and the
 * marks U+200E, U+200F and U+061C; drops zero-width and invisible format characters (U+200B, U+200C, U+2060 to
 * U+2064, U+FEFF, U+00AD, U+180E, the Hangul fillers, the tag characters U+E0000 to U+E007F, the rest of the
 * default-ignorable ranges U+2060 to U+206F, U+FFF0 to U+FFFB and U+E0000 to U+E0FFF, and every other format character
 * of Unicode category Cf) but keeps U+200D inside
 * an emoji ZWJ sequence; turns control characters (newlines and tabs too) into spaces; collapses runs of white space
 * into one space; keeps at most {@value #MAX_COMBINING_MARKS} combining marks on a character (no Zalgo towers); and
 * trims. It never HTML-escapes: renderers put the text in as text.
 * <p>
 * <b>Note:</b> stateless and thread safe.
 */
public final class Neutralise
{
    /** Most combining marks kept on one base character. */
    public static final int MAX_COMBINING_MARKS = 4;

    private static final int ZWJ = 0x200D;
    // Lower-case Cyrillic and Greek letters that render like a Latin letter, and that letter, position by position.
    private static final String LOOKALIKES =
        "\u0430\u0435\u043E\u0440\u0441\u0443\u0445\u0455\u0456\u0458\u0501\u051B\u051D\u04BB\u04CF\u0458" +
        "\u03BF\u03B1\u03B9\u03BA\u03BD\u03C1\u03C4\u03C5\u03C7\u0432\u043A\u043C\u043D\u0442";
    private static final String LATIN =
        "aeopcyxsijdqwhlj" +
        "oaikvptuxbkmht";
    private static final int VARIATION_SELECTOR_16 = 0xFE0F;

    private Neutralise()
    {
    }

    /**
     * Neutralise user text: see the class description.
     *
     * @param text to neutralise; null reads as empty.
     * @return the neutralised text, possibly empty.
     */
    public static String neutralise(final String text)
    {
        if (null == text || text.isEmpty())
        {
            return "";
        }
        final String normalised = Normalizer.normalize(text, Normalizer.Form.NFC);
        final StringBuilder out = new StringBuilder(normalised.length());
        int marks = 0;
        int previous = -1;
        boolean pendingSpace = false;
        for (int i = 0; i < normalised.length(); )
        {
            final int cp = normalised.codePointAt(i);
            i += Character.charCount(cp);

            if (isDropped(cp))
            {
                continue;
            }
            if (ZWJ == cp)
            {
                final int next = i < normalised.length() ? normalised.codePointAt(i) : -1;
                if (!pendingSpace && isEmojiEnd(previous) && next >= 0 && Character.isExtendedPictographic(next))
                {
                    out.appendCodePoint(cp);
                    previous = cp;
                }
                continue;
            }
            if (Character.isISOControl(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp))
            {
                pendingSpace = out.length() > 0;
                marks = 0;
                previous = ' ';
                continue;
            }
            if (isCombiningMark(cp))
            {
                if (++marks > MAX_COMBINING_MARKS)
                {
                    continue;
                }
            }
            else
            {
                marks = 0;
            }
            if (pendingSpace)
            {
                out.append(' ');
                pendingSpace = false;
            }
            out.appendCodePoint(cp);
            previous = cp;
        }
        final String result = out.toString();
        return Normalizer.isNormalized(result, Normalizer.Form.NFC) ?
            result : Normalizer.normalize(result, Normalizer.Form.NFC);
    }

    /**
     * Count user-perceived characters (extended grapheme clusters): a flag, a family emoji or a letter with its
     * accents each count as one.
     *
     * @param text to measure; null reads as empty.
     * @return the number of graphemes.
     */
    public static int graphemes(final String text)
    {
        if (null == text || text.isEmpty())
        {
            return 0;
        }
        final BreakIterator iterator = BreakIterator.getCharacterInstance(Locale.ROOT);
        iterator.setText(text);
        int count = 0;
        while (BreakIterator.DONE != iterator.next())
        {
            count++;
        }
        return count;
    }

    /**
     * Keep at most a number of graphemes of a text.
     *
     * @param text          to cut.
     * @param maxGraphemes  most graphemes kept.
     * @return the text, or its first {@code maxGraphemes} graphemes.
     */
    public static String truncate(final String text, final int maxGraphemes)
    {
        final BreakIterator iterator = BreakIterator.getCharacterInstance(Locale.ROOT);
        iterator.setText(text);
        int end = 0;
        for (int i = 0; i < maxGraphemes; i++)
        {
            final int next = iterator.next();
            if (BreakIterator.DONE == next)
            {
                return text;
            }
            end = next;
        }
        return text.substring(0, end);
    }

    /**
     * Fold a neutralised text for comparisons: NFKC, lower case, and the Cyrillic and Greek letters that look like
     * Latin ones mapped to those, so {@code ＴＲＯＬＬ}, {@code trоll} (with a Cyrillic o) and {@code troll} compare
     * equal. Each character maps to one character, so positions in the folded text match those of its NFKC form.
     *
     * @param text to fold.
     * @return the folded text.
     */
    public static String fold(final String text)
    {
        final String lower = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        StringBuilder mapped = null;
        for (int i = 0; i < lower.length(); i++)
        {
            final char c = lower.charAt(i);
            final int at = LOOKALIKES.indexOf(c);
            if (at >= 0)
            {
                if (null == mapped)
                {
                    mapped = new StringBuilder(lower);
                }
                mapped.setCharAt(i, LATIN.charAt(at));
            }
        }
        return null == mapped ? lower : mapped.toString();
    }

    /**
     * Whether a code point is an emoji in the sense of spam limits: an extended pictographic character or a regional
     * indicator (half of a flag).
     *
     * @param cp the code point.
     * @return true for an emoji.
     */
    public static boolean isEmoji(final int cp)
    {
        return (Character.isExtendedPictographic(cp) && cp > 0xFF) || (cp >= 0x1F1E6 && cp <= 0x1F1FF);
    }

    private static boolean isEmojiEnd(final int cp)
    {
        return cp >= 0 &&
            (Character.isExtendedPictographic(cp) || VARIATION_SELECTOR_16 == cp || Character.isEmojiModifier(cp));
    }

    private static boolean isCombiningMark(final int cp)
    {
        final int type = Character.getType(cp);
        return Character.NON_SPACING_MARK == type || Character.ENCLOSING_MARK == type ||
            Character.COMBINING_SPACING_MARK == type;
    }

    private static boolean isDropped(final int cp)
    {
        return (cp >= 0x202A && cp <= 0x202E) ||
            (cp >= 0x2066 && cp <= 0x2069) ||
            0x200E == cp || 0x200F == cp || 0x061C == cp ||
            0x200B == cp || 0x200C == cp ||
            (cp >= 0x2060 && cp <= 0x206F) ||
            0xFEFF == cp || 0x00AD == cp || (cp >= 0x180B && cp <= 0x180F) ||
            0x115F == cp || 0x1160 == cp || 0x3164 == cp || 0xFFA0 == cp ||
            0x034F == cp || 0x17B4 == cp || 0x17B5 == cp || (cp >= 0xFFF0 && cp <= 0xFFFB) ||
            (cp >= 0xE0000 && cp <= 0xE0FFF) ||
            (ZWJ != cp && Character.FORMAT == Character.getType(cp));
    }
}
