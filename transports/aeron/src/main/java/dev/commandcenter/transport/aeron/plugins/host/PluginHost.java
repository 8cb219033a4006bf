package dev.commandcenter.transport.aeron.plugins.host;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.PluginDoneEncoder;
import dev.commandcenter.codecs.sbe.PluginEmitEncoder;
import dev.commandcenter.codecs.sbe.PluginEventDecoder;
import dev.commandcenter.codecs.sbe.PluginGoodbyeDecoder;
import dev.commandcenter.codecs.sbe.PluginGoodbyeEncoder;
import dev.commandcenter.codecs.sbe.PluginHeartbeatEncoder;
import dev.commandcenter.codecs.sbe.PluginHelloEncoder;
import dev.commandcenter.codecs.sbe.PluginWelcomeDecoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginConfig;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.Subscription;
import dev.commandcenter.plugin.host.HostedPlugin;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Map;

/**
 * The plugin host's side of the remote plugin protocol over Aeron: runs one plugin (loaded unchanged from its jar
 * by {@link HostedPlugin}) for an engine's remote slot. It publishes to the engine's {@code aeron.plugins} channel,
 * says {@code PluginHello}, and on the {@code PluginWelcome} starts the plugin with the configuration the engine
 * sends; then each {@code PluginEvent} is handed to the plugin (through its own subscription) and answered with
 * one {@code PluginDone} carrying what it emitted meanwhile and what it threw. Emits outside {@code onEvent} go as
 * {@code PluginEmit}. Heartbeats go every interval the engine gives; an engine silent for two intervals, or a link
 * that closes, is left and a new session says hello again (the engine resends what was not acknowledged), until
 * {@link #close()}.
 * <p>
 * Exits (the {@code plugin-host} command maps them to exit codes): an engine that cannot be reached within the
 * connect timeout, and an engine that refuses the hello ({@code PluginGoodbye{refused}}), end {@link #run} with a
 * {@link HostException} naming what was expected.
 * <p>
 * <b>Note:</b> {@link #run} runs on one thread; the plugin's emits from other threads are serialised on this
 * object; {@link #close()} may be called from any thread.
 */
public final class PluginHost implements AutoCloseable
{
    /** Why {@link #run} ended. */
    public static final class HostException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        /** The exit code for the command. */
        private final int exitCode;

        /**
         * A reason to stop.
         *
         * @param exitCode the command's exit code.
         * @param message  one line.
         */
        public HostException(final int exitCode, final String message)
        {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }

