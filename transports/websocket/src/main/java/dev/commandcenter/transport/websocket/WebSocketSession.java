package dev.commandcenter.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import org.agrona.ErrorHandler;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;

/**
 * One WebSocket connection to a feed: once the handshake is written, moves the connection from its HTTP event
 * loop to a fan-out event loop and subscribes there, or closes with a status and reason when the request was
 * refused (browsers can read close reasons, not HTTP statuses). Inbound, it answers pings (control frames, and
 * the text {@code "ping"} with {@code "pong"}), ignores other data and completes the closing handshake.
 * <p>
 * Hardening, with the server's {@link WebLimits} (from the connection's {@link ConnectionGuard}): pings, pongs and
 * text pings together are limited to {@link WebServer.Context#maxControlFramesPerSecond(int)} a second, past
 * which the session closes with 1008; a ping is not answered while the connection is not writable (the guard
 * also stops reading then), so a client that never reads cannot make the server queue pongs. Once subscribed,
 * the server pings every {@link WebServer.Context#pingIntervalMs(long)} and closes with 1001 "no pong" when
 * {@link WebServer.Context#missedPongs(int)} intervals pass without any frame from the client (browsers answer
 * pings by themselves; 1001 rather than 1006, which is never sent on the wire, so overlays reconnect).
 * <p>
 * The move is safe: nothing is written to the connection between the handshake and the subscription (the
 * subscription happens on the new event loop, after the move), and the connection reads nothing while it
 * belongs to no event loop, so no frame is lost or reordered.
 * <p>
 * <b>Note:</b> the fields marked as egress state are guarded by the egress lock; those marked as event loop
 * state are used on the channel's event loop only.
 */
final class WebSocketSession extends SimpleChannelInboundHandler<WebSocketFrame> implements ChannelFutureListener
{
    /** Close status: policy violation (bad token, origin, feed or parameters). */
    static final int POLICY_VIOLATION = 1008;
    /** Close status: protocol error (no subprotocol the server speaks). */
    static final int PROTOCOL_ERROR = 1002;
    /** Close status: try again later (slow consumer). */
    static final int TRY_AGAIN_LATER = 1013;
    /** Close status: going away (server shutting down). */
    static final int GOING_AWAY = 1001;

    /** Close code for a message larger than the server takes (RFC 6455 7.4.1). */
    static final int MESSAGE_TOO_BIG = 1009;
    /** Longest close reason a control frame carries, in UTF-8 bytes. */
    static final int MAX_REASON_LENGTH = 123;

    private static final long SECOND_NS = 1_000_000_000L;
    /**
     * The heartbeat's ping, encoded once by Netty's frame encoder and written as bytes, as the shared output frames
     * are: the encoder then sees text frames only in steady state. A ping frame object handed to it every interval
     * made the compiled encoder, specialised on text frames, fall back (deoptimise) and be compiled again.
     */
    private static final ByteBuf PING_FRAME = encodedPing();

    final String feed;
    final boolean sbe;
    final boolean trace;
    final int dropLimit;
    /** Output sequence the client resumes after, or -1 when it does not resume. */
    final long since;
    private final BitSet types;
    private final String rejection;
    private final int rejectionCode;
    private final long closeTimeoutMs;
    private final WebSocketEgress egress;
    private final ErrorHandler errorHandler;
    private final EventLoopGroup fanoutGroup;
    /** Seats on the HTTP loop, of which this session may take one instead of moving, or null. */
    private final HttpLoopSeats seats;
    /** Event loop: this session holds a seat on the HTTP loop, given back when its connection closes. */
    private boolean seated;
    private Channel channel;
    private boolean subscribed;
    private boolean closeSent;
    private ScheduledFuture<?> forceClose;
    private WebLimits limits;
    private ScheduledFuture<?> heartbeat;
    private int missedPongs;
    private long controlWindowStartNs;
    private int controlFramesInWindow;

