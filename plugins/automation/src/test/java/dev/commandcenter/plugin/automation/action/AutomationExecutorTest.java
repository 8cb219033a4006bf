package dev.commandcenter.plugin.automation.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.sbe.AutomationActionKind;
import dev.commandcenter.codecs.sbe.AutomationOutcome;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.egress.OutputEvent;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static dev.commandcenter.plugin.automation.action.AutomationOutputs.Step.chat;
import static dev.commandcenter.plugin.automation.action.AutomationOutputs.Step.waitMs;
import static dev.commandcenter.plugin.automation.action.AutomationOutputs.Step.webhook;
import static dev.commandcenter.plugin.automation.action.AutomationOutputs.deliver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class AutomationExecutorTest
{
    private static final String SECRET = "hub-secret";
    private static final String PLUGIN = AutomationExecutor.PLUGIN_ID;

    private final AutomationOutputs outputs = new AutomationOutputs();
    private final RecordingChatPoster chat = new RecordingChatPoster();
    private final TestCounters counters = new TestCounters();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private AutomationExecutor executor;

    @AfterEach
    void tearDown() throws Exception
    {
        if (null != executor)
        {
            executor.close();
        }
        for (final AutoCloseable closeable : closeables)
        {
            closeable.close();
        }
    }

    @Test
    void shouldRunTheFiresOfAQueueOneAfterAnotherEachToItsLastStepUnderABurst()
    {
        executor = executor(ctx -> ctx);
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++)
        {
            deliver(executor, outputs.fire(PLUGIN, 100 + i, "big-tip", "scenes",
                chat("start " + i), waitMs(10), chat("end " + i)));
            expected.add("start " + i);
            expected.add("end " + i);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> chat.texts().size() == 40);
        assertThat(chat.texts()).containsExactlyElementsOf(expected);
        assertThat(counters.value(CounterType.AUTOMATION_FIRES, "")).isEqualTo(20);
        assertThat(counters.value(CounterType.AUTOMATION_ACTIONS_DONE, "")).isEqualTo(40);
        assertThat(counters.value(CounterType.AUTOMATION_ACTIONS_DROPPED, "")).isZero();
        assertThat(executor.recentOutcomes()).hasSize(40).allSatisfy(outcome -> assertThat(outcome.ok()).isTrue());
    }

    @Test
    void shouldRunFiresWithoutAQueueAtOnceAndNeverLetASlowWebhookHoldOthers() throws Exception
    {
        final WebhookReceiver receiver = receiver();
        receiver.then(new WebhookReceiver.Answer(200, null, true, 0));
        executor = executor(ctx -> ctx);

        deliver(executor, outputs.fire(PLUGIN, 1, "hub", "",
            webhook("home-hub", WebhookSenderTest.payload(receiver.url(), 30_000, 0, "{\"a\":1}")),
            chat("after the webhook")));
        await().until(() -> receiver.deliveries().size() == 1);
        deliver(executor, outputs.fire(PLUGIN, 2, "hydrate", "", chat("no queue")));
        deliver(executor, outputs.fire(PLUGIN, 3, "big-tip", "scenes", chat("on scenes")));

        await().until(() -> chat.texts().size() == 2);
        assertThat(chat.texts()).containsExactlyInAnyOrder("no queue", "on scenes");

        receiver.release();
        await().until(() -> chat.texts().size() == 3);
        assertThat(chat.texts().get(2)).isEqualTo("after the webhook");
        assertThat(executor.recentOutcomes()).filteredOn(outcome -> outcome.kind() == AutomationActionKind.WEBHOOK)
            .singleElement()
            .satisfies(outcome ->
            {
                assertThat(outcome.ok()).isTrue();
                assertThat(outcome.fireId()).isEqualTo(1);
                assertThat(outcome.step()).isEqualTo(0);
                assertThat(outcome.target()).isEqualTo("home-hub");
                assertThat(outcome.attempts()).isEqualTo(1);
            });
    }

    @Test
    void shouldHoldTheNextFireOfAQueueUntilTheWebhookBeforeItAnswered() throws Exception
    {
        final WebhookReceiver receiver = receiver();
        receiver.then(new WebhookReceiver.Answer(200, null, true, 0));
        executor = executor(ctx -> ctx);

        deliver(executor, outputs.fire(PLUGIN, 1, "hub", "scenes",
            webhook("home-hub", WebhookSenderTest.payload(receiver.url(), 30_000, 0, "{\"a\":1}"))));
        await().until(() -> receiver.deliveries().size() == 1);
        deliver(executor, outputs.fire(PLUGIN, 2, "big-tip", "scenes", chat("second on scenes")));
        deliver(executor, outputs.fire(PLUGIN, 3, "hydrate", "", chat("no queue")));

        await().until(() -> chat.texts().contains("no queue"));
        assertThat(receiver.deliveries()).hasSize(1);
        assertThat(chat.texts()).containsExactly("no queue");

        receiver.release();
        await().until(() -> chat.texts().size() == 2);
        assertThat(chat.texts()).containsExactly("no queue", "second on scenes");
    }

    @Test
    void shouldSignWebhooksWithTheDeliveryOfTheFireAndStepAndCountRetries() throws Exception
    {
        final WebhookReceiver receiver = receiver();
        receiver.then(WebhookReceiver.Answer.status(500));
        executor = executor(ctx -> ctx);

        deliver(executor, outputs.fire(PLUGIN, 77, "hub", "",
            chat("calling the hub"),
            webhook("home-hub", WebhookSenderTest.payload(receiver.url(), 5_000, 3, "{\"rule\":\"hub\"}"))));

        await().until(() -> executor.recentOutcomes().size() == 2);
        assertThat(receiver.deliveries()).hasSize(2).allSatisfy(delivery ->
        {
            assertThat(delivery.deliveryId()).isEqualTo("77-1");
            assertThat(delivery.signatureValid()).isTrue();
        });
        final ActionOutcome outcome = executor.recentOutcomes().get(1);
        assertThat(outcome.ok()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(2);
        assertThat(outcome.detail()).isEqualTo("webhook 'home-hub': HTTP 200 after 2 attempts");
        assertThat(counters.value(CounterType.AUTOMATION_WEBHOOK_RETRIES, "")).isEqualTo(1);
        assertThat(counters.value(CounterType.AUTOMATION_ACTIONS_DONE, "")).isEqualTo(2);
    }

    @Test
    void shouldFailAWebhookWithoutItsSecretAndGoOnWithTheNextStep() throws Exception
    {
        final WebhookReceiver receiver = receiver();
        executor = executor(ctx -> ctx.secrets(Map.<String, String>of()::get));

        deliver(executor, outputs.fire(PLUGIN, 5, "hub", "",
            webhook("home-hub", WebhookSenderTest.payload(receiver.url(), 5_000, 3, "{}")),
            chat("still here")));

        await().until(() -> chat.texts().contains("still here"));
        final ActionOutcome outcome = executor.recentOutcomes().get(0);
        assertThat(outcome.ok()).isFalse();
        assertThat(outcome.detail()).isEqualTo("webhook 'home-hub': no secret 'webhookSecret' in the secrets store");
        assertThat(receiver.deliveries()).isEmpty();
        assertThat(counters.value(CounterType.AUTOMATION_ACTIONS_FAILED, "webhook")).isEqualTo(1);
    }

    @Test
    void shouldDropAndCountAFireWhenItsQueueIsFullAndDropTheWaitingOnesWhenStopping()
    {
        executor = executor(ctx -> ctx.maxQueuedFires(2));

        deliver(executor, outputs.fire(PLUGIN, 1, "big-tip", "scenes", chat("first"), waitMs(60_000), chat("never")));
        deliver(executor, outputs.fire(PLUGIN, 2, "big-tip", "scenes", chat("second")));
        deliver(executor, outputs.fire(PLUGIN, 3, "big-tip", "scenes", chat("third")));
        deliver(executor, outputs.fire(PLUGIN, 4, "big-tip", "scenes", chat("fourth"), chat("fourth again")));

        await().until(() -> executor.recentOutcomes().size() == 3);
        assertThat(executor.recentOutcomes()).filteredOn(outcome -> outcome.fireId() == 4)
            .hasSize(2)
            .allSatisfy(outcome ->
            {
                assertThat(outcome.ok()).isFalse();
                assertThat(outcome.detail()).isEqualTo("dropped: queue 'scenes' holds 2 fires (automation.maxQueuedFires)");
            });
        assertThat(counters.value(CounterType.AUTOMATION_ACTIONS_DROPPED, "")).isEqualTo(2);
        assertThat(chat.texts()).containsExactly("first");

        executor.close();

        assertThat(executor.recentOutcomes()).filteredOn(outcome -> outcome.detail().equals("dropped: engine stopping"))
            .extracting(outcome -> outcome.fireId() + "-" + outcome.step())
            .containsExactlyInAnyOrder("1-1", "1-2", "2-0", "3-0");
        assertThat(chat.texts()).containsExactly("first");
    }

    @Test
    void shouldBoundTheNumberOfQueueNames()
    {
        executor = executor(ctx -> ctx);
        for (int i = 0; i < AutomationExecutor.MAX_QUEUES; i++)
        {
            deliver(executor, outputs.fire(PLUGIN, i, "big-tip", "queue-" + i, waitMs(60_000)));
        }
        deliver(executor, outputs.fire(PLUGIN, 1000, "big-tip", "one-too-many", chat("never")));

        await().until(() -> executor.recentOutcomes().size() == 1);
        assertThat(executor.recentOutcomes().get(0).detail()).isEqualTo("dropped: 64 queues are in use, the most " +
            "there may be at once, and queue 'one-too-many' is not one of them");
        assertThat(counters.value(CounterType.AUTOMATION_ACTIONS_DROPPED, "")).isEqualTo(1);
    }

    @Test
    void shouldBoundTheFiresWaitingOnAllQueuesTogether()
    {
        executor = executor(ctx -> ctx.maxQueuedFires(1));
        final int total = AutomationExecutor.TOTAL_FACTOR;
        for (int i = 0; i <= total; i++)
        {
            deliver(executor, outputs.fire(PLUGIN, i, "big-tip", "queue-" + i, waitMs(60_000)));
        }
        for (int i = 0; i < total; i++)
        {
            deliver(executor, outputs.fire(PLUGIN, 100 + i, "big-tip", "queue-" + i, chat("waits")));
        }
        deliver(executor, outputs.fire(PLUGIN, 1000, "big-tip", "queue-" + total, chat("one too many")));

        await().until(() -> executor.recentOutcomes().size() == 1);
        assertThat(executor.recentOutcomes().get(0)).satisfies(outcome ->
        {
            assertThat(outcome.fireId()).isEqualTo(1000);
            assertThat(outcome.detail()).isEqualTo("dropped: the queues hold 16 fires in all (16 x automation.maxQueuedFires)");
        });
        assertThat(counters.value(CounterType.AUTOMATION_ACTIONS_DROPPED, "")).isEqualTo(1);
    }

    @Test
    void shouldBoundTheFiresRunningWithoutAQueue()
    {
        executor = executor(ctx -> ctx.maxQueuedFires(1));
        for (int i = 0; i < AutomationExecutor.TOTAL_FACTOR; i++)
        {
            deliver(executor, outputs.fire(PLUGIN, i, "hydrate", "", waitMs(60_000)));
        }
        deliver(executor, outputs.fire(PLUGIN, 1000, "hydrate", "", chat("one too many")));

        await().until(() -> executor.recentOutcomes().size() == 1);
        assertThat(executor.recentOutcomes().get(0).detail())
            .isEqualTo("dropped: 16 fires without a queue are running (16 x automation.maxQueuedFires)");
        assertThat(chat.texts()).isEmpty();
    }

    @Test
    void shouldAssembleAFireFromStepsSplitAcrossOutputCallsAndIgnoreOtherPlugins()
    {
        executor = executor(ctx -> ctx);
        final List<OutputEvent> fire = outputs.fire(PLUGIN, 10, "shoutout", "", chat("one"), chat("two"), chat("three"));

        deliver(executor, outputs.fire("stream-bridge", 11, "fake", "", chat("from another plugin")));
        executor.onOutput(fire.get(0), true);
        executor.onOutput(fire.get(1), true);
        executor.onOutput(outputs.action("chat", 12, "fake", "", 0, 1, chat("an intruder")), true);
        executor.onOutput(fire.get(2), false);
        executor.onBatchEnd();
        assertThat(chat.texts()).isEmpty();
        executor.onOutput(fire.get(3), true);

        await().until(() -> chat.texts().size() == 3);
        assertThat(chat.texts()).containsExactly("one", "two", "three");
        assertThat(executor.recentFires()).extracting(FireRecord::fireId).containsExactly(10L);
    }

    @Test
    void shouldFailObsActionsWhenObsIsNotConfiguredAndGoOn()
    {
        executor = executor(ctx -> ctx);

        deliver(executor, outputs.fire(PLUGIN, 8, "big-tip", "scenes",
            AutomationOutputs.Step.obs("SetCurrentProgramScene", "{\"sceneName\":\"Celebration\"}"),
            chat("after OBS")));

        await().until(() -> chat.texts().contains("after OBS"));
        assertThat(executor.recentOutcomes().get(0)).satisfies(outcome ->
        {
            assertThat(outcome.ok()).isFalse();
            assertThat(outcome.kind()).isEqualTo(AutomationActionKind.OBS);
            assertThat(outcome.target()).isEqualTo("SetCurrentProgramScene");
            assertThat(outcome.detail()).isEqualTo(AutomationExecutor.OBS_NOT_CONFIGURED);
        });
        assertThat(counters.value(CounterType.AUTOMATION_ACTIONS_FAILED, "obs")).isEqualTo(1);
        assertThat(counters.value(CounterType.AUTOMATION_ACTIONS_DONE, "")).isEqualTo(1);
    }

    @Test
    void shouldFailAChatLineThatCannotBePublished()
    {
        executor = executor(ctx -> ctx);
        chat.refuse(true);

        deliver(executor, outputs.fire(PLUGIN, 8, "hydrate", "", chat("drink water")));

        await().until(() -> executor.recentOutcomes().size() == 1);
        assertThat(executor.recentOutcomes().get(0).ok()).isFalse();
        assertThat(executor.recentOutcomes().get(0).detail())
            .isEqualTo("chat: the line could not be published now (input ring full or engine stopping)");
        assertThat(counters.value(CounterType.AUTOMATION_ACTIONS_FAILED, "chat")).isEqualTo(1);
    }

    @Test
    void shouldSkipChatLinesWhenChatIsNotReplayed()
    {
        executor = executor(ctx -> ctx.chatEnabled(false));

        deliver(executor, outputs.fire(PLUGIN, 8, "hydrate", "", chat("drink water")));

        await().until(() -> executor.recentOutcomes().size() == 1);
        assertThat(chat.texts()).isEmpty();
        assertThat(executor.recentOutcomes().get(0).detail())
            .isEqualTo("skipped: chat is not replayed (the journal holds the bot's lines)");
        assertThat(counters.value(CounterType.AUTOMATION_ACTIONS_FAILED, "chat")).isZero();
    }

    @Test
    void shouldPerformNothingWhenExternalActionsAreOff()
    {
        executor = executor(ctx -> ctx.performExternal(false));

        deliver(executor, outputs.fire(PLUGIN, 8, "hydrate", "", chat("drink water"), waitMs(60_000), chat("again")));

        await().until(() -> executor.recentOutcomes().size() == 3);
        assertThat(chat.texts()).isEmpty();
        assertThat(executor.recentOutcomes()).allSatisfy(outcome ->
            assertThat(outcome.detail()).startsWith("skipped: external actions are off"));
    }

    @Test
    void shouldKeepRecentFiresAndTheLastStateForStatusInBoundedRings() throws Exception
    {
        executor = executor(ctx -> ctx.outcomes(2));

        executor.onOutput(outputs.skipped(1, "hydrate", AutomationOutcome.COOLDOWN_USER, 30_000), true);
        executor.onOutput(outputs.skipped(2, "hydrate", AutomationOutcome.COOLDOWN_RULE, 10_000), true);
        deliver(executor, outputs.fire(PLUGIN, 3, "big-tip", "", chat("a"), chat("b"), chat("c")));
        executor.onOutput(outputs.state(3, "{\"sats_today\":75000}"), true);

        assertThat(executor.recentFires()).hasSize(2);
        assertThat(executor.recentFires().get(0)).isEqualTo(new FireRecord(
            2, "hydrate", AutomationOutcome.COOLDOWN_RULE, "bob", "ChatMessage text=!hydrate", 1_800_000_000_002L,
            10_000));
        assertThat(executor.recentFires().get(1).outcome()).isEqualTo(AutomationOutcome.FIRED);
        assertThat(counters.value(CounterType.AUTOMATION_FIRES, "")).isEqualTo(1);

        final JsonNode state = new ObjectMapper().readTree(executor.stateJson());
        assertThat(state.path("rulesLoaded").asInt()).isEqualTo(3);
        assertThat(state.path("variablesJson").asText()).isEqualTo("{\"sats_today\":75000}");

        await().until(() -> chat.texts().size() == 3);
        await().until(() -> executor.recentOutcomes().size() == 2 && executor.recentOutcomes().get(1).step() == 2);
        assertThat(executor.recentOutcomes()).extracting(ActionOutcome::step).containsExactly(1, 2);
    }

    private WebhookReceiver receiver() throws Exception
    {
        final WebhookReceiver receiver = new WebhookReceiver(SECRET);
        closeables.add(receiver);
        return receiver;
    }

    private AutomationExecutor executor(final UnaryOperator<AutomationExecutor.Context> settings)
    {
        return new AutomationExecutor(settings.apply(new AutomationExecutor.Context()
            .chatPoster(chat)
            .secrets(Map.of("webhookSecret", SECRET)::get)
            .counters(counters.allocator())
            .epochClock(SystemEpochClock.INSTANCE)
            .webhookBackoffInitialMs(10)
            .webhookBackoffMaxMs(40)));
    }
}
