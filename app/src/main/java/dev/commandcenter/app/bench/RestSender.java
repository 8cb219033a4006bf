package dev.commandcenter.app.bench;

import io.netty.buffer.ByteBuf;

/**
 * Sends each event as {@code POST /api/events} on the load generator's {@link RestConnections} without waiting for
 * the answer, recording the time to the 202 from the intended send time when it comes. A sender that finds every
 * slot taken ({@value RestConnections#MAX_IN_FLIGHT} posts awaiting their answer) waits for one, which delays the
 * schedule: the latency shows it, since it is measured from the intended send time.
 */
final class RestSender implements FixedRateSchedule.Sender, RestConnections.Outcome
{
    /** Satoshis of each benchmark payment: above the stream bridge's default minimum. */
    static final long AMOUNT_SATS = 25_000;

    private final RestConnections connections;
    private final LatencyRecorder recorder;
    private final Runnable afterAnswer;

    /**
     * @param connections the client.
     * @param recorder    of this phase.
     */
    RestSender(final RestConnections connections, final LatencyRecorder recorder)
    {
        this(connections, recorder, null);
    }

    /**
     * @param connections the client.
     * @param recorder    of this phase.
     * @param afterAnswer run after each answer or failure is recorded (its connection is free again), or null.
     */
    RestSender(final RestConnections connections, final LatencyRecorder recorder, final Runnable afterAnswer)
    {
        this.connections = connections;
        this.recorder = recorder;
        this.afterAnswer = afterAnswer;
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
        final String body = body(recorder.tag(), index);
        if (connections.post(index, body, this))
        {
            recorder.onSent();
        }
    }

    /**
     * Send an event without waiting (see {@link RestConnections#tryPost}); when every connection awaits an answer, the
     * event is not sent and counts as a send error, so no client waits for it.
     *
     * @param index of the event.
     * @return whether it was sent.
     */
    boolean offer(final long index)
    {
        if (!connections.tryPost(index, body(recorder.tag(), index), this))
        {
            recorder.onSendError(index, "POST " + BenchRun.EVENTS_PATH + ": no free connection (" +
                RestConnections.MAX_IN_FLIGHT + " posts awaiting their answer)");
            return false;
        }
        recorder.onSent();
        return true;
    }

    public void answered(final long index, final int status, final ByteBuf body, final long nowNs)
    {
        if (202 == status)
        {
            recorder.onAccepted(index, nowNs);
        }
        else
        {
            recorder.onSendError(index, "POST " + BenchRun.EVENTS_PATH + " answered " + status + " " +
                RestConnections.firstLine(body));
        }
        if (null != afterAnswer)
        {
            afterAnswer.run();
        }
    }

    public void failed(final long index, final String reason)
    {
        recorder.onSendError(index, "POST " + BenchRun.EVENTS_PATH + ": " + reason);
        if (null != afterAnswer)
        {
            afterAnswer.run();
        }
    }
}
