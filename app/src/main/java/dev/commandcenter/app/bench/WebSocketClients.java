package dev.commandcenter.app.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
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
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Promise;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * N WebSocket clients on the overlay feed, each handing every text frame it receives to the {@link AlertSink}
 * with its receive time.
 * <p>
 * The clients are Netty's (native epoll where available, else NIO), all on {@code threads} event loops of their
 * own: the load generator shares the machine with the server it measures, so what a client costs per frame is
 * CPU the server does not get. A frame is read where Netty decoded it, as ASCII, without a copy or a string
 * ({@link AsciiView}); only a traced frame is decoded to a string, for the JSON parser. The handshake offers no
 * subprotocol and sends no {@code Origin} (a tool, not a browser); server pings are answered by Netty's protocol
 * handler.
 */
final class WebSocketClients implements AutoCloseable
{
    private static final int CONNECT_BATCH = 64;
    private static final int MAX_FRAME_LENGTH = 1 << 20;

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final List<Channel> channels = new ArrayList<>();

    /**
     * No clients yet: {@link #add} connects them.
     *
     * @param threads event loops the clients are spread over (1 or more).
     */
    WebSocketClients(final int threads)
    {
        final boolean epoll = Epoll.isAvailable();
        final IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(Math.max(1, threads), new DefaultThreadFactory("cc-bench-ws", true), io);
        channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * Connect more clients to a feed, a batch at a time.
     *
     * @param feed       the feed URL, token included.
     * @param clients    how many.
     * @param sink       where frames go.
     * @param clock      the schedule's clock.
     * @param epochClock the clock of the trace stamps, or null when the feed sends plain frames (no trace asked):
     *                   then a frame is read on the sink's path for plain frames and no epoch time is taken.
     * @param timeout    longest wait for a batch to connect.
     * @throws IllegalStateException naming the URL when a client cannot connect (every client is then closed).
     */
    void add(
        final URI feed,
        final int clients,
        final AlertSink sink,
        final NanoClock clock,
        final EpochNanoClock epochClock,
        final Duration timeout)
    {
        final int port = feed.getPort() > 0 ? feed.getPort() : ("wss".equals(feed.getScheme()) ? 443 : 80);
        if ("wss".equals(feed.getScheme()))
        {
            throw new IllegalStateException("cannot connect to " + redact(feed) +
                ": wss is not supported by the load generator (expected ws:// on loopback or a trusted network)");
        }
        try
        {
            for (int connected = 0; connected < clients; connected += CONNECT_BATCH)
            {
                final List<Promise<Channel>> batch = new ArrayList<>();
                for (int i = connected; i < Math.min(clients, connected + CONNECT_BATCH); i++)
                {
                    batch.add(connect(feed, port, sink, clock, epochClock, timeout));
                }
                for (final Promise<Channel> handshake : batch)
                {
                    channels.add(handshake.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
                }
            }
        }
        catch (final ExecutionException ex)
        {
            close();
            throw new IllegalStateException("cannot connect to " + redact(feed) + ": " + reason(ex.getCause()) +
                " (expected a running engine or peer serving the overlay feed)");
        }
        catch (final TimeoutException ex)
        {
            close();
            throw new IllegalStateException("cannot connect to " + redact(feed) + ": no answer in " +
                timeout.toMillis() + " ms");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while connecting to " + redact(feed));
        }
    }

    private Promise<Channel> connect(
        final URI feed,
        final int port,
        final AlertSink sink,
        final NanoClock clock,
        final EpochNanoClock epochClock,
        final Duration timeout)
    {
        final Promise<Channel> handshake = group.next().newPromise();
        final WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(feed)
            .maxFramePayloadLength(MAX_FRAME_LENGTH)
            .generateOriginHeader(false)
            .handshakeTimeoutMillis(timeout.toMillis())
            .dropPongFrames(true)
            // The sink reads ASCII fields only; validating every byte of every frame as UTF-8 was most of the
            // client's CPU per frame.
            .withUTF8Validator(false)
            .build();
        final ChannelFuture connect = new Bootstrap()
            .group(group)
            .channel(channelClass)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)Math.min(Integer.MAX_VALUE, timeout.toMillis()))
            .handler(new ChannelInitializer<SocketChannel>()
            {
                protected void initChannel(final SocketChannel channel)
                {
                    channel.pipeline().addLast(
                        new HttpClientCodec(),
                        new HttpObjectAggregator(64 * 1024),
                        new WebSocketClientProtocolHandler(config),
                        new WebSocketFrameAggregator(MAX_FRAME_LENGTH),
                        new FrameHandler(sink, clock, epochClock, handshake));
                }
            })
            .connect(feed.getHost(), port);
        connect.addListener(future ->
        {
            if (!future.isSuccess())
            {
                handshake.tryFailure(future.cause());
            }
        });
        return handshake;
    }

    /**
     * Connected clients.
     *
     * @return the count.
     */
    int size()
    {
        return channels.size();
    }

    /**
     * An event loop of the clients, to lend: {@link RestConnections} carries its posts on it when saturating.
     *
     * @return the next loop, round robin.
     */
    EventLoop loop()
    {
        return group.next();
    }

