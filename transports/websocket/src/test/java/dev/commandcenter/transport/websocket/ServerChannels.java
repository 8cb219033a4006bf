package dev.commandcenter.transport.websocket;

import io.netty.channel.Channel;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * Finds the server's side of a test's client socket.
 */
final class ServerChannels
{
    private ServerChannels()
    {
    }

    /**
     * The server's channel of a client socket, found by the client's port once the server has accepted it.
     *
     * @param server the server.
     * @param client a socket connected to it.
     * @param bound  longest wait for the server to accept it.
     * @return the channel.
     */
    static Channel serverSide(final WebServer server, final Socket client, final Duration bound)
    {
        final int port = client.getLocalPort();
        final Channel[] found = new Channel[1];
        await().atMost(bound).until(() ->
        {
            for (final Channel channel : server.channels())
            {
                if (channel.remoteAddress() instanceof InetSocketAddress remote && remote.getPort() == port)
                {
                    found[0] = channel;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
