package dev.commandcenter.perf.chat;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chat load's command line: issue #13's defaults, the smoke run, overrides, and one-line refusals.
 */
class ChatLoadOptionsTest
{
    private static final Path ROOT = Path.of("/project");

    @Test
    void shouldDefaultToIssue13sLoadWithTheReportUnderBenchResults()
    {
        final ChatLoadOptions options = ChatLoadOptions.parse(new String[0], ROOT, "20261202-030000");

        assertThat(options.clients()).isEqualTo(1_000);
        assertThat(options.rate()).isEqualTo(200);
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.format()).isEqualTo(ChatLoadOptions.JSON);
        assertThat(options.out()).isEqualTo(Path.of("/project/bench-results/peers-chat-20261202-030000"));
        assertThat(options.warmupMessages()).isEqualTo(1_000);
        assertThat(options.measuredMessages()).isEqualTo(6_000);
    }

    @Test
    void shouldTakeTheSmokeRunAndOverrides()
    {
        final ChatLoadOptions quick = ChatLoadOptions.parse(new String[] { "--quick", "--format", "sbe" }, ROOT, "x");
        final ChatLoadOptions custom = ChatLoadOptions.parse(new String[] { "--clients", "2,000", "--rate", "500",
            "--duration", "1m", "--warmup", "0", "--posters", "8", "--threads", "2", "--tail", "500ms", "--out", "/tmp/r" },
            ROOT, "x");

        assertThat(quick.clients()).isEqualTo(100);
        assertThat(quick.rate()).isEqualTo(50);
        assertThat(quick.duration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(quick.format()).isEqualTo(ChatLoadOptions.SBE);
        assertThat(custom.clients()).isEqualTo(2_000);
        assertThat(custom.measuredMessages()).isEqualTo(30_000);
        assertThat(custom.warmupMessages()).isZero();
        assertThat(custom.posters()).isEqualTo(8);
        assertThat(custom.threads()).isEqualTo(2);
        assertThat(custom.tail()).isEqualTo(Duration.ofMillis(500));
        assertThat(custom.out()).isEqualTo(Path.of("/tmp/r"));
    }

    @Test
    void shouldRefuseBadValuesWithOneLineNamingTheOption()
    {
        assertThatThrownBy(() -> parse("--clients", "0")).hasMessage(
            "--clients 0 is out of range, expected 1 to 10000");
        assertThatThrownBy(() -> parse("--rate", "fast")).hasMessage(
            "--rate 'fast' is not a whole number, expected 1 to 10000");
        assertThatThrownBy(() -> parse("--duration", "10x")).hasMessage(
            "--duration '10x' is not a duration, expected such as 10s, 500ms or 1m");
        assertThatThrownBy(() -> parse("--format", "xml")).hasMessage(
            "--format 'xml' is not a feed format, expected json or sbe");
        assertThatThrownBy(() -> parse("--posters")).hasMessage("--posters needs a value");
        assertThatThrownBy(() -> parse("--bogus")).hasMessageStartingWith("unknown option '--bogus', expected");
        assertThatThrownBy(() -> parse("--help")).hasMessageStartingWith("usage: perf/peers-chat/run");
    }

    private static ChatLoadOptions parse(final String... args)
    {
        return ChatLoadOptions.parse(args, ROOT, "x");
    }
}
