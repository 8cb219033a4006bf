package dev.commandcenter.perf.chat;

import dev.commandcenter.perf.EngineChild;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine the chat load runs against: its config (loopback, the chat token, limits above the run), its drop
 * counters and its last words when it does not start.
 */
class ChatEngineTest
{
    @Test
    void shouldConfigureLoopbackTheChatTokenAndLimitsAboveTheRun()
    {
        final String yaml = ChatEngine.config("admin-token", "chat-token", 5_000, 200);

        assertThat(yaml).contains("  bind: 127.0.0.1\n", "  port: 0\n", "  adminToken: admin-token\n",
            "  chatToken: chat-token\n", "  maxConnections: 6024\n", "  maxConnectionsPerAddress: 6024\n",
            "chat:\n", "  postsPerSecondPerAddress: 2000\n", "  burstPerConnection: 2000\n");
        assertThat(ChatEngine.config("a", "c", 10, 10)).contains("  maxConnections: 4096\n",
            "  postsPerSecondPerConnection: 1000\n");
    }

    @Test
    void shouldReadTheDropCountersAndTheLastWordsOfAnEngineThatExited()
    {
        assertThat(EngineChild.drops("commandcenter_websocket_drops_total 3\n" +
            "commandcenter_websocket_slow_client_closes_total 1\n")).containsExactly(3, 1);
        assertThat(EngineChild.drops("other 1\n")).isNull();
        assertThat(ChatEngine.lastWords(List.of("starting", "/tmp/x/chat-load.yaml: unknown key 'chat' (line 12), " +
            "expected one of [engine, journal]", " "), "/tmp/x/chat-load.yaml"))
            .isEqualTo("chat-load.yaml: unknown key 'chat' (line 12)");
    }
}
