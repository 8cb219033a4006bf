package dev.commandcenter.app.config;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the configuration loader (YAML text through the strict {@code ConfigBinder} and the loader's own checks).
 * <p>
 * Invariant: any text is either a configuration or a {@link ConfigException} whose message is one non-empty line;
 * nothing else escapes (no parser exception, no {@link Error} from deep nesting or alias bombs).
 */
class ConfigLoaderFuzzTest
{
    private static final String SOURCE = "fuzz.yaml";

    @FuzzTest
    void shouldLoadAnyTextOrRejectItWithOneLine(final byte[] bytes)
    {
        final String yaml = new String(bytes, StandardCharsets.UTF_8);
        final AppConfig config;
        try
        {
            config = ConfigLoader.parse(yaml, SOURCE);
        }
        catch (final ConfigException ex)
        {
            assertThat(ex.getMessage()).as("message of %s", ex).isNotBlank().doesNotContain("\n", "\r");
            return;
        }
        assertThat(config).isNotNull();
        assertThat(config.engine).isNotNull();
        assertThat(config.websocket).isNotNull();
        assertThat(config.wallet).isNotNull();
    }
}
