package dev.commandcenter.app.dashboard;

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
 * Runs the dashboard's behaviour tests ({@code src/test/js/dashboard-model.test.js}) with Node's test runner against
 * the page on the class path (the app's {@code dashboard/web} resources): feed resume and back-off, gap handling,
 * snapshot merging, rates, token handling and formatting. Skipped where Node is not installed.
 */
@Timeout(90)
class DashboardScriptTest
{
    @Test
    void shouldPassTheDashboardModelBehaviourTests() throws IOException, InterruptedException, URISyntaxException
    {
        assumeTrue(NodeScriptTests.nodeAvailable(), "node is not installed");
        final URL script = DashboardScriptTest.class.getClassLoader().getResource("dashboard/web/dashboard-model.js");
        assertThat(script).isNotNull();
        final Path tests = Path.of("src", "test", "js", "dashboard-model.test.js");
        assertThat(tests).exists();

        final NodeScriptTests.Result result = NodeScriptTests.run(tests,
            Map.of("DASHBOARD_WEB", Path.of(script.toURI()).getParent().toString()), Duration.ofSeconds(60));

        assertThat(result.finished()).as("node test run finished in time").isTrue();
        assertThat(result.passed()).as(result.output()).isTrue();
    }
}
