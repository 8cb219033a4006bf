package dev.commandcenter.app.cli;

import dev.commandcenter.app.automation.DemoRules;
import dev.commandcenter.app.chat.DemoChatViewers;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.tip.DemoTipViewer;
import dev.commandcenter.app.tip.TipBook;
import dev.commandcenter.transport.electrum.sim.DemoWallet;
import org.agrona.CloseHelper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Everything on embedded defaults, simulated viewers chatting among them: an Electrum simulator with seeded payments, the real Electrum
 * client watching the demo wallet, the journal, the stream bridge and the overlay server on loopback. The tip page
 * works against the simulator: a simulated viewer pays each reservation a few seconds after it is made. The lines
 * printed at start include the {@code tip page} URL (with the tip token) and the {@code dashboard} URL (without the
 * admin token, which {@code commandcenter token show --scope admin} prints).
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
        CommonOptions.checkPort(spec.commandLine(), port);
        final AppConfig config = demoConfig(port, seed);
        // The example rules react to the simulated payments on the overlay (and switch OBS scenes when obs.url is set).
        config.automation.rules = DemoRules.install(common.dataDir).toString();
        return NodeRunner.runUntilInterrupted(config, common.dataDir, false, "Command Center demo",
            common.verbose, spec.commandLine().getOut(), spec.commandLine().getErr(), (node) -> demoViewers(node, seed));
    }

    /**
     * The demo's simulated viewers: chatting (when the chat gateway runs) and paying each tip page reservation
     * through the demo wallet's simulator (when the tip page is on).
     *
     * @param node the demo's node.
     * @param seed of the chat's simulated viewers.
     * @return what stops them, or null when there are none.
     */
    static AutoCloseable demoViewers(final CommandCenterNode node, final long seed)
    {
        final List<AutoCloseable> viewers = new ArrayList<>();
        if (null != node.chatGateway())
        {
            viewers.add(new DemoChatViewers(node.webServer().baseUrl(), node.chatToken(), seed, DEMO_CHAT_INTERVAL_MS).start());
        }
        final TipBook book = node.tipBook();
        final DemoWallet demo = null == node.wallet() ? null : node.wallet().demo();
        if (null != book && null == book.offReason() && null != demo)
        {
            viewers.add(DemoTipViewer.start(book, demo.simulator(), DemoTipViewer.PAY_AFTER_MS_DEFAULT,
                node.engine().errorHandler()));
        }
        return viewers.isEmpty() ? null : () -> CloseHelper.closeAll(viewers);
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
