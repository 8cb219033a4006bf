package dev.commandcenter.app.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol, for tests of pages in a real browser: each
 * {@link #newPage()} is a tab in its own browser context (its own cookies and storage, like another person's
 * browser), commands go over one WebSocket to the browser with flattened sessions.
 * Chromium picks a free debugging port ({@code --remote-debugging-port=0}) and writes it to
 * {@code DevToolsActivePort} in the profile directory, where this reads it.
 * <p>
 * <b>Note:</b> commands may be sent from any thread; replies are matched to them by id.
 */
public final class DevTools implements AutoCloseable
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();

    private DevTools(final Process process, final WebSocket socket)
    {
        this.process = process;
        this.socket = socket;
    }

    /**
     * The Chromium of the OS packages; skips the calling test where there is none (fails it on CI).
     *
     * @return the browser's executable.
     */
    public static Path chromium()
    {
        for (final String candidate : new String[] { "/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome" })
        {
            if (Files.isExecutable(Path.of(candidate)))
            {
                return Path.of(candidate);
            }
        }
        Assumptions.assumeFalse(null == System.getenv("CI"), "Chromium missing on CI: .ci/run should install it");
        Assumptions.abort("no Chromium installed (apt-get install chromium)");
        return null;
    }

    /**
     * Starts a headless browser with a fresh profile and connects to it.
     *
     * @param browser executable, from {@link #chromium()}.
     * @param profile an empty directory for the browser's profile.
     * @return the connected browser; close it to end the process.
     * @throws IOException when the browser cannot be started or reached.
     */
    public static DevTools launch(final Path browser, final Path profile) throws IOException
    {
        final Process process = new ProcessBuilder(List.of(browser.toString(), "--headless", "--no-sandbox",
            "--disable-gpu", "--disable-quic", "--no-first-run", "--no-default-browser-check",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--mute-audio", "--remote-debugging-port=0",
            "--user-data-dir=" + profile, "about:blank"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        try
        {
            final Path portFile = profile.resolve("DevToolsActivePort");
            await("Chromium writes " + portFile).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> !process.isAlive() || activePort(portFile).size() >= 2);
            if (!process.isAlive())
            {
                throw new IOException("Chromium exited with " + process.exitValue() + " before it listened");
            }
            final List<String> lines = activePort(portFile);
            final URI uri = URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
            final Listener listener = new Listener();
            final WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(20))
                .buildAsync(uri, listener)
                .get(30, TimeUnit.SECONDS);
            final DevTools devTools = new DevTools(process, socket);
            listener.owner = devTools;
            return devTools;
        }
        catch (final IOException | RuntimeException ex)
        {
            process.destroyForcibly();
            throw ex;
        }
        catch (final InterruptedException | ExecutionException | TimeoutException ex)
        {
            process.destroyForcibly();
            throw new IOException("cannot connect to Chromium's DevTools: " + ex, ex);
        }
    }

    private static List<String> activePort(final Path file)
    {
        try
        {
            return Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        }
        catch (final IOException ex)
        {
            return List.of();
        }
    }

    /**
     * Opens a tab in a new browser context (no storage shared with other pages), 1280x800.
     *
     * @return the page.
     */
    public Page newPage()
    {
        final String contextId = command(null, "Target.createBrowserContext", MAPPER.createObjectNode())
            .path("browserContextId").asText();
        final ObjectNode target = MAPPER.createObjectNode().put("url", "about:blank").put("browserContextId", contextId);
        final String targetId = command(null, "Target.createTarget", target).path("targetId").asText();
        final String sessionId = command(null, "Target.attachToTarget",
            MAPPER.createObjectNode().put("targetId", targetId).put("flatten", true)).path("sessionId").asText();
        final Page page = new Page(sessionId);
        page.viewport(1280, 800);
        return page;
    }

    private JsonNode command(final String sessionId, final String method, final ObjectNode params)
    {
        final long id = ids.incrementAndGet();
        final ObjectNode message = MAPPER.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        if (null != sessionId)
        {
            message.put("sessionId", sessionId);
        }
        final CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        replies.put(id, reply);
        try
        {
            synchronized (socket)
            {
                socket.sendText(MAPPER.writeValueAsString(message), true).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            final JsonNode answer = reply.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (answer.has("error"))
            {
                throw new IllegalStateException(method + " failed: " + answer.get("error"));
            }
            return answer.path("result");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " interrupted", ex);
        }
        catch (final ExecutionException | TimeoutException | IOException ex)
        {
            throw new IllegalStateException(method + " got no answer from Chromium in " + COMMAND_TIMEOUT + ": " + ex, ex);
        }
        finally
        {
            replies.remove(id);
        }
    }

    private void onMessage(final String text)
    {
        try
        {
            final JsonNode message = MAPPER.readTree(text);
            if (message.has("id"))
            {
                final CompletableFuture<JsonNode> reply = replies.get(message.get("id").asLong());
                if (null != reply)
                {
                    reply.complete(message);
                }
            }
        }
        catch (final IOException ex)
        {
            // Not JSON: Chromium only sends JSON, so this cannot answer any command.
        }
    }

    /**
     * Closes the browser (politely, then by force) and its connection.
     */
    public void close()
    {
        try
        {
            command(null, "Browser.close", MAPPER.createObjectNode());
        }
        catch (final RuntimeException ex)
        {
            // It may close the connection before it answers; the process is ended below either way.
        }
        socket.abort();
        try
        {
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One tab: navigate, evaluate JavaScript, wait for a condition, take a screenshot.
     */
    public final class Page
    {
        private final String sessionId;

        private Page(final String sessionId)
        {
            this.sessionId = sessionId;
        }

        /**
         * Sets the size of the page's window.
         *
         * @param width  CSS pixels.
         * @param height CSS pixels.
         */
        public void viewport(final int width, final int height)
        {
            command(sessionId, "Emulation.setDeviceMetricsOverride", MAPPER.createObjectNode()
                .put("width", width).put("height", height).put("deviceScaleFactor", 1).put("mobile", false));
        }

        /**
         * Paints the page's background in this colour where the page leaves it transparent (an OBS source).
         *
         * @param red   0..255.
         * @param green 0..255.
         * @param blue  0..255.
         */
        public void backdrop(final int red, final int green, final int blue)
        {
            final ObjectNode params = MAPPER.createObjectNode();
            params.putObject("color").put("r", red).put("g", green).put("b", blue).put("a", 1);
            command(sessionId, "Emulation.setDefaultBackgroundColorOverride", params);
        }

        /**
         * Loads a URL and waits until the document has loaded.
         *
         * @param url to load.
         */
        public void navigate(final String url)
        {
            final JsonNode result = command(sessionId, "Page.navigate", MAPPER.createObjectNode().put("url", url));
            if (result.hasNonNull("errorText"))
            {
                throw new IllegalStateException("cannot load " + url + ": " + result.get("errorText").asText());
            }
            awaitTrue("document.readyState === 'complete' && location.href !== 'about:blank'", Duration.ofSeconds(30));
        }

        /**
         * Evaluates a JavaScript expression in the page (awaiting a promise it returns).
         *
         * @param expression JavaScript.
         * @return its value as JSON (a missing node for undefined).
         */
        public JsonNode evaluate(final String expression)
        {
            final JsonNode result = command(sessionId, "Runtime.evaluate", MAPPER.createObjectNode()
                .put("expression", expression).put("returnByValue", true).put("awaitPromise", true));
            if (result.has("exceptionDetails"))
            {
                throw new IllegalStateException("script failed: " + expression + ": " +
                    result.get("exceptionDetails").path("exception").path("description").asText(
                    result.get("exceptionDetails").path("text").asText()));
            }
            return result.path("result").path("value");
        }

        /**
         * Evaluates a JavaScript expression for its text.
         *
         * @param expression JavaScript.
         * @return the value as text, "" for null or undefined.
         */
        public String text(final String expression)
        {
            final JsonNode value = evaluate(expression);
            return value.isMissingNode() || value.isNull() ? "" : value.asText();
        }

        /**
         * Waits until a JavaScript expression is true in the page.
         *
         * @param expression JavaScript giving a boolean.
         * @param atMost     how long to wait.
         */
        public void awaitTrue(final String expression, final Duration atMost)
        {
            await(expression).atMost(atMost).pollInterval(Duration.ofMillis(100))
                .until(() -> evaluate(expression).asBoolean(false));
        }

        /**
         * Writes a PNG of the visible page.
         *
         * @param file where.
         * @throws IOException when it cannot be written.
         */
        public void screenshot(final Path file) throws IOException
        {
            final JsonNode result = command(sessionId, "Page.captureScreenshot",
                MAPPER.createObjectNode().put("format", "png"));
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, Base64.getDecoder().decode(result.path("data").asText()));
        }
    }

    private static final class Listener implements WebSocket.Listener
    {
        private final StringBuilder text = new StringBuilder();
        private volatile DevTools owner;

        public void onOpen(final WebSocket webSocket)
        {
            webSocket.request(1);
        }

        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            text.append(data);
            if (last)
            {
                final String message = text.toString();
                text.setLength(0);
                final DevTools devTools = owner;
                if (null != devTools)
                {
                    devTools.onMessage(message);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
