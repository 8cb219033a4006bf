package dev.commandcenter.app.plugins;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.secrets.SecretsStore;
import dev.commandcenter.plugin.host.PluginView;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Talks to a running engine's plugin control channel, served by its web server and found through
 * {@code control.json} in its data dir, with the engine's token read from the data dir: what
 * {@code commandcenter plugins list|info|enable|disable|reload} use. Errors are one line naming what is wrong;
 * none of them contains the token.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class PluginControlClient
{
    private static final ObjectMapper JSON = new ObjectMapper()
        .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

    /**
     * Where the client finds the token the channel expects.
     */
    @FunctionalInterface
    public interface TokenSource
    {
        /**
         * The token of the engine running on a data dir.
         *
         * @param dataDir the engine's data dir.
         * @return the token.
         * @throws IllegalStateException naming the file when there is none.
         */
        String token(Path dataDir);
    }

    private final Path dataDir;
    private final String tokenFile;
    private final EngineRestClient rest;

    private PluginControlClient(
        final Path dataDir, final URI base, final String token, final String tokenFile, final Duration timeout)
    {
        this.dataDir = dataDir;
        this.tokenFile = tokenFile;
        this.rest = new EngineRestClient(dataDir, base, token, timeout, "control channel");
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
     * Connect to the engine running on a data dir with the token of its data dir.
     *
     * @param dataDir the engine's data dir.
     * @param timeout for each request.
     * @return the client.
     * @throws IllegalStateException when no engine's control file is there.
     */
    public static PluginControlClient connect(final Path dataDir, final Duration timeout)
    {
        return connect(dataDir, timeout, PluginControlClient::dataDirToken);
    }

    /**
     * Connect to the engine running on a data dir.
     *
     * @param dataDir the engine's data dir.
     * @param timeout for each request.
     * @param tokens  where the token comes from.
     * @return the client.
     * @throws IllegalStateException when no engine's control file is there, or it says why there is no channel.
     */
    public static PluginControlClient connect(final Path dataDir, final Duration timeout, final TokenSource tokens)
    {
        return new PluginControlClient(dataDir, controlUrl(dataDir), tokens.token(dataDir),
            dataDir.resolve(SecretsStore.FILE_NAME).toString(), timeout);
    }

    /**
     * The URL of the control channel of the engine running on a data dir, from its {@code control.json}: the
     * engine's web server, whose other routes ({@code /api/chat}) the terminal commands use too.
     *
     * @param dataDir the engine's data dir.
     * @return such as {@code http://127.0.0.1:7300/api/plugins}.
     * @throws IllegalStateException when no engine's control file is there, or it says why there is no channel.
     */
    public static URI controlUrl(final Path dataDir)
    {
        final Path file = dataDir.resolve(PluginControlRoute.FILE_NAME);
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
        if (null == control || !control.isObject())
        {
            throw new IllegalStateException(file + " is not a control file: expected a JSON object with url");
        }
        if (control.path("version").asInt() != PluginControlRoute.PROTOCOL_VERSION)
        {
            throw new IllegalStateException(file + " has control protocol version " + control.path("version").asInt() +
                ", expected " + PluginControlRoute.PROTOCOL_VERSION + " (an engine of another version runs there)");
        }
        if (control.path("error").isTextual())
        {
            throw new IllegalStateException("the engine on data dir " + dataDir + " serves no control channel: " +
                control.get("error").asText());
        }
        if (!control.path("url").isTextual())
        {
            throw new IllegalStateException(file + " is not a control file: expected url");
        }
        final URI base;
        try
        {
            base = URI.create(control.get("url").asText());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalStateException(file + " names url '" + control.get("url").asText() +
                "', expected http://127.0.0.1:<port>" + PluginControlRoute.PATH);
        }
        if (!"http".equals(base.getScheme()) || null == base.getHost() || base.getPort() < 1 ||
            !base.getPath().equals(PluginControlRoute.PATH))
        {
            throw new IllegalStateException(file + " names url '" + base + "', expected http://<host>:<port>" +
                PluginControlRoute.PATH);
        }
        return base;
    }

    /**
     * The admin token an engine keeps in its data dir's secrets store ({@code <data-dir>/secrets.json}), without
     * making one.
     *
     * @param dataDir the engine's data dir.
     * @return the token.
     * @throws IllegalStateException naming the file when it is missing, unreadable or holds no admin token.
     */
    public static String dataDirToken(final Path dataDir)
    {
        final Path file = dataDir.resolve(SecretsStore.FILE_NAME);
        final String token;
        try
        {
            token = SecretsStore.load(dataDir).adminToken();
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalStateException("cannot read the engine's admin token from " + file + " (" +
                ex.getClass().getSimpleName() + "): expected the file the engine writes at start");
        }
        if (null == token || token.isEmpty())
        {
            throw new IllegalStateException(file + " holds no admin token: expected the file the engine writes at start");
        }
        return token;
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
        final EngineRestClient.Answer answer = rest.exchange(method, path, null);
        final JsonNode body = answer.body();
        if (answer.status() == 401)
        {
            throw new IllegalStateException("the engine on data dir " + dataDir + " refused the token of " + tokenFile +
                " (401): expected the admin token the engine runs with (websocket.adminToken, else that file's)");
        }
        if (answer.status() == 404)
        {
            throw new IllegalArgumentException(body.path("error").asText());
        }
        if (answer.status() != 200)
        {
            throw new IllegalStateException(body.path("error").asText("control channel answered " + answer.status()));
        }
        return body;
    }
}
