package dev.commandcenter.plugin.host;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.Subscription;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Fuzzes the plugin descriptor loader: {@code plugin.yaml} text, which comes with third-party jars.
 * <p>
 * Invariant: any text is either a descriptor whose subscription compiles and evaluates any event bytes (here the
 * input's own bytes) without throwing, or a {@link DescriptorException} whose message is one non-empty line.
 */
class DescriptorParserFuzzTest
{
    private static final String SOURCE = "plugin.yaml in fuzz.jar";

    @FuzzTest
    void shouldParseAnyDescriptorOrRejectItWithOneLine(final byte[] bytes)
    {
        final String text = new String(bytes, StandardCharsets.UTF_8);
        final PluginDescriptor descriptor;
        try
        {
            descriptor = DescriptorParser.parse(SOURCE, text, false);
        }
        catch (final DescriptorException ex)
        {
            assertOneLine(ex);
            return;
        }
        assertThat(descriptor.id()).matches(DescriptorParser.ID);
        if (null == descriptor.main())
        {
            assertOneLine(catchThrowableOfType(DescriptorException.class, () -> DescriptorParser.parse(SOURCE, text, true)));
        }
        final Subscription subscription = descriptor.subscription();
        subscription.admits(FuzzEvents.of(bytes, Sources.WALLET));
    }

    private static void assertOneLine(final DescriptorException ex)
    {
        assertThat(ex).as("refusal").isNotNull();
        assertThat(ex.getMessage()).as("message of %s", ex).isNotBlank().doesNotContain("\n", "\r");
    }
}
