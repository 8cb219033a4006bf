package dev.commandcenter.perf;

import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.transport.websocket.WebServer;
import dev.commandcenter.transport.websocket.WebSocketEgress;
import dev.commandcenter.transport.websocket.wire.WireTransport;
import dev.commandcenter.transport.websocket.wire.WireTransportProvider;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WebSocket egress: the cost of {@link WebSocketEgress#onOutput(OutputEvent, boolean)} for one overlay
 * alert fanned out to 1 and 100 clients connected over real loopback sockets to a real {@link WebServer}.
 * Each client is a plain socket that completed the handshake and whose reader thread discards what arrives
 * into one reused array, so the clients allocate nothing and {@code -prof gc}'s {@code gc.alloc.rate.norm}
 * (summed over every thread of the JVM) is what the egress thread and the server's event loops allocate per
 * output. The benchmark keeps at most {@value #WINDOW} outputs per client in flight: each reader counts the
 * frames it receives (parsing the frame headers) and the benchmark waits for them to catch up with the frames
 * queued, so no client becomes unwritable and every output is written to every client; the tear-down prints
 * frames sent and dropped to show it. On a 2-core machine the 100 reader threads compete with the server for
 * the cores, so read the time per output as an upper bound and the bytes per output as the result.
 * <p>
 * With {@code batchMs} above 0 the clients connect with {@code batch=<ms>}: each client's outputs are coalesced
 * on its event loop into batch frames of up to 256 messages (or one window), and the benchmark keeps at most
 * {@value #BATCH_WINDOW} outputs per client in flight, waiting for the event loops to have batched all but those
 * and for the clients to have read all but one batch frame each.
 * <pre>
 * perf/bench EgressBenchmark -prof gc
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class EgressBenchmark
{
    private static final String TOKEN = "egress-benchmark-overlay-token";
    private static final String ADMIN_TOKEN = "egress-benchmark-admin-token";
    private static final int WINDOW = 64;
    private static final int BATCH_WINDOW = 128;

    /** WebSocket clients subscribed to the feed. */
    @Param({ "1", "100" })
    public int clients;

    /** Batch window of every client, ms; 0 for one frame per output. */
    @Param({ "0", "1" })
    public int batchMs;

    /**
     * The web server's backend: {@code netty} (its own sockets) or {@code native} (libwebsockets through the shim,
     * each output's frame handed to it once for all clients); native fails the trial with the library's reason when
     * it was not built.
     */
    @Param({ "netty", "native" })
    public String backend;

    private final Output output = new Output();
    private final List<Socket> sockets = new ArrayList<>();
    private final List<AtomicLong> received = new ArrayList<>();
    private long sent;
    private WebSocketEgress egress;
    private WebServer server;

    /**
     * Start a server and connect the clients.
     *
     * @throws Exception when a client cannot connect.
     */
    @Setup(Level.Trial)
    public void setup() throws Exception
    {
        final CountersManager counters = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(64 * CountersReader.METADATA_LENGTH)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(64 * CountersReader.COUNTER_LENGTH)),
            StandardCharsets.US_ASCII);
        final CounterAllocator allocator = (type, suffix) ->
        {
            synchronized (counters)
            {
                return counters.newCounter(suffix.isEmpty() ? type.label() : type.label() + ": " + suffix, type.id());
            }
        };
        egress = new WebSocketEgress(WebSocketEgress.RETAIN_PER_FEED_DEFAULT);
        final WebServer.Context context = new WebServer.Context();
        if ("native".equals(backend))
        {
            context.wireTransport(nativeTransport());
        }
        else if (!"netty".equals(backend))
        {
            throw new IllegalArgumentException("backend " + backend + ": expected netty or native");
        }
        server = WebServer.launch(context
            .port(0)
            .token(TOKEN)
            .adminToken(ADMIN_TOKEN)
            .egress(egress)
            .counters(allocator)
            .countersReader(counters)
            .errorHandler(Throwable::printStackTrace)
            .pingIntervalMs(0)
            .feed("bench"));
        for (int i = 0; i < clients; i++)
        {
            connect(server.port());
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (egress.connectedClients() < clients)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("only " + egress.connectedClients() + " of " + clients + " clients subscribed");
            }
            Thread.yield();
        }

    }

    /**
     * Print what was sent and dropped, then stop the clients and the server.
     *
     * @throws IOException when a socket fails to close.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        System.out.println();
        System.out.println("outputs=" + egress.outputs() + " framesSent=" + egress.messagesSent() +
            " batchesSent=" + egress.batchesSent() + " messagesBatched=" + egress.messagesBatched() +
            " drops=" + egress.drops() + " slowCloses=" + egress.slowConsumerCloses() + " received=" + receivedFrames());
        for (final Socket socket : sockets)
        {
            socket.close();
        }
        server.close();
    }

    /**
     * Hand one output to the egress as the end of a batch: render, retain and fan it out.
     */
    @Benchmark
    public void onOutput()
    {
        output.next();
        egress.onOutput(output, true);
        ++sent;
        if (0 == batchMs)
        {
            if (sent % WINDOW == 0)
            {
                final long expected = egress.messagesSent() - (long)WINDOW * clients;
                while (receivedFrames() < expected)
                {
                    Thread.yield();
                }
            }
        }
        else if (sent % BATCH_WINDOW == 0)
        {
            final long batched = (sent - BATCH_WINDOW) * clients;
            while (egress.messagesBatched() + egress.drops() < batched || receivedFrames() < egress.messagesSent() - clients)
            {
                Thread.yield();
            }
        }
    }

    private static WireTransport nativeTransport()
    {
        for (final WireTransportProvider provider : ServiceLoader.load(WireTransportProvider.class))
        {
            if ("native".equals(provider.name()))
            {
                if (null != provider.unavailableReason())
                {
                    throw new IllegalStateException("native backend unavailable: " + provider.unavailableReason());
                }
                return provider.create();
            }
        }
        throw new IllegalStateException("native backend not on the class path");
    }

    private long receivedFrames()
    {
        long total = 0;
        for (int i = 0, size = received.size(); i < size; i++)
        {
            total += received.get(i).get();
        }
        return total;
    }

    private void connect(final int port) throws IOException
    {
        final Socket socket = new Socket();
        sockets.add(socket);
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        final OutputStream out = socket.getOutputStream();
        out.write(("GET /ws/all?token=" + TOKEN + "&batch=" + batchMs + " HTTP/1.1\r\n" +
            "Host: 127.0.0.1:" + port + "\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
            "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        final InputStream in = socket.getInputStream();
        int matched = 0;
        while (matched < 4)
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("connection closed during the WebSocket handshake");
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        final AtomicLong frames = new AtomicLong();
        received.add(frames);
        Thread.ofPlatform().daemon().name("egress-bench-client-" + sockets.size()).start(() ->
        {
            final byte[] discard = new byte[64 * 1024];
            final byte[] header = new byte[10];
            int headerLength = 0;
            int needed = 2;
            long skip = 0;
            long count = 0;
            try
            {
                int read;
                while ((read = in.read(discard)) >= 0)
                {
                    int position = 0;
                    while (position < read)
                    {
                        if (skip > 0)
                        {
                            final int n = (int)Math.min(skip, read - position);
                            skip -= n;
                            position += n;
                            continue;
                        }
                        header[headerLength++] = discard[position++];
                        if (2 == headerLength)
                        {
                            final int length7 = header[1] & 0x7F;
                            needed = length7 < 126 ? 2 : length7 == 126 ? 4 : 10;
                        }
                        if (headerLength >= 2 && headerLength == needed)
                        {
                            final int length7 = header[1] & 0x7F;
                            if (length7 < 126)
                            {
                                skip = length7;
                            }
                            else if (length7 == 126)
                            {
                                skip = (header[2] & 0xFF) << 8 | (header[3] & 0xFF);
                            }
                            else
                            {
                                skip = 0;
                                for (int i = 2; i < 10; i++)
                                {
                                    skip = skip << 8 | (header[i] & 0xFF);
                                }
                            }
                            headerLength = 0;
                            needed = 2;
                            frames.lazySet(++count);
                        }
                    }
                }
            }
            catch (final IOException ignore)
            {
                // closed at tear-down
            }
        });
    }

    /**
     * An output as the engine's output ring presents it: an OverlayAlert of a payment.
     */
    static final class Output implements OutputEvent
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        private final int length;
        private final int templateId;
        private long sequence;

        Output()
        {
            length = JsonView.instance().fromJson("{\"type\":\"OverlayAlert\",\"kind\":\"PAYMENT\",\"amountSats\":12345," +
                "\"title\":\"New tip!\",\"message\":\"0.00012345 BTC from bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh\"}",
                buffer, 0);
            templateId = JsonView.instance().templateId("OverlayAlert");
        }

        void next()
        {
            sequence++;
        }

        public long outputSequence()
        {
            return sequence;
        }

        public long inputSequence()
        {
            return sequence;
        }

        public long timestampNs()
        {
            return 1_700_000_000_000_000_000L + sequence * 1_000_000L;
        }

        public String pluginId()
        {
            return "bench";
        }

        public int templateId()
        {
            return templateId;
        }

        public DirectBuffer buffer()
        {
            return buffer;
        }

        public int offset()
        {
            return 0;
        }

        public int length()
        {
            return length;
        }
    }
}
