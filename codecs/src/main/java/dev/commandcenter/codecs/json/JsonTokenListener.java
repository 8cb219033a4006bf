package dev.commandcenter.codecs.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import org.agrona.DirectBuffer;
import uk.co.real_logic.sbe.PrimitiveType;
import uk.co.real_logic.sbe.ir.Encoding;
import uk.co.real_logic.sbe.ir.Token;
import uk.co.real_logic.sbe.otf.AbstractTokenListener;
import uk.co.real_logic.sbe.otf.Types;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Writes the fields the SBE on-the-fly decoder reports into an open Jackson object, with pre-encoded field names
 * and text converted into arrays reused from message to message, so a message allocates nothing once the arrays
 * have grown to its longest field. Text decodes as {@code new String(bytes, UTF_8)} does: malformed input
 * becomes U+FFFD.
 * <p>
 * <b>Note:</b> not thread safe; owned by one {@link JsonView.FieldWriter}.
 */
final class JsonTokenListener extends AbstractTokenListener
{
    private static final HexFormat HEX = HexFormat.of();
    private static final int INITIAL_CAPACITY = 256;

    private final Map<String, SerializableString> names;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    private byte[] bytes = new byte[INITIAL_CAPACITY];
    private char[] chars = new char[2 * INITIAL_CAPACITY];
    private ByteBuffer byteView = ByteBuffer.wrap(bytes);
    private CharBuffer charView = CharBuffer.wrap(chars);
    private JsonGenerator generator;
    private IOException failure;

    /**
     * @param names pre-encoded names of the schema's fields, groups and var data, by name.
     */
    JsonTokenListener(final Map<String, SerializableString> names)
    {
        this.names = names;
    }

    /**
     * Start a message: write into this generator, with no failure so far.
     *
     * @param generator positioned inside an object, or null once done.
     */
    void reset(final JsonGenerator generator)
    {
        this.generator = generator;
        this.failure = null;
    }

    void rethrow() throws IOException
    {
        if (null != failure)
        {
            throw failure;
        }
    }

    public void onEncoding(
        final Token fieldToken, final DirectBuffer buffer, final int index, final Token typeToken, final int actingVersion)
    {
        if (fieldToken.version() > actingVersion)
        {
            // added after the message was written: its bytes belong to whatever follows the old block
            return;
        }
        try
        {
            writeName(fieldToken);
            final Encoding encoding = typeToken.encoding();
            final int arrayLength = typeToken.arrayLength();
            if (arrayLength > 1)
            {
                if ("hex".equals(encoding.semanticType()))
                {
                    writeHex(buffer, index, arrayLength);
                }
                else
                {
                    int length = 0;
                    while (length < arrayLength && buffer.getByte(index + length) != 0)
                    {
                        length++;
                    }
                    writeUtf8(buffer, index, length);
                }
                return;
            }
            final PrimitiveType type = encoding.primitiveType();
            if (type == PrimitiveType.FLOAT)
            {
                generator.writeNumber(buffer.getFloat(index, encoding.byteOrder()));
            }
            else if (type == PrimitiveType.DOUBLE)
            {
                generator.writeNumber(buffer.getDouble(index, encoding.byteOrder()));
            }
            else
            {
                generator.writeNumber(Types.getLong(buffer, index, encoding));
            }
        }
        catch (final IOException ex)
        {
            failure = ex;
        }
    }

    public void onEnum(
        final Token fieldToken,
        final DirectBuffer buffer,
        final int bufferIndex,
        final List<Token> tokens,
        final int fromIndex,
        final int toIndex,
        final int actingVersion)
    {
        if (fieldToken.version() > actingVersion)
        {
            return;
        }
        final Token typeToken = tokens.get(fromIndex);
        final long raw = Types.getLong(buffer, bufferIndex, typeToken.encoding());
        String name = null;
        for (int i = fromIndex + 1; i < toIndex; i++)
        {
            final Token valid = tokens.get(i);
            if (valid.encoding().constValue().longValue() == raw)
            {
                name = valid.name();
                break;
            }
        }
        try
        {
            writeName(fieldToken);
            generator.writeString(null == name ? "UNKNOWN(" + raw + ")" : name);
        }
        catch (final IOException ex)
        {
            failure = ex;
        }
    }

    public void onGroupHeader(final Token token, final int numInGroup)
    {
        try
        {
            writeName(token);
            generator.writeStartArray();
            if (0 == numInGroup)
            {
                generator.writeEndArray();
            }
        }
        catch (final IOException ex)
        {
            failure = ex;
        }
    }

    public void onBeginGroup(final Token token, final int groupIndex, final int numInGroup)
    {
        try
        {
            generator.writeStartObject();
        }
        catch (final IOException ex)
        {
            failure = ex;
        }
    }

    public void onEndGroup(final Token token, final int groupIndex, final int numInGroup)
    {
        try
        {
            generator.writeEndObject();
            if (groupIndex == numInGroup - 1)
            {
                generator.writeEndArray();
            }
        }
        catch (final IOException ex)
        {
            failure = ex;
        }
    }

    public void onVarData(
        final Token fieldToken, final DirectBuffer buffer, final int bufferIndex, final int length, final Token typeToken)
    {
        try
        {
            writeName(fieldToken);
            writeUtf8(buffer, bufferIndex, length);
        }
        catch (final IOException ex)
        {
            failure = ex;
        }
    }

    private void writeName(final Token token) throws IOException
    {
        final SerializableString name = names.get(token.name());
        if (null != name)
        {
            generator.writeFieldName(name);
        }
        else
        {
            generator.writeFieldName(token.name());
        }
    }

    private void writeHex(final DirectBuffer buffer, final int index, final int length) throws IOException
    {
        buffer.boundsCheck(index, length);
        ensureCapacity(length);
        final char[] chars = this.chars;
        for (int i = 0, j = 0; i < length; i++)
        {
            final byte b = buffer.getByte(index + i);
            chars[j++] = HEX.toHighHexDigit(b);
            chars[j++] = HEX.toLowHexDigit(b);
        }
        generator.writeString(chars, 0, 2 * length);
    }

    /**
     * Write UTF-8 bytes as a JSON string: ASCII widened in place, anything else through the reused decoder.
     */
    private void writeUtf8(final DirectBuffer buffer, final int index, final int length) throws IOException
    {
        // The length comes from the message: check it against the buffer before growing scratch space for it.
        buffer.boundsCheck(index, length);
        ensureCapacity(length);
        final byte[] bytes = this.bytes;
        final char[] chars = this.chars;
        buffer.getBytes(index, bytes, 0, length);
        int ascii = 0;
        while (ascii < length && bytes[ascii] >= 0)
        {
            chars[ascii] = (char)bytes[ascii];
            ascii++;
        }
        if (ascii == length)
        {
            generator.writeString(chars, 0, length);
            return;
        }

        // A decoded char never takes more than the byte it came from, replacements included.
        final ByteBuffer in = byteView.limit(length).position(ascii);
        final CharBuffer out = charView.limit(chars.length).position(ascii);
        decoder.reset();
        decoder.decode(in, out, true);
        decoder.flush(out);
        generator.writeString(chars, 0, out.position());
    }

    private void ensureCapacity(final int length)
    {
        if (bytes.length < length)
        {
            bytes = new byte[Math.max(length, 2 * bytes.length)];
            byteView = ByteBuffer.wrap(bytes);
        }
        if (chars.length < 2 * length)
        {
            chars = new char[Math.max(2 * length, 2 * chars.length)];
            charView = CharBuffer.wrap(chars);
        }
    }
}
