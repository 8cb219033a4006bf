package dev.commandcenter.app.remote;

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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A plugin host's end of a connection, with the JDK's WebSocket client: records text and binary messages and the
 * close; reads only while {@link #reading} is set.
 */
final class HostClient implements WebSocket.Listener, AutoCloseable
{
    record Close(int code, String reason)
    {
    }

    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
    final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    volatile boolean reading = true;
    WebSocket webSocket;

    static HostClient connect(final String url, final String... subprotocols) throws Exception
    {
        return connect(url, true, subprotocols);
    }

    static HostClient connect(final String url, final boolean reading, final String... subprotocols) throws Exception
    {
        final HostClient client = new HostClient();
        client.reading = reading;
        final WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10));
        if (subprotocols.length > 0)
        {
            builder.subprotocols(subprotocols[0], Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        client.webSocket = builder.buildAsync(URI.create(url), client).get(10, TimeUnit.SECONDS);
        return client;
    }

    public void onOpen(final WebSocket webSocket)
    {
        if (reading)
        {
            webSocket.request(1);
        }
    }

    void send(final String message) throws Exception
    {
        webSocket.sendText(message, true).get(10, TimeUnit.SECONDS);
    }

    void sendBinary(final byte[] message) throws Exception
    {
        webSocket.sendBinary(ByteBuffer.wrap(message), true).get(10, TimeUnit.SECONDS);
    }

    String nextText() throws InterruptedException
    {
        final String next = texts.poll(15, TimeUnit.SECONDS);
        assertThat(next).as("a text message within 15 s").isNotNull();
        return next;
    }

    byte[] nextBinary() throws InterruptedException
    {
        final byte[] next = binaries.poll(15, TimeUnit.SECONDS);
        assertThat(next).as("a binary message within 15 s").isNotNull();
        return next;
    }

    Close awaitClose() throws Exception
    {
        return closed.get(15, TimeUnit.SECONDS);
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

    public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
    {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    public void onError(final WebSocket webSocket, final Throwable error)
    {
        closed.complete(new Close(-1, String.valueOf(error)));
    }

    public void close()
    {
        webSocket.abort();
    }
}
