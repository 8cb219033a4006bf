package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every test of {@link WireBridgeTest} again with a transport that broadcasts: the egress hands each output's frame
 * to the transport once for all of its clients ({@link DirectFanout}) instead of once per client through each
 * client's channel, and feeds, resume with its gap, the slow-client policy and closes behave the same.
 */
class WireBridgeBroadcastTest extends WireBridgeTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String FEED = "/ws/alerts?token=" + Fixture.TOKEN;

    @BeforeEach
    void broadcast()
    {
        transport.broadcasting = true;
    }

    @Test
    void shouldHandEachOutputToTheTransportOnceForAllOfItsClientsInOrder() throws Exception
    {
        fixture = new Fixture(dataDir, new WebSocketEgress(0), (ctx) -> {}, (ctx) -> ctx.wireTransport(transport));
        final List<TestClient> clients = List.of(fixture.subscribe(FEED), fixture.subscribe(FEED), fixture.subscribe(FEED));

        final long[] sequences = new long[20];
        for (int i = 0; i < sequences.length; i++)
        {
            sequences[i] = fixture.publishPayment(100 + i);
        }
        for (final TestClient client : clients)
        {
            for (int i = 0; i < sequences.length; i++)
            {
                assertThat(MAPPER.readTree(client.nextText()).get("sequence").asLong()).isEqualTo(sequences[i]);
            }
        }

        assertThat(transport.broadcastCalls.get()).isEqualTo(sequences.length);
        assertThat(transport.broadcastCounts).containsOnly(3);
        assertThat(fixture.egress.messagesSent()).isEqualTo(3L * sequences.length);
        assertThat(fixture.errors).isEmpty();
    }
}
