package dev.commandcenter.app.cli;

import dev.commandcenter.plugin.host.HostedPlugin;
import dev.commandcenter.transport.aeron.AeronNode;
import dev.commandcenter.transport.aeron.AeronSettings;
import dev.commandcenter.transport.aeron.Channels;
import dev.commandcenter.transport.aeron.plugins.host.PluginHost;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one plugin jar, unchanged, out of the engine's process: it attaches to the plugin's remote slot in an engine
 * over Aeron (the plugin's {@code plugin.yaml} or its configuration section says {@code hosting: process}),
 * heart-beats, and re-attaches when the engine or the link goes away.
 */
@Command(name = "plugin-host", description = "Run a plugin jar out of process, attached to an engine over Aeron.")
public final class PluginHostCommand implements Callable<Integer>
{
    /** Exit code: the plugin jar cannot be loaded. */
    public static final int EXIT_BAD_PLUGIN = 2;

    @Mixin
    private CommonOptions common;

    @Option(names = "--engine", paramLabel = "CHANNEL", required = true,
        description = "The engine's aeron.plugins.channel, such as aeron:ipc or aeron:udp?endpoint=host:40123.")
    private String engineChannel;

    @Option(names = "--plugin", paramLabel = "JAR", required = true, description = "The plugin jar (or folder).")
    private Path plugin;

    @Option(names = "--stream-id", paramLabel = "N", defaultValue = "1002",
        description = "The engine's aeron.plugins.streamId. Default: ${DEFAULT-VALUE}")
    private int streamId;

    @Option(names = "--aeron-dir", paramLabel = "DIR",
        description = "Media driver to use (the engine's, <engine data dir>/aeron, for aeron:ipc); " +
            "without it the host embeds its own in <data-dir>/aeron-host.")
    private Path aeronDir;

    @Option(names = "--response-channel", paramLabel = "CH", defaultValue = "aeron:ipc",
        description = "Channel the engine publishes to this host on. Default: ${DEFAULT-VALUE}")
    private String responseChannel;

    @Option(names = "--response-stream-id", paramLabel = "N",
        description = "Stream id of the response channel. Default: derived from the process id.")
    private Integer responseStreamId;

    @Option(names = "--connect-timeout-ms", paramLabel = "MS", defaultValue = "10000",
        description = "Longest wait for the engine at start. Default: ${DEFAULT-VALUE}")
    private long connectTimeoutMs;

    @Spec
    private CommandSpec spec;

    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        String problem = Channels.channelProblem("--engine", engineChannel);
        if (null == problem)
        {
            problem = Channels.channelProblem("--response-channel", responseChannel);
        }
        if (null == problem)
        {
            problem = Channels.streamIdProblem("--stream-id", streamId);
        }
        if (null == problem && engineChannel.startsWith("aeron:ipc") && null == aeronDir)
        {
            problem = "--engine " + engineChannel + ": IPC needs the engine's media driver, expected --aeron-dir " +
                "<engine data dir>/aeron";
        }
        if (null != problem)
        {
            err.println("plugin-host: " + problem);
            return EXIT_BAD_PLUGIN;
        }
        final HostedPlugin hosted;
        try
        {
            hosted = HostedPlugin.load(plugin, common.dataDir);
        }
        catch (final RuntimeException ex)
        {
            err.println("plugin-host: cannot load " + plugin + ": " + ex.getMessage());
            return EXIT_BAD_PLUGIN;
        }
        final long pid = ProcessHandle.current().pid();
        final int responseStream = null != responseStreamId ? responseStreamId : 1_000_000 + (int)(pid % 1_000_000);
        AeronNode node = null;
        try
        {
            if (null != aeronDir)
            {
                if (!Files.isDirectory(aeronDir))
                {
                    err.println("plugin-host: --aeron-dir " + aeronDir + ": no media driver there, expected the " +
                        "engine's (<engine data dir>/aeron)");
                    return PluginHost.EXIT_UNREACHABLE;
                }
                node = AeronNode.connect(aeronDir.toString(), (ex) -> err.println("plugin-host: aeron: " + ex));
            }
            else
            {
                final AeronSettings settings = new AeronSettings();
                settings.termLength = 1024 * 1024;
                node = AeronNode.embed(settings, common.dataDir.resolve("aeron-host").toString(),
                    (ex) -> err.println("plugin-host: aeron: " + ex));
            }
            final PluginHost host = new PluginHost(node.aeron(), hosted, engineChannel, streamId, responseChannel,
                responseStream, "java pid " + pid + " on " + hostName(), connectTimeoutMs,
                new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)));
            final CountDownLatch stopped = new CountDownLatch(1);
            final Thread hook = new Thread(() ->
            {
                host.close();
                try
                {
                    stopped.await(5, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }, "plugin-host-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("plugin-host: plugin '" + hosted.id() + "' " + hosted.version() +
                " for the engine on " + engineChannel + " stream " + streamId + ", responses on " + responseChannel +
                " stream " + responseStream);
            out.flush();
            try
            {
                host.run();
                return 0;
            }
            catch (final PluginHost.HostException ex)
            {
                err.println("plugin-host: " + ex.getMessage());
                return ex.exitCode();
            }
            finally
            {
                stopped.countDown();
            }
        }
        catch (final RuntimeException ex)
        {
            err.println("plugin-host: " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
            if (common.verbose)
            {
                ex.printStackTrace(err);
            }
            return 1;
        }
        finally
        {
            CloseHelper.quietClose(node);
            CloseHelper.quietClose(hosted);
        }
    }

    private static String hostName()
    {
        try
        {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (final Exception ex)
        {
            return "localhost";
        }
    }
}
