package dev.commandcenter.app.automation;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.plugin.automation.action.SecretLookup;
import dev.commandcenter.plugin.automation.obs.ObsClient;
import dev.commandcenter.plugin.automation.obs.ObsConnection;

import java.util.function.Consumer;

/**
 * The OBS connection of the {@code obs:} section: an {@link ObsClient} that connects in the background and keeps
 * reconnecting with backoff, its password read from the secrets store at each connect.
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
        final String key = obs.passwordKey;
        final ObsClient client = ObsClient.launch(new ObsClient.Context()
            .url(obs.url)
            // Read at each connect, so a rotated password applies without a restart.
            .password(() -> secrets.secret(key))
            .requestTimeoutMs(obs.requestTimeoutMs)
            .reconnectMinMs(obs.reconnectMinMs)
            .reconnectMaxMs(obs.reconnectMaxMs)
            .connectedGauge(counters.allocate(CounterType.OBS_CONNECTED, ""))
            .reconnectsCounter(counters.allocate(CounterType.OBS_RECONNECTS, "")));
        startLines.accept("obs: connecting to " + obs.url + " (password: secrets store entry " + key + ")");
        return client;
    }
}
