package dev.commandcenter.perf.soak;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SoakOptionsTest
{
    private static final Path ROOT = Path.of("/project");

    @Test
    void shouldDefaultToTheIssuesLoadWithEveryAttacker()
    {
        final SoakOptions options = SoakOptions.parse(new String[0], ROOT, "20261201-190000");

        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.clients()).isEqualTo(1000);
        assertThat(options.rate()).isEqualTo(100);
        assertThat(options.attackers()).isEqualTo(EnumSet.allOf(AttackerKind.class));
        assertThat(options.hogMax()).isEqualTo(20_000);
        assertThat(options.out()).isEqualTo(ROOT.resolve("perf/target/soak/20261201-190000"));
    }

    @Test
    void shouldParseEveryOptionInBothSpellings()
    {
        final SoakOptions options = SoakOptions.parse(new String[]{ "--duration", "20s", "--clients=200", "--rate", "50",
            "--attackers", "pipeliner,pinger", "--ramp=500ms", "--hog-max", "100", "--out", "/tmp/x" }, ROOT, "t");

        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(options.ramp()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.clients()).isEqualTo(200);
        assertThat(options.rate()).isEqualTo(50);
        assertThat(options.attackers()).containsExactly(AttackerKind.PIPELINER, AttackerKind.PINGER);
        assertThat(options.hogMax()).isEqualTo(100);
        assertThat(options.out()).isEqualTo(Path.of("/tmp/x"));
    }

    @Test
    void shouldTakeNoneAsNoAttackers()
    {
        assertThat(SoakOptions.parse(new String[]{ "--attackers", "none" }, ROOT, "t").attackers()).isEmpty();
    }

    @Test
    void shouldRefuseBadValuesNamingOptionValueAndExpectation()
    {
        assertThatThrownBy(() -> SoakOptions.parse(new String[]{ "--duration", "soon" }, ROOT, "t"))
            .hasMessage("--duration 'soon' is not a duration, expected such as 60s, 500ms or 2m");
        assertThatThrownBy(() -> SoakOptions.parse(new String[]{ "--clients", "0" }, ROOT, "t"))
            .hasMessage("--clients '0' is not a whole number from 1 to 100000");
        assertThatThrownBy(() -> SoakOptions.parse(new String[]{ "--attackers", "pipeliner,nuke" }, ROOT, "t"))
            .hasMessage("--attackers: unknown attacker 'nuke' (expected all, none or " +
                "pipeliner,pinger,slowloris,hog,electrum,bodies)");
        assertThatThrownBy(() -> SoakOptions.parse(new String[]{ "--rate" }, ROOT, "t"))
            .hasMessageStartingWith("--rate needs a value");
        assertThatThrownBy(() -> SoakOptions.parse(new String[]{ "--speed", "1" }, ROOT, "t"))
            .hasMessageStartingWith("unknown option '--speed'");
        assertThatThrownBy(() -> SoakOptions.parse(new String[]{ "--duration", "0s" }, ROOT, "t"))
            .hasMessage("--duration '0s' must be more than 0");
    }
}
