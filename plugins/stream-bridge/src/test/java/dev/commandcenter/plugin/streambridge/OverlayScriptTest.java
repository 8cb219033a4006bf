package dev.commandcenter.plugin.streambridge;

import dev.commandcenter.plugin.testkit.NodeScriptTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the overlay script's behaviour tests ({@code src/test/js/overlay.test.js}) with Node's test
 * runner against the overlay.js on the class path. Skipped where Node is not installed.
 */
@Timeout(90)
class OverlayScriptTest
{
    @Test
    void shouldPassTheOverlayScriptBehaviourTests() throws IOException, InterruptedException, URISyntaxException
    {
        assumeTrue(NodeScriptTests.nodeAvailable(), "node is not installed");
        final URL script = StreamBridgePlugin.class.getClassLoader().getResource("stream-bridge/web/overlay.js");
        assertThat(script).isNotNull();
        final Path tests = Path.of("src", "test", "js", "overlay.test.js");
        assertThat(tests).exists();

        final NodeScriptTests.Result result = NodeScriptTests.run(tests,
            Map.of("OVERLAY_JS", Path.of(script.toURI()).toString()), Duration.ofSeconds(60));

        assertThat(result.finished()).as("node test run finished in time").isTrue();
        assertThat(result.passed()).as(result.output()).isTrue();
    }
}
