package dev.commandcenter.app.bench;

import org.agrona.concurrent.NanoClock;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Sends each event as {@code POST /api/events} without waiting for the answer (the JDK's asynchronous HTTP
 * client), recording the time to the 202 from the intended send time when it comes. At most
 * {@value #MAX_IN_FLIGHT} posts await their answer: the JDK's client opens a connection for every request in flight,
 * so a server falling behind would otherwise be buried under new connections (and hit its connection limit). A
 * sender that waits for a free slot delays the schedule, which the latency shows: it is measured from the intended
 * send time.
 */
final class RestSender implements FixedRateSchedule.Sender
{
    /** Satoshis of each benchmark payment: above the stream bridge's default minimum. */
    static final long AMOUNT_SATS = 25_000;
    /** Most posts awaiting their answer at once. */
    static final int MAX_IN_FLIGHT = 256;

    private final HttpClient http;
    private final URI events;
    private final String authorization;
    private final LatencyRecorder recorder;
    private final NanoClock clock;
    private final Duration timeout;
    private final Semaphore inFlight;

    /**
     * @param http     the client.
     * @param events   the {@code /api/events} URL.
     * @param token    the access token.
     * @param recorder of this phase.
     * @param clock    the schedule's clock.
     * @param timeout  longest wait for an answer.
     */
    RestSender(
        final HttpClient http,
        final URI events,
        final String token,
        final LatencyRecorder recorder,
        final NanoClock clock,
        final Duration timeout)
    {
        this.http = http;
        this.events = events;
        this.authorization = "Bearer " + token;
        this.recorder = recorder;
        this.clock = clock;
        this.timeout = timeout;
        this.inFlight = new Semaphore(MAX_IN_FLIGHT);
    }

    /**
     * The body of one payment.
     *
     * @param tag   of the phase.
     * @param index of the event.
     * @return the JSON.
     */
    static String body(final long tag, final long index)
    {
        return "{\"type\":\"TransactionReceived\",\"amountSats\":" + AMOUNT_SATS +
            ",\"height\":0,\"confirmations\":0,\"txid\":\"" + PaymentIds.hex(tag, index) +
            "\",\"address\":\"bcrt1qbench\",\"memo\":\"bench " + index + "\"}";
    }

    public void send(final long index, final long intendedNs)
    {
        final HttpRequest request = HttpRequest.newBuilder(events)
            .timeout(timeout)
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body(recorder.tag(), index)))
            .build();
        try
        {
            inFlight.acquire();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return;
        }
        recorder.onSent();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, ex) ->
        {
            inFlight.release();
            if (null != ex)
            {
                recorder.onSendError(index, "POST " + events.getPath() + ": " + WebSocketClients.reason(ex));
            }
            else if (202 != response.statusCode())
            {
                recorder.onSendError(index, "POST " + events.getPath() + " answered " + response.statusCode() + " " +
                    response.body().lines().findFirst().orElse(""));
            }
            else
            {
                recorder.onAccepted(index, clock.nanoTime());
            }
        });
    }
}
