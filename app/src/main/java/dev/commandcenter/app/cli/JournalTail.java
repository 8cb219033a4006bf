package dev.commandcenter.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.persistence.JournalException;
import dev.commandcenter.persistence.JournalReader;
import dev.commandcenter.persistence.JournalRecord;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Follows the journal of a data dir from its end, read-only, while an engine (this process's or another's) appends
 * to it: each new event that the {@link TailFilter} keeps goes to the {@link TailQueue} as its JSON view with
 * {@code kind}, {@code seq} (the engine sequence), {@code timestamp} and {@code source} first. A journal with no
 * record yet is opened again every {@link #REOPEN_INTERVAL_MS} ms until the engine has written its first cycle file.
 * <p>
 * <b>Note:</b> not thread safe: opened by the caller, then run by one agent thread.
 */
final class JournalTail implements Agent
{
    /** Records read per duty cycle at most, so a burst does not hold the agent. */
    static final int BATCH = 256;
    /** How often an empty journal is opened again. */
    static final long REOPEN_INTERVAL_MS = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path journalDir;
    private final TailFilter filter;
    private final TailQueue queue;
    private JournalReader reader;
    private boolean empty;
    private long reopenAtMs;
    private boolean failed;

    private JournalTail(final Path journalDir, final TailFilter filter, final TailQueue queue)
    {
        this.journalDir = journalDir;
        this.filter = filter;
        this.queue = queue;
    }

    /**
     * Open a journal and move to its end.
     *
     * @param journalDir the journal's directory.
     * @param filter     what to keep.
     * @param queue      where kept events go.
     * @return the tail, positioned after the last record.
     * @throws JournalException when the journal is missing or unreadable.
     */
    static JournalTail open(final Path journalDir, final TailFilter filter, final TailQueue queue)
    {
        final JournalTail tail = new JournalTail(journalDir, filter, queue);
        tail.reader = JournalReader.open(journalDir);
        try
        {
            tail.toEnd();
        }
        catch (final RuntimeException ex)
        {
            tail.onClose();
            throw ex;
        }
        return tail;
    }

    public int doWork()
    {
        if (failed)
        {
            return 0;
        }
        int work = 0;
        try
        {
            if (empty && System.currentTimeMillis() >= reopenAtMs)
            {
                // The journal had no record when opened: open it again, from its start, until it has one.
                CloseHelper.quietClose(reader);
                reader = null;
                reader = JournalReader.open(journalDir);
                reopenAtMs = System.currentTimeMillis() + REOPEN_INTERVAL_MS;
            }
            while (work < BATCH && reader.next())
            {
                empty = false;
                work++;
                final JournalRecord record = reader.record();
                if (filter.admits(record))
                {
                    queue.offer(render(record));
                }
            }
        }
        catch (final JournalException ex)
        {
            failed = true;
            queue.fail(ex.getMessage());
        }
        return work;
    }

    public void onClose()
    {
        CloseHelper.quietClose(reader);
        reader = null;
    }

    public String roleName()
    {
        return "tail-journal";
    }

    private void toEnd()
    {
        final JournalRecord last = reader.readLast();
        if (null == last)
        {
            empty = true;
            reopenAtMs = System.currentTimeMillis() + REOPEN_INTERVAL_MS;
            return;
        }
        final long lastSequence = last.sequence();
        // Found from the queue's index: the last record, which is read and passed over; what follows it is new.
        if (reader.seekSequences(lastSequence, Long.MAX_VALUE))
        {
            while (reader.next() && reader.record().sequence() < lastSequence)
            {
                // a record the index placed before the last one: passed over too
            }
        }
        else
        {
            reader.rewind();
            while (reader.next())
            {
                // read to the end: every record there was is old
            }
        }
    }

    /**
     * The JSON line of a journaled event.
     *
     * @param record the event.
     * @return {@code kind}, {@code seq}, {@code timestamp}, {@code source}, then the JSON view.
     */
    static ObjectNode render(final JournalRecord record)
    {
        final ObjectNode line = JSON.createObjectNode();
        line.put("kind", "event");
        line.put("seq", record.sequence());
        line.put("timestamp", Instant.ofEpochMilli(Math.floorDiv(record.timestampNs(), 1_000_000L)).toString());
        line.put("source", Sources.name(record.source()));
        try
        {
            line.setAll((ObjectNode)JSON.readTree(JsonView.instance().toJson(record.buffer(), record.offset())));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return line;
    }
}
