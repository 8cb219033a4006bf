package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.egress.OutputEvent;
import io.netty.buffer.ByteBuf;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Renders an output once into buffers holding the payloads of its WebSocket frames, which
 * {@link FrameEncoder} then encodes once for every client: the JSON text clients read, with the leading
 * {@code sequence}, {@code timestamp}, {@code plugin} and {@code seq} (output sequence) properties; the same JSON with a trailing {@code trace}
 * object of the stage stamps, for traced clients; and a copy of its SBE bytes.
 * <p>
 * One Jackson generator is kept open over a reusable stream for the renderer's lifetime, the message's fields
 * are written through a {@link JsonView.FieldWriter} of its own, and the ISO timestamp is formatted into a
 * reused array, so rendering allocates nothing: it appends to the caller's buffers.
 * <p>
 * <b>Note:</b> not thread safe; used by the egress thread, or under the egress lock.
 */
final class JsonRenderer
{
    /** Property carrying the engine sequence of the input event that caused the output. */
    static final String SEQUENCE_FIELD = "sequence";
    /** Property carrying the output sequence, which a client resumes from with {@code since=}. */
    static final String SEQ_FIELD = "seq";
    /** Property carrying the input event's timestamp as ISO-8601. */
    static final String TIMESTAMP_FIELD = "timestamp";
    /** Property carrying the id of the emitting plugin. */
    static final String PLUGIN_FIELD = "plugin";
    /** Property of a traced client's frames carrying the stage stamps. */
    static final String TRACE_FIELD = "trace";

    private static final JsonFactory JSON_FACTORY = JsonFactory.builder()
        .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
        .build();
    private static final SerializableString SEQUENCE = new SerializedString(SEQUENCE_FIELD);
    private static final SerializableString SEQ = new SerializedString(SEQ_FIELD);
    private static final SerializableString TIMESTAMP = new SerializedString(TIMESTAMP_FIELD);
    private static final SerializableString PLUGIN = new SerializedString(PLUGIN_FIELD);
    private static final byte[] TRACE_INGRESS = ",\"trace\":{\"ingressNs\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRACE_JOURNALED = ",\"journaledNs\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRACE_HANDLED = ",\"handledNs\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRACE_EMITTED = ",\"emittedNs\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRACE_EGRESS = ",\"egressNs\":".getBytes(StandardCharsets.US_ASCII);
    private static final int TRACE_MAX_LENGTH = 160;

    private final JsonView.FieldWriter fields;
    private final BufferStream stream = new BufferStream();
    private final char[] timestamp = new char[32];
    private final UnsafeBuffer digits = new UnsafeBuffer(new byte[24]);
    private JsonGenerator generator;

    JsonRenderer(final JsonView view)
    {
        this.fields = view.fieldWriter();
    }

    /**
     * Render an output as JSON text, appended to a buffer.
     *
     * @param event  the output.
     * @param buffer to append to, growing as needed; its content is unspecified when this throws.
     */
    void renderJson(final OutputEvent event, final ByteBuf buffer)
    {
        renderJson(event.inputSequence(), event.timestampNs(), event.pluginId(), event.outputSequence(),
            event.buffer(), event.offset(), event.length(), buffer);
    }

    /**
     * Render an output as JSON text from its parts, appended to a buffer.
     *
     * @param inputSequence  of the input the output answers.
     * @param timestampNs    of the output, epoch ns.
     * @param pluginId       that emitted it.
     * @param outputSequence of the output.
     * @param message        holding the SBE message, header first.
     * @param offset         of the message in it.
     * @param length         of the message.
     * @param buffer         to append to, growing as needed; its content is unspecified when this throws.
     */
    void renderJson(
        final long inputSequence,
        final long timestampNs,
        final String pluginId,
        final long outputSequence,
        final DirectBuffer message,
        final int offset,
        final int length,
        final ByteBuf buffer)
    {
        buffer.ensureWritable(256 + 2 * length);
        stream.buffer = buffer;
        try
        {
            final JsonGenerator generator = generator();
            generator.writeStartObject();
            generator.writeFieldName(SEQUENCE);
            generator.writeNumber(inputSequence);
            generator.writeFieldName(TIMESTAMP);
            final int timestampLength = formatIsoTimestamp(timestampNs, timestamp);
            if (timestampLength > 0)
            {
                generator.writeString(timestamp, 0, timestampLength);
            }
            else
            {
                generator.writeString(isoTimestamp(timestampNs));
            }
            generator.writeFieldName(PLUGIN);
            generator.writeString(pluginId);
            generator.writeFieldName(SEQ);
            generator.writeNumber(outputSequence);
            fields.writeFields(message, offset, generator);
            generator.writeEndObject();
            generator.flush();
        }
        catch (final IOException ex)
        {
            generator = null;
            throw new UncheckedIOException(ex);
        }
        catch (final RuntimeException ex)
        {
            // The generator's state is unknown now: start over with a new one.
            generator = null;
            throw ex;
        }
        finally
        {
            stream.buffer = null;
        }
    }

