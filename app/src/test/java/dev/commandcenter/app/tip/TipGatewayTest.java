package dev.commandcenter.app.tip;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.plugin.chat.ChatFilterSet;
import dev.commandcenter.transport.electrum.WatchedScript;
import dev.commandcenter.transport.websocket.HttpApi;
import dev.commandcenter.transport.websocket.Scope;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.nayuki.qrcodegen.QrCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tip gateway's routes called as the web server calls them, against a recording book: the answers' shapes, the
 * one-line refusals naming the field, the text made safe before it reaches the book, the per-address rate limits
 * under a flood (time stands still: the clock is the test's), BIP21 and the QR code.
 */
class TipGatewayTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";

    private final RecordingBook book = new RecordingBook();
    private final AppConfig.Tips tips = new AppConfig.Tips();
    private final AtomicReference<ChatFilterSet> filters = new AtomicReference<>(ChatFilterSet.defaults());
    private long nowNs = 1_000_000_000L;
    private TipGateway gateway;

    record Answer(int status, Map<String, Object> body, Map<String, String> headers)
    {
        String error()
        {
            return String.valueOf(body.get("error"));
        }
    }

    private TipGateway gateway()
    {
        if (null == gateway)
        {
            final CountersManager countersManager = new CountersManager(
                new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)), new UnsafeBuffer(ByteBuffer.allocateDirect(16 * 1024)));
            final CounterAllocator counters = (type, suffix) -> countersManager.newCounter(type.name() + suffix, type.id());
            gateway = new TipGateway(book, tips, "regtest", filters::get, counters, () -> nowNs,
                () -> 1_780_000_000_000L + 3_600_000L);
        }
        return gateway;
    }

    private Answer call(final String method, final String path, final String body, final String clientAddress,
        final String contentType)
    {
        final HttpHeaders headers = new DefaultHttpHeaders();
        if (null != contentType)
        {
            headers.set("Content-Type", contentType);
        }
        final HttpApi.Request request = new HttpApi.Request(method, path, Map.of(),
            null == body ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), null, Scope.TIP, headers, "c1", clientAddress);
        final AtomicReference<Answer> answer = new AtomicReference<>();
        gateway().handle(request, new HttpApi.Responder()
        {
            @SuppressWarnings("unchecked")
            public void respond(final int status, final Object body)
            {
                respond(status, body, Map.of());
            }

            @SuppressWarnings("unchecked")
            public void respond(final int status, final Object body, final Map<String, String> headers)
            {
                assertThat(answer.get()).as("answered once").isNull();
                try
                {
                    // As a client reads it: numbers that fit an int are ints.
                    answer.set(new Answer(status, MAPPER.readValue(MAPPER.writeValueAsString(body), Map.class), headers));
                }
                catch (final java.io.IOException ex)
                {
                    throw new java.io.UncheckedIOException(ex);
                }
            }
        });
        assertThat(answer.get()).as("answered").isNotNull();
        return answer.get();
    }

    private Answer reserve(final String body)
    {
        return call("POST", TipGateway.RESERVATIONS_PATH, body, "198.51.100.7", "application/json");
    }

    @Test
    void shouldAnswerInfoWithTheSettingsAndTodaysGoal()
    {
        tips.creator = "Jane";
        tips.goal.title = "New microphone";
        tips.goal.sats = 500_000;
        book.raised = 12_345;

        final Answer info = call("GET", TipGateway.INFO_PATH, null, "198.51.100.7", null);

        assertThat(info.status()).isEqualTo(200);
        assertThat(info.body()).containsEntry("enabled", true).containsEntry("creator", "Jane")
            .containsEntry("network", "regtest").containsEntry("minSats", 1000).containsEntry("maxSats", 100_000_000)
            .containsEntry("expiryMs", 1_800_000).containsEntry("maxNameGraphemes", 32)
            .containsEntry("maxMessageGraphemes", 200);
        assertThat(info.body().get("goal")).isEqualTo(Map.of("title", "New microphone", "sats", 500_000,
            "raisedSats", 12_345));
        // The goal counts from the start of the day in UTC.
        assertThat(book.raisedSince).isEqualTo(1_780_000_000_000L / 86_400_000L * 86_400_000L);
    }

    @Test
    void shouldSayWhyThePageIsOffAndRefuseReservationsThen()
    {
        book.offReason = "the tip page is off: no extended key is watched (set wallet.watch.xpubs)";

        final Answer info = call("GET", TipGateway.INFO_PATH, null, "198.51.100.7", null);
        assertThat(info.body()).isEqualTo(Map.of("enabled", false, "reason", book.offReason));

        final Answer refused = reserve("{\"name\":\"ann\",\"amountSats\":5000}");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.error()).isEqualTo(book.offReason);
        assertThat(refused.headers()).containsKey("Retry-After");
        assertThat(book.reserved).isEmpty();
    }

    @Test
    void shouldReserveAndAnswerWithTheAddressItsBip21UriAndItsQrCode()
    {
        tips.creator = "Jane Doe";

        final Answer created = reserve("{\"name\":\"ann\",\"message\":\"gg & thanks!\",\"amountSats\":50000}");

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().remove("qrSvg")).isEqualTo(QrSvg.of("bitcoin:" + ADDRESS +
            "?amount=0.0005&label=Jane%20Doe&message=gg%20%26%20thanks%21"));
        final String uri = "bitcoin:" + ADDRESS + "?amount=0.0005&label=Jane%20Doe&message=gg%20%26%20thanks%21";
        assertThat(created.body()).containsEntry("id", book.id(0)).containsEntry("address", ADDRESS)
            .containsEntry("amountSats", 50_000).containsEntry("expiresAtEpochMs", 1_780_001_800_000L)
            .containsEntry("uri", uri);

        assertThat(book.reserved).containsExactly(new Reserved("ann", "gg & thanks!", 50_000));
    }

    @Test
    void shouldNeutraliseLimitAndMaskTheTextBeforeTheBookSeesIt()
    {
        filters.set(ChatFilterSet.fromMap(Map.of("words", List.of("heck"))));

        final Answer created = reserve(
            "{\"name\":\"\\u202Eann\\u200B \",\"message\":\"what the heck  \\u2066is\\u2069 this\",\"amountSats\":1000}");

        assertThat(created.status()).isEqualTo(201);
        assertThat(book.reserved).containsExactly(new Reserved("ann", "what the **** is this", 1000));
        assertThat(created.body().get("uri")).isEqualTo("bitcoin:" + ADDRESS + "?amount=0.00001&message=what%20the%20%2A%2A%2A%2A%20is%20this");

        // A family emoji is one character: 32 of them are a name of 32.
        final String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67";
        assertThat(reserve("{\"name\":\"" + family.repeat(32) + "\",\"amountSats\":1000}").status()).isEqualTo(201);
        assertThat(reserve("{\"name\":\"" + family.repeat(33) + "\",\"amountSats\":1000}").error())
            .isEqualTo("name: expected 1 to 32 characters (not counting spaces and invisible characters at the ends), got 33");
    }

    @Test
    void shouldRefuseBadInputWithOneLineNamingTheFieldAndWhatWasExpected()
    {
        assertThat(reserve("{\"name\":\"ann\",\"amountSats\":5000,\"memo\":\"x\",\"to\":\"y\"}").error())
            .isEqualTo("unknown keys 'memo', 'to': expected name, message, amountSats");
        assertThat(reserve("{\"amountSats\":5000}").error()).isEqualTo("name: expected a string, got none");
        assertThat(reserve("{\"name\":\"\\u200B \",\"amountSats\":5000}").error())
            .isEqualTo("name: expected 1 to 32 characters (not counting spaces and invisible characters at the ends), got 0");
        assertThat(reserve("{\"name\":7,\"amountSats\":5000}").error()).isEqualTo("name: expected a string, got number");
        assertThat(reserve("{\"name\":\"ann\",\"message\":\"" + "x".repeat(201) + "\",\"amountSats\":5000}").error())
            .isEqualTo("message: expected 0 to 200 characters, got 201");
        assertThat(reserve("{\"name\":\"ann\"}").error())
            .isEqualTo("amountSats: expected a whole number of sats from 1000 to 100000000, got none");
        assertThat(reserve("{\"name\":\"ann\",\"amountSats\":999}").error())
            .isEqualTo("amountSats: expected a whole number of sats from 1000 to 100000000, got 999");
        assertThat(reserve("{\"name\":\"ann\",\"amountSats\":100000001}").error())
            .isEqualTo("amountSats: expected a whole number of sats from 1000 to 100000000, got 100000001");
        assertThat(reserve("{\"name\":\"ann\",\"amountSats\":1500.5}").error())
            .isEqualTo("amountSats: expected a whole number of sats from 1000 to 100000000, got 1500.5");
        assertThat(reserve("{\"name\":\"ann\",\"amountSats\":\"5000\"}").error())
            .isEqualTo("amountSats: expected a whole number of sats from 1000 to 100000000, got \"5000\"");
        assertThat(reserve("[1,2]").error()).startsWith("body: expected a JSON object such as").endsWith("got array");
        assertThat(reserve("{\"name\":").error()).startsWith("body: expected a JSON object such as").contains("got invalid JSON at line 1");
        assertThat(reserve("{\"name\":\"a\",\"name\":\"b\",\"amountSats\":5000}").error())
            .startsWith("body: expected a JSON object such as").contains("got invalid JSON");
        assertThat(call("POST", TipGateway.RESERVATIONS_PATH, "name=ann&amountSats=5000", "198.51.100.7",
            "application/x-www-form-urlencoded").error())
            .isEqualTo("body: expected Content-Type application/json, got 'application/x-www-form-urlencoded'");
        assertThat(call("GET", TipGateway.RESERVATIONS_PATH + "/not-an-id", null, "198.51.100.7", null).error())
            .isEqualTo("id: expected 32 lower-case hex digits, got 'not-an-id'");
        assertThat(call("GET", TipGateway.RESERVATIONS_PATH + "/" + "A".repeat(32), null, "198.51.100.7", null).status())
            .isEqualTo(400);
        assertThat(call("DELETE", TipGateway.RESERVATIONS_PATH, null, "198.51.100.7", null).status()).isEqualTo(405);
        assertThat(call("GET", TipGateway.PREFIX + "/admin", null, "198.51.100.7", null).status()).isEqualTo(404);
        assertThat(book.reserved).isEmpty();
    }

    @Test
    void shouldAnswerTheStatusOfAReservationAndPassOnTheBooksRefusals()
    {
        reserve("{\"name\":\"ann\",\"amountSats\":5000}");
        book.status = new TipBook.Status(TipBook.State.SEEN, "ab".repeat(32), 5000, 1_780_001_800_000L);

        final Answer seen = call("GET", TipGateway.RESERVATIONS_PATH + "/" + book.id(0), null, "198.51.100.7", null);
        assertThat(seen.status()).isEqualTo(200);
        assertThat(seen.body()).isEqualTo(Map.of("state", "SEEN", "txid", "ab".repeat(32), "paidSats", 5000,
            "expiresAtEpochMs", 1_780_001_800_000L));
        assertThat(book.asked).isEqualTo(book.id(0));

        book.status = null;
        assertThat(call("GET", TipGateway.RESERVATIONS_PATH + "/" + "0".repeat(32), null, "198.51.100.7", null).status())
            .isEqualTo(404);

        book.refusal = new TipBook.Outcome(null, 503, "every address the wallet scans is reserved: the next frees in 25 s",
            24_100);
        final Answer full = reserve("{\"name\":\"bob\",\"amountSats\":5000}");
        assertThat(full.status()).isEqualTo(503);
        assertThat(full.error()).isEqualTo(book.refusal.reason());
        assertThat(full.headers()).containsEntry("Retry-After", "25");
    }

    @Test
    void shouldRateLimitAFloodOfReservationsFromOneAddressWhileOthersStillReserve()
    {
        tips.reservationsPerMinutePerAddress = 4;
        tips.reservationBurstPerAddress = 4;
        int created = 0;
        int limited = 0;
        Answer last = null;
        for (int i = 0; i < 1_000; i++)
        {
            final Answer answer = reserve("{\"name\":\"flood\",\"amountSats\":1000}");
            if (201 == answer.status())
            {
                created++;
            }
            else
            {
                assertThat(answer.status()).isEqualTo(429);
                limited++;
                last = answer;
            }
        }

        assertThat(created).isEqualTo(4);
        assertThat(limited).isEqualTo(996);
        assertThat(book.reserved).hasSize(4);
        assertThat(last.headers()).containsEntry("Retry-After", "15");
        assertThat(last.error()).startsWith("too many tip requests from this address: at most 4.0 a minute");

        // Another address has its own bucket; and the first one refills with time.
        assertThat(call("POST", TipGateway.RESERVATIONS_PATH, "{\"name\":\"other\",\"amountSats\":1000}", "203.0.113.9",
            "application/json").status()).isEqualTo(201);
        nowNs += 15_000_000_000L;
        assertThat(reserve("{\"name\":\"flood\",\"amountSats\":1000}").status()).isEqualTo(201);
        assertThat(book.reserved).hasSize(6);
    }

    @Test
    void shouldRateLimitPollsAndForgetTheLeastRecentAddressesPastTheBound()
    {
        tips.pollsPerSecondPerAddress = 2;
        tips.pollBurstPerAddress = 3;
        tips.maxTrackedAddresses = 100;
        for (int i = 0; i < 3; i++)
        {
            assertThat(call("GET", TipGateway.INFO_PATH, null, "198.51.100.7", null).status()).isEqualTo(200);
        }
        final Answer limited = call("GET", TipGateway.RESERVATIONS_PATH + "/" + "0".repeat(32), null, "198.51.100.7", null);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers()).containsEntry("Retry-After", "1");

        for (int i = 0; i < 1_000; i++)
        {
            call("GET", TipGateway.INFO_PATH, null, "10.0." + (i / 250) + "." + (i % 250), null);
        }
        assertThat(gateway().trackedAddresses()).isEqualTo(100);
    }

    @Test
    void shouldWriteAmountsInBitcoinWithoutTrailingZerosAndEncodeAsRfc3986Asks()
    {
        assertThat(Bip21.btc(50_000)).isEqualTo("0.0005");
        assertThat(Bip21.btc(100_000_000)).isEqualTo("1");
        assertThat(Bip21.btc(1)).isEqualTo("0.00000001");
        assertThat(Bip21.btc(123_456_789)).isEqualTo("1.23456789");
        assertThat(Bip21.btc(2_100_000_000_000_000L)).isEqualTo("21000000");
        assertThat(Bip21.uri("bc1qx", 1000, "", "")).isEqualTo("bitcoin:bc1qx?amount=0.00001");
        assertThat(Bip21.uri("bc1qx", 1000, "Zoë", "a+b/c?d=e é 😀~._-"))
            .isEqualTo("bitcoin:bc1qx?amount=0.00001&label=Zo%C3%AB&message=a%2Bb%2Fc%3Fd%3De%20%C3%A9%20%F0%9F%98%80~._-");
    }

    @Test
    void shouldDrawEveryDarkModuleOfTheQrCodeInsideAQuietZone()
    {
        final String uri = "bitcoin:" + ADDRESS + "?amount=0.0005&message=gg";
        final QrCode qr = QrCode.encodeText(uri, QrCode.Ecc.MEDIUM);
        final String svg = QrSvg.of(uri);

        final int size = qr.size + 2 * QrSvg.QUIET_ZONE;
        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")
            .contains("viewBox=\"0 0 " + size + " " + size + "\"").endsWith("</svg>");
        final boolean[][] drawn = new boolean[size][size];
        final Matcher module = Pattern.compile("M(\\d+),(\\d+)h1v1h-1z").matcher(svg);
        int count = 0;
        while (module.find())
        {
            drawn[Integer.parseInt(module.group(2))][Integer.parseInt(module.group(1))] = true;
            count++;
        }
        int dark = 0;
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                final int qx = x - QrSvg.QUIET_ZONE;
                final int qy = y - QrSvg.QUIET_ZONE;
                final boolean expected = qx >= 0 && qy >= 0 && qx < qr.size && qy < qr.size && qr.getModule(qx, qy);
                assertThat(drawn[y][x]).as("module %d,%d", x, y).isEqualTo(expected);
                dark += expected ? 1 : 0;
            }
        }
        assertThat(count).isEqualTo(dark).isPositive();
    }

    record Reserved(String name, String message, long amountSats)
    {
    }

    /**
     * A book that records what it is asked and answers as the test sets.
     */
    static final class RecordingBook implements TipBook
    {
        final List<Reserved> reserved = new ArrayList<>();
        final List<Consumer<Reservation>> listeners = new ArrayList<>();
        String offReason;
        Outcome refusal;
        Status status;
        String asked;
        long raised;
        long raisedSince = -1;

        String id(final int n)
        {
            return HexFormat.of().formatHex(new byte[12]) + String.format("%08x", n);
        }

        public String offReason()
        {
            return offReason;
        }

        public synchronized Outcome reserve(final String name, final String message, final long amountSats)
        {
            if (null != refusal)
            {
                return refusal;
            }
            final Reservation reservation = new Reservation(id(reserved.size()), reserved.size(), ADDRESS, amountSats,
                1_780_001_800_000L, name, message);
            reserved.add(new Reserved(name, message, amountSats));
            listeners.forEach((listener) -> listener.accept(reservation));
            return new Outcome(reservation, 201, null, 0);
        }

        public Status status(final String reservationId)
        {
            asked = reservationId;
            return status;
        }

        public int openReservations()
        {
            return reserved.size();
        }

        public long raisedSats(final long sinceEpochMs)
        {
            raisedSince = sinceEpochMs;
            return raised;
        }

        public void onReserved(final Consumer<Reservation> listener)
        {
            listeners.add(listener);
        }

        public int capacity()
        {
            return 20;
        }

        public Memo memoFor(
            final WatchedScript script, final String txid, final long amountSats, final long nowEpochMs)
        {
            return null;
        }
    }
}
