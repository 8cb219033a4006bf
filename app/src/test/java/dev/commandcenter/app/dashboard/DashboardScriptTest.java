package dev.commandcenter.app.dashboard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

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
        assumeTrue(nodeAvailable(), "node is not installed");
        final URL script = DashboardScriptTest.class.getClassLoader().getResource("dashboard/web/dashboard-model.js");
        assertThat(script).isNotNull();
        final Path tests = Path.of("src", "test", "js", "dashboard-model.test.js").toAbsolutePath();
        assertThat(tests).exists();
        final Path log = Files.createTempFile("dashboard-script-test", ".log");
        try
        {
            final ProcessBuilder builder = new ProcessBuilder("node", "--test", tests.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
            builder.environment().put("DASHBOARD_WEB", Path.of(script.toURI()).getParent().toString());
            final Process process = builder.start();
            final boolean finished = process.waitFor(60, TimeUnit.SECONDS);
            if (!finished)
            {
                process.destroyForcibly();
            }
            final String output = Files.readString(log, StandardCharsets.UTF_8);

            assertThat(finished).as("node test run finished in time").isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).contains("# fail 0").containsPattern("# pass [1-9]");
        }
        finally
        {
            Files.deleteIfExists(log);
        }
    }

    private static boolean nodeAvailable()
    {
        try
        {
            final Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(20, TimeUnit.SECONDS) && 0 == process.exitValue();
        }
        catch (final IOException | InterruptedException ex)
        {
            return false;
        }
    }
}
