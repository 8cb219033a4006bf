package dev.commandcenter.app.tip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.config.ConfigLoader;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.TipMemoDecoder;
import dev.commandcenter.codecs.sbe.TipReservedDecoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.JournalReader;
import dev.commandcenter.persistence.JournalRecord;
import dev.commandcenter.transport.electrum.WalletNetwork;
import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tip book on a real node watching the project's Electrum simulator over TCP: a reservation made through
 * {@code node.tipBook()}, paid by the simulator to exactly its address, reaches the journal as TipMemo then
 * TransactionReceived and the chat feed as one paid line with the viewer's name and message; after a restart the
 * book rebuilt from the journal remembers the paid and the live reservations.
 */
@Timeout(120)
class TipWalletNodeTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private ElectrumSimulator simulator;
    private Path dataDir;

    /** One journaled event of interest. */
    private record Journaled(String type, int source, String txid, String address, String text)
    {
    }

    @BeforeEach
    void startSimulator() throws Exception
    {
        simulator = ElectrumSimulator.start(new ElectrumSimulator.Context().network(WalletNetwork.REGTEST));
        simulator.mine(101);
        dataDir = dir.resolve("data");
    }

    @AfterEach
    void stopSimulator()
    {
        simulator.close();
    }

    @Test
    void shouldCarryTheViewersNameAndMessageFromTheReservationToTheJournalAndTheChat() throws Exception
    {
        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null))
        {
            final ChatFeed chat = ChatFeed.open(node.webServer().baseUrl() + "/ws/chat?token=" + node.chatToken());
            final TipBook book = node.tipBook();
            assertThat(book.offReason()).isNull();
            final TipBook.Reservation reservation = reserveWhenSynced(book, "ann", "gg well played", 50_000);
            assertThat(reservation.index()).isZero();

            final ElectrumSimulator.Payment payment = simulator.pay(reservation.address(), 50_000, null);
            await().atMost(WAIT).until(() -> TipBook.State.SEEN == book.status(reservation.id()).state());
            assertThat(book.status(reservation.id())).isEqualTo(
                new TipBook.Status(TipBook.State.SEEN, payment.txid(), 50_000, reservation.expiresAtEpochMs()));

            final JsonNode line = chat.await("ChatLine");
            assertThat(line.get("kind").asText()).isEqualTo("PAID");
            assertThat(line.get("user").asText()).isEqualTo("ann");
            assertThat(line.get("text").asText()).isEqualTo("gg well played");
            assertThat(line.get("amountSats").asLong()).isEqualTo(50_000);

            await().atMost(WAIT).until(() -> journaled().stream().anyMatch((event) ->
                "TransactionReceived".equals(event.type()) && payment.txid().equals(event.txid())));
            final List<Journaled> events = journaled();
            assertThat(events.getFirst()).isEqualTo(
                new Journaled("TipReserved", Sources.REST, null, reservation.address(), "ann: gg well played"));
            final int memoAt = events.indexOf(
                new Journaled("TipMemo", Sources.WALLET, payment.txid(), null, "ann: gg well played"));
            assertThat(memoAt).isPositive();
            assertThat(events.get(memoAt + 1)).isEqualTo(
                new Journaled("TransactionReceived", Sources.WALLET, payment.txid(), reservation.address(), null));
            assertThat(events).filteredOn((event) -> "TipMemo".equals(event.type())).hasSize(1);

            // one paid line only: a second payment to the address takes no memo, and a chat line posted after both
            // comes through the same plugin, so once it shows every line of the payments has
            simulator.pay(reservation.address(), 1_000, null);
            await().atMost(WAIT).until(() -> journaled().stream()
                .filter((event) -> "TransactionReceived".equals(event.type())).count() == 2);
            try (HttpClient http = HttpClient.newHttpClient())
            {
                final HttpResponse<String> posted = http.send(HttpRequest.newBuilder(
                        URI.create(node.webServer().baseUrl() + "/api/chat/messages"))
                    .header("Authorization", "Bearer " + node.chatToken())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"viewer\",\"text\":\"after the tips\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
            }
            await().atMost(WAIT).until(() -> chat.ofType("ChatLine").stream()
                .anyMatch((message) -> "after the tips".equals(message.get("text").asText())));
            assertThat(chat.ofType("ChatLine")).filteredOn((message) -> "PAID".equals(message.get("kind").asText()))
                .singleElement().satisfies((paid) -> assertThat(paid.get("user").asText()).isEqualTo("ann"));
            assertThat(journaled()).filteredOn((event) -> "TipMemo".equals(event.type())).hasSize(1);
            assertThat(book.raisedSats(0)).isEqualTo(50_000);
        }
    }

    @Test
    void shouldRememberPaidAndLiveReservationsAcrossARestart() throws Exception
    {
        final TipBook.Reservation paid;
        final TipBook.Reservation live;
        final ElectrumSimulator.Payment payment;
        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null))
        {
            final TipBook book = node.tipBook();
            paid = reserveWhenSynced(book, "ann", "first", 20_000);
            live = reserveWhenSynced(book, "bob", "second", 30_000);
            assertThat(live.index()).isEqualTo(1);
            payment = simulator.pay(paid.address(), 20_000, null);
            await().atMost(WAIT).until(() -> TipBook.State.SEEN == book.status(paid.id()).state());
            await().atMost(WAIT).until(() -> journaled().stream().anyMatch((event) ->
                "TransactionReceived".equals(event.type()) && payment.txid().equals(event.txid())));
        }

        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null))
        {
            final TipBook book = node.tipBook();
            // rebuilt before the wallet even synced
            assertThat(book.status(paid.id())).isEqualTo(
                new TipBook.Status(TipBook.State.SEEN, payment.txid(), 20_000, paid.expiresAtEpochMs()));
            assertThat(book.status(live.id())).isEqualTo(
                new TipBook.Status(TipBook.State.WAITING, null, 0, live.expiresAtEpochMs()));
            assertThat(book.openReservations()).isEqualTo(1);
            assertThat(book.raisedSats(0)).isEqualTo(20_000);

            // the live reservation's index is not given to a second viewer
            final TipBook.Reservation next = reserveWhenSynced(book, "cat", "third", 10_000);
            assertThat(next.index()).isEqualTo(2);

            // and its payment still takes its memo
            final ElectrumSimulator.Payment late = simulator.pay(live.address(), 30_000, null);
            await().atMost(WAIT).until(() -> TipBook.State.SEEN == book.status(live.id()).state());
            await().atMost(WAIT).until(() -> journaled().contains(
                new Journaled("TipMemo", Sources.WALLET, late.txid(), null, "bob: second")));
        }
    }

    private AppConfig config() throws Exception
    {
        final Path file = dir.resolve("tips.yaml");
        Files.writeString(file, """
            wallet:
              network: regtest
              electrum:
                servers: ["%s"]
                backoff: { minMs: 50, maxMs: 500 }
              watch:
                xpubs: ["%s"]
            websocket: { port: 0 }
            telemetry: { enabled: false }
            plugins:
              chat: { streamerName: jane }
            """.formatted(simulator.url(), TipBookTest.TPUB));
        return ConfigLoader.load(file);
    }

    private static TipBook.Reservation reserveWhenSynced(
        final TipBook book, final String name, final String message, final long amountSats)
    {
        final AtomicReference<TipBook.Outcome> outcome = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() ->
        {
            outcome.set(book.reserve(name, message, amountSats));
            return 201 == outcome.get().httpStatus() || !outcome.get().reason().startsWith("the wallet is still syncing");
        });
        assertThat(outcome.get().httpStatus()).as(outcome.get().reason()).isEqualTo(201);
        return outcome.get().reservation();
    }

    private List<Journaled> journaled()
    {
        final List<Journaled> events = new ArrayList<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final byte[] hash = new byte[32];
        try (JournalReader reader = JournalReader.open(dataDir.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME))
            .types(List.of("TipReserved", "TipMemo", "TransactionReceived")))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                header.wrap(record.buffer(), record.offset());
                final int body = record.offset() + MessageHeaderDecoder.ENCODED_LENGTH;
                switch (record.templateId())
                {
                    case TipReservedDecoder.TEMPLATE_ID ->
                    {
                        final TipReservedDecoder d = new TipReservedDecoder()
                            .wrap(record.buffer(), body, header.blockLength(), header.version());
                        d.reservationId();
                        final String address = d.address();
                        final String name = d.name();
                        events.add(new Journaled("TipReserved", record.source(), null, address, name + ": " + d.message()));
                    }
                    case TipMemoDecoder.TEMPLATE_ID ->
                    {
                        final TipMemoDecoder d = new TipMemoDecoder()
                            .wrap(record.buffer(), body, header.blockLength(), header.version());
                        d.getTxid(hash, 0, 32);
                        d.channel();
                        final String user = d.user();
                        events.add(new Journaled("TipMemo", record.source(), HexFormat.of().formatHex(hash), null,
                            user + ": " + d.text()));
                    }
                    default ->
                    {
                        final TransactionReceivedDecoder d = new TransactionReceivedDecoder()
                            .wrap(record.buffer(), body, header.blockLength(), header.version());
                        d.getTxid(hash, 0, 32);
                        events.add(new Journaled("TransactionReceived", record.source(), HexFormat.of().formatHex(hash),
                            d.address(), null));
                    }
                }
            }
        }
        return events;
    }

    /**
     * The chat feed: the JSON messages received.
     */
    static final class ChatFeed implements WebSocket.Listener
    {
        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();

        static ChatFeed open(final String url) throws Exception
        {
            final ChatFeed feed = new ChatFeed();
            HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(url.replaceFirst("^http", "ws")), feed).get();
            return feed;
        }

        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            partial.append(data);
            if (last)
            {
                try
                {
                    messages.add(MAPPER.readTree(partial.toString()));
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

        JsonNode await(final String type)
        {
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !ofType(type).isEmpty());
            return ofType(type).getFirst();
        }

        List<JsonNode> ofType(final String type)
        {
            final List<JsonNode> found = new ArrayList<>();
            for (final JsonNode message : messages)
            {
                if (type.equals(message.path("type").asText()))
                {
                    found.add(message);
                }
            }
            return found;
        }
    }
}
