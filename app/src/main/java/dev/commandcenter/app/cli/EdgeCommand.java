package dev.commandcenter.app.cli;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.config.ConfigLoader;
import dev.commandcenter.app.edge.EdgeNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * An edge fan-out node: serves the engine's overlay pages and feeds to its own viewers from the engine's Aeron
 * output stream, catching up from the engine's recording when it starts late, restarts or falls behind.
 */
@Command(name = "edge", description = "Serve the engine's pages and feeds from its Aeron output stream (edge fan-out node).")
public final class EdgeCommand implements Callable<Integer>
{
    @Mixin
    private CommonOptions common;

    @Option(names = "--engine", paramLabel = "CHANNEL", required = true,
        description = "The engine's output channel, such as aeron:udp?control=engine-host:40456 (aeron.output.channel).")
    private String engine;

    @Option(names = "--archive", paramLabel = "CONTROL_CHANNEL",
        description = "The engine archive's control channel. Default: aeron.output.archiveControlChannel.")
    private String archive;

    @Option(names = "--status", paramLabel = "CHANNEL",
        description = "The engine's status channel edges report on. Default: aeron.output.statusChannel.")
    private String status;

    @Option(names = "--port", paramLabel = "P", description = "HTTP/WebSocket port. Default: websocket.port.")
    private Integer port;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address to listen on. Default: websocket.bind.")
    private String bind;

    @Option(names = "--aeron-host", paramLabel = "HOST",
        description = "This edge's host as the engine reaches it, for its UDP endpoints. Default: the bind address, or localhost.")
    private String aeronHost;

    @Option(names = "--config", paramLabel = "FILE",
        description = "YAML configuration file (websocket, aeron and plugins sections).")
    private Path config;

    @Option(names = "--secrets", paramLabel = "FILE",
        description = "The engine's secrets.json, copied into the data dir so the edge takes the engine's tokens.")
    private Path secrets;

    @Spec
    private CommandSpec spec;

    public Integer call()
    {
        CommonOptions.checkPort(spec.commandLine(), port);
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final AppConfig appConfig = null == config ? new AppConfig() : ConfigLoader.load(config);
        final EdgeNode node = EdgeNode.launch(new EdgeNode.Context()
            .config(appConfig)
            .dataDir(common.dataDir)
            .engineChannel(engine)
            .archiveChannel(archive)
            .statusChannel(status)
            .port(port)
            .bind(bind)
            .aeronHost(aeronHost)
            .secretsFile(secrets)
            .errorListener(new FirstErrorLine(err, common.dataDir))
            .log((line) ->
            {
                out.println(line);
                out.flush();
            }));
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            out.println("stopping...");
            out.flush();
            node.close();
            out.println("stopped");
            out.flush();
            stopped.countDown();
        }, "cc-edge-shutdown"));

        out.println("Command Center edge of " + engine + " running on data dir " +
            common.dataDir.toAbsolutePath().normalize());
        for (final String line : node.startLines())
        {
            out.println("  " + line);
        }
        for (final Map.Entry<String, String> url : node.urls().entrySet())
        {
            out.printf("  %-22s %s%n", url.getKey(), url.getValue());
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
        try
        {
            stopped.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
