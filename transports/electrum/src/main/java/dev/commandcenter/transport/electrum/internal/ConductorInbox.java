package dev.commandcenter.transport.electrum.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.transport.electrum.WatchList;
import dev.commandcenter.transport.electrum.client.ElectrumClient;
import dev.commandcenter.transport.electrum.client.ElectrumException;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The conductor's inbox, bounded whatever a server sends: connection readers (virtual threads) hand it
 * server notifications and closes, the notify endpoint and the application hand it reconcile triggers, and
 * the conductor's thread takes them.
 * <ul>
 *   <li>Header notifications coalesce: only the latest tip is kept. One whose header is not 80 bytes of hex
 *       closes its connection at once (a header is 160 hex characters; anything bigger is a flood).</li>
 *   <li>Script hash notifications coalesce into the set of changed scripts, latest status each, so the set
 *       is bounded by the watch list; a notification for a script not watched is ignored and counted.</li>
 *   <li>Closes and reconcile triggers go through a fixed-capacity queue. A close that does not fit marks its
 *       connection overflowed (the conductor drops it); a trigger that does not fit asks for every script to
 *       be reconciled.</li>
 * </ul>
 * <b>Note:</b> offers are thread safe; {@link #poll()}, {@link #takeTip()}, {@link #takeScriptNotice()} and
 * {@link #takeReconcileAll()} belong to the conductor's thread.
 */
final class ConductorInbox implements ElectrumClient.Listener
{
    /** Length of a block header in hex characters. */
    static final int HEADER_HEX_LENGTH = 160;

    /** A message the conductor handles on its thread. */
    sealed interface Message permits ScriptNotice, TipNotice, Closed, Reconcile
    {
    }

    /**
     * A script's status announced by a server.
     *
     * @param client     connection it came on.
     * @param scriptHash script hash, hex.
     * @param status     status, or null for no history.
     */
    record ScriptNotice(ElectrumClient client, String scriptHash, String status) implements Message
    {
    }

    /**
     * A new chain tip announced by a server.
     *
     * @param client    connection it came on.
     * @param height    height, -1 when missing.
     * @param headerHex block header, hex.
     */
    record TipNotice(ElectrumClient client, int height, String headerHex) implements Message
    {
    }

    /**
     * A connection closed.
     *
     * @param client connection closed.
     * @param reason why, or null.
     */
    record Closed(ElectrumClient client, ElectrumException reason) implements Message
    {
    }

    /**
     * A request to reconcile a watched script.
     *
     * @param scriptHash script hash, hex.
     */
    record Reconcile(String scriptHash) implements Message
    {
    }

    private final ManyToOneConcurrentArrayQueue<Message> queue;
    private final int capacity;
    private final WatchList watchList;
    private final LimitCounters limits;
    private final ErrorHandler errorHandler;
    private final AtomicReference<TipNotice> latestTip = new AtomicReference<>();
    private final Map<String, ScriptNotice> changedScripts = new ConcurrentHashMap<>();
    private final AtomicLong overflows = new AtomicLong();
    private volatile boolean reconcileAll;
    private volatile ElectrumClient overflowedClient;
    private volatile ElectrumClient reportedUnknownScripts;

    /**
     * An empty inbox.
     *
     * @param capacity     closes and triggers it queues, a power of two.
     * @param watchList    scripts whose notifications are kept.
     * @param limits       counters of coalesced and ignored notifications.
     * @param errorHandler told once per connection that it notified a script never subscribed.
     */
    ConductorInbox(
        final int capacity, final WatchList watchList, final LimitCounters limits, final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        this.capacity = capacity;
        this.watchList = watchList;
        this.limits = limits;
        this.queue = new ManyToOneConcurrentArrayQueue<>(capacity);
    }

    /**
     * Closes and triggers it queues.
     *
     * @return the capacity.
     */
    int capacity()
    {
        return capacity;
    }

    /**
     * Messages dropped because the queue was full, since start.
     *
     * @return the count.
     */
    long overflows()
    {
        return overflows.get();
    }

    /**
     * Messages held now: queued closes and triggers, the latest tip and the changed scripts.
     *
     * @return the count, at most the capacity plus one plus the scripts watched.
     */
    int size()
    {
        return queue.size() + (null == latestTip.get() ? 0 : 1) + changedScripts.size();
    }

    /**
     * {@inheritDoc}
     */
    public void onNotification(final ElectrumClient from, final String method, final JsonNode params)
    {
        if (!from.isOpen())
        {
            // a line read before the connection was dropped: stale, and it must not replace a newer notice
            return;
        }
        if ("blockchain.scripthash.subscribe".equals(method) && params.isArray() && params.size() >= 2 &&
            params.get(0).isTextual())
        {
            final String scriptHash = params.get(0).asText();
            if (null == watchList.byScriptHash(scriptHash))
            {
                limits.trip(LimitCounters.UNKNOWN_SCRIPT_HASH);
                if (reportedUnknownScripts != from)
                {
                    reportedUnknownScripts = from;
                    errorHandler.onError(new ElectrumException(ElectrumException.Kind.PROTOCOL, from.server() +
                        " sent a status notification for script hash " + printable(scriptHash) +
                        " which is not watched: ignored (further ones on this connection are only counted)"));
                }
                return;
            }
            final JsonNode statusNode = params.get(1);
            final ScriptNotice notice = new ScriptNotice(from, scriptHash, statusNode.isNull() ? null : statusNode.asText());
            if (null != changedScripts.put(scriptHash, notice))
            {
                limits.trip(LimitCounters.NOTIFICATIONS_COALESCED);
            }
        }
        else if ("blockchain.headers.subscribe".equals(method) && params.isArray() && params.size() >= 1)
        {
            final JsonNode hex = params.get(0).path("hex");
            if (!hex.isTextual() || hex.asText().length() != HEADER_HEX_LENGTH)
            {
                final int length = hex.isTextual() ? hex.asText().length() : 0;
                from.abort(ElectrumException.limitExceeded(LimitCounters.HEADER_SIZE, from.server() +
                    " sent a header notification of " + length + " hex characters: expected " + HEADER_HEX_LENGTH));
                return;
            }
            final int height = params.get(0).path("height").asInt(-1);
            if (null != latestTip.getAndSet(new TipNotice(from, height, hex.asText())))
            {
                limits.trip(LimitCounters.NOTIFICATIONS_COALESCED);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onClosed(final ElectrumClient from, final ElectrumException reason)
    {
        offer(from, new Closed(from, reason));
    }

    /**
     * Queue a reconcile of a script; when it does not fit, every script is to be reconciled instead.
     *
     * @param scriptHash script hash, hex.
     */
    void offerReconcile(final String scriptHash)
    {
        if (!queue.offer(new Reconcile(scriptHash)))
        {
            overflows.incrementAndGet();
            reconcileAll = true;
        }
    }

    /**
     * Next queued close or trigger, on the conductor's thread.
     *
     * @return the message, or null when empty.
     */
    Message poll()
    {
        return queue.poll();
    }

    /**
     * The latest tip announced since the last call, on the conductor's thread.
     *
     * @return the tip, or null when none.
     */
    TipNotice takeTip()
    {
        return latestTip.getAndSet(null);
    }

    /**
     * A changed script, with the latest status announced, on the conductor's thread.
     *
     * @return the notice, or null when no script changed.
     */
    ScriptNotice takeScriptNotice()
    {
        final Iterator<String> scripts = changedScripts.keySet().iterator();
        while (scripts.hasNext())
        {
            final ScriptNotice notice = changedScripts.remove(scripts.next());
            if (null != notice)
            {
                return notice;
            }
        }
        return null;
    }

    /**
     * Forget the notices of earlier connections, before a new connection is made.
     */
    void discardNotices()
    {
        latestTip.set(null);
        changedScripts.clear();
    }

    /**
     * Whether a trigger overflowed since the last call, clearing the flag.
     *
     * @return true when every script should be reconciled.
     */
    boolean takeReconcileAll()
    {
        if (reconcileAll)
        {
            reconcileAll = false;
            return true;
        }
        return false;
    }

    /**
     * Whether the connection sent more than the inbox holds.
     *
     * @param client the connection.
     * @return true when a message of it was dropped.
     */
    boolean overflowedBy(final ElectrumClient client)
    {
        return overflowedClient == client;
    }

    /**
     * Forget an overflow, before a new connection is made.
     */
    void clearOverflow()
    {
        overflowedClient = null;
    }

    private static String printable(final String text)
    {
        final StringBuilder printable = new StringBuilder(Math.min(text.length(), 64) + 3);
        for (int i = 0; i < text.length() && i < 64; i++)
        {
            final char c = text.charAt(i);
            printable.append(Character.isISOControl(c) ? '?' : c);
        }
        return text.length() > 64 ? printable.append("...").toString() : printable.toString();
    }

    private void offer(final ElectrumClient from, final Message message)
    {
        if (!queue.offer(message))
        {
            overflows.incrementAndGet();
            overflowedClient = from;
        }
    }
}
