package dev.commandcenter.app.bench;

import com.sun.net.httpserver.HttpServer;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Posts on a real loopback HTTP server that holds every request: no more than {@link RestSender#MAX_IN_FLIGHT}
 * await their answer at once, and the schedule waits for a free slot instead of opening more connections.
 */
@Timeout(60)
class RestSenderTest
{
    private static final int EVENTS = RestSender.MAX_IN_FLIGHT + 40;

    private final CountDownLatch answer = new CountDownLatch(1);
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private HttpServer server;
    private HttpClient http;

    @AfterEach
    void after()
    {
        answer.countDown();
        if (null != http)
        {
            http.shutdownNow();
        }
        if (null != server)
        {
            server.stop(0);
        }
    }

    @Test
    void shouldHoldTheScheduleAtTheBoundOfPostsAwaitingAnAnswer() throws Exception
    {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(BenchRun.EVENTS_PATH, (exchange) ->
        {
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            try
            {
                exchange.getRequestBody().readAllBytes();
                answer.await();
                // Not kept alive: this server closes connections idle past its own limit (200 by default) at any
                // moment, and a POST the client sends on one it is closing is lost, where the engine keeps them.
                exchange.getResponseHeaders().set("Connection", "close");
                exchange.sendResponseHeaders(202, -1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            finally
            {
                open.decrementAndGet();
                exchange.close();
            }
        });
        server.start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final FixedRateSchedule schedule = new FixedRateSchedule(0, 1_000, EVENTS);
        final LatencyRecorder recorder = new LatencyRecorder(7, schedule, 1);
        final RestSender sender = new RestSender(http, URI.create("http://127.0.0.1:" +
            server.getAddress().getPort() + BenchRun.EVENTS_PATH), "t", recorder, SystemNanoClock.INSTANCE,
            Duration.ofSeconds(30));

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
            assertThat(open.get()).as("posts held by the server").isEqualTo(RestSender.MAX_IN_FLIGHT);
            assertThat(sending.getState()).as("the sender waits for a slot").isEqualTo(Thread.State.WAITING);
        });
        assertThat(recorder.sent()).isEqualTo(RestSender.MAX_IN_FLIGHT);
        answer.countDown();
        sending.join(TimeUnit.SECONDS.toMillis(30));
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
        {
            assertThat(recorder.sendErrors()).as("send errors").isZero();
            assertThat(recorder.accepted().getTotalCount()).as("posts answered 202").isEqualTo(EVENTS);
        });
        assertThat(recorder.sent()).isEqualTo(EVENTS);
        assertThat(mostOpen.get()).isEqualTo(RestSender.MAX_IN_FLIGHT);
        assertThat(recorder.sendErrors()).isZero();
    }
}
