package dev.commandcenter.plugin.automation.action;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook receiver on loopback, as a home-automation hub would run one: it recomputes the signature of every
 * delivery with its own copy of the secret, records what came, and answers as the test scripts it (statuses in
 * turn, holding a request, streaming a huge body).
 */
final class WebhookReceiver implements AutoCloseable
{
    static final String PATH = "/api/webhook/stream-tip";

    /**
     * One request as received.
     */
    record Delivery(String contentType, String timestamp, String signature, String deliveryId, String body,
        boolean signatureValid)
    {
    }

    /**
     * How to answer one request.
     */
    record Answer(int status, String retryAfter, boolean hold, long streamBytes)
    {
        static Answer status(final int status)
        {
            return new Answer(status, null, false, 0);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final byte[] secret;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Answer> script = new ConcurrentLinkedDeque<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicLong streamed = new AtomicLong();
    private final CountDownLatch streamEnded = new CountDownLatch(1);

    WebhookReceiver(final String secret) throws IOException
    {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(executor);
        server.createContext(PATH, this::handle);
        server.start();
    }

    String url()
    {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /**
     * Answer the next requests like this, in turn; requests past the script get 200 when the signature holds,
     * 401 otherwise.
     */
    WebhookReceiver then(final Answer answer)
    {
        script.addLast(answer);
        return this;
    }

    List<Delivery> deliveries()
    {
        return deliveries;
    }

    /** Let requests that are held answer 200. */
    void release()
    {
        release.countDown();
    }

    long streamedBytes()
    {
        return streamed.get();
    }

    boolean awaitStreamEnd(final long seconds) throws InterruptedException
    {
        return streamEnded.await(seconds, TimeUnit.SECONDS);
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        final byte[] body;
        try (InputStream in = exchange.getRequestBody())
        {
            body = in.readAllBytes();
        }
        final String text = new String(body, StandardCharsets.UTF_8);
        final String timestamp = exchange.getRequestHeaders().getFirst(WebhookSender.TIMESTAMP_HEADER);
        final String signature = exchange.getRequestHeaders().getFirst(WebhookSender.SIGNATURE_HEADER);
        final boolean valid = null != timestamp && null != signature && MessageDigest.isEqual(
            ("sha256=" + WebhookSender.signature(secret, Long.parseLong(timestamp), text))
                .getBytes(StandardCharsets.US_ASCII),
            signature.getBytes(StandardCharsets.US_ASCII));
        deliveries.add(new Delivery(exchange.getRequestHeaders().getFirst("Content-Type"), timestamp, signature,
            exchange.getRequestHeaders().getFirst(WebhookSender.DELIVERY_HEADER), text, valid));

        final Answer scripted = script.pollFirst();
        final Answer answer = null != scripted ? scripted : Answer.status(valid ? 200 : 401);
        if (answer.hold())
        {
            try
            {
                release.await(60, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        if (null != answer.retryAfter())
        {
            exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
        }
        if (answer.streamBytes() > 0)
        {
            stream(exchange, answer);
            return;
        }
        exchange.sendResponseHeaders(answer.status(), -1);
        exchange.close();
    }

    private void stream(final HttpExchange exchange, final Answer answer)
    {
        final byte[] chunk = new byte[64 * 1024];
        try
        {
            exchange.sendResponseHeaders(answer.status(), 0);
            try (OutputStream out = exchange.getResponseBody())
            {
                while (streamed.get() < answer.streamBytes())
                {
                    out.write(chunk);
                    streamed.addAndGet(chunk.length);
                }
            }
        }
        catch (final IOException ex)
        {
            // The sender dropped the connection: what a bounded reader does.
        }
        finally
        {
            streamEnded.countDown();
            exchange.close();
        }
    }

    public void close()
    {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
