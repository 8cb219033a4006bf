package dev.commandcenter.perf.chat;

import dev.commandcenter.codecs.sbe.ChatLineDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The viewers of a chat load run: N WebSocket clients on the chat feed, on a few Netty event loops (native epoll when
 * it loads, else NIO) so the load generator's cost per frame stays small beside the server's. Every client reads the
 * messageId of each {@code ChatLine} it receives (from the JSON text without a parser, or from the SBE message with
 * the generated decoder, nothing allocated per frame), marks it seen, counts a second sighting as a duplicate and
 * records the delivery latency from the message's intended send time in its event loop's histogram.
 * <p>
 * <b>Note:</b> each client's state is touched only by its event loop; figures are collected by a task on each loop.
 */
final class ChatViewers implements AutoCloseable
{
    /** What {@link #messageId} answers for a frame that is not a {@code ChatLine}. */
    static final long NOT_A_LINE = Long.MIN_VALUE;

    private static final int CONNECT_BATCH = 100;
    private static final long HIGHEST_NS = TimeUnit.MINUTES.toNanos(10);
    private static final byte[] JSON_TYPE = "\"type\":\"ChatLine\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JSON_MESSAGE_ID = "\"messageId\":".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final String transport;
    private final List<LoopState> loops = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();
    private final LongAdder delivered = new LongAdder();
    private volatile ChatSchedule schedule;
    private volatile boolean closing;