        /**
         * The command's exit code.
         *
         * @return the code.
         */
        public int exitCode()
        {
            return exitCode;
        }
    }

    /** Exit code: the engine could not be reached in time. */
    public static final int EXIT_UNREACHABLE = 3;
    /** Exit code: the engine refused the hello. */
    public static final int EXIT_REFUSED = 4;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FRAGMENT_LIMIT = 16;

    private final Aeron aeron;
    private final HostedPlugin hosted;
    private final String engineChannel;
    private final int engineStreamId;
    private final String responseChannel;
    private final int responseStreamId;
    private final String hostName;
    private final long connectTimeoutMs;
    private final IdleStrategy idle;
    private final EpochClock clock = SystemEpochClock.INSTANCE;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final PluginEventDecoder eventDecoder = new PluginEventDecoder();
    private final PluginWelcomeDecoder welcomeDecoder = new PluginWelcomeDecoder();
    private final PluginGoodbyeDecoder goodbyeDecoder = new PluginGoodbyeDecoder();
    private final ExpandableArrayBuffer sendBuffer = new ExpandableArrayBuffer(64 * 1024);
    private final ExpandableArrayBuffer emitBuffer = new ExpandableArrayBuffer(64 * 1024);
    private final UnsafeBuffer writeBuffer = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
    private final int[] emitOffsets = new int[1024];
    private final int[] emitLengths = new int[1024];
    private final HostEvent event = new HostEvent();
    private final HostContext context = new HostContext();
    private final FragmentAssembler assembler = new FragmentAssembler(this::onFragment);

    private volatile boolean running = true;
    private ExclusivePublication publication;
    private io.aeron.Subscription subscription;
    private boolean attached;
    private boolean started;
    private boolean inEvent;
    private int emits;
    private int emitsLength;
    private long lastDone = -1;
    private long heartbeatIntervalMs = 1000;
    private long lastHeardMs;
    private long lastBeatMs;
    private long helloSentMs;
    private int sessions;
    private volatile String refusal;

    /**
     * A host of one plugin; nothing is connected until {@link #run}.
     *
     * @param aeron            the host's Aeron client (its own embedded driver or an external one).
     * @param hosted           the plugin, loaded.
     * @param engineChannel    the engine's {@code aeron.plugins.channel}.
     * @param engineStreamId   its stream id.
     * @param responseChannel  where the engine publishes to this host.
     * @param responseStreamId stream id of that channel.
     * @param hostName         who runs it, for {@code plugins list}: such as {@code java pid 4242 on studio}.
     * @param connectTimeoutMs longest wait for the engine at the first connect.
     * @param idle             between duty cycles.
     */
    public PluginHost(
        final Aeron aeron,
        final HostedPlugin hosted,
        final String engineChannel,
        final int engineStreamId,
        final String responseChannel,
        final int responseStreamId,
        final String hostName,
        final long connectTimeoutMs,
        final IdleStrategy idle)
    {
        this.aeron = aeron;
        this.hosted = hosted;
        this.engineChannel = engineChannel;
        this.engineStreamId = engineStreamId;
        this.responseChannel = responseChannel;
        this.responseStreamId = responseStreamId;
        this.hostName = hostName;
        this.connectTimeoutMs = connectTimeoutMs;
        this.idle = idle;
    }

    /**
     * Connect, say hello, and run the plugin until {@link #close()}; reconnects when the engine goes away.
     *
     * @throws HostException when the engine is unreachable at the first connect or refuses the hello.
     */
    public void run()
    {
        subscription = aeron.addSubscription(responseChannel, responseStreamId);
        try
        {
            final long startMs = clock.time();
            connect();
            while (running)
            {
                int work = subscription.poll(assembler, FRAGMENT_LIMIT);
                final long nowMs = clock.time();
                if (null != refusal)
                {
                    throw new HostException(EXIT_REFUSED, "engine refused plugin '" + hosted.id() +
                        "': " + refusal);
                }
                if (!attached)
                {
                    if (publication.isConnected() && 0 == helloSentMs)
                    {
                        sendHello(nowMs);
                        work++;
                    }
                    else if (0 == sessions - 1 && !publication.isConnected() && nowMs - startMs > connectTimeoutMs)
                    {
                        throw new HostException(EXIT_UNREACHABLE, "engine unreachable: no subscriber on " +
                            engineChannel + " stream " + engineStreamId + " within " + connectTimeoutMs +
                            " ms; expected a running engine with aeron.enabled and aeron.plugins.enabled");
                    }
                    else if (0 != helloSentMs && nowMs - helloSentMs > Math.max(connectTimeoutMs, 2 * heartbeatIntervalMs))
                    {
                        reconnect();
                        work++;
                    }
                }
                else
                {
                    if (nowMs - lastHeardMs >= 2 * heartbeatIntervalMs || !publication.isConnected())
                    {
                        reconnect();
                        work++;
                    }
                    else if (nowMs - lastBeatMs >= heartbeatIntervalMs)
                    {
                        heartbeat(nowMs);
                        work++;
                    }
                }
                idle.idle(work);
            }
            if (attached)
            {
                goodbye("host shutting down");
            }
        }
        finally
        {
            if (started)
            {
                started = false;
                stopPlugin();
            }
            CloseHelper.quietClose(publication);
            CloseHelper.quietClose(subscription);
        }
    }

    /**
     * Stop {@link #run} after its current duty cycle.
     */
    public void close()
    {
        running = false;
    }

    /**
     * Whether the engine has welcomed this host (its current session).
     *
     * @return true when attached.
     */
    public boolean isAttached()
    {
        return attached;
    }

    private void connect()
    {
        sessions++;
        publication = aeron.addExclusivePublication(engineChannel, engineStreamId);
        helloSentMs = 0;
        attached = false;
    }

    private void reconnect()
    {
        attached = false;
        CloseHelper.quietClose(publication);
        connect();
    }

    private synchronized void sendHello(final long nowMs)
    {
        final PluginHelloEncoder hello = new PluginHelloEncoder().wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
            .protocolVersion(1)
            .responseStreamId(responseStreamId)
            .pluginId(hosted.id())
            .host(hostName)
            .responseChannel(responseChannel);
        if (offer(MessageHeaderEncoder.ENCODED_LENGTH + hello.encodedLength()))
        {
            helloSentMs = nowMs;
        }
    }

    private synchronized void heartbeat(final long nowMs)
    {
        final PluginHeartbeatEncoder beat = new PluginHeartbeatEncoder().wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
            .epochMs(nowMs)
            .lastDone(lastDone);
        offer(MessageHeaderEncoder.ENCODED_LENGTH + beat.encodedLength());
        lastBeatMs = nowMs;
    }

    private synchronized void goodbye(final String reason)
    {
        final PluginGoodbyeEncoder goodbye = new PluginGoodbyeEncoder().wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
            .refused(BooleanType.FALSE)
            .reason(reason);
        offer(MessageHeaderEncoder.ENCODED_LENGTH + goodbye.encodedLength());
    }

    private boolean offer(final int length)
    {
        for (int i = 0; i < 1_000_000 && running; i++)
        {
            final long result = publication.offer(sendBuffer, 0, length);
            if (result > 0)
            {
                return true;
            }
            if (Publication.NOT_CONNECTED == result || Publication.CLOSED == result ||
                Publication.MAX_POSITION_EXCEEDED == result)
            {
                return false;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < MessageSchema.HEADER_LENGTH)
        {
            return;
        }
        lastHeardMs = clock.time();
        headerDecoder.wrap(buffer, offset);
        final int body = offset + MessageSchema.HEADER_LENGTH;
        switch (headerDecoder.templateId())
        {
            case PluginWelcomeDecoder.TEMPLATE_ID ->
            {
                welcomeDecoder.wrap(buffer, body, headerDecoder.blockLength(), headerDecoder.version());
                welcomeDecoder.resumeAfter();
                heartbeatIntervalMs = Math.max(1, welcomeDecoder.heartbeatIntervalMs());
                welcomeDecoder.skipPluginId();
                final String configJson = welcomeDecoder.configJson();
                attached = true;
                lastBeatMs = 0;
                if (!started)
                {
                    startPlugin(configJson);
                }
            }
            case PluginEventDecoder.TEMPLATE_ID ->
            {
                if (attached && started)
                {
                    eventDecoder.wrap(buffer, body, headerDecoder.blockLength(), headerDecoder.version());
                    onEvent(buffer);
                }
            }
            case PluginGoodbyeDecoder.TEMPLATE_ID ->
            {
                goodbyeDecoder.wrap(buffer, body, headerDecoder.blockLength(), headerDecoder.version());
                final boolean refused = goodbyeDecoder.refused() == BooleanType.TRUE;
                final String reason = goodbyeDecoder.reason();
                if (refused && !attached)
                {
                    refusal = reason;
                }
                else
                {
                    attached = false;
                    helloSentMs = clock.time();
                }
            }
            default ->
            {
                // Heartbeats: hearing from the engine is all they say.
            }
        }
    }

    private void startPlugin(final String configJson)
    {
        final Map<String, Object> values;
        try
        {
            values = JSON.readValue(configJson.isEmpty() ? "{}" : configJson, new TypeReference<Map<String, Object>>()
            {
            });
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("the engine sent a configuration that is not a JSON object: " +
                ex.getMessage(), ex);
        }
        context.config = hosted.config(values);
        final Plugin plugin = hosted.plugin();
        final Thread thread = Thread.currentThread();
        final ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(hosted.classLoader());
        try
        {
            final Subscription own = plugin.subscription();
            context.subscription = null == own ? Subscription.all() : own;
            plugin.onStart(context);
            started = true;
        }
        catch (final Exception ex)
        {
            throw new HostException(2, "plugin '" + hosted.id() + "' failed to start: " + ex);
        }
        finally
        {
            thread.setContextClassLoader(previous);
        }
    }

    private void stopPlugin()
    {
        try
        {
            hosted.plugin().onStop();
        }
        catch (final RuntimeException ex)
        {
            System.err.println("plugin '" + hosted.id() + "' threw in onStop: " + ex);
        }
    }

    private void onEvent(final DirectBuffer buffer)
    {
        final long sequence = eventDecoder.sequence();
        event.sequence = sequence;
        event.timestampNs = eventDecoder.timestampNs();
        event.source = eventDecoder.source();
        final int messageLength = eventDecoder.messageLength();
        event.buffer.wrap(buffer, eventDecoder.limit() + PluginEventDecoder.messageHeaderLength(), messageLength);
        String failure = "";
        synchronized (this)
        {
            emits = 0;
            emitsLength = 0;
            inEvent = true;
        }
        final Thread thread = Thread.currentThread();
        final ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(hosted.classLoader());
        try
        {
            if (context.subscription.admits(event))
            {
                hosted.plugin().onEvent(event);
            }
        }
        catch (final Throwable ex)
        {
            failure = ex.getClass().getSimpleName() + (null == ex.getMessage() ? "" : ": " + ex.getMessage());
        }
        finally
        {
            thread.setContextClassLoader(previous);
        }
        synchronized (this)
        {
            inEvent = false;
            final PluginDoneEncoder done = new PluginDoneEncoder().wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
                .sequence(sequence);
            final PluginDoneEncoder.EmitsEncoder group = done.emitsCount(emits);
            for (int i = 0; i < emits; i++)
            {
                group.next().putMessage(emitBuffer, emitOffsets[i], emitLengths[i]);
            }
            done.failure(failure);
            if (offer(MessageHeaderEncoder.ENCODED_LENGTH + done.encodedLength()))
            {
                lastDone = sequence;
            }
        }
    }

    private synchronized boolean emit(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > EventPublisher.MAX_MESSAGE_LENGTH || null != MessageSchema.validate(buffer, offset, length))
        {
            return false;
        }
        if (inEvent)
        {
            if (emits == emitOffsets.length)
            {
                return false;
            }
            emitBuffer.putBytes(emitsLength, buffer, offset, length);
            emitOffsets[emits] = emitsLength;
            emitLengths[emits] = length;
            emits++;
            emitsLength += length;
            return true;
        }
        if (!attached)
        {
            return false;
        }
        final PluginEmitEncoder message = new PluginEmitEncoder().wrapAndApplyHeader(sendBuffer, 0, headerEncoder);
        message.emitsCount(1).next().putMessage(buffer, offset, length);
        return offer(MessageHeaderEncoder.ENCODED_LENGTH + message.encodedLength());
    }

    private final class HostContext implements PluginContext, Emitter
    {
        private PluginConfig config;
        private Subscription subscription = Subscription.all();

        public PluginConfig config()
        {
            return config;
        }

        public Emitter emitter()
        {
            return this;
        }

        public EpochClock epochClock()
        {
            return clock;
        }

        public boolean emit(final DirectBuffer buffer, final int offset, final int length)
        {
            return PluginHost.this.emit(buffer, offset, length);
        }

        public <A> boolean emit(final MessageWriter<A> writer, final A arg)
        {
            synchronized (PluginHost.this)
            {
                final int length = writer.write(writeBuffer, 0, arg);
                return PluginHost.this.emit(writeBuffer, 0, length);
            }
        }
    }

    private static final class HostEvent implements Event
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
        private long sequence;
        private long timestampNs;
        private int source;

        public long sequence()
        {
            return sequence;
        }

        public long timestampNs()
        {
            return timestampNs;
        }

        public int source()
        {
            return source;
        }

        public int templateId()
        {
            return MessageSchema.templateId(buffer, 0);
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
            return buffer.capacity();
        }
    }
}
