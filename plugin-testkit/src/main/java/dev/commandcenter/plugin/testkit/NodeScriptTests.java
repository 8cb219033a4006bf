package dev.commandcenter.plugin.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a plugin page's script tests with Node's own test runner ({@code node --test FILE}), for the behaviour of a
 * page's scripts that needs no browser: the file names the script under test through an environment variable the
 * caller sets (the folder or file of the page on the class path).
 * <pre>{@code
 * assumeTrue(NodeScriptTests.nodeAvailable(), "node is not installed");
 * final NodeScriptTests.Result result = NodeScriptTests.run(Path.of("src/test/js/overlay.test.js"),
 *     Map.of("OVERLAY_JS", overlayJs.toString()), Duration.ofSeconds(60));
 * assertThat(result.passed()).as(result.output()).isTrue();
 * }</pre>
 */
public final class NodeScriptTests
{
    private NodeScriptTests()
    {
    }

    /**
     * What a run printed and how it ended.
     *
     * @param finished true when it ended within the time given (false: it was killed).
     * @param exitCode its exit code, -1 when killed.
     * @param output   standard output and error together.
     */
    public record Result(boolean finished, int exitCode, String output)
    {
        /**
         * Whether every test passed and at least one ran: finished, exit code 0, {@code # fail 0} and a pass count
         * above 0 in the runner's summary.
         *
         * @return true when the run passed.
         */
        public boolean passed()
        {
            return finished && 0 == exitCode && output.contains("# fail 0") && output.matches("(?s).*# pass [1-9].*");
        }
    }

    /**
     * Whether {@code node} runs on this machine.
     *
     * @return true when {@code node --version} succeeds within 20 s.
     */
    public static boolean nodeAvailable()
    {
        try
        {
            final Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return process.waitFor(20, TimeUnit.SECONDS) && 0 == process.exitValue();
        }
        catch (final IOException ex)
        {
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Run one test file.
     *
     * @param testFile    the {@code *.test.js} file.
     * @param environment variables naming the scripts under test.
     * @param timeout     longest run; a run that takes longer is killed.
     * @return how it ended and what it printed.
     * @throws IOException          when node cannot be started or its output not read.
     * @throws InterruptedException when interrupted while waiting.
     */
    public static Result run(final Path testFile, final Map<String, String> environment, final Duration timeout)
        throws IOException, InterruptedException
    {
        final Path log = Files.createTempFile("node-script-test", ".log");
        try
        {
            final ProcessBuilder builder = new ProcessBuilder("node", "--test", testFile.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            final Process process = builder.start();
            final boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished)
            {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return new Result(finished, finished ? process.exitValue() : -1, Files.readString(log, StandardCharsets.UTF_8));
        }
        finally
        {
            Files.deleteIfExists(log);
        }
    }
}
