package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.egress.OutputEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Renders an output once into pooled buffers: the JSON text clients read, with the leading
 * {@code sequence}, {@code timestamp} and {@code plugin} properties, and a copy of its SBE bytes.
 */
final class JsonRenderer
{
    /** Property carrying the engine sequence of the input event that caused the output. */
    static final String SEQUENCE_FIELD = "sequence";
    /** Property carrying the input event's timestamp as ISO-8601. */
    static final String TIMESTAMP_FIELD = "timestamp";
    /** Property carrying the id of the emitting plugin. */
    static final String PLUGIN_FIELD = "plugin";

    private static final JsonFactory JSON_FACTORY = JsonFactory.builder()
        .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
        .build();

    private final JsonView view;

    JsonRenderer(final JsonView view)
    {
        this.view = view;
    }

    /**
     * Render an output as a JSON object into a new buffer.
     *
     * @return a buffer with one reference owned by the caller.
     */
    ByteBuf renderJson(final OutputEvent event, final ByteBufAllocator allocator)
    {
        final ByteBuf buffer = allocator.buffer(256 + 2 * event.length());
        try (JsonGenerator generator = JSON_FACTORY.createGenerator(
            (OutputStream)new ByteBufOutputStream(buffer), JsonEncoding.UTF8))
        {
            generator.writeStartObject();
            generator.writeNumberField(SEQUENCE_FIELD, event.inputSequence());
            generator.writeStringField(TIMESTAMP_FIELD, isoTimestamp(event.timestampNs()));
            generator.writeStringField(PLUGIN_FIELD, event.pluginId());
            view.writeFields(event.buffer(), event.offset(), generator);
            generator.writeEndObject();
        }
        catch (final IOException ex)
        {
            buffer.release();
            throw new UncheckedIOException(ex);
        }
        catch (final RuntimeException ex)
        {
            buffer.release();
            throw ex;
        }
        return buffer;
    }

    /**
     * Copy an output's SBE message, header included, into a new buffer.
     *
     * @return a buffer with one reference owned by the caller.
     */
    static ByteBuf copySbe(final OutputEvent event, final ByteBufAllocator allocator)
    {
        final int length = event.length();
        final ByteBuf buffer = allocator.buffer(length, length);
        final DirectBuffer source = event.buffer();
        final byte[] array = source.byteArray();
        if (null != array)
        {
            buffer.writeBytes(array, source.wrapAdjustment() + event.offset(), length);
        }
        else
        {
            source.getBytes(event.offset(), buffer.nioBuffer(0, length), length);
            buffer.writerIndex(length);
        }
        return buffer;
    }

    /**
     * ISO-8601 text of a nanosecond timestamp, to the millisecond (what browsers parse).
     */
    static String isoTimestamp(final long timestampNs)
    {
        return Instant.ofEpochMilli(Math.floorDiv(timestampNs, 1_000_000L)).toString();
    }
}
