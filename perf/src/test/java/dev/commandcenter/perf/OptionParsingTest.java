package dev.commandcenter.perf;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionParsingTest
{
    @Test
    void shouldReadTheValueAfterAnOption()
    {
        assertThat(OptionParsing.value(new String[]{ "--rate", "200" }, 1, "--rate")).isEqualTo("200");
        assertThatThrownBy(() -> OptionParsing.value(new String[]{ "--rate" }, 1, "--rate"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("--rate needs a value");
        assertThatThrownBy(() -> OptionParsing.value(new String[]{ "--rate", "--quick" }, 1, "--rate"))
            .hasMessage("--rate needs a value");
    }

    @Test
    void shouldReadWholeNumbersInRange()
    {
        assertThat(OptionParsing.whole("--clients", "10,000", 1, 10_000)).isEqualTo(10_000);
        assertThat(OptionParsing.whole("--clients", "1_000", 1, 10_000)).isEqualTo(1_000);
        assertThatThrownBy(() -> OptionParsing.whole("--clients", "many", 1, 10))
            .hasMessage("--clients 'many' is not a whole number, expected 1 to 10");
        assertThatThrownBy(() -> OptionParsing.whole("--clients", "11", 1, 10))
            .hasMessage("--clients 11 is out of range, expected 1 to 10");
    }

    @Test
    void shouldReadDurationsWithUnits()
    {
        assertThat(OptionParsing.parseDuration("--duration", "30", false)).isEqualTo(Duration.ofSeconds(30));
        assertThat(OptionParsing.parseDuration("--duration", "500ms", false)).isEqualTo(Duration.ofMillis(500));
        assertThat(OptionParsing.parseDuration("--duration", "1.5m", false)).isEqualTo(Duration.ofSeconds(90));
        assertThat(OptionParsing.parseDuration("--warmup", "0", true)).isEqualTo(Duration.ZERO);
        assertThat(OptionParsing.parseDuration(" 2s ", "refused")).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldRefuseDurationsThatAreNotOrTooShort()
    {
        assertThatThrownBy(() -> OptionParsing.parseDuration("--duration", "soon", false))
            .hasMessage("--duration 'soon' is not a duration, expected such as 10s, 500ms or 1m");
        assertThatThrownBy(() -> OptionParsing.parseDuration("--duration", "50ms", false))
            .hasMessage("--duration '50ms' is too short, expected 100ms or more");
        assertThatThrownBy(() -> OptionParsing.parseDuration(null, "DURATION='null' is not a duration"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("DURATION='null' is not a duration");
    }
}
