package dev.commandcenter.app.plugins;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.plugin.host.PluginView;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Talks to a running engine's plugin control channel, found through {@code control.json} in its data dir:
 * what {@code commandcenter plugins list|info|enable|disable|reload} use. Errors are one line naming what is
 * wrong.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class PluginControlClient
{
    private static final ObjectMapper JSON = new ObjectMapper()
        .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

    private final Path dataDir;
    private final URI base;
    private final String authorization;
    private final HttpClient http;
    private final Duration timeout;

    private PluginControlClient(final Path dataDir, final int port, final String token, final Duration timeout)
    {
        this.dataDir = dataDir;
        this.base = URI.create("http://127.0.0.1:" + port + PluginControlServer.PATH);
        this.authorization = "Bearer " + token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).proxy(HttpClient.Builder.NO_PROXY).build();
    }

    /**
     * What a control command did.
     *
     * @param message one line for the user.
     * @param plugin  the plugin afterwards.
     */
    public record Outcome(String message, PluginView plugin)
    {
    }

    /**
     * Connect to the engine running on a data dir.
     *
     * @param dataDir the engine's data dir.
     * @return the client.
     * @throws IllegalStateException when no engine's control file is there.
     */
    public static PluginControlClient connect(final Path dataDir)
    {
        return connect(dataDir, Duration.ofSeconds(30));
    }

    /**
     * Connect to the engine running on a data dir.
     *
     * @param dataDir the engine's data dir.
     * @param timeout for each request.
     * @return the client.
     * @throws IllegalStateException when no engine's control file is there.
     */
    public static PluginControlClient connect(final Path dataDir, final Duration timeout)
    {
        final Path file = dataDir.resolve(PluginControlServer.FILE_NAME);
        if (!Files.isRegularFile(file))
        {
            throw new IllegalStateException("no engine is running on data dir " + dataDir + " (expected its " +
                "control channel file " + file + "; start one with 'commandcenter run --data-dir " + dataDir + "')");
        }
        final JsonNode control;
        try
        {
            control = JSON.readTree(Files.readAllBytes(file));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read " + file + ": " + ex.getMessage());
        }
        if (null == control || !control.path("port").isInt() || !control.path("token").isTextual())
        {
            throw new IllegalStateException(file + " is not a control file: expected port and token");
        }
        if (control.path("version").asInt() != PluginControlServer.PROTOCOL_VERSION)
        {
            throw new IllegalStateException(file + " has control protocol version " + control.path("version").asInt() +
                ", expected " + PluginControlServer.PROTOCOL_VERSION);
        }
        final String host = control.path("host").asText("127.0.0.1");
        if (!"127.0.0.1".equals(host))
        {
            throw new IllegalStateException(file + " names host " + host + ", expected 127.0.0.1: the control channel " +
                "is local only");
        }
        return new PluginControlClient(dataDir, control.get("port").asInt(), control.get("token").asText(), timeout);
    }

    /**
     * Every plugin, failed ones included.
     *
     * @return the views.
     */
    public List<PluginView> list()
    {
        final JsonNode body = send("GET", "");
        return JSON.convertValue(body.get("plugins"), new TypeReference<List<PluginView>>()
        {
        });
    }

    /**
     * One plugin.
     *
     * @param id plugin id.
     * @return its view.
     */
    public PluginView info(final String id)
    {
        return JSON.convertValue(send("GET", "/" + id), PluginView.class);
    }

    /**
     * Enable a plugin.
     *
     * @param id plugin id.
     * @return what happened.
     */
    public Outcome enable(final String id)
    {
        return outcome(send("POST", "/" + id + "/enable"));
    }

    /**
     * Disable a plugin.
     *
     * @param id plugin id.
     * @return what happened.
     */
    public Outcome disable(final String id)
    {
        return outcome(send("POST", "/" + id + "/disable"));
    }

    /**
     * Reload a plugin.
     *
     * @param id plugin id.
     * @return what happened.
     */
    public Outcome reload(final String id)
    {
        return outcome(send("POST", "/" + id + "/reload"));
    }

    private static Outcome outcome(final JsonNode body)
    {
        return new Outcome(body.path("message").asText(), JSON.convertValue(body.get("plugin"), PluginView.class));
    }

    private JsonNode send(final String method, final String path)
    {
        final String id = path.isEmpty() ? "" : path.substring(1).replaceFirst("/(enable|disable|reload)$", "");
        if (!path.isEmpty() && !ID.matcher(id).matches())
        {
            throw new IllegalArgumentException("not a plugin id: '" + id + "', expected letters, digits, '.', '-' or '_'");
        }
        final HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .header("Authorization", authorization)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
        final HttpResponse<byte[]> response;
        try
        {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }
        catch (final ConnectException ex)
        {
            throw new IllegalStateException("no engine answers on data dir " + dataDir + " (its control channel at " +
                "127.0.0.1:" + base.getPort() + " refused the connection: is the engine still running?)");
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("control channel of data dir " + dataDir + " failed: " + ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        final JsonNode body;
        try
        {
            body = JSON.readTree(response.body());
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("control channel answered " + response.statusCode() + " with no JSON");
        }
        if (response.statusCode() == 404)
        {
            throw new IllegalArgumentException(body.path("error").asText());
        }
        if (response.statusCode() != 200)
        {
            throw new IllegalStateException(body.path("error").asText("control channel answered " + response.statusCode()));
        }
        return body;
    }
}
