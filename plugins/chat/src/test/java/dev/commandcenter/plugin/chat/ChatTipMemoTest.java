package dev.commandcenter.plugin.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.engine.Sources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static dev.commandcenter.plugin.chat.ChatFixture.T0_MS;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ChatTipMemoTest
{
    private static final Map<String, Object> CONFIG = Map.of("paidMinSats", 1000, "rooms", List.of("main", "games"));

    private ChatFixture chat;

    @AfterEach
    void close()
    {
        if (null != chat)
        {
            chat.close();
        }
    }

    private ChatFixture start() throws Exception
    {
        chat = new ChatFixture(CONFIG);
        return chat;
    }

    private static void assertPaid(
        final JsonNode line, final long lineId, final long amountSats, final String room, final String user,
        final String text)
    {
        assertThat(line.get("type").asText()).isEqualTo("ChatLine");
        assertThat(line.get("kind").asText()).isEqualTo("PAID");
        assertThat(line.get("lineId").asLong()).isEqualTo(lineId);
        assertThat(line.get("messageId").asLong()).isZero();
        assertThat(line.get("amountSats").asLong()).isEqualTo(amountSats);
        assertThat(line.get("role").asText()).isEqualTo("VIEWER");
        assertThat(line.get("channel").asText()).isEqualTo(room);
        assertThat(line.get("user").asText()).isEqualTo(user);
        assertThat(line.get("text").asText()).isEqualTo(text);
    }

    @Test
    void shouldShowAMemoPostedBeforeItsPaymentWhenThePaymentArrives() throws Exception
    {
        start();
        chat.memo(T0_MS, 1, "games", "ann", "gg");
        assertThat(chat.take()).as("a memo alone shows nothing").isEmpty();
        assertThat(chat.plugin().pendingMemos()).isEqualTo(1);

        final long payment = chat.pay(T0_MS + 5_000, Sources.WALLET, 5000, 1, "");
        assertPaid(chat.one(), payment, 5000, "games", "ann", "gg");
        assertThat(chat.plugin().pendingMemos()).isZero();
        assertThat(chat.plugin().pendingPayments()).isZero();
    }

    @Test
    void shouldShowAMemoPostedAfterItsPaymentWhenTheMemoArrives() throws Exception
    {
        start();
        chat.pay(T0_MS, Sources.WALLET, 7000, 2, "");
        assertThat(chat.take()).as("a payment without a memo is silent").isEmpty();
        assertThat(chat.plugin().pendingPayments()).isEqualTo(1);

        final long memo = chat.memo(T0_MS + 60_000, 2, "", "bob", "thanks");
        assertPaid(chat.one(), memo, 7000, "main", "bob", "thanks");
        assertThat(chat.plugin().pendingPayments()).isZero();

        chat.pay(T0_MS + 70_000, Sources.WALLET, 7000, 2, "");
        assertThat(chat.take()).as("the same payment reported again").isEmpty();
    }

    @Test
    void shouldPreferThePostedMemoOverThePaymentsOwnMemo() throws Exception
    {
        start();
        chat.memo(T0_MS, 3, "main", "ann", "from the tip page");
        final long payment = chat.pay(T0_MS + 1_000, Sources.WALLET, 5000, 3, "Eve: on chain");
        assertPaid(chat.one(), payment, 5000, "main", "ann", "from the tip page");
    }

    @Test
    void shouldIgnoreAMemoForAPaymentAlreadyShownAndASecondMemo() throws Exception
    {
        start();
        final long payment = chat.pay(T0_MS, Sources.WALLET, 5000, 4, "Eve: on chain");
        assertPaid(chat.one(), payment, 5000, "main", "Eve", "on chain");
        chat.memo(T0_MS + 1_000, 4, "main", "ann", "too late");
        assertThat(chat.take()).as("a late memo for a shown payment").isEmpty();
        assertThat(chat.plugin().ignoredMemos()).isEqualTo(1);
        assertThat(chat.plugin().pendingMemos()).isZero();

        chat.memo(T0_MS + 2_000, 5, "main", "ann", "first");
        chat.memo(T0_MS + 3_000, 5, "main", "mallory", "second");
        assertThat(chat.plugin().ignoredMemos()).isEqualTo(2);
        final long second = chat.pay(T0_MS + 4_000, Sources.WALLET, 3000, 5, "");
        assertPaid(chat.one(), second, 3000, "main", "ann", "first");
        chat.memo(T0_MS + 5_000, 5, "main", "mallory", "third");
        assertThat(chat.take()).isEmpty();
        assertThat(chat.plugin().ignoredMemos()).isEqualTo(3);
    }

    @Test
    void shouldShowNothingForPaymentsThatDoNotQualifyOrMemosThatDoNotFit() throws Exception
    {
        start();
        chat.memo(T0_MS, 6, "main", "ann", "small");
        chat.pay(T0_MS, Sources.WALLET, 999, 6, "");
        assertThat(chat.take()).as("under paidMinSats").isEmpty();
        chat.memo(T0_MS, 7, "main", "ann", "fake");
        chat.pay(T0_MS, Sources.REST, 5000, 7, "");
        assertThat(chat.take()).as("source not accepted").isEmpty();
        assertThat(chat.plugin().ignoredPayments()).isEqualTo(1);
        assertThat(chat.plugin().pendingMemos()).as("both memos still wait").isEqualTo(2);

        chat.pay(T0_MS, Sources.WALLET, 5000, 8, "");
        chat.memo(T0_MS, 8, "lobby", "ann", "unknown room");
        chat.memo(T0_MS, 8, "main", "\u200B", "\u200B\u202E ");
        assertThat(chat.take()).as("unknown room, neither name nor text").isEmpty();
        assertThat(chat.plugin().ignoredMemos()).isEqualTo(2);
        assertThat(chat.plugin().pendingPayments()).isEqualTo(1);

        chat.pay(T0_MS, Sources.WALLET, 5000, 9, "");
        assertThat(chat.take()).as("neither memo").isEmpty();

        chat.pay(T0_MS, Sources.WALLET, 4000, 10, "");
        chat.memo(T0_MS, 10, "main", "ann", "\u200B ");
        assertThat(chat.take()).as("a name without a message still names the tipper").hasSize(1);
    }

    @Test
    void shouldNeutraliseTheMemoMaskBlockedWordsAndRefuseAReservedName() throws Exception
    {
        start();
        chat.filters(T0_MS, "{\"words\":[\"darn\"]}");
        chat.memo(T0_MS, 10, "main", "a\u202Enn\u200B", "great\ndarn\u200B stream");
        final long first = chat.pay(T0_MS, Sources.WALLET, 5000, 10, "");
        assertPaid(chat.one(), first, 5000, "main", "ann", "great **** stream");

        chat.memo(T0_MS, 11, "main", "streamer", "I am the streamer");
        final long second = chat.pay(T0_MS, Sources.WALLET, 5000, 11, "");
        assertPaid(chat.one(), second, 5000, "main", ChatPlugin.ANONYMOUS, "I am the streamer");
    }

    @Test
    void shouldForgetAMemoAfterADayAndAPaymentAfterAnHourOfEventTime() throws Exception
    {
        start();
        chat.memo(T0_MS, 12, "main", "ann", "kept");
        chat.memo(T0_MS, 13, "main", "bob", "forgotten");
        final long kept = chat.pay(T0_MS + ChatPlugin.PENDING_MEMO_MS - 1, Sources.WALLET, 5000, 12, "");
        assertPaid(chat.one(), kept, 5000, "main", "ann", "kept");
        chat.pay(T0_MS + ChatPlugin.PENDING_MEMO_MS, Sources.WALLET, 5000, 13, "");
        assertThat(chat.take()).as("memo older than a day").isEmpty();
        assertThat(chat.plugin().pendingMemos()).isZero();

        final long t1 = T0_MS + 2 * ChatPlugin.PENDING_MEMO_MS;
        chat.pay(t1, Sources.WALLET, 4000, 14, "");
        chat.pay(t1, Sources.WALLET, 4000, 15, "");
        final long memo = chat.memo(t1 + ChatPlugin.PENDING_PAYMENT_MS - 1, 14, "main", "ann", "in time");
        assertPaid(chat.one(), memo, 4000, "main", "ann", "in time");
        chat.memo(t1 + ChatPlugin.PENDING_PAYMENT_MS, 15, "main", "bob", "too late");
        assertThat(chat.take()).as("payment older than an hour").isEmpty();
        assertThat(chat.plugin().pendingPayments()).isZero();
        assertThat(chat.plugin().pendingMemos()).as("the memo now waits for a payment").isEqualTo(1);
    }

    @Test
    void shouldBoundWaitingMemosAndPaymentsForgettingTheOldestFirst() throws Exception
    {
        start();
        final int extra = 5;
        for (int i = 0; i < ChatPlugin.PENDING_MEMOS_CAPACITY + extra; i++)
        {
            chat.memo(T0_MS + i, 1000 + i, "main", "ann", "memo " + i);
        }
        assertThat(chat.plugin().pendingMemos()).isEqualTo(ChatPlugin.PENDING_MEMOS_CAPACITY);
        chat.pay(T0_MS + 10_000, Sources.WALLET, 5000, 1000 + extra - 1, "");
        assertThat(chat.take()).as("memo forgotten beyond the bound").isEmpty();
        final long newest = chat.pay(T0_MS + 10_000, Sources.WALLET, 5000, 1000 + extra, "");
        assertPaid(chat.one(), newest, 5000, "main", "ann", "memo " + extra);

        for (int i = 0; i < ChatPlugin.PENDING_PAYMENTS_CAPACITY + extra; i++)
        {
            chat.pay(T0_MS + 20_000 + i, Sources.WALLET, 5000, 10_000 + i, "");
        }
        assertThat(chat.plugin().pendingPayments()).isEqualTo(ChatPlugin.PENDING_PAYMENTS_CAPACITY);
        chat.memo(T0_MS + 30_000, 10_000 + extra - 1, "main", "ann", "forgotten");
        assertThat(chat.take()).as("payment forgotten beyond the bound").isEmpty();
        final long memo = chat.memo(T0_MS + 30_000, 10_000 + extra, "main", "ann", "kept");
        assertPaid(chat.one(), memo, 5000, "main", "ann", "kept");
    }

    @Test
    void shouldKeepWaitingMemosAndPaymentsInTheSnapshot() throws Exception
    {
        final byte[] snapshot;
        try (ChatFixture before = new ChatFixture(CONFIG))
        {
            before.memo(T0_MS, 20, "games", "ann", "memo first");
            before.pay(T0_MS, Sources.WALLET, 6000, 21, "");
            before.pay(T0_MS, Sources.WALLET, 6000, 22, "Eve: shown");
            before.take();
            before.harness().stop();
            snapshot = before.harness().storage().read(ChatPlugin.SNAPSHOT_ENTRY);
        }
        final JsonNode root = new ObjectMapper().readTree(snapshot);
        assertThat(root.get("format").asInt()).isEqualTo(2);

        start();
        chat.harness().storage().write(ChatPlugin.SNAPSHOT_ENTRY, snapshot);
        chat.plugin().restoreSnapshot(chat.harness());
        assertThat(chat.plugin().pendingMemos()).isEqualTo(1);
        assertThat(chat.plugin().pendingPayments()).isEqualTo(1);
        chat.nextSequence(500);
        final long payment = chat.pay(T0_MS + 1_000, Sources.WALLET, 6000, 20, "");
        assertPaid(chat.one(), payment, 6000, "games", "ann", "memo first");
        final long memo = chat.memo(T0_MS + 1_000, 21, "main", "bob", "payment first");
        assertPaid(chat.one(), memo, 6000, "main", "bob", "payment first");
        chat.memo(T0_MS + 1_000, 22, "main", "ann", "late");
        assertThat(chat.take()).as("shown before the restart").isEmpty();
        assertThat(chat.plugin().ignoredMemos()).isEqualTo(1);
    }

    @Test
    void shouldStillReadAFormatOneSnapshot() throws Exception
    {
        final byte[] snapshot;
        try (ChatFixture before = new ChatFixture(CONFIG))
        {
            before.pay(T0_MS, Sources.WALLET, 6000, 30, "Eve: shown");
            before.take();
            before.harness().stop();
            snapshot = before.harness().storage().read(ChatPlugin.SNAPSHOT_ENTRY);
        }
        final ObjectNode root = (ObjectNode)new ObjectMapper().readTree(snapshot);
        root.put("format", 1);
        root.remove(List.of("paidTxids", "pendingMemos", "pendingPayments"));

        start();
        chat.harness().storage().write(ChatPlugin.SNAPSHOT_ENTRY, new ObjectMapper().writeValueAsBytes(root));
        assertThat(chat.plugin().restoreSnapshot(chat.harness())).isPositive();
        chat.memo(T0_MS + 1_000, 30, "main", "ann", "late");
        assertThat(chat.take()).as("a payment shown before the upgrade").isEmpty();
        assertThat(chat.plugin().ignoredMemos()).isEqualTo(1);
    }
}
