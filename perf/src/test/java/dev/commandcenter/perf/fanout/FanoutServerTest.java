package dev.commandcenter.perf.fanout;

import dev.commandcenter.perf.EngineChild;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's config the harness writes, and the one line it keeps of an engine that would not start.
 */
class FanoutServerTest
{
    @Test
    void shouldNameTheBackendAndLetEveryClientInFromLoopback()
    {
        final String yaml = FanoutServer.engineConfig("t0k3n", "native", 10_000);

        assertThat(yaml).contains("websocket:\n  bind: 127.0.0.1\n  port: 0\n  backend: native\n  adminToken: t0k3n\n");
        assertThat(yaml).contains("  maxConnections: 11024\n  maxConnectionsPerAddress: 11024\n");
        assertThat(yaml).contains("    alertDurationMs: 1\n");
        assertThat(yaml).contains("engine:\n  runOn: http-loop\n");
        assertThat(FanoutServer.engineConfig("t", null, 1)).doesNotContain("backend").contains("maxConnections: 4096\n");
    }

    @Test
    void shouldReadTheEnginesDropCountersFromItsMetrics()
    {
        final String metrics = "# TYPE commandcenter_websocket_drops_total counter\n" +
            "commandcenter_websocket_drops_total 67464\n" +
            "commandcenter_websocket_slow_client_closes_total 3\n";

        assertThat(EngineChild.drops(metrics)).containsExactly(67_464L, 3L);
        assertThat(EngineChild.drops("commandcenter_websocket_drops_total 1\n")).isNull();
    }

    @Test
    void shouldKeepTheEnginesLastLineWithoutTheTemporaryPathOrTheListOfKeys()
    {
        final String reason = FanoutServer.lastWords(List.of("starting", "commandcenter: /tmp/x/fanout.yaml: unknown key " +
            "'websocket.backend' (line 5), expected one of [acceptWalletEventsOverRest, adminToken]", "  "),
            "/tmp/x/fanout.yaml");

        assertThat(reason).isEqualTo("commandcenter: fanout.yaml: unknown key 'websocket.backend' (line 5)");
        assertThat(FanoutServer.lastWords(List.of(), null)).isEmpty();
    }
}
