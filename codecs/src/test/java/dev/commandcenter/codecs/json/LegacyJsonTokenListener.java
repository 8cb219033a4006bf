package dev.commandcenter.codecs.json;

import com.fasterxml.jackson.core.JsonGenerator;
import org.agrona.DirectBuffer;
import uk.co.real_logic.sbe.PrimitiveType;
import uk.co.real_logic.sbe.ir.Encoding;
import uk.co.real_logic.sbe.ir.Token;
import uk.co.real_logic.sbe.otf.AbstractTokenListener;
import uk.co.real_logic.sbe.otf.Types;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * The field listener as it was before rendering became allocation-free (a {@code String} per text field and hex
 * value), kept as the reference the new one must match byte for byte.
 */
final class LegacyJsonTokenListener extends AbstractTokenListener
{
    private static final HexFormat HEX = HexFormat.of();

    private final JsonGenerator generator;
    private IOException failure;

    LegacyJsonTokenListener(final JsonGenerator generator)
    {
        this.generator = generator;
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
        try
        {
            generator.writeFieldName(fieldToken.name());
            final Encoding encoding = typeToken.encoding();
            final int arrayLength = typeToken.arrayLength();
            if (arrayLength > 1)
            {
                final byte[] bytes = new byte[arrayLength];
                buffer.getBytes(index, bytes);
                if ("hex".equals(encoding.semanticType()))
                {
                    generator.writeString(HEX.formatHex(bytes));
                }
                else
                {
                    int length = 0;
                    while (length < arrayLength && bytes[length] != 0)
                    {
                        length++;
                    }
                    generator.writeString(new String(bytes, 0, length, StandardCharsets.UTF_8));
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
        final Token typeToken = tokens.get(fromIndex);
        final long raw = Types.getLong(buffer, bufferIndex, typeToken.encoding());
        String name = "UNKNOWN(" + raw + ")";
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
            generator.writeStringField(fieldToken.name(), name);
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
            generator.writeArrayFieldStart(token.name());
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
            generator.writeStringField(fieldToken.name(), buffer.getStringWithoutLengthUtf8(bufferIndex, length));
        }
        catch (final IOException ex)
        {
            failure = ex;
        }
    }
}
