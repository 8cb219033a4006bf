package dev.commandcenter.transport.electrum.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.transport.electrum.client.ElectrumClient;
import dev.commandcenter.transport.electrum.client.ElectrumException;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The conductor's bounded inbox: connection readers (virtual threads) hand it server notifications and
 * closes, the notify endpoint and the application hand it reconcile triggers, and the conductor's thread
 * polls it. A message that does not fit is counted; for a connection it marks that connection overflowed
 * (the conductor drops it, and a reconnect resubscribes and reconciles what changed), for a trigger it asks
 * for every script to be reconciled.
 * <p>
 * <b>Note:</b> offers are thread safe; {@link #poll()} and {@link #takeReconcileAll()} belong to the
 * conductor's thread.
 */
final class ConductorInbox implements ElectrumClient.Listener
{
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
    private final AtomicLong overflows = new AtomicLong();
    private volatile boolean reconcileAll;
    private volatile ElectrumClient overflowedClient;

    /**
     * An empty inbox.
     *
     * @param capacity messages it holds, a power of two.
     */
    ConductorInbox(final int capacity)
    {
        this.capacity = capacity;
        this.queue = new ManyToOneConcurrentArrayQueue<>(capacity);
    }

    /**
     * Messages it holds.
     *
     * @return the capacity.
     */
    int capacity()
    {
        return capacity;
    }

    /**
     * Messages dropped because the inbox was full, since start.
     *
     * @return the count.
     */
    long overflows()
    {
        return overflows.get();
    }

    /**
     * {@inheritDoc}
     */
    public void onNotification(final ElectrumClient from, final String method, final JsonNode params)
    {
        if ("blockchain.scripthash.subscribe".equals(method) && params.isArray() && params.size() >= 2 &&
            params.get(0).isTextual())
        {
            final JsonNode statusNode = params.get(1);
            offer(from, new ScriptNotice(from, params.get(0).asText(), statusNode.isNull() ? null : statusNode.asText()));
        }
        else if ("blockchain.headers.subscribe".equals(method) && params.isArray() && params.size() >= 1)
        {
            final int height = params.get(0).path("height").asInt(-1);
            offer(from, new TipNotice(from, height, params.get(0).path("hex").asText("")));
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
     * Next message, on the conductor's thread.
     *
     * @return the message, or null when empty.
     */
    Message poll()
    {
        return queue.poll();
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

    private void offer(final ElectrumClient from, final Message message)
    {
        if (!queue.offer(message))
        {
            overflows.incrementAndGet();
            overflowedClient = from;
        }
    }
}
