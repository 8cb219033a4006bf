package dev.commandcenter.app;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.config.ConfigException;
import dev.commandcenter.transport.websocket.wire.WireTransport;
import dev.commandcenter.transport.websocket.wire.WireTransportProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Choosing the web server's backend: {@code websocket.backend} auto | netty | native, the {@code CC_NATIVE}
 * override, the one-line errors when native is asked for and cannot run, the reason {@code auto} fell back, the
 * providers found with {@link java.util.ServiceLoader} ({@link TestNativeProvider}) and the node's start line.
 */
@Timeout(60)
class WebSocketBackendTest
{
    private static final String WHAT_TO_DO =
        "(install libwebsockets17, build with -Dnative=require, or set websocket.backend: netty)";

    @TempDir
    Path dataDir;

    @AfterEach
    void after()
    {
        TestNativeProvider.unavailableReason = TestNativeProvider.REASON;
    }

    @Test
    void shouldChooseNativeForAutoOnlyWhenItsProviderIsPresentAndCanRun()
    {
        final WebSocketBackend absent = WebSocketBackend.choose("auto", Map.of(), List.of());
        assertThat(absent.name()).isEqualTo("netty");
        assertThat(absent.transport()).isNull();
        assertThat(absent.fallbackReason()).isEqualTo("native backend not built into this distribution");

        final WebSocketBackend unavailable = WebSocketBackend.choose("auto", Map.of(), List.of(provider("no lws here")));
        assertThat(unavailable.name()).isEqualTo("netty");
        assertThat(unavailable.transport()).isNull();
        assertThat(unavailable.fallbackReason()).isEqualTo("native backend unavailable: no lws here");

        final WireTransportProvider available = provider(null);
        final WebSocketBackend chosen = WebSocketBackend.choose("auto", Map.of(), List.of(other(), available));
        assertThat(chosen.name()).isEqualTo("native");
        assertThat(chosen.transport()).isNotNull();
        assertThat(chosen.fallbackReason()).isNull();
    }

    @Test
    void shouldChooseNettyWhenAskedEvenWithANativeProvider()
    {
        final WebSocketBackend netty = WebSocketBackend.choose("netty", Map.of(), List.of(provider(null)));

        assertThat(netty.name()).isEqualTo("netty");
        assertThat(netty.transport()).isNull();
        assertThat(netty.fallbackReason()).isNull();
    }

    @Test
    void shouldRefuseNativeThatIsMissingOrCannotRunInOneLineSayingWhatToDo()
    {
        assertThatThrownBy(() -> WebSocketBackend.choose("native", Map.of(), List.of(other())))
            .isInstanceOf(ConfigException.class)
            .hasMessage("websocket.backend: native: the native backend is not built into this distribution " + WHAT_TO_DO);
        assertThatThrownBy(() -> WebSocketBackend.choose("native", Map.of(), List.of(provider("libwebsockets 3.2 is too old"))))
            .isInstanceOf(ConfigException.class)
            .hasMessage("websocket.backend: native: the native backend cannot run here: libwebsockets 3.2 is too old " +
                WHAT_TO_DO);
        assertThat(WebSocketBackend.choose("native", Map.of(), List.of(provider(null))).name()).isEqualTo("native");
    }

    @Test
    void shouldLetCcNativeOverrideTheConfigurationAndRefuseAnyOtherValue()
    {
        final List<WireTransportProvider> providers = List.of(provider(null));
        assertThat(WebSocketBackend.choose("native", Map.of("CC_NATIVE", "0"), providers).name()).isEqualTo("netty");
        assertThat(WebSocketBackend.choose("netty", Map.of("CC_NATIVE", "1"), providers).name()).isEqualTo("native");
        assertThat(WebSocketBackend.choose("netty", Map.of("CC_NATIVE", ""), providers).name()).isEqualTo("netty");

        assertThatThrownBy(() -> WebSocketBackend.choose("auto", Map.of("CC_NATIVE", "1"), List.of(provider("gone"))))
            .hasMessage("CC_NATIVE=1: the native backend cannot run here: gone " + WHAT_TO_DO);
        assertThatThrownBy(() -> WebSocketBackend.choose("auto", Map.of("CC_NATIVE", "yes"), providers))
            .isInstanceOf(ConfigException.class)
            .hasMessage("CC_NATIVE: expected 0 (netty) or 1 (native), got 'yes'");
    }

    @Test
    void shouldAskForTheFallbackReasonWithCcDebugNative()
    {
        assertThat(WebSocketBackend.debug(Map.of("CC_DEBUG_NATIVE", "1"))).isTrue();
        assertThat(WebSocketBackend.debug(Map.of("CC_DEBUG_NATIVE", "0"))).isFalse();
        assertThat(WebSocketBackend.debug(Map.of())).isFalse();
    }

