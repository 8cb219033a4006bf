package dev.commandcenter.app.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A saturating phase sent from the event loop that carries the posts, against a real loopback HTTP server: no more
 * events in flight than the window, the next ones sent when events complete on another thread and when answers free
 * connections (with the tick an hour apart, so only those moments can send), a stall when the window stops moving,
 * and a connection that cannot open counted as an error without the loop ever waiting on itself.
 */
@Timeout(60)
class LoopPumpTest
{
    private static final long TAG = 11;
    private static final long HOUR_MS = TimeUnit.HOURS.toMillis(1);
    private static final NanoClock CLOCK = SystemNanoClock.INSTANCE;

    private volatile boolean hold;
    /** When set, the server marks each posted event received by every client as it reads it. */
    private volatile LatencyRecorder completeOnArrival;
    private final AtomicInteger arrivals = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Queue<ChannelHandlerContext> held = new ConcurrentLinkedQueue<>();
    private final EventLoopGroup clientLoop = new MultiThreadIoEventLoopGroup(1,
        Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    private LoopbackHttpServer server;
    private RestConnections rest;
    private int port;

    @AfterEach
    void after()
    {
        if (null != rest)
        {
            rest.close();
        }
        clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldKeepTheWindowInFlightAndSendMoreAsEventsCompleteOnAnotherThread() throws Exception
    {
        startServer();
        final WindowedSchedule schedule = schedule(4, 10, Duration.ofHours(1));
        final LatencyRecorder recorder = new LatencyRecorder(TAG, schedule, 1);
        final CompletableFuture<Long> sent = run(schedule, recorder, HOUR_MS);

        await().atMost(30, TimeUnit.SECONDS).until(() -> arrivals.get() == 4);
        await().during(Duration.ofMillis(200)).atMost(30, TimeUnit.SECONDS).until(() -> arrivals.get() == 4);
        assertThat(schedule.inFlight()).isEqualTo(4);

        recorder.onReceived(0, CLOCK.nanoTime(), null);
        recorder.onReceived(1, CLOCK.nanoTime(), null);
        await().atMost(30, TimeUnit.SECONDS).until(() -> arrivals.get() == 6);
        await().during(Duration.ofMillis(100)).atMost(30, TimeUnit.SECONDS).until(() -> arrivals.get() == 6);

        for (int i = 2; i < 10; i++)
        {
            final int index = i;
            await().atMost(30, TimeUnit.SECONDS).until(() -> arrivals.get() > index);
            recorder.onReceived(index, CLOCK.nanoTime(), null);
        }
        assertThat(sent.get(30, TimeUnit.SECONDS)).isEqualTo(10);
        await().atMost(30, TimeUnit.SECONDS).until(() -> recorder.accepted().getTotalCount() == 10);
        assertThat(arrivals.get()).isEqualTo(10);
        assertThat(recorder.sendErrors()).isZero();
        assertThat(schedule.stalled()).isFalse();
    }

    @Test
    void shouldWaitForAFreeConnectionAndSendWhenAnAnswerFreesOne() throws Exception
    {
        hold = true;
        startServer();
        final int events = RestConnections.MAX_IN_FLIGHT + 72;
        final WindowedSchedule schedule = schedule(1_000, events, Duration.ofHours(1));
        final LatencyRecorder recorder = new LatencyRecorder(TAG, schedule, 1);
        completeOnArrival = recorder;
        final CompletableFuture<Long> sent = run(schedule, recorder, HOUR_MS);

        await().atMost(30, TimeUnit.SECONDS).until(() -> arrivals.get() == RestConnections.MAX_IN_FLIGHT);
        await().during(Duration.ofMillis(200)).atMost(30, TimeUnit.SECONDS)
            .until(() -> arrivals.get() == RestConnections.MAX_IN_FLIGHT);
        assertThat(recorder.sendErrors()).as("no post refused for want of a connection").isZero();

        answerHeldAndStopHolding();
        assertThat(sent.get(30, TimeUnit.SECONDS)).isEqualTo(events);
        await().atMost(30, TimeUnit.SECONDS).until(() -> recorder.accepted().getTotalCount() == events);
        assertThat(arrivals.get()).isEqualTo(events);
        assertThat(recorder.sendErrors()).isZero();
    }

    @Test
    void shouldPipelinePostsOnAsFewConnectionsAsTheDepthAllowsAndSendEachPassOfPosts() throws Exception
    {
        hold = true;
        startServer();
        final int depth = 16;
        final int events = RestConnections.MAX_IN_FLIGHT * 3 + 5;
        final WindowedSchedule schedule = schedule(1_000, events, Duration.ofHours(1));
        final LatencyRecorder recorder = new LatencyRecorder(TAG, schedule, 1);
        completeOnArrival = recorder;
        final CompletableFuture<Long> sent = run(schedule, recorder, HOUR_MS, depth);

        await().atMost(30, TimeUnit.SECONDS).until(() -> arrivals.get() == RestConnections.MAX_IN_FLIGHT);
        await().during(Duration.ofMillis(200)).atMost(30, TimeUnit.SECONDS)
            .until(() -> arrivals.get() == RestConnections.MAX_IN_FLIGHT);
        assertThat(accepted.get()).as("connections opened").isEqualTo(RestConnections.MAX_IN_FLIGHT / depth);

        // The posts that answers free are written on open connections by the loop and sent when its pass ends.
        answerHeldAndStopHolding();
        assertThat(sent.get(30, TimeUnit.SECONDS)).isEqualTo(events);
        await().atMost(30, TimeUnit.SECONDS).until(() -> recorder.accepted().getTotalCount() == events);
        assertThat(arrivals.get()).isEqualTo(events);
        assertThat(recorder.sendErrors()).isZero();
        assertThat(accepted.get()).as("connections opened").isEqualTo(RestConnections.MAX_IN_FLIGHT / depth);
    }

    @Test
    void shouldEndWithAStallWhenTheWindowStopsMoving() throws Exception
    {
        startServer();
        final WindowedSchedule schedule = new WindowedSchedule(CLOCK.nanoTime(), TimeUnit.HOURS.toNanos(1), 2, 100,
            TimeUnit.MILLISECONDS.toNanos(200));
        final LatencyRecorder recorder = new LatencyRecorder(TAG, schedule, 1);

        assertThat(run(schedule, recorder, 1).get(30, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(schedule.stalled()).isTrue();
        assertThat(arrivals.get()).isEqualTo(2);
    }

    @Test
    void shouldEndAtTheEndTime() throws Exception
    {
        startServer();
        final WindowedSchedule schedule = schedule(2, 100, Duration.ofMillis(300));
        final LatencyRecorder recorder = new LatencyRecorder(TAG, schedule, 1);

        assertThat(run(schedule, recorder, 1).get(30, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(schedule.stalled()).isFalse();
    }

    @Test
    void shouldCountAPostThatCannotConnectAsAnErrorAndGoOnWithoutWaitingOnTheLoop() throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            port = socket.getLocalPort();
        }
        final WindowedSchedule schedule = schedule(2, 3, Duration.ofHours(1));
        final LatencyRecorder recorder = new LatencyRecorder(TAG, schedule, 1);

        assertThat(run(schedule, recorder, HOUR_MS).get(30, TimeUnit.SECONDS)).isEqualTo(3);
        await().atMost(30, TimeUnit.SECONDS).until(() -> recorder.sendErrors() == 3);
        assertThat(recorder.firstError()).startsWith("POST /api/events: cannot connect to 127.0.0.1:" + port + ": ");
    }

    private static WindowedSchedule schedule(final int window, final int capacity, final Duration length)
    {
        return new WindowedSchedule(CLOCK.nanoTime(), length.toNanos(), window, capacity, TimeUnit.HOURS.toNanos(1));
    }

    private CompletableFuture<Long> run(final WindowedSchedule schedule, final LatencyRecorder recorder, final long tickMs)
    {
        return run(schedule, recorder, tickMs, 1);
    }

    private CompletableFuture<Long> run(
        final WindowedSchedule schedule, final LatencyRecorder recorder, final long tickMs, final int depth)
    {
        rest = new RestConnections(URI.create("http://127.0.0.1:" + port + BenchRun.EVENTS_PATH), "secret-token", CLOCK,
            Duration.ofSeconds(30), Duration.ofSeconds(10), clientLoop.next(), depth);
        final LoopPump pump = new LoopPump(schedule, rest, recorder, CLOCK, tickMs);
        final CompletableFuture<Long> sent = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> sent.complete(pump.run()));
        return sent;
    }

    /**
     * On the server's event loop: answer 202 to every post held, in the order they came, and answer the next ones as
     * they come.
     */
    private void answerHeldAndStopHolding()
    {
        server.group.next().execute(() ->
        {
            hold = false;
            ChannelHandlerContext ctx;
            while (null != (ctx = held.poll()))
            {
                ctx.writeAndFlush(LoopbackHttpServer.response(HttpResponseStatus.ACCEPTED, ""));
            }
        });
    }

    private void startServer() throws InterruptedException
    {
        server = new LoopbackHttpServer((channel) -> accepted.incrementAndGet(), (ctx, request) ->
        {
            final String body = request.content().toString(StandardCharsets.UTF_8);
            final int at = body.indexOf("\"txid\":\"") + 8;
            final long index = PaymentIds.index(body.substring(at, at + 64), TAG);
            arrivals.incrementAndGet();
            if (hold)
            {
                held.add(ctx);
            }
            else
            {
                ctx.writeAndFlush(LoopbackHttpServer.response(HttpResponseStatus.ACCEPTED, ""));
            }
            final LatencyRecorder recorder = completeOnArrival;
            if (null != recorder)
            {
                recorder.onReceived(index, CLOCK.nanoTime(), null);
            }
        });
        port = server.port;
    }
}
