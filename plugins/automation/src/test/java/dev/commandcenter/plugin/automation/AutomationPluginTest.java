package dev.commandcenter.plugin.automation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.codecs.sbe.AutomationControlAction;
import dev.commandcenter.codecs.sbe.ChatAction;
import dev.commandcenter.codecs.sbe.ChatRole;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.commandcenter.plugin.automation.AutomationFixture.T0_MS;
import static dev.commandcenter.plugin.automation.AutomationFixture.count;
import static dev.commandcenter.plugin.automation.AutomationFixture.ofType;
import static org.assertj.core.api.Assertions.assertThat;

class AutomationPluginTest
{
    private static final String TIP_RULES = """
        version: 1
        variables:
          sats_today: { initial: 0, reset: daily }
          last_tipper: { initial: "nobody" }
        rules:
          - id: big-tip
            on: { event: TransactionReceived, where: ["amountSats >= 50000"] }
            queue: scenes
            actions:
              - alert: { title: "Big tip from {name}!", text: "{amount_btc} BTC: {message}", sound: /media/airhorn.mp3, duration: 8s }
              - obs: { scene: Celebration }
              - wait: 10s
              - media: { url: /media/confetti.webm }
              - obs: { scene: Main }
              - add: { var: sats_today, value: "{amount}" }
              - set: { var: last_tipper, value: "{name}" }
              - chat: { text: "Thanks! Today: {var.sats_today}" }
        """;

