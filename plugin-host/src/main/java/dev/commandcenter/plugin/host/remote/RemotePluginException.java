package dev.commandcenter.plugin.host.remote;

/**
 * A plugin hosted out of process threw while handling an event: its host reported the failure in the
 * {@code PluginDone}, and the remote slot throws this so the engine counts it towards quarantine like an in-process
 * failure.
 */
public final class RemotePluginException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * A failure reported by a host.
     *
     * @param pluginId the plugin.
     * @param failure  what the host reported.
     */
    public RemotePluginException(final String pluginId, final String failure)
    {
        super("plugin '" + pluginId + "' (out of process) failed: " + failure, null, false, false);
    }
}
