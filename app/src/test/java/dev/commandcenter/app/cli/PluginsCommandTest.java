package dev.commandcenter.app.cli;

import dev.commandcenter.app.plugins.ControlChannel;

import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.plugin.host.PluginManager;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class PluginsCommandTest
{
    @TempDir
    Path dataDir;

    private Engine engine;
    private PluginManager manager;
    private ControlChannel server;

    record Result(int code, String out, String err)
    {
    }

    @AfterEach
    void close()
    {
        CloseHelper.quietClose(server);
        CloseHelper.quietClose(engine);
        CloseHelper.quietClose(manager);
    }

    private static Result run(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = PluginsCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    private void start() throws Exception
    {
        Files.createDirectories(dataDir.resolve("plugins"));
        Files.writeString(dataDir.resolve("plugins/broken.jar"), "not a jar");
        manager = PluginManager.discover(new PluginManager.Context().dataDir(dataDir));
        final Engine.Context ctx = new Engine.Context().dataDir(dataDir);
        manager.configure(ctx);
        engine = Engine.launch(ctx);
        manager.attach(engine);
        server = ControlChannel.start(dataDir, engine, manager);
    }

    @Test
    void shouldListEveryPluginOfTheRunningEngineWithItsStatus() throws Exception
    {
        start();

        final Result result = run("list", "--data-dir", dataDir.toString());

        assertThat(result.code()).isZero();
        assertThat(result.out().lines().findFirst().orElseThrow()).startsWith("ID").contains("STATUS");
        assertThat(result.out()).containsPattern("(?m)^stream-bridge\\s+RUNNING");
        assertThat(result.out()).containsPattern("(?m)^broken\\.jar\\s+FAILED .*cannot read");
    }

    @Test
    void shouldShowDisableEnableAndReloadAPlugin() throws Exception
    {
        start();
        final String dir = dataDir.toString();

        assertThat(run("disable", "stream-bridge", "--data-dir", dir).out()).isEqualTo(
            "stream-bridge disabled: STOPPED (disabled)" + System.lineSeparator());
        assertThat(run("info", "stream-bridge", "--data-dir", dir).out()).contains("status:        STOPPED (disabled)");
        assertThat(run("enable", "stream-bridge", "--data-dir", dir).out()).startsWith("stream-bridge enabled: RUNNING");
        assertThat(run("reload", "stream-bridge", "--data-dir", dir).out()).startsWith("stream-bridge reloaded: RUNNING");
        assertThat(run("list", "--json", "--data-dir", dir).out()).contains("\"id\" : \"stream-bridge\"");
    }

    @Test
    void shouldFailInOneLineWhenNoEngineRunsOrThePluginIsUnknown() throws Exception
    {
        final Result none = run("list", "--data-dir", dataDir.toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err().strip()).doesNotContain("\n").startsWith("commandcenter: no engine is running on data dir");

        start();
        final Result unknown = run("info", "ghost", "--data-dir", dataDir.toString());
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err().strip()).startsWith("commandcenter: no plugin 'ghost', expected one of [");
    }

    @Test
    void shouldScaffoldAPluginProject()
    {
        final Result result = run("new", "tip-jar", "--dir", dataDir.toString(), "--package", "org.example.tips");

        assertThat(result.code()).isZero();
        assertThat(result.out()).startsWith("created " + dataDir.resolve("tip-jar"));
        assertThat(dataDir.resolve("tip-jar/src/main/java/org/example/tips/TipJarPlugin.java")).exists();
        assertThat(dataDir.resolve("tip-jar/src/main/resources/plugin.yaml")).content().contains("id: tip-jar");
        assertThat(run("new", "Tip Jar", "--dir", dataDir.toString()).err())
            .startsWith("commandcenter: plugin name 'Tip Jar': expected lowercase letters");
    }
}
