package dev.commandcenter.plugin.host.remote;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.PluginDoneDecoder;
import dev.commandcenter.codecs.sbe.PluginEmitDecoder;
import dev.commandcenter.codecs.sbe.PluginGoodbyeDecoder;
import dev.commandcenter.codecs.sbe.PluginGoodbyeEncoder;
import dev.commandcenter.codecs.sbe.PluginHeartbeatDecoder;
import dev.commandcenter.codecs.sbe.PluginHelloDecoder;
import dev.commandcenter.codecs.sbe.PluginWelcomeEncoder;
import dev.commandcenter.engine.EventPublisher;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * One connection from a plugin host as the {@link RemotePlugins} endpoint runs it: waiting for its
 * {@code PluginHello}, then attached to a remote slot until the link closes. Heartbeats and goodbyes are handled on
 * the transport's thread; {@code PluginDone} and {@code PluginEmit} are checked here (well formed, within the size
 * limits) and handed to the slot's thread through its inbox. Anything else, or a malformed message, is counted and
 * closes the link with a reason.
 * <p>
 * <b>Note:</b> {@link #onMessage} and {@link #onClosed} run on the transport's thread for this link;
 * {@link #offer} may be called from any thread (the slot's, the endpoint's timer, the transport's): it serialises
 * sends on this object, as {@link RemoteLink#offer} asks.
 */
public final class HostSession implements RemoteLinkHandler
{
    /** Protocol version this engine speaks. */
    public static final int PROTOCOL_VERSION = 1;

    enum State
    {
        PENDING, ATTACHED, CLOSED
    }

    private final RemoteLink link;
    private final RemotePlugins endpoint;
    private final long openedMs;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final PluginHelloDecoder helloDecoder = new PluginHelloDecoder();
    private final PluginDoneDecoder doneDecoder = new PluginDoneDecoder();
    private final PluginEmitDecoder emitDecoder = new PluginEmitDecoder();
    private final PluginHeartbeatDecoder heartbeatDecoder = new PluginHeartbeatDecoder();
    private final PluginGoodbyeDecoder goodbyeDecoder = new PluginGoodbyeDecoder();
    private final ExpandableArrayBuffer controlBuffer = new ExpandableArrayBuffer(512);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private volatile State state = State.PENDING;
    private volatile long lastHeardMs;
    private volatile long hostLastDone = -1;
    private volatile RemotePluginProxy proxy;
    private volatile String host = "";

    HostSession(final RemoteLink link, final RemotePlugins endpoint, final long nowMs)
    {
        this.link = link;
        this.endpoint = endpoint;
        this.openedMs = nowMs;
        this.lastHeardMs = nowMs;
    }

    /**
     * {@inheritDoc}
     */
    public void onMessage(final DirectBuffer buffer, final int offset, final int length)
    {
        if (State.CLOSED == state)
        {
            return;
        }
        lastHeardMs = endpoint.nowMs();
        if (length < MessageSchema.HEADER_LENGTH)
        {
            malformed("a message of " + length + " bytes, shorter than the " + MessageSchema.HEADER_LENGTH +
                "-byte header");
            return;
        }
        headerDecoder.wrap(buffer, offset);
        if (headerDecoder.schemaId() != MessageSchema.SCHEMA_ID)
        {
            malformed("schema id " + headerDecoder.schemaId() + ", expected " + MessageSchema.SCHEMA_ID);
            return;
        }
        final int templateId = headerDecoder.templateId();
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        final int bodyOffset = offset + MessageSchema.HEADER_LENGTH;
        try
        {
            if (State.PENDING == state)
            {
                if (PluginHelloDecoder.TEMPLATE_ID != templateId)
                {
                    malformed("template id " + templateId + " before PluginHello, expected PluginHello (" +
                        PluginHelloDecoder.TEMPLATE_ID + ") first");
                    return;
                }
                helloDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final int protocolVersion = helloDecoder.protocolVersion();
                helloDecoder.responseStreamId();
                final String pluginId = helloDecoder.pluginId();
                final String hostName = helloDecoder.host();
                requireWithin(helloDecoder.limit(), offset, length);
                host = hostName;
                if (PROTOCOL_VERSION != protocolVersion)
                {
                    refuse("protocol version " + protocolVersion + " not supported, expected " + PROTOCOL_VERSION);
                    return;
                }
                endpoint.hello(this, pluginId);
                return;
            }
            switch (templateId)
            {
                case PluginHeartbeatDecoder.TEMPLATE_ID ->
                {
                    heartbeatDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    requireWithin(bodyOffset + blockLength, offset, length);
                    hostLastDone = heartbeatDecoder.lastDone();
                }
                case PluginDoneDecoder.TEMPLATE_ID ->
                {
                    doneDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    doneDecoder.sequence();
                    for (final PluginDoneDecoder.EmitsDecoder emit : doneDecoder.emits())
                    {
                        checkEmit(emit.messageLength());
                        emit.skipMessage();
                    }
                    doneDecoder.skipFailure();
                    requireWithin(doneDecoder.limit(), offset, length);
                    toInbox(templateId, buffer, offset, length);
                }
                case PluginEmitDecoder.TEMPLATE_ID ->
                {
                    emitDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    for (final PluginEmitDecoder.EmitsDecoder emit : emitDecoder.emits())
                    {
                        checkEmit(emit.messageLength());
                        emit.skipMessage();
                    }
                    requireWithin(emitDecoder.limit(), offset, length);
                    toInbox(templateId, buffer, offset, length);
                }
                case PluginGoodbyeDecoder.TEMPLATE_ID ->
                {
                    goodbyeDecoder.wrap(buffer, bodyOffset, blockLength, version);
                    close("host said goodbye: " + goodbyeDecoder.reason());
                }
                default -> malformed("template id " + templateId + ", expected PluginDone, PluginEmit, " +
                    "PluginHeartbeat or PluginGoodbye");
            }
        }
        catch (final IndexOutOfBoundsException | IllegalStateException ex)
        {
            malformed("template id " + templateId + " cut short or malformed (" + ex.getMessage() + ")");
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onClosed(final String reason)
    {
        final State previous = state;
        state = State.CLOSED;
        endpoint.closed(this, previous, "host " + describe() + " gone: " + reason);
    }

    /**
     * Send a message to the host.
     *
     * @param buffer holding it.
     * @param offset of its header.
     * @param length of the message.
     * @return a {@link RemoteLink} offer result.
     */
    public synchronized int offer(final DirectBuffer buffer, final int offset, final int length)
    {
        if (State.CLOSED == state)
        {
            return RemoteLink.CLOSED;
        }
        return link.offer(buffer, offset, length);
    }

    /**
     * Close the link.
     *
     * @param reason why, for the host and the slot's health.
     */
    public void close(final String reason)
    {
        link.close(reason);
    }

    /**
     * Who is on the other end.
     *
     * @return such as {@code aeron session 12 (java pid 4242 on studio)}.
     */
    public String describe()
    {
        final String who = host;
        return link.describe() + (who.isEmpty() ? "" : " (" + who + ")");
    }

    /**
     * The link's transport.
     *
     * @return {@code aeron} or {@code websocket}.
     */
    public String transport()
    {
        return link.transport();
    }

    /**
     * The last sequence the host says it sent a Done for (from its heartbeats).
     *
     * @return the sequence, -1 when none.
     */
    public long hostLastDone()
    {
        return hostLastDone;
    }

    State state()
    {
        return state;
    }

    long openedMs()
    {
        return openedMs;
    }

    long lastHeardMs()
    {
        return lastHeardMs;
    }

    RemotePluginProxy proxy()
    {
        return proxy;
    }

    void attached(final RemotePluginProxy proxy)
    {
        this.proxy = proxy;
        this.state = State.ATTACHED;
    }

    void welcome(final String pluginId, final long resumeAfter, final int heartbeatIntervalMs, final String configJson)
    {
        final PluginWelcomeEncoder welcome = new PluginWelcomeEncoder();
        welcome.wrapAndApplyHeader(controlBuffer, 0, headerEncoder)
            .resumeAfter(resumeAfter)
            .heartbeatIntervalMs(heartbeatIntervalMs)
            .pluginId(pluginId)
            .configJson(configJson);
        offerControl(MessageHeaderEncoder.ENCODED_LENGTH + welcome.encodedLength());
    }

    void refuse(final String reason)
    {
        endpoint.countRefused();
        final PluginGoodbyeEncoder goodbye = new PluginGoodbyeEncoder();
        goodbye.wrapAndApplyHeader(controlBuffer, 0, headerEncoder).refused(BooleanType.TRUE).reason(reason);
        offerControl(MessageHeaderEncoder.ENCODED_LENGTH + goodbye.encodedLength());
        close("refused: " + reason);
    }

    private void offerControl(final int length)
    {
        // Control messages are rare: a few tries, then the link is left to its heartbeat checks.
        for (int i = 0; i < 1000; i++)
        {
            if (RemoteLink.BACK_PRESSURED != offer(controlBuffer, 0, length))
            {
                return;
            }
            Thread.onSpinWait();
        }
    }

    private void malformed(final String what)
    {
        endpoint.countMalformed();
        close("malformed message from the host: " + what);
    }

    private void toInbox(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        final RemotePluginProxy target = proxy;
        if (length > target.maxInboxMessage())
        {
            endpoint.countOversize();
            close("message of " + length + " bytes from the host exceeds the engine's limit of " +
                target.maxInboxMessage());
            return;
        }
        if (!target.offerToInbox(templateId, buffer, offset, length))
        {
            endpoint.countOversize();
            close("host sent more than the engine buffers (inbox of " + RemotePluginProxy.INBOX_BYTES +
                " bytes full)");
        }
    }

    private void checkEmit(final int messageLength)
    {
        if (messageLength > EventPublisher.MAX_MESSAGE_LENGTH)
        {
            throw new IllegalStateException("an emit of " + messageLength + " bytes, expected at most " +
                EventPublisher.MAX_MESSAGE_LENGTH);
        }
    }

    private static void requireWithin(final int limit, final int offset, final int length)
    {
        if (limit > offset + length)
        {
            throw new IllegalStateException("its fields run " + (limit - offset - length) + " bytes past its end");
        }
    }
}
