package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.json.JsonView;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.commandcenter.transport.websocket.WebSocketUpgrade.JSON_V1;
import static dev.commandcenter.transport.websocket.WebSocketUpgrade.SBE_V1;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class WebSocketSubprotocolTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String FEED = "/ws/all?token=" + Fixture.TOKEN;

    @TempDir
    Path dataDir;

    private Fixture fixture;

    @AfterEach
    void after()
    {
        if (null != fixture)
        {
            fixture.close();
        }
    }

    @Test
    void shouldSelectRenderingBySubprotocolAndAnswerTheChosenOne() throws Exception
    {
        fixture = new Fixture(dataDir);
        final TestClient json = fixture.subscribe(FEED, JSON_V1);
        final TestClient sbe = fixture.subscribe(FEED, SBE_V1);
        final TestClient preferSbe = fixture.subscribe(FEED, "cc.unknown.v9", SBE_V1, JSON_V1);

        assertThat(json.webSocket.getSubprotocol()).isEqualTo(JSON_V1);
        assertThat(sbe.webSocket.getSubprotocol()).isEqualTo(SBE_V1);
        assertThat(preferSbe.webSocket.getSubprotocol()).isEqualTo(SBE_V1);

        final long sequence = fixture.publishPayment(7000);

        assertThat(MAPPER.readTree(json.nextText()).get("sequence").asLong()).isEqualTo(sequence);
        for (final TestClient client : new TestClient[]{ sbe, preferSbe })
        {
            final byte[] bytes = client.nextBinary();
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            assertThat(MessageSchema.validate(buffer, 0, bytes.length)).isNull();
            assertThat(MessageSchema.templateId(buffer, 0)).isEqualTo(JsonView.instance().templateId("OverlayAlert"));
        }
        assertThat(json.texts).isEmpty();
        assertThat(sbe.texts).isEmpty();
        assertThat(json.binaries).isEmpty();
    }

    @Test
    void shouldKeepFormatQueryAsFallbackWhenNoSubprotocolIsOffered() throws Exception
    {
        fixture = new Fixture(dataDir);
        final TestClient sbe = fixture.subscribe(FEED + "&format=sbe");
        final TestClient plain = fixture.subscribe(FEED);

        assertThat(sbe.webSocket.getSubprotocol()).isEmpty();
        fixture.publishPayment(8000);

        final byte[] bytes = sbe.nextBinary();
        assertThat(MessageSchema.validate(new UnsafeBuffer(bytes), 0, bytes.length)).isNull();
        assertThat(MAPPER.readTree(plain.nextText()).get("amountSats").asLong()).isEqualTo(8000);
    }

    @Test
    void shouldAcceptFormatQueryThatAgreesWithTheSubprotocol() throws Exception
    {
        fixture = new Fixture(dataDir);
        final TestClient sbe = fixture.subscribe(FEED + "&format=SBE", SBE_V1);

        fixture.publishPayment(9000);

        final byte[] bytes = sbe.nextBinary();
        assertThat(MessageSchema.validate(new UnsafeBuffer(bytes), 0, bytes.length)).isNull();
    }

    @Test
    void shouldCloseWith1002WhenOnlyUnknownSubprotocolsAreOffered() throws Exception
    {
        fixture = new Fixture(dataDir);
        final TestClient client = fixture.connect(FEED, "graphql-ws", "cc.json.v2");

        assertThat(client.webSocket.getSubprotocol()).isEmpty();
        assertThat(client.awaitClose()).isEqualTo(new TestClient.Close(1002,
            "unsupported subprotocol graphql-ws, cc.json.v2: expected cc.json.v1 or cc.sbe.v1"));
        assertThat(fixture.egress.connectedClients()).isZero();
    }

    @Test
    void shouldCloseWith1008WhenFormatQueryDisagreesWithTheSubprotocol() throws Exception
    {
        fixture = new Fixture(dataDir);
        final TestClient client = fixture.connect(FEED + "&format=json", SBE_V1);

        assertThat(client.webSocket.getSubprotocol()).isEqualTo(SBE_V1);
        assertThat(client.awaitClose()).isEqualTo(new TestClient.Close(1008,
            "subprotocol cc.sbe.v1 disagrees with format=json: drop format= or make them agree"));
    }

    @Test
    void shouldStillRefuseBadTokenBeforeLookingAtSubprotocols() throws Exception
    {
        fixture = new Fixture(dataDir);
        final TestClient client = fixture.connect("/ws/all?token=wrong", "graphql-ws");

        assertThat(client.awaitClose()).isEqualTo(new TestClient.Close(1008, "unauthorized: missing or invalid token"));
    }
}
