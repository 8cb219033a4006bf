package dev.commandcenter.perf.fanout;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fan-out harness's command line and environment: defaults, the bounds on client counts, one-line refusals.
 */
class FanoutOptionsTest
{
    private static final Path ROOT = Path.of("/project");

    @Test
    void shouldDefaultToEveryServerAtOneHundredAndAThousandClientsWithShortPhases()
    {
        final FanoutOptions options = FanoutOptions.parse(new String[0], Map.of(), ROOT, "20261201-220000");

        assertThat(options.clients()).containsExactly(1, 100, 1000);
        assertThat(options.servers()).containsExactly(ServerKind.NETTY, ServerKind.NATIVE, ServerKind.NODE);
        assertThat(options.paced()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.saturation()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.saturationWarmup()).isEqualTo(Duration.ofSeconds(15));
        assertThat(options.window(1)).isEqualTo(128);
        assertThat(options.window(100)).isEqualTo(128);
        assertThat(options.window(1000)).isEqualTo(64);
        assertThat(options.window(10_000)).isEqualTo(6);
        assertThat(options.pacedRate(100)).isEqualTo(500);
        assertThat(options.pacedRate(1000)).isEqualTo(100);
        assertThat(options.out()).isEqualTo(ROOT.resolve("perf/target/fanout/20261201-220000"));
    }

    @Test
    void shouldTakeCountsServersAndTheEnvironment()
    {
        final FanoutOptions options = FanoutOptions.parse(new String[] { "--servers", "node,netty", "--large", "1",
            "10,000", "--out", "/tmp/x" }, Map.of("PACED", "20s", "SATURATION", "500ms", "RATE", "200", "WINDOW", "16"),
            ROOT, "now");

        assertThat(options.clients()).containsExactly(1, 10_000);
        assertThat(options.servers()).containsExactly(ServerKind.NODE, ServerKind.NETTY);
        assertThat(options.paced()).isEqualTo(Duration.ofSeconds(20));
        assertThat(options.saturation()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.pacedRate(10_000)).isEqualTo(200);
        assertThat(options.window(10_000)).isEqualTo(16);
        assertThat(options.out()).isEqualTo(Path.of("/tmp/x"));
    }

    @Test
    void shouldRefuseTenThousandClientsWithoutLargeAndAnythingAboveTheMaximum()
    {
        assertThatThrownBy(() -> FanoutOptions.parse(new String[] { "10000" }, Map.of(), ROOT, "now"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("client count 10000 is above 1000: pass --large to run it (each side then needs 11024 open files)");
        assertThatThrownBy(() -> FanoutOptions.parse(new String[] { "--large", "10001" }, Map.of(), ROOT, "now"))
            .hasMessage("client count 10001 is out of range, expected 1 to 10000");
    }

    @Test
    void shouldRefuseBadValuesWithOneLine()
    {
        for (final Object[] bad : List.of(
            new Object[] { new String[] { "many" }, Map.of(), "client count 'many' is not a whole number, expected 1 to 10000" },
            new Object[] { new String[] { "--servers", "apache" }, Map.of(),
                "--servers: unknown server 'apache', expected netty, native or node (comma-separated)" },
            new Object[] { new String[] { "--fast" }, Map.of(),
                "unknown option '--fast', expected --servers, --large, --out or client counts" },
            new Object[] { new String[0], Map.of("RATE", "0"), "RATE='0' is not a whole number of 1 or more" },
            new Object[] { new String[0], Map.of("PACED", "soon"),
                "PACED='soon' is not a duration, expected such as 10s, 500ms or 1m" },
            new Object[] { new String[0], Map.of("SATURATION", "0s"), "SATURATION='0s' must be more than 0" }))
        {
            @SuppressWarnings("unchecked")
            final Map<String, String> env = (Map<String, String>)bad[1];
            assertThatThrownBy(() -> FanoutOptions.parse((String[])bad[0], env, ROOT, "now"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage((String)bad[2]);
        }
    }
}
