package dev.commandcenter.transport.websocket;

import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteBuffer;

/**
 * The counters of a {@link WebSocketEgress}: clients, frames and bytes sent, drops, 1013 closes, resumes, gaps,
 * batch frames sent and the messages they carried, and outputs held for a fan-out loop to catch up.
 * Either allocated in the engine's counters file ({@link CounterType#WS_CLIENTS} ...
 * {@link CounterType#WS_SLOW_CLOSES}, {@link CounterType#WS_FANOUT_WAITS}) or detached, in a small buffer of
 * their own, for when no counters file is there to count into.
 * <p>
 * <b>Note:</b> the egress swaps a whole set under its lock and reads the reference once per output. Clients, resumes,
 * gaps and fan-out waits are written under the egress lock; frames, bytes, drops, 1013 closes and the batch
 * counters are also written by the event loops that close batches, so those are only ever added to atomically. Any
 * counter may be read from any thread.
 */
final class EgressCounters
{
    final AtomicCounter clients;
    final AtomicCounter framesSent;
    final AtomicCounter bytesSent;
    final AtomicCounter drops;
    final AtomicCounter slowCloses;
    final AtomicCounter resumes;
    final AtomicCounter gaps;
    final AtomicCounter batchesSent;
    final AtomicCounter messagesBatched;
    final AtomicCounter fanoutWaits;

    private EgressCounters(
        final AtomicCounter clients,
        final AtomicCounter framesSent,
        final AtomicCounter bytesSent,
        final AtomicCounter drops,
        final AtomicCounter slowCloses,
        final AtomicCounter resumes,
        final AtomicCounter gaps,
        final AtomicCounter batchesSent,
        final AtomicCounter messagesBatched,
        final AtomicCounter fanoutWaits)
    {
        this.clients = clients;
        this.framesSent = framesSent;
        this.bytesSent = bytesSent;
        this.drops = drops;
        this.slowCloses = slowCloses;
        this.resumes = resumes;
        this.gaps = gaps;
        this.batchesSent = batchesSent;
        this.messagesBatched = messagesBatched;
        this.fanoutWaits = fanoutWaits;
    }

    /**
     * Counters allocated from the engine's counters file, starting at zero.
     */
    static EgressCounters allocate(final CounterAllocator allocator)
    {
        return new EgressCounters(
            allocator.allocate(CounterType.WS_CLIENTS, ""),
            allocator.allocate(CounterType.WS_FRAMES_SENT, ""),
            allocator.allocate(CounterType.WS_BYTES_SENT, ""),
            allocator.allocate(CounterType.WS_DROPS, ""),
            allocator.allocate(CounterType.WS_SLOW_CLOSES, ""),
            allocator.allocate(CounterType.WS_RESUMES, ""),
            allocator.allocate(CounterType.WS_GAPS, ""),
            allocator.allocate(CounterType.WS_BATCHES_SENT, ""),
            allocator.allocate(CounterType.WS_MESSAGES_BATCHED, ""),
            allocator.allocate(CounterType.WS_FANOUT_WAITS, ""));
    }

    /**
     * Counters in a small buffer of their own, outside any counters file.
     */
    static EgressCounters detached(
        final long clients, final long framesSent, final long bytesSent, final long drops, final long slowCloses,
        final long resumes, final long gaps, final long batchesSent, final long messagesBatched, final long fanoutWaits)
    {
        final UnsafeBuffer values = new UnsafeBuffer(ByteBuffer.allocateDirect(10 * CountersReader.COUNTER_LENGTH));
        final EgressCounters counters = new EgressCounters(new AtomicCounter(values, 0), new AtomicCounter(values, 1),
            new AtomicCounter(values, 2), new AtomicCounter(values, 3), new AtomicCounter(values, 4),
            new AtomicCounter(values, 5), new AtomicCounter(values, 6), new AtomicCounter(values, 7),
            new AtomicCounter(values, 8), new AtomicCounter(values, 9));
        counters.clients.set(clients);
        counters.framesSent.set(framesSent);
        counters.bytesSent.set(bytesSent);
        counters.drops.set(drops);
        counters.slowCloses.set(slowCloses);
        counters.resumes.set(resumes);
        counters.gaps.set(gaps);
        counters.batchesSent.set(batchesSent);
        counters.messagesBatched.set(messagesBatched);
        counters.fanoutWaits.set(fanoutWaits);
        return counters;
    }

    /**
     * Detached counters holding the values of these.
     */
    EgressCounters detachedCopy()
    {
        return detached(clients.get(), framesSent.get(), bytesSent.get(), drops.get(), slowCloses.get(), resumes.get(),
            gaps.get(), batchesSent.get(), messagesBatched.get(), fanoutWaits.get());
    }

    /**
     * Take over the values of another set.
     */
    void copyFrom(final EgressCounters other)
    {
        clients.setRelease(other.clients.get());
        framesSent.setRelease(other.framesSent.get());
        bytesSent.setRelease(other.bytesSent.get());
        drops.setRelease(other.drops.get());
        slowCloses.setRelease(other.slowCloses.get());
        resumes.setRelease(other.resumes.get());
        gaps.setRelease(other.gaps.get());
        batchesSent.setRelease(other.batchesSent.get());
        messagesBatched.setRelease(other.messagesBatched.get());
        fanoutWaits.setRelease(other.fanoutWaits.get());
    }

    /**
     * Free the counters in their counters file.
     */
    void close()
    {
        clients.close();
        framesSent.close();
        bytesSent.close();
        drops.close();
        slowCloses.close();
        resumes.close();
        gaps.close();
        batchesSent.close();
        messagesBatched.close();
        fanoutWaits.close();
    }
}
