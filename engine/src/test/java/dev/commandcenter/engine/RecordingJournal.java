package dev.commandcenter.engine;


import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory journal for engine tests (the Chronicle journal is tested in persistence).
 */
class RecordingJournal implements Journal
{
    record Entry(long sequence, long timestampNs, int source, long chatId)
    {
    }

    final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final long next;
    volatile boolean closed;

    RecordingJournal(final long next)
    {
        this.next = next;
    }

    public long nextSequence()
    {
        return next;
    }

    public void append(final Event event)
    {
        final long chatId = event.templateId() == dev.commandcenter.codecs.sbe.ChatMessageDecoder.TEMPLATE_ID ?
            TestMessages.chatId(event.buffer(), event.offset()) : -1;
        entries.add(new Entry(event.sequence(), event.timestampNs(), event.source(), chatId));
    }

    public void close()
    {
        closed = true;
    }
}
