package dev.commandcenter.transport.electrum.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.commandcenter.transport.electrum.sim.ElectrumRequestHandler.MAPPER;

/**
 * The connected clients of the simulator: writes lines to them, drops the ones whose connection
 * fails, and sends the header and script-status notifications their subscriptions ask for after
 * the chain changed.
 * <p>
 * <b>Note:</b> {@link #size()} may be read from any thread; everything else is called while holding
 * the simulator's lock.
 */
final class SimulatorSessions
{
    private final List<SimulatorSession> sessions = new CopyOnWriteArrayList<>();

    /**
     * Add a newly accepted session.
     *
     * @param session to add.
     */
    void add(final SimulatorSession session)
    {
        sessions.add(session);
    }

    /**
     * Whether a session is still connected (not dropped).
     *
     * @param session to look for.
     * @return true while connected.
     */
    boolean contains(final SimulatorSession session)
    {
        return sessions.contains(session);
    }

    /**
     * Remove a session and close its connection.
     *
     * @param session to drop.
     */
    void drop(final SimulatorSession session)
    {
        sessions.remove(session);
        SimulatorSession.closeQuietly(session.socket);
    }

    /**
     * Close every client connection.
     */
    void dropAll()
    {
        for (final SimulatorSession session : sessions)
        {
            SimulatorSession.closeQuietly(session.socket);
        }
        sessions.clear();
    }

    /**
     * Clients connected now.
     *
     * @return the count.
     */
    int size()
    {
        return sessions.size();
    }

    /**
     * Write bytes to one client; a failed write drops it.
     *
     * @param session the client.
     * @param bytes   whole lines, newline included.
     */
    void write(final SimulatorSession session, final byte[] bytes)
    {
        try
        {
            session.out.write(bytes);
            session.out.flush();
        }
        catch (final IOException ex)
        {
            drop(session);
        }
    }

    /**
     * Write bytes to every client.
     *
     * @param bytes whole lines, newline included.
     */
    void writeAll(final byte[] bytes)
    {
        for (final SimulatorSession session : sessions)
        {
            write(session, bytes);
        }
    }

    /**
     * Tell every subscribed client of a new tip and of scripts whose status changed.
     *
     * @param chain             the chain as it is now.
     * @param muteScriptStatus  true to skip script status notifications (header ones are still sent).
     */
    void notifyChanges(final SimulatedChain chain, final boolean muteScriptStatus)
    {
        final SimulatedChain.Block tip = chain.tip();
        for (final SimulatorSession session : sessions)
        {
            if (session.headers && !tip.hash().equals(session.lastTipHash))
            {
                session.lastTipHash = tip.hash();
                final ObjectNode notification = MAPPER.createObjectNode();
                notification.put("jsonrpc", "2.0");
                notification.put("method", "blockchain.headers.subscribe");
                notification.putArray("params").add(ElectrumRequestHandler.tipHeader(chain));
                write(session, (notification + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (muteScriptStatus)
            {
                continue;
            }
            for (final Map.Entry<String, String> subscription : session.subscriptions.entrySet())
            {
                final String status = chain.status(subscription.getKey());
                if (!Objects.equals(status, subscription.getValue()))
                {
                    subscription.setValue(status);
                    final ObjectNode notification = MAPPER.createObjectNode();
                    notification.put("jsonrpc", "2.0");
                    notification.put("method", "blockchain.scripthash.subscribe");
                    final ArrayNode params = notification.putArray("params");
                    params.add(subscription.getKey());
                    if (null == status)
                    {
                        params.addNull();
                    }
                    else
                    {
                        params.add(status);
                    }
                    write(session, (notification + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }
}
