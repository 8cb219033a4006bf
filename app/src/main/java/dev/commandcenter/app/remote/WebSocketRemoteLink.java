package dev.commandcenter.app.remote;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.PluginDoneDecoder;
import dev.commandcenter.codecs.sbe.PluginEmitDecoder;
import dev.commandcenter.codecs.sbe.PluginEventDecoder;
import dev.commandcenter.codecs.sbe.PluginGoodbyeDecoder;
import dev.commandcenter.codecs.sbe.PluginHeartbeatDecoder;
import dev.commandcenter.codecs.sbe.PluginHelloDecoder;
import dev.commandcenter.plugin.host.remote.RemoteLink;
import dev.commandcenter.plugin.host.remote.RemoteLinkHandler;
import dev.commandcenter.transport.websocket.WebSocketRoute;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link RemoteLink} over one WebSocket connection from a plugin host. In {@value RemoteJson#JSON_SUBPROTOCOL} it
 * converts every message with {@link RemoteJson} (text frames); in {@value RemoteJson#SBE_SUBPROTOCOL} it passes
 * the SBE bytes through (binary frames). Whatever the host sends is checked whole before the endpoint sees it: a
 * host-to-engine type (hello, done, emit, heartbeat, goodbye), a complete message, emits that are events. A message
 * that fails is counted and the connection closed with 1007, 1008 or 1009 and a one-line reason; a text frame on
 * the SBE subprotocol, or a binary one on JSON, closes with 1003; so does (1008) a done for an event this link
 * never sent. When the endpoint closes the link, its reason picks the status ({@link #closeStatus(String)}).
 * <p>
 * <b>Note:</b> {@link #offer} never blocks (a connection with too much queued answers {@link #BACK_PRESSURED});
 * the listener methods run on the connection's event loop.
 */
final class WebSocketRemoteLink implements RemoteLink, WebSocketRoute.Listener
{
    /** Close status: a frame of the other kind than the subprotocol's. */
    static final int UNSUPPORTED_DATA = 1003;
    /** Close status: a normal close. */
    static final int NORMAL = 1000;
    /** Close status: the engine is going away. */
    static final int GOING_AWAY = 1001;

    private final WebSocketRoute.Peer peer;
    private final boolean json;
    private final RemotePluginRoute route;
    private final RemoteJson outbound;
    private final RemoteJson inbound;
    private final ExpandableArrayBuffer inboundBuffer;
    private final UnsafeBuffer message = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer emitted = new UnsafeBuffer(0, 0);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final PluginHelloDecoder helloDecoder = new PluginHelloDecoder();
    private final PluginDoneDecoder doneDecoder = new PluginDoneDecoder();
    private final PluginEmitDecoder emitDecoder = new PluginEmitDecoder();
    private final PluginHeartbeatDecoder heartbeatDecoder = new PluginHeartbeatDecoder();
    private final PluginGoodbyeDecoder goodbyeDecoder = new PluginGoodbyeDecoder();
    private final AtomicBoolean closedOnce = new AtomicBoolean();
    private final String description;
    private volatile RemoteLinkHandler handler;
    private volatile boolean helloSeen;
    private volatile long lastEventSent = -1;

    /**
     * @param peer  the connection.
     * @param json  true for the JSON subprotocol, false for SBE.
     * @param route counts refusals and bounds the hosts waiting for their hello.
     */
    WebSocketRemoteLink(final WebSocketRoute.Peer peer, final boolean json, final RemotePluginRoute route)
    {
        this.peer = peer;
        this.json = json;
        this.route = route;
        this.outbound = json ? new RemoteJson() : null;
        this.inbound = json ? new RemoteJson() : null;
        this.inboundBuffer = json ? new ExpandableArrayBuffer(1024) : null;
        this.description = "websocket " + peer.remoteAddress();
    }

    void handler(final RemoteLinkHandler handler)
    {
        this.handler = handler;
    }

    boolean helloSeen()
    {
        return helloSeen;
    }

    /** {@inheritDoc} */
    public int offer(final DirectBuffer buffer, final int offset, final int length)
    {
        if (peer.isClosed())
        {
            return CLOSED;
        }
        final boolean event = length >= MessageHeaderDecoder.ENCODED_LENGTH + PluginEventDecoder.BLOCK_LENGTH &&
            PluginEventDecoder.TEMPLATE_ID == MessageSchema.templateId(buffer, offset);
        final boolean sent = json ? peer.sendText(outbound.toJson(buffer, offset, length)) :
            peer.sendBinary(buffer, offset, length);
        if (sent)
        {
            if (event)
            {
                final long sequence = buffer.getLong(offset + MessageHeaderDecoder.ENCODED_LENGTH +
                    PluginEventDecoder.sequenceEncodingOffset(), PluginEventDecoder.BYTE_ORDER);
                if (sequence > lastEventSent)
                {
                    lastEventSent = sequence;
                }
            }
            return SENT;
        }
        return peer.isClosed() ? CLOSED : BACK_PRESSURED;
    }

    /** {@inheritDoc} */
    public void close(final String reason)
    {
        peer.close(closeStatus(reason), reason);
    }

    /**
     * The WebSocket close status that tells a host why the engine closes its link, from the endpoint's reason:
     * 1008 for a refused hello or a malformed message, 1009 for one too big, 1001 when the engine stops, else 1000.
     *
     * @param reason the endpoint's reason.
     * @return the close status.
     */
    static int closeStatus(final String reason)
    {
        if (null == reason)
        {
            return NORMAL;
        }
        if (reason.startsWith("refused") || reason.startsWith("malformed") || reason.startsWith("no PluginHello"))
        {
            return RemoteJson.POLICY_VIOLATION;
        }
        if (reason.contains("exceeds the engine's limit") || reason.startsWith("host sent more than"))
        {
            return RemoteJson.MESSAGE_TOO_BIG;
        }
        if (reason.contains("shutting down"))
        {
            return GOING_AWAY;
        }
        return NORMAL;
    }

    /** {@inheritDoc} */
    public String transport()
    {
        return "websocket";
    }

    /** {@inheritDoc} */
    public String describe()
    {
        return description;
    }

    /** {@inheritDoc} */
    public void onText(final String text)
    {
        if (peer.isClosed())
        {
            return;
        }
        if (!json)
        {
            refuse(UNSUPPORTED_DATA, "text frame on " + RemoteJson.SBE_SUBPROTOCOL + ": expected binary SBE frames");
            return;
        }
        final int length;
        try
        {
            length = inbound.toSbe(text, inboundBuffer, 0);
        }
        catch (final RemoteJson.ProtocolException ex)
        {
            refuse(ex.closeStatus(), ex.getMessage());
            return;
        }
        deliver(inboundBuffer, 0, length);
    }

    /** {@inheritDoc} */
    public void onBinary(final DirectBuffer buffer, final int offset, final int length)
    {
        if (peer.isClosed())
        {
            return;
        }
        if (json)
        {
            refuse(UNSUPPORTED_DATA, "binary frame on " + RemoteJson.JSON_SUBPROTOCOL + ": expected JSON text frames");
            return;
        }
        final String invalid = checkSbe(buffer, offset, length);
        if (null != invalid)
        {
            refuse(RemoteJson.POLICY_VIOLATION, invalid);
            return;
        }
        deliver(buffer, offset, length);
    }

    /** {@inheritDoc} */
    public void onClosed(final String reason)
    {
        if (closedOnce.compareAndSet(false, true))
        {
            route.closed(this);
            final RemoteLinkHandler handler = this.handler;
            if (null != handler)
            {
                handler.onClosed(reason);
            }
        }
    }

    private void deliver(final DirectBuffer buffer, final int offset, final int length)
    {
        final int templateId = MessageSchema.templateId(buffer, offset);
        if (!isFromHost(templateId))
        {
            refuse(RemoteJson.POLICY_VIOLATION, "unexpected " + RemotePluginRoute.typeName(templateId) +
                " from a host: expected hello, done, emit, heartbeat or goodbye");
            return;
        }
        if (PluginHelloDecoder.TEMPLATE_ID == templateId)
        {
            if (helloSeen)
            {
                refuse(RemoteJson.POLICY_VIOLATION, "a second hello: a connection runs one plugin");
                return;
            }
            helloSeen = true;
            route.helloReceived(this);
        }
        else if (!helloSeen)
        {
            refuse(RemoteJson.POLICY_VIOLATION, "expected hello first, got " + RemotePluginRoute.typeName(templateId));
            return;
        }
        else if (PluginDoneDecoder.TEMPLATE_ID == templateId)
        {
            final long sequence = buffer.getLong(offset + MessageHeaderDecoder.ENCODED_LENGTH +
                PluginDoneDecoder.sequenceEncodingOffset(), PluginDoneDecoder.BYTE_ORDER);
            final long lastSent = lastEventSent;
            if (sequence > lastSent)
            {
                refuse(RemoteJson.POLICY_VIOLATION, "done for event " + sequence + ", never sent: " +
                    (lastSent < 0 ? "no event sent yet" : "the last sent is " + lastSent));
                return;
            }
        }
        final RemoteLinkHandler handler = this.handler;
        if (null != handler)
        {
            handler.onMessage(buffer, offset, length);
        }
    }

    private static boolean isFromHost(final int templateId)
    {
        return PluginHelloDecoder.TEMPLATE_ID == templateId || PluginDoneDecoder.TEMPLATE_ID == templateId ||
            PluginEmitDecoder.TEMPLATE_ID == templateId || PluginHeartbeatDecoder.TEMPLATE_ID == templateId ||
            PluginGoodbyeDecoder.TEMPLATE_ID == templateId;
    }

    private void refuse(final int status, final String reason)
    {
        route.refused(this, status, reason);
        peer.close(status, reason);
    }

    /**
     * Check a binary frame: one whole host-to-engine protocol message, its emits events.
     *
     * @return null when it may go to the endpoint, else why not.
     */
    private String checkSbe(final DirectBuffer buffer, final int offset, final int length)
    {
        final String invalid = MessageSchema.validate(buffer, offset, length);
        if (null != invalid)
        {
            return invalid;
        }
        message.wrap(buffer, offset, length);
        try
        {
            headerDecoder.wrap(message, 0);
            final int templateId = headerDecoder.templateId();
            final int blockLength = headerDecoder.blockLength();
            final int version = headerDecoder.version();
            final int body = MessageHeaderDecoder.ENCODED_LENGTH;
            final int decoded;
            switch (templateId)
            {
                case PluginHelloDecoder.TEMPLATE_ID ->
                    decoded = helloDecoder.wrap(message, body, blockLength, version).sbeDecodedLength();
                case PluginDoneDecoder.TEMPLATE_ID ->
                {
                    doneDecoder.wrap(message, body, blockLength, version);
                    for (final PluginDoneDecoder.EmitsDecoder emit : doneDecoder.emits())
                    {
                        final int emitLength = emit.messageLength();
                        emit.wrapMessage(emitted);
                        final String bad = checkEmit(emitLength);
                        if (null != bad)
                        {
                            return bad;
                        }
                    }
                    doneDecoder.failure();
                    decoded = doneDecoder.encodedLength();
                }
                case PluginEmitDecoder.TEMPLATE_ID ->
                {
                    emitDecoder.wrap(message, body, blockLength, version);
                    for (final PluginEmitDecoder.EmitsDecoder emit : emitDecoder.emits())
                    {
                        final int emitLength = emit.messageLength();
                        emit.wrapMessage(emitted);
                        final String bad = checkEmit(emitLength);
                        if (null != bad)
                        {
                            return bad;
                        }
                    }
                    decoded = emitDecoder.encodedLength();
                }
                case PluginHeartbeatDecoder.TEMPLATE_ID ->
                    decoded = heartbeatDecoder.wrap(message, body, blockLength, version).sbeDecodedLength();
                case PluginGoodbyeDecoder.TEMPLATE_ID ->
                    decoded = goodbyeDecoder.wrap(message, body, blockLength, version).sbeDecodedLength();
                default ->
                {
                    return "unexpected " + RemotePluginRoute.typeName(templateId) + " from a host: expected " +
                        "PluginHello, PluginDone, PluginEmit, PluginHeartbeat or PluginGoodbye";
                }
            }
            if (body + decoded != length)
            {
                return "frame of " + length + " bytes holds a message of " + (body + decoded) +
                    ": expected one whole message per frame";
            }
            return null;
        }
        catch (final IndexOutOfBoundsException | IllegalStateException ex)
        {
            return "message truncated: expected one whole SBE message per frame";
        }
        finally
        {
            message.wrap(0, 0);
            emitted.wrap(0, 0);
        }
    }

    private String checkEmit(final int length)
    {
        final String invalid = MessageSchema.validate(emitted, 0, length);
        if (null != invalid)
        {
            return "emit: " + invalid;
        }
        final int templateId = MessageSchema.templateId(emitted, 0);
        if (!MessageSchema.isEvent(templateId))
        {
            return "emit of " + RemotePluginRoute.typeName(templateId) + ": expected an event such as OverlayAlert";
        }
        return null;
    }
}
