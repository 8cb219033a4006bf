package dev.commandcenter.app.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The load generator's posts on a real loopback HTTP server (Netty's codec, which reads pipelined requests): no
 * more than {@link RestConnections#MAX_IN_FLIGHT} await their answer at once over at most {@link
 * RestConnections#CONNECTIONS} connections, the schedule waits for a free slot, and every way a post can fail (an
 * error status, no answer in time, a closed connection, nothing listening) is one error naming what went wrong.
 */
@Timeout(60)
class RestSenderTest
{
    private static final int EVENTS = RestConnections.MAX_IN_FLIGHT + 40;

    enum Mode
    {
        HOLD, ANSWER_202, ANSWER_401, ANSWER_HUGE, CLOSE
    }

    private volatile Mode mode = Mode.HOLD;
    private final Queue<Held> held = new ConcurrentLinkedQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private LoopbackHttpServer server;
    private RestConnections rest;
    private int port;

    private record Held(ChannelHandlerContext ctx)
    {
    }

    @AfterEach
    void after()
    {
        if (null != rest)
        {
            rest.close();
        }
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldHoldTheScheduleAtTheBoundOfPostsAwaitingAnAnswerOnAFewConnections() throws Exception
    {
        startServer();
        final FixedRateSchedule schedule = new FixedRateSchedule(0, 1_000, EVENTS);
        final LatencyRecorder recorder = new LatencyRecorder(7, schedule, 1);
        rest = connections(Duration.ofSeconds(30));
        final RestSender sender = new RestSender(rest, recorder);

        final Thread sending = Thread.ofPlatform().daemon().start(() ->
        {
            for (int i = 0; i < EVENTS; i++)
            {
                sender.send(i, schedule.intendedNs(i));
            }
        });

        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
        {
            assertThat(recorder.sendErrors()).as("send errors").isZero();
            assertThat(requests.get()).as("posts held by the server").isEqualTo(RestConnections.MAX_IN_FLIGHT);
            assertThat(sending.getState()).as("the sender waits for a slot").isEqualTo(Thread.State.WAITING);
        });
        assertThat(recorder.sent()).isEqualTo(RestConnections.MAX_IN_FLIGHT);
        assertThat(connections).as("connections opened").hasSize(RestConnections.CONNECTIONS);
        assertThat(bodies.getFirst()).contains("\"txid\":\"" + PaymentIds.hex(7, 0) + "\"");

        // On the server's one event loop, so no request is answered before one held ahead of it on its connection.
        server.group.next().execute(() ->
        {
            mode = Mode.ANSWER_202;
            answerHeld(HttpResponseStatus.ACCEPTED);
        });
        sending.join(TimeUnit.SECONDS.toMillis(30));
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
            assertThat(recorder.accepted().getTotalCount()).as("posts answered 202").isEqualTo(EVENTS));
        assertThat(recorder.sent()).isEqualTo(EVENTS);
        assertThat(requests.get()).isEqualTo(EVENTS);
        assertThat(recorder.sendErrors()).isZero();
        assertThat(connections).as("connections kept alive").hasSize(RestConnections.CONNECTIONS);
    }

    @Test
    void shouldPipelinePostsUpToTheDepthAndFailEveryPostOnAConnectionTheServerCloses() throws Exception
    {
        startServer();
        final int depth = 4;
        rest = new RestConnections(URI.create("http://127.0.0.1:" + port + BenchRun.EVENTS_PATH), "secret-token",
            SystemNanoClock.INSTANCE, Duration.ofSeconds(30), Duration.ofSeconds(10), null, depth);
        final LatencyRecorder recorder = recorder(2 * depth);
        final RestSender sender = new RestSender(rest, recorder);
        // Posted from this thread, not the connections' loop: each written post is sent without a pass of posts.
        for (int i = 0; i < 2 * depth; i++)
        {
            sender.send(i, 0);
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> requests.get() == 2 * depth);
        assertThat(connections).as("connections opened").hasSize(2);
        assertThat(rest.hasFreeConnection()).isTrue();

        // The first connection's posts were read first: closing it fails all of them, and only them.
        final Channel first = held.peek().ctx().channel();
        server.group.next().execute(() ->
        {
            held.removeIf((next) -> next.ctx().channel() == first);
            first.close();
            answerHeld(HttpResponseStatus.ACCEPTED);
        });
        await().atMost(30, TimeUnit.SECONDS).until(() ->
            recorder.sendErrors() + recorder.accepted().getTotalCount() == 2 * depth);
        assertThat(recorder.sendErrors()).isEqualTo(depth);
        assertThat(recorder.accepted().getTotalCount()).isEqualTo(depth);
        assertThat(recorder.firstError()).isEqualTo(
            "POST /api/events: the server closed the connection before answering");
        assertThat(rest.openConnections()).isEqualTo(1);
    }

    @Test
    void shouldCloseConnectionsUnusedForTheIdleTimeAndOpenANewOneForTheNextPost() throws Exception
    {
        startServer();
        final CachedNanoClock clock = new CachedNanoClock();
        rest = new RestConnections(URI.create("http://127.0.0.1:" + port + BenchRun.EVENTS_PATH), "secret-token", clock,
            Duration.ofSeconds(30), Duration.ofSeconds(10));
        final LatencyRecorder recorder = recorder(4);
        final RestSender sender = new RestSender(rest, recorder);
        for (int i = 0; i < 3; i++)
        {
            sender.send(i, 0);
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> requests.get() == 3);
        server.group.next().execute(() ->
        {
            mode = Mode.ANSWER_202;
            answerHeld(HttpResponseStatus.ACCEPTED);
        });
        await().atMost(30, TimeUnit.SECONDS).until(() -> recorder.accepted().getTotalCount() == 3);
        assertThat(rest.openConnections()).isEqualTo(3);

        clock.update(TimeUnit.MILLISECONDS.toNanos(RestConnections.IDLE_CLOSE_MS) - 1);
        // Kept through several of the generator's checks (one each 50 ms) until the idle time has passed.
        await().during(Duration.ofMillis(300)).atMost(30, TimeUnit.SECONDS).until(() -> rest.openConnections() == 3);
        clock.update(TimeUnit.MILLISECONDS.toNanos(RestConnections.IDLE_CLOSE_MS));
        await().atMost(30, TimeUnit.SECONDS).until(() -> rest.openConnections() == 0 &&
            connections.stream().noneMatch(Channel::isActive));

        sender.send(3, 0);
        await().atMost(30, TimeUnit.SECONDS).until(() -> recorder.accepted().getTotalCount() == 4);
        assertThat(connections).as("a new connection for the next post").hasSize(4);
        assertThat(recorder.sendErrors()).isZero();
    }

    @Test
    void shouldReportAnErrorStatusWithTheFirstLineOfTheAnswer() throws Exception
    {
        mode = Mode.ANSWER_401;
        startServer();
        final LatencyRecorder recorder = recorder(3);
        rest = connections(Duration.ofSeconds(30));
        final RestSender sender = new RestSender(rest, recorder);
        for (int i = 0; i < 3; i++)
        {
            sender.send(i, 0);
        }

        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(recorder.sendErrors()).isEqualTo(3));
        assertThat(recorder.firstError()).isEqualTo("POST /api/events answered 401 {\"error\":\"bad token\"}");
        assertThat(recorder.accepted().getTotalCount()).isZero();
    }

    @Test
    void shouldFailAPostWhoseAnswerIsLargerThanTheBoundAndGoOn() throws Exception
    {
        mode = Mode.ANSWER_HUGE;
        startServer();
        final LatencyRecorder recorder = recorder(2);
        rest = connections(Duration.ofSeconds(30));
        final RestSender sender = new RestSender(rest, recorder);
        sender.send(0, 0);

        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(recorder.sendErrors()).isEqualTo(1));
        assertThat(recorder.firstError())
            .isEqualTo("POST /api/events: answer larger than 65536 bytes (expected a short status body)");
        assertThat(recorder.accepted().getTotalCount()).isZero();

        mode = Mode.ANSWER_202;
        sender.send(1, 0);
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
            assertThat(recorder.accepted().getTotalCount()).isEqualTo(1));
    }

    @Test
    void shouldFailPostsUnansweredInTimeAndGoOnOnANewConnection() throws Exception
    {
        startServer();
        final LatencyRecorder recorder = recorder(4);
        rest = connections(Duration.ofMillis(300));
        final RestSender sender = new RestSender(rest, recorder);
        sender.send(0, 0);
        sender.send(1, 0);

        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(recorder.sendErrors()).isEqualTo(2));
        assertThat(recorder.firstError()).isEqualTo("POST /api/events: request timed out after 300 ms");

        mode = Mode.ANSWER_202;
        sender.send(2, 0);
        sender.send(3, 0);
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
            assertThat(recorder.accepted().getTotalCount()).isEqualTo(2));
        assertThat(recorder.sendErrors()).isEqualTo(2);
    }

    @Test
    void shouldFailThePostsOfAConnectionTheServerCloses() throws Exception
    {
        mode = Mode.CLOSE;
        startServer();
        final LatencyRecorder recorder = recorder(1);
        rest = connections(Duration.ofSeconds(30));
        new RestSender(rest, recorder).send(0, 0);

        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(recorder.sendErrors()).isEqualTo(1));
        assertThat(recorder.firstError())
            .isEqualTo("POST /api/events: the server closed the connection before answering");
    }

    @Test
    void shouldFailAPostWhenNothingListens() throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            port = socket.getLocalPort();
        }
        final LatencyRecorder recorder = recorder(1);
        rest = connections(Duration.ofSeconds(30));
        new RestSender(rest, recorder).send(0, 0);

        assertThat(recorder.sendErrors()).isEqualTo(1);
        assertThat(recorder.firstError()).startsWith("POST /api/events: cannot connect to 127.0.0.1:" + port + ": ");
        assertThat(recorder.sent()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAUrlThatIsNotHttp()
    {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RestConnections(
            URI.create("https://127.0.0.1:1/api/events"), "t", SystemNanoClock.INSTANCE, Duration.ofSeconds(1),
            Duration.ofSeconds(1)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("cannot post to https://127.0.0.1:1/api/events: only http:// is supported by the load " +
                "generator (expected http:// on loopback or a trusted network)");
    }

    private static LatencyRecorder recorder(final int events)
    {
        return new LatencyRecorder(5, new FixedRateSchedule(0, 1_000, events), 1);
    }

    private RestConnections connections(final Duration timeout)
    {
        return new RestConnections(URI.create("http://127.0.0.1:" + port + BenchRun.EVENTS_PATH), "secret-token",
            SystemNanoClock.INSTANCE, timeout, Duration.ofSeconds(10));
    }

    private void answerHeld(final HttpResponseStatus status)
    {
        Held next;
        while (null != (next = held.poll()))
        {
            next.ctx().writeAndFlush(response(status, ""));
        }
    }

    private void startServer() throws InterruptedException
    {
        server = new LoopbackHttpServer(connections::add, (ctx, request) ->
        {
            requests.incrementAndGet();
            assertThat(request.headers().get(HttpHeaderNames.AUTHORIZATION)).isEqualTo("Bearer secret-token");
            bodies.add(request.content().toString(StandardCharsets.UTF_8));
            switch (mode)
            {
                case HOLD -> held.add(new Held(ctx));
                case ANSWER_202 -> ctx.writeAndFlush(response(HttpResponseStatus.ACCEPTED, ""));
                case ANSWER_401 -> ctx.writeAndFlush(
                    response(HttpResponseStatus.UNAUTHORIZED, "{\"error\":\"bad token\"}\nmore"));
                case ANSWER_HUGE -> ctx.writeAndFlush(response(HttpResponseStatus.ACCEPTED, "x".repeat(1024 * 1024)));
                case CLOSE -> ctx.close();
            }
        });
        port = server.port;
    }

    private static FullHttpResponse response(final HttpResponseStatus status, final String body)
    {
        return LoopbackHttpServer.response(status, body);
    }
}
