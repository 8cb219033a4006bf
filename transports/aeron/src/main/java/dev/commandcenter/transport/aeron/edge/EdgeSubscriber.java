package dev.commandcenter.transport.aeron.edge;

import dev.commandcenter.codecs.sbe.EdgeOutputDecoder;
import dev.commandcenter.codecs.sbe.EdgeStatusEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.egress.EgressHandler;
import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.client.ReplayMerge;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * An edge's view of the engine's output stream: connects to the engine's archive, finds the recording of the output
 * stream, replays it from the position the edge needs and merges into the live multi-destination-cast stream with
 * Aeron's {@link ReplayMerge} (a manual-control subscription with a replay destination and a live destination).
 * Every output is handed to an {@link EgressHandler} (the edge's WebSocket egress) once, in order, by the engine's
 * output sequence.
 * <p>
 * A first start replays from the oldest retained position, so the egress rebuilds its retained messages and resume
 * history. When the live stream is lost (the image closes, the merge fails, the archive goes away) the replay-merge
 * runs again from the last position consumed, and outputs already delivered are skipped by output sequence. Every
 * second the agent publishes an {@code EdgeStatus} to the engine's status channel, when one is configured.
 * <p>
 * <b>Note:</b> an Agent: {@link #doWork()} and the handler run on one thread. {@link #connect()} is called once,
 * before the agent runs, to fail fast on an unreachable archive. The getters are thread safe.
 */
public final class EdgeSubscriber implements Agent, FragmentHandler
{
    /** Interval of status messages and of reconnect attempts, milliseconds. */
    public static final long STATUS_INTERVAL_MS = 1_000;

    private final Context ctx;
    private final Aeron aeron;
    private final EgressHandler handler;
    private final ErrorHandler errorHandler;
    private final Consumer<String> log;
    private final EpochClock clock;
    private final String controlEndpoint;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final EdgeOutputDecoder outputDecoder = new EdgeOutputDecoder();
    private final EdgeOutputEvent event = new EdgeOutputEvent();
    private final MessageHeaderEncoder statusHeader = new MessageHeaderEncoder();
    private final EdgeStatusEncoder statusEncoder = new EdgeStatusEncoder();
    private final UnsafeBuffer statusBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(512));
    private AeronArchive archive;
    private ExclusivePublication statusPublication;
    private ReplayMerge replayMerge;
    private Subscription subscription;
    private FragmentAssembler assembler;
    private long recordingId = AeronArchive.NULL_POSITION;
    private int sessionId;
    private boolean merged;
    private int deliveredInPoll;
    private long nextStatusMs;
    private long nextReconnectMs;
    private volatile long position = AeronArchive.NULL_POSITION;
    private volatile long lastOutputSequence = -1;
    private volatile long delivered;
    private volatile long duplicatesSkipped;
    private volatile long merges;
    private volatile boolean live;

    /**
     * A subscriber; nothing is opened until {@link #connect()}.
     *
     * @param ctx concluded here.
     */
    public EdgeSubscriber(final Context ctx)
    {
        ctx.conclude();
        this.ctx = ctx;
        this.aeron = ctx.aeron;
        this.handler = ctx.handler;
        this.errorHandler = ctx.errorHandler;
        this.log = ctx.log;
        this.clock = ctx.clock;
        this.controlEndpoint = ChannelUri.parse(ctx.engineChannel).get(CommonContext.MDC_CONTROL_PARAM_NAME);
    }

    /**
     * Connect to the engine's archive and find the recording of its output stream, waiting at most the context's
     * connect timeout.
     *
     * @throws IllegalStateException with a one-line reason when the archive cannot be reached or records no output
     *                               stream.
     */
    public void connect()
    {
        try
        {
            archive = AeronArchive.connect(new AeronArchive.Context()
                .aeron(aeron)
                .controlRequestChannel(ctx.archiveControlChannel)
                .controlRequestStreamId(ctx.archiveControlStreamId)
                .controlResponseChannel("aeron:udp?endpoint=" + ctx.bindHost + ":0")
                .messageTimeoutNs(TimeUnit.MILLISECONDS.toNanos(ctx.connectTimeoutMs))
                .errorHandler(errorHandler));
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalStateException("cannot reach the engine's archive at " + ctx.archiveControlChannel +
                " within " + ctx.connectTimeoutMs + " ms (is the engine running with aeron.enabled and " +
                "aeron.output.enabled, and is its archive control channel this one?): " + firstLine(ex), ex);
        }
        final long[] found = {AeronArchive.NULL_POSITION, 0};
        archive.listRecordingsForUri(0, Integer.MAX_VALUE, "", ctx.streamId,
            (controlSessionId, correlationId, id, startTimestamp, stopTimestamp, startPosition, stopPosition,
            initialTermId, segmentFileLength, termBufferLength, mtuLength, session, streamId, strippedChannel,
            originalChannel, sourceIdentity) ->
            {
                if (id > found[0])
                {
                    found[0] = id;
                    found[1] = session;
                }
            });
        if (AeronArchive.NULL_POSITION == found[0])
        {
            CloseHelper.quietClose(archive);
            archive = null;
            throw new IllegalStateException("the engine's archive at " + ctx.archiveControlChannel +
                " has no recording of output stream " + ctx.streamId + " (is aeron.output.enabled on the engine?)");
        }
        if (AeronArchive.NULL_POSITION != recordingId && recordingId != found[0])
        {
            log.accept("edge: the engine started a new output stream (recording " + found[0] + "); following it " +
                "from its start");
            position = AeronArchive.NULL_POSITION;
            lastOutputSequence = -1;
        }
        recordingId = found[0];
        sessionId = (int)found[1];
    }

    /**
     * {@inheritDoc}
     */
    public void onStart()
    {
        if (null != ctx.statusChannel)
        {
            statusPublication = aeron.addExclusivePublication(ctx.statusChannel, ctx.statusStreamId);
        }
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int work = 0;
        final long nowMs = clock.time();
        if (nowMs >= nextStatusMs)
        {
            nextStatusMs = nowMs + STATUS_INTERVAL_MS;
            work += sendStatus(nowMs);
        }
        try
        {
            if (null == archive)
            {
                if (nowMs < nextReconnectMs)
                {
                    return work;
                }
                nextReconnectMs = nowMs + STATUS_INTERVAL_MS;
                connect();
            }
            if (null == replayMerge)
            {
                startMerge();
                work++;
            }
            work += poll();
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
            restart(true);
        }
        return work;
    }

    private void startMerge()
    {
        final long startPosition = archive.getStartPosition(recordingId);
        long from = position;
        if (AeronArchive.NULL_POSITION == from)
        {
            from = startPosition;
            if (startPosition > 0)
            {
                log.accept("edge: replaying from position " + startPosition + ", the oldest the engine retains " +
                    "(aeron.output.retainBytes): retained messages are rebuilt from there");
            }
        }
        else if (from < startPosition)
        {
            log.accept("edge: position " + from + " was purged from the engine's recording; resuming from " +
                startPosition + ", the oldest retained: outputs between are missed");
            from = startPosition;
        }
        final String liveDestination = "aeron:udp?endpoint=" + ctx.bindHost + ":0|control=" + controlEndpoint;
        subscription = aeron.addSubscription(
            "aeron:udp?control-mode=manual|session-id=" + sessionId, ctx.streamId);
        assembler = new FragmentAssembler(this);
        replayMerge = new ReplayMerge(subscription, archive, "aeron:udp?session-id=" + sessionId,
            "aeron:udp?endpoint=" + ctx.bindHost + ":0", liveDestination, recordingId, from);
        merged = false;
        live = false;
        merges++;
    }

    private int poll()
    {
        deliveredInPoll = 0;
        final int fragments = replayMerge.poll(assembler, ctx.fragmentLimit);
        if (deliveredInPoll > 0)
        {
            handler.onBatchEnd();
        }
        if (replayMerge.hasFailed())
        {
            errorHandler.onError(new IllegalStateException("edge: replay-merge of the engine's output stream " +
                "failed at position " + position + "; starting it again"));
            restart(false);
            return fragments;
        }
        if (!merged && replayMerge.isMerged())
        {
            merged = true;
            live = true;
            log.accept("edge: caught up with the engine's output stream and merged into it live at position " +
                position);
        }
        final Image image = replayMerge.image();
        if (merged && null != image && (image.isClosed() || image.isEndOfStream()))
        {
            log.accept("edge: lost the engine's live output stream at position " + position +
                "; catching up from the recording");
            restart(false);
        }
        return fragments;
    }

    private void restart(final boolean dropArchive)
    {
        live = false;
        merged = false;
        CloseHelper.quietClose(replayMerge);
        CloseHelper.quietClose(subscription);
        replayMerge = null;
        subscription = null;
        if (dropArchive)
        {
            CloseHelper.quietClose(archive);
            archive = null;
            nextReconnectMs = clock.time() + STATUS_INTERVAL_MS;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        headerDecoder.wrap(buffer, offset);
        if (EdgeOutputDecoder.TEMPLATE_ID != headerDecoder.templateId() ||
            EdgeOutputDecoder.SCHEMA_ID != headerDecoder.schemaId())
        {
            position = header.position();
            return;
        }
        outputDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
        event.wrap(outputDecoder);
        if (event.outputSequence() > lastOutputSequence)
        {
            handler.onOutput(event, false);
            lastOutputSequence = event.outputSequence();
            delivered++;
            deliveredInPoll++;
        }
        else
        {
            duplicatesSkipped++;
        }
        position = header.position();
    }

    private int sendStatus(final long nowMs)
    {
        final ExclusivePublication publication = statusPublication;
        if (null == publication)
        {
            return 0;
        }
        statusEncoder.wrapAndApplyHeader(statusBuffer, 0, statusHeader)
            .position(position)
            .lastOutputSequence(lastOutputSequence)
            .clients(ctx.clients.getAsInt())
            .epochMs(nowMs)
            .edgeId(ctx.edgeId);
        publication.offer(statusBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + statusEncoder.encodedLength());
        return 1;
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        CloseHelper.quietCloseAll(replayMerge, subscription, archive, statusPublication);
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "edge-subscriber";
    }

    /**
     * Position in the output stream after the last output consumed, or {@link AeronArchive#NULL_POSITION} before
     * the first.
     *
     * @return the position.
     */
    public long position()
    {
        return position;
    }

    /**
     * Engine output sequence of the last output handed to the egress, -1 before the first.
     *
     * @return the sequence.
     */
    public long lastOutputSequence()
    {
        return lastOutputSequence;
    }

    /**
     * Outputs handed to the egress.
     *
     * @return the count.
     */
    public long delivered()
    {
        return delivered;
    }

    /**
     * Outputs seen again after a replay-merge restarted and skipped.
     *
     * @return the count.
     */
    public long duplicatesSkipped()
    {
        return duplicatesSkipped;
    }

    /**
     * Replay-merges started, the first included.
     *
     * @return the count.
     */
    public long merges()
    {
        return merges;
    }

    /**
     * Whether the subscriber is merged into the live stream now.
     *
     * @return true when live.
     */
    public boolean isLive()
    {
        return live;
    }

    /**
     * Id of the recording followed.
     *
     * @return the recording id, or {@link AeronArchive#NULL_POSITION} before {@link #connect()}.
     */
    public long recordingId()
    {
        return recordingId;
    }

    private static String firstLine(final Throwable ex)
    {
        final String message = null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage();
        final int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /**
     * Settings of an {@link EdgeSubscriber}.
     */
    public static final class Context
    {
        /** Default wait for the engine's archive, milliseconds. */
        public static final long CONNECT_TIMEOUT_MS_DEFAULT = 5_000;

        private boolean concluded;
        private Aeron aeron;
        private String engineChannel;
        private int streamId = 1003;
        private String archiveControlChannel;
        private int archiveControlStreamId = 10;
        private String bindHost = "localhost";
        private String statusChannel;
        private int statusStreamId = 1004;
        private String edgeId = "edge";
        private IntSupplier clients = () -> 0;
        private EgressHandler handler;
        private ErrorHandler errorHandler = Throwable::printStackTrace;
        private Consumer<String> log = (line) -> {};
        private EpochClock clock = SystemEpochClock.INSTANCE;
        private long connectTimeoutMs = CONNECT_TIMEOUT_MS_DEFAULT;
        private int fragmentLimit = 64;

        /**
         * The edge's Aeron client.
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
         * The engine's output channel, whose {@code control=} endpoint the edge joins.
         *
         * @param channel such as {@code aeron:udp?control=engine-host:40456}.
         * @return this.
         */
        public Context engineChannel(final String channel)
        {
            this.engineChannel = channel;
            return this;
        }

        /**
         * Stream id of the output stream.
         *
         * @param streamId the stream id.
         * @return this.
         */
        public Context streamId(final int streamId)
        {
            this.streamId = streamId;
            return this;
        }

        /**
         * The engine archive's control channel.
         *
         * @param channel such as {@code aeron:udp?endpoint=engine-host:8010}.
         * @return this.
         */
        public Context archiveControlChannel(final String channel)
        {
            this.archiveControlChannel = channel;
            return this;
        }

        /**
         * Stream id of the archive's control channel.
         *
         * @param streamId the stream id.
         * @return this.
         */
        public Context archiveControlStreamId(final int streamId)
        {
            this.archiveControlStreamId = streamId;
            return this;
        }

        /**
         * Host or address of this edge the engine can reach, for the edge's own UDP endpoints.
         *
         * @param host such as {@code localhost} or an interface address.
         * @return this.
         */
        public Context bindHost(final String host)
        {
            this.bindHost = host;
            return this;
        }

        /**
         * The engine's status channel; null sends no status.
         *
         * @param channel such as {@code aeron:udp?endpoint=engine-host:40457}.
         * @return this.
         */
        public Context statusChannel(final String channel)
        {
            this.statusChannel = channel;
            return this;
        }

        /**
         * Stream id of the status channel.
         *
         * @param streamId the stream id.
         * @return this.
         */
        public Context statusStreamId(final int streamId)
        {
            this.statusStreamId = streamId;
            return this;
        }

        /**
         * Who this edge is in the engine's table.
         *
         * @param edgeId such as {@code edge on host:8081}.
         * @return this.
         */
        public Context edgeId(final String edgeId)
        {
            this.edgeId = edgeId;
            return this;
        }

        /**
         * Where the edge's client count comes from, for its status.
         *
         * @param clients the count.
         * @return this.
         */
        public Context clients(final IntSupplier clients)
        {
            this.clients = clients;
            return this;
        }

        /**
         * The egress every output is handed to.
         *
         * @param handler the egress.
         * @return this.
         */
        public Context handler(final EgressHandler handler)
        {
            this.handler = handler;
            return this;
        }

        /**
         * Where errors go.
         *
         * @param errorHandler the handler.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        /**
         * Told of what an operator should know: merges, losses, purged positions.
         *
         * @param log the log.
         * @return this.
         */
        public Context log(final Consumer<String> log)
        {
            this.log = log;
            return this;
        }

        /**
         * The clock of status and reconnect intervals.
         *
         * @param clock the clock.
         * @return this.
         */
        public Context clock(final EpochClock clock)
        {
            this.clock = clock;
            return this;
        }

        /**
         * Longest wait for the engine's archive to answer.
         *
         * @param timeoutMs milliseconds.
         * @return this.
         */
        public Context connectTimeoutMs(final long timeoutMs)
        {
            this.connectTimeoutMs = timeoutMs;
            return this;
        }

        /**
         * Check the settings; called once by the subscriber.
         *
         * @throws IllegalStateException naming what is missing or wrong.
         */
        public void conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("edge subscriber context already concluded");
            }
            concluded = true;
            if (null == aeron || null == handler)
            {
                throw new IllegalStateException("edge subscriber needs an Aeron client and an egress handler");
            }
            if (null == engineChannel)
            {
                throw new IllegalStateException("edge subscriber needs the engine's output channel");
            }
            final ChannelUri uri;
            try
            {
                uri = ChannelUri.parse(engineChannel);
            }
            catch (final RuntimeException ex)
            {
                throw new IllegalStateException("--engine expected an Aeron channel such as " +
                    "aeron:udp?control=engine-host:40456, got '" + engineChannel + "'");
            }
            if (!uri.isUdp() || null == uri.get(CommonContext.MDC_CONTROL_PARAM_NAME))
            {
                throw new IllegalStateException("--engine expected a UDP channel with the engine's control endpoint " +
                    "such as aeron:udp?control=engine-host:40456, got '" + engineChannel + "'");
            }
            if (null == archiveControlChannel)
            {
                throw new IllegalStateException("edge subscriber needs the engine archive's control channel");
            }
            try
            {
                ChannelUri.parse(archiveControlChannel);
            }
            catch (final RuntimeException ex)
            {
                throw new IllegalStateException("--archive expected an Aeron channel such as " +
                    "aeron:udp?endpoint=engine-host:8010, got '" + archiveControlChannel + "'");
            }
        }
    }
}
