package dev.commandcenter.app.plugins;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The terminal's REST client of the engine running on a data dir: requests with the admin token to the engine's web
 * server, JSON bodies, and one-line errors that name the data dir and never contain the token. The terminal's
 * plugin, chat and automation commands all talk to the engine through it.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class EngineRestClient
{
    private static final ObjectMapper JSON = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * An answer of the engine: its status and its JSON body.
     *
     * @param status the HTTP status.
     * @param body   the JSON body.
     */
    public record Answer(int status, JsonNode body)
    {
    }

    private final Path dataDir;
    private final URI base;
    private final String authorization;
    private final String channel;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * A client of the engine's web server at a base URL.
     *
     * @param dataDir the engine's data dir, named in errors.
     * @param base    the base URL the paths of requests are appended to.
     * @param token   the admin token.
     * @param timeout longest wait for each answer.
     * @param channel what errors call the server, such as {@code control channel}, or null for the engine itself.
     */
    public EngineRestClient(
        final Path dataDir, final URI base, final String token, final Duration timeout, final String channel)
    {
        this.dataDir = dataDir;
        this.base = base;
        this.authorization = "Bearer " + token;
        this.channel = channel;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2))
            .proxy(HttpClient.Builder.NO_PROXY).build();
    }

    /**
     * Connect to the web server of the engine running on a data dir, found through its control file, with the admin
     * token of its secrets store.
     *
     * @param dataDir the engine's data dir.
     * @param timeout longest wait for each answer.
     * @return the client.
     * @throws IllegalStateException when no engine runs there or its token cannot be read.
     */
    public static EngineRestClient connect(final Path dataDir, final Duration timeout)
    {
        final URI control = PluginControlClient.controlUrl(dataDir);
        final URI base = URI.create(control.getScheme() + "://" + control.getHost() + ":" + control.getPort());
        return new EngineRestClient(dataDir, base, PluginControlClient.dataDirToken(dataDir), timeout, null);
    }

    /**
     * Send a request and return the JSON answer, whatever its status.
     *
     * @param method the HTTP method.
     * @param path   appended to the base URL.
     * @param body   encoded as JSON, or null for none.
     * @return the status and the body.
     * @throws IllegalStateException in one line when no engine answers or the answer is not JSON.
     */
    public Answer exchange(final String method, final String path, final Map<String, Object> body)
    {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .header("Authorization", authorization);
        try
        {
            if (null == body)
            {
                builder.method(method, HttpRequest.BodyPublishers.noBody());
            }
            else
            {
                builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot encode the request: " + ex.getMessage());
        }
        final HttpResponse<byte[]> response;
        try
        {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        }
        catch (final ConnectException ex)
        {
            throw new IllegalStateException("no engine answers on data dir " + dataDir + " (" +
                (null == channel ? "" : "its " + channel + " at ") + base.getHost() + ":" + base.getPort() +
                " refused the connection: is the engine still running?)");
        }
        catch (final HttpTimeoutException ex)
        {
            throw new IllegalStateException((null == channel ? "the engine on" : "the " + channel + " of") +
                " data dir " + dataDir + " did not answer within " + timeout.toMillis() + " ms");
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(null == channel ?
                "the engine on data dir " + dataDir + " failed to answer: " + ex :
                channel + " of data dir " + dataDir + " failed: " + ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        try
        {
            return new Answer(response.statusCode(), JSON.readTree(response.body()));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException((null == channel ? "the engine" : channel) + " answered " +
                response.statusCode() + " with no JSON");
        }
    }

    /**
     * Send a request and return the JSON answer of a success.
     *
     * @param method the HTTP method.
     * @param path   appended to the base URL.
     * @param body   encoded as JSON, or null for none.
     * @return the body.
     * @throws IllegalStateException in one line when no engine answers, or with the engine's error when it answers
     *                               a status of 300 or more.
     */
    public JsonNode send(final String method, final String path, final Map<String, Object> body)
    {
        final Answer answer = exchange(method, path, body);
        if (answer.status() >= 300)
        {
            throw new IllegalStateException(answer.body().path("error").asText("the engine answered " + answer.status()) +
                (401 == answer.status() ? " (the admin token of " + dataDir + " was refused)" : ""));
        }
        return answer.body();
    }
}
