package dev.commandcenter.app;

import dev.commandcenter.app.main.CommandCenter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class CliTest
{
    @TempDir
    Path dir;

    record Result(int code, String out, String err)
    {
    }

    static Result run(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = CommandCenter.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRejectAnUnknownOptionInOneLine()
    {
        final Result result = run("demo", "--prot", "1");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err().strip()).doesNotContain("\n").startsWith("commandcenter: Unknown option").contains("--prot")
            .contains("commandcenter demo --help");
    }

    @Test
    void shouldPrintTheHelpOfEveryCommandThatAUsageErrorPointsTo()
    {
        final List<String> commands = new ArrayList<>();
        collect(new CommandLine(new CommandCenter()), "", commands);
        assertThat(commands).contains("bench", "bench compare", "plugins list", "demo", "tail");

        for (final String command : commands)
        {
            final String[] args = (command + " --help").split(" ");
            final Result result = run(args);

            assertThat(result.code()).as(command).isZero();
            assertThat(result.out()).as(command).startsWith("Usage: commandcenter " + command);
            assertThat(result.err()).as(command).isEmpty();
        }
    }

    private static void collect(final CommandLine commandLine, final String prefix, final List<String> commands)
    {
        commandLine.getSubcommands().forEach((name, sub) ->
        {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand))
            {
                commands.add(prefix + name);
                collect(sub, prefix + name + " ", commands);
            }
        });
    }

    @Test
    void shouldRefuseAPortOutOfRangeBeforeAnythingStarts()
    {
        for (final String[] args : new String[][] {
            { "demo", "--port", "-1", "--data-dir", dir.resolve("demo").toString() },
            { "demo", "--port", "65536", "--data-dir", dir.resolve("demo").toString() },
            { "edge", "--engine", "aeron:udp?control=127.0.0.1:40456", "--port", "70000" } })
        {
            final Result result = run(args);
            final String port = args[List.of(args).indexOf("--port") + 1];

            assertThat(result.code()).as(args[0]).isEqualTo(2);
            assertThat(result.err().strip()).as(args[0]).doesNotContain("\n")
                .isEqualTo("commandcenter: --port must be 0..65535 (0 picks a free port), got " + port +
                    " (see 'commandcenter " + args[0] + " --help')");
        }
        assertThat(dir.resolve("demo")).doesNotExist();
    }

    @Test
    void shouldSayThereIsNoTelemetryInOneLine()
    {
        final Result result = run("telemetry", "--data-dir", dir.resolve("none").toString());

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err().strip()).isEqualTo("commandcenter: no telemetry at " + dir.resolve("none/telemetry") +
            " (expected a data dir written by demo or run with telemetry enabled)");
    }

    @Test
    void shouldRejectAnUnknownCommand()
    {
        final Result result = run("demoo");

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("Unmatched argument");
    }

    @Test
    void shouldFailOnABadConfigWithoutAStackTrace() throws Exception
    {
        final Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "engine:\n  ringSize: 4\n");

        final Result result = run("run", "--config", config.toString(), "--data-dir", dir.resolve("data").toString());

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err().strip()).doesNotContain("\n")
            .contains("unknown key 'engine.ringSize' (line 2)").doesNotContain("at dev.commandcenter");
    }

    @Test
    void shouldPrintTheStackTraceWhenVerbose() throws Exception
    {
        final Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "engine:\n  ringSize: 4\n");

        final Result result = run("run", "--verbose", "--config", config.toString());

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("unknown key 'engine.ringSize'").contains("\tat ");
    }

    @Test
    void shouldFailOnAMissingConfigFile()
    {
        final Result result = run("run", "--config", dir.resolve("missing.yaml").toString());

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("missing.yaml not found");
    }

    @Test
    void shouldFailClearlyWhenThePortIsInUse() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final Path config = dir.resolve("c.yaml");
            Files.writeString(config, "wallet:\n  source: none\nwebsocket:\n  port: " + taken.getLocalPort() + "\n");

            final Result result = run("run", "--config", config.toString(), "--data-dir", dir.resolve("d").toString());

            assertThat(result.code()).isEqualTo(1);
            assertThat(result.err().strip()).doesNotContain("\n")
                .contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use");
        }
        // Nothing was left running: the same data dir can be used again at once.
        final Path config = dir.resolve("c2.yaml");
        Files.writeString(config, "wallet:\n  source: none\n");
        try (CommandCenterNode node = CommandCenterNode.start(
            dev.commandcenter.app.config.ConfigLoader.load(config), dir.resolve("d"), null))
        {
            assertThat(node.engine()).isNotNull();
        }
    }

    @Test
    void shouldFailClearlyWhenTheDataDirIsNotWritable() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("a-file"), "x");

        final Result result = run("demo", "--port", "0", "--data-dir", file.resolve("data").toString());

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err().strip()).doesNotContain("\n").contains("data dir").contains("a-file");
    }

    @Test
    void shouldSayNoEngineRunsWhenThereAreNoCounters()
    {
        final Result result = run("stat", "--data-dir", dir.toString());

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("no counters file").contains("is an engine running with this --data-dir?");
    }

    @Test
    void shouldFailToDumpAMissingJournal()
    {
        final Result result = run("journal", "dump", "--data-dir", dir.resolve("nothing").toString());

        assertThat(result.code()).isNotZero();
        assertThat(result.err().strip()).doesNotContain("\n").isNotEmpty();
    }

    @Test
    void shouldRejectAnUnparseableTime()
    {
        final Result result = run("journal", "dump", "--data-dir", dir.toString(), "--from", "yesterday-ish");

        assertThat(result.code()).isNotZero();
        assertThat(result.err()).contains("yesterday-ish");
    }

    @Test
    void shouldPrintHelpListingEveryCommand()
    {
        final Result result = run("--help");

        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("demo").contains("run").contains("stat").contains("journal");
    }
}