    /**
     * Drop every connection and stop the event loops.
     */
    public void close()
    {
        for (final Channel channel : channels)
        {
            channel.close();
        }
        channels.clear();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    static String redact(final URI uri)
    {
        return uri.toString().replaceAll("token=[^&]*", "token=...");
    }

    static String reason(final Throwable ex)
    {
        Throwable cause = ex;
        while (null != cause.getCause() && (null == cause.getMessage() || cause.getMessage().isBlank()))
        {
            cause = cause.getCause();
        }
        final String message = cause.getMessage();
        return null == message || message.isBlank() ? cause.getClass().getSimpleName() :
            message.lines().findFirst().orElse(message);
    }

    /**
     * Receives one client's frames on its event loop; completes the connect promise when the handshake is done or
     * failed.
     */
    private static final class FrameHandler extends SimpleChannelInboundHandler<TextWebSocketFrame>
    {
        private final AlertSink sink;
        private final NanoClock clock;
        private final EpochNanoClock epochClock;
        private final Promise<Channel> handshake;
        private final TraceStamps trace = new TraceStamps();
        private final AsciiView view = new AsciiView();

        FrameHandler(
            final AlertSink sink, final NanoClock clock, final EpochNanoClock epochClock, final Promise<Channel> handshake)
        {
            this.sink = sink;
            this.clock = clock;
            this.epochClock = epochClock;
            this.handshake = handshake;
        }

        public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
        {
            if (WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE == event)
            {
                handshake.trySuccess(ctx.channel());
            }
            else if (WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT == event)
            {
                handshake.tryFailure(new TimeoutException("no WebSocket handshake answer"));
            }
            super.userEventTriggered(ctx, event);
        }

        protected void channelRead0(final ChannelHandlerContext ctx, final TextWebSocketFrame frame)
        {
            final long nowNs = clock.nanoTime();
            if (null == epochClock)
            {
                sink.onPlainFrame(view.wrap(frame.content()), nowNs, trace);
            }
            else
            {
                sink.onFrame(view.wrap(frame.content()), nowNs, epochClock.nanoTime(), trace);
            }
        }

        public void channelInactive(final ChannelHandlerContext ctx) throws Exception
        {
            handshake.tryFailure(new IllegalStateException("connection closed before the WebSocket handshake completed"));
            super.channelInactive(ctx);
        }

        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            handshake.tryFailure(cause);
            ctx.close();
        }
    }

    /**
     * A frame's bytes read as ASCII characters, copied once into an array reused for every frame of a client: the
     * txid and field names the sink looks for are ASCII, and a non-ASCII byte only ever fails a comparison.
     */
    static final class AsciiView implements CharSequence
    {
        private byte[] bytes = new byte[1024];
        private int length;
        /** Where the last frame's txid value started: a client's frames share their layout up to it. */
        private int txidAt = -1;

        AsciiView wrap(final ByteBuf buffer)
        {
            final int readable = buffer.readableBytes();
            if (readable > bytes.length)
            {
                bytes = new byte[Math.max(readable, bytes.length * 2)];
            }
            buffer.getBytes(buffer.readerIndex(), bytes, 0, readable);
            length = readable;
            return this;
        }

        public int length()
        {
            return length;
        }

        /**
         * Where an ASCII string first occurs in the frame.
         *
         * @param needle what to find, not empty.
         * @return its index, or -1.
         */
        int indexOf(final String needle)
        {
            final byte[] bytes = this.bytes;
            final byte first = (byte)needle.charAt(0);
            final int count = needle.length();
            for (int i = 0, last = length - count; i <= last; i++)
            {
                if (first == bytes[i])
                {
                    int j = 1;
                    while (j < count && bytes[i + j] == (byte)needle.charAt(j))
                    {
                        j++;
                    }
                    if (j == count)
                    {
                        return i;
                    }
                }
            }
            return -1;
        }

        /**
         * The index of the payment named by the frame's txid, looked for first where the previous frame of this
         * view had it (frames of one feed share their layout up to it), else at the first {@code "txid":"} field.
         *
         * @param field the field's name and opening quote, such as {@code "txid":"}.
         * @param tag   of the run.
         * @return the index, or {@link PaymentIds#NOT_OURS} when there is no such field, it is not a txid of
         *         the run, or it is not followed by its closing quote.
         */
        long txidIndex(final String field, final long tag)
        {
            int at = txidAt;
            if (at < field.length() || !regionMatches(at - field.length(), field))
            {
                final int found = indexOf(field);
                if (found < 0)
                {
                    return PaymentIds.NOT_OURS;
                }
                at = found + field.length();
                txidAt = at;
            }
            return PaymentIds.index(bytes, at, length, tag);
        }

        private boolean regionMatches(final int offset, final String text)
        {
            final int count = text.length();
            if (offset + count > length)
            {
                return false;
            }
            for (int i = 0; i < count; i++)
            {
                if (bytes[offset + i] != (byte)text.charAt(i))
                {
                    return false;
                }
            }
            return true;
        }

        public char charAt(final int index)
        {
            if (index >= length)
            {
                throw new IndexOutOfBoundsException(index);
            }
            return (char)(bytes[index] & 0xFF);
        }

        public CharSequence subSequence(final int start, final int end)
        {
            return toString().substring(start, end);
        }

        public String toString()
        {
            return new String(bytes, 0, length, StandardCharsets.UTF_8);
        }
    }
}