    @Test
    void shouldFireNothingBeforeRulesAreLoaded() throws Exception
    {
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.pay(T0_MS, 100_000, 1, "");

            assertThat(fixture.take()).isEmpty();
        }
    }

    @Test
    void shouldEmitTheFireThenItsOutputsInTheRulesOrder() throws Exception
    {
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, TIP_RULES);
            final JsonNode loaded = fixture.take().get(0);
            assertThat(loaded.path("type").asText()).isEqualTo("AutomationState");
            assertThat(loaded.path("rulesLoaded").asInt()).isEqualTo(1);

            fixture.pay(T0_MS + 1000, 40_000, 1, "too small");
            assertThat(fixture.take()).isEmpty();

            final long seq = fixture.pay(T0_MS + 2000, 75_000, 2, "gg");
            final List<JsonNode> out = fixture.take();

            assertThat(out).extracting((node) -> node.path("type").asText()).containsExactly("AutomationFired",
                "OverlayAlert", "AutomationAction", "AutomationAction", "OverlayMedia", "AutomationAction",
                "AutomationAction", "AutomationState");
            final JsonNode fired = out.get(0);
            assertThat(fired.path("fireId").asLong()).isEqualTo(seq);
            assertThat(fired.path("outcome").asText()).isEqualTo("FIRED");
            assertThat(fired.path("actions").asInt()).isEqualTo(6);
            assertThat(fired.path("atEpochMs").asLong()).isEqualTo(T0_MS + 2000);
            assertThat(fired.path("ruleId").asText()).isEqualTo("big-tip");
            assertThat(fired.path("summary").asText()).isEqualTo("TransactionReceived amountSats=75000");

            final JsonNode alert = out.get(1);
            assertThat(alert.path("alertId").asLong()).isEqualTo(seq * 64);
            assertThat(alert.path("kind").asText()).isEqualTo("CUSTOM");
            assertThat(alert.path("title").asText()).isEqualTo("Big tip from anonymous!");
            assertThat(alert.path("message").asText()).isEqualTo("0.00075 BTC: gg");
            assertThat(alert.path("sound").asText()).isEqualTo("/media/airhorn.mp3");
            assertThat(alert.path("durationMs").asInt()).isEqualTo(8000);
            assertThat(alert.path("delayMs").asInt()).isZero();
            assertThat(alert.path("showAtEpochMs").asLong()).isEqualTo(T0_MS + 2000);
            assertThat(alert.path("amountSats").asLong()).isEqualTo(75_000);

            assertThat(out.get(2).path("step").asInt()).isEqualTo(0);
            assertThat(out.get(2).path("steps").asInt()).isEqualTo(4);
            assertThat(out.get(2).path("kind").asText()).isEqualTo("OBS");
            assertThat(out.get(2).path("queue").asText()).isEqualTo("scenes");
            assertThat(out.get(2).path("target").asText()).isEqualTo("SetCurrentProgramScene");
            assertThat(out.get(2).path("payload").asText()).isEqualTo("{\"sceneName\":\"Celebration\"}");
            assertThat(out.get(3).path("kind").asText()).isEqualTo("WAIT");
            assertThat(out.get(3).path("step").asInt()).isEqualTo(1);
            assertThat(out.get(3).path("durationMs").asLong()).isEqualTo(10_000);

            final JsonNode media = out.get(4);
            assertThat(media.path("mediaId").asLong()).isEqualTo(seq * 64 + 3);
            assertThat(media.path("kind").asText()).isEqualTo("VIDEO");
            assertThat(media.path("delayMs").asInt()).isEqualTo(10_000);
            assertThat(media.path("volume").asInt()).isEqualTo(100);

            assertThat(out.get(5).path("step").asInt()).isEqualTo(2);
            assertThat(out.get(5).path("payload").asText()).isEqualTo("{\"sceneName\":\"Main\"}");
            assertThat(out.get(6).path("step").asInt()).isEqualTo(3);
            assertThat(out.get(6).path("kind").asText()).isEqualTo("CHAT");
            assertThat(out.get(6).path("payload").asText()).isEqualTo("Thanks! Today: 75000");

            final JsonNode state = out.get(7);
            assertThat(AutomationFixture.parse(state.path("variablesJson").asText()))
                .isEqualTo(AutomationFixture.parse("{\"sats_today\":75000,\"last_tipper\":\"anonymous\"}"));
            assertThat(AutomationFixture.parse(state.path("rulesJson").asText()).get(0).path("fired").asLong())
                .isEqualTo(1);
        }
    }

    @Test
    void shouldSkipOnConditionFalse() throws Exception
    {
        final String rules = """
            version: 1
            variables:
              live: { initial: "no" }
            rules:
              - id: r
                on: { event: TransactionReceived }
                if: ["var.live == 'yes'", "amountSats > 10"]
                actions: [ { wait: 1s } ]
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.take();
            fixture.pay(T0_MS + 1, 100, 1, "");
            assertThat(count(fixture.take(), "CONDITION_FALSE")).isEqualTo(1);

            fixture.control(T0_MS + 2, AutomationControlAction.SET_VARIABLE, "", "live", "yes");
            fixture.take();
            fixture.pay(T0_MS + 3, 5, 2, "");
            assertThat(count(fixture.take(), "CONDITION_FALSE")).isEqualTo(1);
            fixture.pay(T0_MS + 4, 100, 3, "");
            assertThat(count(fixture.take(), "FIRED")).isEqualTo(1);
        }
    }

    @Test
    void shouldHoldTheRuleCooldownUnderABurst() throws Exception
    {
        final String rules = """
            version: 1
            rules:
              - id: r
                on: { command: "!hi" }
                cooldown: { rule: 30s }
                actions: [ { chat: { text: "hi" } } ]
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.take();
            for (int i = 0; i < 100; i++)
            {
                fixture.say(T0_MS + i * 1000L, "viewer" + i, "!hi");
            }
            final List<JsonNode> out = fixture.take();

            // At 0, 30, 60 and 90 seconds.
            assertThat(count(out, "FIRED")).isEqualTo(4);
            assertThat(count(out, "COOLDOWN_RULE")).isEqualTo(96);
            assertThat(ofType(out, "AutomationFired").get(1).path("retryAfterMs").asLong()).isEqualTo(29_000);
        }
    }

    @Test
    void shouldHoldTheUserCooldownPerUserUnderABurst() throws Exception
    {
        final String rules = """
            version: 1
            rules:
              - id: r
                on: { command: "!hi" }
                cooldown: { user: 1m }
                actions: [ { chat: { text: "hi {name}" } } ]
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.take();
            for (int i = 0; i < 100; i++)
            {
                fixture.say(T0_MS + i * 100L, "viewer" + (i % 10), "!hi");
            }
            final List<JsonNode> out = fixture.take();

            assertThat(count(out, "FIRED")).isEqualTo(10);
            assertThat(count(out, "COOLDOWN_USER")).isEqualTo(90);
            assertThat(ofType(out, "AutomationFired").get(10).path("user").asText()).isEqualTo("viewer0");
            assertThat(ofType(out, "AutomationFired").get(10).path("retryAfterMs").asLong()).isEqualTo(59_000);
        }
    }

    @Test
    void shouldShareANamedCooldownBetweenRulesUnderABurst() throws Exception
    {
        final String rules = """
            version: 1
            cooldowns:
              scene: 20s
            rules:
              - id: a
                on: { command: "!a" }
                cooldown: { shared: scene }
                actions: [ { obs: { scene: A } } ]
              - id: b
                on: { command: "!b" }
                cooldown: { shared: scene }
                actions: [ { obs: { scene: B } } ]
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.take();
            for (int i = 0; i < 100; i++)
            {
                fixture.say(T0_MS + i * 1000L, "v", i % 2 == 0 ? "!a" : "!b");
            }
            final List<JsonNode> out = fixture.take();

            // At 0, 20, 40, 60 and 80 seconds: all of them !a.
            assertThat(count(out, "FIRED")).isEqualTo(5);
            assertThat(count(out, "COOLDOWN_SHARED")).isEqualTo(95);
            assertThat(ofType(out, "AutomationFired").get(1).path("ruleId").asText()).isEqualTo("b");
            assertThat(ofType(out, "AutomationFired").get(1).path("retryAfterMs").asLong()).isEqualTo(19_000);
        }
    }

    @Test
    void shouldKeepAViewersTextInsideAJsonStringOfAWebhookBody() throws Exception
    {
        final String rules = """
            version: 1
            webhooks:
              hub: { url: "https://hub.example/hook/{rule}", secret: hubSecret, timeout: 2s, retries: 1 }
            rules:
              - id: echo
                on: { command: "!echo" }
                actions:
                  - webhook: { to: hub, body: { who: "{name}", said: "{args}", first: "{arg1}", n: 1 } }
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.take();
            fixture.say(T0_MS + 1, "\"},\"x\":1", "!echo <script>alert(1)</script> \"},\"y\":2");
            final List<JsonNode> out = fixture.take();

            final JsonNode action = ofType(out, "AutomationAction").get(0);
            assertThat(action.path("kind").asText()).isEqualTo("WEBHOOK");
            assertThat(action.path("target").asText()).isEqualTo("hub");
            final JsonNode payload = AutomationFixture.parse(action.path("payload").asText());
            assertThat(payload.path("url").asText()).isEqualTo("https://hub.example/hook/echo");
            assertThat(payload.path("secret").asText()).isEqualTo("hubSecret");
            assertThat(payload.path("timeoutMs").asLong()).isEqualTo(2000);
            assertThat(payload.path("retries").asInt()).isEqualTo(1);
            final JsonNode body = payload.path("body");
            assertThat(body.size()).isEqualTo(4);
            assertThat(body.path("who").asText()).isEqualTo("\"},\"x\":1");
            assertThat(body.path("said").asText()).isEqualTo("<script>alert(1)</script> \"},\"y\":2");
            assertThat(body.path("first").asText()).isEqualTo("<script>alert(1)</script>");
            assertThat(body.path("n").asInt()).isEqualTo(1);
            assertThat(body.has("x")).isFalse();
        }
    }

    @Test
    void shouldPercentEncodeAViewersTextInsideAUrlButTakeALonePlaceholderAsTheUrl() throws Exception
    {
        final String rules = """
            version: 1
            variables:
              clip: { initial: "https://cdn.example/clips/a b.webm" }
            webhooks:
              hub: { url: "https://hub.example/hook/{arg1}?from={name}", secret: hubSecret }
            rules:
              - id: echo
                on: { command: "!echo" }
                actions:
                  - webhook: { to: hub }
                  - alert: { title: "t", image: "/media/{arg1}.png" }
                  - media: { url: "{var.clip}", kind: video }
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.take();
            fixture.say(T0_MS + 1, "ann&admin=1", "!echo ../../admin?x=1#frag");
            final List<JsonNode> out = fixture.take();

            final JsonNode payload = AutomationFixture.parse(ofType(out, "AutomationAction").get(0).path("payload").asText());
            assertThat(payload.path("url").asText())
                .isEqualTo("https://hub.example/hook/..%2F..%2Fadmin%3Fx%3D1%23frag?from=ann%26admin%3D1");
            assertThat(ofType(out, "OverlayAlert").get(0).path("image").asText())
                .isEqualTo("/media/..%2F..%2Fadmin%3Fx%3D1%23frag.png");
            assertThat(ofType(out, "OverlayMedia").get(0).path("url").asText())
                .isEqualTo("https://cdn.example/clips/a b.webm");
        }
    }

    @Test
    void shouldSendTheDefaultWebhookBodyWithTheEvent() throws Exception
    {
        final String rules = """
            version: 1
            webhooks:
              hub: { url: "http://127.0.0.1:9/hook" }
            rules:
              - id: tip
                on: { event: TransactionReceived }
                actions: [ { webhook: { to: hub } } ]
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.take();
            final long seq = fixture.pay(T0_MS + 1, 1234, 1, "hello");
            final JsonNode payload = AutomationFixture.parse(
                ofType(fixture.take(), "AutomationAction").get(0).path("payload").asText());

            assertThat(payload.path("retries").asInt()).isEqualTo(3);
            assertThat(payload.path("timeoutMs").asLong()).isEqualTo(5000);
            assertThat(payload.path("body").path("rule").asText()).isEqualTo("tip");
            assertThat(payload.path("body").path("fireId").asLong()).isEqualTo(seq);
            assertThat(payload.path("body").path("event").path("amountSats").asLong()).isEqualTo(1234);
            assertThat(payload.path("body").path("event").path("memo").asText()).isEqualTo("hello");
        }
    }

    @Test
    void shouldEmitObsRequestsOfEveryForm() throws Exception
    {
        final String rules = """
            version: 1
            rules:
              - id: o
                on: { timer: t }
                actions:
                  - obs: { source: Confetti, scene: Main, visible: true }
                  - obs: { mute: Mic, muted: false }
                  - obs: { mute: Mic, toggle: true }
                  - obs: { media: Intro, action: restart }
                  - obs: { text: Ticker, value: "Timer {timer} #{count}" }
                  - obs: { hotkey: OBSBasic.StartRecording }
                  - obs: { request: SetInputVolume, data: { inputName: Mic, inputVolumeDb: -6.5 } }
            timers:
              t: { every: 1m }
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.take();
            fixture.timer(T0_MS + 60_000, "t", 7);
            final List<JsonNode> actions = ofType(fixture.take(), "AutomationAction");

            assertThat(actions).extracting((node) -> node.path("target").asText() + " " + node.path("payload").asText())
                .containsExactly(
                    "SetSceneItemEnabled {\"sceneName\":\"Main\",\"sourceName\":\"Confetti\",\"sceneItemEnabled\":true}",
                    "SetInputMute {\"inputName\":\"Mic\",\"inputMuted\":false}",
                    "ToggleInputMute {\"inputName\":\"Mic\"}",
                    "TriggerMediaInputAction {\"inputName\":\"Intro\"," +
                        "\"mediaAction\":\"OBS_WEBSOCKET_MEDIA_INPUT_ACTION_RESTART\"}",
                    "SetInputSettings {\"inputName\":\"Ticker\",\"inputSettings\":{\"text\":\"Timer t #7\"}}",
                    "TriggerHotkeyByName {\"hotkeyName\":\"OBSBasic.StartRecording\"}",
                    "SetInputVolume {\"inputName\":\"Mic\",\"inputVolumeDb\":-6.5}");
            assertThat(actions).extracting((node) -> node.path("step").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 6);
            assertThat(actions).allSatisfy((node) -> assertThat(node.path("steps").asInt()).isEqualTo(7));
            assertThat(actions).allSatisfy((node) -> assertThat(node.path("queue").asText()).isEmpty());
        }
    }

    @Test
    void shouldAnswerCommandsByPermissionAndNeverTheBot() throws Exception
    {
        final String rules = """
            version: 1
            rules:
              - id: any
                on: { command: "!hydrate" }
                actions: [ { chat: { text: "Drink, {name}! {arg1}|{arg2}|{args}" } } ]
              - id: mods
                on: { command: "!so", permission: moderator, room: main }
                actions: [ { chat: { text: "Follow {arg1}", room: main } } ]
              - id: admins
                on: { command: "!ad", permission: admin }
                actions: [ { wait: 1s } ]
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.take();

            fixture.say(T0_MS + 1, "ann", "!HYDRATE now  please");
            fixture.say(T0_MS + 2, "ann", "!hydrated");
            fixture.say(T0_MS + 3, "ann", "say !hydrate");
            fixture.chat(T0_MS + 4, ChatRole.BOT, "", "bot", "!hydrate");
            fixture.chat(T0_MS + 5, ChatRole.SYSTEM, "", "system", "!hydrate");
            List<JsonNode> out = fixture.take();
            assertThat(ofType(out, "AutomationFired")).hasSize(1);
            assertThat(ofType(out, "AutomationAction").get(0).path("payload").asText())
                .isEqualTo("Drink, ann! now|please|now  please");

            fixture.chat(T0_MS + 10, ChatRole.VIEWER, "main", "ann", "!so bob");
            fixture.chat(T0_MS + 11, ChatRole.MODERATOR, "other", "mo", "!so bob");
            fixture.chat(T0_MS + 12, ChatRole.MODERATOR, "main", "mo", "!so bob");
            fixture.chat(T0_MS + 13, ChatRole.ADMIN, "main", "streamer", "!so carl");
            out = fixture.take();
            assertThat(ofType(out, "AutomationAction")).extracting((node) -> node.path("payload").asText())
                .containsExactly("Follow bob", "Follow carl");
            assertThat(ofType(out, "AutomationAction").get(0).path("target").asText()).isEqualTo("main");

            fixture.chat(T0_MS + 20, ChatRole.MODERATOR, "", "mo", "!ad");
            fixture.chat(T0_MS + 21, ChatRole.ADMIN, "", "streamer", "!ad");
            assertThat(ofType(fixture.take(), "AutomationFired")).extracting((node) -> node.path("user").asText())
                .containsExactly("streamer");
        }
    }

    @Test
    void shouldIgnoreCommandsOfBannedAndTimedOutViewers() throws Exception
    {
        final String rules = """
            version: 1
            rules:
              - id: hi
                on: { command: "!hi" }
                actions: [ { chat: { text: "hi" } } ]
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.take();
            fixture.moderate(T0_MS + 1, ChatAction.BAN, "Troll", 0);
            fixture.moderate(T0_MS + 1, ChatAction.TIMEOUT, "noisy", 60_000);
            fixture.say(T0_MS + 2, "troll", "!hi");
            fixture.say(T0_MS + 3, "noisy", "!hi");
            assertThat(fixture.take()).isEmpty();

            fixture.say(T0_MS + 61_001, "noisy", "!hi");
            fixture.moderate(T0_MS + 61_002, ChatAction.UNBAN, "troll", 0);
            fixture.say(T0_MS + 61_003, "troll", "!hi");
            assertThat(ofType(fixture.take(), "AutomationFired")).extracting((node) -> node.path("user").asText())
                .containsExactly("noisy", "troll");
        }
    }

    @Test
    void shouldReachADailyGoalOncePerLocalDayAcrossMidnightInTheZone() throws Exception
    {
        final String rules = """
            version: 1
            settings: { zone: America/New_York }
            rules:
              - id: goal
                on: { goal: { sats: 1000, per: day } }
                actions: [ { alert: { title: "Goal {goal} reached: {total}" } } ]
            """;
        // 2026-01-01T00:00Z is 2025-12-31T19:00 in New York: local midnight is at 05:00Z.
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.take();
            fixture.pay(T0_MS + 3_600_000, 600, 1, "");
            fixture.pay(T0_MS + 2 * 3_600_000, 600, 2, "");
            fixture.pay(T0_MS + 2 * 3_600_000 + 1, 600, 2, "");
            fixture.pay(T0_MS + 3 * 3_600_000, 600, 3, "");
            List<JsonNode> out = fixture.take();
            assertThat(ofType(out, "OverlayAlert")).extracting((node) -> node.path("title").asText())
                .containsExactly("Goal 1000 reached: 1200");

            // 04:59:59Z is still the same local day; 05:00Z starts a new one.
            fixture.pay(T0_MS + 5 * 3_600_000 - 1000, 600, 4, "");
            assertThat(ofType(fixture.take(), "OverlayAlert")).isEmpty();
            fixture.pay(T0_MS + 5 * 3_600_000, 600, 5, "");
            fixture.pay(T0_MS + 6 * 3_600_000, 500, 6, "");
            out = fixture.take();
            assertThat(ofType(out, "OverlayAlert")).extracting((node) -> node.path("title").asText())
                .containsExactly("Goal 1000 reached: 1100");
        }
    }

    @Test
    void shouldRearmAThresholdOnceTheWindowFallsBelowIt() throws Exception
    {
        final String rules = """
            version: 1
            rules:
              - id: hype
                on: { threshold: { sats: 1000, within: 1m } }
                actions: [ { chat: { text: "Hype! {total}" } } ]
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.take();
            fixture.pay(T0_MS, 600, 1, "");
            fixture.pay(T0_MS + 10_000, 600, 2, "");
            fixture.pay(T0_MS + 20_000, 600, 3, "");
            fixture.pay(T0_MS + 65_000, 600, 4, "");
            assertThat(ofType(fixture.take(), "AutomationAction")).extracting((node) -> node.path("payload").asText())
                .containsExactly("Hype! 1200");

            // At 90 s the window holds only the payment of 65 s: below 1000, so it re-arms.
            fixture.pay(T0_MS + 90_000, 500, 5, "");
            assertThat(ofType(fixture.take(), "AutomationAction")).extracting((node) -> node.path("payload").asText())
                .containsExactly("Hype! 1100");
        }
    }

    @Test
    void shouldKeepVariablesAndOverridesAcrossAReload() throws Exception
    {
        final String v1 = """
            version: 1
            variables:
              n: { initial: 0 }
              gone: { initial: 1 }
              kind: { initial: 5 }
            rules:
              - id: count
                on: { command: "!c" }
                actions: [ { add: { var: n, value: 1 } } ]
              - id: other
                on: { command: "!o" }
                actions: [ { wait: 1s } ]
            """;
        final String v2 = """
            version: 1
            variables:
              n: { initial: 100 }
              kind: { initial: "text now" }
            rules:
              - id: count
                on: { command: "!c" }
                actions: [ { add: { var: n, value: 2 } } ]
              - id: other
                on: { command: "!o" }
                actions: [ { wait: 1s } ]
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, v1);
            fixture.say(T0_MS + 1, "a", "!c");
            fixture.say(T0_MS + 2, "a", "!c");
            fixture.control(T0_MS + 3, AutomationControlAction.DISABLE_RULE, "other", "", "");
            fixture.take();

            fixture.rules(T0_MS + 4, v2);
            final JsonNode state = ofType(fixture.take(), "AutomationState").get(0);
            assertThat(AutomationFixture.parse(state.path("variablesJson").asText()))
                .isEqualTo(AutomationFixture.parse("{\"n\":2,\"kind\":\"text now\"}"));
            assertThat(state.path("rulesJson").asText()).contains("{\"id\":\"other\",\"enabled\":false");

            fixture.say(T0_MS + 5, "a", "!c");
            fixture.say(T0_MS + 6, "a", "!o");
            final List<JsonNode> out = fixture.take();
            assertThat(count(out, "DISABLED")).isEqualTo(1);
            assertThat(fixture.plugin().variable("n")).hasToString("4");
        }
    }

    @Test
    void shouldApplyControlEventsAndReportBadValues() throws Exception
    {
        final String rules = """
            version: 1
            variables:
              n: { initial: 0 }
            rules:
              - id: r
                on: { command: "!r" }
                cooldown: { rule: 1h }
                actions: [ { chat: { text: "n={var.n}" } } ]
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.control(T0_MS + 1, AutomationControlAction.SET_VARIABLE, "", "n", "12.5");
            fixture.control(T0_MS + 2, AutomationControlAction.SET_VARIABLE, "", "n", "lots");
            final List<JsonNode> states = ofType(fixture.take(), "AutomationState");
            assertThat(states.get(2).path("variablesJson").asText()).isEqualTo("{\"n\":12.5}");
            assertThat(states.get(2).path("errors").asText())
                .isEqualTo("control: SET_VARIABLE 'n' expected a number, got 'lots'\n");

            fixture.say(T0_MS + 3, "a", "!r");
            fixture.say(T0_MS + 4, "a", "!r");
            fixture.control(T0_MS + 5, AutomationControlAction.RESET_COOLDOWNS, "r", "", "");
            fixture.say(T0_MS + 6, "a", "!r");
            fixture.control(T0_MS + 7, AutomationControlAction.DISABLE_RULE, "r", "", "");
            fixture.say(T0_MS + 8, "a", "!r");
            fixture.control(T0_MS + 9, AutomationControlAction.ENABLE_RULE, "r", "", "");
            fixture.control(T0_MS + 10, AutomationControlAction.RESET_COOLDOWNS, "", "", "");
            fixture.say(T0_MS + 11, "a", "!r");
            final List<JsonNode> out = fixture.take();
            assertThat(ofType(out, "AutomationFired")).extracting((node) -> node.path("outcome").asText())
                .containsExactly("FIRED", "COOLDOWN_RULE", "FIRED", "DISABLED", "FIRED");
            assertThat(ofType(out, "AutomationAction")).extracting((node) -> node.path("payload").asText())
                .containsExactly("n=12.5", "n=12.5", "n=12.5");
        }
    }

    @Test
    void shouldResetADailyVariableAtLocalMidnight() throws Exception
    {
        final String rules = """
            version: 1
            variables:
              today: { initial: 0, reset: daily }
              total: { initial: 0 }
            rules:
              - id: tip
                on: { event: TransactionReceived }
                actions:
                  - add: { var: today, value: "{amount}" }
                  - add: { var: total, value: "{amount}" }
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.pay(T0_MS + 1000, 5, 1, "");
            fixture.pay(T0_MS + 86_399_000, 5, 2, "");
            assertThat(fixture.plugin().variable("today")).hasToString("10");
            fixture.pay(T0_MS + 86_400_000, 7, 3, "");

            assertThat(fixture.plugin().variable("today")).hasToString("7");
            assertThat(fixture.plugin().variable("total")).hasToString("17");
        }
    }

    @Test
    void shouldKeepTheRulesInForceWhenAFileCannotBeRead() throws Exception
    {
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, TIP_RULES);
            fixture.rules(T0_MS + 1, "version: 1\nrules: [ {\n");
            final JsonNode state = ofType(fixture.take(), "AutomationState").get(1);
            assertThat(state.path("rulesLoaded").asInt()).isEqualTo(1);
            assertThat(state.path("errors").asText()).startsWith("rules.yaml:");

            fixture.pay(T0_MS + 2, 60_000, 1, "");
            assertThat(count(fixture.take(), "FIRED")).isEqualTo(1);
        }
    }

    @Test
    void shouldUseTheConfiguredRulesAndIgnoreJournaledOnes() throws Exception
    {
        final String configured = """
            version: 1
            rules:
              - id: dry
                on: { event: TransactionReceived }
                actions: [ { chat: { text: "dry {amount}" } } ]
            """;
        try (AutomationFixture fixture = new AutomationFixture(
            Map.of(AutomationPlugin.RULES_TEXT_KEY, configured, AutomationPlugin.RULES_ORIGIN_KEY, "new.yaml")))
        {
            fixture.rules(T0_MS, TIP_RULES);
            assertThat(fixture.take()).isEmpty();
            fixture.pay(T0_MS + 1, 60_000, 1, "");

            final List<JsonNode> out = fixture.take();
            assertThat(ofType(out, "AutomationFired")).extracting((node) -> node.path("ruleId").asText())
                .containsExactly("dry");
            assertThat(fixture.plugin().ruleIds()).containsExactly("dry");
        }
    }

    @Test
    void shouldRefuseUnknownConfigurationKeys()
    {
        final AutomationPlugin plugin = new AutomationPlugin();
        try (dev.commandcenter.plugin.testkit.PluginHarness harness =
            new dev.commandcenter.plugin.testkit.PluginHarness(plugin).config(Map.of("rulesTxt", "x")))
        {
            org.assertj.core.api.Assertions.assertThatThrownBy(harness::start)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("plugins.automation: unknown key 'rulesTxt'");
        }
    }

    @Test
    void shouldRefuseASnapshotIntervalOutOfRange()
    {
        final AutomationPlugin plugin = new AutomationPlugin();
        try (dev.commandcenter.plugin.testkit.PluginHarness harness =
            new dev.commandcenter.plugin.testkit.PluginHarness(plugin).config(Map.of("snapshotMinIntervalMs", 60_001)))
        {
            org.assertj.core.api.Assertions.assertThatThrownBy(harness::start)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("plugins.automation.snapshotMinIntervalMs: expected 0 to 60000 milliseconds, got 60001");
        }
    }

    @Test
    void shouldCapTheFiresOfOneEvent() throws Exception
    {
        final StringBuilder rules = new StringBuilder("version: 1\nrules:\n");
        for (int i = 0; i < 5; i++)
        {
            rules.append("  - { id: r").append(i).append(", on: { event: TimerFired }, actions: [ { wait: 1s } ] }\n");
        }
        try (AutomationFixture fixture = new AutomationFixture(Map.of(AutomationPlugin.MAX_FIRES_PER_EVENT_KEY, 3)))
        {
            fixture.rules(T0_MS, rules.toString());
            fixture.take();
            fixture.timer(T0_MS + 1, "x", 1);

            assertThat(count(fixture.take(), "FIRED")).isEqualTo(3);
        }
    }

    @Test
    void shouldGiveTwoFiresOfOneEventDistinctOverlayIds() throws Exception
    {
        final String rules = """
            version: 1
            rules:
              - id: a
                on: { event: TransactionReceived }
                actions: [ { wait: 1s }, { alert: { title: a } } ]
              - id: b
                on: { event: TransactionReceived }
                actions: [ { alert: { title: b } } ]
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.take();
            final long seq = fixture.pay(T0_MS + 1, 1, 1, "");

            assertThat(ofType(fixture.take(), "OverlayAlert")).extracting((node) -> node.path("alertId").asLong())
                .containsExactly(seq * 64 + 1, seq * 64 + 2);
        }
    }
    @Test
    void shouldFillTimeAndEventFieldPlaceholders() throws Exception
    {
        final String rules = """
            version: 1
            settings: { zone: Europe/Berlin }
            rules:
              - id: f
                on: { event: TransactionReceived }
                actions: [ { chat: { text: "{time} {confirmations} {address} {amount_btc} {{x}" } } ]
            """;
        try (AutomationFixture fixture = new AutomationFixture(Map.of()))
        {
            fixture.rules(T0_MS, rules);
            fixture.take();
            fixture.pay(T0_MS + 90 * 60_000, 100_000_000, 1, "");

            assertThat(ofType(fixture.take(), "AutomationAction").get(0).path("payload").asText())
                .isEqualTo("02:30 0 bc1qexample 1 {x}");
        }
    }

    @Test
    void shouldFitTheStateOfAThousandRulesInOneMessage() throws Exception
    {
        final StringBuilder rules = new StringBuilder("version: 1\nrules:\n");
        for (int i = 0; i < 1000; i++)
        {
            rules.append("  - { id: rule-number-").append(i).append(", on: { event: TimerFired }, actions: [ { wait: 1s } ] }\n");
        }
        try (AutomationFixture fixture = new AutomationFixture(Map.of(AutomationPlugin.RULES_TEXT_KEY, rules.toString())))
        {
            fixture.plugin().onRecovered(fixture.harness());

            assertThat(fixture.harness().refused()).isZero();
            final JsonNode state = fixture.take().get(0);
            assertThat(state.path("rulesLoaded").asInt()).isEqualTo(1000);
            assertThat(AutomationFixture.parse(state.path("rulesJson").asText()).size()).isBetween(10, 999);
        }
    }
}
