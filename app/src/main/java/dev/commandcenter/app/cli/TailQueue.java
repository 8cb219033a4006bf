package dev.commandcenter.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bounded hand-off between {@code tail}'s readers (the journal reader, the feed listener) and its printer: a
 * reader never waits for the terminal; when the printer falls behind by {@link #CAPACITY} messages, further messages
 * are dropped and counted, and the printer says how many once it has caught up. One-line notes (an ended feed) and
 * the failure that stops the tail travel beside the messages.
 * <p>
 * <b>Note:</b> thread safe: any number of readers, one printer.
 */
final class TailQueue
{
    /** Messages waiting for the printer at most. */
    static final int CAPACITY = 4096;

    private final ArrayBlockingQueue<ObjectNode> messages;
    private final ConcurrentLinkedQueue<String> notes = new ConcurrentLinkedQueue<>();
    private final AtomicLong dropped = new AtomicLong();
    private volatile String failure;

    TailQueue()
    {
        this(CAPACITY);
    }

    TailQueue(final int capacity)
    {
        messages = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * Hand a message to the printer, or drop and count it when the printer is {@link #CAPACITY} behind.
     *
     * @param message the message's JSON object.
     */
    void offer(final ObjectNode message)
    {
        if (!messages.offer(message))
        {
            dropped.incrementAndGet();
        }
    }

    /**
     * The next message, waiting for one a short while.
     *
     * @param timeoutMs longest wait.
     * @return the message, or null when none came.
     * @throws InterruptedException when the printer is interrupted.
     */
    ObjectNode poll(final long timeoutMs) throws InterruptedException
    {
        return messages.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Whether no message waits.
     *
     * @return true when the printer has caught up.
     */
    boolean isEmpty()
    {
        return messages.isEmpty();
    }

    /**
     * Messages dropped so far.
     *
     * @return the count.
     */
    long dropped()
    {
        return dropped.get();
    }

    /**
     * A line for standard error, such as that the feed ended.
     *
     * @param note one line.
     */
    void note(final String note)
    {
        notes.add(note);
    }

    /**
     * The next note.
     *
     * @return the note, or null.
     */
    String nextNote()
    {
        return notes.poll();
    }

    /**
     * Stop the tail with an error; the first one is kept.
     *
     * @param reason one line.
     */
    void fail(final String reason)
    {
        if (null == failure)
        {
            failure = reason;
        }
    }

    /**
     * Why the tail must stop.
     *
     * @return the reason, or null.
     */
    String failure()
    {
        return failure;
    }
}
