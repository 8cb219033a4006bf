package dev.commandcenter.config;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.OptBoolean;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigBinderTest
{
    private static final String FILE = "settings.yaml";

    enum Mode
    {
        PAGE_CACHE, SYNC, BUSY_SPIN
    }

    static final class SyncOrBusySpin extends LabelledEnumDeserializer<Mode>
    {
        private static final long serialVersionUID = 1L;

        SyncOrBusySpin()
        {
            super(Mode.class, Mode.SYNC, Mode.BUSY_SPIN);
        }
    }

    record Limits(Integer lagLimit, Mode mode)
    {
        Limits
        {
            if (null != lagLimit && lagLimit < 1)
            {
                throw new InvalidValueException("lagLimit", "expected 1 or more, got " + lagLimit);
            }
        }
    }

    record Injected(@JacksonInject(value = "origin", useInput = OptBoolean.FALSE) String origin, String name)
    {
    }

    record Settings(
        String name,
        Boolean enabled,
        List<Limits> limits,
        @JsonDeserialize(using = SyncOrBusySpin.class) Mode narrow)
    {
    }

    @Test
    void shouldBindRecordsAndEnumsWrittenAsLabels()
    {
        final Settings settings = ConfigBinder.read("""
            name: tips
            enabled: true
            limits:
              - lagLimit: 5
                mode: page-cache
              - mode: BUSY_SPIN
            narrow: sync
            """, FILE, Settings.class);

        assertThat(settings.name()).isEqualTo("tips");
        assertThat(settings.limits()).containsExactly(new Limits(5, Mode.PAGE_CACHE), new Limits(null, Mode.BUSY_SPIN));
        assertThat(settings.narrow()).isEqualTo(Mode.SYNC);
        assertThat(LabelledEnumDeserializer.label(Mode.PAGE_CACHE)).isEqualTo("page-cache");
    }

    @Test
    void shouldNameFileKeyLineAndExpectation()
    {
        assertThatThrownBy(() -> ConfigBinder.read("name: x\ncolour: red\n", FILE, Settings.class))
            .isInstanceOf(ConfigException.class)
            .hasMessage(FILE + ": unknown key 'colour' (line 2), expected one of [enabled, limits, name, narrow]");
        assertThatThrownBy(() -> ConfigBinder.read("name: x\nlimits:\n  - mode: fast\n", FILE, Settings.class))
            .hasMessage(FILE + ": 'limits[0].mode' (line 3) expected one of page-cache | sync | busy-spin, got 'fast'");
        assertThatThrownBy(() -> ConfigBinder.read("narrow: page-cache\n", FILE, Settings.class))
            .hasMessage(FILE + ": 'narrow' (line 1) expected one of sync | busy-spin, got 'page-cache'");
        assertThatThrownBy(() -> ConfigBinder.read("limits:\n  - mode: sync\n  - lagLimit: 0\n", FILE, Settings.class))
            .hasMessage(FILE + ": 'limits[1].lagLimit' (line 3) expected 1 or more, got 0")
            .isInstanceOfSatisfying(ConfigException.class, (ex) ->
            {
                assertThat(ex.source()).isEqualTo(FILE);
                assertThat(ex.key()).isEqualTo("limits[1].lagLimit");
                assertThat(ex.line()).isEqualTo(3);
            });
        assertThatThrownBy(() -> ConfigBinder.read("enabled: yes\n", FILE, Settings.class))
            .hasMessage(FILE + ": 'enabled' (line 1) expected true or false, got 'yes'");
        assertThatThrownBy(() -> ConfigBinder.read("limits:\n  - lagLimit: 1.5\n", FILE, Settings.class))
            .hasMessageStartingWith(FILE + ": 'limits[0].lagLimit' (line 2) expected a whole number");
        assertThatThrownBy(() -> ConfigBinder.read("limits: none\n", FILE, Settings.class))
            .hasMessageStartingWith(FILE + ": 'limits' (line 1) expected a list");
        assertThatThrownBy(() -> ConfigBinder.read("name: \"open\n", FILE, Settings.class))
            .hasMessageStartingWith(FILE + ": not valid YAML (line 1): ");
    }

    @Test
    void shouldBindMapsWithoutLinesThatWouldMislead()
    {
        assertThatThrownBy(() -> ConfigBinder.convert(Map.of("limits", List.of(Map.of("lagLimit", 0))), "given",
            Settings.class))
            .hasMessage("given: 'limits[0].lagLimit' expected 1 or more, got 0");
        assertThat(ConfigBinder.convert(Map.of("name", "n"), "given", Settings.class).name()).isEqualTo("n");
    }

    @Test
    void shouldShapeEveryMessageTheSameWay()
    {
        assertThat(new ConfigException("f.yaml", "a.b", 3, "expected 1 or more, got 0").getMessage())
            .isEqualTo("f.yaml: 'a.b' (line 3) expected 1 or more, got 0");
        assertThat(new ConfigException("f.yaml", "a.b", 0, "the plugin needs plugin API 2").getMessage())
            .isEqualTo("f.yaml: 'a.b': the plugin needs plugin API 2");
        assertThat(new ConfigException("f.yaml", "", 4, "expected a section of keys").getMessage())
            .isEqualTo("f.yaml (line 4): expected a section of keys");
        assertThat(new ConfigException("f.yaml", "", 0, "no plugin.yaml\nin the jar").getMessage())
            .isEqualTo("f.yaml: no plugin.yaml");
    }

    @Test
    void shouldFindTheLineOfAKey()
    {
        final String text = "a:\n  b:\n    - x: 1\n    - y: 2\nc: 3\n";

        assertThat(ConfigBinder.lineOf(text, "a.b[1].y")).isEqualTo(4);
        assertThat(ConfigBinder.lineOf(text, "c")).isEqualTo(5);
        assertThat(ConfigBinder.lineOf(text, "d")).isZero();
    }

    @Test
    void shouldTakeInjectedValuesFromTheCallerOnly()
    {
        final Injected injected = ConfigBinder.read("name: tips\n", FILE, Injected.class, Map.of("origin", "caller"));

        assertThat(injected.origin()).isEqualTo("caller");
        assertThat(injected.name()).isEqualTo("tips");
        assertThatThrownBy(() -> ConfigBinder.read("name: tips\nsurprise: 1\n", FILE, Injected.class,
            Map.of("origin", "caller")))
            .hasMessage(FILE + ": unknown key 'surprise' (line 2), expected one of [name]");
        assertThatThrownBy(() -> ConfigBinder.read("name: tips\norigin: yaml\n", FILE, Injected.class,
            Map.of("origin", "caller")))
            .hasMessage(FILE + ": unknown key 'origin' (line 2), expected one of [name]");
    }

    @Test
    void shouldReadNothingFromABlankText()
    {
        assertThat(ConfigBinder.read("  \n", FILE, Settings.class)).isNull();
    }
}
