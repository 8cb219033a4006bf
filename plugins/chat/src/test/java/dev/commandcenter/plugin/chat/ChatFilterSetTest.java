package dev.commandcenter.plugin.chat;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatFilterSetTest
{
    @Test
    void shouldDefaultToNoWordsAndLinksFromModeratorsOnly()
    {
        final ChatFilterSet defaults = ChatFilterSet.defaults();
        assertThat(defaults.words()).isEmpty();
        assertThat(defaults.patterns()).isEmpty();
        assertThat(defaults.links()).isEqualTo(ChatFilterSet.Links.MODERATORS);
        assertThat(defaults.toJson())
            .isEqualTo("{\"allowedDomains\":[],\"links\":\"moderators\",\"patterns\":[],\"words\":[]}");
        assertThat(ChatFilterSet.fromMap(Map.of())).isEqualTo(defaults);
    }

    @Test
    void shouldWriteCanonicalJsonAndReadItBack()
    {
        final ChatFilterSet filters = ChatFilterSet.fromMap(Map.of(
            "words", List.of("Zebra", "apple", "APPLE", "\uFF22ad"),
            "patterns", List.of("b+c", "a\\d"),
            "links", "block",
            "allowedDomains", List.of("*.Example.org", "twitch.tv")));
        final String json = filters.toJson();
        assertThat(json).isEqualTo("{\"allowedDomains\":[\"example.org\",\"twitch.tv\"],\"links\":\"block\"," +
            "\"patterns\":[\"b+c\",\"a\\\\d\"],\"words\":[\"apple\",\"bad\",\"zebra\"]}");
        final ChatFilterSet back = ChatFilterSet.fromJson(json);
        assertThat(back).isEqualTo(filters);
        assertThat(back.toJson()).isEqualTo(json);
    }

    @Test
    void shouldRefuseBadValuesWithOneLineNamingTheKey()
    {
        assertThatThrownBy(() -> ChatFilterSet.fromMap(Map.of("words", 5)))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("words: expected a list of strings, got 5");
        assertThatThrownBy(() -> ChatFilterSet.fromMap(Map.of("words", List.of("ok", 3))))
            .hasMessage("words: expected a list of strings, got an entry 3");
        assertThatThrownBy(() -> ChatFilterSet.fromMap(Map.of("patterns", List.of("a("))))
            .hasMessageStartingWith("patterns: 'a(' is not a valid regular expression: ");
        assertThatThrownBy(() -> ChatFilterSet.fromMap(Map.of("links", "sometimes")))
            .hasMessage("links: expected allow, moderators or block, got 'sometimes'");
        assertThatThrownBy(() -> ChatFilterSet.fromMap(Map.of("allowedDomains", List.of("not a domain"))))
            .hasMessage("allowedDomains: expected domain names such as example.com, got 'not a domain'");
        assertThatThrownBy(() -> ChatFilterSet.fromMap(Map.of("word", List.of())))
            .hasMessage("unknown key 'word', expected one of [allowedDomains, links, patterns, words]");
        assertThatThrownBy(() -> ChatFilterSet.fromJson("[1]"))
            .hasMessage("filters: expected a JSON object, got [1]");
        assertThatThrownBy(() -> ChatFilterSet.fromJson("{\"words\":"))
            .hasMessageStartingWith("filters: expected a JSON object, got text that does not parse: ")
            .extracting(Throwable::getMessage).asString().doesNotContain("\n");
    }

    @Test
    void shouldMatchWholeWordsOnFoldedText()
    {
        final ChatFilterSet filters = ChatFilterSet.fromMap(Map.of("words", List.of("darn", "bad phrase")));
        assertThat(filters.hasBlockedWord("oh DARN!")).isTrue();
        assertThat(filters.hasBlockedWord("\uFF24\uFF41\uFF52\uFF4E it")).as("full width").isTrue();
        assertThat(filters.hasBlockedWord("darning")).isFalse();
        assertThat(filters.hasBlockedWord("undarn")).isFalse();
        assertThat(filters.hasBlockedWord("a bad phrase here")).isTrue();
        assertThat(filters.hasBlockedWord("a bad phrasebook")).isFalse();
    }

    @Test
    void shouldFindPatternsAnywhere()
    {
        final ChatFilterSet filters = ChatFilterSet.fromMap(Map.of("patterns", List.of("(?i)free\\s+btc")));
        assertThat(filters.matchesPattern("get Free  BTC")).isTrue();
        assertThat(filters.matchesPattern("freebtc")).isFalse();
    }

    @Test
    void shouldDetectSchemeWwwAndBareDomainLinksOutsideAllowedDomains()
    {
        final ChatFilterSet filters = ChatFilterSet.fromMap(Map.of("allowedDomains", List.of("example.org")));
        assertThat(filters.hasDisallowedLink("see https://evil.com/x")).isTrue();
        assertThat(filters.hasDisallowedLink("see ftp://files.host.zz")).isTrue();
        assertThat(filters.hasDisallowedLink("see www.evil.zz")).isTrue();
        assertThat(filters.hasDisallowedLink("see evil.com")).isTrue();
        assertThat(filters.hasDisallowedLink("see EVIL.IO/path")).isTrue();
        assertThat(filters.hasDisallowedLink("https://user@evil.com")).isTrue();
        assertThat(filters.hasDisallowedLink("https://docs.example.org/a and example.org")).isFalse();
        assertThat(filters.hasDisallowedLink("https://example.org.evil.com")).isTrue();
        assertThat(filters.hasDisallowedLink("version 1.5, e.g. this, file.txt, end.")).isFalse();
    }

    @Test
    void shouldMaskWordsAndPatternsForPaidMessages()
    {
        final ChatFilterSet filters = ChatFilterSet.fromMap(Map.of("words", List.of("darn"),
            "patterns", List.of("\\d{4,}")));
        assertThat(filters.mask("Darn, call 5551234 darn")).isEqualTo("****, call ******* ****");
        assertThat(filters.mask("darning")).isEqualTo("darning");
        assertThat(ChatFilterSet.defaults().mask("darn")).isEqualTo("darn");
    }
}