    /**
     * Start the event loops; {@link #connect} adds the clients.
     *
     * @param threads event loop threads.
     */
    ChatViewers(final int threads)
    {
        final boolean epoll = Epoll.isAvailable();
        final IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("chat-viewers", true), factory);
        channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        transport = epoll ? "epoll" : "nio";
        for (int i = 0; i < threads; i++)
        {
            loops.add(new LoopState((EventLoop)group.next()));
        }
    }

    /**
     * The socket transport of the clients.
     *
     * @return {@code epoll} or {@code nio}.
     */
    String transport()
    {
        return transport;
    }

    /**
     * Connect clients to a feed, a batch at a time, each waiting for its handshake.
     *
     * @param feed    the feed URL, token included.
     * @param format  the subprotocol to offer.
     * @param clients how many.
     * @param timeout longest wait for a batch.
     * @throws IllegalStateException naming the feed (token elided) when a client cannot connect.
     */
    void connect(final URI feed, final String format, final int clients, final Duration timeout)
    {
        final boolean binary = ChatLoadOptions.SBE.equals(format);
        for (int connected = 0; connected < clients; connected += CONNECT_BATCH)
        {
            final List<ChannelPromise> batch = new ArrayList<>();
            for (int i = connected; i < Math.min(clients, connected + CONNECT_BATCH); i++)
            {
                final LoopState loop = loops.get(i % loops.size());
                final Viewer viewer = new Viewer(loop, binary);
                final WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                    .webSocketUri(feed)
                    .subprotocol(format)
                    .handleCloseFrames(false)
                    .dropPongFrames(true)
                    .handshakeTimeoutMillis(timeout.toMillis())
                    .maxFramePayloadLength(1 << 20)
                    .build();
                final ChannelFuture connect = new Bootstrap()
                    .group(loop.loop)
                    .channel(channelClass)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)timeout.toMillis())
                    .handler(new ChannelInitializer<SocketChannel>()
                    {
                        protected void initChannel(final SocketChannel channel)
                        {
                            viewer.handshake = channel.newPromise();
                            channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(1 << 20),
                                viewer);
                        }
                    })
                    .connect(feed.getHost(), feed.getPort());
                channels.add(connect.channel());
                if (!connect.awaitUninterruptibly(timeout.toMillis()) || !connect.isSuccess())
                {
                    throw new IllegalStateException("cannot connect to " + redact(feed) + ": " +
                        (null == connect.cause() ? "no connection in " + timeout.toMillis() + " ms" :
                        oneLine(connect.cause())) + " (expected a running engine serving the chat feed)");
                }
                batch.add(viewer.handshake);
            }
            for (final ChannelPromise handshake : batch)
            {
                if (!handshake.awaitUninterruptibly(timeout.toMillis()))
                {
                    throw new IllegalStateException("cannot connect to " + redact(feed) + ": no handshake in " +
                        timeout.toMillis() + " ms");
                }
                if (!handshake.isSuccess())
                {
                    throw new IllegalStateException("cannot connect to " + redact(feed) + ": " +
                        oneLine(handshake.cause()));
                }
            }
        }
    }

    /**
     * From now on, frames are read against this schedule (earlier ones are counted as other frames).
     *
     * @param schedule the run's schedule.
     */
    void start(final ChatSchedule schedule)
    {
        this.schedule = schedule;
    }

    /**
     * Lines of the schedule received so far, summed over clients (warm-up and duplicates included): the progress the
     * harness waits on.
     *
     * @return the count.
     */
    long delivered()
    {
        return delivered.sum();
    }

    /**
     * Collect the figures of every client, on its event loop.
     *
     * @param notOwed messages no client is owed (refused or never posted).
     * @param timeout longest wait for each loop.
     * @return the figures summed over the clients.
     */
    ViewerFigures collect(final BitSet notOwed, final Duration timeout)
    {
        final ChatSchedule current = schedule;
        final Histogram latency = new Histogram(HIGHEST_NS, 3);
        long measured = 0;
        long warmup = 0;
        long lost = 0;
        long duplicates = 0;
        long other = 0;
        long bytes = 0;
        long disconnected = 0;
        long viewers = 0;
        String firstClose = "";
        for (final LoopState loop : loops)
        {
            final ViewerFigures figures;
            try
            {
                figures = loop.loop.submit(() -> loop.figures(current, notOwed))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (final ExecutionException | TimeoutException ex)
            {
                throw new IllegalStateException("cannot collect the viewers' figures: " + oneLine(ex));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while collecting the viewers' figures");
            }
            latency.add(figures.latency());
            measured += figures.measuredLines();
            warmup += figures.warmupLines();
            lost += figures.lost();
            duplicates += figures.duplicates();
            other += figures.otherFrames();
            bytes += figures.lineBytes();
            disconnected += figures.disconnected();
            viewers += figures.viewers();
            if (firstClose.isEmpty())
            {
                firstClose = figures.firstClose();
            }
        }
        return new ViewerFigures(viewers, latency, measured, warmup, lost, duplicates, other, bytes, disconnected,
            firstClose);
    }

    /**
     * Close every client and stop the event loops.
     */
    public void close()
    {
        closing = true;
        for (final Channel channel : channels)
        {
            channel.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * The messageId of a JSON frame that is a {@code ChatLine}, read without a parser.
     *
     * @param frame  the frame's payload.
     * @param offset where it starts.
     * @param length its length.
     * @return the messageId, or {@link #NOT_A_LINE}.
     */
    static long jsonMessageId(final ByteBuf frame, final int offset, final int length)
    {
        final int end = offset + length;
        final int type = indexOf(frame, offset, end, JSON_TYPE);
        if (type < 0)
        {
            return NOT_A_LINE;
        }
        // The JSON view writes a message's fields after its type, in schema order.
        final int field = indexOf(frame, type + JSON_TYPE.length, end, JSON_MESSAGE_ID);
        if (field < 0)
        {
            return NOT_A_LINE;
        }
        int i = field + JSON_MESSAGE_ID.length;
        boolean negative = false;
        if (i < end && '-' == frame.getByte(i))
        {
            negative = true;
            i++;
        }
        long value = 0;
        int digits = 0;
        while (i < end && digits < 19)
        {
            final byte b = frame.getByte(i);
            if (b < '0' || b > '9')
            {
                break;
            }
            value = value * 10 + (b - '0');
            digits++;
            i++;
        }
        return 0 == digits ? NOT_A_LINE : negative ? -value : value;
    }

    /**
     * The messageId of an SBE frame that is a {@code ChatLine} (one message with its header).
     *
     * @param frame   the frame's bytes, copied into a reused buffer.
     * @param length  bytes of the frame in it.
     * @param header  a reused header decoder.
     * @param line    a reused line decoder.
     * @return the messageId, or {@link #NOT_A_LINE}.
     */
    static long sbeMessageId(final UnsafeBuffer frame, final int length, final MessageHeaderDecoder header,
        final ChatLineDecoder line)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return NOT_A_LINE;
        }
        header.wrap(frame, 0);
        if (ChatLineDecoder.SCHEMA_ID != header.schemaId() || ChatLineDecoder.TEMPLATE_ID != header.templateId() ||
            length < MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength())
        {
            return NOT_A_LINE;
        }
        line.wrap(frame, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        return line.messageId();
    }

    private static int indexOf(final ByteBuf frame, final int from, final int end, final byte[] needle)
    {
        final int last = end - needle.length;
        outer:
        for (int i = from; i <= last; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (frame.getByte(i + j) != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String redact(final URI uri)
    {
        return uri.toString().replaceAll("token=[^&]*", "token=...");
    }

    static String oneLine(final Throwable ex)
    {
        Throwable cause = ex;
        while (null != cause.getCause() && (null == cause.getMessage() || cause.getMessage().isBlank() ||
            cause instanceof ExecutionException))
        {
            cause = cause.getCause();
        }
        final String message = cause.getMessage();
        return null == message || message.isBlank() ? cause.getClass().getSimpleName() :
            message.lines().findFirst().orElse(message);
    }

    /**
     * What the viewers received, summed over clients.
     *
     * @param viewers       clients counted.
     * @param latency       delivery latency of the measured lines, ns from the intended send time.
     * @param measuredLines measured lines received (first sightings).
     * @param warmupLines   warm-up lines received (first sightings).
     * @param lost          measured lines owed to a client that it never received, summed over clients.
     * @param duplicates    second and later sightings of a line by the same client.
     * @param otherFrames   frames that were not a line of the schedule (history, room state, before the start).
     * @param lineBytes     bytes of the measured lines' frames.
     * @param disconnected  clients the server closed, or whose connection dropped, during the run.
     * @param firstClose    the first close's status and reason, or an empty string.
     */
    record ViewerFigures(
        long viewers,
        Histogram latency,
        long measuredLines,
        long warmupLines,
        long lost,
        long duplicates,
        long otherFrames,
        long lineBytes,
        long disconnected,
        String firstClose)
    {
    }

    /**
     * The clients of one event loop and their figures.
     */
    private final class LoopState
    {
        final EventLoop loop;
        final List<Viewer> viewers = new ArrayList<>();
        final Histogram latency = new Histogram(HIGHEST_NS, 3);
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final ChatLineDecoder line = new ChatLineDecoder();
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[256]);
        long measuredLines;
        long warmupLines;
        long duplicates;
        long otherFrames;
        long lineBytes;
        long disconnected;
        String firstClose = "";

        LoopState(final EventLoop loop)
        {
            this.loop = loop;
        }

        ViewerFigures figures(final ChatSchedule current, final BitSet notOwed)
        {
            long lost = 0;
            if (null != current)
            {
                for (final Viewer viewer : viewers)
                {
                    for (long i = current.warmupCount(); i < current.count(); i++)
                    {
                        if (!notOwed.get((int)i) && !viewer.seen(i))
                        {
                            lost++;
                        }
                    }
                }
            }
            return new ViewerFigures(viewers.size(), latency.copy(), measuredLines, warmupLines, lost, duplicates,
                otherFrames, lineBytes, disconnected, firstClose);
        }

        void onFrame(final Viewer viewer, final ByteBuf content, final boolean binary)
        {
            final long nowNs = System.nanoTime();
            final ChatSchedule current = schedule;
            final int length = content.readableBytes();
            final long id;
            if (binary)
            {
                final int copied = Math.min(length, scratch.capacity());
                content.getBytes(content.readerIndex(), scratch.byteArray(), 0, copied);
                id = sbeMessageId(scratch, copied, header, line);
            }
            else
            {
                id = jsonMessageId(content, content.readerIndex(), length);
            }
            if (null == current || NOT_A_LINE == id || !current.contains(id))
            {
                otherFrames++;
                return;
            }
            if (!viewer.markSeen(id, current.count()))
            {
                duplicates++;
                return;
            }
            delivered.increment();
            if (current.measured(id))
            {
                latency.recordValue(Math.min(HIGHEST_NS, Math.max(0, nowNs - current.intendedNs(id))));
                measuredLines++;
                lineBytes += length;
            }
            else
            {
                warmupLines++;
            }
        }

        void onClosed(final String reason)
        {
            if (!closing)
            {
                disconnected++;
                if (firstClose.isEmpty())
                {
                    firstClose = reason;
                }
            }
        }
    }

    /**
     * One client: its handshake, the lines it has seen.
     */
    private static final class Viewer extends SimpleChannelInboundHandler<WebSocketFrame>
    {
        private final LoopState loop;
        private final boolean binary;
        private long[] seen;
        private boolean open;
        private String closeReason = "";
        ChannelPromise handshake;

        Viewer(final LoopState loop, final boolean binary)
        {
            this.loop = loop;
            this.binary = binary;
        }

        boolean seen(final long index)
        {
            return null != seen && (seen[(int)(index >>> 6)] & (1L << index)) != 0;
        }

        boolean markSeen(final long index, final long count)
        {
            if (null == seen)
            {
                seen = new long[(int)((count + 63) >>> 6)];
            }
            final int word = (int)(index >>> 6);
            final long bit = 1L << index;
            if ((seen[word] & bit) != 0)
            {
                return false;
            }
            seen[word] |= bit;
            return true;
        }

        public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
        {
            if (WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE == event)
            {
                open = true;
                loop.viewers.add(this);
                handshake.trySuccess();
            }
            else if (WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT == event)
            {
                handshake.tryFailure(new TimeoutException("the WebSocket handshake timed out"));
            }
            super.userEventTriggered(ctx, event);
        }

        protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame)
        {
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame)
            {
                loop.onFrame(this, frame.content(), binary);
            }
            else if (frame instanceof CloseWebSocketFrame close)
            {
                closeReason = "closed by the server with " + close.statusCode() + " " + close.reasonText();
                ctx.close();
            }
        }

        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            closeReason = oneLine(cause);
            handshake.tryFailure(cause);
            ctx.close();
        }

        public void channelInactive(final ChannelHandlerContext ctx) throws Exception
        {
            if (open)
            {
                loop.onClosed(closeReason.isEmpty() ? "connection dropped" : closeReason);
            }
            else
            {
                handshake.tryFailure(new IllegalStateException(closeReason.isEmpty() ?
                    "the server closed the connection during the handshake" : closeReason));
            }
            super.channelInactive(ctx);
        }
    }
}
