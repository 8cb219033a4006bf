package dev.commandcenter.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.CommandRun;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.main.CommandCenter;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedEncoder;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.plugin.host.PluginsSettings;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code commandcenter tail} against a real node: the journal's events and the engine's outputs merged as JSON lines
 * when piped, narrowed by {@code --type} and {@code --filter}, usage errors with exit code 2, and the journal alone
 * when no engine runs.
 */
@Timeout(120)
class TailCommandTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close()
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
    }

    @Test
    void shouldPrintAPostedEventAndTheOutputItCausesAsJsonLinesWhenPiped() throws Exception
    {
        final CommandCenterNode node = start(config());
        // An output emitted before tail starts: the feed keeps it for late subscribers, tail must not show it.
        final AllFeed feed = AllFeed.open(node);
        closeables.add(feed);
        assertThat(send("user=ann", "text=before tail").code()).isZero();
        await().atMost(WAIT).until(() -> feed.texts().contains("before tail"));

        final Tail tail = tail("tail", "--data-dir", dataDir.toString());
        final long receipt = receipt(send("user=ann", "text=hello tail"));

        await().atMost(WAIT).until(() -> tail.lines().size() >= 2 && null != tail.output("ChatLine"));
        final JsonNode event = tail.event("ChatMessage");
        assertThat(event.get("kind").asText()).isEqualTo("event");
        assertThat(event.get("seq").asLong()).isEqualTo(receipt);
        assertThat(event.get("timestamp").asText()).endsWith("Z");
        assertThat(event.get("source").asText()).isEqualTo("rest");
        assertThat(event.get("user").asText()).isEqualTo("ann");
        assertThat(event.get("text").asText()).isEqualTo("hello tail");
        final JsonNode output = tail.output("ChatLine");
        assertThat(output.get("plugin").asText()).isEqualTo("chat");
        assertThat(output.get("sequence").asLong()).isEqualTo(receipt);
        assertThat(output.get("seq").isIntegralNumber()).isTrue();
        assertThat(output.get("timestamp").asText()).endsWith("Z");
        assertThat(output.get("lineId").asLong()).isEqualTo(receipt);
        assertThat(output.get("text").asText()).isEqualTo("hello tail");
        assertThat(output.has("trace")).isFalse();
        assertThat(tail.out()).doesNotContain("before tail");
        assertThat(List.of(tail.out().split("\n"))).allSatisfy((line) -> assertThat(JSON.readTree(line).isObject()).isTrue());

        assertThat(tail.stop()).isZero();
    }

    @Test
    void shouldKeepOnlyTheTypesAndFieldValuesAskedForInEventsAndOutputs() throws Exception
    {
        final CommandCenterNode node = start(config());
        final Tail amounts = tail("tail", "--filter", "amountSats >= 50000", "--data-dir", dataDir.toString());
        final Tail bob = tail("tail", "--type", "ChatMessage", "--filter", "user == 'bob'", "--data-dir", dataDir.toString());

        pay(node, 1, 10_000);
        pay(node, 2, 60_000);
        assertThat(send("user=ann", "text=first").code()).isZero();
        assertThat(send("user=bob", "text=second").code()).isZero();

        // Journal order and output order are the engine's order: the small payment and ann's message came first, so
        // once the later ones are printed, the earlier ones were looked at and left out.
        await().atMost(WAIT).until(() -> null != amounts.output("OverlayAlert") && null != amounts.event("TransactionReceived"));
        await().atMost(WAIT).until(() -> null != bob.event("ChatMessage"));
        assertThat(amounts.event("TransactionReceived").get("amountSats").asLong()).isEqualTo(60_000);
        assertThat(amounts.event("TransactionReceived").get("txid").asText()).isEqualTo(txid(2));
        assertThat(amounts.output("OverlayAlert").get("amountSats").asLong()).isEqualTo(60_000);
        assertThat(amounts.output("OverlayAlert").get("plugin").asText()).isEqualTo("stream-bridge");
        assertThat(amounts.lines()).allSatisfy((line) -> assertThat(line.get("amountSats").asLong()).isGreaterThanOrEqualTo(50_000));
        assertThat(amounts.out()).doesNotContain(txid(1)).doesNotContain("ChatMessage").doesNotContain("ChatLine");

        assertThat(bob.lines()).hasSize(1);
        assertThat(bob.event("ChatMessage").get("text").asText()).isEqualTo("second");
        assertThat(bob.out()).doesNotContain("ChatLine").doesNotContain("first");

        assertThat(amounts.stop()).isZero();
        assertThat(bob.stop()).isZero();
    }

    @Test
    void shouldRefuseAnUnknownTypeOrABadFilterWithExitCode2() throws Exception
    {
        start(config());

        final CommandRun unknownType = CommandRun.run("tail", "--type", "ChatMesage", "--data-dir", dataDir.toString());
        assertThat(unknownType.code()).isEqualTo(2);
        assertThat(unknownType.err().strip()).doesNotContain("\n")
            .startsWith("commandcenter: unknown message type 'ChatMesage' for --type: expected one of ")
            .contains("ChatMessage, ").contains("OverlayAlert");

        final CommandRun badNumber = CommandRun.run("tail", "--filter", "amountSats >= lots", "--data-dir", dataDir.toString());
        assertThat(badNumber.code()).isEqualTo(2);
        assertThat(badNumber.err().strip()).doesNotContain("\n")
            .startsWith("commandcenter: --filter: expected a whole number for 'amountSats' of ").contains("got 'lots'");

        final CommandRun noField = CommandRun.run("tail", "--type", "ChatMessage", "--filter", "amount > 5",
            "--data-dir", dataDir.toString());
        assertThat(noField.code()).isEqualTo(2);
        assertThat(noField.err().strip()).doesNotContain("\n")
            .startsWith("commandcenter: --filter: ChatMessage has no field 'amount', expected one of [");

        final CommandRun badTest = CommandRun.run("tail", "--filter", "amountSats ~ 5", "--data-dir", dataDir.toString());
        assertThat(badTest.code()).isEqualTo(2);
        assertThat(badTest.err().strip()).doesNotContain("\n")
            .startsWith("commandcenter: --filter: expected '<field> <op> <value>'");

        final CommandRun both = CommandRun.run("tail", "--events-only", "--outputs-only", "--data-dir", dataDir.toString());
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("--events-only and --outputs-only exclude each other");
    }

    @Test
    void shouldFollowTheJournalAloneWhenNoEngineRunsAndFailWithoutAJournal() throws Exception
    {
        final CommandRun nothing = CommandRun.run("tail", "--data-dir", dataDir.toString());
        assertThat(nothing.code()).isEqualTo(1);
        assertThat(nothing.err().strip()).doesNotContain("\n")
            .startsWith("commandcenter: nothing to tail: no journal at " + dataDir.resolve("journal"))
            .contains("no engine is running on data dir " + dataDir);

        CommandCenterNode.start(config(), dataDir, null).close();
        final Tail tail = tail("tail", "--data-dir", dataDir.toString());
        assertThat(tail.err()).contains("commandcenter: tail: outputs unavailable, following events only: " +
            "no engine is running on data dir " + dataDir);

        // Another engine on the data dir appends to the same journal, which the tail follows.
        start(config());
        final long receipt = receipt(send("user=ann", "text=journal only"));
        await().atMost(WAIT).until(() -> null != tail.event("ChatMessage"));
        assertThat(tail.event("ChatMessage").get("seq").asLong()).isEqualTo(receipt);
        assertThat(tail.event("ChatMessage").get("text").asText()).isEqualTo("journal only");
        assertThat(tail.lines()).allSatisfy((line) -> assertThat(line.get("kind").asText()).isEqualTo("event"));
        assertThat(tail.stop()).isZero();

        final CommandRun outputsOnly = CommandRun.run("tail", "--outputs-only", "--data-dir", dataDir.resolve("none").toString());
        assertThat(outputsOnly.code()).isEqualTo(1);
        assertThat(outputsOnly.err().strip()).doesNotContain("\n").startsWith("commandcenter: no engine is running on data dir");
    }

    @Test
    void shouldDropAndCountWhatThePrinterCannotTakeRatherThanBuffer()
    {
        final TailQueue queue = new TailQueue(2);
        for (int i = 0; i < 5; i++)
        {
            queue.offer(JSON.createObjectNode().put("seq", i));
        }

        assertThat(queue.dropped()).isEqualTo(3);
    }

    @Test
    void shouldPrintATableRowCutToTheTerminalWidth()
    {
        final ObjectNode message = JSON.createObjectNode().put("kind", "event").put("seq", 12)
            .put("timestamp", "2026-12-02T10:00:01.250Z").put("source", "rest").put("type", "ChatMessage")
            .put("messageId", 0).put("role", "VIEWER").put("channel", "").put("user", "ann").put("text", "hello all");

        final String row = new TailPrinter(new java.io.PrintWriter(new java.io.StringWriter()), true, 200).row(message);
        assertThat(row).contains("event").contains("ChatMessage").contains("rest").contains(" 12 ")
            .contains("role=VIEWER user=ann text=\"hello all\"").doesNotContain("channel=").doesNotContain("messageId");
        final String cut = new TailPrinter(new java.io.PrintWriter(new java.io.StringWriter()), true, 60).row(message);
        assertThat(cut).hasSize(60).endsWith("…");
    }

    static AppConfig config()
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.telemetry.enabled = false;
        config.plugins = PluginsSettings.of(Map.of("chat", Map.of("streamerName", "jane")));
        return config;
    }

    private CommandCenterNode start(final AppConfig config)
    {
        final CommandCenterNode node = CommandCenterNode.start(config, dataDir, null);
        closeables.add(node);
        return node;
    }

    private CommandRun send(final String... fields)
    {
        final List<String> args = new ArrayList<>(List.of("send", "ChatMessage"));
        args.addAll(List.of(fields));
        args.addAll(List.of("--data-dir", dataDir.toString()));
        return CommandRun.run(args.toArray(new String[0]));
    }

    private static long receipt(final CommandRun sent)
    {
        assertThat(sent.code()).as(sent.err()).isZero();
        assertThat(sent.out()).startsWith("sent ChatMessage (event ");
        return Long.parseLong(sent.out().replaceAll("(?s).*\\(event (\\d+)\\).*", "$1"));
    }

    private Tail tail(final String... args)
    {
        final Tail tail = new Tail(args);
        closeables.add(tail);
        await().atMost(WAIT).until(() -> tail.err().contains("commandcenter: tail: following") || !tail.thread.isAlive());
        assertThat(tail.err()).as("tail did not start").contains("commandcenter: tail: following");
        return tail;
    }

    private static void pay(final CommandCenterNode node, final int n, final long sats)
    {
        final long receipt = node.engine().publisher().publish(Sources.WALLET, PAYMENT, new Object[]{ txid(n), sats });
        await().atMost(WAIT).until(() -> node.engine().publisher().isJournaled(receipt));
    }

    private static String txid(final int n)
    {
        return String.format("%064x", 0x7a11L + n);
    }

    private static final MessageWriter<Object[]> PAYMENT = (buffer, offset, payment) ->
        MessageHeaderEncoder.ENCODED_LENGTH + new TransactionReceivedEncoder()
            .wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder())
            .amountSats((Long)payment[1])
            .height(0)
            .confirmations(0)
            .putTxid(HexFormat.of().parseHex((String)payment[0]), 0, 32)
            .putScriptHash(new byte[32], 0, 32)
            .address("bcrt1qtail")
            .memo("")
            .encodedLength();

    /**
     * {@code tail} running in process on a thread of its own, its output read while it runs; stopped by an interrupt,
     * as Ctrl-C stops it.
     */
    static final class Tail implements AutoCloseable
    {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private final Thread thread;
        private volatile int code = -1;

        Tail(final String... args)
        {
            thread = new Thread(() -> code = CommandCenter.execute(args,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)),
                "tail-under-test");
            thread.setDaemon(true);
            thread.start();
        }

        String out()
        {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err()
        {
            return err.toString(StandardCharsets.UTF_8);
        }

        List<JsonNode> lines() throws Exception
        {
            final List<JsonNode> lines = new ArrayList<>();
            for (final String line : out().split("\n"))
            {
                if (!line.isBlank())
                {
                    lines.add(JSON.readTree(line));
                }
            }
            return lines;
        }

        JsonNode event(final String type) throws Exception
        {
            return find("event", type);
        }

        JsonNode output(final String type) throws Exception
        {
            return find("output", type);
        }

        private JsonNode find(final String kind, final String type) throws Exception
        {
            for (final JsonNode line : lines())
            {
                if (kind.equals(line.path("kind").asText()) && type.equals(line.path("type").asText()))
                {
                    return line;
                }
            }
            return null;
        }

        int stop() throws InterruptedException
        {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(thread.isAlive()).as("tail still running").isFalse();
            return code;
        }

        public void close()
        {
            thread.interrupt();
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A plain subscriber of the engine's feed of every output, with the admin token.
     */
    static final class AllFeed implements WebSocket.Listener, AutoCloseable
    {
        private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static AllFeed open(final CommandCenterNode node) throws Exception
        {
            final AllFeed feed = new AllFeed();
            feed.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + node.adminToken())
                .buildAsync(URI.create(node.webServer().baseUrl().replaceFirst("^http", "ws") + "/ws/all"), feed)
                .get(10, TimeUnit.SECONDS);
            return feed;
        }

        List<String> texts()
        {
            return messages.stream().map((message) -> message.path("text").asText()).toList();
        }

        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            partial.append(data);
            if (last)
            {
                try
                {
                    messages.add(JSON.readTree(partial.toString()));
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        public void close()
        {
            socket.abort();
        }
    }
}
