package dev.commandcenter.nativews;

import dev.commandcenter.transport.websocket.wire.WireTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(90)
class NativeWebSocketTest
{
    private final RecordingListener listener = new RecordingListener();
    private NativeWireTransport transport;
    private InetSocketAddress address;

    /** What the JDK client received. */
    static final class ClientEvents implements WebSocket.Listener
    {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final List<byte[]> binaries = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            text.append(data);
            if (last)
            {
                texts.add(text.toString());
                text = new StringBuilder();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(final WebSocket webSocket, final ByteBuffer data, final boolean last)
        {
            final byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binaries.add(bytes);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
        {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(final WebSocket webSocket, final Throwable error)
        {
            closed.complete("error " + error);
        }
    }

    private void start(final dev.commandcenter.transport.websocket.wire.WireSettings settings) throws Exception
    {
        transport = new NativeWireTransport(NativeTestSupport.library());
        address = transport.start(settings, listener);
    }

    private void echo()
    {
        listener.reaction = event ->
        {
            if (event.kind().equals("message"))
            {
                final byte[] payload = event.payload();
                transport.send(event.connection(), event.flag(), new UnsafeBuffer(payload), 0, payload.length);
            }
        };
    }

    private WebSocket connect(final ClientEvents events, final String... subprotocols) throws Exception
    {
        final WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (subprotocols.length > 0)
        {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        return builder.buildAsync(URI.create("ws://127.0.0.1:" + address.getPort() + "/ws/all?token=t1"), events)
            .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void tearDown()
    {
        if (null != transport)
        {
            transport.close();
        }
    }

    @Test
    void shouldOpenWithEachSubprotocolAndWithNone() throws Exception
    {
        start(NativeTestSupport.settings());
        for (final String subprotocol : new String[] {"cc.json.v1", "cc.sbe.v1", null})
        {
            listener.events.clear();
            final ClientEvents events = new ClientEvents();
            final WebSocket ws = null == subprotocol ? connect(events) : connect(events, subprotocol, "other");
            final RecordingListener.Event open = listener.await("open");
            assertThat(open.text()).isEqualTo(subprotocol);
            assertThat(ws.getSubprotocol()).isEqualTo(null == subprotocol ? "" : subprotocol);
            assertThat(open.request().uri()).isEqualTo("/ws/all?token=t1");
            assertThat(open.request().method()).isEqualTo("GET");
            assertThat(open.request().header("sec-websocket-key")).isNotBlank();
            assertThat(open.request().remoteAddress().getAddress().isLoopbackAddress()).isTrue();
            ws.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
            final RecordingListener.Event closed = listener.await("closed");
            assertThat(closed.code()).isEqualTo(1000);
            assertThat(closed.text()).isEqualTo("done");
        }
    }

    @Test
    void shouldRefuseAnUpgradeOfferingOnlyUnknownSubprotocolsWithA400() throws Exception
    {
        start(NativeTestSupport.settings());
        assertThatThrownBy(() -> connect(new ClientEvents(), "mqtt")).isInstanceOf(ExecutionException.class);
        try (RawClient client = new RawClient(address))
        {
            final String head = client.upgrade("/ws/all", "mqtt, chat");
            assertThat(head).startsWith("HTTP/1.1 400 ");
            assertThat(client.readBody(head)).isEqualTo(
                "{\"error\":\"unsupported subprotocol mqtt, chat: expected cc.json.v1 or cc.sbe.v1\"}");
        }
        assertThat(listener.of("open")).isEmpty();
    }

    @Test
    void shouldRefuseAnUpgradeOutsideWs() throws Exception
    {
        start(NativeTestSupport.settings());
        try (RawClient client = new RawClient(address))
        {
            final String head = client.upgrade("/api/x", null);
            assertThat(head).matches("(?s)HTTP/1\\.[01] 404 .*");
        }
        assertThat(listener.of("open")).isEmpty();
    }

    @Test
    void shouldCarryTextAndBinaryBothWaysAndJoinFragments() throws Exception
    {
        start(NativeTestSupport.settings());
        echo();
        final ClientEvents events = new ClientEvents();
        final WebSocket ws = connect(events, "cc.json.v1");
        ws.sendText("héllo", true).get(5, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3, 0, -1}), true).get(5, TimeUnit.SECONDS);
        ws.sendText("part one, ", false).get(5, TimeUnit.SECONDS);
        ws.sendText("part two", true).get(5, TimeUnit.SECONDS);
        final byte[] big = new byte[60_000];
        for (int i = 0; i < big.length; i++)
        {
            big[i] = (byte)i;
        }
        ws.sendBinary(ByteBuffer.wrap(big, 0, 30_000), false).get(5, TimeUnit.SECONDS);
        ws.sendBinary(ByteBuffer.wrap(big, 30_000, 30_000), true).get(5, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10)).until(() -> events.texts.size() == 2 && events.binaries.size() >= 2);
        assertThat(events.texts).containsExactly("héllo", "part one, part two");
        final List<RecordingListener.Event> messages = listener.of("message");
        assertThat(messages).hasSize(4);
        assertThat(messages.get(0).flag()).isFalse();
        assertThat(new String(messages.get(0).payload(), StandardCharsets.UTF_8)).isEqualTo("héllo");
        assertThat(messages.get(1).flag()).isTrue();
        assertThat(messages.get(1).payload()).containsExactly(1, 2, 3, 0, -1);
        assertThat(new String(messages.get(2).payload(), StandardCharsets.UTF_8)).isEqualTo("part one, part two");
        assertThat(messages.get(3).payload()).isEqualTo(big);
        final ByteBuffer joined = ByteBuffer.allocate(big.length + 5);
        events.binaries.forEach(joined::put);
        assertThat(joined.array()).startsWith(1, 2, 3, 0, -1);
    }

    @Test
    void shouldCloseWith1009WhenAMessageIsTooBig() throws Exception
    {
        start(NativeTestSupport.settings());
        final ClientEvents events = new ClientEvents();
        final WebSocket ws = connect(events);
        ws.sendBinary(ByteBuffer.allocate(70_000), true);
        assertThat(events.closed.get(10, TimeUnit.SECONDS)).startsWith("1009");
        assertThat(listener.await("closed").code()).isEqualTo(1009);
        assertThat(listener.of("message")).isEmpty();
    }

    @Test
    void shouldCloseWith1007OnInvalidUtf8() throws Exception
    {
        start(NativeTestSupport.settings());
        try (RawClient client = new RawClient(address))
        {
            assertThat(client.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
            client.frame(0x1, true, new byte[] {'o', 'k', (byte)0xC3, (byte)0x28});
            final byte[] frame = client.readFrame();
            assertThat(frame[0]).isEqualTo((byte)0x8);
            assertThat(((frame[1] & 0xff) << 8) | (frame[2] & 0xff)).isEqualTo(1007);
        }
        listener.await("closed");
        assertThat(listener.of("message")).isEmpty();
    }

    @Test
    void shouldStopReadingWhenAskedAndDeliverWhatWaitedOnceReadingResumes() throws Exception
    {
        start(NativeTestSupport.settings());
        try (RawClient paused = new RawClient(address); RawClient other = new RawClient(address))
        {
            assertThat(paused.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
            final long pausedId = listener.await("open").connection();
            assertThat(other.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
            final long otherId = listener.await("open", event -> event.connection() != pausedId).connection();

            transport.read(pausedId, false);
            // a ping round trip proves the service thread took the READ command before the client sends
            assertThat(transport.ping(pausedId)).isEqualTo(WireTransport.SENT);
            final byte[] ping = paused.readFrame();
            assertThat(ping[0]).isEqualTo((byte)0x9);

            paused.frame(0x1, true, "held".getBytes(StandardCharsets.UTF_8));
            other.frame(0x1, true, "first".getBytes(StandardCharsets.UTF_8));
            listener.await("message", event -> event.connection() == otherId);
            other.frame(0x1, true, "second".getBytes(StandardCharsets.UTF_8));
            listener.await("message", event -> event.connection() == otherId &&
                new String(event.payload(), StandardCharsets.UTF_8).equals("second"));
            assertThat(listener.of("message")).noneMatch(event -> event.connection() == pausedId);

            transport.read(pausedId, true);
            final RecordingListener.Event held = listener.await("message", event -> event.connection() == pausedId);
            assertThat(new String(held.payload(), StandardCharsets.UTF_8)).isEqualTo("held");
        }
    }

    @Test
    void shouldPingAndHearThePong() throws Exception
    {
        start(NativeTestSupport.settings());
        try (RawClient client = new RawClient(address))
        {
            assertThat(client.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
            final long connection = listener.await("open").connection();
            assertThat(transport.ping(connection)).isEqualTo(WireTransport.SENT);
            final byte[] ping = client.readFrame();
            assertThat(ping[0]).as("opcode").isEqualTo((byte)0x9);
            client.frame(0xA, true, java.util.Arrays.copyOfRange(ping, 1, ping.length));
            assertThat(listener.await("pong").connection()).isEqualTo(connection);
        }
    }

    @Test
    void shouldKeepFramesWholeWhenPingsAndPongsMeetLargeMessages() throws Exception
    {
        start(NativeTestSupport.settings(0, 8 << 20, 4 << 20, 2 << 20, 10_000));
        try (RawClient client = new RawClient(address, 8192))
        {
            assertThat(client.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
            final long connection = listener.await("open").connection();
            final byte[] big = new byte[200_000];
            for (int i = 0; i < big.length; i++)
            {
                big[i] = (byte)(i * 7);
            }
            final byte[] small = "tiny".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 5; i++)
            {
                assertThat(transport.send(connection, true, new UnsafeBuffer(big), 0, big.length))
                    .isEqualTo(WireTransport.SENT);
                assertThat(transport.ping(connection)).isEqualTo(WireTransport.SENT);
                assertThat(transport.send(connection, false, new UnsafeBuffer(small), 0, small.length))
                    .isEqualTo(WireTransport.SENT);
            }
            client.frame(0x9, true, "are you there".getBytes(StandardCharsets.UTF_8));

            int binaries = 0;
            int texts = 0;
            int pings = 0;
            int pongs = 0;
            while (binaries < 5 || texts < 5 || pings < 5 || pongs < 1)
            {
                final byte[] frame = client.readFrame();
                assertThat(frame).isNotNull();
                switch (frame[0])
                {
                    case 0x2 ->
                    {
                        assertThat(java.util.Arrays.copyOfRange(frame, 1, frame.length)).isEqualTo(big);
                        binaries++;
                    }
                    case 0x1 ->
                    {
                        assertThat(new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8)).isEqualTo("tiny");
                        texts++;
                    }
                    case 0x9 -> pings++;
                    case 0xA ->
                    {
                        assertThat(new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8))
                            .isEqualTo("are you there");
                        pongs++;
                    }
                    default -> throw new AssertionError("unexpected opcode " + frame[0]);
                }
            }
        }
    }

    @Test
    void shouldQueueEncodedFramesAsTheyAreInOrderWithMessagesAndPings() throws Exception
    {
        start(NativeTestSupport.settings(0, 8 << 20, 4 << 20, 2 << 20, 10_000));
        final EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        try (RawClient client = new RawClient(address, 8192))
        {
            assertThat(client.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
            final long connection = listener.await("open").connection();
            final byte[] big = new byte[70_000];
            for (int i = 0; i < big.length; i++)
            {
                big[i] = (byte)(i * 3);
            }
            final byte[] frames = encode(encoder,
                new TextWebSocketFrame("first"),
                new BinaryWebSocketFrame(Unpooled.wrappedBuffer(big)),
                new TextWebSocketFrame("x".repeat(300)));
            final byte[] truncated = java.util.Arrays.copyOf(encode(encoder, new TextWebSocketFrame("cut")), 4);
            final byte[] last = encode(encoder, new TextWebSocketFrame("last"));

            assertThat(transport.sendFrames(connection, new UnsafeBuffer(frames), 0, frames.length))
                .isEqualTo(WireTransport.SENT);
            assertThat(transport.ping(connection)).isEqualTo(WireTransport.SENT);
            final byte[] middle = "middle".getBytes(StandardCharsets.UTF_8);
            assertThat(transport.send(connection, false, new UnsafeBuffer(middle), 0, middle.length))
                .isEqualTo(WireTransport.SENT);
            assertThat(transport.sendFrames(connection, new UnsafeBuffer(truncated), 0, truncated.length))
                .isEqualTo(WireTransport.SENT);
            assertThat(transport.sendFrames(connection, new UnsafeBuffer(last), 0, last.length))
                .isEqualTo(WireTransport.SENT);

            assertThat(new String(client.readFrame(), StandardCharsets.UTF_8)).isEqualTo("\u0001first");
            final byte[] binary = client.readFrame();
            assertThat(binary[0]).isEqualTo((byte)0x2);
            assertThat(java.util.Arrays.copyOfRange(binary, 1, binary.length)).isEqualTo(big);
            assertThat(new String(client.readFrame(), StandardCharsets.UTF_8)).isEqualTo("\u0001" + "x".repeat(300));
            assertThat(client.readFrame()[0]).as("the ping, framed by lws").isEqualTo((byte)0x9);
            assertThat(new String(client.readFrame(), StandardCharsets.UTF_8)).isEqualTo("\u0001middle");
            assertThat(new String(client.readFrame(), StandardCharsets.UTF_8))
                .as("bytes that are not whole frames are dropped").isEqualTo("\u0001last");
        }
        finally
        {
            encoder.finishAndReleaseAll();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.malformedCommands() == 1);
    }

    @Test
    void shouldBroadcastFramesToEveryConnectionGivenInOrderAndSayWhichAreGone() throws Exception
    {
        start(NativeTestSupport.settings());
        final EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        try (RawClient first = new RawClient(address);
            RawClient second = new RawClient(address);
            RawClient third = new RawClient(address))
        {
            for (final RawClient client : List.of(first, second, third))
            {
                assertThat(client.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> listener.of("open").size() == 3);
            final long[] ids = new long[4];
            for (int i = 0; i < 3; i++)
            {
                ids[i] = listener.of("open").get(i).connection();
            }
            ids[3] = ids[2] + (1L << 32); // the third's slot, another generation: not open
            final byte[] big = new byte[70_000];
            java.util.Arrays.fill(big, (byte)7);
            final byte[] frames = encode(encoder,
                new TextWebSocketFrame("one"), new BinaryWebSocketFrame(Unpooled.wrappedBuffer(big)));
            final int[] results = new int[4];

            assertThat(transport.broadcastFrames(ids, 4, new UnsafeBuffer(frames), 0, frames.length, results))
                .isEqualTo(3);
            assertThat(results).containsExactly(
                WireTransport.SENT, WireTransport.SENT, WireTransport.SENT, WireTransport.GONE);
            final byte[] two = encode(encoder, new TextWebSocketFrame("two"));
            assertThat(transport.broadcastFrames(ids, 2, new UnsafeBuffer(two), 0, two.length, results)).isEqualTo(2);
            final byte[] cut = java.util.Arrays.copyOf(encode(encoder, new TextWebSocketFrame("cut")), 4);
            assertThat(transport.broadcastFrames(ids, 3, new UnsafeBuffer(cut), 0, cut.length, results)).isEqualTo(3);
            final byte[] last = encode(encoder, new TextWebSocketFrame("last"));
            assertThat(transport.broadcastFrames(ids, 3, new UnsafeBuffer(last), 0, last.length, results)).isEqualTo(3);

            for (final RawClient client : List.of(first, second, third))
            {
                assertThat(new String(client.readFrame(), StandardCharsets.UTF_8)).isEqualTo("\u0001one");
                final byte[] binary = client.readFrame();
                assertThat(binary[0]).isEqualTo((byte)0x2);
                assertThat(java.util.Arrays.copyOfRange(binary, 1, binary.length)).isEqualTo(big);
                if (client != third)
                {
                    assertThat(new String(client.readFrame(), StandardCharsets.UTF_8)).isEqualTo("\u0001two");
                }
                assertThat(new String(client.readFrame(), StandardCharsets.UTF_8))
                    .as("bytes that are not whole frames are dropped for every connection").isEqualTo("\u0001last");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> transport.malformedCommands() == 1);

            third.close();
            await().atMost(Duration.ofSeconds(20)).until(() -> !listener.of("closed").isEmpty());
            assertThat(transport.broadcastFrames(ids, 3, new UnsafeBuffer(last), 0, last.length, results)).isEqualTo(2);
            assertThat(results).startsWith(WireTransport.SENT, WireTransport.SENT, WireTransport.GONE);
        }
        finally
        {
            encoder.finishAndReleaseAll();
        }
    }

    @Test
    void shouldRefuseABroadcastToAConnectionAtItsQueueLimitAndQueueItForTheOthers() throws Exception
    {
        start(NativeTestSupport.settings(0, 512 * 1024, 256 * 1024, 128 * 1024, 10_000));
        final EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        try (RawClient stalled = new RawClient(address, 4096);
            RawClient reader = new RawClient(address))
        {
            assertThat(stalled.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
            final long stalledId = listener.await("open").connection();
            assertThat(reader.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
            await().atMost(Duration.ofSeconds(20)).until(() -> listener.of("open").size() == 2);
            final long readerId = listener.of("open").get(1).connection();
            final byte[] frame = encode(encoder, new TextWebSocketFrame("n"));
            final int[] results = new int[2];

            // the stalled client never reads: its queue reaches the limit; the reader's never does
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[16 * 1024]);
            await().atMost(Duration.ofSeconds(20)).until(() ->
            {
                for (int i = 0; i < 64 && WireTransport.SENT == transport.send(stalledId, true, payload, 0, payload.capacity()); i++)
                {
                    // fill
                }
                return 1 == transport.broadcastFrames(
                    new long[] {stalledId, readerId}, 2, new UnsafeBuffer(frame), 0, frame.length, results) &&
                    WireTransport.FULL == results[0];
            });
            assertThat(results).containsExactly(WireTransport.FULL, WireTransport.SENT);
            // the reader got the frame (once for each broadcast above, all of which took it)
            assertThat(new String(reader.readFrame(), StandardCharsets.UTF_8)).isEqualTo("\u0001n");
        }
        finally
        {
            encoder.finishAndReleaseAll();
        }
    }

    @Test
    void shouldBroadcastInSeveralCommandsWhenTheIdsDoNotFitInOne() throws Exception
    {
        // a 64 KiB command ring: one command holds at most 8 KiB, so 1,000 ids (8,000 bytes) and a frame need two
        System.setProperty(NativeWireTransport.COMMAND_RING_BYTES_PROP_NAME, Integer.toString(64 * 1024));
        try
        {
            start(NativeTestSupport.settings());
        }
        finally
        {
            System.clearProperty(NativeWireTransport.COMMAND_RING_BYTES_PROP_NAME);
        }
        final EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        try (RawClient client = new RawClient(address))
        {
            assertThat(client.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
            final long connection = listener.await("open").connection();
            final long[] ids = new long[1000];
            java.util.Arrays.fill(ids, connection);
            final int[] results = new int[ids.length];
            final byte[] frame = encode(encoder, new TextWebSocketFrame("x".repeat(500)));

            assertThat(transport.broadcastFrames(ids, ids.length, new UnsafeBuffer(frame), 0, frame.length, results))
                .isEqualTo(ids.length);
            for (int i = 0; i < ids.length; i++)
            {
                assertThat(new String(client.readFrame(), StandardCharsets.UTF_8)).as("copy %d", i)
                    .isEqualTo("\u0001" + "x".repeat(500));
            }
            assertThat(transport.malformedCommands()).isZero();
        }
        finally
        {
            encoder.finishAndReleaseAll();
        }
    }

    private static byte[] encode(final EmbeddedChannel encoder, final Object... frames)
    {
        final ByteBuf out = Unpooled.buffer();
        for (final Object frame : frames)
        {
            encoder.writeOutbound(frame);
            for (ByteBuf part = encoder.readOutbound(); null != part; part = encoder.readOutbound())
            {
                out.writeBytes(part);
                part.release();
            }
        }
        final byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    @Test
    void shouldCloseFromTheServerAfterWhatIsQueued() throws Exception
    {
        start(NativeTestSupport.settings());
        final ClientEvents events = new ClientEvents();
        connect(events);
        final long connection = listener.await("open").connection();
        final byte[] last = "last words".getBytes(StandardCharsets.UTF_8);
        assertThat(transport.send(connection, false, new UnsafeBuffer(last), 0, last.length))
            .isEqualTo(WireTransport.SENT);
        transport.close(connection, 1008, "policy says no");
        assertThat(events.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1008 policy says no");
        assertThat(events.texts).containsExactly("last words");
        final RecordingListener.Event closed = listener.await("closed");
        assertThat(closed.code()).isEqualTo(1008);
        assertThat(closed.text()).isEqualTo("policy says no");
        assertThat(transport.send(connection, false, new UnsafeBuffer(last), 0, last.length))
            .isEqualTo(WireTransport.GONE);
    }

    @Test
    void shouldAbortWithoutAHandshake() throws Exception
    {
        start(NativeTestSupport.settings());
        try (RawClient client = new RawClient(address))
        {
            assertThat(client.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
            final long connection = listener.await("open").connection();
            transport.abort(connection);
            assertThat(client.readToEnd()).isEmpty();
            assertThat(listener.await("closed").code()).isEqualTo(1006);
        }
    }

    @Test
    void shouldReportAHalfClosedSocketAsClosed() throws Exception
    {
        start(NativeTestSupport.settings());
        try (RawClient client = new RawClient(address))
        {
            assertThat(client.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
            listener.await("open");
            client.socket.shutdownOutput();
            assertThat(listener.await("closed").code()).isEqualTo(1006);
        }
        assertThat(transport.openConnections()).isZero();
    }

    @Test
    void shouldSayFullAndNotWritableToAClientThatNeverReads() throws Exception
    {
        start(NativeTestSupport.settings(0, 512 * 1024, 256 * 1024, 128 * 1024, 10_000));
        try (RawClient client = new RawClient(address, 4096))
        {
            assertThat(client.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
            final long connection = listener.await("open").connection();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[16 * 1024]);
            int sent = 0;
            int result = WireTransport.SENT;
            while (WireTransport.SENT == result && sent < 10_000)
            {
                result = transport.send(connection, true, payload, 0, payload.capacity());
                if (WireTransport.SENT == result)
                {
                    sent++;
                }
            }
            assertThat(result).isEqualTo(WireTransport.FULL);
            assertThat(sent).as("bounded by the queue limit plus what the socket took").isLessThan(1000);
            assertThat(listener.await("writable", event -> !event.flag()).connection()).isEqualTo(connection);

            // the client drains: writable again, and the queue takes messages again
            final byte[] sink = new byte[64 * 1024];
            final long[] total = {0};
            await().atMost(Duration.ofSeconds(20)).until(() ->
            {
                final int n = client.in.read(sink);
                total[0] += n;
                return listener.of("writable").stream().anyMatch(RecordingListener.Event::flag);
            });
            assertThat(transport.send(connection, true, payload, 0, payload.capacity())).isEqualTo(WireTransport.SENT);
        }
        listener.await("closed");
    }

    @Test
    void shouldLoseNothingWhenTheListenerStallsAndTheEventRingFills() throws Exception
    {
        start(NativeTestSupport.settings());
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        listener.reaction = event ->
        {
            if (event.kind().equals("message") && listener.of("message").size() == 1)
            {
                try
                {
                    release.await(30, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        };
        final ClientEvents events = new ClientEvents();
        final WebSocket ws = connect(events);
        final int count = 300;
        final byte[] payload = new byte[16 * 1024];
        for (int i = 0; i < count; i++)
        {
            payload[0] = (byte)i;
            payload[1] = (byte)(i >> 8);
            ws.sendBinary(ByteBuffer.wrap(payload.clone()), true).get(10, TimeUnit.SECONDS);
        }
        // 300 x 16 KiB is more than the 1 MiB event ring holds: the shim stopped reading and kept the rest
        release.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.of("message").size() == count);
        final List<RecordingListener.Event> messages = listener.of("message");
        for (int i = 0; i < count; i++)
        {
            final byte[] got = messages.get(i).payload();
            assertThat((got[0] & 0xff) | ((got[1] & 0xff) << 8)).as("message %d in order", i).isEqualTo(i);
            assertThat(got).hasSize(payload.length);
        }
        ws.abort();
    }

    @Test
    void shouldOpenAndCloseAThousandConnections() throws Exception
    {
        start(NativeTestSupport.settings());
        final int count = 1000;
        final RawClient[] clients = new RawClient[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                clients[i] = new RawClient(address);
                clients[i].write("GET /ws/all HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n" +
                    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
                    "Sec-WebSocket-Version: 13\r\n\r\n");
            }
            for (int i = 0; i < count; i++)
            {
                assertThat(clients[i].readHead()).startsWith("HTTP/1.1 101");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> listener.of("open").size() == count);
            assertThat(transport.openConnections()).isEqualTo(count);
        }
        finally
        {
            for (final RawClient client : clients)
            {
                if (null != client)
                {
                    client.close();
                }
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.of("closed").size() == count);
        assertThat(listener.of("closed")).extracting(RecordingListener.Event::connection).doesNotHaveDuplicates();
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.openConnections() == 0);
    }

    @Test
    void shouldRefuseConnectionsBeyondTheLimit() throws Exception
    {
        start(NativeTestSupport.settings(2, 1 << 20, 1 << 18, 1 << 17, 10_000));
        try (RawClient a = new RawClient(address); RawClient b = new RawClient(address))
        {
            assertThat(a.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
            assertThat(b.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
            try (RawClient c = new RawClient(address))
            {
                c.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(c.readToEnd()).isEmpty();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.of("closed").size() == 2);
        assertThat(listener.of("open")).hasSize(2);
        assertThat(listener.of("request")).isEmpty();
    }
}
