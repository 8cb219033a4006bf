package dev.commandcenter.nativews;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The same fan-out as {@link FanoutSample} through a plain Netty WebSocket server on one event loop, written the way
 * the Netty backend's fan-out loop writes: one task writes 16 rounds (a retained duplicate of one buffer to every
 * writable channel), then flushes each channel once. A sample to run by hand for comparison, not a test.
 */
final class NettyFanoutSample
{
    private NettyFanoutSample()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int clients = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        final int payloadLength = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        final int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        final List<Channel> channels = new CopyOnWriteArrayList<>();
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try
        {
            final Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>()
                {
                    @Override
                    protected void initChannel(final SocketChannel ch)
                    {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                            new WebSocketServerProtocolHandler("/ws/all"), new ChannelInboundHandlerAdapter()
                            {
                                @Override
                                public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
                                {
                                    if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete)
                                    {
                                        channels.add(ctx.channel());
                                    }
                                }
                            });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
            final InetSocketAddress address = (InetSocketAddress)server.localAddress();
            final AtomicLong received = new AtomicLong();
            final List<RawClient> raw = new ArrayList<>();
            for (int i = 0; i < clients; i++)
            {
                final RawClient client = new RawClient(address);
                client.upgrade("/ws/all", null);
                raw.add(client);
                Thread.ofVirtual().start(() ->
                {
                    final byte[] buffer = new byte[64 * 1024];
                    final InputStream in = client.in;
                    try
                    {
                        int n;
                        while ((n = in.read(buffer)) > 0)
                        {
                            received.addAndGet(n);
                        }
                    }
                    catch (final Exception ignore)
                    {
                        // closed
                    }
                });
            }
            while (channels.size() < clients)
            {
                Thread.onSpinWait();
            }
            final ByteBuf payload = PooledByteBufAllocator.DEFAULT.directBuffer(payloadLength).writeZero(payloadLength);
            final AtomicInteger outstanding = new AtomicInteger();
            final AtomicLong sent = new AtomicLong();
            final AtomicLong full = new AtomicLong();
            final long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end)
            {
                if (outstanding.get() >= 2)
                {
                    Thread.yield();
                    continue;
                }
                outstanding.incrementAndGet();
                group.next().execute(() ->
                {
                    for (int round = 0; round < 16; round++)
                    {
                        for (final Channel channel : channels)
                        {
                            if (channel.isWritable())
                            {
                                channel.write(new BinaryWebSocketFrame(payload.retainedDuplicate()),
                                    channel.voidPromise());
                                sent.incrementAndGet();
                            }
                            else
                            {
                                full.incrementAndGet();
                            }
                        }
                    }
                    for (final Channel channel : channels)
                    {
                        channel.flush();
                    }
                    outstanding.decrementAndGet();
                });
            }
            final int frame = payloadLength + (payloadLength < 126 ? 2 : 4);
            System.out.printf("netty:  %d clients, %d-byte messages: sent %.0f msg/s, delivered %.0f msg/s, " +
                "not writable %d%n", clients, payloadLength, sent.get() / (double)seconds,
                received.get() / (double)frame / seconds, full.get());
            for (final RawClient client : raw)
            {
                client.close();
            }
            server.close().sync();
        }
        finally
        {
            group.shutdownGracefully().sync();
        }
    }
}
