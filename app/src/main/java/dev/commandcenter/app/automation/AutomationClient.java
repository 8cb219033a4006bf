package dev.commandcenter.app.automation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.app.plugins.EngineRestClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The terminal's way into the automation of the engine running on a data dir: its web server found through the data
 * dir's control file, the admin token from its secrets store, and {@code GET /api/automation} and
 * {@code POST /api/automation/control}. Errors are one line and never contain the token.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class AutomationClient
{
    private final EngineRestClient rest;

    private AutomationClient(final EngineRestClient rest)
    {
        this.rest = rest;
    }

    /**
     * Connect to the engine running on a data dir, with its admin token.
     *
     * @param dataDir the engine's data dir.
     * @param timeout longest wait for an answer.
     * @return the client.
     * @throws IllegalStateException when no engine runs there or its token cannot be read.
     */
    public static AutomationClient connect(final Path dataDir, final Duration timeout)
    {
        return new AutomationClient(EngineRestClient.connect(dataDir, timeout));
    }

    /**
     * The automation's status.
     *
     * @return the body of {@code GET /api/automation}.
     */
    public JsonNode status()
    {
        return rest.send("GET", AutomationRoute.PATH, null);
    }

    /**
     * Publish a control event.
     *
     * @param body the control route's body.
     * @return the receipt (engine sequence).
     */
    public long control(final Map<String, Object> body)
    {
        return rest.send("POST", AutomationRoute.CONTROL_PATH, body).path("receipt").asLong();
    }
}
