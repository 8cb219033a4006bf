package dev.commandcenter.app.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A real HTTP/1.1 server on loopback for the load generator's tests: Netty's codec (which reads pipelined requests)
 * and aggregator on one event loop, each request handed whole to the test's handler on that loop.
 */
final class LoopbackHttpServer implements AutoCloseable
{
    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    final int port;

    /**
     * @param accepted told of each connection accepted.
     * @param handler  given each request, on the server's event loop.
     * @throws InterruptedException when interrupted while binding.
     */
    LoopbackHttpServer(final Consumer<SocketChannel> accepted,
        final BiConsumer<ChannelHandlerContext, FullHttpRequest> handler) throws InterruptedException
    {
        port = ((InetSocketAddress)new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                protected void initChannel(final SocketChannel channel)
                {
                    accepted.accept(channel);
                    channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                        new SimpleChannelInboundHandler<FullHttpRequest>()
                        {
                            protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
                            {
                                handler.accept(ctx, request);
                            }
                        });
                }
            })
            .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel().localAddress()).getPort();
    }

    /**
     * An answer with a body and its length.
     *
     * @param status of the answer.
     * @param body   its text.
     * @return the answer.
     */
    static FullHttpResponse response(final HttpResponseStatus status, final String body)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    public void close()
    {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
