package dev.commandcenter.plugin.automation.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.plugin.automation.obs.ObsClient;
import dev.commandcenter.plugin.automation.obs.ObsRequest;
import dev.commandcenter.plugin.automation.obs.ObsSimulator;
import dev.commandcenter.plugin.automation.obs.ObsStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.commandcenter.plugin.automation.action.AutomationOutputs.Step.chat;
import static dev.commandcenter.plugin.automation.action.AutomationOutputs.Step.obs;
import static dev.commandcenter.plugin.automation.action.AutomationOutputs.Step.waitMs;
import static dev.commandcenter.plugin.automation.action.AutomationOutputs.deliver;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The executor's OBS actions against the OBS simulator (obs-websocket 5 over a real socket) through the real client.
 */
@Timeout(60)
class ObsActionsTest
{
    private static final String PLUGIN = AutomationExecutor.PLUGIN_ID;
    private static final String PASSWORD = "obs-password";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final AutomationOutputs outputs = new AutomationOutputs();
    private final RecordingChatPoster chat = new RecordingChatPoster();
    private final TestCounters counters = new TestCounters();
    private ObsSimulator simulator;
    private ObsClient client;
    private AutomationExecutor executor;

    @BeforeEach
    void setUp() throws Exception
    {
        simulator = ObsSimulator.start(PASSWORD);
        client = ObsClient.launch(new ObsClient.Context()
            .url(simulator.url())
            .password(() -> PASSWORD)
            .reconnectMinMs(20)
            .reconnectMaxMs(200));
        awaitObs(ObsStatus.State.IDENTIFIED);
        executor = new AutomationExecutor(new AutomationExecutor.Context()
            .obs(client)
            .chatPoster(chat)
            .counters(counters.allocator()));
    }

    @AfterEach
    void tearDown()
    {
        if (null != executor)
        {
            executor.close();
        }
        if (null != client)
        {
            client.close();
        }
        if (null != simulator)
        {
            simulator.close();
        }
    }

    @Test
    void shouldSwitchTheScene()
    {
        deliver(executor, outputs.fire(PLUGIN, 1, "big-tip", "scenes",
            obs("SetCurrentProgramScene", "{\"sceneName\":\"Celebration\"}")));

        await().until(() -> executor.recentOutcomes().size() == 1);
        assertThat(simulator.currentScene()).isEqualTo("Celebration");
        assertThat(executor.recentOutcomes().get(0)).satisfies(outcome ->
        {
            assertThat(outcome.ok()).isTrue();
            assertThat(outcome.target()).isEqualTo("SetCurrentProgramScene");
            assertThat(outcome.detail()).isEqualTo("OBS 100");
        });
        assertThat(counters.value(CounterType.AUTOMATION_ACTIONS_DONE, "")).isEqualTo(1);
    }

    @Test
    void shouldSurfaceAnObsErrorInTheOutcomeAndGoOnWithTheNextStep()
    {
        deliver(executor, outputs.fire(PLUGIN, 2, "big-tip", "scenes",
            obs("SetCurrentProgramScene", "{\"sceneName\":\"Nowhere\"}"),
            chat("after OBS")));

        await().until(() -> chat.texts().contains("after OBS"));
        assertThat(executor.recentOutcomes().get(0)).satisfies(outcome ->
        {
            assertThat(outcome.ok()).isFalse();
            assertThat(outcome.detail()).isEqualTo("OBS 600: No source was found by the name of `Nowhere`.");
        });
        assertThat(simulator.currentScene()).isEqualTo("Main");
        assertThat(counters.value(CounterType.AUTOMATION_ACTIONS_FAILED, "obs")).isEqualTo(1);
    }

    @Test
    void shouldSurfaceAFailureObsWasToldToAnswer()
    {
        simulator.failNext("TriggerHotkeyByName", 702, "The hotkey could not be triggered.");

        deliver(executor, outputs.fire(PLUGIN, 3, "go-live", "", obs("TriggerHotkeyByName",
            "{\"hotkeyName\":\"OBSBasic.StartStreaming\"}")));

        await().until(() -> executor.recentOutcomes().size() == 1);
        assertThat(executor.recentOutcomes().get(0).detail()).isEqualTo("OBS 702: The hotkey could not be triggered.");
    }

