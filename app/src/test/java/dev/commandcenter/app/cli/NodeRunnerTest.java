package dev.commandcenter.app.cli;

import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.TestNativeProvider;
import dev.commandcenter.app.config.AppConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console lines of a starting node: the web server's backend, and why {@code auto} chose Netty when
 * {@code --verbose} or {@code CC_DEBUG_NATIVE=1} asks.
 */
@Timeout(60)
class NodeRunnerTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldPrintTheBackendAndWhenAskedWhyAutoFellBackToNetty()
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        try (CommandCenterNode node = CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(config).dataDir(dataDir).environment(Map.of())))
        {
            final StringWriter quiet = new StringWriter();
            NodeRunner.printBackend(node, false, new PrintWriter(quiet, true));
            assertThat(quiet.toString().lines()).containsExactly("websocket backend: " + node.webServer().backend());
            assertThat(node.webServer().backend()).startsWith("netty 4.2.");

            final StringWriter debug = new StringWriter();
            NodeRunner.printBackend(node, true, new PrintWriter(debug, true));
            assertThat(debug.toString().lines()).containsExactly(
                "websocket backend: " + node.webServer().backend(),
                "websocket backend: auto chose netty: native backend unavailable: " + TestNativeProvider.REASON);
        }
    }
}
