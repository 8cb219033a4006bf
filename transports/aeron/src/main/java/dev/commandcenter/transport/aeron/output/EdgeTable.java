package dev.commandcenter.transport.aeron.output;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The edges the engine has heard from: a bounded table fed by their status messages. An edge silent for
 * {@link #SILENCE_MS} is dropped; the status of an edge that would make the table larger than its bound is ignored
 * and counted.
 * <p>
 * <b>Note:</b> thread safe; updated by the output stream's agent, read by the health endpoint and {@code stat}.
 */
public final class EdgeTable
{
    /** An edge that has not reported for this long is dropped from the table, milliseconds. */
    public static final long SILENCE_MS = 5_000;

    private final int maxEdges;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long ignored;

    /**
     * One edge as last reported, with its lag behind the stream when the view was taken.
     *
     * @param id                 who the edge says it is.
     * @param position           its position in the output stream, bytes.
     * @param lastOutputSequence last output sequence it delivered, -1 when none.
     * @param clients            its WebSocket clients.
     * @param lagBytes           stream position minus its position, never negative.
     * @param lagOutputs         last output sequence published minus its last, never negative.
     * @param lastSeenMs         when its last status came, epoch milliseconds.
     */
    public record EdgeView(
        String id, long position, long lastOutputSequence, int clients, long lagBytes, long lagOutputs, long lastSeenMs)
    {
    }

    private static final class Entry
    {
        long position;
        long lastOutputSequence;
        int clients;
        long lastSeenMs;
    }

    /**
     * An empty table.
     *
     * @param maxEdges the most edges it holds.
     */
    public EdgeTable(final int maxEdges)
    {
        this.maxEdges = maxEdges;
    }

    /**
     * Record the status of an edge.
     *
     * @param id                 the edge.
     * @param position           its position.
     * @param lastOutputSequence its last output sequence.
     * @param clients            its clients.
     * @param nowMs              now, epoch milliseconds.
     * @return true when recorded, false when ignored because the table is full.
     */
    public synchronized boolean onStatus(
        final String id, final long position, final long lastOutputSequence, final int clients, final long nowMs)
    {
        Entry entry = entries.get(id);
        if (null == entry)
        {
            if (entries.size() >= maxEdges)
            {
                ignored++;
                return false;
            }
            entry = new Entry();
            entries.put(id, entry);
        }
        entry.position = position;
        entry.lastOutputSequence = lastOutputSequence;
        entry.clients = clients;
        entry.lastSeenMs = nowMs;
        return true;
    }

    /**
     * Drop the edges silent for {@link #SILENCE_MS} or longer.
     *
     * @param nowMs now, epoch milliseconds.
     * @return the number dropped.
     */
    public synchronized int sweep(final long nowMs)
    {
        int dropped = 0;
        for (final var it = entries.values().iterator(); it.hasNext(); )
        {
            if (nowMs - it.next().lastSeenMs >= SILENCE_MS)
            {
                it.remove();
                dropped++;
            }
        }
        return dropped;
    }

    /**
     * The edges now, with their lag behind the stream.
     *
     * @param streamPosition     position of the output stream.
     * @param lastOutputSequence last output sequence published.
     * @return a copy, in the order edges first reported.
     */
    public synchronized List<EdgeView> edges(final long streamPosition, final long lastOutputSequence)
    {
        final List<EdgeView> views = new ArrayList<>(entries.size());
        for (final Map.Entry<String, Entry> e : entries.entrySet())
        {
            final Entry entry = e.getValue();
            views.add(new EdgeView(e.getKey(), entry.position, entry.lastOutputSequence, entry.clients,
                Math.max(0, streamPosition - entry.position),
                Math.max(0, lastOutputSequence - entry.lastOutputSequence), entry.lastSeenMs));
        }
        return views;
    }

    /**
     * Edges in the table.
     *
     * @return the count.
     */
    public synchronized int size()
    {
        return entries.size();
    }

    /**
     * Statuses ignored because the table was full.
     *
     * @return the count.
     */
    public synchronized long ignored()
    {
        return ignored;
    }
}
