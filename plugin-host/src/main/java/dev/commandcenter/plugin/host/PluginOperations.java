package dev.commandcenter.plugin.host;

import java.util.List;

/**
 * What operators may do with the plugins of a running engine: list them, look at one, enable, disable and
 * reload. The plugin host implements it ({@link PluginManager}); the app serves it over its local control
 * channel and the command line drives it. Failures are exceptions whose message is one line for the user.
 * <p>
 * <b>Note:</b> implementations are thread safe; control operations are serialised.
 */
public interface PluginOperations
{
    /**
     * Every plugin, failed ones included.
     *
     * @return one view per plugin, in start order.
     */
    List<PluginView> list();

    /**
     * One plugin.
     *
     * @param id plugin id.
     * @return its view.
     * @throws IllegalArgumentException when there is no such plugin.
     */
    PluginView info(String id);

    /**
     * Start a stopped, quarantined or start-failed plugin again with a fresh instance.
     *
     * @param id plugin id.
     * @return its view afterwards.
     * @throws IllegalArgumentException when there is no such plugin.
     * @throws IllegalStateException when it cannot be enabled.
     */
    PluginView enable(String id);

    /**
     * Stop a plugin at a sequence boundary; it stays listed as STOPPED until enabled.
     *
     * @param id plugin id.
     * @return its view afterwards.
     * @throws IllegalArgumentException when there is no such plugin.
     * @throws IllegalStateException when an enabled plugin requires it.
     */
    PluginView disable(String id);

    /**
     * Load a plugin again and swap it in at a sequence boundary; the running version stays if the new one
     * cannot load.
     *
     * @param id plugin id.
     * @return its view afterwards.
     * @throws IllegalArgumentException when there is no such plugin.
     * @throws IllegalStateException when the new version cannot be loaded or started in time.
     */
    PluginView reload(String id);
}
