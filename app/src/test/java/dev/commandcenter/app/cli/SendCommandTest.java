package dev.commandcenter.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.CommandRun;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.persistence.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code commandcenter send} against a real node: the event it posts is journaled with the given fields; a wrong type,
 * field or value is a one-line usage error (exit 2) and nothing reaches the journal; the engine's refusal and an
 * engine that does not run are one line with exit 1.
 */
@Timeout(90)
class SendCommandTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void shouldPostAChatMessageThatTheJournalHoldsWithTheGivenFields()
    {
        try (CommandCenterNode node = CommandCenterNode.start(TailCommandTest.config(), dataDir, null))
        {
            final CommandRun sent = send("ChatMessage", "messageId=7", "user=ann", "text=hello from the terminal",
                "role=MODERATOR");

            assertThat(sent.code()).as(sent.err()).isZero();
            assertThat(sent.out()).startsWith("sent ChatMessage (event ");
            final long receipt = Long.parseLong(sent.out().replaceAll("(?s).*\\(event (\\d+)\\).*", "$1"));
            await().atMost(WAIT).until(() -> node.engine().publisher().isJournaled(receipt));
            final JsonNode event = journaled(receipt);
            assertThat(event.get("type").asText()).isEqualTo("ChatMessage");
            assertThat(event.get("source").asText()).isEqualTo("rest");
            assertThat(event.get("messageId").asLong()).isEqualTo(7);
            assertThat(event.get("user").asText()).isEqualTo("ann");
            assertThat(event.get("text").asText()).isEqualTo("hello from the terminal");
            assertThat(event.get("role").asText()).isEqualTo("MODERATOR");
            assertThat(event.get("viewerKey").asLong()).isZero();
            assertThat(event.get("channel").asText()).isEmpty();

            final CommandRun wallet = send("TransactionReceived", "amountSats=60000", "txid=" + "ab".repeat(32),
                "scriptHash=" + "cd".repeat(32));
            assertThat(wallet.code()).isEqualTo(1);
            assertThat(wallet.err().strip()).isEqualTo("commandcenter: wallet event TransactionReceived cannot be posted " +
                "over REST: wallet events come from the wallet source only");
        }
    }

    @Test
    void shouldPostATransactionReceivedToAnEngineThatTakesWalletEventsOverRest()
    {
        final AppConfig config = TailCommandTest.config();
        config.websocket.acceptWalletEventsOverRest = true;
        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null))
        {
            final String txid = "AB".repeat(32);
            final CommandRun sent = send("TransactionReceived", "amountSats=60_000", "height=0", "txid=" + txid,
                "scriptHash=" + "cd".repeat(32), "address=bcrt1qsend", "memo=thanks", "verified=TRUE");

            assertThat(sent.code()).as(sent.err()).isZero();
            final long receipt = Long.parseLong(sent.out().replaceAll("(?s).*\\(event (\\d+)\\).*", "$1"));
            await().atMost(WAIT).until(() -> node.engine().publisher().isJournaled(receipt));
            final JsonNode event = journaled(receipt);
            assertThat(event.get("type").asText()).isEqualTo("TransactionReceived");
            assertThat(event.get("amountSats").asLong()).isEqualTo(60_000);
            assertThat(event.get("txid").asText()).isEqualTo("ab".repeat(32));
            assertThat(event.get("scriptHash").asText()).isEqualTo("cd".repeat(32));
            assertThat(event.get("address").asText()).isEqualTo("bcrt1qsend");
            assertThat(event.get("memo").asText()).isEqualTo("thanks");
            assertThat(event.get("verified").asText()).isEqualTo("TRUE");
        }
    }

    @Test
    void shouldRefuseAWrongTypeFieldOrValueWithExitCode2AndSendNothing()
    {
        try (CommandCenterNode node = CommandCenterNode.start(TailCommandTest.config(), dataDir, null))
        {
            usageError(send("ChatMesage", "user=ann"), "commandcenter: unknown message type 'ChatMesage': expected one of ");
            usageError(send("IngressHello"), "commandcenter: IngressHello is a transport message, not an event: " +
                "expected one of ");
            usageError(send("ChatMessage", "name=ann"), "commandcenter: ChatMessage has no field 'name', expected one of " +
                "messageId, role, viewerKey, channel, user, text");
            usageError(send("ChatMessage", "messageId=seven"), "commandcenter: field 'messageId' of ChatMessage: " +
                "expected a whole number (int64, ");
            usageError(send("ChatMessage", "messageId=", "user=ann"), "commandcenter: field 'messageId' of ChatMessage: " +
                "expected a whole number");
            usageError(send("ChatMessage", "user"), "commandcenter: expected key=value, got 'user'");
            usageError(send("ChatMessage", "role=OWNER"), "commandcenter: field 'role' of ChatMessage: expected one of " +
                "VIEWER, MODERATOR, ADMIN, BOT, SYSTEM, got 'OWNER'");
            usageError(send("OverlayControl", "actor=me"), "commandcenter: missing field 'action' of OverlayControl: " +
                "expected action=<one of PAUSE, RESUME, SKIP, REPLAY_LAST, TEST_ALERT>");
            usageError(send("TipMemo", "txid=abc", "user=ann"), "commandcenter: field 'txid' of TipMemo: expected 64 hex " +
                "digits, got 3 characters");
            usageError(send("TimerFired", "scheduledAtEpochMs=1", "scheduledAtEpochMs=2"),
                "commandcenter: field 'scheduledAtEpochMs' of TimerFired is given twice");
            usageError(send("TipReserved", "index=2147483648"), "commandcenter: field 'index' of TipReserved: expected a " +
                "whole number (int32, ");

            // The engine takes events all along: the one good send is the only event from REST in the journal.
            final CommandRun good = send("ChatMessage", "user=ann", "text=the only one");
            assertThat(good.code()).as(good.err()).isZero();
            final long receipt = Long.parseLong(good.out().replaceAll("(?s).*\\(event (\\d+)\\).*", "$1"));
            await().atMost(WAIT).until(() -> node.engine().publisher().isJournaled(receipt));
            final List<Long> fromRest = new ArrayList<>();
            try (JournalReader reader = JournalReader.open(dataDir.resolve("journal")))
            {
                while (reader.next())
                {
                    if (dev.commandcenter.engine.Sources.REST == reader.record().source())
                    {
                        fromRest.add(reader.record().sequence());
                    }
                }
            }
            assertThat(fromRest).containsExactly(receipt);
        }
    }

    @Test
    void shouldSayInOneLineThatNoEngineRuns()
    {
        final CommandRun sent = send("ChatMessage", "user=ann", "text=hello");

        assertThat(sent.code()).isEqualTo(1);
        assertThat(sent.err().strip()).doesNotContain("\n").startsWith("commandcenter: no engine is running on data dir " +
            dataDir);
    }

    private CommandRun send(final String... typeAndFields)
    {
        final List<String> args = new ArrayList<>(List.of("send"));
        args.addAll(List.of(typeAndFields));
        args.addAll(List.of("--data-dir", dataDir.toString()));
        return CommandRun.run(args.toArray(new String[0]));
    }

    private static void usageError(final CommandRun run, final String start)
    {
        assertThat(run.code()).as(run.err()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).doesNotContain("\n").startsWith(start);
    }

    private JsonNode journaled(final long sequence)
    {
        try (JournalReader reader = JournalReader.open(dataDir.resolve("journal")))
        {
            while (reader.next())
            {
                if (reader.record().sequence() == sequence)
                {
                    return JournalTail.render(reader.record());
                }
            }
        }
        return null;
    }
}
