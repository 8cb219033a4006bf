package dev.commandcenter.persistence;

import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The process the crash tests kill. {@code publish <dataDir> <durability>}: an engine journaling to
 * Chronicle, publishing chat messages with ids 0, 1, 2, ... and printing each id once the journaller
 * has acknowledged it. {@code torn <dataDir> <records>}: journals that many records, then opens a
 * document and writes half of one, prints {@code torn} and waits to be killed mid-write.
 * Either way it gives up after a minute, so a broken parent leaves nothing running.
 */
final class CrashChild
{
    private static final int BATCH = 16;
    private static final long GIVE_UP_NS = TimeUnit.SECONDS.toNanos(60);

    private CrashChild()
    {
    }

    public static void main(final String[] args)
    {
        final Path dataDir = Path.of(args[1]);
        if ("torn".equals(args[0]))
        {
            tear(dataDir, Integer.parseInt(args[2]));
        }
        else
        {
            publish(dataDir, Durability.valueOf(args[2]));
        }
    }

    private static void publish(final Path dataDir, final Durability durability)
    {
        final PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        final long deadline = System.nanoTime() + GIVE_UP_NS;
        final TestEvent event = new TestEvent();
        final long[] receipts = new long[BATCH];
        try (Engine engine = Engine.launch(new Engine.Context().dataDir(dataDir)
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir).durability(durability)))))
        {
            final EventPublisher publisher = engine.publisher();
            long id = 0;
            while (System.nanoTime() < deadline)
            {
                final long firstId = id;
                for (int i = 0; i < BATCH; i++, id++)
                {
                    event.chat(0, 0, id, "crash", "message " + id);
                    receipts[i] = publisher.publish(Sources.CLI, event.buffer, 0, event.length);
                }
                for (int i = 0; i < BATCH; i++)
                {
                    while (!publisher.isJournaled(receipts[i]))
                    {
                        LockSupport.parkNanos(50_000);
                    }
                    out.println(firstId + i);
                }
                out.flush();
            }
        }
        System.exit(2);
    }

    private static void tear(final Path dataDir, final int records)
    {
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
        {
            for (int i = 0; i < records; i++)
            {
                journal.append(event.chat(i, 1_000L + i, i, "torn", "record " + i));
            }
        }
        final SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dataDir.resolve("journal")).build();
        final ExcerptAppender appender = queue.createAppender();
        final DocumentContext dc = appender.writingDocument();
        final UnsafeBuffer header = new UnsafeBuffer(new byte[JournalRecord.HEADER_LENGTH]);
        event.chat(records, 1_000L + records, records, "torn", "never finished");
        JournalRecord.encodeHeader(header, event.source, records, 1_000L + records, event.length);
        dc.wire().bytes().write(header.byteArray(), 0, JournalRecord.HEADER_LENGTH);
        dc.wire().bytes().write(event.buffer.byteArray(), 0, event.length / 2);
        System.out.println("torn");
        System.out.flush();
        LockSupport.parkNanos(GIVE_UP_NS);
        System.exit(2);
    }
}
