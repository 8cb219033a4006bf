package dev.commandcenter.app.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.app.rest.JsonBodies;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.automation.AutomationDryRun;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.persistence.JournalException;
import dev.commandcenter.persistence.TimeArgs;
import dev.commandcenter.persistence.TimeRange;
import dev.commandcenter.transport.websocket.HttpApi;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * {@code POST /api/automation/dry-run} (admin) with {@code {"since":"1h","rules":"<YAML or JSON>"}}: the dry run
 * {@code commandcenter rules test} runs ({@link AutomationDryRun}), over the journal since then, through the given
 * rules or, when {@code rules} is left out, the rules in force. The answer:
 * <pre>
 * 200 {"events":N,"fires":[{"ruleId":...,"outcome":...,"atEpochMs":...,"user":...,"summary":...}],
 *      "actions":[{"type":"OverlayAlert",...}],"errors":["..."],"truncated":false,"rules":"rules.yaml"}
 * </pre>
 * Bounded: at most {@value #MAX_EVENTS} events replayed, {@value #MAX_FIRES} fires and {@value #MAX_ACTIONS} actions
 * listed ({@code truncated} then true and a line in {@code errors}), a body of at most {@value #MAX_BODY_BYTES} bytes
 * (the server's own body limit applies first). The run happens on a thread of its own, never on the event loop, and
 * one at a time: a second request while one runs is answered 429. Rules that cannot be read at all are a 400 naming the
 * first error.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class DryRunRoute implements HttpApi.Route
{
    /** Path of the route. */
    public static final String PATH = "/api/automation/dry-run";
    /** Most events one dry run replays. */
    public static final long MAX_EVENTS = 100_000;
    /** Most fires listed. */
    public static final int MAX_FIRES = 1_000;
    /** Most actions (what follows the fires) listed. */
    public static final int MAX_ACTIONS = 1_000;
    /** Largest body accepted. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    /** {@code since} when the body gives none. */
    public static final String SINCE_DEFAULT = "1h";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KEYS = List.of("since", "rules");

    private final Path dataDir;
    private final Supplier<AppConfig> config;
    private final Supplier<Map.Entry<String, String>> rulesInForce;
    private final AutomationDryRun.ReplayLauncher launcher;
    private final EpochClock clock;
    private final ErrorHandler errorHandler;
    private final AtomicBoolean running = new AtomicBoolean();

    /**
     * @param dataDir      the node's data dir: its journal is read, its replay folder used.
     * @param config       a fresh configuration for each run ({@link AutomationDryRun#configFrom(AppConfig)}).
     * @param rulesInForce the rules in force (text and name), or a supplier of null when the node has none.
     * @param launcher     starts the replay node of a run.
     * @param clock        gives "now" for {@code since}.
     * @param errorHandler told of a run that failed unexpectedly.
     */
    public DryRunRoute(
        final Path dataDir,
        final Supplier<AppConfig> config,
        final Supplier<Map.Entry<String, String>> rulesInForce,
        final AutomationDryRun.ReplayLauncher launcher,
        final EpochClock clock,
        final ErrorHandler errorHandler)
    {
        this.dataDir = dataDir;
        this.config = config;
        this.rulesInForce = rulesInForce;
        this.launcher = launcher;
        this.clock = clock;
        this.errorHandler = errorHandler;
    }

    /**
     * {@inheritDoc}
     */
    public void handle(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        if (!Routes.accept(request, responder, PATH, "POST"))
        {
            return;
        }
        if (null != request.body() && request.body().length > MAX_BODY_BYTES)
        {
            responder.respond(413, Map.of("error", "body: expected at most " + MAX_BODY_BYTES + " bytes (1 MiB), got " +
                request.body().length));
            return;
        }
        final TimeRange range;
        final String text;
        final String origin;
        try
        {
            final JsonNode root = parse(request.body());
            final String since = text(root, "since");
            range = range(null == since || since.isBlank() ? SINCE_DEFAULT : since, clock);
            final String given = text(root, "rules");
            if (null != given)
            {
                text = given;
                origin = "rules";
            }
            else
            {
                final Map.Entry<String, String> inForce = rulesInForce.get();
                if (null == inForce)
                {
                    responder.respond(409, Map.of("error", "no rules in force on this node (no automation.rules " +
                        "file): expected the rules to try in 'rules'"));
                    return;
                }
                text = inForce.getKey();
                origin = inForce.getValue();
            }
        }
        catch (final IllegalArgumentException ex)
        {
            responder.respond(400, Map.of("error", ex.getMessage()));
            return;
        }
        if (!running.compareAndSet(false, true))
        {
            responder.respond(429, Map.of("error", "a dry run is already running on this node: try again when it " +
                "has answered"), Map.of("Retry-After", "5"));
            return;
        }
        try
        {
            final Thread thread = new Thread(() -> run(text, origin, range, responder), "cc-automation-dry-run");
            thread.setDaemon(true);
            thread.start();
        }
        catch (final RuntimeException | Error ex)
        {
            running.set(false);
            throw ex;
        }
    }

    /**
     * Whether a dry run is running now.
     *
     * @return true while one runs.
     */
    public boolean isRunning()
    {
        return running.get();
    }

    private void run(final String text, final String origin, final TimeRange range, final HttpApi.Responder responder)
    {
        try
        {
            final AutomationDryRun.Result result = AutomationDryRun.run(new AutomationDryRun.Context()
                .dataDir(dataDir)
                .launcher(launcher)
                .config(config.get())
                .rules(text, origin)
                .range(range)
                .maxEvents(MAX_EVENTS)
                .maxFires(MAX_FIRES)
                .maxOutputs(MAX_FIRES + MAX_ACTIONS));
            responder.respond(200, view(result, origin));
        }
        catch (final IllegalArgumentException ex)
        {
            responder.respond(400, Map.of("error", ex.getMessage()));
        }
        catch (final JournalException ex)
        {
            // No event in the range is an answer, not a failure: nothing would have fired.
            final Map<String, Object> view = new LinkedHashMap<>();
            view.put("events", 0);
            view.put("fires", List.of());
            view.put("actions", List.of());
            view.put("errors", List.of(ex.getMessage()));
            view.put("truncated", false);
            view.put("rules", origin);
            responder.respond(200, view);
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
            responder.respond(500, Map.of("error", "the dry run failed: " + Routes.describe(ex)));
        }
        finally
        {
            running.set(false);
        }
    }

    private static Map<String, Object> view(final AutomationDryRun.Result result, final String origin)
    {
        final List<Object> fires = new ArrayList<>();
        final List<Object> actions = new ArrayList<>();
        for (final AutomationDryRun.Output output : result.outputs())
        {
            if (output.isFire())
            {
                fires.add(output.node());
            }
            else if (actions.size() < MAX_ACTIONS)
            {
                actions.add(output.node());
            }
        }
        final Map<String, Object> view = new LinkedHashMap<>();
        view.put("events", result.events());
        view.put("fires", fires);
        view.put("actions", actions);
        view.put("errors", result.errors());
        view.put("truncated", result.truncated());
        view.put("rules", origin);
        return view;
    }

    private static TimeRange range(final String since, final EpochClock clock)
    {
        try
        {
            return TimeArgs.range(null, null, since, clock);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("since: " + ex.getMessage());
        }
    }

    private static JsonNode parse(final byte[] body)
    {
        final JsonNode parsed = JsonBodies.objectOrNull(body, "{\"since\":\"1h\"}", KEYS);
        final JsonNode root = null == parsed ? JSON.createObjectNode() : parsed;
        return root;
    }

    private static String text(final JsonNode root, final String name)
    {
        final JsonNode node = root.get(name);
        if (null == node || node.isNull())
        {
            return null;
        }
        if (!node.isTextual())
        {
            throw new IllegalArgumentException("'" + name + "' expected text, got " + node.getNodeType().name()
                .toLowerCase());
        }
        return node.asText();
    }
}
