package dev.commandcenter.perf;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.WaitStrategies;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.engine.ThreadingMode;
import dev.commandcenter.engine.plugin.Plugin;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * (b) One event through the engine's input ring (publish, journaller stage with no journal, one
 * plugin) versus a bare Disruptor with the same two-stage topology, slot size and wait strategy
 * ({@link #engineRing}, {@link #bareDisruptor}: batches of {@value #BATCH}, the cost per event through the ring);
 * and the ring peers ({@link #peers}): one producer, three consumers, the engine against a bare Disruptor of
 * the same thread topology and the {@code ArrayBlockingQueue} design, by threading mode and wait strategy,
 * in events per second (see {@link RingPeers} for the same comparison in one run with ratios).
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RingBenchmark
{
    /** Events per invocation of the two-stage benchmarks. */
    public static final int BATCH = 1000;

    /** Events per invocation of {@link #peers}: the producer runs ahead of the consumers by up to a ring. */
    public static final int PEER_BATCH = 10_000;

    /**
     * The ring peers, one configuration per parameter set: started for the trial, stopped after it.
     */
    @State(Scope.Benchmark)
    public static class Peers
    {
        /** Which implementation: {@code engine}, {@code engine-journal}, {@code bare} or {@code abq}. */
        @Param({ "engine", "engine-journal", "bare", "abq" })
        public String peer;

        /** Threading mode of the engine, and thread topology of the others. */
        @Param({ "dedicated", "shared-plugins", "shared" })
        public String mode;

        /** Wait strategy: {@code blocking} or {@code yielding}. */
        @Param({ "blocking", "yielding" })
        public String wait;

        private RingPeer ringPeer;
        private long published;

        /**
         * Start the peer.
         */
        @Setup(Level.Trial)
        public void setup()
        {
            ringPeer = RingPeers.create(RingPeers.Kind.parse(peer), ThreadingMode.parse(mode), wait);
        }

        /**
         * Check the consumers' work and stop the peer.
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            final long checksum = ringPeer.checksum();
            ringPeer.close();
            final long expected = published * RingPeer.CONSUMERS * PeerMessage.AMOUNT_SATS;
            if (checksum != expected)
            {
                throw new IllegalStateException(peer + " " + mode + " " + wait + ": consumers summed " + checksum +
                    ", expected " + expected);
            }
        }
    }

    /** Slot of the bare ring: same size as the engine's. */
    public static final class Slot
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
        int length;
    }

    /** Records the sequence of the last event, for the benchmark thread to wait on. */
    public static final class LastSeenPlugin implements Plugin
    {
        volatile long lastSequence = -1;

        public String id()
        {
            return "last-seen";
        }

        public void onEvent(final Event event)
        {
            lastSequence = event.sequence();
        }
    }

    /** Bare second stage. */
    public static final class LastSeenHandler implements EventHandler<Slot>
    {
        volatile long lastSequence = -1;
        long checksum;

        public void onEvent(final Slot slot, final long sequence, final boolean endOfBatch)
        {
            checksum += slot.buffer.getByte(0);
            lastSequence = sequence;
        }
    }

    /** Bare first stage: touches the slot like the journaller reads it. */
    public static final class FirstStage implements EventHandler<Slot>
    {
        long checksum;

        public void onEvent(final Slot slot, final long sequence, final boolean endOfBatch)
        {
            checksum += slot.length;
        }
    }

    /**
     * The engine and the bare Disruptor of the two-stage benchmarks.
     */
    @State(Scope.Benchmark)
    public static class TwoStage
    {
        /** Wait strategy of both rings. */
        @Param({ "blocking" })
        public String waitStrategy;

        private final UnsafeBuffer message = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
        private int messageLength;
        private Path dataDir;
        private Engine engine;
        private EventPublisher publisher;
        private LastSeenPlugin plugin;
        private Disruptor<Slot> disruptor;
        private RingBuffer<Slot> bareRing;
        private LastSeenHandler bareLast;
        private final MessageWriter<UnsafeBuffer> copy = (buffer, offset, source) ->
        {
            buffer.putBytes(offset, source, 0, messageLength);
            return messageLength;
        };

        /**
         * Start both rings.
         *
         * @throws Exception on I/O.
         */
        @Setup(Level.Trial)
        public void setup() throws Exception
        {
            messageLength = MessageHeaderEncoder.ENCODED_LENGTH + new ChatMessageEncoder()
                .wrapAndApplyHeader(message, 0, new MessageHeaderEncoder())
                .messageId(1).channel("bench").user("viewer").text("hello from the benchmark").encodedLength();

            dataDir = Files.createTempDirectory("cc-ring-bench");
            plugin = new LastSeenPlugin();
            engine = Engine.launch(new Engine.Context().dataDir(dataDir).journal(Journal.NONE).plugin(plugin)
                .waitStrategy(waitStrategy).inputRingSize(8192));
            publisher = engine.publisher();

            bareLast = new LastSeenHandler();
            disruptor = new Disruptor<>(Slot::new, 8192, Thread.ofPlatform().daemon().factory(), ProducerType.MULTI,
                WaitStrategies.of(waitStrategy));
            disruptor.handleEventsWith(new FirstStage()).then(bareLast);
            bareRing = disruptor.start();
        }

        /**
         * Stop both rings.
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            engine.close();
            disruptor.shutdown();
            IoUtil.delete(dataDir.toFile(), true);
        }
    }

    /**
     * Publish a batch through the engine and wait for the plugin to see the last one.
     *
     * @param state the running rings.
     * @return the last sequence.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(BATCH)
    public long engineRing(final TwoStage state)
    {
        final EventPublisher publisher = state.publisher;
        final MessageWriter<UnsafeBuffer> copy = state.copy;
        final UnsafeBuffer message = state.message;
        final LastSeenPlugin plugin = state.plugin;
        long receipt = -1;
        for (int i = 0; i < BATCH; i++)
        {
            receipt = publisher.publish(Sources.CLI, copy, message);
        }
        // The engine sequence equals the ring position here: a fresh journal starts at 0.
        while (plugin.lastSequence < receipt)
        {
            Thread.onSpinWait();
        }
        return receipt;
    }

    /**
     * Publish a batch through the bare Disruptor and wait for the second stage to see the last one.
     *
     * @param state the running rings.
     * @return the last sequence.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @OperationsPerInvocation(BATCH)
    public long bareDisruptor(final TwoStage state)
    {
        final RingBuffer<Slot> bareRing = state.bareRing;
        final UnsafeBuffer message = state.message;
        final int messageLength = state.messageLength;
        final LastSeenHandler bareLast = state.bareLast;
        long sequence = -1;
        for (int i = 0; i < BATCH; i++)
        {
            sequence = bareRing.next();
            final Slot slot = bareRing.get(sequence);
            slot.buffer.putBytes(0, message, 0, messageLength);
            slot.length = messageLength;
            bareRing.publish(sequence);
        }
        while (bareLast.lastSequence < sequence)
        {
            Thread.onSpinWait();
        }
        return sequence;
    }

    /**
     * Publish a batch through a ring peer, as fast as it accepts, and wait until all three consumers have
     * seen the last event; with {@code -prof gc}, {@code gc.alloc.rate.norm} is the allocation per event.
     *
     * @param peers the running peer.
     * @return the events published so far.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(PEER_BATCH)
    public long peers(final Peers peers)
    {
        final RingPeer peer = peers.ringPeer;
        for (int i = 0; i < PEER_BATCH; i++)
        {
            peer.publish();
        }
        peers.published += PEER_BATCH;
        peer.awaitSeen(peers.published);
        return peers.published;
    }
}
