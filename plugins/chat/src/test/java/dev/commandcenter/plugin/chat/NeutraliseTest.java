package dev.commandcenter.plugin.chat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.commandcenter.plugin.chat.Neutralise.graphemes;
import static dev.commandcenter.plugin.chat.Neutralise.neutralise;
import static org.assertj.core.api.Assertions.assertThat;

class NeutraliseTest
{
    private static final String FAMILY = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66";
    private static final String FLAG_JP = "\uD83C\uDDEF\uD83C\uDDF5";
    private static final String WOMAN_TECHNOLOGIST_DARK = "\uD83D\uDC69\uD83C\uDFFF\u200D\uD83D\uDCBB";
    private static final String RAINBOW_FLAG = "\uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08";

    @Test
    void shouldDropBidiOverridesEmbeddingsIsolatesAndMarks()
    {
        assertThat(neutralise("abc\u202Edcba\u202C")).isEqualTo("abcdcba");
        assertThat(neutralise("\u202A\u202B\u202D x \u2066\u2067\u2068y\u2069")).isEqualTo("x y");
        assertThat(neutralise("a\u200Eb\u200Fc\u061Cd")).isEqualTo("abcd");
    }

    @Test
    void shouldDropZeroWidthAndInvisibleFormatCharacters()
    {
        assertThat(neutralise("ad\u200Bm\u200Ci\u2060n\u2061\u2062\u2063\u2064")).isEqualTo("admin");
        assertThat(neutralise("\uFEFFso\u00ADft\u180E")).isEqualTo("soft");
        assertThat(neutralise("x\uDB40\uDC41\uDB40\uDC7Fy")).as("tag characters").isEqualTo("xy");
        assertThat(neutralise("\u3164\u115F")).as("Hangul fillers").isEmpty();
        assertThat(neutralise("a\u206Ab\uFFF9c\u2065d")).as("other format characters").isEqualTo("abcd");
    }

    @Test
    void shouldKeepZeroWidthJoinerInsideEmojiSequencesOnly()
    {
        assertThat(neutralise(FAMILY)).isEqualTo(FAMILY);
        assertThat(neutralise(WOMAN_TECHNOLOGIST_DARK)).isEqualTo(WOMAN_TECHNOLOGIST_DARK);
        assertThat(neutralise(RAINBOW_FLAG)).isEqualTo(RAINBOW_FLAG);
        assertThat(neutralise("ad\u200Dmin")).isEqualTo("admin");
        assertThat(neutralise("\u200D\uD83D\uDC68")).isEqualTo("\uD83D\uDC68");
        assertThat(neutralise("\uD83D\uDC68\u200D")).isEqualTo("\uD83D\uDC68");
    }

    @Test
    void shouldTurnControlCharactersIntoSpacesAndCollapseWhiteSpace()
    {
        assertThat(neutralise("one\r\ntwo\tthree\u0000four\u0085five")).isEqualTo("one two three four five");
        assertThat(neutralise("  a \u00A0\u2003 b\u2028c  ")).isEqualTo("a b c");
        assertThat(neutralise("\n\n")).isEmpty();
    }

    @Test
    void shouldLimitCombiningMarksPerCharacter()
    {
        final String zalgo = "Z" + "\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308".repeat(5) + "a";
        final String result = neutralise(zalgo);
        assertThat(result.codePoints().filter(cp -> Character.getType(cp) == Character.NON_SPACING_MARK).count())
            .isEqualTo(Neutralise.MAX_COMBINING_MARKS);
        assertThat(result).startsWith("Z").endsWith("a");
        assertThat(graphemes(result)).isEqualTo(2);
    }

    @Test
    void shouldComposeCombiningSequencesWithNfc()
    {
        assertThat(neutralise("e\u0301te\u0301")).isEqualTo("\u00E9t\u00E9");
        assertThat(graphemes(neutralise("e\u0301te\u0301"))).isEqualTo(3);
    }

    @Test
    void shouldNeverEscapeHtml()
    {
        assertThat(neutralise("<script>alert('x')</script> &amp;")).isEqualTo("<script>alert('x')</script> &amp;");
    }

    @Test
    void shouldCountFlagsFamiliesAndSkinTonesAsOneGrapheme()
    {
        assertThat(graphemes(FLAG_JP)).isEqualTo(1);
        assertThat(graphemes(FAMILY)).isEqualTo(1);
        assertThat(graphemes(WOMAN_TECHNOLOGIST_DARK)).isEqualTo(1);
        assertThat(graphemes(RAINBOW_FLAG)).isEqualTo(1);
        assertThat(graphemes(FLAG_JP + FAMILY + "ab")).isEqualTo(4);
        assertThat(graphemes("")).isZero();
        assertThat(graphemes(null)).isZero();
    }

    @Test
    void shouldTruncateOnGraphemeBoundaries()
    {
        assertThat(Neutralise.truncate(FAMILY + FLAG_JP + "abc", 2)).isEqualTo(FAMILY + FLAG_JP);
        assertThat(Neutralise.truncate("ab", 5)).isEqualTo("ab");
    }

    @Test
    void shouldFoldWidthAndCase()
    {
        assertThat(Neutralise.fold("\uFF34\uFF32\uFF2F\uFF2C\uFF2C")).isEqualTo("troll");
        assertThat(Neutralise.fold("StReAmEr")).isEqualTo("streamer");
        assertThat(Neutralise.fold("\u0455tr\u0435\u0430mer")).as("Cyrillic lookalikes").isEqualTo("streamer");
        assertThat(Neutralise.fold("\u03BFk")).as("Greek lookalike").isEqualTo("ok");
        assertThat(Neutralise.fold("\u0434\u0443\u0440\u0430\u043A")).hasSize(5);
    }

    @ParameterizedTest
    @ValueSource(strings = { "plain", "caf\u00E9", "\u65E5\u672C\u8A9E", "\u0645\u0631\u062D\u0628\u0627", "a b c" })
    void shouldLeaveOrdinaryTextAlone(final String text)
    {
        assertThat(neutralise(text)).isEqualTo(text);
    }
}
