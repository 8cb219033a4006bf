package dev.commandcenter.engine.plugin;

import dev.commandcenter.engine.Event;

/**
 * A plugin reacts to input events and may emit messages to the output ring. Each plugin runs on
 * its own thread and sequence, sees only what its {@link #subscription()} admits and owns its state
 * alone (single writer). A plugin that throws is isolated: the error is counted and logged, and after
 * the configured number of failures it is quarantined while the others carry on.
 * <p>
 * Built-in plugins are found with {@link java.util.ServiceLoader}; they need a public no-argument constructor.
 * External plugins are jars (or folders) in the plugins dir with a {@code plugin.yaml} descriptor naming the class.
 * <p>
 * The contract is bytes in, bytes out: events arrive as SBE messages with a sequence, timestamp and source, emits
 * leave as SBE messages, configuration is plain values. A plugin that keeps to this package, the event view and
 * the codecs can therefore be hosted out of process (over Aeron or WebSocket) without changing its code.
 */
public interface Plugin
{
    /**
     * Stable id, used in configuration, counters, URLs and status.
     *
     * @return lowercase id such as {@code stream-bridge}.
     */
    String id();

    /**
     * Semantic version of the plugin.
     *
     * @return the version.
     */
    default String version()
    {
        return "0.1.0";
    }

    /**
     * Which events this plugin receives; evaluated on the plugin's thread before {@link #onEvent(Event)}.
     *
     * @return the subscription.
     */
    default Subscription subscription()
    {
        return Subscription.all();
    }

    /**
     * Called once on the plugin's thread before the first event.
     *
     * @param context of this plugin: configuration, emitter, clock.
     * @throws Exception to fail the start; the plugin is marked FAILED and receives no events.
     */
    default void onStart(final PluginContext context) throws Exception
    {
    }

    /**
     * Called for each subscribed event, in sequence order.
     *
     * @param event valid only during the call.
     * @throws Exception counted and logged; the plugin is quarantined after too many.
     */
    void onEvent(Event event) throws Exception;

    /**
     * How this plugin gets its state back when it starts; a {@code recovery:} key in its {@code plugin.yaml} wins.
     *
     * @return the declaration; {@link Recovery#NONE} by default.
     */
    default Recovery recovery()
    {
        return Recovery.NONE;
    }

    /**
     * Restore the snapshot this plugin wrote itself (in {@link PluginContext#storage()}), when it declares
     * {@link Recovery.Mode#SNAPSHOT}. Called on the plugin's thread after {@link #onStart} and before the journal is
     * read.
     *
     * @param context of this plugin.
     * @return the sequence of the first event the snapshot does not cover (the journal is read from there), or
     * {@link Recovery#NO_SNAPSHOT} when there was none.
     * @throws Exception to start from the journal alone: the error is counted and logged, the plugin's state must
     *                   then be empty again.
     */
    default long restoreSnapshot(final PluginContext context) throws Exception
    {
        return Recovery.NO_SNAPSHOT;
    }

    /**
     * Called once on the plugin's thread when recovery has ended (also when the plugin declares none, or there was
     * nothing to read), before the first live event. Emits made here re-announce recovered state; they carry the
     * sequence and timestamp of the last event read back, or -1 and the start time when none was.
     *
     * @param context of this plugin.
     * @throws Exception counted and logged like a failed event.
     */
    default void onRecovered(final PluginContext context) throws Exception
    {
    }

    /**
     * Called once on shutdown, after the last event.
     */
    default void onStop()
    {
    }

    /**
     * A folder on this plugin's class path whose files the HTTP transport serves at
     * {@code /plugins/<id>/}, such as an overlay page.
     *
     * @return the resource folder (for example {@code "stream-bridge/web"}), or null for none.
     */
    default String webResourceRoot()
    {
        return null;
    }
}
