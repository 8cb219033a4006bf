package dev.commandcenter.transport.websocket.conformance;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket client built on the JDK's, collecting whole text and binary messages, pings and the close.
 */
final class WsClient implements WebSocket.Listener
{
    /** How a connection ended: the status and reason of the server's close frame. */
    record Close(int code, String reason)
    {
    }

    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    final CompletableFuture<Close> closed = new CompletableFuture<>();
    final AtomicInteger pings = new AtomicInteger();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    WebSocket webSocket;

    static WsClient connect(final HttpClient http, final URI uri, final String origin, final String... subprotocols)
        throws Exception
    {
        final WsClient client = new WsClient();
        final WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (null != origin)
        {
            builder.header("Origin", origin);
        }
        if (subprotocols.length > 0)
        {
            builder.subprotocols(subprotocols[0], Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        client.webSocket = builder.buildAsync(uri, client).get(10, TimeUnit.SECONDS);
        return client;
    }

    String nextText() throws InterruptedException
    {
        final String message = texts.poll(ConformanceServer.BOUND.toMillis(), TimeUnit.MILLISECONDS);
        if (null == message)
        {
            throw new AssertionError("no text message within " + ConformanceServer.BOUND + "; closed: " +
                closed.getNow(null));
        }
        return message;
    }

    byte[] nextBinary() throws InterruptedException
    {
        final byte[] message = binaries.poll(ConformanceServer.BOUND.toMillis(), TimeUnit.MILLISECONDS);
        if (null == message)
        {
            throw new AssertionError("no binary message within " + ConformanceServer.BOUND + "; closed: " +
                closed.getNow(null));
        }
        return message;
    }

    byte[] nextPong() throws InterruptedException
    {
        final byte[] message = pongs.poll(ConformanceServer.BOUND.toMillis(), TimeUnit.MILLISECONDS);
        if (null == message)
        {
            throw new AssertionError("no pong within " + ConformanceServer.BOUND);
        }
        return message;
    }

    Close awaitClose() throws Exception
    {
        return closed.get(ConformanceServer.BOUND.toMillis(), TimeUnit.MILLISECONDS);
    }

    public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
    {
        text.append(data);
        if (last)
        {
            texts.add(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    public CompletionStage<?> onBinary(final WebSocket webSocket, final ByteBuffer data, final boolean last)
    {
        final byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        binary.writeBytes(bytes);
        if (last)
        {
            binaries.add(binary.toByteArray());
            binary.reset();
        }
        webSocket.request(1);
        return null;
    }

    public CompletionStage<?> onPing(final WebSocket webSocket, final ByteBuffer message)
    {
        pings.incrementAndGet();
        webSocket.request(1);
        return null;
    }

    public CompletionStage<?> onPong(final WebSocket webSocket, final ByteBuffer message)
    {
        final byte[] bytes = new byte[message.remaining()];
        message.get(bytes);
        pongs.add(bytes);
        webSocket.request(1);
        return null;
    }

    public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
    {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    public void onError(final WebSocket webSocket, final Throwable error)
    {
        closed.completeExceptionally(error);
    }
}
