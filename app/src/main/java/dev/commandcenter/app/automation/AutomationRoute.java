package dev.commandcenter.app.automation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.app.rest.JsonBodies;
import dev.commandcenter.app.rest.Receipts;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.sbe.AutomationControlAction;
import dev.commandcenter.codecs.sbe.AutomationControlEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.plugin.automation.action.ActionOutcome;
import dev.commandcenter.plugin.automation.action.FireRecord;
import dev.commandcenter.transport.websocket.HttpApi;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The automation's REST routes, admin scope:
 * <pre>
 *   GET  /api/automation           {"state": AutomationState as JSON or null, "obs": {...}, "fires": [...], "outcomes": [...]}
 *   POST /api/automation/control   {"action": "enable|disable|set|reset-cooldowns", "rule": "big-tip",
 *                                   "variable": "x", "value": "1"}  -> 202 {"receipt": N}
 * </pre>
 * A control request publishes an {@code AutomationControl} event (journaled, so it outlives reloads and replays
 * alike); the receipt is its engine sequence. Whether the rule or variable exists is the plugin's business: it
 * reports unknown ones in {@code AutomationState.errors}. A bad body is 400 with one line naming the field and what
 * was expected.
 * <p>
 * <b>Note:</b> thread safe; runs on the server's event loops and never waits for room in the input ring (503 then).
 */
public final class AutomationRoute implements HttpApi.Route
{
    /** Prefix of the routes. */
    public static final String PATH = "/api/automation";
    /** Path of the control route. */
    public static final String CONTROL_PATH = PATH + "/control";
    /** Longest rule id, variable name or value accepted. */
    public static final int MAX_TEXT = 1024;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KEYS = List.of("action", "rule", "variable", "value");

    private final AutomationRuntime runtime;
    private final EventPublisher publisher;
    private final Supplier<Map<String, Object>> obsView;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final AutomationControlEncoder encoder = new AutomationControlEncoder();

    /**
     * @param runtime   the automation of the node (its executor's status).
     * @param publisher where control events go, or null when this node takes none (a replay).
     * @param obsView   the OBS connection's status.
     */
    public AutomationRoute(
        final AutomationRuntime runtime, final EventPublisher publisher, final Supplier<Map<String, Object>> obsView)
    {
        this.runtime = runtime;
        this.publisher = publisher;
        this.obsView = obsView;
    }

    /**
     * {@inheritDoc}
     */
    public void handle(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        final String path = request.path();
        if (PATH.equals(path) || (PATH + "/").equals(path))
        {
            if (!"GET".equals(request.method()))
            {
                responder.respond(405, Map.of("error", "GET " + PATH + " expected, got " + request.method()));
                return;
            }
            responder.respond(200, status());
            return;
        }
        if (CONTROL_PATH.equals(path))
        {
            if (!"POST".equals(request.method()))
            {
                responder.respond(405, Map.of("error", "POST " + CONTROL_PATH + " expected, got " + request.method()));
                return;
            }
            control(request, responder);
            return;
        }
        responder.respond(404, Map.of("error", "no such path " + path + " (expected " + PATH + " or " + CONTROL_PATH + ")"));
    }

    /**
     * The status body of {@code GET /api/automation}.
     *
     * @return the JSON-serialisable map.
     */
    public Map<String, Object> status()
    {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", stateOf(runtime.stateJson()));
        body.put("obs", obsView.get());
        final List<Map<String, Object>> fires = new ArrayList<>();
        for (final FireRecord fire : runtime.recentFires())
        {
            final Map<String, Object> view = new LinkedHashMap<>();
            view.put("fireId", fire.fireId());
            view.put("rule", fire.ruleId());
            view.put("outcome", String.valueOf(fire.outcome()));
            view.put("user", fire.user());
            view.put("summary", fire.summary());
            view.put("atEpochMs", fire.atEpochMs());
            view.put("retryAfterMs", fire.retryAfterMs());
            fires.add(view);
        }
        body.put("fires", fires);
        final List<Map<String, Object>> outcomes = new ArrayList<>();
        for (final ActionOutcome outcome : runtime.recentOutcomes())
        {
            final Map<String, Object> view = new LinkedHashMap<>();
            view.put("fireId", outcome.fireId());
            view.put("rule", outcome.ruleId());
            view.put("step", outcome.step());
            view.put("kind", String.valueOf(outcome.kind()));
            view.put("target", outcome.target());
            view.put("ok", outcome.ok());
            view.put("attempts", outcome.attempts());
            view.put("detail", outcome.detail());
            view.put("atEpochMs", outcome.atEpochMs());
            outcomes.add(view);
        }
        body.put("outcomes", outcomes);
        return body;
    }

    private static Object stateOf(final String json)
    {
        if (null == json)
        {
            return null;
        }
        try
        {
            return JSON.readTree(json);
        }
        catch (final IOException ex)
        {
            return json;
        }
    }

    private void control(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        if (null == publisher)
        {
            responder.respond(409, Map.of("error", "this node takes no automation control (a replay)"));
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
            encoder.wrapAndApplyHeader(buffer, 0, header).action(control.action);
            encoder.ruleId(control.rule).variable(control.variable).value(control.value).actor("rest");
            receipt = publisher.tryPublish(Sources.ENGINE, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH +
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
        final JsonNode root = JsonBodies.object(body, "{\"action\":\"disable\",\"rule\":\"big-tip\"}", KEYS);
        final String action = text(root, "action");
        final String rule = text(root, "rule");
        final String variable = text(root, "variable");
        final String value = text(root, "value");
        if (null == action)
        {
            throw new IllegalArgumentException("'action' expected one of enable | disable | set | reset-cooldowns, got nothing");
        }
        return switch (action)
        {
            case "enable", "disable" ->
            {
                if (null == rule || rule.isEmpty())
                {
                    throw new IllegalArgumentException("'rule' expected a rule id such as big-tip for " + action +
                        ", got nothing");
                }
                yield new Control("enable".equals(action) ? AutomationControlAction.ENABLE_RULE :
                    AutomationControlAction.DISABLE_RULE, rule, "", "");
            }
            case "set" ->
            {
                if (null == variable || variable.isEmpty())
                {
                    throw new IllegalArgumentException("'variable' expected a variable name such as sats_today for " +
                        "set, got nothing");
                }
                if (null == value)
                {
                    throw new IllegalArgumentException("'value' expected the value to set as text such as \"1\", got nothing");
                }
                yield new Control(AutomationControlAction.SET_VARIABLE, "", variable, value);
            }
            case "reset-cooldowns" -> new Control(AutomationControlAction.RESET_COOLDOWNS, null == rule ? "" : rule, "", "");
            default -> throw new IllegalArgumentException("'action' expected one of enable | disable | set | " +
                "reset-cooldowns, got '" + action + "'");
        };
    }

    private static String text(final JsonNode root, final String name)
    {
        final JsonNode node = root.get(name);
        if (null == node || node.isNull())
        {
            return null;
        }
        if (!node.isTextual() && !node.isNumber() && !node.isBoolean())
        {
            throw new IllegalArgumentException("'" + name + "' expected text, got " +
                node.getNodeType().name().toLowerCase());
        }
        final String text = node.asText();
        if (text.length() > MAX_TEXT)
        {
            throw new IllegalArgumentException("'" + name + "' expected at most " + MAX_TEXT + " characters, got " +
                text.length());
        }
        return text;
    }

    /** A parsed control request. */
    record Control(AutomationControlAction action, String rule, String variable, String value)
    {
    }
}
