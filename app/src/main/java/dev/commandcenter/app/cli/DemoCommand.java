package dev.commandcenter.app.cli;

import dev.commandcenter.app.automation.DemoRules;
import dev.commandcenter.app.chat.DemoChatViewers;
import dev.commandcenter.app.config.AppConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/**
 * Everything on embedded defaults, simulated viewers chatting among them: an Electrum simulator with seeded payments, the real Electrum
 * client watching the demo wallet, the journal, the stream bridge and the overlay server on loopback.
 */
@Command(name = "demo", description = "Run on embedded defaults: simulated payments become overlay alerts.")
public final class DemoCommand implements Callable<Integer>
{
    /** Mean time between two messages of the demo's simulated viewers. */
    static final long DEMO_CHAT_INTERVAL_MS = 4000;

    @Mixin
    private CommonOptions common;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7300",
        description = "HTTP/WebSocket port on 127.0.0.1 (0 picks a free one). Default: ${DEFAULT-VALUE}")
    private int port;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
        description = "Seed of the simulated payment stream. Default: ${DEFAULT-VALUE}")
    private long seed;

    @Spec
    private CommandSpec spec;

    public Integer call()
    {
        final AppConfig config = demoConfig(port, seed);
        // The example rules react to the simulated payments on the overlay (and switch OBS scenes when obs.url is set).
        config.automation.rules = DemoRules.install(common.dataDir).toString();
        return NodeRunner.runUntilInterrupted(config, common.dataDir, false, "Command Center demo",
            common.verbose, spec.commandLine().getOut(), spec.commandLine().getErr(), (node) ->
                null == node.chatGateway() ? null : new DemoChatViewers(node.webServer().baseUrl(), node.chatToken(), seed,
                    DEMO_CHAT_INTERVAL_MS).start());
    }

    /**
     * The demo's configuration: defaults plus the simulated wallet on regtest.
     *
     * @param port HTTP/WebSocket port.
     * @param seed of the payment stream.
     * @return the configuration.
     */
    public static AppConfig demoConfig(final int port, final long seed)
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "simulator";
        config.wallet.network = "regtest";
        config.wallet.simulatorSeed = seed;
        config.websocket.port = port;
        return config;
    }
}
