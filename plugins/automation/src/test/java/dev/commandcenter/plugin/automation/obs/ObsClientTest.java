package dev.commandcenter.plugin.automation.obs;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class ObsClientTest
{
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final CountersManager counters = new CountersManager(
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(16 * CountersReader.METADATA_LENGTH, 64)),
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(16 * CountersReader.COUNTER_LENGTH, 64)));
    private final AtomicCounter connected = counters.newCounter("obs connected");
    private final AtomicCounter reconnects = counters.newCounter("obs reconnects");
    private final List<ObsStatus> statuses = new CopyOnWriteArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private ObsSimulator simulator;
    private ObsClient client;

    @AfterEach
    void after()
    {
        if (null != client)
        {
            client.close();
        }
        if (null != simulator)
        {
            simulator.close();
        }
        assertThat(errors).isEmpty();
    }

    private ObsClient.Context context(final String url, final String password)
    {
        return new ObsClient.Context()
            .url(url)
            .password(() -> password)
            .reconnectMinMs(20)
            .reconnectMaxMs(200)
            .connectedGauge(connected)
            .reconnectsCounter(reconnects)
            .errorHandler(errors::add)
            .listener(new ObsListener()
            {
                public void onStatus(final ObsStatus status)
                {
                    statuses.add(status);
                }

                public void onEvent(final String eventType, final int eventIntent, final String eventDataJson)
                {
                    events.add(eventType + " " + eventIntent + " " + eventDataJson);
                }
            });
    }

    private void connect(final String password)
    {
        client = ObsClient.launch(context(simulator.url(), password));
        awaitState(ObsStatus.State.IDENTIFIED);
    }

    private void awaitState(final ObsStatus.State state)
    {
        await().atMost(WAIT).until(() -> client.status().state() == state);
    }

    private ObsResponse request(final String type, final String data) throws Exception
    {
        return client.request(type, data).get();
    }

    @Test
    void shouldAuthenticateAndIdentify() throws Exception
    {
        simulator = ObsSimulator.start("s3cret");

        connect("s3cret");

        assertThat(simulator.clients()).isEqualTo(1);
        assertThat(connected.get()).isEqualTo(1);
        assertThat(simulator.lastIdentify()).contains("\"eventSubscriptions\":" +
            (ObsClient.EVENTS_GENERAL | ObsClient.EVENTS_SCENES | ObsClient.EVENTS_INPUTS | ObsClient.EVENTS_MEDIA_INPUTS))
            .contains("\"authentication\":");
        await().atMost(WAIT).until(() -> client.status().obsVersion().startsWith("OBS "));
        assertThat(client.status().obsVersion()).isEqualTo("OBS " + ObsSimulator.OBS_VERSION + ", obs-websocket " +
            ObsSimulator.OBS_WEBSOCKET_VERSION);
        assertThat(client.status().url()).isEqualTo(simulator.url());
        assertThat(statuses).extracting(ObsStatus::state)
            .containsSubsequence(ObsStatus.State.CONNECTING, ObsStatus.State.IDENTIFIED);
    }

    @Test
    void shouldReportAuthFailedWithTheCloseReasonOnAWrongPassword() throws Exception
    {
        simulator = ObsSimulator.start("s3cret");
        client = ObsClient.launch(context(simulator.url(), "wrong"));

        awaitState(ObsStatus.State.AUTH_FAILED);

        assertThat(client.status().lastError()).isEqualTo("OBS refused the password (4009 Authentication failed.)");
        assertThat(connected.get()).isZero();
        final ObsResponse response = request("GetSceneList", null);
        assertThat(response.ok()).isFalse();
        assertThat(response.code()).isZero();
        assertThat(response.comment()).startsWith("OBS is not connected (AUTH_FAILED, OBS refused the password");
    }

    @Test
    void shouldSayWhenOBSAsksForAPasswordAndNoneIsSet()
    {
        simulator = ObsSimulator.start("s3cret");
        client = ObsClient.launch(context(simulator.url(), null));

        awaitState(ObsStatus.State.AUTH_FAILED);

        assertThat(client.status().lastError()).contains("4009").endsWith("OBS asks for a password and none is set");
    }

    @Test
    void shouldIdentifyWithAServerWithoutAuthentication() throws Exception
    {
        simulator = ObsSimulator.start(null);

        connect(null);

        assertThat(simulator.lastIdentify()).doesNotContain("authentication");
        assertThat(request("GetCurrentProgramScene", null).responseDataJson()).contains("\"sceneName\":\"Main\"");
    }

    @Test
    void shouldPerformEveryKindOfRequest() throws Exception
    {
        simulator = ObsSimulator.start("pw");
        connect("pw");

        assertThat(request("GetVersion", null).responseDataJson()).contains("\"rpcVersion\":1");
        assertThat(request("GetSceneList", null).responseDataJson()).contains("\"sceneName\":\"Celebration\"");

        final ObsResponse scene = request("SetCurrentProgramScene", "{\"sceneName\":\"Celebration\"}");
        assertThat(scene).isEqualTo(new ObsResponse("SetCurrentProgramScene", true, 100, "", null));
        assertThat(simulator.currentScene()).isEqualTo("Celebration");
        assertThat(request("GetCurrentProgramScene", null).responseDataJson()).contains("\"sceneName\":\"Celebration\"");

        final ObsResponse itemId = request("GetSceneItemId", "{\"sceneName\":\"Celebration\",\"sourceName\":\"Confetti\"}");
        assertThat(itemId.responseDataJson()).isEqualTo("{\"sceneItemId\":1}");
        assertThat(simulator.sceneItemEnabled("Celebration", "Confetti")).isFalse();
        assertThat(request("SetSceneItemEnabled",
            "{\"sceneName\":\"Celebration\",\"sceneItemId\":1,\"sceneItemEnabled\":true}").ok()).isTrue();
        assertThat(simulator.sceneItemEnabled("Celebration", "Confetti")).isTrue();
        assertThat(request("GetSceneItemEnabled", "{\"sceneName\":\"Celebration\",\"sceneItemId\":1}").responseDataJson())
            .isEqualTo("{\"sceneItemEnabled\":true}");

        assertThat(request("SetInputMute", "{\"inputName\":\"Mic\",\"inputMuted\":true}").ok()).isTrue();
        assertThat(simulator.inputMuted("Mic")).isTrue();
        assertThat(request("ToggleInputMute", "{\"inputName\":\"Mic\"}").responseDataJson())
            .isEqualTo("{\"inputMuted\":false}");
        assertThat(simulator.inputMuted("Mic")).isFalse();
        assertThat(request("GetInputMute", "{\"inputName\":\"Mic\"}").responseDataJson()).isEqualTo("{\"inputMuted\":false}");

        assertThat(request("SetInputSettings", "{\"inputName\":\"Last tipper\",\"inputSettings\":{\"text\":\"alice 5000 sats\"}}")
            .ok()).isTrue();
        assertThat(simulator.inputSettings("Last tipper")).isEqualTo("{\"text\":\"alice 5000 sats\"}");
        assertThat(request("GetInputSettings", "{\"inputName\":\"Last tipper\"}").responseDataJson())
            .contains("\"text\":\"alice 5000 sats\"");

        assertThat(request("TriggerMediaInputAction",
            "{\"inputName\":\"Intro video\",\"mediaAction\":\"OBS_WEBSOCKET_MEDIA_INPUT_ACTION_PLAY\"}").ok()).isTrue();
        assertThat(simulator.mediaState("Intro video")).isEqualTo("OBS_MEDIA_STATE_PLAYING");

        assertThat(request("TriggerHotkeyByName", "{\"hotkeyName\":\"OBSBasic.Screenshot\"}").ok()).isTrue();
        assertThat(simulator.hotkeysTriggered()).containsExactly("OBSBasic.Screenshot");

        assertThat(simulator.requests("SetCurrentProgramScene"))
            .containsExactly(new ObsRequest("SetCurrentProgramScene", "{\"sceneName\":\"Celebration\"}"));
    }

    @Test
    void shouldSurfaceErrorStatusesWithCodeAndComment() throws Exception
    {
        simulator = ObsSimulator.start(null);
        connect(null);

        assertThat(request("SetCurrentProgramScene", "{\"sceneName\":\"Nope\"}"))
            .isEqualTo(new ObsResponse("SetCurrentProgramScene", false, 600, "No source was found by the name of `Nope`.", null));
        assertThat(request("SetCurrentProgramScene", "{}"))
            .isEqualTo(new ObsResponse("SetCurrentProgramScene", false, 300, "Your request is missing the `sceneName` field.", null));
        assertThat(request("MakeCoffee", null).code()).isEqualTo(204);
        assertThat(request("SetInputMute", "{\"inputName\":\"Webcam\",\"inputMuted\":true}").code()).isEqualTo(604);
        assertThat(request("GetSceneItemId", "{\"sceneName\":\"Main\",\"sourceName\":\"Confetti\"}").code()).isEqualTo(600);

        simulator.failNext("SetCurrentProgramScene", 702, "The scene switch failed.");
        assertThat(request("SetCurrentProgramScene", "{\"sceneName\":\"BRB\"}"))
            .isEqualTo(new ObsResponse("SetCurrentProgramScene", false, 702, "The scene switch failed.", null));
        assertThat(simulator.currentScene()).isEqualTo("Main");
        assertThat(request("SetCurrentProgramScene", "{\"sceneName\":\"BRB\"}").ok()).isTrue();
        assertThat(simulator.currentScene()).isEqualTo("BRB");
    }

    @Test
    void shouldRefuseRequestDataThatIsNotAJsonObjectWithoutSendingIt() throws Exception
    {
        simulator = ObsSimulator.start(null);
        connect(null);

        final ObsResponse response = request("SetCurrentProgramScene", "[1,2]");

        assertThat(response.ok()).isFalse();
        assertThat(response.comment()).startsWith("OBS request data of SetCurrentProgramScene is not a JSON object");
        assertThat(request("SetCurrentProgramScene", "{nope").comment()).contains("is not JSON");
        assertThat(simulator.requests("SetCurrentProgramScene")).isEmpty();
        assertThat(client.status().state()).isEqualTo(ObsStatus.State.IDENTIFIED);
    }

    @Test
    void shouldAnswerNotOkWhenOBSDoesNotAnswerInTime() throws Exception
    {
        simulator = ObsSimulator.start(null);
        client = ObsClient.launch(context(simulator.url(), null).requestTimeoutMs(1000));
        awaitState(ObsStatus.State.IDENTIFIED);
        simulator.delayNext("GetSceneList", 30_000);

        final ObsResponse response = request("GetSceneList", null);

        assertThat(response).isEqualTo(new ObsResponse("GetSceneList", false, 0, "no answer from OBS within 1000 ms", null));
        assertThat(client.inFlight()).isZero();
        assertThat(request("GetCurrentProgramScene", null).ok()).isTrue();
    }

    @Test
    void shouldAnswerAtOnceWhileOBSIsDown() throws Exception
    {
        simulator = ObsSimulator.start(null);
        simulator.stop();
        // A request queued until OBS came back would wait out this timeout instead of answering.
        client = ObsClient.launch(context(simulator.url(), null).requestTimeoutMs(120_000));
        await().atMost(WAIT).until(() -> client.status().state() == ObsStatus.State.DISCONNECTED &&
            !client.status().lastError().isEmpty());

        final ObsResponse response = request("SetCurrentProgramScene", "{\"sceneName\":\"BRB\"}");

        assertThat(response.ok()).isFalse();
        assertThat(response.code()).isZero();
        assertThat(response.comment()).startsWith("OBS is not connected (").contains("cannot connect to " + simulator.url());
        final List<ObsResponse> batch = client.batch(List.of(new ObsRequest("GetVersion", null)), false).get();
        assertThat(batch).singleElement().satisfies(r -> assertThat(r.comment()).startsWith("OBS is not connected ("));
    }

    @Test
    void shouldFailPendingRequestsWhenOBSStopsAndReconnectWhenItComesBack() throws Exception
    {
        simulator = ObsSimulator.start("pw");
        connect("pw");
        simulator.holdAnswers();
        final CompletableFuture<ObsResponse> pending = client.request("SetCurrentProgramScene", "{\"sceneName\":\"BRB\"}");
        await().atMost(WAIT).until(() -> simulator.requests("SetCurrentProgramScene").size() == 1);

        simulator.stop();

        final ObsResponse lost = pending.get();
        assertThat(lost.ok()).isFalse();
        assertThat(lost.comment()).isEqualTo("OBS connection lost: OBS closed the connection (1001 Server stopping.)");
        awaitState(ObsStatus.State.DISCONNECTED);
        assertThat(connected.get()).isZero();
        await().atMost(WAIT).until(() -> client.status().reconnects() >= 2);

        simulator.reset();
        simulator.restart();

        awaitState(ObsStatus.State.IDENTIFIED);
        assertThat(reconnects.get()).isEqualTo(client.status().reconnects()).isGreaterThanOrEqualTo(2);
        assertThat(connected.get()).isEqualTo(1);
        assertThat(request("SetCurrentProgramScene", "{\"sceneName\":\"BRB\"}").ok()).isTrue();
        assertThat(simulator.currentScene()).isEqualTo("BRB");
    }

    @Test
    void shouldDoubleTheReconnectionDelayUpToTheMaximumAndStartAgainAfterAnIdentifiedSession()
    {
        simulator = ObsSimulator.start(null);
        simulator.stop();
        final List<Long> delays = new CopyOnWriteArrayList<>();
        final ObsClient obs = new ObsClient(context(simulator.url(), null).listener(new ObsListener()
        {
            public void onStatus(final ObsStatus status)
            {
                if (status.state() == ObsStatus.State.DISCONNECTED)
                {
                    delays.add(client.lastReconnectDelayMs());
                }
            }
        }));
        client = obs;
        client.start();

        await().atMost(WAIT).until(() -> delays.size() >= 7);
        assertThat(delays.subList(0, 7)).containsExactly(20L, 40L, 80L, 160L, 200L, 200L, 200L);

        simulator.restart();
        awaitState(ObsStatus.State.IDENTIFIED);
        delays.clear();
        simulator.disconnectAll();

        await().atMost(WAIT).until(() -> !delays.isEmpty());
        assertThat(delays.get(0)).isEqualTo(20L);
    }

    @Test
    void shouldWaitTheLongestDelayAfterARefusedPassword()
    {
        simulator = ObsSimulator.start("pw");
        client = ObsClient.launch(context(simulator.url(), "wrong"));

        awaitState(ObsStatus.State.AUTH_FAILED);

        assertThat(client.lastReconnectDelayMs()).isEqualTo(200L);
    }

    @Test
    void shouldReconnectAfterTheConnectionDrops() throws Exception
    {
        simulator = ObsSimulator.start(null);
        connect(null);

        simulator.disconnectAll();

        await().atMost(WAIT).until(() -> simulator.identifications() == 2 &&
            client.status().state() == ObsStatus.State.IDENTIFIED);
        assertThat(statuses).extracting(ObsStatus::state).containsSubsequence(ObsStatus.State.IDENTIFIED,
            ObsStatus.State.DISCONNECTED, ObsStatus.State.CONNECTING, ObsStatus.State.IDENTIFIED);
        assertThat(request("GetInputMute", "{\"inputName\":\"Mic\"}").ok()).isTrue();
    }

    @Test
    void shouldRunABatchInOrderAndHaltOnFailure() throws Exception
    {
        simulator = ObsSimulator.start(null);
        connect(null);
        final List<ObsRequest> requests = List.of(
            new ObsRequest("SetCurrentProgramScene", "{\"sceneName\":\"BRB\"}"),
            new ObsRequest("SetCurrentProgramScene", "{\"sceneName\":\"Nope\"}"),
            new ObsRequest("SetInputMute", "{\"inputName\":\"Mic\",\"inputMuted\":true}"));

        final List<ObsResponse> halted = client.batch(requests, true).get();

        assertThat(halted).extracting(ObsResponse::ok).containsExactly(true, false, false);
        assertThat(halted).extracting(ObsResponse::code).containsExactly(100, 600, 0);
        assertThat(halted.get(2).comment()).isEqualTo("not run: an earlier request of the batch failed (haltOnFailure)");
        assertThat(simulator.currentScene()).isEqualTo("BRB");
        assertThat(simulator.inputMuted("Mic")).isFalse();

        final List<ObsResponse> all = client.batch(requests, false).get();

        assertThat(all).extracting(ObsResponse::code).containsExactly(100, 600, 100);
        assertThat(all).extracting(ObsResponse::requestType)
            .containsExactly("SetCurrentProgramScene", "SetCurrentProgramScene", "SetInputMute");
        assertThat(simulator.inputMuted("Mic")).isTrue();
    }

    @Test
    void shouldBoundRequestsInFlightUnderAFlood() throws Exception
    {
        simulator = ObsSimulator.start(null);
        connect(null);
        simulator.holdAnswers();

        final List<CompletableFuture<ObsResponse>> futures = new ArrayList<>();
        for (int i = 0; i < 2000; i++)
        {
            futures.add(client.request("GetInputMute", "{\"inputName\":\"Mic\"}"));
        }

        await().atMost(WAIT).until(() -> futures.stream().filter(CompletableFuture::isDone).count() == 1000);
        assertThat(client.inFlight()).isEqualTo(1000);
        assertThat(futures.subList(1000, 2000)).allSatisfy(f -> assertThat(f.getNow(null).comment())
            .isEqualTo("too many OBS requests in flight (1000 waiting for OBS's answer)"));
        await().atMost(WAIT).until(() -> simulator.requests("GetInputMute").size() == 1000);

        simulator.releaseAnswers();

        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();
        assertThat(futures.subList(0, 1000)).allSatisfy(f -> assertThat(f.getNow(null).ok()).isTrue());
        assertThat(client.inFlight()).isZero();
    }

    @Test
    void shouldDeliverEventsToTheListener() throws Exception
    {
        simulator = ObsSimulator.start(null);
        connect(null);

        request("SetCurrentProgramScene", "{\"sceneName\":\"Celebration\"}");
        simulator.emitEvent("StreamStateChanged", ObsClient.EVENTS_OUTPUTS, "{\"outputActive\":true}");
        simulator.emitEvent("ExitStarted", ObsClient.EVENTS_GENERAL, null);

        await().atMost(WAIT).until(() -> events.contains("ExitStarted 1 null"));
        assertThat(events).containsExactly(
            "CurrentProgramSceneChanged 4 {\"sceneName\":\"Celebration\",\"sceneUuid\":\"" +
                SimulatedObs.uuid("Celebration") + "\"}",
            "ExitStarted 1 null");
    }

    @Test
    void shouldAssembleAMessageThatArrivesInFragments()
    {
        simulator = ObsSimulator.start(null);
        connect(null);
        final String text = "x".repeat(100_000);

        simulator.sendRaw("{\"op\":5,\"d\":{\"eventType\":\"Fragmented\",\"eventIntent\":1,\"eventData\":{\"text\":\"" +
            text + "\"}}}", 7);

        await().atMost(WAIT).until(() -> events.contains("Fragmented 1 {\"text\":\"" + text + "\"}"));
        assertThat(client.status().state()).isEqualTo(ObsStatus.State.IDENTIFIED);
    }

    @Test
    void shouldCloseTheConnectionOnAMessageOver16MiBAndReconnect()
    {
        simulator = ObsSimulator.start(null);
        connect(null);

        simulator.sendRaw("{\"op\":5,\"d\":{\"eventType\":\"Huge\",\"eventIntent\":1,\"eventData\":{\"text\":\"" +
            "y".repeat(17 << 20) + "\"}}}", 17);

        await().atMost(WAIT).until(() -> statuses.stream().anyMatch(s -> s.state() == ObsStatus.State.DISCONNECTED));
        assertThat(statuses).filteredOn(s -> s.state() == ObsStatus.State.DISCONNECTED).first()
            .extracting(ObsStatus::lastError).isEqualTo("OBS sent a message over 16777216 bytes");
        await().atMost(WAIT).until(() -> simulator.identifications() == 2 &&
            client.status().state() == ObsStatus.State.IDENTIFIED);
        assertThat(events).isEmpty();
    }

    @Test
    void shouldUseTheRotatedPasswordAtTheNextConnect() throws Exception
    {
        final AtomicReference<String> password = new AtomicReference<>("first");
        simulator = ObsSimulator.start("first");
        client = ObsClient.launch(context(simulator.url(), null).password(password::get));
        awaitState(ObsStatus.State.IDENTIFIED);

        simulator.password("second");
        simulator.disconnectAll();
        awaitState(ObsStatus.State.AUTH_FAILED);
        password.set("second");

        awaitState(ObsStatus.State.IDENTIFIED);
        assertThat(simulator.identifications()).isEqualTo(2);
        assertThat(request("GetVersion", null).ok()).isTrue();
    }

    @Test
    void shouldNotReconnectAfterOBSInvalidatesTheSession()
    {
        simulator = ObsSimulator.start(null);
        connect(null);

        simulator.closeAll(ObsClient.CLOSE_SESSION_INVALIDATED, "You have been kicked.");

        awaitState(ObsStatus.State.DISCONNECTED);
        assertThat(client.status().lastError()).startsWith("OBS ended the session (4011 You have been kicked.); not reconnecting");
    }

    @Test
    void shouldAnswerPendingRequestsOnClose() throws Exception
    {
        simulator = ObsSimulator.start(null);
        connect(null);
        simulator.holdAnswers();
        final CompletableFuture<ObsResponse> pending = client.request("GetSceneList", null);
        await().atMost(WAIT).until(() -> client.inFlight() == 1);

        client.close();

        assertThat(pending.get().comment()).isEqualTo("the OBS client is closed");
        assertThat(client.request("GetSceneList", null).get().comment()).isEqualTo("the OBS client is closed");
        assertThat(connected.get()).isZero();
    }

    @Test
    void shouldCloseFromItsOwnThread() throws Exception
    {
        simulator = ObsSimulator.start(null);
        connect(null);
        simulator.holdAnswers();
        final CompletableFuture<ObsResponse> afterClose = client.request("GetSceneList", null)
            .thenCompose(first ->
            {
                client.close();
                return client.request("GetSceneList", null);
            });
        await().atMost(WAIT).until(() -> client.inFlight() == 1);

        simulator.releaseAnswers();

        final ObsResponse closedAfter = afterClose.get();

        assertThat(closedAfter.comment()).isEqualTo("the OBS client is closed");
        awaitState(ObsStatus.State.DISCONNECTED);
    }

    @Test
    void shouldBeDisabledWithoutAUrl() throws Exception
    {
        client = ObsClient.launch(context("", null));

        assertThat(client.status().state()).isEqualTo(ObsStatus.State.DISABLED);
        assertThat(request("SetCurrentProgramScene", "{\"sceneName\":\"BRB\"}").comment())
            .isEqualTo("OBS is not configured (obs.url)");
    }

    @Test
    void shouldRefuseAUrlThatIsNotAWebSocketUrl()
    {
        assertThatThrownBy(() -> new ObsClient(new ObsClient.Context().url("http://127.0.0.1:4455")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("obs.url: expected ws://HOST:PORT or wss://HOST:PORT such as ws://127.0.0.1:4455, got " +
                "http://127.0.0.1:4455");
        assertThatThrownBy(() -> new ObsClient(new ObsClient.Context().url("ws://x").reconnectMinMs(500).reconnectMaxMs(100)))
            .hasMessage("obs.reconnectMaxMs: expected 500..3600000, got 100");
    }

    @Test
    void shouldComputeTheAuthenticationStringOfTheProtocol() throws Exception
    {
        assertThat(ObsClient.authentication("supersecretpassword", "lM1GncleQOaCu9lT1yeUZhFYnqhsLLP1G5lAGo3ixaI=",
            "+IxH4CnCiqpX1rM9scsNynZzbOe4KhDeYcTNS3PDaeY="))
            .isEqualTo(RawObsSocket.authentication("supersecretpassword", "lM1GncleQOaCu9lT1yeUZhFYnqhsLLP1G5lAGo3ixaI=",
                "+IxH4CnCiqpX1rM9scsNynZzbOe4KhDeYcTNS3PDaeY="));
    }
}
