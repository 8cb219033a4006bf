package dev.commandcenter.transport.websocket;

import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@Timeout(60)
class NettyTransportTest
{
    @TempDir
    Path dataDir;

    private Fixture fixture;

    @AfterEach
    void after()
    {
        if (null != fixture)
        {
            fixture.close();
        }
    }

    @Test
    void shouldLoadNativeEpollOnLinuxX86()
    {
        assumeTrue(isLinuxX86());
        assertThat(NettyTransport.epollUnavailability()).isNull();
        final NettyTransport transport = NettyTransport.select(NettyTransport.AUTO);
        assertThat(transport.isEpoll()).isTrue();
        assertThat(transport.fallbackReason()).isNull();
        assertThat(transport.serverChannelClass()).isEqualTo(EpollServerSocketChannel.class);
        assertThat(transport.description()).isEqualTo("epoll");
    }

    @Test
    void shouldFallBackToNioSayingWhyWhenEpollCannotLoad()
    {
        final NettyTransport transport = NettyTransport.select(NettyTransport.AUTO, "UnsatisfiedLinkError: no library");
        assertThat(transport.isEpoll()).isFalse();
        assertThat(transport.serverChannelClass()).isEqualTo(NioServerSocketChannel.class);
        assertThat(transport.description()).isEqualTo("nio, epoll unavailable: UnsatisfiedLinkError: no library");
    }

    @Test
    void shouldRefuseEpollWhenAskedForAndItCannotLoad()
    {
        assertThatThrownBy(() -> NettyTransport.select(NettyTransport.EPOLL, "UnsatisfiedLinkError: no library"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("websocket.transport epoll: the native epoll transport cannot load: " +
                "UnsatisfiedLinkError: no library (set websocket transport to auto or nio)");
    }

    @Test
    void shouldRefuseIoUringWhenAskedForAndItCannotLoad()
    {
        assertThatThrownBy(() -> NettyTransport.select(NettyTransport.IO_URING, null, "io_uring disabled by sysctl"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("websocket.transport io_uring: the native io_uring transport cannot load: " +
                "io_uring disabled by sysctl (set websocket transport to auto, epoll or nio)");
    }

    @Test
    void shouldNeverTakeIoUringForAuto()
    {
        final NettyTransport transport = NettyTransport.select(NettyTransport.AUTO, null, null);
        assertThat(transport.description()).isEqualTo("epoll");
        assertThat(NettyTransport.select(NettyTransport.IO_URING, null, null).serverChannelClass())
            .isEqualTo(IoUringServerSocketChannel.class);
    }

    @Test
    void shouldUseNioWhenForcedEvenWhereEpollLoads()
    {
        final NettyTransport transport = NettyTransport.select(NettyTransport.NIO, null);
        assertThat(transport.isEpoll()).isFalse();
        assertThat(transport.fallbackReason()).isNull();
        assertThat(transport.description()).isEqualTo("nio");
    }

    @Test
    void shouldRefuseAnUnknownTransportAtConclude()
    {
        final WebServer.Context ctx = new TestCounters().apply(new WebServer.Context())
            .token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN).transport("kqueue");
        assertThatThrownBy(ctx::conclude)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("websocket transport (commandcenter.websocket.transport): expected auto, epoll, io_uring or nio, got 'kqueue'");
    }

    @Test
    void shouldTakeTheTransportFromTheSystemPropertyByDefault()
    {
        final String before = System.getProperty(WebServer.Context.TRANSPORT_PROP_NAME);
        System.setProperty(WebServer.Context.TRANSPORT_PROP_NAME, NettyTransport.NIO);
        try
        {
            assertThat(new WebServer.Context().transport()).isEqualTo(NettyTransport.NIO);
        }
        finally
        {
            if (null == before)
            {
                System.clearProperty(WebServer.Context.TRANSPORT_PROP_NAME);
            }
            else
            {
                System.setProperty(WebServer.Context.TRANSPORT_PROP_NAME, before);
            }
        }
        assertThat(new WebServer.Context().transport()).isEqualTo(null == before ? NettyTransport.AUTO : before);
    }

    @ParameterizedTest
    @ValueSource(strings = { NettyTransport.EPOLL, NettyTransport.IO_URING, NettyTransport.NIO })
    void shouldServeFeedsOnEveryTransport(final String transport) throws Exception
    {
        assumeTrue(NettyTransport.NIO.equals(transport) || isLinuxX86());
        assumeTrue(!NettyTransport.IO_URING.equals(transport) || null == NettyTransport.ioUringUnavailability(),
            "io_uring is disabled on this kernel");
        fixture = new Fixture(dataDir, WebSocketEgress.RETAIN_PER_FEED_DEFAULT, (engine) -> {},
            (server) -> server.transport(transport));
        assertThat(fixture.server.backend()).endsWith("(" + transport + ")");

        final TestClient json = fixture.subscribe("/ws/alerts?token=" + Fixture.TOKEN + "&format=json");
        final TestClient sbe = fixture.subscribe("/ws/all?token=" + Fixture.TOKEN + "&format=sbe");
        final long sequence = fixture.publishPayment(4200);

        assertThat(json.nextText()).startsWith("{\"sequence\":" + sequence + ",");
        assertThat(sbe.nextBinary()).isNotEmpty();

        final HttpResponse<String> response = fixture.http.send(HttpRequest.newBuilder(
            fixture.http("/api/events?token=" + Fixture.TOKEN))
            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"TransactionReceived\",\"amountSats\":42}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(202);
        final long receipt = new ObjectMapper().readTree(response.body()).get("receipt").asLong();
        assertThat(json.nextText()).startsWith("{\"sequence\":" + receipt + ",");
    }

    private static boolean isLinuxX86()
    {
        return "linux".equalsIgnoreCase(System.getProperty("os.name")) &&
            ("amd64".equals(System.getProperty("os.arch")) || "x86_64".equals(System.getProperty("os.arch")));
    }
}
