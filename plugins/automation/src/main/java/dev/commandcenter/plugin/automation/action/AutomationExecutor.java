package dev.commandcenter.plugin.automation.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.codecs.sbe.AutomationActionDecoder;
import dev.commandcenter.codecs.sbe.AutomationActionKind;
import dev.commandcenter.codecs.sbe.AutomationFiredDecoder;
import dev.commandcenter.codecs.sbe.AutomationOutcome;
import dev.commandcenter.codecs.sbe.AutomationStateDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.plugin.automation.obs.ObsConnection;
import dev.commandcenter.plugin.automation.obs.ObsResponse;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The automation's action executor: the only part of the automation that touches the outside world. An egress
 * handler that reads the {@code automation} plugin's outputs ({@code AutomationAction}, {@code AutomationFired},
 * {@code AutomationState}) and performs the actions (OBS requests, signed webhooks, chat lines, waits).
 * <p>
 * {@link #onOutput} only copies what it needs and hands a fire to the executor's own worker thread once its last
 * step arrived: it never blocks the egress thread. The worker runs a fire's steps in order, a failed step being
 * recorded and the fire going on with its next one. Fires on the same queue run one after another, each to its last
 * step; fires without a queue run at once, concurrently. A {@code WAIT} holds its fire (and queue) by scheduling
 * the next step, never by sleeping; OBS requests and webhooks are asynchronous, so a slow one holds only its own
 * fire. Bounds: {@code maxQueuedFires} fires waiting per queue, {@value #TOTAL_FACTOR} times that in all (and
 * running without a queue), {@value #MAX_QUEUES} queue names at once; past them a fire is dropped, counted and
 * recorded.
 * <p>
 * <b>Note:</b> {@link #onOutput} runs on the egress thread; the status accessors ({@link #recentOutcomes()},
 * {@link #recentFires()}, {@link #stateJson()}) are thread safe.
 */
public final class AutomationExecutor implements EgressHandler, AutoCloseable
{
    /** Id of the plugin whose outputs are read. */
    public static final String PLUGIN_ID = "automation";
    /** Distinct queue names in use at once. */
    public static final int MAX_QUEUES = 64;
    /** Fires waiting on all queues together (and running without a queue): this times {@code maxQueuedFires}. */
    public static final int TOTAL_FACTOR = 16;
    /** Most steps a fire may have (the rules allow 50 actions a rule). */
    public static final int MAX_STEPS = 1_000;
    /** What the outcome of an OBS action without a connection says. */
    public static final String OBS_NOT_CONFIGURED = "OBS is not configured (obs.url)";

    private static final System.Logger LOGGER = System.getLogger(AutomationExecutor.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String STOPPING = "dropped: engine stopping";

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final AutomationActionDecoder actionDecoder = new AutomationActionDecoder();
    private final AutomationFiredDecoder firedDecoder = new AutomationFiredDecoder();

    private final Context ctx;
    private final EpochClock epochClock;
    private final ScheduledExecutorService worker;
    private final WebhookSender webhooks;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int maxQueuedFires;
    private final int maxTotalFires;

    private final AtomicCounter firesCounter;
    private final AtomicCounter doneCounter;
    private final AtomicCounter droppedCounter;
    private final AtomicCounter retriesCounter;
    private final AtomicCounter obsFailedCounter;
    private final AtomicCounter webhookFailedCounter;
    private final AtomicCounter chatFailedCounter;

    private final Object statusLock = new Object();
    private final ArrayDeque<ActionOutcome> outcomes;
    private final ArrayDeque<FireRecord> fires;
    private volatile String stateJson;

    // Egress thread only.
    private Fire assembling;

    // Worker thread only.
    private final Map<String, Lane> lanes = new HashMap<>();
    private final Set<Fire> running = new LinkedHashSet<>();
    private int waitingTotal;
    private int runningUnqueued;

    /**
     * Create an executor and start its worker thread.
     *
     * @param ctx its settings, concluded here.
     */
    public AutomationExecutor(final Context ctx)
    {
        this.ctx = ctx.conclude();
        this.epochClock = ctx.epochClock;
        this.maxQueuedFires = ctx.maxQueuedFires;
        this.maxTotalFires = ctx.maxQueuedFires * TOTAL_FACTOR;
        this.outcomes = new ArrayDeque<>(Math.min(ctx.outcomes, 1024));
        this.fires = new ArrayDeque<>(Math.min(ctx.outcomes, 1024));

        final CounterAllocator counters = ctx.counters;
        this.firesCounter = allocate(counters, CounterType.AUTOMATION_FIRES, "");
        this.doneCounter = allocate(counters, CounterType.AUTOMATION_ACTIONS_DONE, "");
        this.obsFailedCounter = allocate(counters, CounterType.AUTOMATION_ACTIONS_FAILED, "obs");
        this.webhookFailedCounter = allocate(counters, CounterType.AUTOMATION_ACTIONS_FAILED, "webhook");
        this.chatFailedCounter = allocate(counters, CounterType.AUTOMATION_ACTIONS_FAILED, "chat");
        this.droppedCounter = allocate(counters, CounterType.AUTOMATION_ACTIONS_DROPPED, "");
        this.retriesCounter = allocate(counters, CounterType.AUTOMATION_WEBHOOK_RETRIES, "");

        final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().daemon().name("cc-automation-actions").factory());
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.worker = executor;
        this.webhooks = new WebhookSender(new WebhookSender.Context()
            .secrets(ctx.secrets)
            .epochClock(ctx.epochClock)
            .retriesCounter(retriesCounter)
            .backoffInitialMs(ctx.webhookBackoffInitialMs)
            .backoffMaxMs(ctx.webhookBackoffMaxMs));
    }

    /**
     * {@inheritDoc}
     */
    public void onOutput(final OutputEvent event, final boolean endOfBatch)
    {
        if (!PLUGIN_ID.equals(event.pluginId()))
        {
            return;
        }
        final int templateId = event.templateId();
        if (AutomationActionDecoder.TEMPLATE_ID == templateId)
        {
            onAction(event);
        }
        else if (AutomationFiredDecoder.TEMPLATE_ID == templateId)
        {
            onFired(event);
        }
        else if (AutomationStateDecoder.TEMPLATE_ID == templateId)
        {
            stateJson = JsonView.instance().toJson(event.buffer(), event.offset());
        }
    }

    /**
     * Stops the worker when the egress thread stops.
     */
    public void onShutdown()
    {
        close();
    }

    /**
     * The most recent action outcomes, oldest first (at most the {@code outcomes} setting).
     *
     * @return a copy.
     */
    public List<ActionOutcome> recentOutcomes()
    {
        synchronized (statusLock)
        {
            return List.copyOf(outcomes);
        }
    }

    /**
     * The most recent {@code AutomationFired} outputs, oldest first (at most the {@code outcomes} setting).
     *
     * @return a copy.
     */
    public List<FireRecord> recentFires()
    {
        synchronized (statusLock)
        {
            return List.copyOf(fires);
        }
    }

    /**
     * The last {@code AutomationState} output as the JSON view renders it.
     *
     * @return the JSON object, or null when none was seen.
     */
    public String stateJson()
    {
        return stateJson;
    }

    /**
     * Stop the worker promptly: fires still waiting, and the steps of running fires not done yet, are recorded as
     * "dropped: engine stopping"; webhooks in flight are abandoned. Idempotent.
     */
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        try
        {
            final Future<?> drained = worker.submit(this::drainOnStop);
            drained.get(2, TimeUnit.SECONDS);
        }
        catch (final RejectedExecutionException | ExecutionException | TimeoutException ex)
        {
            LOGGER.log(System.Logger.Level.WARNING, "automation executor: stopping did not drain in time: " + ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        worker.shutdownNow();
        webhooks.close();
        try
        {
            worker.awaitTermination(2, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void onFired(final OutputEvent event)
    {
        final AutomationFiredDecoder fired = firedDecoder.wrapAndApplyHeader(
            event.buffer(), event.offset(), headerDecoder);
        final long fireId = fired.fireId();
        final long atEpochMs = fired.atEpochMs();
        final AutomationOutcome outcome = fired.outcome();
        final long retryAfterMs = fired.retryAfterMs();
        final String ruleId = fired.ruleId();
        final String user = fired.user();
        final String summary = fired.summary();
        if (AutomationOutcome.FIRED == outcome)
        {
            increment(firesCounter);
        }
        final FireRecord record = new FireRecord(fireId, ruleId, outcome, user, summary, atEpochMs, retryAfterMs);
        synchronized (statusLock)
        {
            if (fires.size() >= ctx.outcomes)
            {
                fires.pollFirst();
            }
            fires.addLast(record);
        }
    }

    private void onAction(final OutputEvent event)
    {
        final AutomationActionDecoder action = actionDecoder.wrapAndApplyHeader(
            event.buffer(), event.offset(), headerDecoder);
        final long fireId = action.fireId();
        final int step = action.step();
        final int steps = action.steps();
        final AutomationActionKind kind = action.kind();
        final long durationMs = action.durationMs();
        final String ruleId = action.ruleId();
        final String queue = action.queue();
        final String target = action.target();
        final String payload = action.payload();

        if (steps < 1 || steps > MAX_STEPS || step < 0 || step >= steps)
        {
            LOGGER.log(System.Logger.Level.WARNING, "automation rule " + ruleId + ": action " + step + " of " + steps +
                " of fire " + fireId + " ignored: expected a step in 0.." + (MAX_STEPS - 1) + " below steps");
            return;
        }
        if (0 == step)
        {
            if (null != assembling)
            {
                abandonAssembling("its next step never came");
            }
            assembling = new Fire(fireId, ruleId, queue, steps);
        }
        else if (null == assembling || assembling.fireId != fireId || assembling.received != step)
        {
            if (null != assembling)
            {
                abandonAssembling("step " + step + " of fire " + fireId + " came instead of its step " +
                    assembling.received);
            }
            return;
        }

        assembling.steps[step] = new Step(step, kind, durationMs, target, payload);
        assembling.received++;
        if (step == steps - 1)
        {
            final Fire fire = assembling;
            assembling = null;
            if (!post(() -> admit(fire)))
            {
                drop(fire, 0, STOPPING, false);
            }
        }
    }

    private void abandonAssembling(final String why)
    {
        LOGGER.log(System.Logger.Level.WARNING, "automation rule " + assembling.ruleId + ": fire " +
            assembling.fireId + " abandoned after " + assembling.received + " of " + assembling.steps.length +
            " steps: " + why);
        assembling = null;
    }

    private void admit(final Fire fire)
    {
        if (closed.get())
        {
            drop(fire, 0, STOPPING, false);
            return;
        }
        if (fire.queue.isEmpty())
        {
            if (runningUnqueued >= maxTotalFires)
            {
                drop(fire, 0, "dropped: " + runningUnqueued + " fires without a queue are running (" + TOTAL_FACTOR +
                    " x automation.maxQueuedFires)", true);
                return;
            }
            runningUnqueued++;
            start(fire);
            return;
        }

        Lane lane = lanes.get(fire.queue);
        if (null == lane)
        {
            if (lanes.size() >= MAX_QUEUES)
            {
                drop(fire, 0, "dropped: " + MAX_QUEUES + " queues are in use, the most there may be at once, and " +
                    "queue '" + fire.queue + "' is not one of them", true);
                return;
            }
            lane = new Lane();
            lanes.put(fire.queue, lane);
        }
        if (null == lane.running)
        {
            lane.running = fire;
            start(fire);
        }
        else if (lane.waiting.size() >= maxQueuedFires)
        {
            drop(fire, 0, "dropped: queue '" + fire.queue + "' holds " + lane.waiting.size() +
                " fires (automation.maxQueuedFires)", true);
        }
        else if (waitingTotal >= maxTotalFires)
        {
            drop(fire, 0, "dropped: the queues hold " + waitingTotal + " fires in all (" + TOTAL_FACTOR +
                " x automation.maxQueuedFires)", true);
        }
        else
        {
            lane.waiting.addLast(fire);
            waitingTotal++;
        }
    }

    private void start(final Fire fire)
    {
        if (fire.finished)
        {
            return;
        }
        running.add(fire);
        advance(fire);
    }

    private void advance(final Fire fire)
    {
        while (!fire.finished)
        {
            if (fire.next >= fire.steps.length)
            {
                finish(fire);
                return;
            }
            final Step step = fire.steps[fire.next];
            if (!ctx.performExternal)
            {
                record(fire, step, true, 0, "skipped: external actions are off (replay without --live-actions)", false);
                fire.next++;
                continue;
            }
            try
            {
                if (perform(fire, step))
                {
                    return;
                }
            }
            catch (final RejectedExecutionException ex)
            {
                return;
            }
            catch (final RuntimeException ex)
            {
                record(fire, step, false, 0, "failed: " + ex, true);
                fire.next++;
            }
        }
    }

    /**
     * Perform one step.
     *
     * @return true when the fire now waits (a WAIT, an OBS answer, a webhook), false when the step is done.
     */
    private boolean perform(final Fire fire, final Step step)
    {
        switch (step.kind)
        {
            case WAIT:
                if (step.durationMs > 0)
                {
                    fire.pendingWait = worker.schedule(() -> stepDone(fire), step.durationMs, TimeUnit.MILLISECONDS);
                    return true;
                }
                fire.next++;
                return false;

            case CHAT:
                chat(fire, step);
                fire.next++;
                return false;

            case OBS:
                if (obs(fire, step))
                {
                    return true;
                }
                fire.next++;
                return false;

            case WEBHOOK:
                webhook(fire, step);
                return true;

            default:
                record(fire, step, false, 0, "unknown action kind: expected OBS, WEBHOOK, CHAT or WAIT", false);
                fire.next++;
                return false;
        }
    }

    private void stepDone(final Fire fire)
    {
        if (!fire.finished)
        {
            fire.pendingWait = null;
            fire.next++;
            advance(fire);
        }
    }

    private void chat(final Fire fire, final Step step)
    {
        if (!ctx.chatEnabled)
        {
            record(fire, step, true, 0, "skipped: chat is not replayed (the journal holds the bot's lines)", false);
            return;
        }
        if (null == ctx.chatPoster)
        {
            record(fire, step, false, 0, "chat is not available to the automation", true);
            return;
        }
        boolean posted;
        String detail;
        try
        {
            posted = ctx.chatPoster.post(step.target, step.payload);
            detail = posted ? "posted" : "chat: the line could not be published now (input ring full or engine stopping)";
        }
        catch (final RuntimeException ex)
        {
            posted = false;
            detail = "chat: " + ex.getClass().getSimpleName() + (null == ex.getMessage() ? "" : ": " + ex.getMessage());
        }
        record(fire, step, posted, 1, detail, true);
    }

    /**
     * Start an OBS request.
     *
     * @return true when an answer is awaited (the fire goes on when it comes), false when the step ended at once.
     */
    private boolean obs(final Fire fire, final Step step)
    {
        final ObsConnection obs = ctx.obs;
        if (null == obs)
        {
            record(fire, step, false, 0, OBS_NOT_CONFIGURED, true);
            return false;
        }

        final String requestType = step.target;
        final String payload = step.payload;
        CompletableFuture<ObsResponse> answer;
        try
        {
            final JsonNode data = null == payload || payload.isBlank() ? null : MAPPER.readTree(payload);
            if (null != data && !data.isObject())
            {
                record(fire, step, false, 0, "OBS " + requestType + ": expected request data as a JSON object", true);
                return false;
            }
            if ("SetSceneItemEnabled".equals(requestType) && null != data && data.has("sourceName") &&
                !data.has("sceneItemId"))
            {
                answer = sceneItemByName(obs, (ObjectNode)data);
            }
            else
            {
                answer = obs.request(requestType, null == data ? null : payload);
            }
        }
        catch (final IOException ex)
        {
            record(fire, step, false, 0, "OBS " + requestType + ": expected request data as a JSON object, " +
                "got unreadable JSON", true);
            return false;
        }
        catch (final RuntimeException ex)
        {
            answer = CompletableFuture.failedFuture(ex);
        }

        answer.whenComplete((response, error) -> post(() ->
        {
            if (fire.finished)
            {
                return;
            }
            if (null != error)
            {
                record(fire, step, false, 1, "OBS: " + error, true);
            }
            else
            {
                record(fire, step, response.ok(), 1, obsDetail(response), true);
            }
            fire.next++;
            advance(fire);
        }));
        return true;
    }

    private static CompletableFuture<ObsResponse> sceneItemByName(final ObsConnection obs, final ObjectNode data)
    {
        final ObjectNode lookup = MAPPER.createObjectNode();
        lookup.set("sceneName", data.get("sceneName"));
        lookup.set("sourceName", data.get("sourceName"));
        return obs.request("GetSceneItemId", lookup.toString()).thenCompose(found ->
        {
            if (!found.ok())
            {
                return CompletableFuture.completedFuture(found);
            }
            final JsonNode id;
            try
            {
                id = null == found.responseDataJson() ? null : MAPPER.readTree(found.responseDataJson()).get("sceneItemId");
            }
            catch (final IOException ex)
            {
                return CompletableFuture.completedFuture(new ObsResponse(
                    "GetSceneItemId", false, 0, "GetSceneItemId answered unreadable JSON", null));
            }
            if (null == id || !id.canConvertToLong())
            {
                return CompletableFuture.completedFuture(new ObsResponse(
                    "GetSceneItemId", false, 0, "GetSceneItemId answered no sceneItemId", null));
            }
            final ObjectNode request = data.deepCopy();
            request.remove("sourceName");
            request.put("sceneItemId", id.asLong());
            return obs.request("SetSceneItemEnabled", request.toString());
        });
    }

    private static String obsDetail(final ObsResponse response)
    {
        final String comment = null == response.comment() ? "" : response.comment();
        if (0 == response.code())
        {
            return comment.startsWith("OBS") ? comment : "OBS: " + comment;
        }
        return "OBS " + response.code() + (comment.isEmpty() ? "" : ": " + comment);
    }

    private void webhook(final Fire fire, final Step step)
    {
        webhooks.send(step.target, step.payload, fire.fireId + "-" + step.step).whenComplete((result, error) -> post(() ->
        {
            if (fire.finished)
            {
                return;
            }
            if (null != error)
            {
                record(fire, step, false, 0, "webhook '" + step.target + "': " + error, true);
            }
            else
            {
                record(fire, step, result.ok(), result.attempts(), result.detail(), true);
            }
            fire.next++;
            advance(fire);
        }));
    }

    private void finish(final Fire fire)
    {
        fire.finished = true;
        running.remove(fire);
        if (fire.queue.isEmpty())
        {
            runningUnqueued--;
            return;
        }
        final Lane lane = lanes.get(fire.queue);
        if (null == lane || lane.running != fire)
        {
            return;
        }
        final Fire next = lane.waiting.pollFirst();
        if (null == next)
        {
            lanes.remove(fire.queue);
            return;
        }
        waitingTotal--;
        lane.running = next;
        // Posted rather than called, so a long queue of quick fires does not deepen the stack.
        if (!post(() -> start(next)))
        {
            drop(next, 0, STOPPING, false);
        }
    }

    private void drainOnStop()
    {
        for (final Lane lane : lanes.values())
        {
            for (final Fire fire : lane.waiting)
            {
                drop(fire, 0, STOPPING, false);
            }
            lane.waiting.clear();
            if (null != lane.running && !running.contains(lane.running))
            {
                drop(lane.running, 0, STOPPING, false);
            }
        }
        for (final Fire fire : List.copyOf(running))
        {
            if (null != fire.pendingWait)
            {
                fire.pendingWait.cancel(false);
            }
            drop(fire, fire.next, STOPPING, false);
        }
        lanes.clear();
        running.clear();
        waitingTotal = 0;
        runningUnqueued = 0;
    }

    private void drop(final Fire fire, final int fromStep, final String why, final boolean count)
    {
        fire.finished = true;
        final long now = epochClock.time();
        synchronized (statusLock)
        {
            for (int i = fromStep; i < fire.steps.length; i++)
            {
                final Step step = fire.steps[i];
                addOutcome(new ActionOutcome(fire.fireId, fire.ruleId, i, step.kind, step.target, false, 0, why, now));
            }
        }
        if (count && null != droppedCounter)
        {
            droppedCounter.getAndAdd(fire.steps.length - fromStep);
        }
        LOGGER.log(System.Logger.Level.WARNING, "automation rule " + fire.ruleId + ": fire " + fire.fireId + " " + why);
    }

    private void record(
        final Fire fire, final Step step, final boolean ok, final int attempts, final String detail, final boolean count)
    {
        final ActionOutcome outcome = new ActionOutcome(
            fire.fireId, fire.ruleId, step.step, step.kind, step.target, ok, attempts, detail, epochClock.time());
        synchronized (statusLock)
        {
            addOutcome(outcome);
        }
        if (count)
        {
            if (ok)
            {
                increment(doneCounter);
            }
            else
            {
                increment(switch (step.kind)
                {
                    case OBS -> obsFailedCounter;
                    case WEBHOOK -> webhookFailedCounter;
                    case CHAT -> chatFailedCounter;
                    default -> null;
                });
            }
        }
        if (!ok)
        {
            LOGGER.log(System.Logger.Level.WARNING, "automation rule " + fire.ruleId + ": fire " + fire.fireId +
                " step " + step.step + " (" + step.kind + (step.target.isEmpty() ? "" : " " + step.target) +
                ") failed: " + detail);
        }
    }

    private void addOutcome(final ActionOutcome outcome)
    {
        if (outcomes.size() >= ctx.outcomes)
        {
            outcomes.pollFirst();
        }
        outcomes.addLast(outcome);
    }

    private boolean post(final Runnable task)
    {
        try
        {
            worker.execute(task);
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            return false;
        }
    }

    private static AtomicCounter allocate(final CounterAllocator counters, final CounterType type, final String suffix)
    {
        return null == counters ? null : counters.allocate(type, suffix);
    }

    private static void increment(final AtomicCounter counter)
    {
        if (null != counter)
        {
            counter.increment();
        }
    }

    private record Step(int step, AutomationActionKind kind, long durationMs, String target, String payload)
    {
    }

    private static final class Fire
    {
        final long fireId;
        final String ruleId;
        final String queue;
        final Step[] steps;
        int received;
        int next;
        boolean finished;
        ScheduledFuture<?> pendingWait;

        Fire(final long fireId, final String ruleId, final String queue, final int steps)
        {
            this.fireId = fireId;
            this.ruleId = ruleId;
            this.queue = queue;
            this.steps = new Step[steps];
        }
    }

    private static final class Lane
    {
        final ArrayDeque<Fire> waiting = new ArrayDeque<>();
        Fire running;
    }

    /**
     * Settings of an {@link AutomationExecutor}.
     */
    public static final class Context
    {
        /** Default fires waiting per queue ({@code automation.maxQueuedFires}). */
        public static final int MAX_QUEUED_FIRES_DEFAULT = 100;
        /** Default outcomes (and fires) kept for status ({@code automation.outcomes}). */
        public static final int OUTCOMES_DEFAULT = 200;

        private boolean concluded;
        private ObsConnection obs;
        private ChatPoster chatPoster;
        private SecretLookup secrets;
        private CounterAllocator counters;
        private EpochClock epochClock;
        private int maxQueuedFires = MAX_QUEUED_FIRES_DEFAULT;
        private int outcomes = OUTCOMES_DEFAULT;
        private boolean performExternal = true;
        private boolean chatEnabled = true;
        private long webhookBackoffInitialMs = WebhookSender.BACKOFF_INITIAL_MS_DEFAULT;
        private long webhookBackoffMaxMs = WebhookSender.BACKOFF_MAX_MS_DEFAULT;

        /**
         * Validate the settings. Called by the executor's constructor.
         *
         * @return this.
         * @throws IllegalStateException    if called twice.
         * @throws IllegalArgumentException naming the setting that is wrong and what was expected.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            concluded = true;
            if (null == epochClock)
            {
                epochClock = SystemEpochClock.INSTANCE;
            }
            if (maxQueuedFires < 1 || maxQueuedFires > 100_000)
            {
                throw new IllegalArgumentException("automation.maxQueuedFires: expected 1..100000, got " + maxQueuedFires);
            }
            if (outcomes < 1 || outcomes > 100_000)
            {
                throw new IllegalArgumentException("automation.outcomes: expected 1..100000, got " + outcomes);
            }
            if (webhookBackoffInitialMs < 1 || webhookBackoffMaxMs < webhookBackoffInitialMs)
            {
                throw new IllegalArgumentException("webhook backoff: expected 1 <= initial <= max ms, got " +
                    webhookBackoffInitialMs + " and " + webhookBackoffMaxMs);
            }
            return this;
        }

        /**
         * The OBS connection OBS actions go through.
         *
         * @param obs the connection, or null: OBS actions then fail with {@value AutomationExecutor#OBS_NOT_CONFIGURED}.
         * @return this.
         */
        public Context obs(final ObsConnection obs)
        {
            this.obs = obs;
            return this;
        }

        /**
         * Where CHAT actions post the bot's lines.
         *
         * @param chatPoster the poster, or null: CHAT actions then fail.
         * @return this.
         */
        public Context chatPoster(final ChatPoster chatPoster)
        {
            this.chatPoster = chatPoster;
            return this;
        }

        /**
         * Where webhook signing secrets are read, at each delivery.
         *
         * @param secrets the store, or null: webhooks then fail for want of a secret.
         * @return this.
         */
        public Context secrets(final SecretLookup secrets)
        {
            this.secrets = secrets;
            return this;
        }

        /**
         * Where the executor's counters are allocated ({@code AUTOMATION_FIRES}, {@code AUTOMATION_ACTIONS_DONE},
         * {@code AUTOMATION_ACTIONS_FAILED} per kind, {@code AUTOMATION_ACTIONS_DROPPED},
         * {@code AUTOMATION_WEBHOOK_RETRIES}); they stay allocated for the process's life, as other components'.
         *
         * @param counters the allocator, or null for none.
         * @return this.
         */
        public Context counters(final CounterAllocator counters)
        {
            this.counters = counters;
            return this;
        }

        /**
         * Clock of outcomes and of the webhooks' timestamp header.
         *
         * @param epochClock the clock; the system's when null.
         * @return this.
         */
        public Context epochClock(final EpochClock epochClock)
        {
            this.epochClock = epochClock;
            return this;
        }

        /**
         * Fires that may wait on one queue; {@value AutomationExecutor#TOTAL_FACTOR} times that on all of them.
         *
         * @param maxQueuedFires 1 or more (100 by default).
         * @return this.
         */
        public Context maxQueuedFires(final int maxQueuedFires)
        {
            this.maxQueuedFires = maxQueuedFires;
            return this;
        }

        /**
         * Recent outcomes kept for status, and recent fires likewise.
         *
         * @param outcomes 1 or more (200 by default).
         * @return this.
         */
        public Context outcomes(final int outcomes)
        {
            this.outcomes = outcomes;
            return this;
        }

        /**
         * Whether actions reach the outside world. False: every step is recorded as skipped (a replay without
         * {@code --live-actions} does not even register the executor).
         *
         * @param performExternal true by default.
         * @return this.
         */
        public Context performExternal(final boolean performExternal)
        {
            this.performExternal = performExternal;
            return this;
        }

        /**
         * Whether CHAT actions post. False in a replay with {@code --live-actions}: the journal already holds the
         * bot's lines, so they are recorded as skipped.
         *
         * @param chatEnabled true by default.
         * @return this.
         */
        public Context chatEnabled(final boolean chatEnabled)
        {
            this.chatEnabled = chatEnabled;
            return this;
        }

        /**
         * First backoff of webhook retries (1 s, 2 s, 4 s... by default).
         *
         * @param webhookBackoffInitialMs milliseconds.
         * @return this.
         */
        public Context webhookBackoffInitialMs(final long webhookBackoffInitialMs)
        {
            this.webhookBackoffInitialMs = webhookBackoffInitialMs;
            return this;
        }

        /**
         * Longest backoff of webhook retries, also the cap of a {@code Retry-After} (30 s by default).
         *
         * @param webhookBackoffMaxMs milliseconds.
         * @return this.
         */
        public Context webhookBackoffMaxMs(final long webhookBackoffMaxMs)
        {
            this.webhookBackoffMaxMs = webhookBackoffMaxMs;
            return this;
        }
    }
}
