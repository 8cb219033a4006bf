package dev.commandcenter.perf.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class HostileElectrumServerTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldAnswerTheHandshakeAndHistoryWhileQuiet() throws IOException
    {
        final HostileElectrumServer server = new HostileElectrumServer(10_000, 1 << 20, 10);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port()))
        {
            socket.setSoTimeout(5_000);
            final BufferedReader in = reader(socket);

            send(socket, 1, "server.version", "[\"commandcenter\",\"1.4\"]");
            assertThat(JSON.readTree(in.readLine()).get("result").get(1).asText()).isEqualTo("1.4");
            send(socket, 2, "blockchain.headers.subscribe", "[]");
            final JsonNode tip = JSON.readTree(in.readLine()).get("result");
            assertThat(tip.get("height").asInt()).isEqualTo(HostileElectrumServer.TIP_HEIGHT);
            assertThat(tip.get("hex").asText()).hasSize(160);
            send(socket, 3, "blockchain.scripthash.subscribe", "[\"" + "00".repeat(32) + "\"]");
            assertThat(JSON.readTree(in.readLine()).get("result").isNull()).isTrue();
            send(socket, 4, "blockchain.scripthash.get_history", "[\"" + "00".repeat(32) + "\"]");
            final JsonNode history = JSON.readTree(in.readLine());
            assertThat(history.get("id").asInt()).isEqualTo(4);
            assertThat(history.get("result").isArray()).isTrue();
        }
        finally
        {
            server.shutdown();
        }
    }

    @Test
    void shouldStreamLargeNotificationsUpToItsBoundAndNeverAnswerHistoryWhenHostile() throws IOException
    {
        final HostileElectrumServer server = new HostileElectrumServer(100_000, 1 << 20, 10);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port()))
        {
            socket.setSoTimeout(5_000);
            final BufferedReader in = reader(socket);
            send(socket, 1, "server.version", "[\"commandcenter\",\"1.4\"]");
            in.readLine();
            send(socket, 5, "blockchain.scripthash.subscribe", "[\"" + "11".repeat(32) + "\"]");
            in.readLine();

            server.start();
            final JsonNode changed = JSON.readTree(in.readLine());
            assertThat(changed.get("method").asText()).isEqualTo("blockchain.scripthash.subscribe");
            assertThat(changed.get("params").get(0).asText()).isEqualTo("11".repeat(32));
            assertThat(changed.get("params").get(1).asText()).isEqualTo(HostileElectrumServer.HOSTILE_STATUS);
            send(socket, 2, "blockchain.scripthash.get_history", "[\"" + "00".repeat(32) + "\"]");
            send(socket, 3, "server.ping", "[]");
            long notifications = 0;
            boolean pong = false;
            while (!pong || notifications < 10)
            {
                final String line = in.readLine();
                final JsonNode message = JSON.readTree(line);
                if ("blockchain.headers.subscribe".equals(message.path("method").asText()))
                {
                    assertThat(line.length() + 1).isEqualTo(100_000);
                    assertThat(message.get("params").get(0).get("height").asInt()).isEqualTo(HostileElectrumServer.TIP_HEIGHT);
                    notifications++;
                }
                else
                {
                    assertThat(message.get("id").asInt()).isEqualTo(3);
                    pong = true;
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.stats().note().startsWith("byte bound"));
            assertThat(server.stats().bytesSent.get()).isBetween(1L << 20, (1L << 20) + 100_000 + 200);
            assertThat(server.historiesUnanswered()).isEqualTo(1);
        }
        finally
        {
            server.shutdown();
        }
    }

    private static BufferedReader reader(final Socket socket) throws IOException
    {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void send(final Socket socket, final int id, final String method, final String params)
        throws IOException
    {
        final OutputStream out = socket.getOutputStream();
        out.write(("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}\n")
            .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
