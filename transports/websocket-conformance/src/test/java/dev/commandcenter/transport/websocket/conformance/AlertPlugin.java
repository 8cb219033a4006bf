package dev.commandcenter.transport.websocket.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Test plugin behind every backend: turns each TransactionReceived into an OverlayAlert with the same amount and
 * echoes each ChatMessage, so a feed client can tell its own outputs by amount or text. Its web pages are the
 * {@code conformance-web/alerts} test resources.
 */
final class AlertPlugin implements Plugin
{
    static final String ID = "alerts";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
    private Emitter emitter;

    public String id()
    {
        return ID;
    }

    public String webResourceRoot()
    {
        return "conformance-web/alerts";
    }

    public void onStart(final PluginContext context)
    {
        emitter = context.emitter();
    }

    public void onEvent(final Event event) throws Exception
    {
        final JsonView view = JsonView.instance();
        final JsonNode node = MAPPER.readTree(view.toJson(event.buffer(), event.offset()));
        final String type = node.get("type").asText();
        if ("TransactionReceived".equals(type))
        {
            final long amount = node.get("amountSats").asLong();
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
}
