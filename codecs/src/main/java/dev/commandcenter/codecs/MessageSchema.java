package dev.commandcenter.codecs;

import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.IrDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Facts about the message schema every event is encoded with, and checks a reader makes before
 * it trusts a message: the schema id must match and the version must not be newer than this build's.
 */
public final class MessageSchema
{
    /** Schema id every message header carries. */
    public static final int SCHEMA_ID = MessageHeaderEncoder.SCHEMA_ID;

    /** Schema version this build writes and the newest it reads. */
    public static final int SCHEMA_VERSION = MessageHeaderEncoder.SCHEMA_VERSION;

    /** Length of the SBE message header in bytes. */
    public static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;

    /** Class path location of the schema's serialised IR, generated at build time. */
    public static final String IR_RESOURCE = "/sbe/commandcenter-schema.sbeir";

    private MessageSchema()
    {
    }

    /**
     * Load the IR of the schema this build was generated from.
     *
     * @return the IR.
     */
    public static Ir ir()
    {
        try (InputStream in = MessageSchema.class.getResourceAsStream(IR_RESOURCE))
        {
            if (null == in)
            {
                throw new IllegalStateException("schema IR missing from class path: " + IR_RESOURCE);
            }
            final byte[] bytes = in.readAllBytes();
            try (IrDecoder decoder = new IrDecoder(ByteBuffer.wrap(bytes)))
            {
                return decoder.decode();
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Check a message header before decoding the message.
     *
     * @param buffer holding the message.
     * @param offset of the header.
     * @param length of the message, header included.
     * @return null when the message can be read, otherwise the reason it cannot.
     */
    public static String validate(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < HEADER_LENGTH)
        {
            return "message of " + length + " bytes is shorter than the " + HEADER_LENGTH + "-byte header";
        }
        final int schemaId = buffer.getShort(offset + MessageHeaderDecoder.schemaIdEncodingOffset(),
            MessageHeaderDecoder.BYTE_ORDER) & 0xFFFF;
        if (schemaId != SCHEMA_ID)
        {
            return "schema id " + schemaId + " is not Command Center's (" + SCHEMA_ID + ")";
        }
        final int version = buffer.getShort(offset + MessageHeaderDecoder.versionEncodingOffset(),
            MessageHeaderDecoder.BYTE_ORDER) & 0xFFFF;
        if (version > SCHEMA_VERSION)
        {
            return "schema version " + version + " is newer than this build reads (" + SCHEMA_VERSION +
                "): upgrade Command Center";
        }
        return null;
    }

    /** Template ids from this one up to 99 are transport messages (ingress, remote plugins, edges), not events. */
    public static final int FIRST_TRANSPORT_TEMPLATE_ID = 20;

    /** Template ids from this one up to 199 are events and outputs again: the second range, once 1..19 ran out. */
    public static final int FIRST_SECOND_RANGE_TEMPLATE_ID = 100;

    /** Template ids below this one are the schema's; none of its messages has a higher id. */
    public static final int TEMPLATE_ID_LIMIT = 200;

    /**
     * Whether a template id names an event, something a producer may publish into the input ring, rather than a
     * message of a transport's own protocol.
     *
     * @param templateId the template id.
     * @return true for the event messages.
     */
    public static boolean isEvent(final int templateId)
    {
        return (templateId > 0 && templateId < FIRST_TRANSPORT_TEMPLATE_ID) ||
            (templateId >= FIRST_SECOND_RANGE_TEMPLATE_ID && templateId < TEMPLATE_ID_LIMIT);
    }

    /**
     * Template id of the message at an offset.
     *
     * @param buffer holding the message.
     * @param offset of the header.
     * @return the template id.
     */
    public static int templateId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + MessageHeaderDecoder.templateIdEncodingOffset(),
            MessageHeaderDecoder.BYTE_ORDER) & 0xFFFF;
    }
}