    /** Egress state: set once the session must get no more messages. */
    volatile boolean closing;
    /** Egress state: unwritable messages in a row. */
    int consecutiveDrops;
    /** Egress state: the ring of the event loop the session's channel is on, set when it subscribes. */
    FanoutLoop fanoutLoop;
    /**
     * Egress state, set when it subscribes: its channel when its frames go to the transport straight from the egress
     * thread ({@link DirectFanout}: a transport that broadcasts, no batching), else null (through its fan-out loop).
     */
    WireChannel direct;
    /**
     * Batch window the client asked for with {@code batch=<ms>}: -1 when it did not (its feed's window applies),
     * 0 for none. Set before the handshake completes.
     */
    int batchMs = -1;
    /**
     * Egress state, set when it subscribes, and event loop state: the batch it builds, or null when it does not
     * batch. The egress thread only tests it for null; the batch itself is used on the event loop.
     */
    SessionBatch batch;
    /** Event loop state: writes since the last flush. */
    int unflushed;
    /** Event loop state: in its loop's list of channels to flush. */
    boolean dirty;

    /**
     * @param feed           feed name.
     * @param sbe            binary SBE frames rather than JSON text.
     * @param trace          JSON frames carry the stage stamps (ignored for SBE).
     * @param types          template ids to deliver, or null for all.
     * @param rejection      close reason when the request is refused, null to subscribe.
     * @param dropLimit      unwritable messages in a row before closing with 1013.
     * @param closeTimeoutMs how long to wait for the client's close frame before closing the connection.
     * @param egress         the fan-out to subscribe to.
     * @param errorHandler   the server's error path: counts client disconnects, reports anything else.
     * @param fanoutGroup    event loops the connection moves to before subscribing, or null to stay where it is.
     */
    WebSocketSession(
        final String feed,
        final boolean sbe,
        final boolean trace,
        final BitSet types,
        final String rejection,
        final int dropLimit,
        final long closeTimeoutMs,
        final WebSocketEgress egress,
        final ErrorHandler errorHandler,
        final EventLoopGroup fanoutGroup)
    {
        this(feed, sbe, trace, types, rejection, POLICY_VIOLATION, -1, dropLimit, closeTimeoutMs, egress, errorHandler,
            fanoutGroup, null);
    }

    /**
     * @param feed           feed name.
     * @param sbe            binary SBE frames rather than JSON text.
     * @param trace          JSON frames carry the stage stamps (ignored for SBE).
     * @param types          template ids to deliver, or null for all.
     * @param rejection      close reason when the request is refused, null to subscribe.
     * @param rejectionCode  close status sent with the rejection.
     * @param since          output sequence the client resumes after, or -1 when it does not resume.
     * @param dropLimit      unwritable messages in a row before closing with 1013.
     * @param closeTimeoutMs how long to wait for the client's close frame before closing the connection.
     * @param egress         the fan-out to subscribe to.
     * @param errorHandler   the server's error path: counts client disconnects, reports anything else.
     * @param fanoutGroup    event loops the connection moves to before subscribing, or null to stay where it is.
     * @param seats          seats on the HTTP loop: the connection stays there when it takes one; or null.
     */
    WebSocketSession(
        final String feed,
        final boolean sbe,
        final boolean trace,
        final BitSet types,
        final String rejection,
        final int rejectionCode,
        final long since,
        final int dropLimit,
        final long closeTimeoutMs,
        final WebSocketEgress egress,
        final ErrorHandler errorHandler,
        final EventLoopGroup fanoutGroup,
        final HttpLoopSeats seats)
    {
        this.seats = seats;
        this.rejectionCode = rejectionCode;
        this.since = since;
        this.fanoutGroup = fanoutGroup;
        this.feed = feed;
        this.sbe = sbe;
        this.trace = trace && !sbe;
        this.types = types;
        this.rejection = rejection;
        this.dropLimit = dropLimit;
        this.closeTimeoutMs = closeTimeoutMs;
        this.egress = egress;
        this.errorHandler = errorHandler;
    }

    Channel channel()
    {
        return channel;
    }

