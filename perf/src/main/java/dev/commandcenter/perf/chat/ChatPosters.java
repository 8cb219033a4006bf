package dev.commandcenter.perf.chat;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The posters of a chat load run: a few viewers with names of their own ({@code loadposter1}, ...), each with its own
 * HTTP client (kept-alive HTTP/1.1 connections), sharing the schedule round robin. Each message is
 * {@code POST /api/chat/messages} with the chat token, its messageId = its index in the schedule and a text of its own
 * (the plugin refuses a viewer's repeated text); the post does not wait for the answer, so the schedule keeps its
 * pace. The gateway answers once the plugin showed (200) or refused (403, 429, 400) the message, or 202 when no
 * verdict came in time; the time to a 200 of a measured message is recorded from its intended send time.
 * <p>
 * <b>Note:</b> {@link #post} runs on the schedule's thread; answers arrive on the HTTP clients' threads.
 */
final class ChatPosters implements ChatSchedule.Post, AutoCloseable
{
    /** Most posts of one poster awaiting their answer: the JDK's client opens a connection per request in flight. */
    static final int MAX_IN_FLIGHT = 32;

    private static final Pattern REFUSAL = Pattern.compile("\"refusal\"\\s*:\\s*\"([A-Z_]+)\"");
    private static final Pattern ERROR = Pattern.compile("\"error\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final long HIGHEST_NS = TimeUnit.MINUTES.toNanos(10);

    private final URI messages;
    private final String authorization;
    private final ChatSchedule schedule;
    private final Duration timeout;
    private final List<HttpClient> clients = new ArrayList<>();
    private final List<Semaphore> inFlight = new ArrayList<>();
    private final BitSet notOwed = new BitSet();
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private final ConcurrentHistogram shown = new ConcurrentHistogram(HIGHEST_NS, 3);
    private final LongAdder accepted = new LongAdder();
    private final LongAdder pending = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicLong posted = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private volatile String firstError = "";

    /**
     * @param messages the {@code /api/chat/messages} URL.
     * @param token    the chat token.
     * @param posters  how many posters.
     * @param schedule the run's schedule.
     * @param timeout  longest wait for an answer.
     */
    ChatPosters(final URI messages, final String token, final int posters, final ChatSchedule schedule,
        final Duration timeout)
    {
        this.messages = messages;
        this.authorization = "Bearer " + token;
        this.schedule = schedule;
        this.timeout = timeout;
        for (int i = 0; i < posters; i++)
        {
            clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build());
            inFlight.add(new Semaphore(MAX_IN_FLIGHT));
        }
    }

    /**
     * The display name of a poster.
     *
     * @param poster its number, from 0.
     * @return the name.
     */
    static String name(final int poster)
    {
        return "loadposter" + (poster + 1);
    }

    /**
     * The body of one post: its own text, so no two messages of a poster repeat.
     *
     * @param poster the poster's number.
     * @param index  the message's index, its messageId.
     * @return the JSON.
     */
    static String body(final int poster, final long index)
    {
        return "{\"name\":\"" + name(poster) + "\",\"text\":\"load message " + index + " of the chat harness\"," +
            "\"room\":\"main\",\"messageId\":" + index + "}";
    }

    public void post(final long index, final long intendedNs)
    {
        final int poster = (int)(index % clients.size());
        final Semaphore slots = inFlight.get(poster);
        try
        {
            slots.acquire();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return;
        }
        posted.incrementAndGet();
        final HttpRequest request = HttpRequest.newBuilder(messages)
            .timeout(timeout)
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body(poster, index)))
            .build();
        clients.get(poster).sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, ex) ->
        {
            slots.release();
            if (null != ex)
            {
                onFailed(index, "POST " + messages.getPath() + ": " + ChatViewers.oneLine(ex));
            }
            else
            {
                onAnswer(index, intendedNs, response.statusCode(), response.body());
            }
            answered.incrementAndGet();
        });
    }

    void onAnswer(final long index, final long intendedNs, final int status, final String body)
    {
        if (200 == status)
        {
            if (schedule.measured(index))
            {
                shown.recordValue(Math.min(HIGHEST_NS, Math.max(0, System.nanoTime() - intendedNs)));
            }
            accepted.increment();
        }
        else if (202 == status)
        {
            pending.increment();
        }
        else
        {
            final Matcher refusal = REFUSAL.matcher(body);
            if (refusal.find())
            {
                refusals.computeIfAbsent(refusal.group(1), (key) -> new LongAdder()).increment();
                notOwed(index);
                error(status, body);
            }
            else
            {
                onFailed(index, "POST " + messages.getPath() + " answered " + status + " " + oneLine(body));
            }
        }
    }

    private void onFailed(final long index, final String reason)
    {
        failed.increment();
        notOwed(index);
        if (firstError.isEmpty())
        {
            firstError = reason;
        }
    }

    private void error(final int status, final String body)
    {
        if (firstError.isEmpty())
        {
            final Matcher error = ERROR.matcher(body);
            firstError = "POST " + messages.getPath() + " answered " + status + " " +
                (error.find() ? error.group(1) : oneLine(body));
        }
    }

    private void notOwed(final long index)
    {
        synchronized (notOwed)
        {
            notOwed.set((int)index);
        }
    }

    private static String oneLine(final String body)
    {
        final String line = body.lines().findFirst().orElse("").strip();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /**
     * Wait until every post made so far has its answer.
     *
     * @param bound longest wait.
     * @return true when all are answered.
     */
    boolean awaitAnswers(final Duration bound)
    {
        final long deadlineNs = System.nanoTime() + bound.toNanos();
        while (answered.get() < posted.get())
        {
            if (System.nanoTime() - deadlineNs > 0 || Thread.currentThread().isInterrupted())
            {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return true;
    }

    /**
     * Messages no viewer is owed: refused by the plugin or the gateway, failed, or never posted.
     *
     * @return a copy.
     */
    BitSet notOwed()
    {
        final BitSet copy;
        synchronized (notOwed)
        {
            copy = (BitSet)notOwed.clone();
        }
        for (long i = posted.get(); i < schedule.count(); i++)
        {
            copy.set((int)i);
        }
        return copy;
    }

    /**
     * What the posters saw.
     *
     * @return the figures.
     */
    PosterFigures figures()
    {
        final Map<String, Long> byRefusal = new TreeMap<>();
        refusals.forEach((refusal, count) -> byRefusal.put(refusal, count.sum()));
        return new PosterFigures(posted.get(), answered.get(), accepted.sum(), pending.sum(), byRefusal, failed.sum(),
            firstError, shown.copy());
    }

    /**
     * Close the HTTP clients.
     */
    public void close()
    {
        for (final HttpClient client : clients)
        {
            client.shutdownNow();
        }
    }

    /**
     * What the posters saw.
     *
     * @param posted    posts sent.
     * @param answered  posts answered (or failed).
     * @param accepted  200: the plugin showed the message.
     * @param pending   202: no verdict within the gateway's wait.
     * @param refusals  refused posts by refusal (the plugin's, or the gateway's rate limits).
     * @param failed    posts that failed otherwise (no answer, another status).
     * @param firstError the first refusal or failure, one line, or an empty string.
     * @param shown     intended send time to the 200 of the measured messages, ns.
     */
    record PosterFigures(
        long posted,
        long answered,
        long accepted,
        long pending,
        Map<String, Long> refusals,
        long failed,
        String firstError,
        Histogram shown)
    {
        /**
         * Posts refused, whatever the refusal.
         *
         * @return the count.
         */
        long refused()
        {
            long sum = 0;
            for (final long count : refusals.values())
            {
                sum += count;
            }
            return sum;
        }
    }
}
