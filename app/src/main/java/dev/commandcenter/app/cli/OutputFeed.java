package dev.commandcenter.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.Event;
import dev.commandcenter.app.plugins.PluginControlClient;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Follows the {@code /ws/all} feed of the engine running on a data dir (found through its control file, opened with
 * the admin token of the data dir in a header, never in the URL): each output that the {@link TailFilter} keeps goes
 * to the {@link TailQueue} as its JSON view with {@code kind}, {@code seq} (the output sequence), {@code timestamp},
 * {@code plugin} and {@code sequence} (the event that caused it) first. A feed first replays the outputs it retains
 * for late subscribers; the tail asks for the engine's trace stamps ({@code trace=1}), which only live frames carry,
 * and passes over the replayed ones, so it shows what the engine emits from now on. Field tests read the SBE bytes,
 * encoded back from the JSON view by the schema's view.
 * <p>
 * <b>Note:</b> the listener runs on the HTTP client's thread; the queue is its only shared state.
 */
final class OutputFeed implements WebSocket.Listener, AutoCloseable
{
    /** The engine's feed of every output. */
    static final String PATH = "/ws/all?format=json&trace=1&batch=0";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final TailFilter filter;
    private final TailQueue queue;
    private final StringBuilder partial = new StringBuilder();
    private final ExpandableArrayBuffer sbe = new ExpandableArrayBuffer(512);
    private final MessageView view = new MessageView();
    private volatile boolean closing;
    private volatile boolean ended;
    private WebSocket socket;
    private String url;

    private OutputFeed(final TailFilter filter, final TailQueue queue)
    {
        this.filter = filter;
        this.queue = queue;
    }

    /**
     * Connect to the engine's feed of every output.
     *
     * @param dataDir the engine's data dir.
     * @param filter  what to keep.
     * @param queue   where kept outputs go.
     * @return the connected feed.
     * @throws IllegalStateException in one line saying why outputs cannot be followed.
     */
    static OutputFeed connect(final Path dataDir, final TailFilter filter, final TailQueue queue)
    {
        final URI control = PluginControlClient.controlUrl(dataDir);
        final String token = PluginControlClient.dataDirToken(dataDir);
        final OutputFeed feed = new OutputFeed(filter, queue);
        feed.url = "ws://" + control.getHost() + ":" + control.getPort() + PATH.substring(0, PATH.indexOf('?'));
        final URI uri = URI.create("ws://" + control.getHost() + ":" + control.getPort() + PATH);
        try
        {
            feed.socket = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build().newWebSocketBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .buildAsync(uri, feed)
                .get(CONNECT_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("the engine on data dir " + dataDir + " refused its output feed at " +
                feed.url + ": " + Console.describe(null == ex.getCause() ? ex : ex.getCause()));
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("the engine on data dir " + dataDir + " did not open its output feed at " +
                feed.url + " within " + CONNECT_TIMEOUT.toSeconds() + " s");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        return feed;
    }

    /**
     * The feed's URL, without its query, for the start line.
     *
     * @return such as {@code ws://127.0.0.1:7300/ws/all}.
     */
    String url()
    {
        return url;
    }

    /**
     * Whether the engine closed the feed or it failed.
     *
     * @return true once ended.
     */
    boolean ended()
    {
        return ended;
    }

    public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
    {
        partial.append(data);
        if (last)
        {
            final String text = partial.toString();
            partial.setLength(0);
            try
            {
                onFrame(JSON.readTree(text));
            }
            catch (final IOException | RuntimeException ex)
            {
                queue.note("commandcenter: tail: an output frame could not be read: " + Console.describe(ex));
            }
        }
        webSocket.request(1);
        return null;
    }

    public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
    {
        if (!closing)
        {
            ended = true;
            queue.note("commandcenter: tail: outputs ended: the engine closed its output feed (" + statusCode +
                (null == reason || reason.isEmpty() ? "" : " " + reason) + "); events are still followed");
        }
        return null;
    }

    public void onError(final WebSocket webSocket, final Throwable error)
    {
        if (!closing)
        {
            ended = true;
            queue.note("commandcenter: tail: outputs ended: " + Console.describe(error) + "; events are still followed");
        }
    }

    /**
     * Close the feed.
     */
    public void close()
    {
        closing = true;
        if (null != socket)
        {
            socket.abort();
        }
    }

    private void onFrame(final JsonNode frame)
    {
        if (!frame.isObject())
        {
            return;
        }
        final String type = frame.path(JsonView.TYPE_FIELD).asText();
        if ("batch".equals(type))
        {
            for (final JsonNode message : frame.path("messages"))
            {
                onFrame(message);
            }
            return;
        }
        // Only live frames carry trace stamps: the feed's replay of retained outputs comes without them.
        if (!frame.has("trace"))
        {
            return;
        }
        final int templateId = JsonView.instance().templateId(type);
        if (!filter.admitsType(templateId))
        {
            return;
        }
        final ObjectNode output = (ObjectNode)frame;
        output.remove("trace");
        if (filter.testsFields(templateId))
        {
            final ObjectNode message = output.deepCopy();
            message.remove("seq");
            final int length;
            try
            {
                length = JsonView.instance().fromJson(message, sbe, 0);
            }
            catch (final IllegalArgumentException ex)
            {
                return;
            }
            view.wrap(sbe, length);
            if (!filter.admits(view))
            {
                return;
            }
        }
        queue.offer(render(output));
    }

    /**
     * The JSON line of an output frame.
     *
     * @param frame the frame's JSON, envelope included.
     * @return {@code kind}, {@code seq}, {@code timestamp}, {@code plugin}, {@code sequence}, then the JSON view.
     */
    static ObjectNode render(final ObjectNode frame)
    {
        final ObjectNode line = JSON.createObjectNode();
        line.put("kind", "output");
        line.set("seq", frame.get("seq"));
        line.set("timestamp", frame.get("timestamp"));
        line.set("plugin", frame.get("plugin"));
        line.set("sequence", frame.get("sequence"));
        for (final java.util.Map.Entry<String, JsonNode> field : frame.properties())
        {
            if (!line.has(field.getKey()))
            {
                line.set(field.getKey(), field.getValue());
            }
        }
        return line;
    }

    /**
     * An output's SBE bytes seen as an {@link Event}, for the field tests.
     */
    private static final class MessageView implements Event
    {
        private DirectBuffer buffer;
        private int length;

        void wrap(final DirectBuffer buffer, final int length)
        {
            this.buffer = buffer;
            this.length = length;
        }

        public long sequence()
        {
            return -1;
        }

        public long timestampNs()
        {
            return 0;
        }

        public int source()
        {
            return -1;
        }

        public int templateId()
        {
            return MessageSchema.templateId(buffer, 0);
        }

        public DirectBuffer buffer()
        {
            return buffer;
        }

        public int offset()
        {
            return 0;
        }

        public int length()
        {
            return length;
        }
    }
}