    boolean accepts(final int templateId)
    {
        return null == types || types.get(templateId);
    }

    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        channel = ctx.channel();
        final ConnectionGuard guard = ctx.pipeline().get(ConnectionGuard.class);
        limits = null == guard ? null : guard.limits();
        controlWindowStartNs = System.nanoTime();
    }

    /**
     * Handshake response written: subscribe, or close with the rejection.
     *
     * @param future of the handshake.
     */
    public void operationComplete(final ChannelFuture future)
    {
        if (!future.isSuccess())
        {
            future.channel().close();
        }
        else if (null != rejection)
        {
            closeWith(rejectionCode, rejection);
        }
        else if (future.channel().isActive())
        {
            if (null == fanoutGroup)
            {
                subscribe();
            }
            else if (null != seats && seats.take())
            {
                seated = true;
                subscribe();
            }
            else
            {
                moveToFanout(fanoutGroup.next());
            }
        }
    }

    /**
     * Deregister from the HTTP event loop, register with a fan-out one, and subscribe there.
     */
    private void moveToFanout(final EventLoop target)
    {
        final Channel channel = this.channel;
        channel.deregister().addListener((deregistered) ->
        {
            if (!deregistered.isSuccess())
            {
                errorHandler.onError(deregistered.cause());
                channel.close();
                return;
            }
            target.register(channel).addListener((registered) ->
            {
                if (!registered.isSuccess())
                {
                    errorHandler.onError(registered.cause());
                    channel.unsafe().closeForcibly();
                }
                else if (channel.isActive() && !closing)
                {
                    subscribe();
                }
                else
                {
                    channel.close();
                }
            });
        });
    }

    private void subscribe()
    {
        final String refusal = egress.subscribe(this);
        if (null != refusal)
        {
            closeWith(POLICY_VIOLATION, refusal);
            return;
        }
        subscribed = true;
        if (null != limits && limits.pingIntervalMs > 0)
        {
            heartbeat = channel.eventLoop().scheduleAtFixedRate(
                this::heartbeat, limits.pingIntervalMs, limits.pingIntervalMs, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Every ping interval, on the event loop: close when the client sent nothing for the allowed number of
     * intervals, else ping it (unless it is not reading what it is sent already).
     */
    private void heartbeat()
    {
        if (closeSent || !channel.isActive())
        {
            return;
        }
        if (missedPongs >= limits.missedPongs)
        {
            final long silentMs = limits.pingIntervalMs * missedPongs;
            limits.trip(WebLimits.Limit.MISSED_PONGS, channel.remoteAddress(),
                "closed with 1001: no pong for " + silentMs + " ms");
            closeWith(GOING_AWAY, "no pong for " + silentMs + " ms");
            return;
        }
        missedPongs++;
        if (channel.isWritable())
        {
            // The native transport pings with a command of its own; Netty's pipeline is written the encoded bytes.
            channel.writeAndFlush(channel instanceof WireChannel ? new PingWebSocketFrame(Unpooled.EMPTY_BUFFER) :
                PING_FRAME.duplicate(), channel.voidPromise());
        }
    }

    /**
     * Count a ping or pong against the rate limit; close with 1008 past it.
     *
     * @return true when the frame may be answered: within the limit and the connection writable.
     */
    private boolean admitControlFrame(final ChannelHandlerContext ctx)
    {
        if (null == limits)
        {
            return true;
        }
        final long nowNs = System.nanoTime();
        if (nowNs - controlWindowStartNs >= SECOND_NS)
        {
            controlWindowStartNs = nowNs;
            controlFramesInWindow = 0;
        }
        if (++controlFramesInWindow > limits.maxControlFramesPerSecond)
        {
            if (!closeSent)
            {
                limits.trip(WebLimits.Limit.CONTROL_FRAMES, ctx.channel().remoteAddress(),
                    "closed with 1008: more than " + limits.maxControlFramesPerSecond + " pings a second");
                closeWith(POLICY_VIOLATION, "too many pings: more than " + limits.maxControlFramesPerSecond +
                    " a second (websocket.maxControlFramesPerSecond)");
            }
            return false;
        }
        return !closeSent && ctx.channel().isWritable();
    }

    /**
     * Close with a status: send the close frame, and close the connection when the client answers or
     * the close timeout passes (a slow client may never read the frame). Call on the event loop.
     */
    void closeWith(final int status, final String reason)
    {
        closing = true;
        if (closeSent)
        {
            return;
        }
        closeSent = true;
        channel.writeAndFlush(new CloseWebSocketFrame(status, truncate(reason)));
        forceClose = channel.eventLoop().schedule(() -> channel.close(), closeTimeoutMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Close with 1013 "slow consumer"; called by the egress thread.
     */
    void closeSlowConsumer()
    {
        channel.eventLoop().execute(() -> closeWith(TRY_AGAIN_LATER, "slow consumer"));
    }

    protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame)
    {
        missedPongs = 0;
        if (frame instanceof CloseWebSocketFrame close)
        {
            if (closeSent)
            {
                ctx.close();
            }
            else
            {
                closing = true;
                closeSent = true;
                ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
            }
        }
        else if (frame instanceof PingWebSocketFrame)
        {
            if (admitControlFrame(ctx))
            {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            }
        }
        else if (frame instanceof PongWebSocketFrame)
        {
            admitControlFrame(ctx);
        }
        else if (frame instanceof TextWebSocketFrame text && !closeSent && "ping".equals(text.text()))
        {
            if (admitControlFrame(ctx))
            {
                ctx.writeAndFlush(new TextWebSocketFrame("pong"));
            }
        }
    }

    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        closing = true;
        if (seated)
        {
            seated = false;
            seats.give();
        }
        if (null != forceClose)
        {
            forceClose.cancel(false);
        }
        if (null != heartbeat)
        {
            heartbeat.cancel(false);
        }
        if (subscribed)
        {
            subscribed = false;
            egress.unsubscribe(this);
        }
        if (null != batch)
        {
            batch.release();
        }
        super.channelInactive(ctx);
    }

    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof TooLongFrameException)
        {
            // Fragments joined past websocket.maxFrameLength (a single frame that long is the decoder's 1009).
            final String reason = "message too big: " + HttpResponses.oneLine(String.valueOf(cause.getMessage()));
            if (null != limits)
            {
                limits.trip(WebLimits.Limit.DECODER_FAILURE, ctx.channel().remoteAddress(), "closed: " + reason);
            }
            closeWith(MESSAGE_TOO_BIG, reason);
        }
        // The frame decoder (or the UTF-8 validator) has already sent 1009, 1002 or 1007 and closes after it: the
        // client's fault, not an error.
        else if (cause instanceof CorruptedWebSocketFrameException)
        {
            if (null != limits)
            {
                limits.trip(WebLimits.Limit.DECODER_FAILURE, ctx.channel().remoteAddress(), "closed by the frame decoder: " +
                    HttpResponses.oneLine(String.valueOf(cause.getMessage())));
            }
        }
        else
        {
            errorHandler.onError(cause);
            ctx.close();
        }
    }

    /**
     * Cut a close reason to what a control frame may carry, on a character boundary.
     */
    static String truncate(final String reason)
    {
        final byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON_LENGTH)
        {
            return reason;
        }
        final StringBuilder builder = new StringBuilder(MAX_REASON_LENGTH);
        int length = 0;
        final int limit = MAX_REASON_LENGTH - 3;
        for (int i = 0; i < reason.length(); )
        {
            final int codePoint = reason.codePointAt(i);
            final int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (length + size > limit)
            {
                break;
            }
            builder.appendCodePoint(codePoint);
            length += size;
            i += Character.charCount(codePoint);
        }
        return builder.append("...").toString();
    }

    private static ByteBuf encodedPing()
    {
        final EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        try
        {
            encoder.writeOutbound(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER));
            final ByteBuf encoded = encoder.readOutbound();
            try
            {
                return Unpooled.unreleasableBuffer(Unpooled.copiedBuffer(encoded).asReadOnly());
            }
            finally
            {
                encoded.release();
            }
        }
        finally
        {
            encoder.finishAndReleaseAll();
        }
    }
}
