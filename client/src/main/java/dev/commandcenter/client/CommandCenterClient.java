package dev.commandcenter.client;

import dev.commandcenter.codecs.sbe.IngressAckDecoder;
import dev.commandcenter.codecs.sbe.IngressHelloEncoder;
import dev.commandcenter.codecs.sbe.IngressRefusedDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.sbe.MessageEncoderFlyweight;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Publishes events into a Command Center engine over Aeron (its {@code aeron.ingress} stream) and waits until the
 * engine has journaled them.
 * <p>
 * Each event is one SBE message of the Command Center schema with its header, the same bytes a REST or WebSocket
 * producer sends. {@link #offer(DirectBuffer, int, int)} never waits: it returns the stream position after the event,
 * or a negative {@link Publication} code such as {@link Publication#BACK_PRESSURED} when the engine's input ring is
 * full (the engine never drops an event, it stops taking them). {@link #publish(DirectBuffer, int, int)} retries
 * back-pressure, idling, up to {@link Context#publishTimeout(Duration)}. {@link #awaitJournaled(long, Duration)}
 * waits for the engine's acknowledgement that every event up to a position is in its journal.
 * <p>
 * <b>Note:</b> not thread safe: one producer thread uses a client. Publishing allocates nothing.
 */
public final class CommandCenterClient implements AutoCloseable
{
    private final Context ctx;
    private final Aeron aeron;
    private final boolean ownsAeron;
    private final ExclusivePublication publication;
    private final Subscription responses;
    private final FragmentAssembler assembler;
    private final IdleStrategy idle;
    private final NanoClock clock;
    private final int sessionId;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final IngressAckDecoder ackDecoder = new IngressAckDecoder();
    private final IngressRefusedDecoder refusedDecoder = new IngressRefusedDecoder();
    private long journaledPosition = -1;
    private long journaledSequence = -1;
    private String refusal;
    private boolean closed;

    private CommandCenterClient(final Context ctx, final Aeron aeron, final boolean ownsAeron)
    {
        this.ctx = ctx;
        this.aeron = aeron;
        this.ownsAeron = ownsAeron;
        this.idle = ctx.idleStrategy();
        this.clock = ctx.nanoClock();
        final FragmentHandler handler = this::onResponse;
        assembler = new FragmentAssembler(handler);
        ExclusivePublication pub = null;
        Subscription sub = null;
        try
        {
            sub = aeron.addSubscription(ctx.responseChannel(), ctx.responseStreamId());
            pub = aeron.addExclusivePublication(ctx.ingressChannel(), ctx.ingressStreamId());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(pub, sub);
            throw ex;
        }
        publication = pub;
        responses = sub;
        sessionId = pub.sessionId();
    }

    /**
     * Connect to an engine: wait for its ingress subscription, say hello with the response channel and the client
     * name, and wait for the first acknowledgement, all within {@link Context#connectTimeout(Duration)}.
     *
     * @param ctx where the engine is and who this client is; concluded here.
     * @return the connected client.
     * @throws IllegalStateException when no engine answers in time, or the engine refused the client (its
     *                               {@code maxClients} are connected); the message says which.
     */
    public static CommandCenterClient connect(final Context ctx)
    {
        ctx.conclude();
        final boolean ownsAeron = null == ctx.aeron();
        final Aeron aeron = ownsAeron ?
            Aeron.connect(new Aeron.Context().aeronDirectoryName(ctx.aeronDirectoryName())) : ctx.aeron();
        CommandCenterClient client = null;
        try
        {
            client = new CommandCenterClient(ctx, aeron, ownsAeron);
            client.handshake();
            return client;
        }
        catch (final RuntimeException ex)
        {
            if (null != client)
            {
                client.close();
            }
            else if (ownsAeron)
            {
                CloseHelper.quietClose(aeron);
            }
            throw ex;
        }
    }

    private void handshake()
    {
        final long timeoutNs = ctx.connectTimeout().toNanos();
        final long deadlineNs = clock.nanoTime() + timeoutNs;
        idle.reset();
        while (!publication.isConnected())
        {
            if (clock.nanoTime() - deadlineNs >= 0)
            {
                throw new IllegalStateException("no engine subscribed to " + ctx.ingressChannel() + " stream " +
                    ctx.ingressStreamId() + " within " + ctx.connectTimeout().toMillis() +
                    " ms: expected a Command Center engine with aeron.enabled and aeron.ingress on that channel");
            }
            idle.idle();
        }

        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64 + 3 * (ctx.clientName().length() + ctx.responseChannel().length())]);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + new IngressHelloEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .protocolVersion(1)
            .responseStreamId(ctx.responseStreamId())
            .clientName(ctx.clientName())
            .responseChannel(ctx.responseChannel())
            .encodedLength();
        long helloPosition;
        idle.reset();
        while ((helloPosition = publication.offer(buffer, 0, length)) < 0)
        {
            if (Publication.CLOSED == helloPosition || Publication.MAX_POSITION_EXCEEDED == helloPosition ||
                clock.nanoTime() - deadlineNs >= 0)
            {
                throw new IllegalStateException("could not say hello to the engine on " + ctx.ingressChannel() +
                    " stream " + ctx.ingressStreamId() + ": " + Publication.errorString(helloPosition));
            }
            idle.idle();
        }

        idle.reset();
        while (journaledPosition < helloPosition)
        {
            if (null != refusal)
            {
                throw new IllegalStateException("the engine refused this client: " + refusal);
            }
            if (0 == pollAcks())
            {
                if (clock.nanoTime() - deadlineNs >= 0)
                {
                    throw new IllegalStateException("no acknowledgement from the engine on " +
                        ctx.responseChannel() + " stream " + ctx.responseStreamId() + " within " +
                        ctx.connectTimeout().toMillis() + " ms: expected the engine to reach that response channel");
                }
                idle.idle();
            }
        }
    }

    /**
     * Offer one event without waiting.
     *
     * @param buffer holding the SBE message, header included.
     * @param offset of its header.
     * @param length of the message.
     * @return the stream position after the event (pass it to {@link #awaitJournaled(long, Duration)}), or a
     * negative {@link Publication} code: {@link Publication#BACK_PRESSURED} (the engine is full: try again),
     * {@link Publication#NOT_CONNECTED}, {@link Publication#ADMIN_ACTION}, {@link Publication#CLOSED} or
     * {@link Publication#MAX_POSITION_EXCEEDED}.
     */
    public long offer(final DirectBuffer buffer, final int offset, final int length)
    {
        return publication.offer(buffer, offset, length);
    }

    /**
     * Offer the message an SBE encoder has written, header included (encoded after
     * {@code wrapAndApplyHeader}), without waiting.
     *
     * @param encoder the encoder, done writing.
     * @return as {@link #offer(DirectBuffer, int, int)}.
     */
    public long offer(final MessageEncoderFlyweight encoder)
    {
        return publication.offer(encoder.buffer(), encoder.offset() - MessageHeaderEncoder.ENCODED_LENGTH,
            MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * Publish one event, retrying while the engine is back-pressured (or Aeron asks for an admin action), idling
     * between tries, for at most {@link Context#publishTimeout(Duration)}.
     *
     * @param buffer holding the SBE message, header included.
     * @param offset of its header.
     * @param length of the message.
     * @return the stream position after the event, or the last negative {@link Publication} code: still
     * {@link Publication#BACK_PRESSURED} when the timeout passed, or one that retrying cannot cure.
     */
    public long publish(final DirectBuffer buffer, final int offset, final int length)
    {
        long result = publication.offer(buffer, offset, length);
        if (result > 0)
        {
            return result;
        }
        final long deadlineNs = clock.nanoTime() + ctx.publishTimeout().toNanos();
        idle.reset();
        while (result < 0 && (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result))
        {
            if (clock.nanoTime() - deadlineNs >= 0)
            {
                return result;
            }
            pollAcks();
            idle.idle();
            result = publication.offer(buffer, offset, length);
        }
        return result;
    }

    /**
     * Publish the message an SBE encoder has written, header included, as {@link #publish(DirectBuffer, int, int)}.
     *
     * @param encoder the encoder, done writing.
     * @return as {@link #publish(DirectBuffer, int, int)}.
     */
    public long publish(final MessageEncoderFlyweight encoder)
    {
        return publish(encoder.buffer(), encoder.offset() - MessageHeaderEncoder.ENCODED_LENGTH,
            MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    /**
     * Wait until the engine acknowledges that every event up to a position is journaled.
     *
     * @param position a position {@link #offer} or {@link #publish} returned.
     * @param timeout  longest wait.
     * @return true once journaled; false when the timeout passed first (or the position is not one).
     */
    public boolean awaitJournaled(final long position, final Duration timeout)
    {
        if (position <= 0)
        {
            return false;
        }
        final long deadlineNs = clock.nanoTime() + timeout.toNanos();
        idle.reset();
        while (journaledPosition < position)
        {
            if (0 == pollAcks())
            {
                if (clock.nanoTime() - deadlineNs >= 0)
                {
                    return false;
                }
                idle.idle();
            }
        }
        return true;
    }

    /**
     * Take the acknowledgements that arrived, without waiting.
     *
     * @return how many fragments were read.
     */
    public int pollAcks()
    {
        return responses.poll(assembler, 16);
    }

    /**
     * The highest stream position the engine has acknowledged as journaled so far.
     *
     * @return the position, or -1 before the first acknowledgement.
     */
    public long journaledPosition()
    {
        return journaledPosition;
    }

    /**
     * The engine's receipt of the last event of this client covered by the latest acknowledgement.
     *
     * @return the receipt, or -1 when none of this client's events is acknowledged yet.
     */
    public long journaledSequence()
    {
        return journaledSequence;
    }

    /**
     * Session id of this client's ingress publication, as the engine's logs name the client.
     *
     * @return the session id.
     */
    public int sessionId()
    {
        return sessionId;
    }

    /**
     * Whether the engine's ingress subscription is connected.
     *
     * @return true while connected.
     */
    public boolean isConnected()
    {
        return publication.isConnected();
    }

    /**
     * The context this client was connected with.
     *
     * @return the context.
     */
    public Context context()
    {
        return ctx;
    }

    /** Close the publication and subscription, and the Aeron client when this client made it. */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            CloseHelper.quietCloseAll(publication, responses);
            if (ownsAeron)
            {
                CloseHelper.quietClose(aeron);
            }
        }
    }

    private void onResponse(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return;
        }
        headerDecoder.wrap(buffer, offset);
        if (headerDecoder.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            return;
        }
        final int templateId = headerDecoder.templateId();
        if (IngressAckDecoder.TEMPLATE_ID == templateId)
        {
            ackDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
            if (ackDecoder.ingressSessionId() == sessionId && ackDecoder.position() > journaledPosition)
            {
                journaledPosition = ackDecoder.position();
                journaledSequence = ackDecoder.sequence();
            }
        }
        else if (IngressRefusedDecoder.TEMPLATE_ID == templateId)
        {
            refusedDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
            if (refusedDecoder.ingressSessionId() == sessionId)
            {
                refusal = refusedDecoder.reason();
            }
        }
    }

    /**
     * Where the engine is and who this client is, in Aeron's context style: fluent setters, defaults from the
     * constants, checked in {@link #conclude()}.
     */
    public static final class Context
    {
        /** Default ingress channel: IPC, for an engine on this machine. */
        public static final String INGRESS_CHANNEL_DEFAULT = "aeron:ipc";
        /** Default ingress stream id, the engine's {@code aeron.ingress.streamId} default. */
        public static final int INGRESS_STREAM_ID_DEFAULT = 1001;
        /** Default response channel. */
        public static final String RESPONSE_CHANNEL_DEFAULT = "aeron:ipc";
        /** Default response stream id. */
        public static final int RESPONSE_STREAM_ID_DEFAULT = 1004;
        /** Default connect timeout. */
        public static final Duration CONNECT_TIMEOUT_DEFAULT = Duration.ofSeconds(10);
        /** Default longest wait of {@link CommandCenterClient#publish(DirectBuffer, int, int)}. */
        public static final Duration PUBLISH_TIMEOUT_DEFAULT = Duration.ofSeconds(10);

        private boolean concluded;
        private String aeronDirectoryName;
        private Aeron aeron;
        private String ingressChannel = INGRESS_CHANNEL_DEFAULT;
        private int ingressStreamId = INGRESS_STREAM_ID_DEFAULT;
        private String responseChannel = RESPONSE_CHANNEL_DEFAULT;
        private int responseStreamId = RESPONSE_STREAM_ID_DEFAULT;
        private String clientName;
        private Duration connectTimeout = CONNECT_TIMEOUT_DEFAULT;
        private Duration publishTimeout = PUBLISH_TIMEOUT_DEFAULT;
        private IdleStrategy idleStrategy;
        private NanoClock nanoClock;

        /**
         * Check the settings and fill defaults; {@link CommandCenterClient#connect(Context)} calls it.
         *
         * @return this.
         * @throws IllegalArgumentException naming the setting that is wrong and what was expected.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("CommandCenterClient.Context is already concluded");
            }
            concluded = true;
            requireChannel("ingressChannel", ingressChannel);
            requireChannel("responseChannel", responseChannel);
            if (ingressStreamId == 0 || responseStreamId == 0)
            {
                throw new IllegalArgumentException((0 == ingressStreamId ? "ingressStreamId" : "responseStreamId") +
                    " expected a stream id other than 0, got 0");
            }
            if (isNonPositive(connectTimeout) || isNonPositive(publishTimeout))
            {
                throw new IllegalArgumentException((isNonPositive(connectTimeout) ? "connectTimeout" :
                    "publishTimeout") + " expected a positive duration");
            }
            if (null == clientName || clientName.isBlank())
            {
                clientName = "java pid " + ProcessHandle.current().pid();
            }
            if (null == aeronDirectoryName)
            {
                aeronDirectoryName = io.aeron.CommonContext.getAeronDirectoryName();
            }
            if (null == idleStrategy)
            {
                idleStrategy = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1),
                    TimeUnit.MILLISECONDS.toNanos(1));
            }
            if (null == nanoClock)
            {
                nanoClock = SystemNanoClock.INSTANCE;
            }
            return this;
        }

        private static boolean isNonPositive(final Duration duration)
        {
            return null == duration || duration.isNegative() || duration.isZero();
        }

        private static void requireChannel(final String name, final String channel)
        {
            if (null == channel || !(channel.startsWith("aeron:ipc") || channel.startsWith("aeron:udp")))
            {
                throw new IllegalArgumentException(name + " expected an Aeron channel such as aeron:ipc or " +
                    "aeron:udp?endpoint=localhost:40123, got " + (null == channel ? "nothing" : "'" + channel + "'"));
            }
        }

        /**
         * Directory of the media driver to connect through (the engine's {@code <data-dir>/aeron} for IPC with an
         * engine that embeds its driver). Ignored when {@link #aeron(Aeron)} is given.
         *
         * @param aeronDirectoryName the directory; Aeron's default when not set.
         * @return this.
         */
        public Context aeronDirectoryName(final String aeronDirectoryName)
        {
            this.aeronDirectoryName = aeronDirectoryName;
            return this;
        }

        /**
         * Directory of the media driver.
         *
         * @return the directory.
         */
        public String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }

        /**
         * An Aeron client to use rather than connect one: for example one connected to a driver the producer
         * embeds for UDP to an engine on another machine. The client does not close it.
         *
         * @param aeron the client.
         * @return this.
         */
        public Context aeron(final Aeron aeron)
        {
            this.aeron = aeron;
            return this;
        }

        /**
         * The Aeron client given, or null when the client connects its own.
         *
         * @return the client or null.
         */
        public Aeron aeron()
        {
            return aeron;
        }

        /**
         * Channel of the engine's ingress ({@code aeron.ingress.channel}).
         *
         * @param ingressChannel such as {@code aeron:ipc} or {@code aeron:udp?endpoint=engine-host:40123}.
         * @return this.
         */
        public Context ingressChannel(final String ingressChannel)
        {
            this.ingressChannel = ingressChannel;
            return this;
        }

        /**
         * Channel of the engine's ingress.
         *
         * @return the channel.
         */
        public String ingressChannel()
        {
            return ingressChannel;
        }

        /**
         * Stream id of the engine's ingress ({@code aeron.ingress.streamId}).
         *
         * @param ingressStreamId the stream id.
         * @return this.
         */
        public Context ingressStreamId(final int ingressStreamId)
        {
            this.ingressStreamId = ingressStreamId;
            return this;
        }

        /**
         * Stream id of the engine's ingress.
         *
         * @return the stream id.
         */
        public int ingressStreamId()
        {
            return ingressStreamId;
        }

        /**
         * Channel the engine sends this client's acknowledgements on.
         *
         * @param responseChannel such as {@code aeron:ipc} or {@code aeron:udp?endpoint=this-host:40124}.
         * @return this.
         */
        public Context responseChannel(final String responseChannel)
        {
            this.responseChannel = responseChannel;
            return this;
        }

        /**
         * Channel of the acknowledgements.
         *
         * @return the channel.
         */
        public String responseChannel()
        {
            return responseChannel;
        }

        /**
         * Stream id of the acknowledgements; clients may share one (each takes only its own).
         *
         * @param responseStreamId the stream id.
         * @return this.
         */
        public Context responseStreamId(final int responseStreamId)
        {
            this.responseStreamId = responseStreamId;
            return this;
        }

        /**
         * Stream id of the acknowledgements.
         *
         * @return the stream id.
         */
        public int responseStreamId()
        {
            return responseStreamId;
        }

        /**
         * Who this client is, for the engine's log.
         *
         * @param clientName such as {@code chat-bridge}; {@code java pid <pid>} by default.
         * @return this.
         */
        public Context clientName(final String clientName)
        {
            this.clientName = clientName;
            return this;
        }

        /**
         * Who this client is.
         *
         * @return the name.
         */
        public String clientName()
        {
            return clientName;
        }

        /**
         * Longest wait of {@link CommandCenterClient#connect(Context)}.
         *
         * @param connectTimeout the timeout.
         * @return this.
         */
        public Context connectTimeout(final Duration connectTimeout)
        {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Longest wait of connect.
         *
         * @return the timeout.
         */
        public Duration connectTimeout()
        {
            return connectTimeout;
        }

        /**
         * Longest wait of {@link CommandCenterClient#publish(DirectBuffer, int, int)} under back-pressure.
         *
         * @param publishTimeout the timeout.
         * @return this.
         */
        public Context publishTimeout(final Duration publishTimeout)
        {
            this.publishTimeout = publishTimeout;
            return this;
        }

        /**
         * Longest wait of publish.
         *
         * @return the timeout.
         */
        public Duration publishTimeout()
        {
            return publishTimeout;
        }

        /**
         * How the client idles while it waits (connect, publish under back-pressure, awaitJournaled).
         *
         * @param idleStrategy the strategy; back-off by default.
         * @return this.
         */
        public Context idleStrategy(final IdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * How the client idles while it waits.
         *
         * @return the strategy.
         */
        public IdleStrategy idleStrategy()
        {
            return idleStrategy;
        }

        /**
         * Clock of the timeouts.
         *
         * @param nanoClock the clock; the system's by default.
         * @return this.
         */
        public Context nanoClock(final NanoClock nanoClock)
        {
            this.nanoClock = nanoClock;
            return this;
        }

        /**
         * Clock of the timeouts.
         *
         * @return the clock.
         */
        public NanoClock nanoClock()
        {
            return nanoClock;
        }
    }
}
