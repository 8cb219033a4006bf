package dev.commandcenter.transport.websocket;

import dev.commandcenter.transport.websocket.wire.WireTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One connection of a {@link WireTransport} as a Netty {@link Channel}, so the server's own handlers serve it
 * unchanged: requests and messages the transport parsed are fired into its pipeline as Netty's HTTP and WebSocket
 * objects, and what the handlers write is handed to the transport in {@link #doWrite}. It is registered on the
 * server's NIO event loops like a socket channel (it has no file descriptor, so any event loop takes it), moves from
 * an HTTP loop to a fan-out loop when its session subscribes, and answers {@link #remoteAddress()} with the peer's
 * real address, so limits, refusals and logs name the client.
 * <p>
 * Outbound: a {@link HttpResponse} (with its contents) becomes {@link WireTransport#respond} (a {@code Connection:
 * close} header asks the transport to close after it); on a WebSocket connection the {@code 101} written by the
 * upgrade is swallowed (the transport has answered the handshake) and any other status becomes a close with 1008 and
 * the response's error. The egress's whole pre-encoded frames ({@link FrameEncoder}) are handed to {@link
 * WireTransport#sendFrames} as they are, header included, straight from the pooled buffer; text and binary {@link
 * WebSocketFrame}s are encoded by a {@link FrameEncoder} of the channel and handed over the same way, so the transport
 * frames nothing; pings and closes become {@link WireTransport#ping} and {@link WireTransport#close}. Closing the channel aborts the connection unless a close was
 * already asked of the transport.
 * <p>
 * Back-pressure: the transport's writability and a {@link WireTransport#FULL} answer clear a user-defined
 * writability bit of the channel's outbound buffer, so {@link Channel#isWritable()} is false and the egress's
 * slow-client policy applies as it does to a socket; stopping and resuming reads ({@link ConnectionGuard}) becomes
 * {@link WireTransport#read}. HTTP requests are fired one at a time: the next when the response to the previous one
 * has been handed over.
 * <p>
 * <b>Note:</b> the delivery methods may be called from any thread (they hop to the event loop); everything else runs
 * on the channel's event loop.
 */
final class WireChannel extends AbstractChannel
{
    /** Writability bit cleared while the transport reports the connection not writable. */
    static final int TRANSPORT_WRITABILITY = 1;
    /** Writability bit cleared for a moment after the transport answered {@link WireTransport#FULL}. */
    static final int FULL_WRITABILITY = 2;
    /** How long a {@link WireTransport#FULL} answer keeps the channel not writable when the transport says nothing. */
    static final long FULL_BACKOFF_MS = 10;

    private static final ChannelMetadata METADATA = new ChannelMetadata(false);
    private static final String[] NO_HEADERS = new String[0];
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    private final long connection;
    private final WireTransport transport;
    private final InetSocketAddress localAddress;
    private final InetSocketAddress remoteAddress;
    private final ChannelConfig config;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
    private final int maxWaiting;
    private volatile boolean open = true;

    /** Event loop: serving a WebSocket (after the transport's handshake) rather than HTTP requests. */
    private boolean webSocket;
    /** Event loop: the subprotocol the transport agreed, or null. */
    private String subprotocol;
    /** Event loop: a close (frame or close-after response) was asked of the transport, or it said the connection is gone. */
    private boolean closeHandedOver;
    /** Event loop: reading was stopped through the transport. */
    private boolean readStopped;
    /** Event loop: reading is stopped because {@code maxWaiting} requests wait (a client pipelining without reading). */
    private boolean waitingFull;
    /** Event loop: an HTTP request is in the pipeline and its response not yet handed over. */
    private boolean awaitingResponse;
    /** Event loop: a {@link WireTransport#FULL} answer's back-off is scheduled. */
    private boolean fullBackoff;
    /** Event loop: head of a response written in parts, until its last content. */
    private HttpResponse partialResponse;
    private CompositeByteBuf partialBody;
    private ExpandableArrayBuffer scratch;
    /** Event loop: encodes the text and binary frames the handlers write (gap messages, pongs), made on first use. */
    private FrameEncoder encoder;

    /**
     * @param connection    the transport's id of the connection.
     * @param transport     the transport owning it.
     * @param localAddress  the address the transport bound.
     * @param remoteAddress the peer, or null when the transport does not know it.
     * @param waterMark     the server's write buffer water marks (bytes written and not yet flushed to the transport).
     * @param maxWaiting    requests waiting behind the one being answered at which reading stops until one is
     *                      answered ({@link WebServer.Context#maxPipelinedRequests(int)}, as on the Netty backend).
     */
    WireChannel(
        final long connection,
        final WireTransport transport,
        final InetSocketAddress localAddress,
        final InetSocketAddress remoteAddress,
        final WriteBufferWaterMark waterMark,
        final int maxWaiting)
    {
        super(null);
        this.maxWaiting = maxWaiting;
        this.connection = connection;
        this.transport = transport;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        config = new WireChannelConfig(this);
        config.setAllocator(PooledByteBufAllocator.DEFAULT);
        config.setWriteBufferWaterMark(waterMark);
    }

    /**
     * The transport's id of the connection.
     */
    long connection()
    {
        return connection;
    }

    /**
     * The transport owning the connection.
     */
    WireTransport transport()
    {
        return transport;
    }

    /**
     * Frames handed to the transport from another thread (the egress's {@link DirectFanout}) were refused as
     * {@link WireTransport#FULL}: the channel is not writable for a short back-off, as when its own write is.
     */
    void deliverFull()
    {
        execute(this::full, null);
    }

    /**
     * Whether the connection serves a WebSocket (event loop).
     */
    boolean isWebSocket()
    {
        return webSocket;
    }

    /**
     * The subprotocol the transport agreed in the handshake, or null (event loop).
     */
    String subprotocol()
    {
        return subprotocol;
    }

    /**
     * Finish an upgrade the transport has already answered: write the {@code 101} through the pipeline, so it is
     * counted and the HTTP handlers see the switch as on a socket, and nothing reaches the client.
     *
     * @param channel a wire channel, on its event loop.
     * @return the future of the write, which the session waits for as for a handshake.
     */
    static ChannelFuture switchingProtocols(final Channel channel)
    {
        return channel.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // From the transport (any thread): hop to the event loop.
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * An HTTP request, or a WebSocket upgrade request the transport has answered.
     *
     * @param request     the request; its reference passes to this method.
     * @param upgraded    whether the transport completed a WebSocket handshake for it.
     * @param subprotocol the subprotocol it agreed, or null.
     */
    void deliverRequest(final FullHttpRequest request, final boolean upgraded, final String subprotocol)
    {
        execute(() ->
        {
            if (!open)
            {
                request.release();
                return;
            }
            if (upgraded)
            {
                webSocket = true;
                this.subprotocol = subprotocol;
            }
            if (awaitingResponse)
            {
                waiting.add(request);
                if (waiting.size() >= maxWaiting && !waitingFull && open)
                {
                    waitingFull = true;
                    if (!readStopped)
                    {
                        transport.read(connection, false);
                    }
                }
            }
            else
            {
                awaitingResponse = true;
                pipeline().fireChannelRead(request);
            }
        }, request);
    }

    /**
     * A WebSocket frame from the client.
     *
     * @param frame its reference passes to this method.
     */
    void deliverFrame(final WebSocketFrame frame)
    {
        execute(() ->
        {
            if (open)
            {
                pipeline().fireChannelRead(frame);
                pipeline().fireChannelReadComplete();
            }
            else
            {
                frame.release();
            }
        }, frame);
    }

    /**
     * The transport reports the connection writable again, or not.
     */
    void deliverWritability(final boolean writable)
    {
        execute(() ->
        {
            final ChannelOutboundBuffer outbound = unsafe().outboundBuffer();
            if (null != outbound)
            {
                outbound.setUserDefinedWritability(TRANSPORT_WRITABILITY, writable);
            }
        }, null);
    }

    /**
     * The transport says the connection is gone: close the channel without telling the transport anything more.
     */
    void deliverClosed()
    {
        execute(() ->
        {
            closeHandedOver = true;
            close();
        }, null);
    }

    private void execute(final Runnable task, final Object message)
    {
        try
        {
            eventLoop().execute(() ->
            {
                // Moving to a fan-out loop: deregistered from the old loop, not yet on the new one. Wait for the
                // move, as a socket is not read while it belongs to no loop, so nothing runs on the wrong thread.
                if (open && !isRegistered())
                {
                    execute(task, message);
                    return;
                }
                task.run();
            });
        }
        catch (final RuntimeException ex)
        {
            // The event loops are stopping with the server: the channel is closing anyway.
            ReferenceCountUtil.release(message);
            open = false;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // To the transport (event loop).
    // ---------------------------------------------------------------------------------------------------------------

    protected void doWrite(final ChannelOutboundBuffer in)
    {
        while (true)
        {
            final Object msg = in.current();
            if (null == msg)
            {
                break;
            }
            try
            {
                handOver(msg);
            }
            finally
            {
                in.remove();
            }
        }
    }

    private void handOver(final Object msg)
    {
        if (msg instanceof ByteBuf frame)
        {
            sendEncodedFrames(frame);
        }
        else if (msg instanceof WebSocketFrame frame)
        {
            sendFrame(frame);
        }
        else if (msg instanceof HttpResponse response)
        {
            if (msg instanceof LastHttpContent last)
            {
                respond(response, last.content());
            }
            else
            {
                partialResponse = response;
                partialBody = alloc().compositeBuffer();
            }
        }
        else if (msg instanceof HttpContent content && null != partialResponse)
        {
            partialBody.addComponent(true, content.content().retain());
            if (msg instanceof LastHttpContent)
            {
                final HttpResponse response = partialResponse;
                final CompositeByteBuf body = partialBody;
                partialResponse = null;
                partialBody = null;
                try
                {
                    respond(response, body);
                }
                finally
                {
                    body.release();
                }
            }
        }
    }

    private void respond(final HttpResponse response, final ByteBuf body)
    {
        final int status = response.status().code();
        if (webSocket)
        {
            if (HttpResponseStatus.SWITCHING_PROTOCOLS.code() != status && !closeHandedOver)
            {
                // Refused before the session: the handshake is done, so the refusal is a close with its reason.
                closeHandedOver = true;
                transport.close(connection, WebSocketSession.POLICY_VIOLATION, WebSocketSession.truncate(refusalReason(response, body)));
            }
            responseHandedOver();
            return;
        }

        final List<String> headers = new ArrayList<>(2 * response.headers().size());
        boolean closeAfter = false;
        for (final Map.Entry<String, String> header : response.headers())
        {
            final String name = header.getKey();
            if (HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name))
            {
                continue;
            }
            if (HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name) &&
                HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(header.getValue()))
            {
                closeAfter = true;
            }
            headers.add(name);
            headers.add(header.getValue());
        }
        final int length = body.readableBytes();
        wrap(body, body.readerIndex(), length);
        final int result = transport.respond(connection, status, headers.toArray(NO_HEADERS), view, 0, length, closeAfter);
        view.wrap(0, 0);
        if (WireTransport.FULL == result)
        {
            // No room for the answer: the connection cannot be served, as a socket whose buffer is full for good.
            closeHandedOver = true;
            transport.abort(connection);
        }
        else if (closeAfter)
        {
            closeHandedOver = true;
        }
        responseHandedOver();
    }

    private void responseHandedOver()
    {
        awaitingResponse = false;
        if (!waiting.isEmpty())
        {
            eventLoop().execute(this::nextRequest);
        }
    }

    private void nextRequest()
    {
        if (awaitingResponse)
        {
            return;
        }
        final FullHttpRequest request = waiting.poll();
        if (waitingFull && waiting.size() < maxWaiting)
        {
            waitingFull = false;
            if (!readStopped && open)
            {
                transport.read(connection, true);
            }
        }
        if (null != request)
        {
            if (open)
            {
                awaitingResponse = true;
                pipeline().fireChannelRead(request);
            }
            else
            {
                request.release();
            }
        }
    }

    /**
     * Whole frames as Netty's encoder wrote them (server to client: unmasked), one or more back to back: handed to
     * the transport as they are, header and all.
     */
    private void sendEncodedFrames(final ByteBuf frames)
    {
        final int length = frames.readableBytes();
        wrap(frames, frames.readerIndex(), length);
        final int result = transport.sendFrames(connection, view, 0, length);
        view.wrap(0, 0);
        if (WireTransport.FULL == result)
        {
            full();
        }
    }

    private void sendFrame(final WebSocketFrame frame)
    {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame)
        {
            // Encoded by the same encoder as the egress's frames, so the transport is given frames only.
            if (null == encoder)
            {
                encoder = new FrameEncoder(alloc());
            }
            final ByteBuf payload = frame.content().retain();
            final ByteBuf encoded = frame instanceof BinaryWebSocketFrame ? encoder.binary(payload) : encoder.text(payload);
            try
            {
                sendEncodedFrames(encoded);
            }
            finally
            {
                encoded.release();
            }
        }
        else if (frame instanceof PingWebSocketFrame)
        {
            if (WireTransport.FULL == transport.ping(connection))
            {
                full();
            }
        }
        else if (frame instanceof CloseWebSocketFrame close)
        {
            if (!closeHandedOver)
            {
                closeHandedOver = true;
                final int code = close.statusCode();
                transport.close(connection, code < 0 ? 1000 : code, null == close.reasonText() ? "" : close.reasonText());
            }
        }
        // Pongs: the transport answers the client's pings itself.
    }

    /**
     * Point the view at bytes of a buffer: in place when it has an address or an array, else through a copy (a
     * composite of a large frame's header and payload).
     */
    private void wrap(final ByteBuf buffer, final int index, final int length)
    {
        scratch = wrap(view, buffer, index, length, scratch);
    }

    /**
     * Point a view at bytes of a buffer: in place when it has an address or an array, else through a copy in
     * scratch (a composite of a large frame's header and payload).
     *
     * @param scratch the copy buffer used before, or null.
     * @return the copy buffer to use next time: scratch, or a new one when one was needed.
     */
    static ExpandableArrayBuffer wrap(
        final UnsafeBuffer view, final ByteBuf buffer, final int index, final int length, final ExpandableArrayBuffer scratch)
    {
        if (0 == length)
        {
            view.wrap(0, 0);
        }
        else if (buffer.hasMemoryAddress())
        {
            view.wrap(buffer.memoryAddress() + index, length);
        }
        else if (buffer.hasArray())
        {
            view.wrap(buffer.array(), buffer.arrayOffset() + index, length);
        }
        else
        {
            final ExpandableArrayBuffer copy = null == scratch ? new ExpandableArrayBuffer(length) : scratch;
            copy.checkLimit(length);
            buffer.getBytes(index, copy.byteArray(), 0, length);
            view.wrap(copy.byteArray(), 0, length);
            return copy;
        }
        return scratch;
    }

    /**
     * The transport dropped a message: not writable until it reports otherwise or a short back-off passes (it may
     * have been its command ring, which reports nothing when it drains).
     */
    private void full()
    {
        final ChannelOutboundBuffer outbound = unsafe().outboundBuffer();
        if (null == outbound || fullBackoff)
        {
            return;
        }
        fullBackoff = true;
        outbound.setUserDefinedWritability(FULL_WRITABILITY, false);
        eventLoop().schedule(() ->
        {
            fullBackoff = false;
            final ChannelOutboundBuffer buffer = unsafe().outboundBuffer();
            if (null != buffer)
            {
                buffer.setUserDefinedWritability(FULL_WRITABILITY, true);
            }
        }, FULL_BACKOFF_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * The text of a refusal's close reason: its JSON error, else its status.
     */
    static String refusalReason(final HttpResponse response, final ByteBuf body)
    {
        final String text = body.toString(body.readerIndex(), body.readableBytes(), StandardCharsets.UTF_8);
        final String prefix = "{\"error\":\"";
        if (text.startsWith(prefix) && text.endsWith("\"}"))
        {
            try
            {
                return MAPPER.readTree(text).get("error").asText();
            }
            catch (final Exception ex)
            {
                // Not the error shape after all: fall through to the status.
            }
        }
        return response.status().code() + " " + response.status().reasonPhrase();
    }

    void stopReading()
    {
        if (!readStopped && open)
        {
            readStopped = true;
            if (!waitingFull)
            {
                transport.read(connection, false);
            }
        }
    }

    protected void doBeginRead()
    {
        if (readStopped && open)
        {
            readStopped = false;
            if (!waitingFull)
            {
                transport.read(connection, true);
            }
        }
    }

    protected void doClose()
    {
        open = false;
        if (!closeHandedOver)
        {
            closeHandedOver = true;
            transport.abort(connection);
        }
        FullHttpRequest request;
        while (null != (request = waiting.poll()))
        {
            request.release();
        }
        if (null != partialBody)
        {
            partialBody.release();
            partialBody = null;
            partialResponse = null;
        }
        if (null != encoder)
        {
            encoder.close();
            encoder = null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Channel plumbing.
    // ---------------------------------------------------------------------------------------------------------------

    public ChannelConfig config()
    {
        return config;
    }

    public boolean isOpen()
    {
        return open;
    }

    public boolean isActive()
    {
        return open;
    }

    public ChannelMetadata metadata()
    {
        return METADATA;
    }

    public InetSocketAddress localAddress()
    {
        return localAddress;
    }

    public InetSocketAddress remoteAddress()
    {
        return remoteAddress;
    }

    protected SocketAddress localAddress0()
    {
        return localAddress;
    }

    protected SocketAddress remoteAddress0()
    {
        return remoteAddress;
    }

    protected boolean isCompatible(final EventLoop loop)
    {
        return true;
    }

    protected void doBind(final SocketAddress localAddress)
    {
        throw new UnsupportedOperationException("a wire connection is bound by its transport");
    }

    protected void doDisconnect()
    {
        doClose();
    }

    protected AbstractUnsafe newUnsafe()
    {
        return new AbstractUnsafe()
        {
            public void connect(final SocketAddress remote, final SocketAddress local, final ChannelPromise promise)
            {
                promise.setFailure(new UnsupportedOperationException("a wire connection is opened by its transport"));
            }
        };
    }

    public String toString()
    {
        return "WireChannel{connection=" + connection + ", remote=" + WebLimits.describe(remoteAddress) + "}";
    }

    /**
     * Stopping reads (auto-read cleared) is asked of the transport; resuming comes back through {@link #doBeginRead()}.
     */
    private static final class WireChannelConfig extends DefaultChannelConfig
    {
        private final WireChannel channel;

        WireChannelConfig(final WireChannel channel)
        {
            super(channel);
            this.channel = channel;
        }

        protected void autoReadCleared()
        {
            channel.stopReading();
        }
    }
}
