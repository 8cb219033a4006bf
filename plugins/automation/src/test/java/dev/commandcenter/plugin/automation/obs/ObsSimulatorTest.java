package dev.commandcenter.plugin.automation.obs;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class ObsSimulatorTest
{
    private ObsSimulator simulator;

    @AfterEach
    void after()
    {
        if (null != simulator)
        {
            simulator.close();
        }
    }

    @Test
    void shouldAskForAuthenticationAndIdentifyTheRightPassword() throws Exception
    {
        simulator = ObsSimulator.start("hunter2");
        try (RawObsSocket socket = new RawObsSocket(simulator.url()))
        {
            final JsonNode identified = socket.identify("hunter2", 4);

            assertThat(identified.path("op").asInt()).isEqualTo(2);
            assertThat(identified.path("d").path("negotiatedRpcVersion").asInt()).isEqualTo(1);
            assertThat(simulator.lastIdentify()).contains("\"eventSubscriptions\":4");
        }
    }

    @Test
    void shouldCloseWith4009OnAWrongPassword() throws Exception
    {
        simulator = ObsSimulator.start("hunter2");
        try (RawObsSocket socket = new RawObsSocket(simulator.url()))
        {
            socket.sendIdentify("wrong", 0);

            assertThat(socket.closeReason()).isEqualTo("4009 Authentication failed.");
            assertThat(simulator.clients()).isZero();
        }
    }

    @Test
    void shouldCloseWith4010OnAnotherRpcVersion() throws Exception
    {
        simulator = ObsSimulator.start(null);
        try (RawObsSocket socket = new RawObsSocket(simulator.url()))
        {
            assertThat(socket.next().path("d").has("authentication")).isFalse();
            socket.send("{\"op\":1,\"d\":{\"rpcVersion\":2}}");

            assertThat(socket.closeReason()).startsWith("4010 ");
        }
    }

    @Test
    void shouldCloseWith4002OnAMessageThatIsNotJson() throws Exception
    {
        simulator = ObsSimulator.start(null);
        try (RawObsSocket socket = new RawObsSocket(simulator.url()))
        {
            socket.next();
            socket.send("{not json");

            assertThat(socket.closeReason()).startsWith("4002 ");
        }
    }

    @Test
    void shouldCloseWith4007OnARequestBeforeIdentify() throws Exception
    {
        simulator = ObsSimulator.start(null);
        try (RawObsSocket socket = new RawObsSocket(simulator.url()))
        {
            socket.next();
            socket.send("{\"op\":6,\"d\":{\"requestType\":\"GetVersion\",\"requestId\":\"1\"}}");

            assertThat(socket.closeReason()).startsWith("4007 ");
        }
    }

    @Test
    void shouldAnswerRequestsAndSendSubscribedEvents() throws Exception
    {
        simulator = ObsSimulator.start(null);
        try (RawObsSocket socket = new RawObsSocket(simulator.url()))
        {
            socket.identify(null, 4);
            socket.send("{\"op\":6,\"d\":{\"requestType\":\"SetCurrentProgramScene\",\"requestId\":\"a\"," +
                "\"requestData\":{\"sceneName\":\"BRB\"}}}");

            final JsonNode event = socket.next();
            final JsonNode response = socket.next();
            assertThat(event.path("op").asInt()).isEqualTo(5);
            assertThat(event.path("d").path("eventType").asText()).isEqualTo("CurrentProgramSceneChanged");
            assertThat(event.path("d").path("eventData").path("sceneName").asText()).isEqualTo("BRB");
            assertThat(response.path("op").asInt()).isEqualTo(7);
            assertThat(response.path("d").path("requestId").asText()).isEqualTo("a");
            assertThat(response.path("d").path("requestStatus").path("code").asInt()).isEqualTo(100);
            assertThat(simulator.currentScene()).isEqualTo("BRB");
            assertThat(simulator.requests()).containsExactly(new ObsRequest("SetCurrentProgramScene", "{\"sceneName\":\"BRB\"}"));
        }
    }

    @Test
    void shouldNotSendEventsOutsideTheSubscription() throws Exception
    {
        simulator = ObsSimulator.start(null);
        try (RawObsSocket socket = new RawObsSocket(simulator.url()))
        {
            socket.identify(null, 8);
            socket.send("{\"op\":6,\"d\":{\"requestType\":\"SetCurrentProgramScene\",\"requestId\":\"a\"," +
                "\"requestData\":{\"sceneName\":\"BRB\"}}}");

            assertThat(socket.next().path("op").asInt()).isEqualTo(7);
        }
    }
}
