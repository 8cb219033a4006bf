package dev.commandcenter.plugin.automation.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.MediaKind;
import dev.commandcenter.codecs.sbe.TimerFiredDecoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.plugin.host.EventFilters;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a rules file (YAML or JSON, see {@code docs/automation.md}) into a {@link RuleSet}: every problem becomes a
 * {@link RuleError} naming the line, column, rule and the key path, what was expected and what was written; the
 * rules without errors load.
 * <p>
 * <b>Note:</b> thread safe (stateless); {@link #parse(String, String)} never throws on bad input.
 */
public final class RulesParser
{
    /** Largest file, in UTF-8 bytes. */
    public static final int MAX_BYTES = 1024 * 1024;
    /** Most rules in a file. */
    public static final int MAX_RULES = 1000;
    /** Most actions in a rule. */
    public static final int MAX_ACTIONS = 50;
    /** Most timers in a file. */
    public static final int MAX_TIMERS = 100;
    /** Most variables in a file. */
    public static final int MAX_VARIABLES = 100;
    /** Most webhooks in a file. */
    public static final int MAX_WEBHOOKS = 32;
    /** Longest alert or media duration: 60 s. */
    public static final long MAX_SHOW_MS = 60_000;
    /** Default alert duration: 5 s. */
    public static final long DEFAULT_ALERT_MS = 5_000;
    /** Longest webhook timeout per attempt: 60 s. */
    public static final long MAX_WEBHOOK_TIMEOUT_MS = 60_000;
    /** Default webhook timeout per attempt: 5 s. */
    public static final long DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;
    /** Default webhook retries. */
    public static final int DEFAULT_WEBHOOK_RETRIES = 3;
    /** Most webhook retries. */
    public static final int MAX_WEBHOOK_RETRIES = 10;
    /** Longest wait: one hour. */
    public static final long MAX_WAIT_MS = 3_600_000;

    /** Placeholders every template may use, besides {@code var.NAME} and the trigger event's fields. */
    public static final Set<String> PLACEHOLDERS = Set.of("amount", "amount_btc", "name", "message", "args", "arg1",
        "arg2", "arg3", "arg4", "arg5", "arg6", "arg7", "arg8", "arg9", "user", "rule", "timer", "goal", "total", "time",
        "fireId");

    static final Pattern RULE_ID = Pattern.compile("[a-z0-9][a-z0-9-_]{0,63}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern SECRET_KEY = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");
    private static final Pattern VAR_TEST =
        Pattern.compile("var\\.([A-Za-z_][A-Za-z0-9_]*)\\s*(==|!=|<=|>=|<|>)\\s*(.+)");
    private static final Pattern COMMAND = Pattern.compile("![^\\s!][^\\s]{0,62}");
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");
    private static final String DURATION_EXPECTED = "a duration such as 30s or 5m";
    private static final YAMLFactory YAML = YAMLFactory.builder().build();
    private static final Map<Integer, Set<String>> FIELDS = new HashMap<>();
    private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

    private RulesParser()
    {
    }

    /**
     * Parse and check a rules file.
     *
     * @param text   the file's text, YAML or JSON.
     * @param origin where it came from, for the errors (a file name).
     * @return the rules that load and every error; never null.
     */
    public static RuleSet parse(final String text, final String origin)
    {
        final String name = null == origin || origin.isEmpty() ? "rules" : origin;
        if (null == text)
        {
            return RuleSet.unreadable(name, new RuleError(name, 0, 0, null, "'file' expected a rules file, got ''"));
        }
        final int bytes = utf8Length(text);
        if (bytes > MAX_BYTES)
        {
            return RuleSet.unreadable(name, new RuleError(name, 0, 0, null, "'file' expected at most " + MAX_BYTES +
                " bytes (1 MiB), got '" + bytes + " bytes'"));
        }
        final Node root;
        try (JsonParser parser = YAML.createParser(text))
        {
            root = Node.read(parser);
        }
        catch (final Node.DuplicateKeyException ex)
        {
            return RuleSet.unreadable(name, new RuleError(name, ex.line, ex.column, null,
                "'" + ex.key + "' expected a key written once in its map, got it twice"));
        }
        catch (final JsonProcessingException ex)
        {
            final JsonLocation location = ex.getLocation();
            final String message = String.valueOf(ex.getOriginalMessage()).lines().findFirst().orElse("").trim();
            return RuleSet.unreadable(name, new RuleError(name, null == location ? 0 : Math.max(0, location.getLineNr()),
                null == location ? 0 : Math.max(0, location.getColumnNr()), null,
                "'file' expected YAML or JSON, got a syntax error: " + message));
        }
        catch (final IOException | RuntimeException ex)
        {
            return RuleSet.unreadable(name, new RuleError(name, 0, 0, null,
                "'file' expected YAML or JSON, got a syntax error: " + ex.getMessage()));
        }
        return new Compiler(name).compile(root);
    }

    private static int utf8Length(final String text)
    {
        if (text.length() * 3L <= MAX_BYTES)
        {
            return text.length();
        }
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Names of the fields of a message type, for {@code {FIELD}} placeholders.
     *
     * @param templateId the message type.
     * @return the names of its fields and variable-length data.
     */
    static synchronized Set<String> fieldNames(final int templateId)
    {
        return FIELDS.computeIfAbsent(templateId, (id) ->
        {
            final Set<String> names = new TreeSet<>();
            for (final List<Token> tokens : MessageSchema.ir().messages())
            {
                if (tokens.get(0).id() == id)
                {
                    for (final Token token : tokens)
                    {
                        if (Signal.BEGIN_FIELD == token.signal() || Signal.BEGIN_VAR_DATA == token.signal())
                        {
                            names.add(token.name());
                        }
                    }
                }
            }
            return names;
        });
    }

    /** One pass over a file: the errors found so far and the definitions that compiled. */
    private static final class Compiler
    {
        private final String origin;
        private final List<RuleError> errors = new ArrayList<>();
        private final Map<String, VariableSpec> variables = new LinkedHashMap<>();
        private final Map<String, Long> cooldowns = new LinkedHashMap<>();
        private final Map<String, TimerSpec> timers = new LinkedHashMap<>();
        private final Map<String, WebhookSpec> webhooks = new LinkedHashMap<>();
        private final Set<String> badDefinitions = new HashSet<>();
        private ZoneId zone = ZoneId.of("UTC");
        private String ruleId;
        private int triggerTemplateId = -1;

        Compiler(final String origin)
        {
            this.origin = origin;
        }

        RuleSet compile(final Node root)
        {
            if (null == root || !root.isMap())
            {
                final int line = null == root ? 1 : root.line;
                final int column = null == root ? 1 : root.column;
                errors.add(new RuleError(origin, line, column, null, "'file' expected a map with version: 1 and rules, got '" +
                    (null == root ? "" : root.shown()) + "'"));
                return RuleSet.unreadable(origin, errors.get(0));
            }
            unknownKeys(root, "", Set.of("version", "settings", "variables", "cooldowns", "timers", "webhooks", "rules"));
            final Node version = root.get("version");
            if (null == version || Node.Kind.NUMBER != version.kind || !"1".equals(version.text))
            {
                final RuleError error = null == version ?
                    new RuleError(origin, root.line, root.column, null, "'version' expected 1, got ''") :
                    new RuleError(origin, version.line, version.column, null, "'version' expected 1, got '" +
                    version.shown() + "'");
                return RuleSet.unreadable(origin, error);
            }
            settings(root.get("settings"));
            variables(root.get("variables"));
            cooldowns(root.get("cooldowns"));
            timers(root.get("timers"));
            webhooks(root.get("webhooks"));
            final List<Rule> rules = new ArrayList<>();
            int rejected = 0;
            final Node rulesNode = root.get("rules");
            if (null != rulesNode && Node.Kind.NULL != rulesNode.kind)
            {
                if (!rulesNode.isList())
                {
                    error(rulesNode, "rules", "a list of rules", rulesNode.shown());
                }
                else
                {
                    final Set<String> ids = new HashSet<>();
                    for (int i = 0; i < rulesNode.list.size(); i++)
                    {
                        final Node ruleNode = rulesNode.list.get(i);
                        if (i >= MAX_RULES)
                        {
                            ruleId = null;
                            error(ruleNode, "rules", "at most " + MAX_RULES + " rules", rulesNode.list.size() + " rules");
                            rejected += rulesNode.list.size() - MAX_RULES;
                            break;
                        }
                        final Rule rule = rule(ruleNode, i, ids);
                        if (null == rule)
                        {
                            rejected++;
                        }
                        else
                        {
                            rules.add(rule);
                        }
                    }
                }
            }
            errors.sort((a, b) -> a.line() != b.line() ? Integer.compare(a.line(), b.line()) :
                Integer.compare(a.column(), b.column()));
            return new RuleSet(origin, true, errors, rules, rejected, new ArrayList<>(timers.values()),
                new ArrayList<>(variables.values()), webhooks, cooldowns, zone);
        }

        private void settings(final Node node)
        {
            if (null == node || Node.Kind.NULL == node.kind)
            {
                return;
            }
            if (!map(node, "settings", "a map such as { zone: Europe/Berlin }"))
            {
                return;
            }
            unknownKeys(node, "settings", Set.of("zone"));
            final Node zoneNode = node.get("zone");
            if (null != zoneNode)
            {
                try
                {
                    zone = ZoneId.of(zoneNode.text);
                }
                catch (final DateTimeException | NullPointerException ex)
                {
                    error(zoneNode, "settings.zone", "a time zone such as Europe/Berlin or UTC", zoneNode.shown());
                }
            }
        }

        private void variables(final Node node)
        {
            if (null == node || Node.Kind.NULL == node.kind || !map(node, "variables", "a map of variables"))
            {
                return;
            }
            int count = 0;
            for (final Map.Entry<String, Node> entry : node.map.entrySet())
            {
                final String name = entry.getKey();
                final String path = "variables." + name;
                final int before = errors.size();
                if (++count > MAX_VARIABLES)
                {
                    errorAtKey(node, name, "variables", "at most " + MAX_VARIABLES + " variables", node.map.size() + " variables");
                    badDefinitions.add("var:" + name);
                    continue;
                }
                if (!VARIABLE.matcher(name).matches())
                {
                    errorAtKey(node, name, path, "a variable name of letters, digits and _", name);
                }
                final Node value = entry.getValue();
                if (!map(value, path, "a map such as { initial: 0, reset: daily }"))
                {
                    badDefinitions.add("var:" + name);
                    continue;
                }
                unknownKeys(value, path, Set.of("initial", "reset"));
                final Node initial = value.get("initial");
                BigDecimal number = null;
                String text = null;
                if (null == initial || !(Node.Kind.NUMBER == initial.kind || Node.Kind.STRING == initial.kind))
                {
                    error(null == initial ? value : initial, path + ".initial", "a number or a quoted text",
                        null == initial ? "" : initial.shown());
                }
                else if (Node.Kind.NUMBER == initial.kind)
                {
                    number = new BigDecimal(initial.text);
                }
                else
                {
                    text = initial.text;
                }
                Trigger.Period reset = null;
                final Node resetNode = value.get("reset");
                if (null != resetNode)
                {
                    switch (resetNode.isScalar() ? resetNode.text : "")
                    {
                        case "daily" -> reset = Trigger.Period.DAY;
                        case "weekly" -> reset = Trigger.Period.WEEK;
                        case "monthly" -> reset = Trigger.Period.MONTH;
                        case "never" -> reset = null;
                        default -> error(resetNode, path + ".reset", "daily, weekly, monthly or never", resetNode.shown());
                    }
                    if (null != reset && null != text)
                    {
                        error(resetNode, path + ".reset", "never for a text (only numbers reset)", resetNode.shown());
                    }
                }
                if (errors.size() == before)
                {
                    variables.put(name, new VariableSpec(name, number, text, reset));
                }
                else
                {
                    badDefinitions.add("var:" + name);
                }
            }
        }

        private void cooldowns(final Node node)
        {
            if (null == node || Node.Kind.NULL == node.kind || !map(node, "cooldowns", "a map of name: duration"))
            {
                return;
            }
            for (final Map.Entry<String, Node> entry : node.map.entrySet())
            {
                final long ms = duration(entry.getValue(), "cooldowns." + entry.getKey(), 1, Long.MAX_VALUE);
                if (ms > 0)
                {
                    cooldowns.put(entry.getKey(), ms);
                }
                else
                {
                    badDefinitions.add("cooldown:" + entry.getKey());
                }
            }
        }

        private void timers(final Node node)
        {
            if (null == node || Node.Kind.NULL == node.kind || !map(node, "timers", "a map of timers"))
            {
                return;
            }
            int count = 0;
            for (final Map.Entry<String, Node> entry : node.map.entrySet())
            {
                final String name = entry.getKey();
                final String path = "timers." + name;
                final int before = errors.size();
                if (++count > MAX_TIMERS)
                {
                    errorAtKey(node, name, "timers", "at most " + MAX_TIMERS + " timers", node.map.size() + " timers");
                    badDefinitions.add("timer:" + name);
                    continue;
                }
                if (!NAME.matcher(name).matches())
                {
                    errorAtKey(node, name, path, "a timer name of letters, digits, _, . and -", name);
                }
                final Node value = entry.getValue();
                if (!map(value, path, "a map such as { every: 30m } or { at: [\"19:55\"] }"))
                {
                    badDefinitions.add("timer:" + name);
                    continue;
                }
                unknownKeys(value, path, Set.of("every", "offset", "at", "days"));
                final Node every = value.get("every");
                final Node at = value.get("at");
                long everyMs = 0;
                long offsetMs = 0;
                final List<LocalTime> times = new ArrayList<>();
                final Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
                if ((null == every) == (null == at))
                {
                    error(value, path, "exactly one of every or at", null == every ? "neither" : "both");
                }
                else if (null != every)
                {
                    everyMs = duration(every, path + ".every", 1000, Long.MAX_VALUE);
                    if (null != value.get("days"))
                    {
                        error(value.get("days"), path + ".days", "days only with at", value.get("days").shown());
                    }
                    final Node offset = value.get("offset");
                    if (null != offset && everyMs > 0)
                    {
                        offsetMs = duration(offset, path + ".offset", 0, everyMs - 1);
                    }
                }
                else
                {
                    if (null != value.get("offset"))
                    {
                        error(value.get("offset"), path + ".offset", "offset only with every", value.get("offset").shown());
                    }
                    final List<Node> items = at.isList() ? at.list : List.of(at);
                    if (items.isEmpty())
                    {
                        error(at, path + ".at", "one or more times such as \"19:55\"", at.shown());
                    }
                    for (int i = 0; i < items.size(); i++)
                    {
                        final Node item = items.get(i);
                        try
                        {
                            times.add(LocalTime.parse(item.isScalar() ? item.text : "", HH_MM));
                        }
                        catch (final DateTimeParseException ex)
                        {
                            error(item, path + ".at" + (at.isList() ? "[" + i + "]" : ""), "a local time HH:mm such as 19:55",
                                item.shown());
                        }
                    }
                    final Node daysNode = value.get("days");
                    if (null != daysNode)
                    {
                        final List<Node> dayItems = daysNode.isList() ? daysNode.list : List.of(daysNode);
                        for (int i = 0; i < dayItems.size(); i++)
                        {
                            final Node item = dayItems.get(i);
                            final int index = item.isScalar() ? DAYS.indexOf(item.text.toLowerCase(Locale.ROOT)) : -1;
                            if (index < 0)
                            {
                                error(item, path + ".days" + (daysNode.isList() ? "[" + i + "]" : ""),
                                    "a day (mon, tue, wed, thu, fri, sat or sun)", item.shown());
                            }
                            else
                            {
                                days.add(DayOfWeek.of(index + 1));
                            }
                        }
                    }
                }
                if (errors.size() == before)
                {
                    times.sort(null);
                    timers.put(name, new TimerSpec(name, everyMs, offsetMs, List.copyOf(times), Set.copyOf(days), zone));
                }
                else
                {
                    badDefinitions.add("timer:" + name);
                }
            }
        }

        private void webhooks(final Node node)
        {
            if (null == node || Node.Kind.NULL == node.kind || !map(node, "webhooks", "a map of webhooks"))
            {
                return;
            }
            int count = 0;
            for (final Map.Entry<String, Node> entry : node.map.entrySet())
            {
                final String name = entry.getKey();
                final String path = "webhooks." + name;
                final int before = errors.size();
                if (++count > MAX_WEBHOOKS)
                {
                    errorAtKey(node, name, "webhooks", "at most " + MAX_WEBHOOKS + " webhooks", node.map.size() + " webhooks");
                    badDefinitions.add("webhook:" + name);
                    continue;
                }
                final Node value = entry.getValue();
                if (!map(value, path, "a map such as { url: https://..., secret: webhookSecret }"))
                {
                    badDefinitions.add("webhook:" + name);
                    continue;
                }
                unknownKeys(value, path, Set.of("url", "secret", "timeout", "retries"));
                final Node urlNode = value.get("url");
                Template url = null;
                if (null == urlNode || !urlNode.isScalar())
                {
                    error(null == urlNode ? value : urlNode, path + ".url", "an http or https URL",
                        null == urlNode ? "" : urlNode.shown());
                }
                else
                {
                    url = template(urlNode, path + ".url");
                    if (null != url && !validUrl(url.render((placeholder) -> "x")))
                    {
                        error(urlNode, path + ".url", "an http or https URL", urlNode.shown());
                    }
                }
                String secret = "";
                final Node secretNode = value.get("secret");
                if (null != secretNode)
                {
                    if (!secretNode.isScalar() || !SECRET_KEY.matcher(secretNode.text).matches())
                    {
                        error(secretNode, path + ".secret", "the name of a key of the secrets store, such as webhookSecret",
                            secretNode.shown());
                    }
                    else
                    {
                        secret = secretNode.text;
                    }
                }
                long timeoutMs = DEFAULT_WEBHOOK_TIMEOUT_MS;
                if (null != value.get("timeout"))
                {
                    timeoutMs = duration(value.get("timeout"), path + ".timeout", 1, MAX_WEBHOOK_TIMEOUT_MS);
                }
                int retries = DEFAULT_WEBHOOK_RETRIES;
                if (null != value.get("retries"))
                {
                    retries = (int)integer(value.get("retries"), path + ".retries", 0, MAX_WEBHOOK_RETRIES);
                }
                if (errors.size() == before)
                {
                    webhooks.put(name, new WebhookSpec(name, url, secret, timeoutMs, retries));
                }
                else
                {
                    badDefinitions.add("webhook:" + name);
                }
            }
        }

        private static boolean validUrl(final String text)
        {
            try
            {
                final URI uri = new URI(text);
                return null != uri.getScheme() && ("http".equalsIgnoreCase(uri.getScheme()) ||
                    "https".equalsIgnoreCase(uri.getScheme())) && null != uri.getHost() && !uri.getHost().isEmpty();
            }
            catch (final Exception ex)
            {
                return false;
            }
        }

        private Rule rule(final Node node, final int index, final Set<String> ids)
        {
            ruleId = null;
            triggerTemplateId = -1;
            final String at = "rules[" + index + "]";
            if (!map(node, at, "a rule (a map with id, on and actions)"))
            {
                return null;
            }
            final int before = errors.size();
            final Node idNode = node.get("id");
            if (null == idNode || !idNode.isScalar() || !RULE_ID.matcher(idNode.text).matches())
            {
                if (null != idNode && idNode.isScalar() && !idNode.text.isEmpty())
                {
                    ruleId = idNode.text;
                }
                error(null == idNode ? node : idNode, null == idNode ? at + ".id" : "id",
                    "a rule id of a-z, 0-9, - and _ (1 to 64, starting with a letter or digit)",
                    null == idNode ? "" : idNode.shown());
            }
            else
            {
                ruleId = idNode.text;
                if (!ids.add(ruleId))
                {
                    error(idNode, "id", "an id no other rule has", idNode.text);
                }
            }
            unknownKeys(node, "", Set.of("id", "enabled", "on", "if", "cooldown", "queue", "actions"));

            boolean enabled = true;
            final Node enabledNode = node.get("enabled");
            if (null != enabledNode)
            {
                if (Node.Kind.BOOLEAN != enabledNode.kind)
                {
                    error(enabledNode, "enabled", "true or false", enabledNode.shown());
                }
                else
                {
                    enabled = Boolean.parseBoolean(enabledNode.text);
                }
            }
            final Node on = node.get("on");
            Trigger trigger = null;
            if (null == on)
            {
                error(node, "on", "a trigger (event, command, goal, threshold or timer)", "");
            }
            else
            {
                trigger = trigger(on);
            }
            final List<Condition> conditions = new ArrayList<>();
            final Node ifNode = node.get("if");
            if (null != ifNode)
            {
                final List<Node> items = ifNode.isList() ? ifNode.list : List.of(ifNode);
                for (int i = 0; i < items.size(); i++)
                {
                    final Condition condition = condition(items.get(i), "if" + (ifNode.isList() ? "[" + i + "]" : ""));
                    if (null != condition)
                    {
                        conditions.add(condition);
                    }
                }
            }
            long ruleMs = 0;
            long userMs = 0;
            String shared = null;
            long sharedMs = 0;
            final Node cooldown = node.get("cooldown");
            if (null != cooldown && map(cooldown, "cooldown", "a map such as { rule: 30s, user: 5m, shared: NAME }"))
            {
                unknownKeys(cooldown, "cooldown", Set.of("rule", "user", "shared"));
                if (null != cooldown.get("rule"))
                {
                    ruleMs = duration(cooldown.get("rule"), "cooldown.rule", 1, Long.MAX_VALUE);
                }
                if (null != cooldown.get("user"))
                {
                    userMs = duration(cooldown.get("user"), "cooldown.user", 1, Long.MAX_VALUE);
                }
                final Node sharedNode = cooldown.get("shared");
                if (null != sharedNode)
                {
                    if (!sharedNode.isScalar() || !cooldowns.containsKey(sharedNode.text))
                    {
                        error(sharedNode, "cooldown.shared", "a cooldown of the file's cooldowns" +
                            namesOf(cooldowns.keySet()), sharedNode.shown());
                    }
                    else
                    {
                        shared = sharedNode.text;
                        sharedMs = cooldowns.get(shared);
                    }
                }
            }
            String queue = "";
            final Node queueNode = node.get("queue");
            if (null != queueNode)
            {
                if (!queueNode.isScalar() || !NAME.matcher(queueNode.text).matches())
                {
                    error(queueNode, "queue", "a queue name of letters, digits, _, . and -", queueNode.shown());
                }
                else
                {
                    queue = queueNode.text;
                }
            }
            final List<Action> actions = new ArrayList<>();
            final Node actionsNode = node.get("actions");
            if (null == actionsNode || !actionsNode.isList() || actionsNode.list.isEmpty())
            {
                error(null == actionsNode ? node : actionsNode, "actions", "a list of 1 to " + MAX_ACTIONS + " actions",
                    null == actionsNode ? "" : actionsNode.shown());
            }
            else
            {
                for (int i = 0; i < actionsNode.list.size(); i++)
                {
                    if (i >= MAX_ACTIONS)
                    {
                        error(actionsNode.list.get(i), "actions", "at most " + MAX_ACTIONS + " actions",
                            actionsNode.list.size() + " actions");
                        break;
                    }
                    final Action action = action(actionsNode.list.get(i), "actions[" + i + "]");
                    if (null != action)
                    {
                        actions.add(action);
                    }
                }
            }
            if (errors.size() != before || null == trigger || null == ruleId)
            {
                return null;
            }
            return new Rule(ruleId, enabled, trigger, List.copyOf(conditions), ruleMs, userMs, shared, sharedMs, queue,
                List.copyOf(actions), node.line);
        }

        private Trigger trigger(final Node on)
        {
            if (!map(on, "on", "a trigger such as { event: TransactionReceived }"))
            {
                return null;
            }
            final List<String> kinds = new ArrayList<>();
            for (final String kind : List.of("event", "command", "goal", "threshold", "timer"))
            {
                if (null != on.get(kind))
                {
                    kinds.add(kind);
                }
            }
            if (kinds.size() != 1)
            {
                error(on, "on", "exactly one of event, command, goal, threshold or timer",
                    kinds.isEmpty() ? "none" : String.join(", ", kinds));
                return null;
            }
            final int before = errors.size();
            final String kind = kinds.get(0);
            final Node value = on.get(kind);
            switch (kind)
            {
                case "event":
                {
                    unknownKeys(on, "on", Set.of("event", "where", "source"));
                    final int templateId = value.isScalar() && EventFilters.messageNames().contains(value.text) ?
                        EventFilters.templateId(value.text) : -1;
                    if (templateId < 0)
                    {
                        error(value, "on.event", "an event type (one of " +
                            String.join(", ", EventFilters.messageNames()) + ")", value.shown());
                        return null;
                    }
                    triggerTemplateId = templateId;
                    final List<String> tests = new ArrayList<>();
                    final Node where = on.get("where");
                    if (null != where)
                    {
                        final List<Node> items = where.isList() ? where.list : List.of(where);
                        for (int i = 0; i < items.size(); i++)
                        {
                            final Node item = items.get(i);
                            final String path = "on.where" + (where.isList() ? "[" + i + "]" : "");
                            if (null != fieldTest(item, path, templateId))
                            {
                                tests.add(item.text);
                            }
                        }
                    }
                    final List<Integer> sources = new ArrayList<>();
                    final Node source = on.get("source");
                    if (null != source)
                    {
                        final List<Node> items = source.isList() ? source.list : List.of(source);
                        for (int i = 0; i < items.size(); i++)
                        {
                            final Node item = items.get(i);
                            final int id = item.isScalar() ? EventFilters.sourceId(item.text) : -1;
                            if (id < 0)
                            {
                                error(item, "on.source" + (source.isList() ? "[" + i + "]" : ""), "a source (one of " +
                                    String.join(", ", EventFilters.sourceNames()) + ")", item.shown());
                            }
                            else
                            {
                                sources.add(id);
                            }
                        }
                    }
                    if (errors.size() != before)
                    {
                        return null;
                    }
                    final EventFilters.Clause clause = tests.isEmpty() && sources.isEmpty() ? null :
                        EventFilters.clause(templateId, tests, sources);
                    return new Trigger(Trigger.Kind.EVENT, templateId, clause, null, 0, null, 0, null, 0, null);
                }
                case "command":
                {
                    unknownKeys(on, "on", Set.of("command", "permission", "room"));
                    triggerTemplateId = ChatMessageDecoder.TEMPLATE_ID;
                    if (!value.isScalar() || !COMMAND.matcher(value.text).matches())
                    {
                        error(value, "on.command", "a chat command such as \"!hydrate\" (! and a word)", value.shown());
                        return null;
                    }
                    int permission = 0;
                    final Node permissionNode = on.get("permission");
                    if (null != permissionNode)
                    {
                        permission = List.of("viewer", "moderator", "admin").indexOf(
                            permissionNode.isScalar() ? permissionNode.text : "");
                        if (permission < 0)
                        {
                            error(permissionNode, "on.permission", "viewer, moderator or admin", permissionNode.shown());
                            return null;
                        }
                    }
                    String room = null;
                    final Node roomNode = on.get("room");
                    if (null != roomNode)
                    {
                        if (!roomNode.isScalar())
                        {
                            error(roomNode, "on.room", "a room name", roomNode.shown());
                            return null;
                        }
                        room = roomNode.text;
                    }
                    return new Trigger(Trigger.Kind.COMMAND, ChatMessageDecoder.TEMPLATE_ID, null,
                        value.text.toLowerCase(Locale.ROOT), permission, room, 0, null, 0, null);
                }
                case "goal":
                {
                    unknownKeys(on, "on", Set.of("goal"));
                    triggerTemplateId = TransactionReceivedDecoder.TEMPLATE_ID;
                    if (!map(value, "on.goal", "a map such as { sats: 1000000, per: day }"))
                    {
                        return null;
                    }
                    unknownKeys(value, "on.goal", Set.of("sats", "per"));
                    final long sats = integer(value.get("sats"), value, "on.goal.sats", 1, Long.MAX_VALUE);
                    final Node perNode = value.get("per");
                    final int per = null == perNode || !perNode.isScalar() ? -1 :
                        List.of("day", "week", "month", "stream").indexOf(perNode.text);
                    if (per < 0)
                    {
                        error(null == perNode ? value : perNode, "on.goal.per", "day, week, month or stream",
                            null == perNode ? "" : perNode.shown());
                    }
                    if (errors.size() != before)
                    {
                        return null;
                    }
                    return new Trigger(Trigger.Kind.GOAL, TransactionReceivedDecoder.TEMPLATE_ID, null, null, 0, null,
                        sats, Trigger.Period.values()[per], 0, null);
                }
                case "threshold":
                {
                    unknownKeys(on, "on", Set.of("threshold"));
                    triggerTemplateId = TransactionReceivedDecoder.TEMPLATE_ID;
                    if (!map(value, "on.threshold", "a map such as { sats: 100000, within: 10m }"))
                    {
                        return null;
                    }
                    unknownKeys(value, "on.threshold", Set.of("sats", "within"));
                    final long sats = integer(value.get("sats"), value, "on.threshold.sats", 1, Long.MAX_VALUE);
                    final Node within = value.get("within");
                    long withinMs = 0;
                    if (null == within)
                    {
                        error(value, "on.threshold.within", DURATION_EXPECTED, "");
                    }
                    else
                    {
                        withinMs = duration(within, "on.threshold.within", 1, Long.MAX_VALUE);
                    }
                    if (errors.size() != before)
                    {
                        return null;
                    }
                    return new Trigger(Trigger.Kind.THRESHOLD, TransactionReceivedDecoder.TEMPLATE_ID, null, null, 0, null,
                        sats, null, withinMs, null);
                }
                default:
                {
                    unknownKeys(on, "on", Set.of("timer"));
                    triggerTemplateId = TimerFiredDecoder.TEMPLATE_ID;
                    if (!value.isScalar() || !timers.containsKey(value.text))
                    {
                        error(value, "on.timer", "a timer of the file's timers" + namesOf(timers.keySet()), value.shown());
                        return null;
                    }
                    return new Trigger(Trigger.Kind.TIMER, TimerFiredDecoder.TEMPLATE_ID, null, null, 0, null, 0, null, 0,
                        value.text);
                }
            }
        }

        private EventFilters.Clause fieldTest(final Node item, final String path, final int templateId)
        {
            if (!item.isScalar())
            {
                error(item, path, "a field test such as \"amountSats >= 50000\"", item.shown());
                return null;
            }
            try
            {
                return EventFilters.clause(templateId, List.of(item.text), List.of());
            }
            catch (final IllegalArgumentException ex)
            {
                error(item, path, "a field test of " + JsonViewNames.name(templateId) + " (" + ex.getMessage() + ")",
                    item.text);
                return null;
            }
        }

        private Condition condition(final Node item, final String path)
        {
            if (!item.isScalar())
            {
                error(item, path, "a test such as \"var.sats_today >= 1000\" or \"amountSats >= 50000\"", item.shown());
                return null;
            }
            final String text = item.text.trim();
            final Matcher matcher = VAR_TEST.matcher(text);
            if (text.startsWith("var."))
            {
                if (!matcher.matches())
                {
                    error(item, path, "a test var.NAME OP VALUE with OP one of == != < <= > >=", item.text);
                    return null;
                }
                final String name = matcher.group(1);
                final String operator = matcher.group(2);
                final String raw = matcher.group(3).trim();
                final VariableSpec variable = variables.get(name);
                if (null == variable)
                {
                    error(item, path, "a variable of the file's variables" + namesOf(variables.keySet()), name);
                    return null;
                }
                if (variable.isNumber())
                {
                    try
                    {
                        return new Condition(name, operator, new BigDecimal(raw), null, null);
                    }
                    catch (final NumberFormatException ex)
                    {
                        error(item, path, "a number to compare var." + name + " with", raw);
                        return null;
                    }
                }
                if (raw.length() < 2 || !((raw.startsWith("\"") && raw.endsWith("\"")) ||
                    (raw.startsWith("'") && raw.endsWith("'"))))
                {
                    error(item, path, "a quoted text to compare var." + name + " with", raw);
                    return null;
                }
                if (!"==".equals(operator) && !"!=".equals(operator))
                {
                    error(item, path, "== or != for the text var." + name, operator);
                    return null;
                }
                return new Condition(name, operator, null, raw.substring(1, raw.length() - 1), null);
            }
            if (triggerTemplateId < 0)
            {
                return null;
            }
            final EventFilters.Clause clause = fieldTest(item, path, triggerTemplateId);
            return null == clause ? null : new Condition(null, null, null, null, clause);
        }

        private Action action(final Node node, final String path)
        {
            if (!node.isMap() || node.map.size() != 1)
            {
                error(node, path, "one action (alert, media, chat, webhook, obs, wait, set or add)", node.isMap() ?
                    String.join(", ", node.map.keySet()) : node.shown());
                return null;
            }
            final String kind = node.map.keySet().iterator().next();
            final Node value = node.map.get(kind);
            final String at = path + "." + kind;
            final int before = errors.size();
            final Action action;
            switch (kind)
            {
                case "alert":
                {
                    if (!map(value, at, "a map such as { title: \"Tip from {name}\", duration: 8s }"))
                    {
                        return null;
                    }
                    unknownKeys(value, at, Set.of("title", "text", "sound", "image", "duration"));
                    final long duration = null == value.get("duration") ? DEFAULT_ALERT_MS :
                        duration(value.get("duration"), at + ".duration", 1, MAX_SHOW_MS);
                    action = new Action(Action.Kind.ALERT, optionalTemplate(value, "title", at),
                        optionalTemplate(value, "text", at), optionalTemplate(value, "sound", at),
                        optionalTemplate(value, "image", at), null, null, 0, duration, null, null, null, null, null, null,
                        null);
                    break;
                }
                case "media":
                {
                    if (!map(value, at, "a map such as { url: /media/horn.mp3 }"))
                    {
                        return null;
                    }
                    unknownKeys(value, at, Set.of("url", "kind", "volume", "duration"));
                    final Node urlNode = value.get("url");
                    Template url = null;
                    if (null == urlNode)
                    {
                        error(value, at + ".url", "the media's URL", "");
                    }
                    else
                    {
                        url = template(urlNode, at + ".url");
                    }
                    MediaKind mediaKind = null;
                    final Node kindNode = value.get("kind");
                    if (null != kindNode)
                    {
                        mediaKind = switch (kindNode.isScalar() ? kindNode.text : "")
                        {
                            case "audio" -> MediaKind.AUDIO;
                            case "video" -> MediaKind.VIDEO;
                            case "image" -> MediaKind.IMAGE;
                            default -> null;
                        };
                        if (null == mediaKind)
                        {
                            error(kindNode, at + ".kind", "audio, video or image", kindNode.shown());
                        }
                    }
                    else if (null != url)
                    {
                        mediaKind = kindOf(urlNode.text);
                        if (null == mediaKind)
                        {
                            error(urlNode, at + ".kind", "audio, video or image (the URL's extension tells none)",
                                "");
                        }
                    }
                    final int volume = null == value.get("volume") ? 100 :
                        (int)integer(value.get("volume"), at + ".volume", 0, 100);
                    final long duration = null == value.get("duration") ? 0 :
                        duration(value.get("duration"), at + ".duration", 1, MAX_WAIT_MS);
                    action = new Action(Action.Kind.MEDIA, null, null, null, null, url, mediaKind, volume, duration, null,
                        null, null, null, null, null, null);
                    break;
                }
                case "chat":
                {
                    if (!map(value, at, "a map such as { text: \"Thanks {name}!\" }"))
                    {
                        return null;
                    }
                    unknownKeys(value, at, Set.of("text", "room"));
                    Template text = null;
                    if (null == value.get("text"))
                    {
                        error(value, at + ".text", "the chat line", "");
                    }
                    else
                    {
                        text = template(value.get("text"), at + ".text");
                    }
                    String room = "";
                    final Node roomNode = value.get("room");
                    if (null != roomNode)
                    {
                        if (!roomNode.isScalar())
                        {
                            error(roomNode, at + ".room", "a room name", roomNode.shown());
                        }
                        else
                        {
                            room = roomNode.text;
                        }
                    }
                    action = new Action(Action.Kind.CHAT, null, text, null, null, null, null, 0, 0, room, null, null, null,
                        null, null, null);
                    break;
                }
                case "webhook":
                {
                    if (!map(value, at, "a map such as { to: home-hub, body: {...} }"))
                    {
                        return null;
                    }
                    unknownKeys(value, at, Set.of("to", "body"));
                    final Node to = value.get("to");
                    WebhookSpec webhook = null;
                    if (null == to || !to.isScalar() || !webhooks.containsKey(to.text))
                    {
                        error(null == to ? value : to, at + ".to", "a webhook of the file's webhooks" +
                            namesOf(webhooks.keySet()), null == to ? "" : to.shown());
                    }
                    else
                    {
                        webhook = webhooks.get(to.text);
                    }
                    JsonTemplate body = null;
                    final Node bodyNode = value.get("body");
                    if (null != bodyNode && map(bodyNode, at + ".body", "an object"))
                    {
                        body = json(bodyNode, at + ".body");
                    }
                    action = new Action(Action.Kind.WEBHOOK, null, null, null, null, null, null, 0, 0, null, webhook, body,
                        null, null, null, null);
                    break;
                }
                case "obs":
                    action = obs(value, at);
                    break;
                case "wait":
                    action = new Action(Action.Kind.WAIT, null, null, null, null, null, null, 0,
                        duration(value, at, 1, MAX_WAIT_MS), null, null, null, null, null, null, null);
                    break;
                case "set":
                case "add":
                {
                    if (!map(value, at, "a map such as { var: NAME, value: \"{amount}\" }"))
                    {
                        return null;
                    }
                    unknownKeys(value, at, Set.of("var", "value"));
                    final Node varNode = value.get("var");
                    final VariableSpec variable = null == varNode || !varNode.isScalar() ? null : variables.get(varNode.text);
                    if (null == variable)
                    {
                        error(null == varNode ? value : varNode, at + ".var", "a variable of the file's variables" +
                            namesOf(variables.keySet()), null == varNode ? "" : varNode.shown());
                    }
                    else if ("add".equals(kind) && !variable.isNumber())
                    {
                        error(varNode, at + ".var", "a number variable (add adds to a number)", varNode.text);
                    }
                    Template valueTemplate = null;
                    if (null == value.get("value"))
                    {
                        error(value, at + ".value", "a value (a template)", "");
                    }
                    else
                    {
                        valueTemplate = template(value.get("value"), at + ".value");
                        if (null != valueTemplate && null != variable && variable.isNumber() && valueTemplate.isConstant())
                        {
                            try
                            {
                                new BigDecimal(valueTemplate.render((p) -> "").trim());
                            }
                            catch (final NumberFormatException ex)
                            {
                                error(value.get("value"), at + ".value", "a number", value.get("value").shown());
                            }
                        }
                    }
                    action = new Action("set".equals(kind) ? Action.Kind.SET : Action.Kind.ADD, null, null, null, null,
                        null, null, 0, 0, null, null, null, null, null, null == variable ? null : variable.name(),
                        valueTemplate);
                    break;
                }
                default:
                    errorAtKey(node, kind, path, "one action (alert, media, chat, webhook, obs, wait, set or add)", kind);
                    return null;
            }
            return errors.size() == before ? action : null;
        }

        private Action obs(final Node value, final String at)
        {
            if (!map(value, at, "an OBS request such as { scene: Main }"))
            {
                return null;
            }
            final Map<String, JsonTemplate> data = new LinkedHashMap<>();
            final String requestType;
            if (null != value.get("request"))
            {
                unknownKeys(value, at, Set.of("request", "data"));
                final Node request = value.get("request");
                if (!request.isScalar() || !request.text.matches("[A-Za-z]{1,64}"))
                {
                    error(request, at + ".request", "an OBS request type such as GetVersion", request.shown());
                    return null;
                }
                requestType = request.text;
                final Node dataNode = value.get("data");
                if (null != dataNode && map(dataNode, at + ".data", "an object"))
                {
                    final JsonTemplate json = json(dataNode, at + ".data");
                    return obsAction(requestType, json);
                }
            }
            else if (null != value.get("hotkey"))
            {
                unknownKeys(value, at, Set.of("hotkey"));
                requestType = "TriggerHotkeyByName";
                data.put("hotkeyName", textTemplate(value.get("hotkey"), at + ".hotkey"));
            }
            else if (null != value.get("text"))
            {
                unknownKeys(value, at, Set.of("text", "value"));
                requestType = "SetInputSettings";
                data.put("inputName", textTemplate(value.get("text"), at + ".text"));
                final Node text = value.get("value");
                if (null == text)
                {
                    error(value, at + ".value", "the text to show", "");
                    return null;
                }
                data.put("inputSettings", JsonTemplate.object(Map.of("text", textTemplate(text, at + ".value"))));
            }
            else if (null != value.get("media"))
            {
                unknownKeys(value, at, Set.of("media", "action"));
                requestType = "TriggerMediaInputAction";
                data.put("inputName", textTemplate(value.get("media"), at + ".media"));
                final Node action = value.get("action");
                final List<String> actions = List.of("play", "pause", "stop", "restart", "next", "previous");
                if (null == action || !action.isScalar() || !actions.contains(action.text))
                {
                    error(null == action ? value : action, at + ".action", "play, pause, stop, restart, next or previous",
                        null == action ? "" : action.shown());
                    return null;
                }
                data.put("mediaAction", JsonTemplate.text(Template.literal(
                    "OBS_WEBSOCKET_MEDIA_INPUT_ACTION_" + action.text.toUpperCase(Locale.ROOT))));
            }
            else if (null != value.get("mute"))
            {
                unknownKeys(value, at, Set.of("mute", "muted", "toggle"));
                final Node muted = value.get("muted");
                final Node toggle = value.get("toggle");
                data.put("inputName", textTemplate(value.get("mute"), at + ".mute"));
                if (null != toggle && (null != muted || Node.Kind.BOOLEAN != toggle.kind || !"true".equals(toggle.text)))
                {
                    error(toggle, at + ".toggle", "toggle: true alone (without muted)", toggle.shown());
                    return null;
                }
                if (null != toggle)
                {
                    requestType = "ToggleInputMute";
                }
                else
                {
                    requestType = "SetInputMute";
                    if (null == muted || Node.Kind.BOOLEAN != muted.kind)
                    {
                        error(null == muted ? value : muted, at + ".muted", "true or false (or toggle: true)",
                            null == muted ? "" : muted.shown());
                        return null;
                    }
                    data.put("inputMuted", JsonTemplate.bool(Boolean.parseBoolean(muted.text)));
                }
            }
            else if (null != value.get("source"))
            {
                unknownKeys(value, at, Set.of("source", "scene", "visible"));
                requestType = "SetSceneItemEnabled";
                final Node scene = value.get("scene");
                final Node visible = value.get("visible");
                if (null == scene)
                {
                    error(value, at + ".scene", "the scene holding the source", "");
                    return null;
                }
                if (null == visible || Node.Kind.BOOLEAN != visible.kind)
                {
                    error(null == visible ? value : visible, at + ".visible", "true or false",
                        null == visible ? "" : visible.shown());
                    return null;
                }
                data.put("sceneName", textTemplate(scene, at + ".scene"));
                data.put("sourceName", textTemplate(value.get("source"), at + ".source"));
                data.put("sceneItemEnabled", JsonTemplate.bool(Boolean.parseBoolean(visible.text)));
            }
            else if (null != value.get("scene"))
            {
                unknownKeys(value, at, Set.of("scene"));
                requestType = "SetCurrentProgramScene";
                data.put("sceneName", textTemplate(value.get("scene"), at + ".scene"));
            }
            else
            {
                error(value, at, "one of the OBS forms scene, source (with scene and visible), mute, media, text, " +
                    "hotkey or request", String.join(", ", value.map.keySet()));
                return null;
            }
            return obsAction(requestType, JsonTemplate.object(data));
        }

        private static Action obsAction(final String requestType, final JsonTemplate data)
        {
            return new Action(Action.Kind.OBS, null, null, null, null, null, null, 0, 0, null, null, null, requestType,
                null == data ? JsonTemplate.object(Map.of()) : data, null, null);
        }

        private JsonTemplate textTemplate(final Node node, final String path)
        {
            final Template template = template(node, path);
            return JsonTemplate.text(null == template ? Template.empty() : template);
        }

        private JsonTemplate json(final Node node, final String path)
        {
            switch (node.kind)
            {
                case MAP:
                {
                    final Map<String, JsonTemplate> fields = new LinkedHashMap<>();
                    for (final Map.Entry<String, Node> entry : node.map.entrySet())
                    {
                        fields.put(entry.getKey(), json(entry.getValue(), path + "." + entry.getKey()));
                    }
                    return JsonTemplate.object(fields);
                }
                case LIST:
                {
                    final List<JsonTemplate> items = new ArrayList<>();
                    for (int i = 0; i < node.list.size(); i++)
                    {
                        items.add(json(node.list.get(i), path + "[" + i + "]"));
                    }
                    return JsonTemplate.array(items);
                }
                case NUMBER:
                    return JsonTemplate.number(node.text);
                case BOOLEAN:
                    return JsonTemplate.bool(Boolean.parseBoolean(node.text));
                case NULL:
                    return JsonTemplate.constant(com.fasterxml.jackson.databind.node.NullNode.getInstance());
                default:
                    return textTemplate(node, path);
            }
        }

        private Template optionalTemplate(final Node parent, final String key, final String path)
        {
            final Node node = parent.get(key);
            if (null == node)
            {
                return Template.empty();
            }
            final Template template = template(node, path + "." + key);
            return null == template ? Template.empty() : template;
        }

        private Template template(final Node node, final String path)
        {
            if (!node.isScalar())
            {
                error(node, path, "a text", node.shown());
                return null;
            }
            final Template template;
            try
            {
                template = Template.compile(node.text);
            }
            catch (final IllegalArgumentException ex)
            {
                error(node, path, ex.getMessage(), node.shown());
                return null;
            }
            for (final String placeholder : template.placeholders())
            {
                if (PLACEHOLDERS.contains(placeholder))
                {
                    continue;
                }
                if (placeholder.startsWith("var."))
                {
                    if (!variables.containsKey(placeholder.substring(4)))
                    {
                        error(node, path, "a variable of the file's variables" + namesOf(variables.keySet()) +
                            " in {" + placeholder + "}", placeholder);
                        return null;
                    }
                    continue;
                }
                if (triggerTemplateId >= 0 && fieldNames(triggerTemplateId).contains(placeholder))
                {
                    continue;
                }
                if (triggerTemplateId >= 0 || null == ruleId)
                {
                    error(node, path, "a known placeholder (" + String.join(", ", new TreeSet<>(PLACEHOLDERS)) +
                        ", var.NAME" + (triggerTemplateId >= 0 ? " or a field of " + JsonViewNames.name(triggerTemplateId) +
                        ": " + String.join(", ", fieldNames(triggerTemplateId)) : "") + "; {{ for a literal {)",
                        "{" + placeholder + "}");
                    return null;
                }
            }
            return template;
        }

        private static MediaKind kindOf(final String url)
        {
            final String lower = url.toLowerCase(Locale.ROOT);
            final int query = lower.indexOf('?');
            final String path = query < 0 ? lower : lower.substring(0, query);
            final String extension = path.substring(path.lastIndexOf('.') + 1);
            return switch (extension)
            {
                case "mp3", "wav", "ogg", "oga", "m4a", "aac", "flac", "opus" -> MediaKind.AUDIO;
                case "mp4", "webm", "mov", "mkv", "ogv", "m4v" -> MediaKind.VIDEO;
                case "png", "jpg", "jpeg", "gif", "webp", "svg", "avif", "bmp" -> MediaKind.IMAGE;
                default -> null;
            };
        }

        private long duration(final Node node, final String path, final long minMs, final long maxMs)
        {
            final Matcher matcher = node.isScalar() ? DURATION.matcher(node.text.trim()) : null;
            if (null == matcher || !matcher.matches() || Node.Kind.NUMBER == node.kind)
            {
                error(node, path, DURATION_EXPECTED, node.shown());
                return 0;
            }
            final long amount = Long.parseLong(matcher.group(1));
            final long unit = switch (matcher.group(2))
            {
                case "ms" -> 1L;
                case "s" -> 1000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L;
            };
            final long ms = amount > Long.MAX_VALUE / unit ? Long.MAX_VALUE : amount * unit;
            if (ms < minMs || ms > maxMs)
            {
                error(node, path, DURATION_EXPECTED + (maxMs == Long.MAX_VALUE ? " of at least " + show(minMs) :
                    " from " + show(minMs) + " to " + show(maxMs)), node.shown());
                return 0;
            }
            return ms;
        }

        private static String show(final long ms)
        {
            if (ms % 1000 != 0 || ms == 0)
            {
                return ms + "ms";
            }
            if (ms % 60_000 != 0)
            {
                return ms / 1000 + "s";
            }
            if (ms % 3_600_000 != 0)
            {
                return ms / 60_000 + "m";
            }
            return ms / 3_600_000 + "h";
        }

        private long integer(final Node node, final Node parent, final String path, final long min, final long max)
        {
            if (null == node)
            {
                error(parent, path, "a whole number from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max), "");
                return 0;
            }
            return integer(node, path, min, max);
        }

        private long integer(final Node node, final String path, final long min, final long max)
        {
            long value = Long.MIN_VALUE;
            if (Node.Kind.NUMBER == node.kind)
            {
                try
                {
                    value = Long.parseLong(node.text);
                }
                catch (final NumberFormatException ignore)
                {
                    value = Long.MIN_VALUE;
                }
            }
            if (value < min || value > max)
            {
                error(node, path, "a whole number from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max), node.shown());
                return min;
            }
            return value;
        }

        private boolean map(final Node node, final String path, final String expected)
        {
            if (!node.isMap())
            {
                error(node, path, expected, node.shown());
                return false;
            }
            return true;
        }

        private void unknownKeys(final Node node, final String path, final Set<String> known)
        {
            for (final Map.Entry<String, int[]> entry : node.keyLocations.entrySet())
            {
                if (!known.contains(entry.getKey()))
                {
                    final int[] location = entry.getValue();
                    final String key = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
                    errors.add(new RuleError(origin, location[0], location[1], ruleId, "'" + key +
                        "' expected a known key (one of " + String.join(", ", new TreeSet<>(known)) + "), got '" +
                        entry.getKey() + "'"));
                }
            }
        }

        private void errorAtKey(final Node parent, final String key, final String path, final String expected, final String got)
        {
            final int[] location = parent.keyLocations.get(key);
            errors.add(new RuleError(origin, location[0], location[1], ruleId, "'" + path + "' expected " + expected +
                ", got '" + got + "'"));
        }

        private void error(final Node node, final String path, final String expected, final String got)
        {
            errors.add(new RuleError(origin, node.line, node.column, ruleId, "'" + path + "' expected " + expected +
                ", got '" + got + "'"));
        }

        private static String namesOf(final Set<String> names)
        {
            return names.isEmpty() ? " (the file defines none)" : " (" + String.join(", ", names) + ")";
        }
    }

    /** Names of message types, for error messages. */
    private static final class JsonViewNames
    {
        static String name(final int templateId)
        {
            final String name = dev.commandcenter.codecs.json.JsonView.instance().messageName(templateId);
            return null == name ? String.valueOf(templateId) : name;
        }
    }
}
