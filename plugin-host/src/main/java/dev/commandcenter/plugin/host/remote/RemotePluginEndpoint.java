package dev.commandcenter.plugin.host.remote;

/**
 * Where transports hand new connections from plugin hosts. The endpoint reads the host's {@code PluginHello},
 * attaches the link to the plugin's remote slot (or refuses it with a {@code PluginGoodbye}) and runs the protocol.
 */
@FunctionalInterface
public interface RemotePluginEndpoint
{
    /**
     * A new connection from a plugin host; no message has been read from it yet.
     *
     * @param link the connection.
     * @return what the transport passes the link's messages and its close to.
     */
    RemoteLinkHandler attach(RemoteLink link);
}