    /**
     * The JSON of an output with the trace object appended:
     * {@code "trace":{"ingressNs":..,"journaledNs":..,"handledNs":..,"emittedNs":..,"egressNs":..}}.
     *
     * @param json     as rendered by {@link #renderJson}; not changed.
     * @param event    the output, for its stamps.
     * @param egressNs when the egress thread took the output, epoch ns.
     * @param buffer   to append to, growing as needed.
     */
    void renderTraced(final ByteBuf json, final OutputEvent event, final long egressNs, final ByteBuf buffer)
    {
        final int length = json.readableBytes();
        buffer.ensureWritable(length + TRACE_MAX_LENGTH);
        buffer.writeBytes(json, json.readerIndex(), length - 1);
        buffer.writeBytes(TRACE_INGRESS);
        writeLong(buffer, event.timestampNs());
        buffer.writeBytes(TRACE_JOURNALED);
        writeLong(buffer, event.journaledNs());
        buffer.writeBytes(TRACE_HANDLED);
        writeLong(buffer, event.handledNs());
        buffer.writeBytes(TRACE_EMITTED);
        writeLong(buffer, event.emittedNs());
        buffer.writeBytes(TRACE_EGRESS);
        writeLong(buffer, egressNs);
        buffer.writeByte('}');
        buffer.writeByte('}');
    }

    /**
     * Copy an output's SBE message, header included, appended to a buffer.
     *
     * @param event  the output.
     * @param buffer to append to, growing as needed.
     */
    static void copySbe(final OutputEvent event, final ByteBuf buffer)
    {
        final int length = event.length();
        buffer.ensureWritable(length);
        final DirectBuffer source = event.buffer();
        final byte[] array = source.byteArray();
        if (null != array)
        {
            buffer.writeBytes(array, source.wrapAdjustment() + event.offset(), length);
        }
        else
        {
            final int index = buffer.writerIndex();
            source.getBytes(event.offset(), buffer.nioBuffer(index, length), length);
            buffer.writerIndex(index + length);
        }
    }

    /**
     * ISO-8601 text of a nanosecond timestamp, to the millisecond (what browsers parse).
     */
    static String isoTimestamp(final long timestampNs)
    {
        return Instant.ofEpochMilli(Math.floorDiv(timestampNs, 1_000_000L)).toString();
    }

    /**
     * Format a nanosecond timestamp as {@link Instant#toString()} formats it at millisecond precision
     * ({@code 2026-12-01T16:34:21.123Z}, without the fraction when it is zero), into an array.
     *
     * @return the number of characters, or 0 for a year outside 0..9999 (use {@link #isoTimestamp(long)}).
     */
    static int formatIsoTimestamp(final long timestampNs, final char[] out)
    {
        final long epochMs = Math.floorDiv(timestampNs, 1_000_000L);
        final long epochSecond = Math.floorDiv(epochMs, 1000L);
        final int millis = (int)Math.floorMod(epochMs, 1000L);
        final long epochDay = Math.floorDiv(epochSecond, 86_400L);
        final int secondOfDay = (int)Math.floorMod(epochSecond, 86_400L);

        // Civil date from days since 1970-01-01 (proleptic Gregorian, eras of 400 years).
        final long z = epochDay + 719_468L;
        final long era = Math.floorDiv(z, 146_097L);
        final long dayOfEra = z - era * 146_097L;
        final long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final long shiftedMonth = (5 * dayOfYear + 2) / 153;
        final int day = (int)(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1);
        final int month = (int)(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9);
        final long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999)
        {
            return 0;
        }

        int i = 0;
        i = digits(out, i, (int)year, 4);
        out[i++] = '-';
        i = digits(out, i, month, 2);
        out[i++] = '-';
        i = digits(out, i, day, 2);
        out[i++] = 'T';
        i = digits(out, i, secondOfDay / 3600, 2);
        out[i++] = ':';
        i = digits(out, i, (secondOfDay / 60) % 60, 2);
        out[i++] = ':';
        i = digits(out, i, secondOfDay % 60, 2);
        if (0 != millis)
        {
            out[i++] = '.';
            i = digits(out, i, millis, 3);
        }
        out[i++] = 'Z';
        return i;
    }

    private static int digits(final char[] out, final int index, final int value, final int width)
    {
        int remaining = value;
        for (int i = index + width - 1; i >= index; i--)
        {
            out[i] = (char)('0' + remaining % 10);
            remaining /= 10;
        }
        return index + width;
    }

    private void writeLong(final ByteBuf buffer, final long value)
    {
        final int length = digits.putLongAscii(0, value);
        buffer.writeBytes(digits.byteArray(), 0, length);
    }

    private JsonGenerator generator() throws IOException
    {
        if (null == generator)
        {
            generator = JSON_FACTORY.createGenerator(stream, JsonEncoding.UTF8);
            generator.setRootValueSeparator(null);
        }
        return generator;
    }

    /**
     * The stream the generator writes to: appends to whichever buffer is being rendered.
     */
    private static final class BufferStream extends OutputStream
    {
        ByteBuf buffer;

        public void write(final int b)
        {
            buffer.writeByte(b);
        }

        public void write(final byte[] bytes, final int offset, final int length)
        {
            buffer.writeBytes(bytes, offset, length);
        }
    }
}
