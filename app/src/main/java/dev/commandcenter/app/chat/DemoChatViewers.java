package dev.commandcenter.app.chat;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo's simulated viewers: a few names chatting every few seconds, seeded like the demo's payments, through the
 * real gateway path ({@code POST /api/chat/messages} with the chat token over loopback), so the chat page and the
 * chat overlay show a live chat with nobody watching. Each viewer posts from its own connection.
 * <p>
 * <b>Note:</b> runs on one daemon thread of its own until closed.
 */
public final class DemoChatViewers implements AutoCloseable
{
    /** Names the simulated viewers chat under. */
    static final List<String> NAMES = List.of("satoshi_fan", "nodeRunner", "lightning_liz", "hodl_harry", "mempool_mia");

    private static final List<String> LINES = List.of(
        "hello chat!", "gm everyone", "that alert sound is great", "how long have you been streaming?",
        "first time here, love the overlay", "zap incoming", "what's the next block height?", "lol",
        "this is the best stream today", "greetings from the mempool", "can you show the settings again?",
        "nice play", "brb", "stacking sats", "the chat overlay looks clean");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI messages;
    private final String chatToken;
    private final Random random;
    private final long meanIntervalMs;
    private final HttpClient[] connections = new HttpClient[NAMES.size()];
    private final ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("cc-demo-viewers").factory());
    private long messageId;
    private volatile long posted;

    /**
     * @param baseUrl        the node's web server, such as {@code http://127.0.0.1:7300}.
     * @param chatToken      the chat token viewers hold.
     * @param seed           the demo's seed: the same seed, the same chat.
     * @param meanIntervalMs mean time between two messages.
     */
    public DemoChatViewers(final String baseUrl, final String chatToken, final long seed, final long meanIntervalMs)
    {
        this.messages = URI.create(baseUrl + ChatGateway.MESSAGES_PATH);
        this.chatToken = chatToken;
        this.random = new Random(seed);
        this.meanIntervalMs = meanIntervalMs;
        for (int i = 0; i < connections.length; i++)
        {
            connections[i] = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).proxy(HttpClient.Builder.NO_PROXY).build();
        }
    }

    /**
     * Start chatting.
     *
     * @return this.
     */
    public DemoChatViewers start()
    {
        schedule();
        return this;
    }

    /**
     * Messages the plugin showed so far.
     *
     * @return the count.
     */
    public long posted()
    {
        return posted;
    }

    private void schedule()
    {
        final long delayMs = meanIntervalMs / 2 + (long)(random.nextDouble() * meanIntervalMs);
        try
        {
            executor.schedule(this::postOne, delayMs, TimeUnit.MILLISECONDS);
        }
        catch (final java.util.concurrent.RejectedExecutionException ex)
        {
            // Closed.
        }
    }

    private void postOne()
    {
        final int viewer = random.nextInt(NAMES.size());
        final String text = LINES.get(random.nextInt(LINES.size()));
        try
        {
            final byte[] body = JSON.writeValueAsBytes(Map.of("name", NAMES.get(viewer), "text", text,
                "messageId", ++messageId));
            final HttpResponse<Void> response = connections[viewer].send(HttpRequest.newBuilder(messages)
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + chatToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            if (200 == response.statusCode())
            {
                posted++;
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return;
        }
        catch (final Exception ex)
        {
            // The node is stopping or busy: the next message tries again.
        }
        schedule();
    }

    /**
     * Stop chatting.
     */
    public void close()
    {
        executor.shutdownNow();
        for (final HttpClient connection : connections)
        {
            connection.close();
        }
    }
}
