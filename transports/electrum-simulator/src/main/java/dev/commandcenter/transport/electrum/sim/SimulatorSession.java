package dev.commandcenter.transport.electrum.sim;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One client connection of the simulator and the protocol state the server keeps for it: whether
 * the version was negotiated, the header subscription with the last tip it was told, and the script
 * subscriptions with the last status each was told.
 * <p>
 * <b>Note:</b> not thread safe; read and written only while holding the simulator's lock.
 */
final class SimulatorSession
{
    final Socket socket;
    final OutputStream out;
    final Map<String, String> subscriptions = new LinkedHashMap<>();
    boolean negotiated;
    boolean headers;
    String lastTipHash;

    /**
     * A session on an accepted socket.
     *
     * @param socket the client's connection.
     * @throws IOException when its output stream cannot be opened.
     */
    SimulatorSession(final Socket socket) throws IOException
    {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /**
     * Close a socket, ignoring failures.
     *
     * @param socket to close.
     */
    static void closeQuietly(final Socket socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
        }
    }
}
