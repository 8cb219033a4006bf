package dev.commandcenter.perf.edge;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The edge benchmark's command line: the defaults, the quick smoke run, overrides, one-line refusals.
 */
class EdgeOptionsTest
{
    private static final Path ROOT = Path.of("/project");

    @Test
    void shouldDefaultToARunOfAFewMinutes()
    {
        final EdgeOptions options = EdgeOptions.parse(new String[0], ROOT, "20261202-000000");

        assertThat(options.viewers()).isEqualTo(200);
        assertThat(options.rate()).isEqualTo(200);
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.hopRate()).isEqualTo(100);
        assertThat(options.hopDuration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(options.quick()).isFalse();
        assertThat(options.expectedFrames()).isEqualTo(200L * 20 * 200);
        assertThat(options.out()).isEqualTo(ROOT.resolve("perf/target/edge/20261202-000000"));
    }

    @Test
    void shouldMakeTheQuickRunSmallAndLetOtherOptionsOverrideIt()
    {
        final EdgeOptions quick = EdgeOptions.parse(new String[] { "--quick" }, ROOT, "now");
        final EdgeOptions overridden = EdgeOptions.parse(new String[] { "--viewers", "1,000", "--quick", "--rate", "50",
            "--duration", "500ms", "--warmup", "0", "--hop-rate", "10", "--hop-duration", "1m", "--out", "/tmp/x" },
            ROOT, "now");

        assertThat(quick.quick()).isTrue();
        assertThat(quick.viewers()).isEqualTo(20);
        assertThat(quick.rate()).isEqualTo(100);
        assertThat(quick.duration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(quick.hopDuration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(overridden.viewers()).isEqualTo(1000);
        assertThat(overridden.rate()).isEqualTo(50);
        assertThat(overridden.duration()).isEqualTo(Duration.ofMillis(500));
        assertThat(overridden.warmup()).isZero();
        assertThat(overridden.hopRate()).isEqualTo(10);
        assertThat(overridden.hopDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(overridden.out()).isEqualTo(Path.of("/tmp/x"));
    }

    @Test
    void shouldRefuseBadValuesWithOneLineNamingTheOption()
    {
        assertRefused(new String[] { "--viewers", "1" }, "--viewers 1 is out of range, expected 2 to 2000");
        assertRefused(new String[] { "--viewers", "many" }, "--viewers 'many' is not a whole number, expected 2 to 2000");
        assertRefused(new String[] { "--rate", "0" }, "--rate 0 is out of range, expected 1 to 10000");
        assertRefused(new String[] { "--duration", "soon" },
            "--duration 'soon' is not a duration, expected such as 10s, 500ms or 1m");
        assertRefused(new String[] { "--hop-duration", "0" }, "--hop-duration '0' is too short, expected 100ms or more");
        assertRefused(new String[] { "--out" }, "--out needs a value");
        assertRefused(new String[] { "--edges", "3" }, "unknown option '--edges', expected --quick, --viewers");
    }

    private static void assertRefused(final String[] args, final String message)
    {
        assertThatThrownBy(() -> EdgeOptions.parse(args, ROOT, "now"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(message)
            .satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("\n"));
    }
}
