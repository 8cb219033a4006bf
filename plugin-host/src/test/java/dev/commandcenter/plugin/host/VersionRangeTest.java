package dev.commandcenter.plugin.host;

import dev.commandcenter.plugin.host.SemanticVersion;
import dev.commandcenter.plugin.host.VersionRange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VersionRangeTest
{
    @Test
    void shouldOrderVersionsAsSemanticVersioningDoes()
    {
        assertThat(v("1.2.0")).isLessThan(v("1.10.0"));
        assertThat(v("2.0.0-rc.1")).isLessThan(v("2.0.0"));
        assertThat(v("2.0.0-alpha")).isLessThan(v("2.0.0-alpha.1"));
        assertThat(v("2.0.0-alpha.2")).isLessThan(v("2.0.0-alpha.10"));
        assertThat(v("1.0.0+build.5")).isEqualByComparingTo(v("1.0.0"));
    }

    @Test
    void shouldAdmitWhatEachFormOfRangeAdmits()
    {
        assertThat(r(">=1.0.0 <2.0.0").admits(v("1.9.9"))).isTrue();
        assertThat(r(">=1.0.0 <2.0.0").admits(v("2.0.0"))).isFalse();
        assertThat(r("^1.2.0").admits(v("1.7.0"))).isTrue();
        assertThat(r("^1.2.0").admits(v("1.1.0"))).isFalse();
        assertThat(r("^0.2.3").admits(v("0.2.9"))).isTrue();
        assertThat(r("^0.2.3").admits(v("0.3.0"))).isFalse();
        assertThat(r("~1.2.0").admits(v("1.2.5"))).isTrue();
        assertThat(r("~1.2.0").admits(v("1.3.0"))).isFalse();
        assertThat(r("1.2.0").admits(v("1.2.0"))).isTrue();
        assertThat(r("1.2.0").admits(v("1.2.1"))).isFalse();
        assertThat(r(">= 1.2").admits(v("1.2.0"))).isTrue();
        assertThat(r("<1.0.0 || >=3.0.0").admits(v("3.1.0"))).isTrue();
        assertThat(r("<1.0.0 || >=3.0.0").admits(v("2.0.0"))).isFalse();
        assertThat(r("*").admits(v("9.9.9"))).isTrue();
    }

    @Test
    void shouldAdmitEveryFormTheDeveloperGuideDocuments()
    {
        assertThat(r("*").admits(v("0.0.1"))).isTrue();
        assertThat(r("=1.2.0").admits(v("1.2.0"))).isTrue();
        assertThat(r(">1.2.0").admits(v("1.2.0"))).isFalse();
        assertThat(r(">1.2.0").admits(v("1.2.1"))).isTrue();
        assertThat(r("<=1.2.0").admits(v("1.2.0"))).isTrue();
        assertThat(r("^1.2.0").admits(v("2.0.0"))).isFalse();
        assertThat(r("~1.2.0").admits(v("1.2.99"))).isTrue();
        assertThat(r(">=1.2").admits(v("1.1.9"))).isFalse();
        assertThat(r(">=1.0.0 <2.0.0").admits(v("2.0.0-rc.1"))).isTrue();
        assertThat(r(" ^1.0.0 ").toString()).isEqualTo("^1.0.0");
        assertThat(VersionRange.any().admits(v("9.0.0"))).isTrue();
    }

    @Test
    void shouldRefuseATermItCannotReadRatherThanDropIt()
    {
        assertThatThrownBy(() -> VersionRange.parse(">=1.0.0 soon")).hasMessageEndingWith("got '>=1.0.0 soon'");
        assertThatThrownBy(() -> VersionRange.parse(">=1.0.0 || later")).hasMessageEndingWith("got '>=1.0.0 || later'");
        assertThatThrownBy(() -> VersionRange.parse("1.0.0 - 2.0.0")).hasMessageStartingWith("expected a version range");
        assertThatThrownBy(() -> VersionRange.parse(">=")).hasMessageStartingWith("expected a version range");
        assertThatThrownBy(() -> SemanticVersion.parse("v1.2.0")).hasMessageEndingWith("got 'v1.2.0'");
        assertThatThrownBy(() -> SemanticVersion.parse("01.2.0")).hasMessageEndingWith("got '01.2.0'");
    }

    @Test
    void shouldSayWhatWasExpected()
    {
        assertThatThrownBy(() -> SemanticVersion.parse("1.2"))
            .hasMessage("expected a semantic version such as 1.2.0, got '1.2'");
        assertThatThrownBy(() -> VersionRange.parse(">=one"))
            .hasMessageStartingWith("expected a version range such as '>=1.0.0 <2.0.0'").hasMessageEndingWith("got '>=one'");
    }

    private static SemanticVersion v(final String text)
    {
        return SemanticVersion.parse(text);
    }

    private static VersionRange r(final String text)
    {
        return VersionRange.parse(text);
    }
}
