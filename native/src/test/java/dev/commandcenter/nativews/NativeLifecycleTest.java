package dev.commandcenter.nativews;

import dev.commandcenter.transport.websocket.wire.WireTransport;
import dev.commandcenter.transport.websocket.wire.WireTransportProvider;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class NativeLifecycleTest
{
    @Test
    void shouldStartAndStopTwiceOnTheSamePortAndCloseIdempotently() throws Exception
    {
        final NativeLibrary library = NativeTestSupport.library();
        int port = 0;
        for (int round = 0; round < 2; round++)
        {
            final RecordingListener listener = new RecordingListener();
            final NativeWireTransport transport = new NativeWireTransport(library);
            final InetSocketAddress address = transport.start(
                new dev.commandcenter.transport.websocket.wire.WireSettings(
                    "127.0.0.1", port, 65536, 65536, 8192, 1 << 20, 1 << 18, 1 << 17, 0, 10_000, 60_000, 2_000),
                listener);
            assertThat(address.getPort()).isPositive();
            port = address.getPort();
            try (RawClient client = new RawClient(address))
            {
                assertThat(client.upgrade("/ws/all", null)).startsWith("HTTP/1.1 101");
                final long connection = listener.await("open").connection();
                transport.close();
                assertThat(client.readToEnd()).as("connections are closed with the transport").isNotNull();
                assertThat(transport.send(connection, false, new UnsafeBuffer(new byte[1]), 0, 1))
                    .isEqualTo(WireTransport.GONE);
            }
            transport.close();
            assertThat(transport.openConnections()).isZero();
        }
    }

    @Test
    void shouldNameTheAddressWhenItCannotBind() throws Exception
    {
        final NativeLibrary library = NativeTestSupport.library();
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            NativeWireTransport transport = new NativeWireTransport(library))
        {
            assertThatThrownBy(() -> transport.start(
                new dev.commandcenter.transport.websocket.wire.WireSettings(
                    "127.0.0.1", taken.getLocalPort(), 65536, 65536, 8192, 1 << 20, 1 << 18, 1 << 17, 0, 10_000,
                    60_000, 2_000), new RecordingListener()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void shouldBeFoundByServiceLoaderWithTheLibwebsocketsVersion()
    {
        NativeTestSupport.library();
        final WireTransportProvider provider = ServiceLoader.load(WireTransportProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("native"))
            .findFirst()
            .orElseThrow();
        assertThat(provider.unavailableReason()).isNull();
        assertThat(provider.version()).matches("libwebsockets 4\\.\\d+(\\.\\d+)?");
        try (WireTransport transport = provider.create())
        {
            assertThat(transport.name()).isEqualTo("native");
            assertThat(transport.version()).isEqualTo(provider.version());
        }
    }

    @Test
    void shouldLoadWhenBuiltAndSayWhyNotWhenTheBuildSkippedIt()
    {
        final java.util.Properties record = NativeLibrary.buildRecord();
        org.junit.jupiter.api.Assumptions.assumeTrue(null == NativeLibrary.configuredPath(), "CC_NATIVE_LIBRARY is set");
        final String reason = NativeLibrary.load(null).unavailableReason();
        if (Boolean.parseBoolean(record.getProperty("cc.native.built")))
        {
            assertThat(reason).isNull();
        }
        else
        {
            assertThat(reason).isEqualTo("library missing: libccnative.so was not built into this jar (" +
                record.getProperty("cc.native.reason") + ")");
        }
    }

    @Test
    void shouldSayLibraryMissingForABogusPath()
    {
        final NativeWireTransportProvider provider = new NativeWireTransportProvider("/no/such/libccnative.so");
        assertThat(provider.unavailableReason())
            .startsWith("library missing:")
            .contains("/no/such/libccnative.so")
            .doesNotContain("\n");
        assertThatThrownBy(provider::create)
            .isInstanceOf(IllegalStateException.class)
            .hasMessage(provider.unavailableReason());
    }

    @Test
    void shouldSayDlopenFailedForAFileThatIsNotALibrary(final @org.junit.jupiter.api.io.TempDir Path dir)
        throws IOException
    {
        final Path file = Files.writeString(dir.resolve("libccnative.so"), "not an ELF file");
        final NativeWireTransportProvider provider = new NativeWireTransportProvider(file.toString());
        assertThat(provider.unavailableReason()).startsWith("dlopen failed:").contains(file.toString());
    }

    @Test
    void shouldSaySymbolMissingForALibraryWithoutTheShim()
    {
        NativeTestSupport.library();
        final Path lws = Path.of("/usr/lib/x86_64-linux-gnu/" + NativeLibrary.LWS_SONAME);
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(lws), "no " + lws + " to load as a foreign library");
        final NativeWireTransportProvider provider = new NativeWireTransportProvider(lws.toString());
        assertThat(provider.unavailableReason()).isEqualTo("symbol missing: ccn_abi_version in " + lws);
    }
}
