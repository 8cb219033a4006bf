package dev.commandcenter.transport.websocket;

import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteBuffer;

/**
 * The five counters of a {@link WebSocketEgress}: clients, frames and bytes sent, drops and 1013 closes.
 * Either allocated in the engine's counters file ({@link CounterType#WS_CLIENTS} ...
 * {@link CounterType#WS_SLOW_CLOSES}) or detached, in a small buffer of their own, for when no counters file
 * is there to count into.
 * <p>
 * <b>Note:</b> the egress swaps a whole set under its lock and reads the reference once per output; each
 * counter is written with release semantics and may be read from any thread.
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

    private EgressCounters(
        final AtomicCounter clients,
        final AtomicCounter framesSent,
        final AtomicCounter bytesSent,
        final AtomicCounter drops,
        final AtomicCounter slowCloses,
        final AtomicCounter resumes,
        final AtomicCounter gaps)
    {
        this.clients = clients;
        this.framesSent = framesSent;
        this.bytesSent = bytesSent;
        this.drops = drops;
        this.slowCloses = slowCloses;
        this.resumes = resumes;
        this.gaps = gaps;
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
            allocator.allocate(CounterType.WS_GAPS, ""));
    }

    /**
     * Counters in a small buffer of their own, outside any counters file.
     */
    static EgressCounters detached(
        final long clients, final long framesSent, final long bytesSent, final long drops, final long slowCloses,
        final long resumes, final long gaps)
    {
        final UnsafeBuffer values = new UnsafeBuffer(ByteBuffer.allocateDirect(7 * CountersReader.COUNTER_LENGTH));
        final EgressCounters counters = new EgressCounters(new AtomicCounter(values, 0), new AtomicCounter(values, 1),
            new AtomicCounter(values, 2), new AtomicCounter(values, 3), new AtomicCounter(values, 4),
            new AtomicCounter(values, 5), new AtomicCounter(values, 6));
        counters.clients.set(clients);
        counters.framesSent.set(framesSent);
        counters.bytesSent.set(bytesSent);
        counters.drops.set(drops);
        counters.slowCloses.set(slowCloses);
        counters.resumes.set(resumes);
        counters.gaps.set(gaps);
        return counters;
    }

    /**
     * Detached counters holding the values of these.
     */
    EgressCounters detachedCopy()
    {
        return detached(clients.get(), framesSent.get(), bytesSent.get(), drops.get(), slowCloses.get(), resumes.get(),
            gaps.get());
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
    }
}
