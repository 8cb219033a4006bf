package dev.commandcenter.engine.plugin;

/**
 * How the proxy of a plugin hosted out of process reports its host's health into the plugin's slot: the engine's
 * {@link PluginContext} implements it, and only a remote slot's proxy uses it (by casting the context it is started
 * with). A STALLED or DISCONNECTED reported here holds until {@link #hostAttached()}: the engine's own stall
 * detector does not undo it.
 * <p>
 * <b>Note:</b> thread safe; may be called from any thread (a transport's poller, the endpoint's timer).
 */
public interface HostHealth
{
    /**
     * A host is attached and heard from: a STALLED or DISCONNECTED slot returns to RUNNING.
     */
    void hostAttached();

    /**
     * The attached host has been silent for a heartbeat interval: the slot is STALLED.
     *
     * @param reason naming the host and the silence.
     */
    void hostStalled(String reason);

    /**
     * No host is attached (none yet, or its link closed): the slot is DISCONNECTED.
     *
     * @param reason such as {@code waiting for a plugin host}.
     */
    void hostDisconnected(String reason);
}