    @Test
    void shouldFailAtOnceWhileObsIsDownAndWorkAgainOnceReconnected()
    {
        simulator.stop();
        awaitObs(ObsStatus.State.DISCONNECTED);

        deliver(executor, outputs.fire(PLUGIN, 4, "big-tip", "scenes",
            obs("SetCurrentProgramScene", "{\"sceneName\":\"Celebration\"}")));

        await().until(() -> executor.recentOutcomes().size() == 1);
        assertThat(executor.recentOutcomes().get(0)).satisfies(outcome ->
        {
            assertThat(outcome.ok()).isFalse();
            assertThat(outcome.detail()).startsWith("OBS is not connected (DISCONNECTED");
        });
        assertThat(counters.value(CounterType.AUTOMATION_ACTIONS_FAILED, "obs")).isEqualTo(1);

        simulator.restart();
        awaitObs(ObsStatus.State.IDENTIFIED);
        deliver(executor, outputs.fire(PLUGIN, 5, "big-tip", "scenes",
            obs("SetCurrentProgramScene", "{\"sceneName\":\"Celebration\"}")));

        await().until(() -> executor.recentOutcomes().size() == 2);
        assertThat(executor.recentOutcomes().get(1).ok()).isTrue();
        assertThat(simulator.currentScene()).isEqualTo("Celebration");
    }

    @Test
    void shouldShowASourceByNameLookingUpItsSceneItemFirst()
    {
        assertThat(simulator.sceneItemEnabled("Celebration", "Confetti")).isFalse();

        deliver(executor, outputs.fire(PLUGIN, 6, "big-tip", "", obs("SetSceneItemEnabled",
            "{\"sceneName\":\"Celebration\",\"sourceName\":\"Confetti\",\"sceneItemEnabled\":true}")));

        await().until(() -> executor.recentOutcomes().size() == 1);
        assertThat(executor.recentOutcomes().get(0).ok()).isTrue();
        assertThat(simulator.sceneItemEnabled("Celebration", "Confetti")).isTrue();
        assertThat(simulator.requests("GetSceneItemId")).singleElement()
            .satisfies(request -> assertThat(json(request).path("sourceName").asText()).isEqualTo("Confetti"));
        assertThat(simulator.requests("SetSceneItemEnabled")).singleElement().satisfies(request ->
        {
            assertThat(json(request).path("sceneItemId").asInt()).isEqualTo(1);
            assertThat(json(request).has("sourceName")).isFalse();
        });
    }

    @Test
    void shouldFailASourceByNameThatOBSDoesNotKnow()
    {
        deliver(executor, outputs.fire(PLUGIN, 7, "big-tip", "", obs("SetSceneItemEnabled",
            "{\"sceneName\":\"Celebration\",\"sourceName\":\"Fireworks\",\"sceneItemEnabled\":true}")));

        await().until(() -> executor.recentOutcomes().size() == 1);
        assertThat(executor.recentOutcomes().get(0).ok()).isFalse();
        assertThat(executor.recentOutcomes().get(0).detail()).startsWith("OBS 600: ");
        assertThat(simulator.requests("SetSceneItemEnabled")).isEmpty();
    }

    @Test
    void shouldSendTheRequestsOfAQueuesFiresStrictlyOneFireAfterAnotherUnderABurst()
    {
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++)
        {
            deliver(executor, outputs.fire(PLUGIN, 100 + i, "big-tip", "scenes",
                text("start " + i), waitMs(10), text("end " + i)));
            expected.add("start " + i);
            expected.add("end " + i);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> simulator.requests("SetInputSettings").size() == 40);
        assertThat(simulator.requests("SetInputSettings"))
            .extracting(request -> json(request).path("inputSettings").path("text").asText())
            .containsExactlyElementsOf(expected);
        assertThat(simulator.inputSettings("Last tipper")).contains("end 19");
    }

    private static AutomationOutputs.Step text(final String value)
    {
        return obs("SetInputSettings", "{\"inputName\":\"Last tipper\",\"inputSettings\":{\"text\":\"" + value + "\"}}");
    }

    private void awaitObs(final ObsStatus.State state)
    {
        await().atMost(Duration.ofSeconds(20)).until(() -> client.status().state() == state);
    }

    private static JsonNode json(final ObsRequest request)
    {
        try
        {
            return MAPPER.readTree(request.requestDataJson());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
