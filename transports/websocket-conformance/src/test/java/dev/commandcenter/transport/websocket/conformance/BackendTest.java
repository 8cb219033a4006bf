package dev.commandcenter.transport.websocket.conformance;

import dev.commandcenter.transport.websocket.WebServer;
import dev.commandcenter.transport.websocket.wire.WireListener;
import dev.commandcenter.transport.websocket.wire.WireSettings;
import dev.commandcenter.transport.websocket.wire.WireTransport;
import dev.commandcenter.transport.websocket.wire.WireTransportProvider;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the suite finds and admits backends: Netty always first, a provider's transport handed to the server, and a
 * provider that cannot run failing the suite unless the native build was skipped.
 */
class BackendTest
{
    private final String nativeBuilt = System.getProperty(Backend.NATIVE_BUILT_PROP_NAME);
    private final String backends = System.getProperty(Backend.BACKENDS_PROP_NAME);

    @AfterEach
    void restoreProperties()
    {
        restore(Backend.NATIVE_BUILT_PROP_NAME, nativeBuilt);
        restore(Backend.BACKENDS_PROP_NAME, backends);
    }

    private static void restore(final String name, final String value)
    {
        if (null == value)
        {
            System.clearProperty(name);
        }
        else
        {
            System.setProperty(name, value);
        }
    }

    @Test
    void shouldListNettyFirstAndServeItWithoutAWireTransport()
    {
        final Backend netty = Backend.all().get(0);

        assertThat(netty.name()).isEqualTo(Backend.NETTY);
        assertThat(netty.apply(new WebServer.Context()).wireTransport()).isNull();
        assertThat(java.util.Arrays.stream(Backend.Deviation.values()).noneMatch(netty::deviates))
            .as("netty departs from the protocol nowhere").isTrue();
    }

    @Test
    void shouldRunOnlyTheBackendsNamedAndFailOneNotFound()
    {
        System.setProperty(Backend.BACKENDS_PROP_NAME, "netty, nonesuch");

        final java.util.List<Backend> selected = Backend.selected();

        assertThat(selected).extracting(Backend::name).containsExactly("netty", "nonesuch");
        selected.get(0).requireAvailable();
        assertThatThrownBy(() -> selected.get(1).requireAvailable()).isInstanceOf(AssertionError.class)
            .hasMessageStartingWith("websocket backend nonesuch cannot run here: not found; cc.conformance.backends may " +
                "name netty");
        System.clearProperty(Backend.BACKENDS_PROP_NAME);
        assertThat(Backend.selected()).extracting(Backend::name).isEqualTo(Backend.all().stream().map(Backend::name).toList());
    }

    @Test
    void shouldHandTheServerANewTransportOfAnAvailableProvider()
    {
        final Backend backend = Backend.of(new Provider(null));

        final WireTransport transport = backend.apply(new WebServer.Context()).wireTransport();

        assertThat(transport).isInstanceOf(Transport.class);
        assertThat(backend.name()).isEqualTo("fake");
        assertThat(backend).hasToString("fake");
        assertThat(java.util.Arrays.stream(Backend.Deviation.values()).noneMatch(backend::deviates)).isTrue();
    }

    @Test
    void shouldFailWithTheReasonWhenAProviderCannotRunAndTheNativeBackendWasBuilt()
    {
        final Backend backend = Backend.of(new Provider("libwebsockets.so.17 not found"));

        System.setProperty(Backend.NATIVE_BUILT_PROP_NAME, "true");
        assertThatThrownBy(backend::requireAvailable).isInstanceOf(AssertionError.class)
            .hasMessage("websocket backend fake cannot run here: libwebsockets.so.17 not found");
        System.clearProperty(Backend.NATIVE_BUILT_PROP_NAME);
        assertThatThrownBy(() -> backend.apply(new WebServer.Context())).isInstanceOf(AssertionError.class);
        assertThat(backend).hasToString("fake (unavailable)");
    }

    @Test
    void shouldSkipWithTheReasonWhenAProviderCannotRunAndTheNativeBuildWasSkipped()
    {
        final Backend backend = Backend.of(new Provider("libwebsockets.so.17 not found"));

        System.setProperty(Backend.NATIVE_BUILT_PROP_NAME, "false");

        assertThatThrownBy(backend::requireAvailable).isInstanceOf(TestAbortedException.class)
            .hasMessageContaining("libwebsockets.so.17 not found").hasMessageContaining("cc.native.built=false");
    }

    private record Provider(String unavailableReason) implements WireTransportProvider
    {
        public String name()
        {
            return "fake";
        }

        public String version()
        {
            return "fake 1.0";
        }

        public WireTransport create()
        {
            if (null != unavailableReason)
            {
                throw new IllegalStateException(unavailableReason);
            }
            return new Transport();
        }
    }

    private static final class Transport implements WireTransport
    {
        public String name()
        {
            return "fake";
        }

        public String version()
        {
            return "fake 1.0";
        }

        public InetSocketAddress start(final WireSettings settings, final WireListener listener)
        {
            throw new UnsupportedOperationException("not started in this test");
        }

        public int respond(
            final long connection, final int status, final String[] headers, final DirectBuffer body, final int offset,
            final int length, final boolean closeAfter)
        {
            return GONE;
        }

        public int send(final long connection, final boolean binary, final DirectBuffer buffer, final int offset,
            final int length)
        {
            return GONE;
        }

        public int ping(final long connection)
        {
            return GONE;
        }

        public void close(final long connection, final int code, final String reason)
        {
        }

        public void abort(final long connection)
        {
        }

        public void read(final long connection, final boolean read)
        {
        }

        public void close()
        {
        }
    }
}
