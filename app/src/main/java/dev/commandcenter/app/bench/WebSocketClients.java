package dev.commandcenter.app.bench;

import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * N WebSocket clients (the JDK's) on the overlay feed, each handing every frame it receives to the
 * {@link AlertSink} with its receive time.
 */
final class WebSocketClients implements AutoCloseable
{
    private static final int CONNECT_BATCH = 64;

    private final List<WebSocket> sockets = new ArrayList<>();

    /**
     * No clients yet: {@link #add} connects them.
     */
    WebSocketClients()
    {
    }

    /**
     * Connect more clients to a feed, a batch at a time.
     *
     * @param http       the HTTP client to build them with.
     * @param feed       the feed URL, token included.
     * @param clients    how many.
     * @param sink       where frames go.
     * @param clock      the schedule's clock.
     * @param epochClock the clock of the trace stamps.
     * @param timeout    longest wait for a batch to connect.
     * @throws IllegalStateException naming the URL when a client cannot connect (every client is then closed).
     */
    void add(
        final HttpClient http,
        final URI feed,
        final int clients,
        final AlertSink sink,
        final NanoClock clock,
        final EpochNanoClock epochClock,
        final Duration timeout)
    {
        try
        {
            for (int connected = 0; connected < clients; connected += CONNECT_BATCH)
            {
                final List<CompletableFuture<WebSocket>> batch = new ArrayList<>();
                for (int i = connected; i < Math.min(clients, connected + CONNECT_BATCH); i++)
                {
                    batch.add(http.newWebSocketBuilder().connectTimeout(timeout)
                        .buildAsync(feed, new Listener(sink, clock, epochClock)));
                }
                for (final CompletableFuture<WebSocket> future : batch)
                {
                    sockets.add(future.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
                }
            }
        }
        catch (final ExecutionException ex)
        {
            close();
            throw new IllegalStateException("cannot connect to " + redact(feed) + ": " + reason(ex.getCause()) +
                " (expected a running engine or peer serving the overlay feed)");
        }
        catch (final TimeoutException ex)
        {
            close();
            throw new IllegalStateException("cannot connect to " + redact(feed) + ": no answer in " +
                timeout.toMillis() + " ms");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while connecting to " + redact(feed));
        }
    }

    /**
     * Connected clients.
     *
     * @return the count.
     */
    int size()
    {
        return sockets.size();
    }

    /**
     * Drop every connection.
     */
    public void close()
    {
        for (final WebSocket socket : sockets)
        {
            socket.abort();
        }
        sockets.clear();
    }

    static String redact(final URI uri)
    {
        return uri.toString().replaceAll("token=[^&]*", "token=...");
    }

    static String reason(final Throwable ex)
    {
        Throwable cause = ex;
        while (null != cause.getCause() && (null == cause.getMessage() || cause.getMessage().isBlank()))
        {
            cause = cause.getCause();
        }
        final String message = cause.getMessage();
        return null == message || message.isBlank() ? cause.getClass().getSimpleName() :
            message.lines().findFirst().orElse(message);
    }

    private static final class Listener implements WebSocket.Listener
    {
        private final AlertSink sink;
        private final NanoClock clock;
        private final EpochNanoClock epochClock;
        private final TraceStamps trace = new TraceStamps();
        private final StringBuilder partial = new StringBuilder();

        Listener(final AlertSink sink, final NanoClock clock, final EpochNanoClock epochClock)
        {
            this.sink = sink;
            this.clock = clock;
            this.epochClock = epochClock;
        }

        public void onOpen(final WebSocket webSocket)
        {
            // Take frames as fast as they come: one request per frame costs a hand-off per frame at high fan-out.
            webSocket.request(Long.MAX_VALUE);
        }

        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            if (last)
            {
                final long nowNs = clock.nanoTime();
                final long receivedNs = epochClock.nanoTime();
                final String text;
                if (partial.isEmpty())
                {
                    text = data.toString();
                }
                else
                {
                    text = partial.append(data).toString();
                    partial.setLength(0);
                }
                sink.onFrame(text, nowNs, receivedNs, trace);
            }
            else
            {
                partial.append(data);
            }
            return null;
        }
    }
}
