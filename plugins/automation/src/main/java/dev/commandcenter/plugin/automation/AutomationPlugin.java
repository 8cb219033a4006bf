package dev.commandcenter.plugin.automation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.codecs.sbe.AlertKind;
import dev.commandcenter.codecs.sbe.AutomationActionEncoder;
import dev.commandcenter.codecs.sbe.AutomationActionKind;
import dev.commandcenter.codecs.sbe.AutomationControlAction;
import dev.commandcenter.codecs.sbe.AutomationControlDecoder;
import dev.commandcenter.codecs.sbe.AutomationFiredEncoder;
import dev.commandcenter.codecs.sbe.AutomationOutcome;
import dev.commandcenter.codecs.sbe.AutomationRulesDecoder;
import dev.commandcenter.codecs.sbe.AutomationStateEncoder;
import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.ChatAction;
import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.ChatModerationDecoder;
import dev.commandcenter.codecs.sbe.ChatRole;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.OverlayAlertEncoder;
import dev.commandcenter.codecs.sbe.OverlayMediaEncoder;
import dev.commandcenter.codecs.sbe.TimerFiredDecoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.plugin.Lru;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginConfig;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.PluginStorage;
import dev.commandcenter.engine.plugin.Recovery;
import dev.commandcenter.engine.plugin.SnapshotCadence;
import dev.commandcenter.engine.plugin.Subscription;
import dev.commandcenter.plugin.automation.rules.Action;
import dev.commandcenter.plugin.automation.rules.Condition;
import dev.commandcenter.plugin.automation.rules.Rule;
import dev.commandcenter.plugin.automation.rules.RuleError;
import dev.commandcenter.plugin.automation.rules.RuleSet;
import dev.commandcenter.plugin.automation.rules.RulesParser;
import dev.commandcenter.plugin.automation.rules.Trigger;
import dev.commandcenter.plugin.automation.rules.VariableSpec;
import dev.commandcenter.plugin.automation.rules.WebhookSpec;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The automation plugin ({@value #ID}): runs the rules file ({@code docs/automation.md}) over every event and emits
 * what the rules decide: {@code AutomationFired} for each rule whose trigger matched (fired, or why not), then for a
 * fire its {@code OverlayAlert}s (kind CUSTOM), {@code OverlayMedia} and {@code AutomationAction}s in the rule's order,
 * and {@code AutomationState} after each load of rules, control event and change of a variable. It performs nothing
 * itself: the action executor does, from these outputs.
 * <p>
 * Deterministic: it reads only event payloads and event timestamps (never a wall clock), and keeps every map it
 * renders in a fixed order, so the same events give byte-identical outputs, in a replay and in a dry run.
 * <p>
 * The rules in force are those of the last {@code AutomationRules} event (none before one), unless the configuration
 * gives {@value #RULES_TEXT_KEY} (and {@value #RULES_ORIGIN_KEY}): then those rules are in force from the start and
 * journaled {@code AutomationRules} events are ignored (how {@code rules test} runs a new file over an old journal).
 * A file journaled in several parts (each event holds at most {@value EventPublisher#MAX_MESSAGE_LENGTH} bytes) is
 * assembled from its consecutive parts of one {@code loadId}, as bytes, and loads on its last part; a part missing,
 * out of order or of another load, more than {@value #MAX_RULES_PARTS} parts or more than
 * {@value RulesParser#MAX_BYTES} bytes discards the assembly, noted in the state's errors ("rules load N discarded:
 * ..."), and the rules in force stay; a part 0 always starts a new assembly. No snapshot is written while an assembly
 * is unfinished, so a restart in the middle of one recovers from the journal before its part 0.
 * A file that cannot be read at all changes nothing. On a load, variables are kept by name (a changed type restarts
 * at {@code initial}), run-time enable/disable overrides by rule id, cooldowns and counts by rule id.
 * <p>
 * Configuration keys: {@value #RULES_TEXT_KEY}, {@value #RULES_ORIGIN_KEY}, {@value #MAX_FIRES_PER_EVENT_KEY}
 * (default {@value #MAX_FIRES_PER_EVENT_DEFAULT}: more fires on one event are dropped), {@value #SNAPSHOT_EVERY_EVENTS_KEY}
 * (default {@value #SNAPSHOT_EVERY_EVENTS_DEFAULT}) and {@code snapshotMinIntervalMs} (default 1,000: no two
 * snapshots closer than that in event time, see {@link SnapshotCadence}). The keys of the app's {@code automation:}
 * section that are not the plugin's ({@code enabled}, {@code rules}, {@code maxQueuedFires}, {@code outcomes}, {@code botName}) are
 * accepted and ignored.
 * <p>
 * State across restarts ({@link #recovery()}: snapshot): the entry {@value #SNAPSHOT_ENTRY} of its storage, versioned
 * JSON, holds the rules text in force, variables, cooldown times, overrides, goal and threshold state, bans and the
 * sequence it covers. After recovery it emits {@code AutomationState} only: nothing fires again.
 * <p>
 * Everything viewers can grow is bounded: per-user cooldowns ({@value #USERS_PER_RULE} per rule), bans
 * ({@value #BANS_KEPT}), payments seen ({@value #PAYMENTS_KEPT}) and threshold windows ({@value #WINDOW_ENTRIES} payments
 * per rule) forget their oldest entries.
 * <p>
 * <b>Note:</b> all state is owned by the plugin's thread. Rules fire at human rates, so a fire allocates; an event
 * no rule reads costs one array lookup.
 */
public final class AutomationPlugin implements Plugin
{
    /** Plugin id, its feed is {@code /ws/automation}. */
    public static final String ID = "automation";
    /** Version of the plugin. */
    public static final String VERSION = "1.0.0";

    /** Key: the rules text to use instead of journaled {@code AutomationRules} events. */
    public static final String RULES_TEXT_KEY = "rulesText";
    /** Key: where {@value #RULES_TEXT_KEY} came from, for errors. */
    public static final String RULES_ORIGIN_KEY = "rulesOrigin";
    /** Key: most rules that fire on one event. */
    public static final String MAX_FIRES_PER_EVENT_KEY = "maxFiresPerEvent";
    /** Default of {@value #MAX_FIRES_PER_EVENT_KEY}. */
    public static final long MAX_FIRES_PER_EVENT_DEFAULT = 50;
    /** Key: handled events between two snapshots. */
    public static final String SNAPSHOT_EVERY_EVENTS_KEY = "snapshotEveryEvents";
    /** Default of {@value #SNAPSHOT_EVERY_EVENTS_KEY}. */
    public static final long SNAPSHOT_EVERY_EVENTS_DEFAULT = 1000;
    /** Storage entry of the snapshot. */
    public static final String SNAPSHOT_ENTRY = "automation-state.json";
    /** Version of the snapshot this build writes and reads. */
    public static final int SNAPSHOT_VERSION = 1;
    /** Journal events read back at most when the snapshot is missing or older. */
    public static final long RECOVERY_MAX_EVENTS = 100_000;
    /** Users remembered per rule for its user cooldown. */
    public static final int USERS_PER_RULE = 4096;
    /** Viewers remembered as banned or timed out. */
    public static final int BANS_KEPT = 4096;
    /** Payments remembered so a payment reported twice counts once towards goals and thresholds. */
    public static final int PAYMENTS_KEPT = 8192;
    /** Payments kept per threshold window; beyond, the oldest leaves the window early. */
    public static final int WINDOW_ENTRIES = 10_000;
    /** Longest text a viewer's placeholder value inserts. */
    public static final int PLACEHOLDER_MAX_CHARS = 500;
    /** Most parts of one journaled rules file. */
    public static final int MAX_RULES_PARTS = 512;
    /** Control errors kept for the state. */
    public static final int CONTROL_ERRORS_KEPT = 10;

    private static final Set<String> KNOWN_KEYS = Set.of(RULES_TEXT_KEY, RULES_ORIGIN_KEY, MAX_FIRES_PER_EVENT_KEY,
        SNAPSHOT_EVERY_EVENTS_KEY, SnapshotCadence.MIN_INTERVAL_MS_KEY, "enabled", "rules", "maxQueuedFires", "outcomes",
        "botName");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
    private static final int MAX_LENGTH = EventPublisher.MAX_MESSAGE_LENGTH;
    private static final long NONE = Long.MIN_VALUE;
    private static final int NO_ASSEMBLY = -1;
    private static final byte[] NO_TXID = new byte[32];

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final AutomationRulesDecoder rulesDecoder = new AutomationRulesDecoder();
    private final AutomationControlDecoder controlDecoder = new AutomationControlDecoder();
    private final ChatMessageDecoder chatDecoder = new ChatMessageDecoder();
    private final ChatModerationDecoder moderationDecoder = new ChatModerationDecoder();
    private final TransactionReceivedDecoder paymentDecoder = new TransactionReceivedDecoder();
    private final TimerFiredDecoder timerDecoder = new TimerFiredDecoder();
    private final AutomationFiredEncoder firedEncoder = new AutomationFiredEncoder();
    private final AutomationActionEncoder actionEncoder = new AutomationActionEncoder();
    private final OverlayAlertEncoder alertEncoder = new OverlayAlertEncoder();
    private final OverlayMediaEncoder mediaEncoder = new OverlayMediaEncoder();
    private final AutomationStateEncoder stateEncoder = new AutomationStateEncoder();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[64 * 1024]);

    private PluginContext context;
    private long maxFiresPerEvent = MAX_FIRES_PER_EVENT_DEFAULT;
    private SnapshotCadence snapshotCadence =
        new SnapshotCadence(SNAPSHOT_EVERY_EVENTS_DEFAULT, SnapshotCadence.MIN_INTERVAL_MS_DEFAULT);
    private boolean configuredRules;
    private String configuredText;
    private String configuredOrigin;

    private RuleSet ruleSet;
    private String rulesText;
    private String rulesOrigin = "";
    private List<RuleError> loadErrors = List.of();
    private final ArrayDeque<String> controlErrors = new ArrayDeque<>();
    private RuleRuntime[] runtimes = new RuleRuntime[0];
    private RuleRuntime[][] byTemplate = new RuleRuntime[0][];
    private final Map<String, RuleRuntime> runtimeById = new LinkedHashMap<>();
    private final Map<String, Object> variables = new LinkedHashMap<>();
    private final Map<String, Boolean> overrides = new LinkedHashMap<>();
    private final Map<String, Long> sharedFires = new HashMap<>();
    private final Lru<String, Long> bannedUntil = new Lru<>(BANS_KEPT);
    private final Lru<Long, Boolean> paymentsSeen = new Lru<>(PAYMENTS_KEPT);
    private final long[] periodKeys = { NONE, NONE, NONE };
    private long periodFromMs = Long.MAX_VALUE;
    private long periodUntilMs = Long.MIN_VALUE;
    private long currentDay;
    private long currentWeek;
    private long currentMonth;
    private long streamPeriod;
    private long nextSequence;

    private final EventValues values = new EventValues();
    private final List<byte[]> pending = new ArrayList<>();
    private final ExpandableArrayBuffer assembly = new ExpandableArrayBuffer(EventPublisher.MAX_MESSAGE_LENGTH);
    private int assemblyLength;
    private long assemblyLoadId;
    private int assemblyNextPart = NO_ASSEMBLY;
    private int assemblyParts;
    private long lastDiscardedLoadId = NONE;

    /**
     * Create the plugin; configuration is read in {@link #onStart(PluginContext)}.
     */
    public AutomationPlugin()
    {
    }

    /**
     * {@inheritDoc}
     */
    public String id()
    {
        return ID;
    }

    /**
     * {@inheritDoc}
     */
    public String version()
    {
        return VERSION;
    }

    /**
     * Every event: rules, control, moderation, payments, chat, timers, and whatever type a rule names; the types no
     * rule reads are dropped at once in {@link #onEvent(Event)}.
     *
     * @return {@link Subscription#all()}.
     */
    public Subscription subscription()
    {
        return Subscription.all();
    }

    /**
     * Snapshot recovery: {@value #SNAPSHOT_ENTRY}, then at most {@value #RECOVERY_MAX_EVENTS} journal events after it.
     *
     * @return {@link Recovery#snapshot(long)}.
     */
    public Recovery recovery()
    {
        return Recovery.snapshot(RECOVERY_MAX_EVENTS);
    }

    /**
     * Read the configuration; with {@value #RULES_TEXT_KEY} those rules are in force from now on.
     *
     * @param context of this plugin.
     * @throws IllegalArgumentException naming a wrong key and what was expected.
     */
    public void onStart(final PluginContext context)
    {
        final PluginConfig config = context.config();
        config.requireOnly(KNOWN_KEYS);
        final long maxFires = config.getLong(MAX_FIRES_PER_EVENT_KEY, MAX_FIRES_PER_EVENT_DEFAULT);
        if (maxFires < 1 || maxFires > 10_000)
        {
            throw new IllegalArgumentException("plugins." + ID + "." + MAX_FIRES_PER_EVENT_KEY +
                ": expected 1 to 10000 fires, got " + maxFires);
        }
        final long snapshotEvery = config.getLong(SNAPSHOT_EVERY_EVENTS_KEY, SNAPSHOT_EVERY_EVENTS_DEFAULT);
        if (snapshotEvery < 1 || snapshotEvery > 10_000_000)
        {
            throw new IllegalArgumentException("plugins." + ID + "." + SNAPSHOT_EVERY_EVENTS_KEY +
                ": expected 1 to 10000000 events, got " + snapshotEvery);
        }
        final long minIntervalMs =
            SnapshotCadence.minIntervalMs(config, "plugins." + ID + "." + SnapshotCadence.MIN_INTERVAL_MS_KEY);
        this.context = context;
        maxFiresPerEvent = maxFires;
        snapshotCadence = new SnapshotCadence(snapshotEvery, minIntervalMs);
        final String text = config.getString(RULES_TEXT_KEY, null);
        configuredRules = null != text;
        configuredText = text;
        configuredOrigin = config.getString(RULES_ORIGIN_KEY, "rules");
        clearState();
    }

    private void clearState()
    {
        ruleSet = null;
        rulesText = null;
        rulesOrigin = "";
        loadErrors = List.of();
        controlErrors.clear();
        runtimes = new RuleRuntime[0];
        byTemplate = new RuleRuntime[0][];
        runtimeById.clear();
        variables.clear();
        overrides.clear();
        sharedFires.clear();
        bannedUntil.clear();
        paymentsSeen.clear();
        java.util.Arrays.fill(periodKeys, NONE);
        periodFromMs = Long.MAX_VALUE;
        periodUntilMs = Long.MIN_VALUE;
        streamPeriod = 0;
        nextSequence = 0;
        snapshotCadence.reset();
        clearAssembly();
        lastDiscardedLoadId = NONE;
        if (configuredRules)
        {
            load(configuredText, configuredOrigin);
        }
    }

    /**
     * Announce the state: the rules in force and the variables. Nothing fires again after a recovery.
     *
     * @param context of this plugin.
     */
    public void onRecovered(final PluginContext context)
    {
        emitState();
    }

    /**
     * Write the snapshot a last time.
     */
    public void onStop()
    {
        if (null != context && !context.recovering() && !assembling())
        {
            writeSnapshot(true);
        }
    }

    /**
     * Handle one event: rules and control events change the state; each enabled rule whose trigger matches, in file
     * order, fires or reports why not.
     *
     * @param event any event.
     */
    public void onEvent(final Event event)
    {
        handle(event);
        nextSequence = event.sequence() + 1;
        if (snapshotCadence.onEvent(event.timestampNs()) && !context.recovering() && !assembling())
        {
            writeSnapshot(false);
        }
    }

    private void handle(final Event event)
    {
        final int templateId = event.templateId();
        final long eventMs = Math.floorDiv(event.timestampNs(), 1_000_000L);
        if (AutomationRulesDecoder.TEMPLATE_ID == templateId)
        {
            if (!configuredRules)
            {
                rulesPart(event);
            }
        }
        else if (AutomationControlDecoder.TEMPLATE_ID == templateId)
        {
            control(event);
        }
        else if (ChatModerationDecoder.TEMPLATE_ID == templateId)
        {
            moderation(event, eventMs);
        }
        if (templateId < 0 || templateId >= byTemplate.length || null == byTemplate[templateId])
        {
            return;
        }
        resetVariables(eventMs);
        values.reset(event, eventMs);
        boolean changed = false;
        int fires = 0;
        int overlayBase = 0;
        for (final RuleRuntime runtime : byTemplate[templateId])
        {
            values.beginRule();
            if (!matches(runtime, event, eventMs))
            {
                continue;
            }
            final Rule rule = runtime.rule;
            if (!enabled(rule))
            {
                emitFired(event.sequence(), eventMs, AutomationOutcome.DISABLED, 0, 0, rule.id(), values.firedUser,
                    values.summary);
                continue;
            }
            if (!conditionsHold(rule, event))
            {
                emitFired(event.sequence(), eventMs, AutomationOutcome.CONDITION_FALSE, 0, 0, rule.id(),
                    values.firedUser, values.summary);
                continue;
            }
            final String userKey = values.firedUser.toLowerCase(Locale.ROOT);
            if (rule.ruleCooldownMs() > 0 && NONE != runtime.lastFireMs && eventMs < runtime.lastFireMs + rule.ruleCooldownMs())
            {
                emitFired(event.sequence(), eventMs, AutomationOutcome.COOLDOWN_RULE, 0,
                    runtime.lastFireMs + rule.ruleCooldownMs() - eventMs, rule.id(), values.firedUser, values.summary);
                continue;
            }
            if (rule.userCooldownMs() > 0 && !userKey.isEmpty())
            {
                final Long last = runtime.userFires.get(userKey);
                if (null != last && eventMs < last + rule.userCooldownMs())
                {
                    emitFired(event.sequence(), eventMs, AutomationOutcome.COOLDOWN_USER, 0,
                        last + rule.userCooldownMs() - eventMs, rule.id(), values.firedUser, values.summary);
                    continue;
                }
            }
            if (null != rule.sharedCooldown())
            {
                final Long last = sharedFires.get(rule.sharedCooldown());
                if (null != last && eventMs < last + rule.sharedCooldownMs())
                {
                    emitFired(event.sequence(), eventMs, AutomationOutcome.COOLDOWN_SHARED, 0,
                        last + rule.sharedCooldownMs() - eventMs, rule.id(), values.firedUser, values.summary);
                    continue;
                }
            }
            if (fires >= maxFiresPerEvent)
            {
                continue;
            }
            fires++;
            runtime.lastFireMs = eventMs;
            if (rule.userCooldownMs() > 0 && !userKey.isEmpty())
            {
                runtime.userFires.put(userKey, eventMs);
            }
            if (null != rule.sharedCooldown())
            {
                sharedFires.put(rule.sharedCooldown(), eventMs);
            }
            runtime.fired++;
            changed |= fire(runtime, event, eventMs, overlayBase);
            overlayBase += rule.actions().size();
        }
        if (changed)
        {
            emitState();
        }
    }

    private boolean enabled(final Rule rule)
    {
        final Boolean override = overrides.get(rule.id());
        return null == override ? rule.enabled() : override;
    }

    private boolean matches(final RuleRuntime runtime, final Event event, final long eventMs)
    {
        final Trigger trigger = runtime.rule.trigger();
        switch (trigger.kind())
        {
            case EVENT:
                return null == trigger.clause() || trigger.clause().test(event);
            case COMMAND:
            {
                final EventValues v = values.chat();
                if (v.role == ChatRole.BOT || v.role == ChatRole.SYSTEM)
                {
                    return false;
                }
                final String text = v.text;
                final String command = trigger.command();
                if (!text.regionMatches(true, 0, command, 0, command.length()) ||
                    (text.length() > command.length() && ' ' != text.charAt(command.length())))
                {
                    return false;
                }
                if (null != trigger.room() && !trigger.room().equals(v.channel))
                {
                    return false;
                }
                final int level = v.role == ChatRole.ADMIN ? 2 : v.role == ChatRole.MODERATOR ? 1 : 0;
                if (level < trigger.permission())
                {
                    return false;
                }
                final Long until = bannedUntil.get(v.user.toLowerCase(Locale.ROOT));
                if (null != until && eventMs < until)
                {
                    return false;
                }
                v.command(command.length());
                return true;
            }
            case GOAL:
            {
                final EventValues v = values.payment();
                if (!v.paymentNew)
                {
                    return false;
                }
                final long period = periodKey(trigger.per(), eventMs);
                if (period != runtime.goalPeriod)
                {
                    runtime.goalPeriod = period;
                    runtime.goalSum = 0;
                    runtime.goalReached = false;
                }
                runtime.goalSum = saturatedAdd(runtime.goalSum, v.amountSats);
                if (!runtime.goalReached && runtime.goalSum >= trigger.sats())
                {
                    runtime.goalReached = true;
                    v.goal(trigger, runtime.goalSum);
                    return true;
                }
                return false;
            }
            case THRESHOLD:
            {
                final EventValues v = values.payment();
                if (!v.paymentNew)
                {
                    return false;
                }
                while (!runtime.window.isEmpty() && runtime.window.peekFirst()[0] <= eventMs - trigger.withinMs())
                {
                    runtime.windowSum -= runtime.window.pollFirst()[1];
                }
                if (runtime.windowSum < trigger.sats())
                {
                    runtime.armed = true;
                }
                if (runtime.window.size() >= WINDOW_ENTRIES)
                {
                    runtime.windowSum -= runtime.window.pollFirst()[1];
                }
                runtime.window.addLast(new long[]{ eventMs, v.amountSats });
                runtime.windowSum = saturatedAdd(runtime.windowSum, v.amountSats);
                if (runtime.armed && runtime.windowSum >= trigger.sats())
                {
                    runtime.armed = false;
                    v.goal(trigger, runtime.windowSum);
                    return true;
                }
                return false;
            }
            default:
                return trigger.timer().equals(values.timer().timerName);
        }
    }

    private static long saturatedAdd(final long a, final long b)
    {
        final long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    private boolean conditionsHold(final Rule rule, final Event event)
    {
        for (final Condition condition : rule.conditions())
        {
            if (null != condition.clause())
            {
                if (!condition.clause().test(event))
                {
                    return false;
                }
                continue;
            }
            final Object value = variables.get(condition.variable());
            if (null == value)
            {
                return false;
            }
            final int comparison = value instanceof BigDecimal number ? number.compareTo(condition.number()) :
                ((String)value).compareTo(condition.text());
            if (!condition.holds(comparison))
            {
                return false;
            }
        }
        return true;
    }

    private boolean fire(final RuleRuntime runtime, final Event event, final long eventMs, final int overlayBase)
    {
        final Rule rule = runtime.rule;
        final long fireId = event.sequence();
        values.rule = rule.id();
        values.fireId = fireId;
        pending.clear();
        boolean changed = false;
        int steps = 0;
        for (final Action action : rule.actions())
        {
            if (action.kind().external())
            {
                steps++;
            }
        }
        int step = 0;
        long delayMs = 0;
        for (int position = 0; position < rule.actions().size(); position++)
        {
            final Action action = rule.actions().get(position);
            final long overlayPosition = overlayBase + position;
            switch (action.kind())
            {
                case ALERT:
                {
                    if (overlayPosition >= 64)
                    {
                        controlError("rule " + rule.id() + ": 'actions[" + position + "]' expected at most 64 overlay " +
                            "outputs on one event, got more");
                        break;
                    }
                    final EventValues v = values.payment();
                    alertEncoder.wrapAndApplyHeader(scratch, 0, headerEncoder)
                        .alertId(fireId * 64 + overlayPosition)
                        .amountSats(v.isPayment ? v.amountSats : 0)
                        .showAtEpochMs(eventMs)
                        .durationMs((int)action.durationMs())
                        .queued(0)
                        .kind(AlertKind.CUSTOM);
                    if (v.isPayment)
                    {
                        alertEncoder.putTxid(event.buffer(), v.txidOffset, 32);
                    }
                    else
                    {
                        alertEncoder.putTxid(NO_TXID, 0, NO_TXID.length);
                    }
                    alertEncoder.verified(v.isPayment && v.verified ? BooleanType.TRUE : BooleanType.FALSE)
                        .delayMs((int)Math.min(Integer.MAX_VALUE, delayMs))
                        .title(cut(action.title().render(values), 256))
                        .message(cut(action.text().render(values), 1024))
                        .sound(cut(action.sound().renderUrl(values), 512))
                        .image(cut(action.image().renderUrl(values), 512));
                    keep(rule, position, MessageHeaderEncoder.ENCODED_LENGTH + alertEncoder.encodedLength());
                    break;
                }
                case MEDIA:
                {
                    if (overlayPosition >= 64)
                    {
                        controlError("rule " + rule.id() + ": 'actions[" + position + "]' expected at most 64 overlay " +
                            "outputs on one event, got more");
                        break;
                    }
                    mediaEncoder.wrapAndApplyHeader(scratch, 0, headerEncoder)
                        .mediaId(fireId * 64 + overlayPosition)
                        .kind(action.mediaKind())
                        .volume(action.volume())
                        .durationMs((int)action.durationMs())
                        .delayMs((int)Math.min(Integer.MAX_VALUE, delayMs))
                        .url(cut(action.url().renderUrl(values), 1024));
                    keep(rule, position, MessageHeaderEncoder.ENCODED_LENGTH + mediaEncoder.encodedLength());
                    break;
                }
                case SET:
                case ADD:
                    changed |= setVariable(rule, position, action);
                    break;
                default:
                {
                    final AutomationActionKind kind;
                    String target = "";
                    String payload = "";
                    long durationMs = 0;
                    switch (action.kind())
                    {
                        case OBS:
                            kind = AutomationActionKind.OBS;
                            target = action.requestType();
                            payload = json(action.data().render(values));
                            break;
                        case WEBHOOK:
                            kind = AutomationActionKind.WEBHOOK;
                            target = action.webhook().name();
                            payload = json(webhookPayload(action, rule, fireId));
                            break;
                        case CHAT:
                            kind = AutomationActionKind.CHAT;
                            target = action.room();
                            payload = cut(action.text().render(values), 1000);
                            break;
                        default:
                            kind = AutomationActionKind.WAIT;
                            durationMs = action.durationMs();
                            delayMs += durationMs;
                            break;
                    }
                    actionEncoder.wrapAndApplyHeader(scratch, 0, headerEncoder)
                        .fireId(fireId)
                        .step(step++)
                        .steps(steps)
                        .kind(kind)
                        .durationMs(durationMs)
                        .ruleId(rule.id())
                        .queue(rule.queue())
                        .target(target)
                        .payload(payload);
                    keep(rule, position, MessageHeaderEncoder.ENCODED_LENGTH + actionEncoder.encodedLength());
                    break;
                }
            }
        }
        emitFired(fireId, eventMs, AutomationOutcome.FIRED, pending.size(), 0, rule.id(), values.firedUser,
            values.summary);
        for (final byte[] output : pending)
        {
            context.emitter().emit(new UnsafeBuffer(output), 0, output.length);
        }
        pending.clear();
        return changed;
    }

    private void keep(final Rule rule, final int position, final int length)
    {
        if (length > MAX_LENGTH)
        {
            controlError("rule " + rule.id() + ": 'actions[" + position + "]' expected an output of at most " +
                MAX_LENGTH + " bytes, got " + length + " bytes");
            return;
        }
        final byte[] bytes = new byte[length];
        scratch.getBytes(0, bytes);
        pending.add(bytes);
    }

    private JsonNode webhookPayload(final Action action, final Rule rule, final long fireId)
    {
        final WebhookSpec webhook = action.webhook();
        final ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("url", webhook.url().renderUrl(values));
        payload.put("secret", webhook.secret());
        payload.put("timeoutMs", webhook.timeoutMs());
        payload.put("retries", webhook.retries());
        if (null != action.body())
        {
            payload.set("body", action.body().render(values));
        }
        else
        {
            final ObjectNode body = payload.putObject("body");
            body.put("rule", rule.id());
            body.put("fireId", fireId);
            body.set("event", values.eventJson());
        }
        return payload;
    }

    private boolean setVariable(final Rule rule, final int position, final Action action)
    {
        final Object current = variables.get(action.variable());
        if (null == current)
        {
            return false;
        }
        final String text = action.value().render(values);
        if (current instanceof BigDecimal number)
        {
            final BigDecimal value;
            try
            {
                value = new BigDecimal(text.trim());
            }
            catch (final NumberFormatException ex)
            {
                controlError("rule " + rule.id() + ": 'actions[" + position + "]." + action.kind().name()
                    .toLowerCase(Locale.ROOT) + ".value' expected a number, got '" + cut(text, 80) + "'");
                return false;
            }
            variables.put(action.variable(), Action.Kind.ADD == action.kind() ? number.add(value) : value);
        }
        else
        {
            variables.put(action.variable(), cut(text, 1000));
        }
        return true;
    }

    private static String json(final JsonNode node)
    {
        try
        {
            return MAPPER.writeValueAsString(node);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot render JSON: " + ex.getMessage(), ex);
        }
    }

    private static String cut(final String text, final int maxChars)
    {
        return text.length() <= maxChars ? text : text.substring(0, maxChars - 3) + "...";
    }

    private void emitFired(
        final long fireId,
        final long atMs,
        final AutomationOutcome outcome,
        final int actions,
        final long retryAfterMs,
        final String ruleId,
        final String user,
        final String summary)
    {
        firedEncoder.wrapAndApplyHeader(scratch, 0, headerEncoder)
            .fireId(fireId)
            .atEpochMs(atMs)
            .outcome(outcome)
            .actions(actions)
            .retryAfterMs(retryAfterMs)
            .ruleId(ruleId)
            .user(cut(user, 200))
            .summary(cut(summary, 500));
        context.emitter().emit(scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + firedEncoder.encodedLength());
    }

    private void controlError(final String line)
    {
        if (controlErrors.size() >= CONTROL_ERRORS_KEPT)
        {
            controlErrors.pollFirst();
        }
        controlErrors.addLast(line);
    }

    private void moderation(final Event event, final long eventMs)
    {
        moderationDecoder.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
        final ChatAction action = moderationDecoder.action();
        final long durationMs = moderationDecoder.durationMs();
        moderationDecoder.channel();
        final String target = moderationDecoder.target().toLowerCase(Locale.ROOT);
        if (target.isEmpty())
        {
            return;
        }
        switch (action)
        {
            case BAN -> bannedUntil.put(target, durationMs > 0 ? saturatedAdd(eventMs, durationMs) : Long.MAX_VALUE);
            case TIMEOUT ->
            {
                if (durationMs > 0)
                {
                    final Long until = bannedUntil.get(target);
                    final long newUntil = saturatedAdd(eventMs, durationMs);
                    bannedUntil.put(target, null == until ? newUntil : Math.max(until, newUntil));
                }
            }
            case UNBAN -> bannedUntil.remove(target);
            default ->
            {
            }
        }
    }

    private void control(final Event event)
    {
        controlDecoder.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
        final AutomationControlAction action = controlDecoder.action();
        final String ruleId = controlDecoder.ruleId();
        final String name = controlDecoder.variable();
        final String value = controlDecoder.value();
        controlDecoder.actor();
        switch (action)
        {
            case ENABLE_RULE, DISABLE_RULE ->
            {
                if (runtimeById.containsKey(ruleId))
                {
                    overrides.put(ruleId, AutomationControlAction.ENABLE_RULE == action);
                }
                else
                {
                    controlError("control: " + action + " 'rule' expected a rule in force" + ids() + ", got '" +
                        cut(ruleId, 80) + "'");
                }
            }
            case SET_VARIABLE ->
            {
                final Object current = variables.get(name);
                if (null == current)
                {
                    controlError("control: SET_VARIABLE 'variable' expected a variable of the rules " +
                        variables.keySet() + ", got '" + cut(name, 80) + "'");
                }
                else if (current instanceof BigDecimal)
                {
                    try
                    {
                        variables.put(name, new BigDecimal(value.trim()));
                    }
                    catch (final NumberFormatException ex)
                    {
                        controlError("control: SET_VARIABLE '" + name + "' expected a number, got '" + cut(value, 80) +
                            "'");
                    }
                }
                else
                {
                    variables.put(name, cut(value, 1000));
                }
            }
            case RESET_COOLDOWNS ->
            {
                if (ruleId.isEmpty())
                {
                    for (final RuleRuntime runtime : runtimes)
                    {
                        runtime.resetCooldowns();
                    }
                    sharedFires.clear();
                }
                else if (runtimeById.containsKey(ruleId))
                {
                    runtimeById.get(ruleId).resetCooldowns();
                }
                else
                {
                    controlError("control: RESET_COOLDOWNS 'rule' expected a rule in force" + ids() + " or none, got '" +
                        cut(ruleId, 80) + "'");
                }
            }
            default ->
            {
                return;
            }
        }
        emitState();
    }

    /**
     * One part of a journaled rules file: a one-part file loads at once, the parts of a longer one are assembled as
     * bytes (a part may end inside a UTF-8 character) and the text decoded once, on the last part.
     */
    private void rulesPart(final Event event)
    {
        rulesDecoder.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
        final long loadId = rulesDecoder.loadId();
        final int part = rulesDecoder.part();
        final int parts = rulesDecoder.parts();
        if (parts < 1 || parts > MAX_RULES_PARTS || part < 0 || part >= parts)
        {
            discardAssembly();
            discarded(loadId, "part " + part + " of " + parts + ", expected parts 1.." + MAX_RULES_PARTS +
                " and part 0..parts-1");
            return;
        }
        if (1 == parts)
        {
            discardAssembly();
            final String text = rulesDecoder.text();
            final String origin = rulesDecoder.origin();
            load(text, origin);
            emitState();
            return;
        }
        if (0 == part)
        {
            discardAssembly();
            assemblyLoadId = loadId;
            assemblyParts = parts;
            assemblyNextPart = 0;
            assemblyLength = 0;
        }
        else if (!assembling() || loadId != assemblyLoadId || part != assemblyNextPart || parts != assemblyParts)
        {
            final boolean wasAssembling = assembling();
            discardAssembly();
            if (!wasAssembling)
            {
                discarded(loadId, "part " + part + " of " + parts + " without the parts before it");
            }
            return;
        }
        final int length = rulesDecoder.textLength();
        if ((long)assemblyLength + length > RulesParser.MAX_BYTES)
        {
            clearAssembly();
            discarded(loadId, "over " + RulesParser.MAX_BYTES + " bytes (1 MiB) at part " + part);
            return;
        }
        rulesDecoder.getText(assembly, assemblyLength, length);
        assemblyLength += length;
        final String origin = rulesDecoder.origin();
        if (++assemblyNextPart < assemblyParts)
        {
            return;
        }
        final String text = assembly.getStringWithoutLengthUtf8(0, assemblyLength);
        clearAssembly();
        load(text, origin);
        emitState();
    }

    private boolean assembling()
    {
        return NO_ASSEMBLY != assemblyNextPart;
    }

    private void clearAssembly()
    {
        assemblyNextPart = NO_ASSEMBLY;
        assemblyLength = 0;
        assemblyParts = 0;
    }

    /**
     * Drop an unfinished assembly, noting that its load had parts missing.
     */
    private void discardAssembly()
    {
        if (assembling())
        {
            final long loadId = assemblyLoadId;
            final int received = assemblyNextPart;
            final int parts = assemblyParts;
            clearAssembly();
            discarded(loadId, "parts missing (" + received + " of " + parts + " received in order)");
        }
    }

    private void discarded(final long loadId, final String why)
    {
        if (loadId == lastDiscardedLoadId)
        {
            return;
        }
        lastDiscardedLoadId = loadId;
        controlError("rules load " + loadId + " discarded: " + why + "; the rules in force stay");
        emitState();
    }

    private String ids()
    {
        final String ids = String.join(", ", runtimeById.keySet());
        return " (" + cut(ids, 200) + ")";
    }

    /**
     * Put a rules file in force, keeping variables, overrides and per-rule state by name; a file that cannot be read
     * changes nothing but the errors shown.
     */
    private void load(final String text, final String origin)
    {
        final RuleSet parsed = RulesParser.parse(text, origin);
        loadErrors = parsed.errors();
        controlErrors.clear();
        if (!parsed.readable())
        {
            return;
        }
        ruleSet = parsed;
        rulesText = text;
        rulesOrigin = origin;
        streamPeriod++;
        final Map<String, Object> kept = new LinkedHashMap<>();
        for (final VariableSpec spec : parsed.variables())
        {
            final Object old = variables.get(spec.name());
            if (spec.isNumber() ? old instanceof BigDecimal : old instanceof String)
            {
                kept.put(spec.name(), old);
            }
            else
            {
                kept.put(spec.name(), spec.isNumber() ? spec.number() : spec.text());
            }
        }
        variables.clear();
        variables.putAll(kept);
        final List<RuleRuntime> list = new ArrayList<>();
        final Map<Integer, List<RuleRuntime>> templates = new HashMap<>();
        int maxTemplate = -1;
        final Map<String, RuleRuntime> previous = new HashMap<>(runtimeById);
        runtimeById.clear();
        for (final Rule rule : parsed.rules())
        {
            final RuleRuntime runtime = new RuleRuntime(rule);
            runtime.takeFrom(previous.get(rule.id()));
            list.add(runtime);
            runtimeById.put(rule.id(), runtime);
            final int templateId = rule.trigger().templateId();
            templates.computeIfAbsent(templateId, (id) -> new ArrayList<>()).add(runtime);
            maxTemplate = Math.max(maxTemplate, templateId);
        }
        overrides.keySet().retainAll(runtimeById.keySet());
        sharedFires.keySet().retainAll(parsed.cooldowns().keySet());
        runtimes = list.toArray(new RuleRuntime[0]);
        byTemplate = new RuleRuntime[maxTemplate + 1][];
        templates.forEach((id, runtimesOfType) -> byTemplate[id] = runtimesOfType.toArray(new RuleRuntime[0]));
        periodFromMs = Long.MAX_VALUE;
        periodUntilMs = Long.MIN_VALUE;
    }

    private ZoneId zone()
    {
        return null == ruleSet ? ZoneId.of("UTC") : ruleSet.zone();
    }

    private void refreshPeriods(final long eventMs)
    {
        if (eventMs >= periodFromMs && eventMs < periodUntilMs)
        {
            return;
        }
        final ZoneId zone = zone();
        final LocalDate date = Instant.ofEpochMilli(eventMs).atZone(zone).toLocalDate();
        periodFromMs = date.atStartOfDay(zone).toInstant().toEpochMilli();
        periodUntilMs = date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        currentDay = date.toEpochDay();
        currentWeek = date.minusDays(date.getDayOfWeek().getValue() - 1L).toEpochDay();
        currentMonth = date.getYear() * 12L + date.getMonthValue() - 1;
    }

    private long periodKey(final Trigger.Period period, final long eventMs)
    {
        if (Trigger.Period.STREAM == period)
        {
            return streamPeriod;
        }
        refreshPeriods(eventMs);
        return switch (period)
        {
            case DAY -> currentDay;
            case WEEK -> currentWeek;
            default -> currentMonth;
        };
    }

    private void resetVariables(final long eventMs)
    {
        if (null == ruleSet)
        {
            return;
        }
        final Trigger.Period[] periods = { Trigger.Period.DAY, Trigger.Period.WEEK, Trigger.Period.MONTH };
        for (int i = 0; i < periods.length; i++)
        {
            final long key = periodKey(periods[i], eventMs);
            if (key != periodKeys[i])
            {
                if (NONE != periodKeys[i])
                {
                    for (final VariableSpec spec : ruleSet.variables())
                    {
                        if (periods[i] == spec.reset())
                        {
                            variables.put(spec.name(), spec.number());
                        }
                    }
                }
                periodKeys[i] = key;
            }
        }
    }

    private void emitState()
    {
        final StringBuilder errors = new StringBuilder();
        for (final RuleError error : loadErrors)
        {
            final String line = error.toString();
            if (errors.length() + line.length() + 1 > 1200)
            {
                errors.append("...\n");
                break;
            }
            errors.append(line).append('\n');
        }
        for (final String line : controlErrors)
        {
            if (errors.length() + line.length() + 1 > 1600)
            {
                break;
            }
            errors.append(line).append('\n');
        }
        final ObjectNode variablesJson = JsonNodeFactory.instance.objectNode();
        int variablesLength = 2;
        for (final Map.Entry<String, Object> entry : variables.entrySet())
        {
            final JsonNode value = entry.getValue() instanceof BigDecimal number ?
                JsonNodeFactory.instance.numberNode(number) : JsonNodeFactory.instance.textNode((String)entry.getValue());
            variablesLength += entry.getKey().length() + json(value).length() + 4;
            if (variablesLength > 900)
            {
                break;
            }
            variablesJson.set(entry.getKey(), value);
        }
        final String variablesText = json(variablesJson);
        final String origin = cut(rulesOrigin, 200);
        final int budget = MAX_LENGTH - MessageHeaderEncoder.ENCODED_LENGTH - AutomationStateEncoder.BLOCK_LENGTH - 16 -
            utf8(errors.toString()) - utf8(variablesText) - utf8(origin) - 8;
        final ArrayNode rulesJson = JsonNodeFactory.instance.arrayNode();
        int rulesLength = 2;
        for (final RuleRuntime runtime : runtimes)
        {
            final ObjectNode rule = JsonNodeFactory.instance.objectNode();
            rule.put("id", runtime.rule.id());
            rule.put("enabled", enabled(runtime.rule));
            rule.put("trigger", runtime.rule.trigger().describe());
            rule.put("queue", runtime.rule.queue());
            rule.put("fired", runtime.fired);
            final int length = utf8(json(rule)) + 1;
            if (rulesLength + length > budget)
            {
                break;
            }
            rulesLength += length;
            rulesJson.add(rule);
        }
        stateEncoder.wrapAndApplyHeader(scratch, 0, headerEncoder)
            .rulesLoaded(runtimes.length)
            .rulesRejected(null == ruleSet ? 0 : ruleSet.rulesRejected())
            .rulesJson(json(rulesJson))
            .variablesJson(variablesText)
            .errors(errors.toString())
            .origin(origin);
        context.emitter().emit(scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + stateEncoder.encodedLength());
    }

    private static int utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * The snapshot: versioned JSON of the rules text in force and the state that must survive a restart.
     *
     * @return the bytes written to {@value #SNAPSHOT_ENTRY}.
     */
    byte[] encodeSnapshot()
    {
        final ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("version", SNAPSHOT_VERSION);
        root.put("nextSequence", nextSequence);
        if (null != rulesText)
        {
            root.put("rulesText", rulesText);
            root.put("rulesOrigin", rulesOrigin);
        }
        root.put("streamPeriod", streamPeriod);
        final ArrayNode keys = root.putArray("periodKeys");
        for (final long key : periodKeys)
        {
            keys.add(key);
        }
        final ObjectNode vars = root.putObject("variables");
        variables.forEach((name, value) ->
        {
            if (value instanceof BigDecimal number)
            {
                vars.put(name, number);
            }
            else
            {
                vars.put(name, (String)value);
            }
        });
        final ObjectNode overridesJson = root.putObject("overrides");
        overrides.forEach(overridesJson::put);
        final ObjectNode shared = root.putObject("shared");
        sharedFires.forEach(shared::put);
        final ArrayNode bans = root.putArray("bans");
        bannedUntil.forEach((name, until) -> bans.addArray().add(name).add(until));
        final ArrayNode payments = root.putArray("payments");
        paymentsSeen.keySet().forEach(payments::add);
        final ObjectNode rules = root.putObject("rules");
        for (final RuleRuntime runtime : runtimes)
        {
            final ObjectNode rule = rules.putObject(runtime.rule.id());
            rule.put("lastFireMs", runtime.lastFireMs);
            rule.put("fired", runtime.fired);
            final ArrayNode users = rule.putArray("users");
            runtime.userFires.forEach((user, ms) -> users.addArray().add(user).add(ms));
            rule.put("goalPeriod", runtime.goalPeriod);
            rule.put("goalSum", runtime.goalSum);
            rule.put("goalReached", runtime.goalReached);
            rule.put("armed", runtime.armed);
            final ArrayNode window = rule.putArray("window");
            for (final long[] entry : runtime.window)
            {
                window.addArray().add(entry[0]).add(entry[1]);
            }
        }
        try
        {
            return MAPPER.writeValueAsBytes(root);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot write the " + ID + " snapshot: " + ex.getMessage(), ex);
        }
    }

    /**
     * Restore the state {@value #SNAPSHOT_ENTRY} holds.
     *
     * @param context of this plugin.
     * @return the sequence of the first event the snapshot does not cover, or {@link Recovery#NO_SNAPSHOT}.
     * @throws IllegalStateException naming what is wrong with the entry; the state is empty again then.
     */
    public long restoreSnapshot(final PluginContext context)
    {
        final PluginStorage storage = context.config().hasStorage() ? context.storage() : null;
        final byte[] bytes = null == storage ? null : storage.read(SNAPSHOT_ENTRY);
        if (null == bytes)
        {
            return Recovery.NO_SNAPSHOT;
        }
        try
        {
            return decodeSnapshot(bytes);
        }
        catch (final IOException | RuntimeException ex)
        {
            clearState();
            throw new IllegalStateException(SNAPSHOT_ENTRY + " of plugin " + ID + " cannot be restored: expected a " +
                "snapshot of version " + SNAPSHOT_VERSION + ", got " + ex.getMessage(), ex);
        }
    }

    private long decodeSnapshot(final byte[] bytes) throws IOException
    {
        clearState();
        final JsonNode root = MAPPER.readTree(bytes);
        if (null == root || !root.isObject() || SNAPSHOT_VERSION != root.path("version").asInt(-1))
        {
            throw new IllegalStateException("version " + (null == root ? "none" : root.path("version").toString()));
        }
        if (!configuredRules && root.hasNonNull("rulesText"))
        {
            load(root.get("rulesText").asText(), root.path("rulesOrigin").asText(""));
        }
        streamPeriod = root.path("streamPeriod").asLong(streamPeriod);
        final JsonNode keys = root.path("periodKeys");
        for (int i = 0; i < periodKeys.length && i < keys.size(); i++)
        {
            periodKeys[i] = keys.get(i).asLong();
        }
        root.path("variables").fields().forEachRemaining((entry) ->
        {
            final Object current = variables.get(entry.getKey());
            if (current instanceof BigDecimal && entry.getValue().isNumber())
            {
                variables.put(entry.getKey(), entry.getValue().decimalValue());
            }
            else if (current instanceof String && entry.getValue().isTextual())
            {
                variables.put(entry.getKey(), entry.getValue().asText());
            }
        });
        root.path("overrides").fields().forEachRemaining((entry) ->
        {
            if (runtimeById.containsKey(entry.getKey()))
            {
                overrides.put(entry.getKey(), entry.getValue().asBoolean());
            }
        });
        root.path("shared").fields().forEachRemaining((entry) -> sharedFires.put(entry.getKey(), entry.getValue().asLong()));
        for (final JsonNode ban : root.path("bans"))
        {
            bannedUntil.put(ban.get(0).asText(), ban.get(1).asLong());
        }
        for (final JsonNode payment : root.path("payments"))
        {
            paymentsSeen.put(payment.asLong(), Boolean.TRUE);
        }
        final Iterator<Map.Entry<String, JsonNode>> rules = root.path("rules").fields();
        while (rules.hasNext())
        {
            final Map.Entry<String, JsonNode> entry = rules.next();
            final RuleRuntime runtime = runtimeById.get(entry.getKey());
            if (null == runtime)
            {
                continue;
            }
            final JsonNode rule = entry.getValue();
            runtime.lastFireMs = rule.path("lastFireMs").asLong(NONE);
            runtime.fired = rule.path("fired").asLong();
            for (final JsonNode user : rule.path("users"))
            {
                runtime.userFires.put(user.get(0).asText(), user.get(1).asLong());
            }
            runtime.goalPeriod = rule.path("goalPeriod").asLong(NONE);
            runtime.goalSum = rule.path("goalSum").asLong();
            runtime.goalReached = rule.path("goalReached").asBoolean();
            runtime.armed = rule.path("armed").asBoolean(true);
            for (final JsonNode item : rule.path("window"))
            {
                runtime.window.addLast(new long[]{ item.get(0).asLong(), item.get(1).asLong() });
                runtime.windowSum = saturatedAdd(runtime.windowSum, item.get(1).asLong());
            }
        }
        nextSequence = root.path("nextSequence").asLong();
        return nextSequence;
    }

    /**
     * Save the state: every so many events off this thread ({@link PluginStorage#writeLatest}, so the events behind
     * it do not wait for the disk), at stop with a write that has landed when it returns.
     */
    private void writeSnapshot(final boolean landed)
    {
        snapshotCadence.taken();
        if (context.config().hasStorage())
        {
            try
            {
                final byte[] bytes = encodeSnapshot();
                if (landed)
                {
                    context.storage().write(SNAPSHOT_ENTRY, bytes);
                }
                else
                {
                    context.storage().writeLatest(SNAPSHOT_ENTRY, bytes, bytes.length);
                }
            }
            catch (final IllegalStateException ex)
            {
                controlError("snapshot: '" + SNAPSHOT_ENTRY + "' expected to fit the storage, got " + ex.getMessage());
            }
        }
    }

    /**
     * Ids of the rules in force, in file order.
     * <p>
     * <b>Note:</b> read from the plugin's thread, or after the engine has drained.
     *
     * @return the ids.
     */
    public List<String> ruleIds()
    {
        return new ArrayList<>(runtimeById.keySet());
    }

    /**
     * A variable's value.
     * <p>
     * <b>Note:</b> read from the plugin's thread, or after the engine has drained.
     *
     * @param name the variable.
     * @return a {@link BigDecimal} or a {@link String}, or null when there is no such variable.
     */
    public Object variable(final String name)
    {
        return variables.get(name);
    }

    /** What a rule remembers between events: cooldown times, its count, goal and threshold sums. */
    private static final class RuleRuntime
    {
        final Rule rule;
        final Lru<String, Long> userFires = new Lru<>(USERS_PER_RULE);
        final ArrayDeque<long[]> window = new ArrayDeque<>();
        long lastFireMs = NONE;
        long fired;
        long goalPeriod = NONE;
        long goalSum;
        boolean goalReached;
        long windowSum;
        boolean armed = true;

        RuleRuntime(final Rule rule)
        {
            this.rule = rule;
        }

        void resetCooldowns()
        {
            lastFireMs = NONE;
            userFires.clear();
        }

        void takeFrom(final RuleRuntime old)
        {
            if (null == old)
            {
                return;
            }
            lastFireMs = old.lastFireMs;
            fired = old.fired;
            userFires.putAll(old.userFires);
            final Trigger was = old.rule.trigger();
            final Trigger now = rule.trigger();
            if (Trigger.Kind.GOAL == now.kind() && was.kind() == now.kind() && was.sats() == now.sats() &&
                was.per() == now.per())
            {
                goalPeriod = old.goalPeriod;
                goalSum = old.goalSum;
                goalReached = old.goalReached;
            }
            if (Trigger.Kind.THRESHOLD == now.kind() && was.kind() == now.kind() && was.sats() == now.sats() &&
                was.withinMs() == now.withinMs())
            {
                window.addAll(old.window);
                windowSum = old.windowSum;
                armed = old.armed;
            }
        }
    }

    /**
     * The placeholders' values for the event being handled, decoded once per event and only when a rule needs them.
     */
    private final class EventValues implements Function<String, String>
    {
        Event event;
        long eventMs;
        boolean chatDecoded;
        boolean paymentDecoded;
        boolean timerDecoded;
        ChatRole role;
        String channel;
        String user;
        String text;
        String args;
        String[] argList;
        boolean isPayment;
        boolean paymentNew;
        boolean verified;
        long amountSats;
        int txidOffset;
        String memo;
        String timerName;
        String goal;
        String total;
        String rule;
        long fireId;
        String firedUser;
        String summary;
        String baseSummary;
        ObjectNode json;

        void reset(final Event event, final long eventMs)
        {
            this.event = event;
            this.eventMs = eventMs;
            chatDecoded = false;
            paymentDecoded = false;
            timerDecoded = false;
            isPayment = false;
            args = null;
            argList = null;
            goal = null;
            total = null;
            json = null;
            firedUser = "";
            final int templateId = event.templateId();
            if (ChatMessageDecoder.TEMPLATE_ID == templateId)
            {
                chat();
                firedUser = user;
                summary = "ChatMessage by " + user;
            }
            else if (TransactionReceivedDecoder.TEMPLATE_ID == templateId)
            {
                payment();
                summary = "TransactionReceived amountSats=" + amountSats;
            }
            else if (TimerFiredDecoder.TEMPLATE_ID == templateId)
            {
                timer();
                summary = "TimerFired " + timerName;
            }
            else
            {
                final String name = JsonView.instance().messageName(templateId);
                summary = null == name ? "event " + templateId : name;
            }
            baseSummary = summary;
        }

        void beginRule()
        {
            summary = baseSummary;
            goal = null;
            total = null;
            args = null;
            argList = null;
        }

        EventValues chat()
        {
            if (!chatDecoded && ChatMessageDecoder.TEMPLATE_ID == event.templateId())
            {
                chatDecoded = true;
                chatDecoder.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
                final ChatRole decodedRole = chatDecoder.role();
                role = ChatRole.NULL_VAL == decodedRole ? ChatRole.VIEWER : decodedRole;
                channel = chatDecoder.channel();
                user = chatDecoder.user();
                text = chatDecoder.text();
            }
            return this;
        }

        void command(final int commandLength)
        {
            args = text.length() > commandLength ? text.substring(commandLength).trim() : "";
            argList = args.isEmpty() ? new String[0] : args.split("\\s+");
            summary = "ChatMessage " + text.substring(0, commandLength).toLowerCase(Locale.ROOT) + " by " + user;
        }

        EventValues payment()
        {
            if (!paymentDecoded && TransactionReceivedDecoder.TEMPLATE_ID == event.templateId())
            {
                paymentDecoded = true;
                isPayment = true;
                paymentDecoder.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
                amountSats = paymentDecoder.amountSats();
                verified = 1 == paymentDecoder.verifiedRaw();
                txidOffset = paymentDecoder.offset() + TransactionReceivedDecoder.txidEncodingOffset();
                final int scriptOffset = paymentDecoder.offset() + TransactionReceivedDecoder.scriptHashEncodingOffset();
                final org.agrona.DirectBuffer buffer = event.buffer();
                long paymentKey = 0x9E3779B97F4A7C15L;
                for (int i = 0; i < 32; i += 8)
                {
                    paymentKey = (paymentKey ^ buffer.getLong(txidOffset + i)) * 0x100000001B3L;
                    paymentKey = (paymentKey ^ buffer.getLong(scriptOffset + i)) * 0x100000001B3L;
                }
                paymentNew = null == paymentsSeen.get(paymentKey);
                paymentsSeen.put(paymentKey, Boolean.TRUE);
                paymentDecoder.address();
                memo = paymentDecoder.memo();
            }
            return this;
        }

        EventValues timer()
        {
            if (!timerDecoded && TimerFiredDecoder.TEMPLATE_ID == event.templateId())
            {
                timerDecoded = true;
                timerDecoder.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
                timerName = timerDecoder.name();
            }
            return this;
        }

        void goal(final Trigger trigger, final long sum)
        {
            goal = Long.toString(trigger.sats());
            total = Long.toString(sum);
            summary = (Trigger.Kind.GOAL == trigger.kind() ? "goal " : "threshold ") + trigger.sats() +
                " sats reached: total=" + sum;
        }

        ObjectNode eventJson()
        {
            if (null == json)
            {
                try
                {
                    json = (ObjectNode)MAPPER.readTree(JsonView.instance().toJson(event.buffer(), event.offset()));
                }
                catch (final IOException | RuntimeException ex)
                {
                    json = JsonNodeFactory.instance.objectNode();
                }
            }
            return json;
        }

        public String apply(final String placeholder)
        {
            switch (placeholder)
            {
                case "amount":
                    return isPayment ? Long.toString(amountSats) : field("amountSats");
                case "amount_btc":
                {
                    final String sats = isPayment ? Long.toString(amountSats) : field("amountSats");
                    if (sats.isEmpty())
                    {
                        return "";
                    }
                    final BigDecimal btc = new BigDecimal(sats).movePointLeft(8).stripTrailingZeros();
                    return btc.signum() == 0 ? "0" : btc.toPlainString();
                }
                case "name":
                case "user":
                    return isPayment ? "anonymous" : null != user ? viewer(user) : "";
                case "message":
                    if (isPayment)
                    {
                        return viewer(memo);
                    }
                    return null != args ? viewer(args) : null != text ? viewer(text) : "";
                case "args":
                    return null == args ? "" : viewer(args);
                case "rule":
                    return rule;
                case "fireId":
                    return Long.toString(fireId);
                case "timer":
                    return null == timerName ? "" : timerName;
                case "goal":
                    return null == goal ? "" : goal;
                case "total":
                    return null == total ? "" : total;
                case "time":
                    return ZonedDateTime.ofInstant(Instant.ofEpochMilli(eventMs), zone()).truncatedTo(ChronoUnit.MINUTES)
                        .format(HH_MM);
                default:
                    break;
            }
            if (placeholder.length() == 4 && placeholder.startsWith("arg") && Character.isDigit(placeholder.charAt(3)))
            {
                final int index = placeholder.charAt(3) - '1';
                return null == argList || index < 0 || index >= argList.length ? "" : viewer(argList[index]);
            }
            if (placeholder.startsWith("var."))
            {
                final Object value = variables.get(placeholder.substring(4));
                return null == value ? "" : value instanceof BigDecimal number ? number.toPlainString() : (String)value;
            }
            return field(placeholder);
        }

        private String field(final String name)
        {
            final JsonNode value = eventJson().get(name);
            if (null == value)
            {
                return "";
            }
            return viewer(value.isValueNode() ? value.asText() : value.toString());
        }

        private String viewer(final String text)
        {
            return cut(text, PLACEHOLDER_MAX_CHARS);
        }
    }
}
