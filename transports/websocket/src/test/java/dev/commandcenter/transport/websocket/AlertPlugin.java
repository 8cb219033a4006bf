package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Test plugin: records every event it sees, turns each TransactionReceived into an OverlayAlert with
 * the same amount, and echoes each ChatMessage. An event with amount {@link #BLOCKING_AMOUNT} holds the
 * plugin until {@link #release()}, to fill the input ring.
 */
final class AlertPlugin implements Plugin
{
    static final String ID = "alerts";
    static final long BLOCKING_AMOUNT = 424242;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    final List<JsonNode> seen = new CopyOnWriteArrayList<>();
    /** The thread each event was handled on, in order. */
    final List<String> threads = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private Emitter emitter;

    public String id()
    {
        return ID;
    }

    public String webResourceRoot()
    {
        return "test-web/alerts";
    }

    public void onStart(final PluginContext context)
    {
        emitter = context.emitter();
    }

    public void onEvent(final Event event) throws Exception
    {
        final JsonView view = JsonView.instance();
        final JsonNode node = MAPPER.readTree(view.toJson(event.buffer(), event.offset()));
        threads.add(Thread.currentThread().getName());
        seen.add(((ObjectNode)node).put("sequence", event.sequence()));
        final String type = node.get("type").asText();
        if ("TransactionReceived".equals(type))
        {
            final long amount = node.get("amountSats").asLong();
            if (BLOCKING_AMOUNT == amount && !released.await(20, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("test never released the plugin");
            }
            final int length = view.fromJson("{\"type\":\"OverlayAlert\",\"alertId\":" + event.sequence() +
                ",\"amountSats\":" + amount + ",\"durationMs\":5000,\"kind\":\"PAYMENT\",\"title\":\"Thanks!\"," +
                "\"message\":\"" + amount + " sats\"}", buffer, 0);
            emitter.emit(buffer, 0, length);
        }
        else if ("ChatMessage".equals(type))
        {
            emitter.emit(event.buffer(), event.offset(), event.length());
        }
    }

    void release()
    {
        released.countDown();
    }
}
