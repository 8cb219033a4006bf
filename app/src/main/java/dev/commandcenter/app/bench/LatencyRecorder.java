package dev.commandcenter.app.bench;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Records one phase of a benchmark (warm-up or measured run), identified by its tag: end-to-end latency from
 * each event's intended send time to each client's receipt of its alert (an interval {@link Recorder}, sampled
 * by the reporter), per-stage latency from the trace stamps, the POST to 202 time, and the counts.
 * <p>
 * <b>Note:</b> thread safe: senders, receiving clients and the reporter use it at once.
 */
final class LatencyRecorder
{
    private static final int SIGNIFICANT_DIGITS = 3;

    private final long tag;
    private final Schedule schedule;
    private final int receivers;
    private final Recorder endToEnd = new Recorder(SIGNIFICANT_DIGITS);
    private final Map<Stage, ConcurrentHistogram> stages = new EnumMap<>(Stage.class);
    private final ConcurrentHistogram accepted = new ConcurrentHistogram(SIGNIFICANT_DIGITS);
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder frameBytes = new LongAdder();
    private volatile String firstError;

    /**
     * @param tag       of this phase, carried in every payment's txid.
     * @param schedule  the intended send times.
     * @param receivers how many clients receive each alert.
     */
    LatencyRecorder(final long tag, final Schedule schedule, final int receivers)
    {
        this.tag = tag;
        this.schedule = schedule;
        this.receivers = receivers;
        for (final Stage stage : Stage.values())
        {
            stages.put(stage, new ConcurrentHistogram(SIGNIFICANT_DIGITS));
        }
    }

    /**
     * The tag of this phase.
     *
     * @return the tag.
     */
    long tag()
    {
        return tag;
    }

    /**
     * The schedule of this phase.
     *
     * @return the schedule.
     */
    Schedule schedule()
    {
        return schedule;
    }

    /**
     * An event went out.
     */
    void onSent()
    {
        sent.increment();
    }

    /**
     * The engine accepted an event (202): records the time from its intended send time.
     *
     * @param index  of the event.
     * @param nowNs  now, on the schedule's clock.
     */
    void onAccepted(final long index, final long nowNs)
    {
        accepted.recordValue(Math.max(0, nowNs - schedule.intendedNs(index)));
    }

    /**
     * Sending an event failed, or the engine refused it: no client will receive it.
     *
     * @param index  of the event.
     * @param reason one line, kept for the first error.
     */
    void onSendError(final long index, final String reason)
    {
        if (index >= 0 && index < schedule.count())
        {
            schedule.refused(index);
        }
        onSendError(reason);
    }

    /**
     * Sending an event failed, or the engine refused it.
     *
     * @param reason one line, kept for the first error.
     */
    void onSendError(final String reason)
    {
        if (null == firstError)
        {
            firstError = reason;
        }
        sendErrors.increment();
    }

    /**
     * A client received the alert of an event: records end-to-end latency from the intended send time and
     * the stages the trace stamps cover.
     *
     * @param index  of the event, or {@link PaymentIds#NOT_OURS} to ignore it.
     * @param nowNs  receive time on the schedule's clock.
     * @param trace  the stamps, or null.
     */
    void onReceived(final long index, final long nowNs, final TraceStamps trace)
    {
        if (index < 0 || index >= schedule.count())
        {
            ignored.increment();
            return;
        }
        endToEnd.recordValue(Math.max(0, nowNs - schedule.intendedNs(index)));
        received.increment();
        schedule.received(index);
        if (null != trace)
        {
            for (final Stage stage : Stage.values())
            {
                final long durationNs = trace.durationNs(stage);
                if (durationNs >= 0)
                {
                    stages.get(stage).recordValue(durationNs);
                }
            }
        }
    }

    /**
     * The end-to-end latencies recorded since the last call, for the interval log.
     *
     * @param recycle a histogram to reuse, or null.
     * @return the interval histogram, its start and end stamps set.
     */
    Histogram sampleInterval(final Histogram recycle)
    {
        return null == recycle ? endToEnd.getIntervalHistogram() : endToEnd.getIntervalHistogram(recycle);
    }

    /**
     * The latency of one stage so far.
     *
     * @param stage the stage.
     * @return the histogram (live; copy before reporting).
     */
    Histogram stage(final Stage stage)
    {
        return stages.get(stage);
    }

    /**
     * POST to 202 times so far.
     *
     * @return the histogram (live; copy before reporting).
     */
    Histogram accepted()
    {
        return accepted;
    }

    /**
     * Events sent.
     *
     * @return the count.
     */
    long sent()
    {
        return sent.sum();
    }

    /**
     * Alerts received, counted once per client.
     *
     * @return the count.
     */
    long received()
    {
        return received.sum();
    }

    /**
     * Alerts expected: events in the schedule (paced) or sent so far (saturating) times receiving clients.
     *
     * @return the count.
     */
    long expectedReceives()
    {
        return (schedule.paced() ? schedule.count() : sent()) * receivers;
    }

    /**
     * How many clients receive each alert.
     *
     * @return the count.
     */
    int receivers()
    {
        return receivers;
    }

    /**
     * A client received a frame of this phase of so many bytes (characters: the frames are ASCII JSON).
     *
     * @param length of the frame.
     */
    void onFrameBytes(final int length)
    {
        frameBytes.add(length);
    }

    /**
     * Bytes of the frames of this phase received so far.
     *
     * @return the sum.
     */
    long frameBytes()
    {
        return frameBytes.sum();
    }

    /**
     * Sends that failed or were refused.
     *
     * @return the count.
     */
    long sendErrors()
    {
        return sendErrors.sum();
    }

    /**
     * The first send error, or null.
     *
     * @return one line.
     */
    String firstError()
    {
        return firstError;
    }
}
