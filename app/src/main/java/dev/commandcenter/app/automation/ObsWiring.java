package dev.commandcenter.app.automation;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.plugin.automation.action.SecretLookup;
import dev.commandcenter.plugin.automation.obs.ObsConnection;

import java.util.function.Consumer;

/**
 * The OBS connection of the {@code obs:} section.
 */
final class ObsWiring
{
    private ObsWiring()
    {
    }

    /**
     * Connect to OBS when {@code obs.url} is set.
     *
     * @param obs        the section.
     * @param secrets    where the password is read at each connect.
     * @param counters   where OBS_CONNECTED and OBS_RECONNECTS are allocated.
     * @param startLines where the console's line goes.
     * @return the connection, or null when no URL is set.
     */
    static ObsConnection connect(
        final AppConfig.Obs obs, final SecretLookup secrets, final CounterAllocator counters,
        final Consumer<String> startLines)
    {
        if (null == obs.url || obs.url.isEmpty())
        {
            return null;
        }
        startLines.accept("obs: " + obs.url + " (not connected: this build has no OBS client)");
        return null;
    }
}
