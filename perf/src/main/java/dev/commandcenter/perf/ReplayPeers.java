package dev.commandcenter.perf;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedEncoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.engine.MutableEvent;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.WaitStrategies;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.JournalReader;
import dev.commandcenter.persistence.JournalRecord;
import dev.commandcenter.persistence.Replayer;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Replay at memory speed against its peer: the same journal of N {@code TransactionReceived} events read
 * (a) by a raw Chronicle tailer into a bare Disruptor (as many trivial consumers as the engine side has stages, the
 * journaller and the plugins, all on the ring's cursor: the bare Disruptor's best case, since a dependent consumer
 * busy-spins on the stage before it; same ring size and wait strategy as the engine) and (b) by the
 * {@link Replayer} at {@code --speed max}
 * into an {@link Engine} with {@link Journal#NONE} and the same number of trivial plugins. Each repetition times
 * both sides from opening the journal to the last event handled, alternating which goes first; the report gives
 * events/s (best and median) for each and the ratio, and the bytes the replay thread allocated per event.
 * <p>
 * Usage: {@code perf/peers-replay [events] [repetitions] [plugins] [waitStrategy]} (defaults 2000000, 5, 2, blocking).
 */
public final class ReplayPeers
{
    private static final int RING_SIZE = Engine.Context.INPUT_RING_SIZE_DEFAULT;

    private ReplayPeers()
    {
    }

    /**
     * Write the journal, then measure both sides.
     *
     * @param args optional: events (default 2000000), repetitions (default 5), plugins (default 2), wait strategy of
     *             both rings (default {@value Engine.Context#WAIT_STRATEGY_DEFAULT}).
     * @throws Exception on I/O.
     */
    public static void main(final String[] args) throws Exception
    {
        final int events = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
        final int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final int plugins = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        final String waitStrategy = args.length > 3 ? args[3] : Engine.Context.WAIT_STRATEGY_DEFAULT;
        final PrintStream out = System.out;
        final Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "replay-peers");
        try
        {
            final Path dataDir = root.resolve("recorded");
            writeJournal(dataDir, events);
            final Path journalDir = dataDir.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME);
            out.printf(Locale.ROOT, "Replay peers: %d TransactionReceived events, %d plugins, ring %d, %s wait, " +
                "%d repetitions (+1 warm-up)%n", events, plugins, RING_SIZE, waitStrategy, repetitions);

            final double[] raw = new double[repetitions];
            final double[] engine = new double[repetitions];
            final long[] allocated = new long[repetitions];
            for (int rep = -1; rep < repetitions; rep++)
            {
                final double rawRate;
                final double engineRate;
                final long[] allocation = new long[1];
                if ((rep & 1) == 0)
                {
                    rawRate = rawTailer(journalDir, events, plugins, waitStrategy);
                    engineRate = replay(journalDir, root.resolve("replay"), events, plugins, waitStrategy, allocation);
                }
                else
                {
                    engineRate = replay(journalDir, root.resolve("replay"), events, plugins, waitStrategy, allocation);
                    rawRate = rawTailer(journalDir, events, plugins, waitStrategy);
                }
                out.printf(Locale.ROOT, "%-8s raw tailer -> bare Disruptor %,12.0f events/s   replay -> engine %,12.0f " +
                    "events/s   ratio %.2f   replay thread allocated %.2f B/event%n", rep < 0 ? "warm-up" : "run " + (rep + 1),
                    rawRate, engineRate, engineRate / rawRate, allocation[0] / (double)events);
                if (rep >= 0)
                {
                    raw[rep] = rawRate;
                    engine[rep] = engineRate;
                    allocated[rep] = allocation[0];
                }
            }
            final double[] ratios = new double[repetitions];
            for (int i = 0; i < repetitions; i++)
            {
                ratios[i] = engine[i] / raw[i];
            }
            out.printf(Locale.ROOT, "raw tailer -> bare Disruptor  best %,12.0f  median %,12.0f events/s%n", max(raw), median(raw));
            out.printf(Locale.ROOT, "replay --speed max -> engine  best %,12.0f  median %,12.0f events/s%n", max(engine), median(engine));
            out.printf(Locale.ROOT, "ratio replay / raw            best %12.2f  median %12.2f (best/best %.2f)%n",
                max(ratios), median(ratios), max(engine) / max(raw));
            out.printf(Locale.ROOT, "replay thread allocation      least %.2f B/event%n",
                Arrays.stream(allocated).min().orElse(0) / (double)events);

            // The read side alone, no ring: what each record costs the replay thread before the publish.
            final double[] copied = new double[repetitions];
            final double[] inPlace = new double[repetitions];
            for (int rep = -1; rep < repetitions; rep++)
            {
                final double copiedRate = readOnly(journalDir, events, false);
                final double inPlaceRate = readOnly(journalDir, events, true);
                if (rep >= 0)
                {
                    copied[rep] = copiedRate;
                    inPlace[rep] = inPlaceRate;
                }
            }
            out.printf(Locale.ROOT, "read only: copy, check, copy  best %,12.0f  median %,12.0f records/s (next(), then a copy " +
                "to the slot)%n", max(copied), median(copied));
            out.printf(Locale.ROOT, "read only: in place, one copy best %,12.0f  median %,12.0f records/s (nextInPlace(), " +
                "copyMessageTo(slot))%n", max(inPlace), median(inPlace));
        }
        finally
        {
            IoUtil.delete(root.toFile(), true);
        }
    }

    static void writeJournal(final Path dataDir, final int events)
    {
        final MutableEvent event = new MutableEvent();
        event.source = Sources.WALLET;
        event.length = MessageHeaderEncoder.ENCODED_LENGTH + new TransactionReceivedEncoder()
            .wrapAndApplyHeader(event.buffer, 0, new MessageHeaderEncoder())
            .amountSats(21_000).height(0).confirmations(0)
            .address("bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh").memo("great stream, thanks").encodedLength();
        final long startNs = System.currentTimeMillis() * 1_000_000L;
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
        {
            for (int i = 0; i < events; i++)
            {
                event.sequence = i;
                event.timestampNs = startNs + i * 1_000L;
                journal.append(event);
            }
        }
    }

    static double replay(
        final Path journalDir,
        final Path replayDir,
        final int events,
        final int plugins,
        final String waitStrategy,
        final long[] allocated)
    {
        final Engine.Context context = new Engine.Context().dataDir(replayDir).journal(Journal.NONE)
            .inputRingSize(RING_SIZE).waitStrategy(waitStrategy);
        final CountingPlugin[] handlers = new CountingPlugin[plugins];
        for (int i = 0; i < plugins; i++)
        {
            handlers[i] = new CountingPlugin("count-" + i);
            context.plugin(handlers[i]);
        }
        try (Engine engine = Engine.launch(context))
        {
            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long threadId = Thread.currentThread().threadId();
            final long startNs = System.nanoTime();
            final long allocatedBefore = threads.getThreadAllocatedBytes(threadId);
            final long replayed = new Replayer(new Replayer.Context()
                .journalDir(journalDir).speed(Replayer.MAX_SPEED).target(engine.recordedEventPublisher())).run();
            allocated[0] = threads.getThreadAllocatedBytes(threadId) - allocatedBefore;
            for (final CountingPlugin handler : handlers)
            {
                while (handler.count < replayed)
                {
                    Thread.onSpinWait();
                }
            }
            final long elapsedNs = System.nanoTime() - startNs;
            if (replayed != events)
            {
                throw new IllegalStateException("replayed " + replayed + " events, expected " + events);
            }
            return events / (elapsedNs / 1e9);
        }
    }

    static double rawTailer(final Path journalDir, final int events, final int plugins, final String waitStrategy)
    {
        final Disruptor<Slot> disruptor = new Disruptor<>(Slot::new, RING_SIZE,
            Thread.ofPlatform().daemon().factory(), ProducerType.MULTI, WaitStrategies.of(waitStrategy));
        final CountingHandler[] handlers = new CountingHandler[plugins];
        for (int i = 0; i < plugins; i++)
        {
            handlers[i] = new CountingHandler();
        }
        final EventHandler<Slot>[] consumers = Arrays.copyOf(handlers, plugins + 1, EventHandler[].class);
        consumers[plugins] = new FirstStage();
        disruptor.handleEventsWith(consumers);
        final RingBuffer<Slot> ring = disruptor.start();
        final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
        try
        {
            final long startNs = System.nanoTime();
            long published = 0;
            try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(journalDir).readOnly(true).build();
                ExcerptTailer tailer = queue.createTailer())
            {
                while (true)
                {
                    try (DocumentContext dc = tailer.readingDocument())
                    {
                        if (!dc.isPresent())
                        {
                            break;
                        }
                        final Bytes<?> bytes = dc.wire().bytes();
                        final int length = (int)bytes.readRemaining() - JournalRecord.HEADER_LENGTH;
                        view.wrap(bytes.addressForRead(bytes.readPosition()), JournalRecord.HEADER_LENGTH + length);
                        final long sequence = ring.next();
                        final Slot slot = ring.get(sequence);
                        slot.buffer.putBytes(0, view, JournalRecord.HEADER_LENGTH, length);
                        slot.length = length;
                        ring.publish(sequence);
                        published++;
                    }
                }
            }
            for (final CountingHandler handler : handlers)
            {
                while (handler.count < published)
                {
                    Thread.onSpinWait();
                }
            }
            final long elapsedNs = System.nanoTime() - startNs;
            if (published != events)
            {
                throw new IllegalStateException("read " + published + " events, expected " + events);
            }
            return events / (elapsedNs / 1e9);
        }
        finally
        {
            disruptor.shutdown();
        }
    }

    static double readOnly(final Path journalDir, final int events, final boolean inPlace)
    {
        final UnsafeBuffer slot = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
        final long startNs = System.nanoTime();
        long read = 0;
        long checksum = 0;
        try (JournalReader reader = JournalReader.open(journalDir))
        {
            if (inPlace)
            {
                reader.seekRange();
                while (reader.nextInPlace())
                {
                    checksum += reader.record().copyMessageTo(slot, 0);
                    read++;
                }
            }
            else
            {
                while (reader.next())
                {
                    final JournalRecord record = reader.record();
                    slot.putBytes(0, record.buffer(), record.offset(), record.length());
                    checksum += record.length();
                    read++;
                }
            }
        }
        final long elapsedNs = System.nanoTime() - startNs;
        if (read != events || checksum <= 0)
        {
            throw new IllegalStateException("read " + read + " records, expected " + events);
        }
        return events / (elapsedNs / 1e9);
    }

    private static double max(final double[] values)
    {
        return Arrays.stream(values).max().orElse(0);
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return 0 == n ? 0 : (n & 1) == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** A trivial plugin: counts events and touches the message, as the bare handlers do. */
    static final class CountingPlugin implements Plugin
    {
        private final String id;
        volatile long count;
        long checksum;

        CountingPlugin(final String id)
        {
            this.id = id;
        }

        public String id()
        {
            return id;
        }

        public void onEvent(final Event event)
        {
            checksum += event.buffer().getByte(event.offset());
            count++;
        }
    }

    /** Slot of the bare ring: the same buffer size as the engine's. */
    static final class Slot
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
        int length;
    }

    /** The bare side's first stage: touches the slot as the journaller stage does. */
    static final class FirstStage implements EventHandler<Slot>
    {
        long checksum;

        public void onEvent(final Slot slot, final long sequence, final boolean endOfBatch)
        {
            checksum += slot.length;
        }
    }

    /** The bare side's trivial handler. */
    static final class CountingHandler implements EventHandler<Slot>
    {
        volatile long count;
        long checksum;

        public void onEvent(final Slot slot, final long sequence, final boolean endOfBatch)
        {
            checksum += slot.buffer.getByte(0);
            count++;
        }
    }
}
