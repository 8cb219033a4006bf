package dev.commandcenter.nativews;

import dev.commandcenter.transport.websocket.wire.WireEvents;
import org.agrona.concurrent.UnsafeBuffer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The events read by a thread of the server's ({@link NativeWireTransport#hostEvents()}): each wait below is an hour
 * long, so it ends only when what the test says ends it does, within the test's bounds.
 */
@Timeout(60)
class NativeHostedEventsTest
{
    private static final long HOUR_NS = TimeUnit.HOURS.toNanos(1);

    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-reader"));
    private NativeWireTransport transport;

    @AfterEach
    void tearDown()
    {
        if (null != transport)
        {
            transport.close();
        }
        reader.shutdownNow();
    }

    @Test
    void shouldReadNothingAndNotWaitBeforeTheStartAndRefuseToHostAfterIt() throws Exception
    {
        transport = new NativeWireTransport(NativeTestSupport.library());
        final WireEvents events = transport.hostEvents();
        assertThat(transport.hostEvents()).isSameAs(events);

        final AtomicInteger asked = new AtomicInteger();
        assertThat(events.poll()).as("not started").isEqualTo(-1);
        events.await(HOUR_NS, () -> asked.incrementAndGet() > 0);
        assertThat(asked).as("returned before asking, without waiting").hasValue(0);

        transport.start(NativeTestSupport.settings(), new RecordingListener());
        assertThat(events.poll()).as("started, nothing yet").isZero();
        assertThatThrownBy(transport::hostEvents)
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("hostEvents: expected before start, the transport has started or closed");
    }

    @Test
    void shouldEndTheWaitWhenARequestArrivesAndTellTheListenerOnTheReadingThread() throws Exception
    {
        transport = new NativeWireTransport(NativeTestSupport.library());
        final WireEvents events = transport.hostEvents();
        final AtomicReference<String> calledOn = new AtomicReference<>();
        final RecordingListener listener = new RecordingListener();
        listener.reaction = event -> calledOn.set(Thread.currentThread().getName());
        final InetSocketAddress address = transport.start(NativeTestSupport.settings(), listener);
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
            .as("no poller thread of the transport's own").doesNotContain("cc-native-poller");

        final Future<Integer> read = reader.submit(() ->
        {
            events.await(HOUR_NS, () -> true);
            return events.poll();
        });
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(transport::pollerWaiting);
        try (RawClient client = new RawClient(address))
        {
            client.write("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(read.get(20, TimeUnit.SECONDS)).as("the request, read once the wait ended").isEqualTo(1);
            assertThat(listener.of("request")).singleElement()
                .satisfies(event -> assertThat(event.request().uri()).isEqualTo("/hello"));
            assertThat(calledOn).hasValue("test-reader");

            final long connection = listener.of("request").getFirst().connection();
            final byte[] body = "hi".getBytes(StandardCharsets.US_ASCII);
            transport.respond(connection, 200, new String[0], new UnsafeBuffer(body), 0, body.length, false);
            final String head = client.readHead();
            assertThat(head).startsWith("HTTP/1.1 200");
            assertThat(client.readBody(head)).isEqualTo("hi");
        }
    }

    @Test
    void shouldEndTheWaitOnAWakeFromAnotherThread() throws Exception
    {
        transport = new NativeWireTransport(NativeTestSupport.library());
        final WireEvents events = transport.hostEvents();
        transport.start(NativeTestSupport.settings(), new RecordingListener());

        final Future<?> waited = reader.submit(() -> events.await(HOUR_NS, () -> true));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(transport::pollerWaiting);
        events.wake();
        waited.get(20, TimeUnit.SECONDS);
        assertThat(transport.pollerWaiting()).isFalse();
    }

    @Test
    void shouldNotWaitWhenTheCallerHasWorkOnceItSaidItWaits() throws Exception
    {
        transport = new NativeWireTransport(NativeTestSupport.library());
        final WireEvents events = transport.hostEvents();
        transport.start(NativeTestSupport.settings(), new RecordingListener());

        // idle until the transport has recorded the wait, then a task is queued: a wake now would end the wait too,
        // and the look after the record sees the task
        final AtomicBoolean askedOnceRecorded = new AtomicBoolean();
        final Future<?> waited = reader.submit(() -> events.await(HOUR_NS, () ->
        {
            if (transport.pollerWaiting())
            {
                askedOnceRecorded.set(true);
                return false;
            }
            return true;
        }));
        waited.get(20, TimeUnit.SECONDS);
        assertThat(askedOnceRecorded).isTrue();
    }

    @Test
    void shouldEndAWaitWhenTheTransportClosesAndReadNothingAfter() throws Exception
    {
        transport = new NativeWireTransport(NativeTestSupport.library());
        final WireEvents events = transport.hostEvents();
        transport.start(NativeTestSupport.settings(), new RecordingListener());

        final Future<?> waited = reader.submit(() -> events.await(HOUR_NS, () -> true));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(transport::pollerWaiting);
        final CompletableFuture<Void> closed = CompletableFuture.runAsync(transport::close);
        closed.get(20, TimeUnit.SECONDS);
        waited.get(20, TimeUnit.SECONDS);
        assertThat(events.poll()).as("closed").isEqualTo(-1);
        events.wake(); // nothing to wake, and the eventfd is gone: no effect
    }
}
