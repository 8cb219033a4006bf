package dev.commandcenter.app.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.app.rest.JsonBodies;
import dev.commandcenter.app.rest.Receipts;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.OverlayControlAction;
import dev.commandcenter.codecs.sbe.OverlayControlEncoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.transport.websocket.HttpApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The stream bridge's alert-queue control, admin scope:
 * <pre>
 *   POST /api/stream/control   {"action": "pause|resume|skip|replay-last|test-alert", "actor": "optional name"}
 *                              -> 202 {"receipt": N}
 * </pre>
 * A control publishes an {@code OverlayControl} event (source rest; journaled, so a replay does the same) that the
 * stream bridge applies and answers with an {@code OverlayQueue} on {@code /ws/stream-bridge}; the receipt is its
 * engine sequence. The actor, for the log, is {@value #DEFAULT_ACTOR} unless the body names one. A bad body is 400
 * with one line naming the field and what was expected; another method is 405; a full input ring is 503.
 * <p>
 * <b>Note:</b> thread safe; runs on the server's event loops and never waits for room in the input ring.
 */
public final class StreamControlRoute implements HttpApi.Route
{
    /** Prefix of the route. */
    public static final String PATH = "/api/stream";
    /** Path of the control route. */
    public static final String CONTROL_PATH = PATH + "/control";
    /** Who a control is from when the body names nobody. */
    public static final String DEFAULT_ACTOR = "dashboard";
    /** Longest actor accepted, in characters. */
    public static final int MAX_ACTOR = 64;

    /** The actions by their name in the body, in the order errors list them. */
    public static final Map<String, OverlayControlAction> ACTIONS = actions();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KEYS = List.of("action", "actor");
    private static final String KNOWN = String.join(" | ", ACTIONS.keySet());

    private final EventPublisher publisher;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final OverlayControlEncoder encoder = new OverlayControlEncoder();

    /**
     * @param publisher where control events go, or null when this node takes none (a replay).
     */
    public StreamControlRoute(final EventPublisher publisher)
    {
        this.publisher = publisher;
    }

    private static Map<String, OverlayControlAction> actions()
    {
        final Map<String, OverlayControlAction> actions = new LinkedHashMap<>();
        for (final OverlayControlAction action : OverlayControlAction.values())
        {
            if (OverlayControlAction.NULL_VAL != action)
            {
                actions.put(action.name().toLowerCase(Locale.ROOT).replace('_', '-'), action);
            }
        }
        return Collections.unmodifiableMap(actions);
    }

    /**
     * {@inheritDoc}
     */
    public void handle(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        if (!CONTROL_PATH.equals(request.path()))
        {
            responder.respond(404, Map.of("error", "no such path " + request.path() + " (expected " + CONTROL_PATH + ")"));
            return;
        }
        if (!"POST".equals(request.method()))
        {
            responder.respond(405, Map.of("error", "POST " + CONTROL_PATH + " expected, got " + request.method()),
                Map.of("Allow", "POST"));
            return;
        }
        if (null == publisher)
        {
            responder.respond(409, Map.of("error", "this node takes no stream control (a replay)"));
            return;
        }
        final Control control;
        try
        {
            control = parse(request.body());
        }
        catch (final IllegalArgumentException ex)
        {
            responder.respond(400, Map.of("error", ex.getMessage()));
            return;
        }
        final long receipt;
        synchronized (this)
        {
            encoder.wrapAndApplyHeader(buffer, 0, header).action(control.action()).actor(control.actor());
            receipt = publisher.tryPublish(Sources.REST, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH +
                encoder.encodedLength());
        }
        Receipts.respond(receipt, responder);
    }

    /**
     * Read a control body.
     *
     * @param body the request body.
     * @return the control.
     * @throws IllegalArgumentException one line naming the field and what was expected.
     */
    static Control parse(final byte[] body)
    {
        final JsonNode root = JsonBodies.object(body, "{\"action\":\"pause\"}", KEYS);
        final JsonNode actionNode = root.get("action");
        if (null == actionNode || actionNode.isNull())
        {
            throw new IllegalArgumentException("'action' expected one of " + KNOWN + ", got nothing");
        }
        final OverlayControlAction action = actionNode.isTextual() ? ACTIONS.get(actionNode.asText()) : null;
        if (null == action)
        {
            throw new IllegalArgumentException("'action' expected one of " + KNOWN + ", got " + actionNode);
        }
        final JsonNode actorNode = root.get("actor");
        String actor = DEFAULT_ACTOR;
        if (null != actorNode && !actorNode.isNull())
        {
            if (!actorNode.isTextual() || actorNode.asText().isBlank() || actorNode.asText().length() > MAX_ACTOR)
            {
                throw new IllegalArgumentException("'actor' expected a name of 1 to " + MAX_ACTOR +
                    " characters, got " + actorNode);
            }
            actor = actorNode.asText().strip();
        }
        return new Control(action, actor);
    }

    /**
     * A parsed control request.
     *
     * @param action what to do to the alert queue.
     * @param actor  who asked, for the log.
     */
    record Control(OverlayControlAction action, String actor)
    {
    }
}