    @Test
    void shouldFindTheNativeProviderOnTheClassPath()
    {
        final WebSocketBackend fallback = WebSocketBackend.choose("auto", Map.of());
        assertThat(fallback.name()).isEqualTo("netty");
        assertThat(fallback.fallbackReason()).isEqualTo("native backend unavailable: " + TestNativeProvider.REASON);

        TestNativeProvider.unavailableReason = null;
        final WebSocketBackend chosen = WebSocketBackend.choose("auto", Map.of());
        assertThat(chosen.name()).isEqualTo("native");
        assertThat(chosen.transport()).isInstanceOf(TestNativeProvider.StubTransport.class);
    }

    @Test
    void shouldStartTheNodeOnTheChosenBackendAndSayWhichInItsStartLine() throws Exception
    {
        TestNativeProvider.unavailableReason = null;
        final AppConfig config = config();
        config.websocket.backend = "native";
        final TestNativeProvider.StubTransport transport;
        try (CommandCenterNode node = CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(config).dataDir(dataDir).environment(Map.of())))
        {
            assertThat(node.webBackend().name()).isEqualTo("native");
            transport = (TestNativeProvider.StubTransport)node.webBackend().transport();
            assertThat(transport.settings.bindAddress()).isEqualTo("127.0.0.1");
            assertThat(transport.settings.port()).isZero();
            assertThat(node.webServer().backend()).isEqualTo("native (libwebsockets 0.0-test)");
            assertThat(node.startLines()).containsExactly("websocket backend: native (libwebsockets 0.0-test)");
        }
        assertThat(transport.closed).isTrue();

        try (CommandCenterNode node = CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(config()).dataDir(dataDir).environment(Map.of())))
        {
            assertThat(node.webBackend().name()).isEqualTo("native");
        }
        try (CommandCenterNode node = CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(config()).dataDir(dataDir).environment(Map.of("CC_NATIVE", "0"))))
        {
            assertThat(node.webBackend().name()).isEqualTo("netty");
            assertThat(node.webServer().backend()).startsWith("netty 4.2.");
            assertThat(node.startLines()).containsExactly("websocket backend: " + node.webServer().backend());
        }
    }

    @Test
    void shouldNotStartANodeAskedForANativeBackendThatCannotRun()
    {
        final AppConfig config = config();
        config.websocket.backend = "native";

        assertThatThrownBy(() -> CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(config).dataDir(dataDir).environment(Map.of())))
            .isInstanceOf(ConfigException.class)
            .hasMessage("websocket.backend: native: the native backend cannot run here: " + TestNativeProvider.REASON +
                " " + WHAT_TO_DO);
        assertThatThrownBy(() -> CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(config()).dataDir(dataDir).environment(Map.of("CC_NATIVE", "1"))))
            .hasMessageStartingWith("CC_NATIVE=1: the native backend cannot run here: ");
        assertThat(TestNativeProvider.CREATED.stream().filter((transport) -> !transport.closed)).isEmpty();
    }

    @Test
    void shouldExitNonZeroWithOneLineWhenRunIsAskedForANativeBackendThatCannotRun() throws Exception
    {
        final Path file = dataDir.resolve("native.yaml");
        Files.writeString(file, "websocket:\n  backend: native\n  port: 0\nwallet:\n  source: none\n");

        final CliTest.Result result = CliTest.run("run", "--config", file.toString(), "--data-dir",
            dataDir.resolve("data").toString());

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err().strip()).doesNotContain("\n")
            .isEqualTo("commandcenter: websocket.backend: native: the native backend cannot run here: " +
                TestNativeProvider.REASON + " " + WHAT_TO_DO);
    }

    private static AppConfig config()
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        return config;
    }

    private static WireTransportProvider provider(final String reason)
    {
        return new WireTransportProvider()
        {
            public String name()
            {
                return "native";
            }

            public String unavailableReason()
            {
                return reason;
            }

            public String version()
            {
                return "libwebsockets 4.1.6";
            }

            public WireTransport create()
            {
                if (null != reason)
                {
                    throw new IllegalStateException(reason);
                }
                return new TestNativeProvider.StubTransport();
            }
        };
    }

    private static WireTransportProvider other()
    {
        return new WireTransportProvider()
        {
            public String name()
            {
                return "other";
            }

            public String unavailableReason()
            {
                return null;
            }

            public String version()
            {
                return "1";
            }

            public WireTransport create()
            {
                throw new AssertionError("not the native backend");
            }
        };
    }
}
