package dev.commandcenter.plugin.automation.rules;

import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RulesParserTest
{
    private static final String HEADER = "version: 1\n";

    private static List<String> errors(final String text)
    {
        return RulesParser.parse(text, "rules.yaml").errors().stream().map(RuleError::toString).toList();
    }

    private static String rule(final String body)
    {
        return HEADER + "rules:\n  - id: r1\n" + body;
    }

    @Test
    void shouldLoadTheReferenceFileOfTheDocsWithoutErrors()
    {
        final String text = """
            version: 1
            settings:
              zone: Europe/Berlin
            variables:
              sats_today: { initial: 0, reset: daily }
              last_tipper: { initial: "nobody" }
            cooldowns:
              scene-change: 20s
            timers:
              ad-break: { every: 30m }
              hourly-shoutout: { every: 1h, offset: 15m }
              go-live: { at: ["19:55"], days: [mon, wed, fri] }
            webhooks:
              home-hub:
                url: http://192.168.1.20:8123/api/webhook/stream-tip
                secret: webhookSecret
                timeout: 5s
                retries: 3
            rules:
              - id: big-tip
                enabled: true
                on: { event: TransactionReceived, where: ["amountSats >= 50000"] }
                if: ["var.sats_today >= 0"]
                cooldown: { rule: 30s, user: 5m, shared: scene-change }
                queue: scenes
                actions:
                  - alert: { title: "Big tip from {name}!", text: "{amount_btc} BTC: {message}", sound: /media/airhorn.mp3, duration: 8s }
                  - obs: { scene: Celebration }
                  - wait: 10s
                  - obs: { scene: Main }
                  - add: { var: sats_today, value: "{amount}" }
                  - set: { var: last_tipper, value: "{name}" }
            """;
        final RuleSet set = RulesParser.parse(text, "rules.yaml");

        assertThat(set.errors()).isEmpty();
        assertThat(set.readable()).isTrue();
        assertThat(set.ruleIds()).containsExactly("big-tip");
        assertThat(set.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(set.timers()).containsExactly(
            new TimerSpec("ad-break", 1_800_000, 0, List.of(), Set.of(), ZoneId.of("Europe/Berlin")),
            new TimerSpec("hourly-shoutout", 3_600_000, 900_000, List.of(), Set.of(), ZoneId.of("Europe/Berlin")),
            new TimerSpec("go-live", 0, 0, List.of(LocalTime.of(19, 55)),
                Set.of(DayOfWeek.MONDAY, DayOfWeek.WEDNESDAY, DayOfWeek.FRIDAY), ZoneId.of("Europe/Berlin")));
        final Rule rule = set.rules().get(0);
        assertThat(rule.ruleCooldownMs()).isEqualTo(30_000);
        assertThat(rule.userCooldownMs()).isEqualTo(300_000);
        assertThat(rule.sharedCooldownMs()).isEqualTo(20_000);
        assertThat(rule.actions()).extracting(Action::kind).containsExactly(Action.Kind.ALERT, Action.Kind.OBS,
            Action.Kind.WAIT, Action.Kind.OBS, Action.Kind.ADD, Action.Kind.SET);
        assertThat(set.webhooks().get("home-hub").retries()).isEqualTo(3);
    }

    @Test
    void shouldLoadEveryTriggerAndActionKind()
    {
        final String text = """
            version: 1
            variables:
              n: { initial: 0 }
            timers:
              tick: { every: 1m }
            webhooks:
              hub: { url: "https://hub.example/hook", secret: hubSecret }
            rules:
              - id: e
                on: { event: ChatMessage, where: ['channel == "main"'], source: [websocket, rest] }
                actions:
                  - media: { url: /media/horn.mp3, volume: 50 }
                  - media: { url: /media/clip.webm, duration: 5s }
                  - media: { url: "/img?x=1", kind: image }
              - id: c
                on: { command: "!hydrate", permission: moderator, room: main }
                actions:
                  - chat: { text: "Drink water, {name}! {args}", room: main }
              - id: g
                on: { goal: { sats: 1000000, per: day } }
                actions:
                  - webhook: { to: hub }
                  - webhook: { to: hub, body: { total: "{total}", n: 1, ok: true, list: ["{goal}"] } }
              - id: t
                on: { threshold: { sats: 100000, within: 10m } }
                actions:
                  - obs: { source: Confetti, scene: Main, visible: true }
                  - obs: { mute: Mic, muted: true }
                  - obs: { mute: Mic, toggle: true }
                  - obs: { media: Intro, action: restart }
                  - obs: { text: Ticker, value: "Last: {amount}" }
                  - obs: { hotkey: OBSBasic.StartRecording }
                  - obs: { request: GetVersion }
                  - obs: { request: SetInputVolume, data: { inputName: Mic, inputVolumeDb: -6 } }
              - id: tm
                on: { timer: tick }
                actions:
                  - wait: 250ms
                  - set: { var: n, value: "{timer}" }
                  - add: { var: n, value: 1 }
            """;
        final RuleSet set = RulesParser.parse(text, "rules.yaml");

        assertThat(set.errors()).isEmpty();
        assertThat(set.ruleIds()).containsExactly("e", "c", "g", "t", "tm");
        assertThat(set.rules()).extracting((rule) -> rule.trigger().kind()).containsExactly(Trigger.Kind.EVENT,
            Trigger.Kind.COMMAND, Trigger.Kind.GOAL, Trigger.Kind.THRESHOLD, Trigger.Kind.TIMER);
        assertThat(set.rules().get(3).actions()).extracting(Action::requestType).containsExactly("SetSceneItemEnabled",
            "SetInputMute", "ToggleInputMute", "TriggerMediaInputAction", "SetInputSettings", "TriggerHotkeyByName",
            "GetVersion", "SetInputVolume");
        assertThat(set.rules().get(0).actions()).extracting(Action::mediaKind).extracting(Enum::name)
            .containsExactly("AUDIO", "VIDEO", "IMAGE");
    }

    @Test
    void shouldReadJsonWithTheSameParser()
    {
        final String json = """
            {
              "version": 1,
              "rules": [
                { "id": "tip", "on": { "event": "TransactionReceived" }, "actions": [ { "wait": "1s" } ] },
                { "id": "bad", "on": { "event": "Tip" }, "actions": [ { "wait": "1s" } ] }
              ]
            }
            """;
        final RuleSet set = RulesParser.parse(json, "rules.json");

        assertThat(set.ruleIds()).containsExactly("tip");
        assertThat(set.errors()).hasSize(1);
        assertThat(set.errors().get(0).toString()).startsWith("rules.json:5:37: rule bad: 'on.event' expected an event " +
            "type (one of ").endsWith("got 'Tip'");
    }

    @Test
    void shouldRefuseATextThatIsNotYamlAsOneErrorWithItsLocation()
    {
        final RuleSet set = RulesParser.parse("version: 1\nrules: [ { id: a\n  - x: ]\n", "rules.yaml");

        assertThat(set.readable()).isFalse();
        assertThat(set.ruleCount()).isZero();
        assertThat(set.errors()).hasSize(1);
        assertThat(set.errors().get(0).line()).isGreaterThan(0);
        assertThat(set.errors().get(0).message()).startsWith("'file' expected YAML or JSON, got a syntax error: ");
    }

    @Test
    void shouldRefuseAFileOverOneMebibyteWhole()
    {
        final String text = HEADER + "# " + "x".repeat(RulesParser.MAX_BYTES) + "\n";
        final RuleSet set = RulesParser.parse(text, "big.yaml");

        assertThat(set.readable()).isFalse();
        assertThat(set.errors()).extracting(RuleError::toString).containsExactly("big.yaml:0:0: 'file' expected at most " +
            "1048576 bytes (1 MiB), got '" + text.length() + " bytes'");
    }

    @Test
    void shouldCountMultiByteCharactersTowardsTheLimit()
    {
        final String text = HEADER + "# " + "é".repeat(RulesParser.MAX_BYTES / 2) + "\n";

        assertThat(RulesParser.parse(text, "big.yaml").readable()).isFalse();
    }

    @Test
    void shouldRequireVersionOne()
    {
        assertThat(errors("version: 2\nrules: []\n")).containsExactly("rules.yaml:1:10: 'version' expected 1, got '2'");
        assertThat(errors("rules: []\n")).containsExactly("rules.yaml:1:1: 'version' expected 1, got ''");
        assertThat(RulesParser.parse("version: 2\n", "r").readable()).isFalse();
    }

    @Test
    void shouldNameABadDurationWithItsRuleAndPlace()
    {
        final String text = rule("""
                on: { event: TransactionReceived }
                cooldown: { rule: soon }
                actions: [ { wait: 1s } ]
            """);

        assertThat(errors(text)).containsExactly(
            "rules.yaml:5:23: rule r1: 'cooldown.rule' expected a duration such as 30s or 5m, got 'soon'");
    }

    @Test
    void shouldRefuseABareNumberAsADuration()
    {
        final String text = rule("""
                on: { event: TransactionReceived }
                actions: [ { wait: 10 } ]
            """);

        assertThat(errors(text)).containsExactly(
            "rules.yaml:5:24: rule r1: 'actions[0].wait' expected a duration such as 30s or 5m, got '10'");
    }

    @Test
    void shouldRefuseUnknownKeysNamingTheKnownOnes()
    {
        final String text = rule("""
                on: { event: TransactionReceived }
                cooldown: { rul: 30s }
                actions: [ { wait: 1s } ]
            """);

        assertThat(errors(text)).containsExactly(
            "rules.yaml:5:17: rule r1: 'cooldown.rul' expected a known key (one of rule, shared, user), got 'rul'");
    }

    @Test
    void shouldRefuseBadAndDuplicateRuleIds()
    {
        final String text = HEADER + """
            rules:
              - id: Big_Tip
                on: { timer: x }
                actions: [ { wait: 1s } ]
              - id: a
                on: { event: TransactionReceived }
                actions: [ { wait: 1s } ]
              - id: a
                on: { event: TransactionReceived }
                actions: [ { wait: 1s } ]
            """;
        final RuleSet set = RulesParser.parse(text, "rules.yaml");

        assertThat(set.ruleIds()).containsExactly("a");
        assertThat(set.rulesRejected()).isEqualTo(2);
        assertThat(set.errors()).extracting(RuleError::toString).containsExactly(
            "rules.yaml:3:9: rule Big_Tip: 'id' expected a rule id of a-z, 0-9, - and _ (1 to 64, starting with a letter " +
                "or digit), got 'Big_Tip'",
            "rules.yaml:4:18: rule Big_Tip: 'on.timer' expected a timer of the file's timers (the file defines none), " +
                "got 'x'",
            "rules.yaml:9:9: rule a: 'id' expected an id no other rule has, got 'a'");
    }

    @Test
    void shouldRequireExactlyOneTrigger()
    {
        final String text = rule("""
                on: { event: TransactionReceived, timer: x }
                actions: [ { wait: 1s } ]
            """);

        assertThat(errors(text)).containsExactly(
            "rules.yaml:4:9: rule r1: 'on' expected exactly one of event, command, goal, threshold or timer, " +
                "got 'event, timer'");
    }

    @Test
    void shouldWrapTheFieldTestErrorOfAWhereClause()
    {
        final String text = rule("""
                on: { event: TransactionReceived, where: ["amount >= 5"] }
                actions: [ { wait: 1s } ]
            """);

        final List<String> errors = errors(text);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("rules.yaml:4:47: rule r1: 'on.where[0]' expected a field test of " +
            "TransactionReceived (").endsWith("got 'amount >= 5'");
    }

    @Test
    void shouldCheckConditionsAgainstVariablesAndTheTriggerFields()
    {
        final String text = HEADER + """
            variables:
              n: { initial: 0 }
              who: { initial: "x" }
            rules:
              - id: r1
                on: { command: "!go" }
                if: ["var.n >= many", "var.who > 'a'", "var.nope == 1", "user == \\"bob\\"", "nosuch == 1"]
                actions: [ { wait: 1s } ]
            """;

        final List<String> errors = errors(text);
        assertThat(errors).hasSize(4);
        assertThat(errors.get(0)).isEqualTo("rules.yaml:8:10: rule r1: 'if[0]' expected a number to compare var.n with, " +
            "got 'many'");
        assertThat(errors.get(1)).isEqualTo("rules.yaml:8:27: rule r1: 'if[1]' expected == or != for the text var.who, " +
            "got '>'");
        assertThat(errors.get(2)).isEqualTo("rules.yaml:8:44: rule r1: 'if[2]' expected a variable of the file's " +
            "variables (n, who), got 'nope'");
        assertThat(errors.get(3)).startsWith("rules.yaml:8:80: rule r1: 'if[4]' expected a field test of ChatMessage (");
    }

    @Test
    void shouldRefuseAnUnknownPlaceholderAndAcceptALiteralBrace()
    {
        final String text = rule("""
                on: { event: TransactionReceived }
                actions:
                  - chat: { text: "{{not a placeholder} {amount} {txid} {confirmations}" }
                  - chat: { text: "Hi {nmae}" }
            """);

        final List<String> errors = errors(text);
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).startsWith("rules.yaml:7:23: rule r1: 'actions[1].chat.text' expected a known " +
            "placeholder (").endsWith("got '{nmae}'");
    }

    @Test
    void shouldLeaveOutABadTimerAndTheRulesNamingIt()
    {
        final String text = HEADER + """
            timers:
              fast: { every: 500ms }
              late: { every: 1h, offset: 1h }
              clock: { at: ["25:00"], days: [mon, fun] }
              both: { every: 1m, at: ["10:00"] }
            rules:
              - id: r1
                on: { timer: fast }
                actions: [ { wait: 1s } ]
            """;
        final RuleSet set = RulesParser.parse(text, "rules.yaml");

        assertThat(set.timers()).isEmpty();
        assertThat(set.ruleCount()).isZero();
        assertThat(set.errors()).extracting(RuleError::toString).containsExactly(
            "rules.yaml:3:18: 'timers.fast.every' expected a duration such as 30s or 5m of at least 1s, got '500ms'",
            "rules.yaml:4:30: 'timers.late.offset' expected a duration such as 30s or 5m from 0ms to 3599999ms, got '1h'",
            "rules.yaml:5:17: 'timers.clock.at[0]' expected a local time HH:mm such as 19:55, got '25:00'",
            "rules.yaml:5:39: 'timers.clock.days[1]' expected a day (mon, tue, wed, thu, fri, sat or sun), got 'fun'",
            "rules.yaml:6:9: 'timers.both' expected exactly one of every or at, got 'both'",
            "rules.yaml:9:18: rule r1: 'on.timer' expected a timer of the file's timers (the file defines none), got " +
                "'fast'");
    }

    @Test
    void shouldCheckVariablesAndWebhooks()
    {
        final String text = HEADER + """
            settings: { zone: Mars/Olympus }
            variables:
              a: { initial: true }
              b: { initial: "t", reset: daily }
              c: { initial: 1, reset: hourly }
            webhooks:
              w1: { url: "ftp://x/y" }
              w2: { url: "https://x/y", secret: "a b", timeout: 2m, retries: 11 }
            """;

        assertThat(errors(text)).containsExactly(
            "rules.yaml:2:19: 'settings.zone' expected a time zone such as Europe/Berlin or UTC, got 'Mars/Olympus'",
            "rules.yaml:4:17: 'variables.a.initial' expected a number or a quoted text, got 'true'",
            "rules.yaml:5:29: 'variables.b.reset' expected never for a text (only numbers reset), got 'daily'",
            "rules.yaml:6:27: 'variables.c.reset' expected daily, weekly, monthly or never, got 'hourly'",
            "rules.yaml:8:14: 'webhooks.w1.url' expected an http or https URL, got 'ftp://x/y'",
            "rules.yaml:9:37: 'webhooks.w2.secret' expected the name of a key of the secrets store, such as " +
                "webhookSecret, got 'a b'",
            "rules.yaml:9:53: 'webhooks.w2.timeout' expected a duration such as 30s or 5m from 1ms to 1m, got '2m'",
            "rules.yaml:9:66: 'webhooks.w2.retries' expected a whole number from 0 to 10, got '11'");
    }

    @Test
    void shouldCheckActionsKeys()
    {
        final String text = rule("""
                on: { event: TransactionReceived }
                actions:
                  - alert: { title: x, duration: 2m }
                  - media: { url: /media/file.xyz }
                  - obs: { nothing: here }
                  - webhook: { to: nowhere }
                  - dance: {}
                  - obs: { source: Cam, scene: Main }
                  - add: { var: x, value: 1 }
            """);

        assertThat(errors(text)).containsExactly(
            "rules.yaml:6:38: rule r1: 'actions[0].alert.duration' expected a duration such as 30s or 5m from 1ms to 1m, " +
                "got '2m'",
            "rules.yaml:7:23: rule r1: 'actions[1].media.kind' expected audio, video or image (the URL's extension " +
                "tells none), got ''",
            "rules.yaml:8:14: rule r1: 'actions[2].obs' expected one of the OBS forms scene, source (with scene and " +
                "visible), mute, media, text, hotkey or request, got 'nothing'",
            "rules.yaml:9:24: rule r1: 'actions[3].webhook.to' expected a webhook of the file's webhooks (the file " +
                "defines none), got 'nowhere'",
            "rules.yaml:10:9: rule r1: 'actions[4]' expected one action (alert, media, chat, webhook, obs, wait, " +
                "set or add), got 'dance'",
            "rules.yaml:11:14: rule r1: 'actions[5].obs.visible' expected true or false, got ''",
            "rules.yaml:12:21: rule r1: 'actions[6].add.var' expected a variable of the file's variables (the file " +
                "defines none), got 'x'");
    }

    @Test
    void shouldKeepTheGoodRulesOfAFileWithErrors()
    {
        final String text = HEADER + """
            rules:
              - id: good
                on: { command: "!hi" }
                actions: [ { chat: { text: "hello {name}" } } ]
              - id: bad
                on: { command: "hi" }
                actions: [ { chat: { text: "x" } } ]
            """;
        final RuleSet set = RulesParser.parse(text, "rules.yaml");

        assertThat(set.ruleIds()).containsExactly("good");
        assertThat(set.rulesRejected()).isEqualTo(1);
        assertThat(set.errorLines()).isEqualTo("rules.yaml:7:20: rule bad: 'on.command' expected a chat command such " +
            "as \"!hydrate\" (! and a word), got 'hi'\n");
    }

    @Test
    void shouldEnforceTheRuleAndActionLimits()
    {
        final StringBuilder text = new StringBuilder(HEADER).append("rules:\n");
        for (int i = 0; i <= RulesParser.MAX_RULES; i++)
        {
            text.append("  - { id: r").append(i).append(", on: { event: TransactionReceived }, actions: [ { wait: 1s } ] }\n");
        }
        final RuleSet set = RulesParser.parse(text.toString(), "rules.yaml");

        assertThat(set.ruleCount()).isEqualTo(RulesParser.MAX_RULES);
        assertThat(set.errors()).extracting(RuleError::message).containsExactly(
            "'rules' expected at most 1000 rules, got '1001 rules'");

        final String actions = "    - { wait: 1s }\n".repeat(RulesParser.MAX_ACTIONS + 1);
        final RuleSet tooMany = RulesParser.parse(rule("    on: { event: TransactionReceived }\n    actions:\n" + actions),
            "rules.yaml");
        assertThat(tooMany.ruleCount()).isZero();
        assertThat(tooMany.errors()).extracting(RuleError::message).containsExactly(
            "'actions' expected at most 50 actions, got '51 actions'");
    }

    @Test
    void shouldRefuseADuplicateKey()
    {
        final RuleSet set = RulesParser.parse("version: 1\nversion: 1\n", "rules.yaml");

        assertThat(set.readable()).isFalse();
        assertThat(set.errors()).extracting(RuleError::toString).containsExactly(
            "rules.yaml:2:1: 'version' expected a key written once in its map, got it twice");
    }

    @Test
    void shouldNeverThrowOnOddInput()
    {
        for (final String text : List.of("", "null", "[]", "42", "version: 1\nrules: 3\n", "version: 1\nrules: [3]\n",
            "version: 1\nrules:\n  - id: x\n    on: 3\n    actions: 3\n", "\u0000\u0001", "{"))
        {
            final RuleSet set = RulesParser.parse(text, "odd");
            assertThat(set.errors()).as(text).isNotEmpty();
            assertThat(set.ruleCount()).isZero();
        }
    }
    @Test
    void shouldReadAnUnquotedLocalTime()
    {
        final RuleSet set = RulesParser.parse(HEADER + "timers:\n  late: { at: [20:05, 07:30], days: fri }\n", "r");

        assertThat(set.errors()).isEmpty();
        assertThat(set.timers().get(0).at()).containsExactly(LocalTime.of(7, 30), LocalTime.of(20, 5));
        assertThat(set.timers().get(0).days()).containsExactly(DayOfWeek.FRIDAY);
    }
}
