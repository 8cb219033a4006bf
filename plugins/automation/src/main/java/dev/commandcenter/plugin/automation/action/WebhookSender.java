package dev.commandcenter.plugin.automation.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.status.AtomicCounter;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Delivers the automation's webhooks: an HTTP POST of the action's JSON body with {@code application/json}, signed
 * with HMAC-SHA256 keyed by a secret of the secrets store, through the JDK's {@link HttpClient}. Headers:
 * {@value #TIMESTAMP_HEADER} (epoch seconds of the attempt), {@value #SIGNATURE_HEADER} ({@code sha256=} and the hex
 * HMAC of {@code TIMESTAMP + "." + BODY}) and {@value #DELIVERY_HEADER} ({@code FIREID-STEP}, the same on every
 * retry).
 * <p>
 * Any 2xx succeeds. 5xx, 408, 429, a timeout or a connection error is retried with exponential backoff (1 s, 2 s,
 * 4 s... capped at 30 s; a {@code Retry-After} in seconds is honoured up to the cap); any other answer fails at once.
 * Response bodies are read and discarded up to a bound (64 KiB), then the connection is dropped, so a hostile
 * receiver cannot hold memory or a thread. Everything is asynchronous: a slow receiver holds nothing but its own
 * delivery.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class WebhookSender implements AutoCloseable
{
    /** Header of the attempt's time, epoch seconds. */
    public static final String TIMESTAMP_HEADER = "X-CommandCenter-Timestamp";
    /** Header of the signature: {@code sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">}. */
    public static final String SIGNATURE_HEADER = "X-CommandCenter-Signature";
    /** Header naming the delivery, {@code FIREID-STEP}, the same on every retry. */
    public static final String DELIVERY_HEADER = "X-CommandCenter-Delivery";
    /** Per-attempt timeout when the payload gives none. */
    public static final long TIMEOUT_MS_DEFAULT = 5_000;
    /** Longest per-attempt timeout. */
    public static final long TIMEOUT_MS_MAX = 60_000;
    /** Retries when the payload gives none. */
    public static final int RETRIES_DEFAULT = 3;
    /** Most retries. */
    public static final int RETRIES_MAX = 10;
    /** Default first backoff. */
    public static final long BACKOFF_INITIAL_MS_DEFAULT = 1_000;
    /** Default longest backoff. */
    public static final long BACKOFF_MAX_MS_DEFAULT = 30_000;
    /** Default bound of a response body read (and discarded). */
    public static final int MAX_RESPONSE_BYTES_DEFAULT = 64 * 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    /**
     * What became of a delivery.
     *
     * @param ok       a 2xx answer came.
     * @param attempts requests made (0 when the delivery could not even start: no secret, bad URL).
     * @param status   the last HTTP status, 0 when none came.
     * @param detail   one line: {@code "webhook 'home-hub': HTTP 200"}, the last status or error and the attempts.
     *                 Never a secret, never a URL's query string.
     */
    public record Result(boolean ok, int attempts, int status, String detail)
    {
    }

    private final Context ctx;
    private final HttpClient client;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Set<Delivery> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Create a sender.
     *
     * @param ctx its settings, concluded here.
     */
    public WebhookSender(final Context ctx)
    {
        this.ctx = ctx.conclude();
        this.client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofMillis(TIMEOUT_MS_MAX))
            .build();
        if (null == ctx.scheduler)
        {
            this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("cc-webhook-retries").factory());
            this.ownsScheduler = true;
        }
        else
        {
            this.scheduler = ctx.scheduler;
            this.ownsScheduler = false;
        }
    }

    /**
     * Deliver one webhook.
     *
     * @param name        the webhook's name in the rules file, for details and logs.
     * @param payloadJson the action's payload: a JSON object {@code {url, secret, timeoutMs, retries, body}}.
     * @param deliveryId  {@code FIREID-STEP}.
     * @return what became of it; never completes exceptionally.
     */
    public CompletableFuture<Result> send(final String name, final String payloadJson, final String deliveryId)
    {
        final CompletableFuture<Result> result = new CompletableFuture<>();
        if (closed.get())
        {
            result.complete(new Result(false, 0, 0, "webhook '" + name + "': engine stopping"));
            return result;
        }

        final JsonNode payload;
        try
        {
            payload = MAPPER.readTree(payloadJson);
        }
        catch (final IOException ex)
        {
            result.complete(new Result(false, 0, 0, "webhook '" + name +
                "': expected a JSON object {url, secret, timeoutMs, retries, body} as payload, got unreadable JSON"));
            return result;
        }
        if (null == payload || !payload.isObject())
        {
            result.complete(new Result(false, 0, 0, "webhook '" + name +
                "': expected a JSON object {url, secret, timeoutMs, retries, body} as payload"));
            return result;
        }

        final String url = payload.path("url").asText("");
        final URI uri;
        try
        {
            uri = new URI(url);
        }
        catch (final URISyntaxException ex)
        {
            result.complete(new Result(false, 0, 0, "webhook '" + name + "': expected an http or https URL, got '" +
                withoutQuery(url) + "'"));
            return result;
        }
        final String scheme = null == uri.getScheme() ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!("http".equals(scheme) || "https".equals(scheme)) || null == uri.getHost())
        {
            result.complete(new Result(false, 0, 0, "webhook '" + name + "': expected an http or https URL, got '" +
                withoutQuery(url) + "'"));
            return result;
        }

        final String secretKey = payload.path("secret").asText("");
        final String secret = secretKey.isEmpty() || null == ctx.secrets ? null : ctx.secrets.secret(secretKey);
        if (null == secret || secret.isEmpty())
        {
            result.complete(new Result(false, 0, 0, "webhook '" + name + "': no secret '" + secretKey +
                "' in the secrets store"));
            return result;
        }

        final long timeoutMs = Math.max(1, Math.min(TIMEOUT_MS_MAX, payload.path("timeoutMs").asLong(TIMEOUT_MS_DEFAULT)));
        final int retries = Math.max(0, Math.min(RETRIES_MAX, payload.path("retries").asInt(RETRIES_DEFAULT)));
        final JsonNode bodyNode = payload.get("body");
        final String body;
        try
        {
            body = null == bodyNode || bodyNode.isNull() ? "{}" : MAPPER.writeValueAsString(bodyNode);
        }
        catch (final IOException ex)
        {
            result.complete(new Result(false, 0, 0, "webhook '" + name + "': the body could not be written as JSON"));
            return result;
        }

        final Delivery delivery = new Delivery(
            name, uri, secret.getBytes(StandardCharsets.UTF_8), body, deliveryId, timeoutMs, retries, result);
        inFlight.add(delivery);
        result.whenComplete((r, ex) -> inFlight.remove(delivery));
        attempt(delivery);
        return result;
    }

    /**
     * The hex HMAC-SHA256 of {@code timestamp + "." + body}, keyed with a secret: what a receiver recomputes.
     *
     * @param secret           the key.
     * @param timestampSeconds the {@value #TIMESTAMP_HEADER} value.
     * @param body             the body as sent.
     * @return lowercase hex, without the {@code sha256=} prefix.
     */
    public static String signature(final byte[] secret, final long timestampSeconds, final String body)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HEX.formatHex(mac.doFinal((timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8)));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 is not available", ex);
        }
    }

    /**
     * Stop: deliveries in flight complete with "engine stopping", no retry is made after.
     */
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            for (final Delivery delivery : List.copyOf(inFlight))
            {
                delivery.result.complete(new Result(
                    false, delivery.attempts, delivery.lastStatus, "webhook '" + delivery.name + "': engine stopping"));
            }
            if (ownsScheduler)
            {
                scheduler.shutdownNow();
            }
            client.shutdownNow();
        }
    }

    private void attempt(final Delivery delivery)
    {
        if (closed.get() || delivery.result.isDone())
        {
            return;
        }
        delivery.attempts++;
        final long timestamp = ctx.epochClock.time() / 1000;
        final HttpRequest request;
        try
        {
            request = HttpRequest.newBuilder(delivery.uri)
                .timeout(Duration.ofMillis(delivery.timeoutMs))
                .header("Content-Type", "application/json")
                .header(TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(SIGNATURE_HEADER, "sha256=" + signature(delivery.secret, timestamp, delivery.body))
                .header(DELIVERY_HEADER, delivery.deliveryId)
                .POST(HttpRequest.BodyPublishers.ofString(delivery.body, StandardCharsets.UTF_8))
                .build();
        }
        catch (final IllegalArgumentException ex)
        {
            delivery.result.complete(new Result(false, delivery.attempts, 0, "webhook '" + delivery.name +
                "': the request could not be built: " + ex.getMessage()));
            return;
        }

        final BoundedDiscard discard = new BoundedDiscard(ctx.maxResponseBytes);
        try
        {
            client.sendAsync(request, info -> discard)
                .whenComplete((response, error) -> onAnswer(delivery, discard, response, error));
        }
        catch (final RuntimeException ex)
        {
            onAnswer(delivery, discard, null, ex);
        }
    }

    private void onAnswer(
        final Delivery delivery, final BoundedDiscard discard, final HttpResponse<Void> response, final Throwable error)
    {
        if (null != response)
        {
            // The body is read on, and discarded, up to its bound; a receiver that never ends it is cut off.
            schedule(discard::cancel, delivery.timeoutMs);
            final int status = response.statusCode();
            delivery.lastStatus = status;
            if (status >= 200 && status < 300)
            {
                delivery.result.complete(new Result(true, delivery.attempts, status,
                    "webhook '" + delivery.name + "': HTTP " + status + attemptsSuffix(delivery.attempts)));
                return;
            }
            final String what = "HTTP " + status;
            if (status >= 500 || 408 == status || 429 == status)
            {
                retryOrFail(delivery, what, retryAfterMs(response));
            }
            else
            {
                delivery.result.complete(new Result(false, delivery.attempts, status,
                    "webhook '" + delivery.name + "': " + what + attemptsSuffix(delivery.attempts)));
            }
            return;
        }

        final Throwable cause = error instanceof CompletionException && null != error.getCause() ?
            error.getCause() : error;
        if (cause instanceof IOException)
        {
            String what = describe(cause, delivery.timeoutMs);
            final String query = delivery.uri.getRawQuery();
            if (null != query && !query.isEmpty())
            {
                what = what.replace(query, "...");
            }
            retryOrFail(delivery, what, -1);
        }
        else
        {
            delivery.result.complete(new Result(false, delivery.attempts, delivery.lastStatus,
                "webhook '" + delivery.name + "': " + cause.getClass().getSimpleName() +
                (null == cause.getMessage() ? "" : ": " + cause.getMessage())));
        }
    }

    private void retryOrFail(final Delivery delivery, final String what, final long retryAfterMs)
    {
        if (delivery.attempts > delivery.retries || closed.get())
        {
            delivery.result.complete(new Result(false, delivery.attempts, delivery.lastStatus,
                "webhook '" + delivery.name + "': " + what + attemptsSuffix(delivery.attempts)));
            return;
        }
        final long backoff = Math.min(ctx.backoffMaxMs, ctx.backoffInitialMs << Math.min(30, delivery.attempts - 1));
        final long delayMs = retryAfterMs >= 0 ? Math.min(ctx.backoffMaxMs, retryAfterMs) : backoff;
        if (null != ctx.retriesCounter)
        {
            ctx.retriesCounter.increment();
        }
        if (!schedule(() -> attempt(delivery), delayMs))
        {
            delivery.result.complete(new Result(false, delivery.attempts, delivery.lastStatus,
                "webhook '" + delivery.name + "': engine stopping"));
        }
    }

    private boolean schedule(final Runnable task, final long delayMs)
    {
        try
        {
            scheduler.schedule(task, delayMs, TimeUnit.MILLISECONDS);
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            return false;
        }
    }

    private static long retryAfterMs(final HttpResponse<Void> response)
    {
        final String value = response.headers().firstValue("Retry-After").orElse("").trim();
        if (value.isEmpty() || value.length() > 9)
        {
            return -1;
        }
        for (int i = 0; i < value.length(); i++)
        {
            if (!Character.isDigit(value.charAt(i)))
            {
                return -1;
            }
        }
        return Long.parseLong(value) * 1000;
    }

    private static String describe(final Throwable cause, final long timeoutMs)
    {
        if (cause instanceof HttpTimeoutException)
        {
            return "no answer within " + timeoutMs + " ms";
        }
        if (cause instanceof ConnectException)
        {
            return "connection refused" + (null == cause.getMessage() ? "" : " (" + cause.getMessage() + ")");
        }
        return cause.getClass().getSimpleName() + (null == cause.getMessage() ? "" : ": " + cause.getMessage());
    }

    private static String attemptsSuffix(final int attempts)
    {
        return 1 == attempts ? "" : " after " + attempts + " attempts";
    }

    /**
     * A URL as it may be logged: without its query string or fragment (where tokens tend to live).
     *
     * @param url the URL.
     * @return the URL up to its first {@code ?} or {@code #}.
     */
    public static String withoutQuery(final String url)
    {
        int end = url.length();
        final int query = url.indexOf('?');
        final int fragment = url.indexOf('#');
        if (query >= 0)
        {
            end = query;
        }
        if (fragment >= 0 && fragment < end)
        {
            end = fragment;
        }
        return url.substring(0, end);
    }

    private static final class Delivery
    {
        final String name;
        final URI uri;
        final byte[] secret;
        final String body;
        final String deliveryId;
        final long timeoutMs;
        final int retries;
        final CompletableFuture<Result> result;
        volatile int attempts;
        volatile int lastStatus;

        Delivery(
            final String name,
            final URI uri,
            final byte[] secret,
            final String body,
            final String deliveryId,
            final long timeoutMs,
            final int retries,
            final CompletableFuture<Result> result)
        {
            this.name = name;
            this.uri = uri;
            this.secret = secret;
            this.body = body;
            this.deliveryId = deliveryId;
            this.timeoutMs = timeoutMs;
            this.retries = retries;
            this.result = result;
        }
    }

    /**
     * Reads a response body and throws it away, up to a bound; past it (or when cancelled) the subscription is
     * cancelled, which drops the connection. Its body completes at once: the status is all a delivery needs.
     */
    static final class BoundedDiscard implements HttpResponse.BodySubscriber<Void>
    {
        private final long maxBytes;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private volatile Flow.Subscription subscription;
        private long received;

        BoundedDiscard(final long maxBytes)
        {
            this.maxBytes = maxBytes;
        }

        public CompletionStage<Void> getBody()
        {
            return CompletableFuture.completedFuture(null);
        }

        public void onSubscribe(final Flow.Subscription subscription)
        {
            this.subscription = subscription;
            if (cancelled.get())
            {
                subscription.cancel();
            }
            else
            {
                subscription.request(1);
            }
        }

        public void onNext(final List<ByteBuffer> item)
        {
            for (final ByteBuffer buffer : item)
            {
                received += buffer.remaining();
            }
            if (received >= maxBytes)
            {
                cancel();
            }
            else if (!cancelled.get())
            {
                subscription.request(1);
            }
        }

        public void onError(final Throwable throwable)
        {
        }

        public void onComplete()
        {
        }

        void cancel()
        {
            if (cancelled.compareAndSet(false, true))
            {
                final Flow.Subscription s = subscription;
                if (null != s)
                {
                    s.cancel();
                }
            }
        }
    }

    /**
     * Settings of a {@link WebhookSender}.
     */
    public static final class Context
    {
        private boolean concluded;
        private SecretLookup secrets;
        private EpochClock epochClock;
        private AtomicCounter retriesCounter;
        private ScheduledExecutorService scheduler;
        private long backoffInitialMs = BACKOFF_INITIAL_MS_DEFAULT;
        private long backoffMaxMs = BACKOFF_MAX_MS_DEFAULT;
        private int maxResponseBytes = MAX_RESPONSE_BYTES_DEFAULT;

        /**
         * Validate the settings. Called by the sender's constructor.
         *
         * @return this.
         * @throws IllegalStateException    if called twice.
         * @throws IllegalArgumentException naming the setting that is wrong.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            concluded = true;
            if (null == epochClock)
            {
                epochClock = SystemEpochClock.INSTANCE;
            }
            if (backoffInitialMs < 1)
            {
                throw new IllegalArgumentException("webhook backoffInitialMs: expected 1 or more, got " + backoffInitialMs);
            }
            if (backoffMaxMs < backoffInitialMs)
            {
                throw new IllegalArgumentException("webhook backoffMaxMs: expected " + backoffInitialMs +
                    " (backoffInitialMs) or more, got " + backoffMaxMs);
            }
            if (maxResponseBytes < 1)
            {
                throw new IllegalArgumentException("webhook maxResponseBytes: expected 1 or more, got " + maxResponseBytes);
            }
            return this;
        }

        /**
         * Where signing secrets are read, at each delivery (so a rotated secret applies at once).
         *
         * @param secrets the store; null: every delivery fails for want of a secret.
         * @return this.
         */
        public Context secrets(final SecretLookup secrets)
        {
            this.secrets = secrets;
            return this;
        }

        /**
         * Clock of the {@value #TIMESTAMP_HEADER} header.
         *
         * @param epochClock the clock; the system's when null.
         * @return this.
         */
        public Context epochClock(final EpochClock epochClock)
        {
            this.epochClock = epochClock;
            return this;
        }

        /**
         * Counted once per retry ({@code AUTOMATION_WEBHOOK_RETRIES}).
         *
         * @param retriesCounter the counter, or null.
         * @return this.
         */
        public Context retriesCounter(final AtomicCounter retriesCounter)
        {
            this.retriesCounter = retriesCounter;
            return this;
        }

        /**
         * Where retries are scheduled; the sender makes a thread of its own when none is given. A given one is not
         * shut down by {@link WebhookSender#close()}.
         *
         * @param scheduler the scheduler, or null.
         * @return this.
         */
        public Context scheduler(final ScheduledExecutorService scheduler)
        {
            this.scheduler = scheduler;
            return this;
        }

        /**
         * First backoff: the n-th retry waits {@code backoffInitialMs * 2^(n-1)}, at most {@link #backoffMaxMs}.
         *
         * @param backoffInitialMs milliseconds (1000 by default).
         * @return this.
         */
        public Context backoffInitialMs(final long backoffInitialMs)
        {
            this.backoffInitialMs = backoffInitialMs;
            return this;
        }

        /**
         * Longest backoff, also the cap of a {@code Retry-After}.
         *
         * @param backoffMaxMs milliseconds (30000 by default).
         * @return this.
         */
        public Context backoffMaxMs(final long backoffMaxMs)
        {
            this.backoffMaxMs = backoffMaxMs;
            return this;
        }

        /**
         * Bytes of a response body read (and thrown away) before the connection is dropped.
         *
         * @param maxResponseBytes bytes (64 KiB by default).
         * @return this.
         */
        public Context maxResponseBytes(final int maxResponseBytes)
        {
            this.maxResponseBytes = maxResponseBytes;
            return this;
        }
    }
}
