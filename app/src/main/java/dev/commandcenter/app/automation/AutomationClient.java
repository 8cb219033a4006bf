package dev.commandcenter.app.automation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.plugins.PluginControlClient;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dataDir;
    private final URI base;
    private final String authorization;
    private final HttpClient http;
    private final Duration timeout;

    private AutomationClient(final Path dataDir, final URI base, final String token, final Duration timeout)
    {
        this.dataDir = dataDir;
        this.base = base;
        this.authorization = "Bearer " + token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).proxy(HttpClient.Builder.NO_PROXY).build();
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
        final URI control = PluginControlClient.controlUrl(dataDir);
        final URI base = URI.create(control.getScheme() + "://" + control.getHost() + ":" + control.getPort());
        return new AutomationClient(dataDir, base, PluginControlClient.dataDirToken(dataDir), timeout);
    }

    /**
     * The automation's status.
     *
     * @return the body of {@code GET /api/automation}.
     */
    public JsonNode status()
    {
        return send("GET", AutomationRoute.PATH, null);
    }

    /**
     * Publish a control event.
     *
     * @param body the control route's body.
     * @return the receipt (engine sequence).
     */
    public long control(final Map<String, Object> body)
    {
        return send("POST", AutomationRoute.CONTROL_PATH, body).path("receipt").asLong();
    }

    private JsonNode send(final String method, final String path, final Map<String, Object> body)
    {
        final HttpRequest request;
        try
        {
            request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .method(method, null == body ? HttpRequest.BodyPublishers.noBody() :
                    HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .build();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot encode the request: " + ex.getMessage());
        }
        final HttpResponse<byte[]> response;
        try
        {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
        catch (final ConnectException ex)
        {
            throw new IllegalStateException("no engine answers on data dir " + dataDir + " (" + base.getHost() + ":" +
                base.getPort() + " refused the connection: is the engine still running?)");
        }
        catch (final java.net.http.HttpTimeoutException ex)
        {
            throw new IllegalStateException("the engine on data dir " + dataDir + " did not answer within " +
                timeout.toMillis() + " ms");
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("the engine on data dir " + dataDir + " failed to answer: " + ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        final JsonNode answer;
        try
        {
            answer = JSON.readTree(response.body());
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("the engine answered " + response.statusCode() + " with no JSON");
        }
        if (response.statusCode() >= 300)
        {
            throw new IllegalStateException(answer.path("error").asText("the engine answered " + response.statusCode()) +
                (401 == response.statusCode() ? " (the admin token of " + dataDir + " was refused)" : ""));
        }
        return answer;
    }
}
