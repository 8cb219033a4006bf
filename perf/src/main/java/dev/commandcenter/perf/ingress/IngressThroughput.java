package dev.commandcenter.perf.ingress;

import dev.commandcenter.client.CommandCenterClient;
import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import io.aeron.Publication;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingress throughput from another process, to an engine started by {@code perf/peers-ingress/run}: the same
 * {@code ChatMessage} event published N times over Aeron IPC with the client library, or posted N times to
 * {@code POST /api/events} by concurrent HTTP/1.1 connections; the clock stops when the engine has journaled the
 * last one (the client's journaled acknowledgement; for REST, the journaled counter of {@code /metrics}). Prints one
 * {@code key=value} line.
 * <p>
 * Settings are system properties: {@code ingress.mode} ({@code aeron} or {@code rest}), {@code ingress.events},
 * {@code ingress.aeronDir}, {@code ingress.url} (the engine's base URL), {@code ingress.token} (admin token),
 * {@code ingress.connections} (REST).
 */
public final class IngressThroughput
{
    private static final String TEXT = "a chat line of ordinary length for the ingress benchmark";

    private IngressThroughput()
    {
    }

    /**
     * Run one measurement.
     *
     * @param args unused: settings are system properties.
     * @throws Exception when the engine cannot be reached.
     */
    public static void main(final String[] args) throws Exception
    {
        final String mode = System.getProperty("ingress.mode", "aeron");
        final int events = Integer.getInteger("ingress.events", 200_000);
        final long startNs;
        final long endNs;
        final String detail;
        if ("aeron".equals(mode))
        {
            try (CommandCenterClient client = CommandCenterClient.connect(new CommandCenterClient.Context()
                .aeronDirectoryName(System.getProperty("ingress.aeronDir"))
                .clientName("ingress-throughput")
                .connectTimeout(Duration.ofSeconds(30))))
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
                final ChatMessageEncoder chat = new ChatMessageEncoder();
                final IdleStrategy idle = new BackoffIdleStrategy();
                long backPressured = 0;
                long position = 0;
                startNs = System.nanoTime();
                for (int i = 0; i < events; i++)
                {
                    chat.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                        .messageId(i).channel("bench").user("viewer").text(TEXT);
                    long result;
                    idle.reset();
                    while ((result = client.offer(chat)) < 0)
                    {
                        if (Publication.BACK_PRESSURED != result && Publication.ADMIN_ACTION != result)
                        {
                            throw new IllegalStateException("offer failed: " + Publication.errorString(result));
                        }
                        backPressured++;
                        idle.idle();
                    }
                    position = result;
                }
                if (!client.awaitJournaled(position, Duration.ofMinutes(5)))
                {
                    throw new IllegalStateException("not journaled within 5 minutes");
                }
                endNs = System.nanoTime();
                detail = " backPressuredOffers=" + backPressured;
            }
        }
        else if ("rest".equals(mode))
        {
            final String url = System.getProperty("ingress.url");
            final String token = System.getProperty("ingress.token");
            final int connections = Integer.getInteger("ingress.connections", 8);
            final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            final long journaledBefore = journaled(http, url, token);
            final String body = "{\"type\":\"ChatMessage\",\"messageId\":1,\"channel\":\"bench\",\"user\":\"viewer\"," +
                "\"text\":\"" + TEXT + "\"}";
            final AtomicLong next = new AtomicLong();
            final AtomicLong failed = new AtomicLong();
            final List<Thread> threads = new ArrayList<>();
            startNs = System.nanoTime();
            for (int c = 0; c < connections; c++)
            {
                threads.add(Thread.ofVirtual().start(() ->
                {
                    final HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/events"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    while (next.getAndIncrement() < events)
                    {
                        try
                        {
                            if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() != 202)
                            {
                                failed.incrementAndGet();
                            }
                        }
                        catch (final Exception ex)
                        {
                            failed.incrementAndGet();
                        }
                    }
                }));
            }
            for (final Thread thread : threads)
            {
                thread.join();
            }
            final long target = journaledBefore + events - failed.get();
            final long deadlineNs = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (journaled(http, url, token) < target)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new IllegalStateException("not journaled within 5 minutes");
                }
                Thread.onSpinWait();
            }
            endNs = System.nanoTime();
            detail = " connections=" + connections + " failed=" + failed.get();
        }
        else
        {
            throw new IllegalArgumentException("ingress.mode expected aeron or rest, got '" + mode + "'");
        }
        final double seconds = (endNs - startNs) / 1e9;
        System.out.printf("mode=%s events=%d seconds=%.3f eventsPerSecondJournaled=%.0f%s%n",
            mode, events, seconds, events / seconds, detail);
    }

    private static long journaled(final HttpClient http, final String url, final String token) throws Exception
    {
        final String text = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics"))
            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (final String line : text.split("\n"))
        {
            if (line.startsWith("commandcenter_events_journaled_total"))
            {
                return (long)Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
            }
        }
        throw new IllegalStateException("no commandcenter_events_journaled_total in /metrics");
    }
}
