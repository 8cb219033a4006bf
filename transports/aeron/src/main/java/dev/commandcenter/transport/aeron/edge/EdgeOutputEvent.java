package dev.commandcenter.transport.aeron.edge;

import dev.commandcenter.codecs.sbe.EdgeOutputDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.engine.egress.OutputEvent;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One output of the engine as an edge receives it: a view over an {@code EdgeOutput} message that egresses take as
 * if it came off the engine's own output ring, with the ENGINE's output sequence (what {@code ?since=} resumes from,
 * so a client can move between edges).
 * <p>
 * <b>Note:</b> reused for every message; valid only during the call it is passed to. Plugin ids are decoded into
 * strings once each and reused.
 */
public final class EdgeOutputEvent implements OutputEvent
{
    private static final int MAX_PLUGIN_IDS = 256;

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final UnsafeBuffer message = new UnsafeBuffer(0, 0);
    private byte[] scratch = new byte[64];
    private byte[][] idBytes = new byte[8][];
    private String[] idStrings = new String[8];
    private int idCount;
    private long outputSequence;
    private long inputSequence;
    private long timestampNs;
    private String pluginId;
    private int templateId;

    /**
     * Point this view at a decoded {@code EdgeOutput} message, reading its fields in schema order.
     *
     * @param decoder wrapped on the message, its fixed fields not read yet.
     * @return this view.
     */
    public EdgeOutputEvent wrap(final EdgeOutputDecoder decoder)
    {
        outputSequence = decoder.outputSequence();
        inputSequence = decoder.inputSequence();
        timestampNs = decoder.timestampNs();
        final int idLength = decoder.pluginIdLength();
        if (scratch.length < idLength)
        {
            scratch = new byte[idLength];
        }
        decoder.getPluginId(scratch, 0, idLength);
        pluginId = intern(scratch, idLength);
        decoder.wrapMessage(message);
        templateId = message.capacity() >= MessageHeaderDecoder.ENCODED_LENGTH ?
            headerDecoder.wrap(message, 0).templateId() : 0;
        return this;
    }

    private String intern(final byte[] bytes, final int length)
    {
        for (int i = 0; i < idCount; i++)
        {
            final byte[] candidate = idBytes[i];
            if (candidate.length == length && Arrays.equals(candidate, 0, length, bytes, 0, length))
            {
                return idStrings[i];
            }
        }
        final String id = new String(bytes, 0, length, StandardCharsets.UTF_8);
        if (idCount == MAX_PLUGIN_IDS)
        {
            return id;
        }
        if (idCount == idBytes.length)
        {
            idBytes = Arrays.copyOf(idBytes, idCount * 2);
            idStrings = Arrays.copyOf(idStrings, idCount * 2);
        }
        idBytes[idCount] = Arrays.copyOf(bytes, length);
        idStrings[idCount] = id;
        idCount++;
        return id;
    }

    /**
     * {@inheritDoc}
     */
    public long outputSequence()
    {
        return outputSequence;
    }

    /**
     * {@inheritDoc}
     */
    public long inputSequence()
    {
        return inputSequence;
    }

    /**
     * {@inheritDoc}
     */
    public long timestampNs()
    {
        return timestampNs;
    }

    /**
     * {@inheritDoc}
     */
    public String pluginId()
    {
        return pluginId;
    }

    /**
     * {@inheritDoc}
     */
    public int templateId()
    {
        return templateId;
    }

    /**
     * {@inheritDoc}
     */
    public DirectBuffer buffer()
    {
        return message;
    }

    /**
     * {@inheritDoc}
     */
    public int offset()
    {
        return 0;
    }

    /**
     * {@inheritDoc}
     */
    public int length()
    {
        return message.capacity();
    }
}
