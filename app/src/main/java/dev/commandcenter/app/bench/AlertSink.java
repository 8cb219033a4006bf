package dev.commandcenter.app.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * Where receivers hand the alerts they get: finds the payment an alert answers (by its txid) and the trace
 * stamps, and passes them to the recorder of the phase running now. Alerts of other phases, other runs or
 * retained from before are ignored.
 * <p>
 * <b>Note:</b> thread safe; each receiving thread brings its own {@link TraceStamps}.
 */
final class AlertSink
{
    private static final JsonFactory JSON = new JsonFactory();
    private static final String TXID_FIELD = "\"txid\":\"";
    private static final String TRACE_FIELD = "\"trace\"";

    private volatile LatencyRecorder current;

    /**
     * Route alerts to a phase's recorder from now on.
     *
     * @param recorder the recorder, or null to ignore every alert.
     */
    void current(final LatencyRecorder recorder)
    {
        this.current = recorder;
    }

    /**
     * The recorder alerts go to now.
     *
     * @return the recorder, or null.
     */
    LatencyRecorder current()
    {
        return current;
    }

    /**
     * A client received a JSON frame: an overlay alert with its txid and, when the server traces, a
     * {@code trace} object of stamps.
     *
     * @param text       the frame (read only during the call).
     * @param nowNs      receive time on the schedule's clock.
     * @param receivedNs receive time, epoch nanoseconds, for the last stage.
     * @param trace      reused stamps of the receiving thread.
     */
    void onFrame(final CharSequence text, final long nowNs, final long receivedNs, final TraceStamps trace)
    {
        final LatencyRecorder recorder = current;
        if (null == recorder)
        {
            return;
        }
        trace.clear().received(receivedNs);
        if (indexOf(text, TRACE_FIELD) < 0)
        {
            // A plain frame (no trace asked): find the txid without a parser, the client's cost per frame being what
            // bounds a fan-out run; anything unexpected takes the parser below.
            final int field = indexOf(text, TXID_FIELD);
            final long index = field < 0 ? PaymentIds.NOT_OURS :
                PaymentIds.index(text, field + TXID_FIELD.length(), recorder.tag());
            if (PaymentIds.NOT_OURS != index)
            {
                recorder.onFrameBytes(text.length());
                recorder.onReceived(index, nowNs, trace);
                return;
            }
        }
        String txid = null;
        try (JsonParser parser = JSON.createParser(text.toString()))
        {
            if (JsonToken.START_OBJECT != parser.nextToken())
            {
                return;
            }
            while (JsonToken.FIELD_NAME == parser.nextToken())
            {
                final String name = parser.currentName();
                final JsonToken value = parser.nextToken();
                if ("txid".equals(name) && JsonToken.VALUE_STRING == value)
                {
                    txid = parser.getText();
                }
                else if ("trace".equals(name) && JsonToken.START_OBJECT == value)
                {
                    while (JsonToken.FIELD_NAME == parser.nextToken())
                    {
                        final String stamp = parser.currentName();
                        if (parser.nextToken().isNumeric())
                        {
                            trace.set(stamp, parser.getLongValue());
                        }
                        else
                        {
                            parser.skipChildren();
                        }
                    }
                }
                else
                {
                    parser.skipChildren();
                }
            }
        }
        catch (final IOException ex)
        {
            return;
        }
        final long index = PaymentIds.index(txid, recorder.tag());
        if (PaymentIds.NOT_OURS != index)
        {
            recorder.onFrameBytes(text.length());
            recorder.onReceived(index, nowNs, trace);
        }
    }

    /**
     * A client received a frame from a feed asked for plain frames (no trace stamps): the txid is read where the
     * client's previous frame had it, without a parser and without scanning for stamps; a frame that does not
     * have it there takes {@link #onFrame}'s path.
     *
     * @param view  the frame (read only during the call).
     * @param nowNs receive time on the schedule's clock.
     * @param trace reused stamps of the receiving thread.
     */
    void onPlainFrame(final WebSocketClients.AsciiView view, final long nowNs, final TraceStamps trace)
    {
        final LatencyRecorder recorder = current;
        if (null == recorder)
        {
            return;
        }
        final long index = view.txidIndex(TXID_FIELD, recorder.tag());
        if (PaymentIds.NOT_OURS != index)
        {
            recorder.onFrameBytes(view.length());
            recorder.onReceived(index, nowNs, null);
            return;
        }
        onFrame(view, nowNs, 0, trace);
    }

    /**
     * Where a field name first occurs in a frame, without making a string of the frame.
     *
     * @param text   the frame.
     * @param needle what to find (ASCII).
     * @return its index, or -1.
     */
    static int indexOf(final CharSequence text, final String needle)
    {
        if (text instanceof String string)
        {
            return string.indexOf(needle);
        }
        if (text instanceof WebSocketClients.AsciiView view)
        {
            return view.indexOf(needle);
        }
        return text.toString().indexOf(needle);
    }

    /**
     * An egress handler saw the alert of an event.
     *
     * @param index of the event, or {@link PaymentIds#NOT_OURS}.
     * @param tag   read from the alert's txid.
     * @param nowNs receive time on the schedule's clock.
     * @param trace the stamps.
     */
    void onAlert(final long index, final long tag, final long nowNs, final TraceStamps trace)
    {
        final LatencyRecorder recorder = current;
        if (null != recorder && tag == recorder.tag() && PaymentIds.NOT_OURS != index)
        {
            recorder.onReceived(index, nowNs, trace);
        }
    }
}
