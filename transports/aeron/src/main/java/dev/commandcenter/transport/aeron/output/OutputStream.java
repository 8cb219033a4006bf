package dev.commandcenter.transport.aeron.output;

import dev.commandcenter.codecs.sbe.EdgeStatusDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.transport.aeron.AeronNode;
import dev.commandcenter.transport.aeron.AeronSettings;
import dev.commandcenter.transport.aeron.OutputSettings;
import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.codecs.SourceLocation;
import io.aeron.archive.status.RecordingPos;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The engine's output stream and everything behind it: an Aeron Archive embedded beside the process's media driver
 * (in {@code <data-dir>/archive}, control on {@code aeron.output.archiveControlChannel} for edges, {@code aeron:ipc}
 * locally), a recording of the output publication with {@link SourceLocation#LOCAL}, the {@link OutputPublisher}
 * egress that offers each output on it, and an agent that keeps the recording within its retention and the
 * {@link EdgeTable} of the edges reporting on the status channel.
 * <p>
 * The publication spies-simulate-connection ({@code ssc=true}): the archive's local recording keeps it connected
 * with no edge listening, so nothing is published that is not recorded. Each engine run starts a new archive (the
 * output sequences start again at 0 in each run); an edge that needs data older than the retention starts from the
 * oldest position still recorded.
 * <p>
 * <b>Note:</b> {@link #publisher()} is driven by the engine's egress thread; the rest by this stream's agent.
 */
public final class OutputStream implements AutoCloseable
{
    /** Directory of the archive under the data dir, unless {@code aeron.output.archiveDir} names one. */
    public static final String ARCHIVE_DIR_NAME = "archive";

    private static final long RECORDING_START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final Archive archive;
    private final AeronArchive archiveClient;
    private final ExclusivePublication publication;
    private final OutputPublisher publisher;
    private final long recordingId;
    private final String channel;
    private final EdgeTable edges;
    private final StatusAgent agent;
    private AgentRunner runner;

    private OutputStream(
        final Archive archive,
        final AeronArchive archiveClient,
        final ExclusivePublication publication,
        final OutputPublisher publisher,
        final long recordingId,
        final String channel,
        final EdgeTable edges,
        final StatusAgent agent)
    {
        this.archive = archive;
        this.archiveClient = archiveClient;
        this.publication = publication;
        this.publisher = publisher;
        this.recordingId = recordingId;
        this.channel = channel;
        this.edges = edges;
        this.agent = agent;
    }

    /**
     * Launch the archive, start recording the output stream and open its publication. The status agent starts with
     * {@link #start(CounterAllocator)} once the engine's counters exist.
     *
     * @param node         the process's Aeron node.
     * @param settings     the {@code aeron:} section.
     * @param dataDir      the data dir.
     * @param errorHandler where errors of the archive, the stream and the agent go.
     * @param log          told of what an operator should know (the retention purging data edges may need).
     * @return the stream, open.
     */
    public static OutputStream launch(
        final AeronNode node,
        final AeronSettings settings,
        final Path dataDir,
        final ErrorHandler errorHandler,
        final Consumer<String> log)
    {
        final OutputSettings output = settings.output;
        final File archiveDir = output.archiveDir.isEmpty() ?
            dataDir.resolve(ARCHIVE_DIR_NAME).toAbsolutePath().toFile() : new File(output.archiveDir);
        final Archive.Context archiveCtx = new Archive.Context()
            .aeronDirectoryName(node.directory())
            .archiveDir(archiveDir)
            .deleteArchiveOnStart(true)
            .controlChannel(output.archiveControlChannel)
            .controlStreamId(output.archiveControlStreamId)
            .localControlChannel(CommonContext.IPC_CHANNEL)
            .replicationChannel(output.archiveReplicationChannel)
            .recordingEventsEnabled(false)
            .segmentFileLength(Math.max(output.segmentLength, settings.termLength))
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(() -> AeronNode.idle(settings.idle))
            .errorHandler(errorHandler);
        final List<AutoCloseable> opened = new ArrayList<>();
        try
        {
            final Archive archive = Archive.launch(archiveCtx);
            opened.add(archive);
            final Aeron aeron = node.aeron();
            final AeronArchive client = AeronArchive.connect(new AeronArchive.Context()
                .aeron(aeron)
                .controlRequestChannel(CommonContext.IPC_CHANNEL)
                .controlRequestStreamId(archive.context().localControlStreamId())
                .controlResponseChannel(CommonContext.IPC_CHANNEL)
                .errorHandler(errorHandler));
            opened.add(0, client);
            final String channel = publicationChannel(output.channel, settings.termLength);
            client.startRecording(channel, output.streamId, SourceLocation.LOCAL);
            final ExclusivePublication publication = aeron.addExclusivePublication(channel, output.streamId);
            opened.add(0, publication);
            final long recordingId = awaitRecording(aeron.countersReader(), publication.sessionId(),
                client.archiveId());
            final OutputPublisher publisher = new OutputPublisher(publication, output.offerTimeoutMs, errorHandler);
            final EdgeTable edges = new EdgeTable(output.maxEdges);
            final Subscription status = aeron.addSubscription(output.statusChannel, output.statusStreamId);
            opened.add(0, status);
            final StatusAgent agent = new StatusAgent(client, recordingId, publication.termBufferLength(),
                archive.context().segmentFileLength(), output, status, edges, publisher, errorHandler, log,
                SystemEpochClock.INSTANCE);
            return new OutputStream(archive, client, publication, publisher, recordingId, channel, edges, agent);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(opened);
            throw ex;
        }
    }

    /**
     * The output channel with {@code ssc=true} (the local recording keeps the publication connected) and the
     * process's term length unless the channel sets one.
     *
     * @param channel    the configured channel.
     * @param termLength the term length.
     * @return the channel to publish and record.
     */
    public static String publicationChannel(final String channel, final int termLength)
    {
        final ChannelUri uri = ChannelUri.parse(channel);
        uri.put(CommonContext.SPIES_SIMULATE_CONNECTION_PARAM_NAME, "true");
        if (null == uri.get(CommonContext.TERM_LENGTH_PARAM_NAME))
        {
            uri.put(CommonContext.TERM_LENGTH_PARAM_NAME, Integer.toString(termLength));
        }
        return uri.toString();
    }

    private static long awaitRecording(final CountersReader counters, final int sessionId, final long archiveId)
    {
        final long deadlineNs = System.nanoTime() + RECORDING_START_TIMEOUT_NS;
        final BackoffIdleStrategy idle = new BackoffIdleStrategy(1, 1, 1_000, TimeUnit.MILLISECONDS.toNanos(1));
        int counterId;
        while (CountersReader.NULL_COUNTER_ID == (counterId = RecordingPos.findCounterIdBySession(
            counters, sessionId, archiveId)))
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new IllegalStateException("the archive did not start recording the aeron output stream within " +
                    TimeUnit.NANOSECONDS.toSeconds(RECORDING_START_TIMEOUT_NS) + " s");
            }
            idle.idle();
        }
        return RecordingPos.getRecordingId(counters, counterId);
    }

    /**
     * Start the agent that polls edge statuses and applies the retention, counting into the engine's counters.
     *
     * @param counters the engine's counter allocator.
     */
    public void start(final CounterAllocator counters)
    {
        publisher.counters(counters);
        agent.counters(counters);
        runner = new AgentRunner(new BackoffIdleStrategy(1, 1, 1_000, TimeUnit.MILLISECONDS.toNanos(10)),
            agent.errorHandler(), null, agent);
        AgentRunner.startOnThread(runner);
    }

    /**
     * The egress to register on the engine's output ring.
     *
     * @return the publisher.
     */
    public OutputPublisher publisher()
    {
        return publisher;
    }

    /**
     * Id of the recording of this run's output stream.
     *
     * @return the recording id.
     */
    public long recordingId()
    {
        return recordingId;
    }

    /**
     * The channel published and recorded.
     *
     * @return the channel.
     */
    public String channel()
    {
        return channel;
    }

    /**
     * The edges heard from in the last five seconds, with their lag.
     *
     * @return a copy of the table.
     */
    public List<EdgeTable.EdgeView> edges()
    {
        return edges.edges(publisher.position(), publisher.lastOutputSequence());
    }

    /**
     * Statuses of edges ignored because the table was full.
     *
     * @return the count.
     */
    public long edgesIgnored()
    {
        return edges.ignored();
    }

    /**
     * Stop the agent that polls edge statuses and applies the retention, and stop counting into the engine's
     * counters: call before the engine closes. The publication stays open for the last outputs.
     */
    public void stopAgent()
    {
        CloseHelper.quietClose(runner);
        agent.detachCounters();
    }

    /**
     * Stop the agent, then close the publication, the archive client and the archive.
     */
    public void close()
    {
        stopAgent();
        publisher.detachCounters();
        CloseHelper.quietCloseAll(publication, archiveClient, archive);
    }

    /**
     * Polls edge statuses into the table, sweeps silent edges, updates the edge gauges, and purges recording
     * segments older than the retention.
     */
    static final class StatusAgent implements Agent, FragmentHandler
    {
        private final AeronArchive archive;
        private final long recordingId;
        private final int termLength;
        private final int segmentLength;
        private final long retainBytes;
        private final long retentionCheckMs;
        private final Subscription status;
        private final EdgeTable edges;
        private final OutputPublisher publisher;
        private final ErrorHandler errorHandler;
        private final Consumer<String> log;
        private final EpochClock clock;
        private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
        private final EdgeStatusDecoder statusDecoder = new EdgeStatusDecoder();
        private long nextSweepMs;
        private long nextRetentionMs;
        private volatile AtomicCounter edgesCounter;
        private volatile AtomicCounter ignoredCounter;
        private volatile AtomicCounter lagBytesCounter;
        private volatile AtomicCounter lagOutputsCounter;
        private volatile AtomicCounter minPositionCounter;

        StatusAgent(
            final AeronArchive archive,
            final long recordingId,
            final int termLength,
            final int segmentLength,
            final OutputSettings settings,
            final Subscription status,
            final EdgeTable edges,
            final OutputPublisher publisher,
            final ErrorHandler errorHandler,
            final Consumer<String> log,
            final EpochClock clock)
        {
            this.archive = archive;
            this.recordingId = recordingId;
            this.termLength = termLength;
            this.segmentLength = segmentLength;
            this.retainBytes = settings.retainBytes;
            this.retentionCheckMs = settings.retentionCheckMs;
            this.status = status;
            this.edges = edges;
            this.publisher = publisher;
            this.errorHandler = errorHandler;
            this.log = log;
            this.clock = clock;
        }

        void counters(final CounterAllocator counters)
        {
            edgesCounter = counters.allocate(CounterType.EDGES, "");
            ignoredCounter = counters.allocate(CounterType.EDGES_IGNORED, "");
            lagBytesCounter = counters.allocate(CounterType.EDGE_MAX_LAG_BYTES, "");
            lagOutputsCounter = counters.allocate(CounterType.EDGE_MAX_LAG_OUTPUTS, "");
            minPositionCounter = counters.allocate(CounterType.EDGE_MIN_POSITION, "");
        }

        void detachCounters()
        {
            edgesCounter = null;
            ignoredCounter = null;
            lagBytesCounter = null;
            lagOutputsCounter = null;
            minPositionCounter = null;
        }

        /**
         * {@inheritDoc}
         */
        public int doWork()
        {
            int work = status.poll(this, 16);
            final long nowMs = clock.time();
            if (nowMs >= nextSweepMs)
            {
                nextSweepMs = nowMs + 1_000;
                work += edges.sweep(nowMs);
                updateGauges();
            }
            if (retainBytes > 0 && nowMs >= nextRetentionMs)
            {
                nextRetentionMs = nowMs + retentionCheckMs;
                work += applyRetention();
            }
            return work;
        }

        /**
         * {@inheritDoc}
         */
        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            headerDecoder.wrap(buffer, offset);
            if (EdgeStatusDecoder.TEMPLATE_ID != headerDecoder.templateId() ||
                EdgeStatusDecoder.SCHEMA_ID != headerDecoder.schemaId())
            {
                return;
            }
            statusDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
            final long position = statusDecoder.position();
            final long lastOutputSequence = statusDecoder.lastOutputSequence();
            final int clients = statusDecoder.clients();
            statusDecoder.epochMs();
            final String id = statusDecoder.edgeId();
            if (!edges.onStatus(id, position, lastOutputSequence, clients, clock.time()))
            {
                final AtomicCounter counter = ignoredCounter;
                if (null != counter)
                {
                    counter.increment();
                }
            }
        }

        int applyRetention()
        {
            final long start = archive.getStartPosition(recordingId);
            final long recorded = archive.getRecordingPosition(recordingId);
            if (recorded - start <= retainBytes + segmentLength)
            {
                return 0;
            }
            final long newStart = AeronArchive.segmentFileBasePosition(
                start, recorded - retainBytes, termLength, segmentLength);
            if (newStart <= start)
            {
                return 0;
            }
            archive.purgeSegments(recordingId, newStart);
            log.accept("aeron output: recording purged to position " + newStart + " (aeron.output.retainBytes " +
                retainBytes + "): an edge starting now replays from there and rebuilds its retained messages from it");
            return 1;
        }

        private void updateGauges()
        {
            final AtomicCounter edgesC = edgesCounter;
            if (null == edgesC)
            {
                return;
            }
            long maxLagBytes = 0;
            long maxLagOutputs = 0;
            long minPosition = Long.MAX_VALUE;
            final List<EdgeTable.EdgeView> views = edges.edges(publisher.position(), publisher.lastOutputSequence());
            for (final EdgeTable.EdgeView view : views)
            {
                maxLagBytes = Math.max(maxLagBytes, view.lagBytes());
                maxLagOutputs = Math.max(maxLagOutputs, view.lagOutputs());
                minPosition = Math.min(minPosition, view.position());
            }
            final AtomicCounter position = minPositionCounter;
            if (null != position)
            {
                position.setRelease(views.isEmpty() ? 0 : Math.max(0, minPosition));
            }
            edgesC.setRelease(views.size());
            final AtomicCounter bytes = lagBytesCounter;
            final AtomicCounter outputs = lagOutputsCounter;
            if (null != bytes && null != outputs)
            {
                bytes.setRelease(maxLagBytes);
                outputs.setRelease(maxLagOutputs);
            }
        }

        /**
         * {@inheritDoc}
         */
        public String roleName()
        {
            return "aeron-output";
        }

        ErrorHandler errorHandler()
        {
            return errorHandler;
        }
    }
}
