package dev.commandcenter.plugin.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.codecs.sbe.ChatAction;
import dev.commandcenter.codecs.sbe.ChatRole;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.Recovery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static dev.commandcenter.plugin.chat.ChatFixture.T0_MS;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ChatPluginTest
{
    private ChatFixture chat;

    @AfterEach
    void close()
    {
        if (null != chat)
        {
            chat.close();
        }
    }

    private ChatFixture start(final Map<String, ?> config) throws Exception
    {
        chat = new ChatFixture(config);
        return chat;
    }

    private static void assertRefused(final JsonNode out, final long receipt, final String refusal, final String reason)
    {
        assertThat(out.get("type").asText()).isEqualTo("ChatRefused");
        assertThat(out.get("receipt").asLong()).isEqualTo(receipt);
        assertThat(out.get("refusal").asText()).isEqualTo(refusal);
        assertThat(out.get("reason").asText()).isEqualTo(reason);
    }

    @Test
    void shouldBeFoundAsBuiltInPluginWithItsIdWebRootAndRecovery()
    {
        final List<Plugin> plugins = ServiceLoader.load(Plugin.class).stream()
            .map(ServiceLoader.Provider::get).filter(p -> p instanceof ChatPlugin).toList();
        assertThat(plugins).hasSize(1);
        final Plugin plugin = plugins.get(0);
        assertThat(plugin.id()).isEqualTo("chat");
        assertThat(plugin.webResourceRoot()).isEqualTo("chat/web");
        assertThat(plugin.recovery().mode()).isEqualTo(Recovery.Mode.SNAPSHOT);
        assertThat(plugin.recovery().maxEvents()).isEqualTo(100_000);
    }

    @Test
    void shouldShowMessageAsChatLineInTheDefaultRoom() throws Exception
    {
        start(Map.of());
        final long seq = chat.post(T0_MS, ChatRole.VIEWER, 42, "", "ann", "hello there", 7);
        final JsonNode line = chat.one();
        assertThat(line.get("type").asText()).isEqualTo("ChatLine");
        assertThat(line.get("lineId").asLong()).isEqualTo(seq);
        assertThat(line.get("messageId").asLong()).isEqualTo(7);
        assertThat(line.get("atEpochMs").asLong()).isEqualTo(T0_MS);
        assertThat(line.get("amountSats").asLong()).isZero();
        assertThat(line.get("kind").asText()).isEqualTo("MESSAGE");
        assertThat(line.get("role").asText()).isEqualTo("VIEWER");
        assertThat(line.get("history").asText()).isEqualTo("FALSE");
        assertThat(line.get("channel").asText()).isEqualTo("main");
        assertThat(line.get("user").asText()).isEqualTo("ann");
        assertThat(line.get("text").asText()).isEqualTo("hello there");
    }

    @Test
    void shouldReadNullRoleAsViewer() throws Exception
    {
        start(Map.of("slowModeMs", 5000));
        chat.post(T0_MS, ChatRole.NULL_VAL, 0, "", "ann", "one");
        assertThat(chat.one().get("role").asText()).isEqualTo("VIEWER");
        final long seq = chat.post(T0_MS + 1000, ChatRole.NULL_VAL, 0, "", "ann", "two");
        assertRefused(chat.one(), seq, "SLOW_MODE", "slow mode: wait 4 s");
    }

    @Test
    void shouldRefuseUnknownRoomAsInvalid() throws Exception
    {
        start(Map.of("rooms", List.of("main", "games")));
        final long seq = chat.say(T0_MS, "ann", "hi");
        assertThat(chat.one().get("type").asText()).isEqualTo("ChatLine");
        chat.post(T0_MS, ChatRole.VIEWER, 0, "games", "bob", "gg");
        assertThat(chat.one().get("channel").asText()).isEqualTo("games");
        final long refused = chat.post(T0_MS, ChatRole.VIEWER, 0, "lobby", "bob", "gg", 9);
        final JsonNode out = chat.one();
        assertRefused(out, refused, "INVALID", "unknown room 'lobby', expected one of main, games");
        assertThat(out.get("messageId").asLong()).isEqualTo(9);
        assertThat(seq).isLessThan(refused);
    }

    @Test
    void shouldRefuseMissingTooLongReservedAndStreamerNames() throws Exception
    {
        start(Map.of("maxNameGraphemes", 10, "streamerName", "Satoshi"));
        long seq = chat.say(T0_MS, " \u200B\u202E ", "hi");
        assertRefused(chat.one(), seq, "INVALID", "display name missing: expected 1 to 10 characters");
        seq = chat.say(T0_MS, "abcdefghijk", "hi");
        assertRefused(chat.one(), seq, "INVALID", "display name too long: 11 characters, at most 10");
        seq = chat.say(T0_MS, "SATOSHI", "hi");
        assertRefused(chat.one(), seq, "NOT_ALLOWED", "that name belongs to the streamer");
        seq = chat.post(T0_MS, ChatRole.MODERATOR, 0, "", "satoshi", "hi");
        assertRefused(chat.one(), seq, "NOT_ALLOWED", "that name belongs to the streamer");
        seq = chat.say(T0_MS, "\u0405at\u043Eshi", "hi");
        assertRefused(chat.one(), seq, "NOT_ALLOWED", "that name belongs to the streamer");
        seq = chat.say(T0_MS, "System", "hi");
        assertRefused(chat.one(), seq, "NOT_ALLOWED", "that name is reserved");
        seq = chat.say(T0_MS, "moderator", "hi");
        assertRefused(chat.one(), seq, "NOT_ALLOWED", "that name is reserved");

        chat.post(T0_MS, ChatRole.ADMIN, 0, "", "Satoshi", "welcome");
        final JsonNode line = chat.one();
        assertThat(line.get("type").asText()).isEqualTo("ChatLine");
        assertThat(line.get("role").asText()).isEqualTo("ADMIN");
    }

    @Test
    void shouldRefuseEmptyAndTooLongTextsWithoutEchoingThem() throws Exception
    {
        start(Map.of("maxGraphemes", 10, "maxEmoji", 100));
        long seq = chat.say(T0_MS, "ann", " \n\t\u200B ");
        assertRefused(chat.one(), seq, "INVALID", "empty message");
        seq = chat.say(T0_MS, "ann", "secretsecret");
        final JsonNode out = chat.one();
        assertRefused(out, seq, "TOO_LONG", "message too long: 12 characters, at most 10");
        assertThat(out.toString()).doesNotContain("secret");
        chat.say(T0_MS, "ann", "\uD83C\uDDEF\uD83C\uDDF5".repeat(10));
        assertThat(chat.one().get("type").asText()).as("ten flags").isEqualTo("ChatLine");
        final String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66";
        chat.say(T0_MS, "bob", family.repeat(10));
        assertThat(chat.one().get("type").asText()).as("ten families").isEqualTo("ChatLine");
        seq = chat.say(T0_MS, "carl", family.repeat(11));
        assertRefused(chat.one(), seq, "TOO_LONG", "message too long: 11 characters, at most 10");
        seq = chat.say(T0_MS, "dan", "e\u0301".repeat(11));
        assertRefused(chat.one(), seq, "TOO_LONG", "message too long: 11 characters, at most 10");
    }

    @Test
    void shouldRefuseTextOverTheByteCapEvenWithinGraphemes() throws Exception
    {
        start(Map.of("maxGraphemes", 2000, "maxEmoji", 2000));
        final long seq = chat.say(T0_MS, "ann", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67".repeat(200));
        assertRefused(chat.one(), seq, "TOO_LONG", "message too long: 3600 bytes, at most 2048");
    }

    @Test
    void shouldEnforceSlowModePerNameAndPerViewerKeyForViewersOnly() throws Exception
    {
        start(Map.of("slowModeMs", 10_000));
        chat.post(T0_MS, ChatRole.VIEWER, 5, "", "ann", "one");
        assertThat(chat.one().get("type").asText()).isEqualTo("ChatLine");
        long seq = chat.post(T0_MS + 3000, ChatRole.VIEWER, 6, "", "ann", "two");
        JsonNode out = chat.one();
        assertRefused(out, seq, "SLOW_MODE", "slow mode: wait 7 s");
        assertThat(out.get("retryAfterMs").asLong()).isEqualTo(7000);
        seq = chat.post(T0_MS + 4000, ChatRole.VIEWER, 5, "", "annie", "two");
        assertRefused(chat.one(), seq, "SLOW_MODE", "slow mode: wait 6 s");
        chat.post(T0_MS + 4000, ChatRole.MODERATOR, 5, "", "ann", "mod talk");
        assertThat(chat.one().get("type").asText()).isEqualTo("ChatLine");
        chat.post(T0_MS + 14_000, ChatRole.VIEWER, 6, "", "ann", "three");
        assertThat(chat.one().get("type").asText()).isEqualTo("ChatLine");
    }

    @Test
    void shouldRefuseRepeatedTextWithinTheWindowOnly() throws Exception
    {
        start(Map.of("repeatWindowMs", 30_000));
        chat.say(T0_MS, "ann", "buy my stuff");
        chat.take();
        final long seq = chat.say(T0_MS + 1000, "ann", "BUY  my\tSTUFF");
        assertRefused(chat.one(), seq, "REPEATED", "same message again within 30 s: say something new");
        chat.say(T0_MS + 1000, "bob", "buy my stuff");
        assertThat(chat.one().get("type").asText()).isEqualTo("ChatLine");
        chat.say(T0_MS + 31_000, "ann", "buy my stuff");
        assertThat(chat.one().get("type").asText()).isEqualTo("ChatLine");
    }

    @Test
    void shouldRefuseCapsAndEmojiSpamFromViewersButNotModerators() throws Exception
    {
        start(Map.of("maxEmoji", 3));
        long seq = chat.say(T0_MS, "ann", "THIS IS VERY LOUD");
        assertRefused(chat.one(), seq, "SPAM", "too many capital letters: at most 70%");
        chat.say(T0_MS, "ann", "OK FINE");
        assertThat(chat.one().get("type").asText()).as("under 12 letters").isEqualTo("ChatLine");
        seq = chat.say(T0_MS, "bob", "\uD83D\uDE00\uD83D\uDE00\uD83C\uDDEF\uD83C\uDDF5\uD83D\uDC68\u200D\uD83D\uDC69");
        assertRefused(chat.one(), seq, "SPAM", "too many emoji: 4, at most 3");
        chat.say(T0_MS, "carl", "\uD83D\uDE00\uD83C\uDDEF\uD83C\uDDF5\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67");
        assertThat(chat.one().get("type").asText()).isEqualTo("ChatLine");
        chat.post(T0_MS, ChatRole.MODERATOR, 0, "", "jane", "THIS IS VERY LOUD");
        assertThat(chat.one().get("type").asText()).isEqualTo("ChatLine");
    }

    @Test
    void shouldApplyWordPatternAndLinkFiltersToViewers() throws Exception
    {
        start(Map.of());
        chat.filters(T0_MS, "{\"words\":[\"darn\",\"bad phrase\"],\"patterns\":[\"(?i)free\\\\s+btc\"]," +
            "\"links\":\"moderators\",\"allowedDomains\":[\"example.org\"]}");
        assertThat(chat.take()).isEmpty();

        long seq = chat.say(T0_MS, "ann", "oh DARN it");
        assertRefused(chat.one(), seq, "BLOCKED_WORD", "that message contains a blocked word");
        chat.say(T0_MS, "ann", "darning socks");
        assertThat(chat.one().get("type").asText()).as("whole words only").isEqualTo("ChatLine");
        seq = chat.say(T0_MS, "darn", "hello");
        assertRefused(chat.one(), seq, "BLOCKED_WORD", "that name contains a blocked word");
        seq = chat.say(T0_MS, "bob", "get FREE   btc now");
        assertRefused(chat.one(), seq, "BLOCKED_WORD", "that message matches a blocked pattern");
        seq = chat.say(T0_MS, "bob", "see https://evil.example.com/x");
        assertRefused(chat.one(), seq, "BLOCKED_LINK", "only moderators may post links here");
        seq = chat.say(T0_MS, "bob", "go to www.scam.io");
        assertRefused(chat.one(), seq, "BLOCKED_LINK", "only moderators may post links here");
        seq = chat.say(T0_MS, "www.spam.io", "hello");
        assertRefused(chat.one(), seq, "BLOCKED_LINK", "that name contains a link");
        seq = chat.say(T0_MS, "bob", "try cheap.shop today");
        assertRefused(chat.one(), seq, "BLOCKED_LINK", "only moderators may post links here");
        chat.say(T0_MS, "bob", "docs at https://docs.example.org/chat ok");
        assertThat(chat.one().get("type").asText()).as("allowed domain").isEqualTo("ChatLine");
        chat.say(T0_MS, "carl", "version 1.5 e.g. fine");
        assertThat(chat.one().get("type").asText()).as("not a link").isEqualTo("ChatLine");
        chat.post(T0_MS, ChatRole.MODERATOR, 0, "", "jane", "rules: https://evil.example.com darn");
        assertThat(chat.one().get("type").asText()).isEqualTo("ChatLine");

        chat.filters(T0_MS, "{\"links\":\"block\"}");
        seq = chat.post(T0_MS, ChatRole.MODERATOR, 0, "", "jane", "https://evil.example.com");
        assertRefused(chat.one(), seq, "BLOCKED_LINK", "links are not allowed in this chat");
        chat.post(T0_MS, ChatRole.ADMIN, 0, "", "streamer", "https://evil.example.com");
        assertThat(chat.one().get("type").asText()).isEqualTo("ChatLine");
        chat.say(T0_MS, "ann", "oh darn it");
        assertThat(chat.one().get("type").asText()).as("words were replaced").isEqualTo("ChatLine");
    }

    @Test
    void shouldKeepThePreviousFiltersWhenAFilterEventIsBad() throws Exception
    {
        start(Map.of());
        chat.filters(T0_MS, "{\"words\":[\"darn\"]}");
        chat.filters(T0_MS, "{\"words\":5}");
        chat.filters(T0_MS, "not json");
        assertThat(chat.plugin().rejectedFilters()).isEqualTo(2);
        assertThat(chat.plugin().filters().words()).containsExactly("darn");
        final long seq = chat.say(T0_MS, "ann", "darn");
        assertRefused(chat.one(), seq, "BLOCKED_WORD", "that message contains a blocked word");
    }

    @Test
    void shouldPassXssPayloadsThroughAsPlainText() throws Exception
    {
        start(Map.of());
        final String payload = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&";
        chat.say(T0_MS, "<b>ann</b>", payload);
        final JsonNode line = chat.one();
        assertThat(line.get("text").asText()).isEqualTo(payload);
        assertThat(line.get("user").asText()).isEqualTo("<b>ann</b>");
    }

    @Test
    void shouldNeutraliseNamesAndTextsOfLines() throws Exception
    {
        start(Map.of());
        chat.say(T0_MS, "an\u202En", "line one\r\nline\u200B two\u2066");
        final JsonNode line = chat.one();
        assertThat(line.get("user").asText()).isEqualTo("ann");
        assertThat(line.get("text").asText()).isEqualTo("line one line two");
    }

    @Test
    void shouldBanByNameAndByViewerKeysSeenWithThatNameUntilUnban() throws Exception
    {
        start(Map.of("rooms", List.of("main", "games")));
        final long line = chat.post(T0_MS, ChatRole.VIEWER, 77, "", "troll", "spam spam");
        chat.take();
        chat.moderate(T0_MS + 1, ChatAction.BAN, ChatRole.MODERATOR, "", "Troll", 0, 0);
        final List<JsonNode> removals = chat.take();
        assertThat(removals).hasSize(2);
        assertThat(removals).allSatisfy(out ->
        {
            assertThat(out.get("type").asText()).isEqualTo("ChatRemoved");
            assertThat(out.get("scope").asText()).isEqualTo("VIEWER");
            assertThat(out.get("action").asText()).isEqualTo("BAN");
            assertThat(out.get("untilEpochMs").asLong()).isZero();
            assertThat(out.get("user").asText()).isEqualTo("Troll");
            assertThat(out.get("reason").asText()).isEqualTo("spam");
        });
        assertThat(removals.get(1).get("channel").asText()).isEqualTo("games");

        long seq = chat.post(T0_MS + 2, ChatRole.VIEWER, 0, "", "troll", "hi");
        assertRefused(chat.one(), seq, "BANNED", "banned from this chat");
        seq = chat.post(T0_MS + 2, ChatRole.VIEWER, 0, "", "tr\u043E\u04CFl", "hi");
        assertRefused(chat.one(), seq, "BANNED", "banned from this chat");
        seq = chat.post(T0_MS + 3, ChatRole.VIEWER, 77, "", "new-name", "hi");
        assertRefused(chat.one(), seq, "BANNED", "banned from this chat");

        chat.moderate(T0_MS + 4, ChatAction.UNBAN, ChatRole.ADMIN, "", "troll", 0, 0);
        assertThat(chat.take()).isEmpty();
        chat.post(T0_MS + 5, ChatRole.VIEWER, 77, "", "new-name", "sorry");
        assertThat(chat.one().get("type").asText()).isEqualTo("ChatLine");
        assertThat(line).isPositive();
    }

    @Test
    void shouldCutAnOversizedModerationTargetToANameLength() throws Exception
    {
        start(Map.of());
        chat.moderate(T0_MS, ChatAction.BAN, ChatRole.ADMIN, "", "x".repeat(3000), 0, 0);
        final JsonNode removed = chat.one();
        assertThat(removed.get("user").asText()).isEqualTo("x".repeat(ChatPlugin.MAX_NAME_GRAPHEMES_MAX));
        assertThat(chat.harness().refused()).isZero();
    }

    @Test
    void shouldTimeOutUntilTheDurationEnds() throws Exception
    {
        start(Map.of());
        chat.post(T0_MS, ChatRole.VIEWER, 9, "", "ann", "hey");
        chat.take();
        chat.moderate(T0_MS, ChatAction.TIMEOUT, ChatRole.MODERATOR, "", "ann", 0, 60_000);
        final JsonNode removed = chat.one();
        assertThat(removed.get("scope").asText()).isEqualTo("VIEWER");
        assertThat(removed.get("action").asText()).isEqualTo("TIMEOUT");
        assertThat(removed.get("untilEpochMs").asLong()).isEqualTo(T0_MS + 60_000);

        long seq = chat.post(T0_MS + 15_500, ChatRole.VIEWER, 0, "", "ann", "back?");
        JsonNode out = chat.one();
        assertRefused(out, seq, "TIMED_OUT", "timed out: wait 45 s");
        assertThat(out.get("retryAfterMs").asLong()).isEqualTo(44_500);
        seq = chat.post(T0_MS + 15_500, ChatRole.VIEWER, 9, "", "other", "back?");
        assertRefused(chat.one(), seq, "TIMED_OUT", "timed out: wait 45 s");
        chat.post(T0_MS + 60_000, ChatRole.VIEWER, 9, "", "ann", "back!");
        assertThat(chat.one().get("type").asText()).isEqualTo("ChatLine");
    }

    @Test
    void shouldIgnoreModerationFromViewersUnknownRoomsAndAgainstTheStreamer() throws Exception
    {
        start(Map.of());
        chat.moderate(T0_MS, ChatAction.BAN, ChatRole.VIEWER, "", "ann", 0, 0);
        chat.moderate(T0_MS, ChatAction.BAN, ChatRole.NULL_VAL, "", "ann", 0, 0);
        chat.moderate(T0_MS, ChatAction.CLEAR, ChatRole.MODERATOR, "lobby", "", 0, 0);
        chat.moderate(T0_MS, ChatAction.BAN, ChatRole.MODERATOR, "", "Streamer", 0, 0);
        chat.moderate(T0_MS, ChatAction.TIMEOUT, ChatRole.MODERATOR, "", "ann", 0, 0);
        assertThat(chat.take()).isEmpty();
        assertThat(chat.plugin().ignoredModerations()).isEqualTo(5);
        chat.say(T0_MS, "ann", "still here");
        assertThat(chat.one().get("type").asText()).isEqualTo("ChatLine");
    }

    @Test
    void shouldDeleteLinesButNotTheStreamersOnAModeratorsWord() throws Exception
    {
        start(Map.of());
        final long viewerLine = chat.say(T0_MS, "ann", "oops");
        final long adminLine = chat.post(T0_MS, ChatRole.ADMIN, 0, "", "streamer", "welcome");
        chat.take();
        chat.moderate(T0_MS, ChatAction.DELETE, ChatRole.MODERATOR, "", "", viewerLine, 0);
        final JsonNode removed = chat.one();
        assertThat(removed.get("scope").asText()).isEqualTo("LINE");
        assertThat(removed.get("lineId").asLong()).isEqualTo(viewerLine);
        assertThat(removed.get("action").asText()).isEqualTo("DELETE");
        chat.moderate(T0_MS, ChatAction.DELETE, ChatRole.MODERATOR, "", "", adminLine, 0);
        assertThat(chat.take()).isEmpty();
        chat.moderate(T0_MS, ChatAction.DELETE, ChatRole.ADMIN, "", "", adminLine, 0);
        assertThat(chat.one().get("lineId").asLong()).isEqualTo(adminLine);

        chat.plugin().onRecovered(chat.harness());
        assertThat(chat.take()).extracting(out -> out.get("type").asText()).containsExactly("ChatState");
    }

    @Test
    void shouldSetSlowModeAndAnnounceTheRoomState() throws Exception
    {
        start(Map.of());
        chat.moderate(T0_MS, ChatAction.SLOW, ChatRole.MODERATOR, "", "", 0, 10_000);
        final JsonNode state = chat.one();
        assertThat(state.get("type").asText()).isEqualTo("ChatState");
        assertThat(state.get("slowModeMs").asLong()).isEqualTo(10_000);
        assertThat(state.get("maxGraphemes").asInt()).isEqualTo(300);
        assertThat(state.get("historyLines").asInt()).isEqualTo(50);
        assertThat(state.get("channel").asText()).isEqualTo("main");
        chat.say(T0_MS, "ann", "one");
        chat.take();
        final long seq = chat.say(T0_MS + 2000, "ann", "two");
        assertRefused(chat.one(), seq, "SLOW_MODE", "slow mode: wait 8 s");
        chat.moderate(T0_MS + 2000, ChatAction.SLOW, ChatRole.ADMIN, "", "", 0, 0);
        chat.take();
        chat.say(T0_MS + 2000, "ann", "two");
        assertThat(chat.one().get("type").asText()).isEqualTo("ChatLine");
    }

    @Test
    void shouldKeepTheLastLinesPerRoomUpdatedByRemovalsAndResendThemAsHistory() throws Exception
    {
        start(Map.of("historyLines", 3, "rooms", List.of("main", "games")));
        final long first = chat.say(T0_MS, "ann", "one");
        final long second = chat.say(T0_MS, "bob", "two");
        final long third = chat.say(T0_MS, "troll", "three");
        final long fourth = chat.say(T0_MS, "ann", "four");
        chat.post(T0_MS, ChatRole.VIEWER, 0, "games", "carl", "gg");
        chat.take();
        chat.moderate(T0_MS, ChatAction.BAN, ChatRole.MODERATOR, "", "troll", 0, 0);
        chat.moderate(T0_MS, ChatAction.DELETE, ChatRole.MODERATOR, "", "", fourth, 0);
        chat.take();

        chat.plugin().onRecovered(chat.harness());
        final List<JsonNode> out = chat.take();
        assertThat(out).extracting(node -> node.get("type").asText())
            .containsExactly("ChatState", "ChatLine", "ChatState", "ChatLine");
        assertThat(out.get(1).get("lineId").asLong()).isEqualTo(second);
        assertThat(out.get(1).get("history").asText()).isEqualTo("TRUE");
        assertThat(out.get(3).get("text").asText()).isEqualTo("gg");
        assertThat(first).isLessThan(third);

        chat.moderate(T0_MS, ChatAction.CLEAR, ChatRole.MODERATOR, "", "", 0, 0);
        final JsonNode cleared = chat.one();
        assertThat(cleared.get("scope").asText()).isEqualTo("ROOM");
        assertThat(cleared.get("channel").asText()).isEqualTo("main");
        chat.plugin().onRecovered(chat.harness());
        assertThat(chat.take()).extracting(node -> node.get("type").asText())
            .containsExactly("ChatState", "ChatState", "ChatLine");
    }

    @Test
    void shouldShowPaidMessagesOnceWithTheirAmountAndMaskedWords() throws Exception
    {
        start(Map.of("paidMinSats", 1000));
        chat.filters(T0_MS, "{\"words\":[\"darn\"]}");
        final long seq = chat.pay(T0_MS, Sources.WALLET, 5000, 1, "Ann: great darn stream");
        final JsonNode line = chat.one();
        assertThat(line.get("type").asText()).isEqualTo("ChatLine");
        assertThat(line.get("kind").asText()).isEqualTo("PAID");
        assertThat(line.get("lineId").asLong()).isEqualTo(seq);
        assertThat(line.get("amountSats").asLong()).isEqualTo(5000);
        assertThat(line.get("user").asText()).isEqualTo("Ann");
        assertThat(line.get("text").asText()).isEqualTo("great **** stream");
        assertThat(line.get("channel").asText()).isEqualTo("main");

        chat.pay(T0_MS, Sources.WALLET, 5000, 1, "Ann: great darn stream");
        assertThat(chat.take()).as("same payment twice").isEmpty();
        chat.pay(T0_MS, Sources.WALLET, 999, 2, "Bob: small");
        assertThat(chat.take()).as("under paidMinSats").isEmpty();
        chat.pay(T0_MS, Sources.WALLET, 5000, 3, "");
        assertThat(chat.take()).as("no memo").isEmpty();
        chat.pay(T0_MS, Sources.REST, 5000, 4, "Eve: fake");
        assertThat(chat.take()).as("source not accepted").isEmpty();
        assertThat(chat.plugin().ignoredPayments()).isEqualTo(1);
        chat.pay(T0_MS, Sources.WALLET, 2000, 5, "streamer: I am the streamer");
        final JsonNode anonymous = chat.one();
        assertThat(anonymous.get("user").asText()).isEqualTo("anonymous");
        assertThat(anonymous.get("text").asText()).isEqualTo("streamer: I am the streamer");
        chat.pay(T0_MS, Sources.WALLET, 2000, 6, "thanks for the stream");
        assertThat(chat.one().get("user").asText()).isEqualTo("anonymous");
    }

    @Test
    void shouldProduceByteIdenticalOutputsForTheSameEvents() throws Exception
    {
        final List<byte[]> first = runScript();
        final List<byte[]> second = runScript();
        assertThat(first).hasSizeGreaterThan(10);
        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++)
        {
            assertThat(second.get(i)).as("output %d", i).isEqualTo(first.get(i));
        }
    }

    private static List<byte[]> runScript() throws Exception
    {
        try (ChatFixture fixture = new ChatFixture(Map.of("slowModeMs", 2000, "historyLines", 5)))
        {
            script(fixture, 0);
            return List.copyOf(fixture.harness().emitted());
        }
    }

    static void script(final ChatFixture fixture, final long offsetMs) throws Exception
    {
        final long t = T0_MS + offsetMs;
        fixture.filters(t, "{\"words\":[\"darn\"]}");
        for (int i = 0; i < 20; i++)
        {
            fixture.post(t + i * 700L, ChatRole.VIEWER, i % 3 + 1, "", "viewer" + (i % 4), "message " + i, i);
        }
        fixture.post(t + 20_000, ChatRole.VIEWER, 1, "", "viewer1", "darn");
        fixture.moderate(t + 20_001, ChatAction.TIMEOUT, ChatRole.MODERATOR, "", "viewer2", 0, 5000);
        fixture.post(t + 20_002, ChatRole.VIEWER, 0, "", "viewer2", "let me talk");
        fixture.moderate(t + 20_003, ChatAction.BAN, ChatRole.ADMIN, "", "viewer3", 0, 0);
        fixture.moderate(t + 20_004, ChatAction.SLOW, ChatRole.ADMIN, "", "", 0, 0);
        fixture.pay(t + 20_005, Sources.WALLET, 10_000, 9, "Zed: hello");
        fixture.post(t + 20_006, ChatRole.VIEWER, 0, "", "viewer0", "hello again");
    }

    @Test
    void shouldStayBoundedUnderAFloodOfDistinctNamesAndKeys() throws Exception
    {
        start(Map.of("repeatWindowMs", 30_000, "slowModeMs", 1000));
        for (int i = 0; i < ChatPlugin.VIEWERS_CAPACITY * 3; i++)
        {
            chat.post(T0_MS + i, ChatRole.VIEWER, 1_000_000L + i, "", "v" + i, "hi " + i);
            if (i % 1000 == 0)
            {
                chat.take();
            }
        }
        for (int i = 0; i < ChatPlugin.BANS_CAPACITY * 2; i++)
        {
            chat.moderate(T0_MS + i, ChatAction.BAN, ChatRole.MODERATOR, "", "v" + i, 0, 0);
            if (i % 1000 == 0)
            {
                chat.take();
            }
        }
        chat.take();
        assertThat(chat.plugin().trackedViewers()).isLessThanOrEqualTo(4 * ChatPlugin.VIEWERS_CAPACITY);
        assertThat(chat.plugin().trackedBans())
            .isLessThanOrEqualTo(ChatPlugin.BANS_CAPACITY * (1 + ChatPlugin.KEYS_PER_NAME));
        final long seq = chat.post(T0_MS + 100_000, ChatRole.VIEWER, 0, "", "v" + (ChatPlugin.BANS_CAPACITY * 2 - 1),
            "hi");
        assertRefused(chat.one(), seq, "BANNED", "banned from this chat");
    }
}
