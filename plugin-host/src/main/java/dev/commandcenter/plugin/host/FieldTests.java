package dev.commandcenter.plugin.host;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import uk.co.real_logic.sbe.PrimitiveType;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The field tests of a subscription entry ({@code amountSats >= 1000}, {@code state == CONNECTED},
 * {@code channel == "main"}): parsed and resolved against the schema's IR once, then evaluated on the SBE bytes
 * in place, without decoding or allocation. Used by {@link EventFilters}.
 * <p>
 * <b>Note:</b> compiled tests are immutable and may be evaluated on any thread.
 */
final class FieldTests
{
    /** What a field test must look like, for error messages. */
    static final String EXPECTED_TEST =
        "'<field> <op> <value>' with <op> one of ==, !=, >, >=, <, <= (for example amountSats >= 1000)";

    private static final Pattern TEST = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(==|!=|>=|<=|>|<)\\s*(.+?)\\s*");
    private static final int EQ = 0;
    private static final int NE = 1;
    private static final int GT = 2;
    private static final int GE = 3;
    private static final int LT = 4;
    private static final int LE = 5;
    private static final String[] OPS = { "==", "!=", ">", ">=", "<", "<=" };

    private FieldTests()
    {
    }

    static FieldTest parse(final int templateId, final String text)
    {
        final Matcher matcher = TEST.matcher(null == text ? "" : text);
        if (!matcher.matches())
        {
            throw new IllegalArgumentException("expected " + EXPECTED_TEST + ", got '" + escape(text) + "'");
        }
        final String fieldName = matcher.group(1);
        final int op = Arrays.asList(OPS).indexOf(matcher.group(2));
        final String literal = matcher.group(3);
        final List<Token> tokens = Holder.IR.getMessage(templateId);
        final String messageName = tokens.get(0).name();
        final Map<String, String> filterable = new LinkedHashMap<>();
        int varIndex = 0;
        boolean afterGroup = false;
        for (int i = 1; i < tokens.size(); i++)
        {
            final Token token = tokens.get(i);
            if (token.signal() == Signal.BEGIN_FIELD)
            {
                final Token encoding = tokens.get(i + 1);
                final String kind = fieldKind(encoding);
                if (token.name().equals(fieldName))
                {
                    if (null == kind)
                    {
                        throw new IllegalArgumentException("field '" + fieldName + "' of " + messageName +
                            " cannot be filtered: expected a number, enum or string field");
                    }
                    return numberOrEnumTest(messageName, fieldName, token.offset(), encoding, tokens, i + 1, op, literal);
                }
                if (null != kind)
                {
                    filterable.put(token.name(), kind);
                }
                i += token.componentTokenCount() - 1;
            }
            else if (token.signal() == Signal.BEGIN_GROUP)
            {
                afterGroup = true;
                i += token.componentTokenCount() - 1;
            }
            else if (token.signal() == Signal.BEGIN_VAR_DATA)
            {
                if (token.name().equals(fieldName))
                {
                    if (afterGroup)
                    {
                        throw new IllegalArgumentException("field '" + fieldName + "' of " + messageName +
                            " follows a repeating group and cannot be filtered");
                    }
                    return stringTest(messageName, fieldName, varIndex, lengthSize(tokens, i), op, literal);
                }
                if (!afterGroup)
                {
                    filterable.put(token.name(), "string");
                }
                varIndex++;
                i += token.componentTokenCount() - 1;
            }
        }
        throw new IllegalArgumentException(messageName + " has no field '" + fieldName + "', expected one of " +
            filterable.keySet());
    }

    private static String fieldKind(final Token encoding)
    {
        if (encoding.signal() == Signal.BEGIN_ENUM)
        {
            return "enum";
        }
        if (encoding.signal() == Signal.ENCODING && encoding.arrayLength() == 1 &&
            encoding.encoding().presence() != uk.co.real_logic.sbe.ir.Encoding.Presence.CONSTANT)
        {
            return "number";
        }
        return null;
    }

    private static int lengthSize(final List<Token> tokens, final int begin)
    {
        for (int i = begin + 1; i < tokens.size(); i++)
        {
            final Token token = tokens.get(i);
            if (token.signal() == Signal.ENCODING && "length".equals(token.name()))
            {
                return token.encodedLength();
            }
        }
        return 4;
    }

    private static FieldTest numberOrEnumTest(
        final String messageName,
        final String fieldName,
        final int fieldOffset,
        final Token encoding,
        final List<Token> tokens,
        final int encodingIndex,
        final int op,
        final String literal)
    {
        final PrimitiveType type = encoding.encoding().primitiveType();
        if (encoding.signal() == Signal.BEGIN_ENUM)
        {
            if (op != EQ && op != NE)
            {
                throw new IllegalArgumentException("only == and != apply to enum field '" + fieldName + "' of " +
                    messageName + ", got '" + OPS[op] + "'");
            }
            final Map<String, Long> values = new LinkedHashMap<>();
            for (int i = encodingIndex + 1; i < tokens.size() && tokens.get(i).signal() != Signal.END_ENUM; i++)
            {
                final Token value = tokens.get(i);
                values.put(value.name(), value.encoding().constValue().longValue());
            }
            final Long value = values.get(unquote(literal));
            if (null == value)
            {
                throw new IllegalArgumentException("expected one of " + values.keySet() + " for '" + fieldName +
                    "' of " + messageName + ", got '" + escape(literal) + "'");
            }
            return new NumberTest(fieldOffset, type, op, value, 0);
        }
        final boolean floating = type == PrimitiveType.FLOAT || type == PrimitiveType.DOUBLE;
        try
        {
            final String number = literal.replace("_", "");
            if (floating)
            {
                return new NumberTest(fieldOffset, type, op, 0, Double.parseDouble(number));
            }
            if (type == PrimitiveType.CHAR)
            {
                final String text = unquote(literal);
                if (text.length() != 1)
                {
                    throw new NumberFormatException();
                }
                return new NumberTest(fieldOffset, type, op, text.charAt(0), 0);
            }
            final long value = type == PrimitiveType.UINT64 ? Long.parseUnsignedLong(number) : Long.parseLong(number);
            return new NumberTest(fieldOffset, type, op, value, 0);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("expected " + (floating ? "a number" : type == PrimitiveType.CHAR ?
                "a single character" : "a whole number") + " for '" + fieldName + "' of " + messageName + " (" +
                type.primitiveName() + "), got '" + escape(literal) + "'");
        }
    }

    private static FieldTest stringTest(
        final String messageName,
        final String fieldName,
        final int varIndex,
        final int lengthSize,
        final int op,
        final String literal)
    {
        if (op != EQ && op != NE)
        {
            throw new IllegalArgumentException("only == and != apply to string field '" + fieldName + "' of " +
                messageName + ", got '" + OPS[op] + "'");
        }
        return new StringTest(varIndex, lengthSize, op == EQ, unquote(literal).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A test's text for a message, control characters escaped so the message stays one line.
     */
    private static String escape(final String text)
    {
        if (null == text)
        {
            return null;
        }
        final StringBuilder builder = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (Character.isISOControl(c))
            {
                builder.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                builder.append(c);
            }
        }
        return builder.toString();
    }

    private static String unquote(final String literal)
    {
        if (literal.length() >= 2 && (literal.startsWith("\"") && literal.endsWith("\"") ||
            literal.startsWith("'") && literal.endsWith("'")))
        {
            return literal.substring(1, literal.length() - 1);
        }
        return literal;
    }

    private static boolean compare(final int result, final int op)
    {
        return switch (op)
        {
            case EQ -> result == 0;
            case NE -> result != 0;
            case GT -> result > 0;
            case GE -> result >= 0;
            case LT -> result < 0;
            default -> result <= 0;
        };
    }

    abstract static class FieldTest
    {
        abstract boolean test(DirectBuffer buffer, int offset, int length);

        static int blockLength(final DirectBuffer buffer, final int offset)
        {
            return buffer.getShort(offset + MessageHeaderDecoder.blockLengthEncodingOffset(), ByteOrder.LITTLE_ENDIAN) &
                0xFFFF;
        }
    }

    private static final class NumberTest extends FieldTest
    {
        private final int fieldOffset;
        private final PrimitiveType type;
        private final int size;
        private final int op;
        private final long longValue;
        private final double doubleValue;

        NumberTest(final int fieldOffset, final PrimitiveType type, final int op, final long longValue, final double doubleValue)
        {
            this.fieldOffset = fieldOffset;
            this.type = type;
            this.size = type.size();
            this.op = op;
            this.longValue = longValue;
            this.doubleValue = doubleValue;
        }

        boolean test(final DirectBuffer buffer, final int offset, final int length)
        {
            if (fieldOffset + size > blockLength(buffer, offset) ||
                MessageSchema.HEADER_LENGTH + fieldOffset + size > length)
            {
                return false;
            }
            final int at = offset + MessageSchema.HEADER_LENGTH + fieldOffset;
            final ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            final int result = switch (type)
            {
                case CHAR, INT8 -> Long.compare(buffer.getByte(at), longValue);
                case UINT8 -> Long.compare(buffer.getByte(at) & 0xFFL, longValue);
                case INT16 -> Long.compare(buffer.getShort(at, order), longValue);
                case UINT16 -> Long.compare(buffer.getShort(at, order) & 0xFFFFL, longValue);
                case INT32 -> Long.compare(buffer.getInt(at, order), longValue);
                case UINT32 -> Long.compare(buffer.getInt(at, order) & 0xFFFF_FFFFL, longValue);
                case INT64 -> Long.compare(buffer.getLong(at, order), longValue);
                case UINT64 -> Long.compareUnsigned(buffer.getLong(at, order), longValue);
                case FLOAT -> Double.compare(buffer.getFloat(at, order), doubleValue);
                case DOUBLE -> Double.compare(buffer.getDouble(at, order), doubleValue);
            };
            return compare(result, op);
        }
    }

    private static final class StringTest extends FieldTest
    {
        private final int varIndex;
        private final int lengthSize;
        private final boolean equal;
        private final byte[] expected;

        StringTest(final int varIndex, final int lengthSize, final boolean equal, final byte[] expected)
        {
            this.varIndex = varIndex;
            this.lengthSize = lengthSize;
            this.equal = equal;
            this.expected = expected;
        }

        boolean test(final DirectBuffer buffer, final int offset, final int length)
        {
            final int end = offset + length;
            int at = offset + MessageSchema.HEADER_LENGTH + blockLength(buffer, offset);
            for (int i = 0; ; i++)
            {
                if (at + lengthSize > end)
                {
                    return false;
                }
                final long fieldLength = switch (lengthSize)
                {
                    case 1 -> buffer.getByte(at) & 0xFFL;
                    case 2 -> buffer.getShort(at, ByteOrder.LITTLE_ENDIAN) & 0xFFFFL;
                    default -> buffer.getInt(at, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
                };
                at += lengthSize;
                if (at + fieldLength > end)
                {
                    return false;
                }
                if (i == varIndex)
                {
                    return equal == matches(buffer, at, (int)fieldLength);
                }
                at += (int)fieldLength;
            }
        }

        private boolean matches(final DirectBuffer buffer, final int at, final int fieldLength)
        {
            if (fieldLength != expected.length)
            {
                return false;
            }
            for (int i = 0; i < fieldLength; i++)
            {
                if (buffer.getByte(at + i) != expected[i])
                {
                    return false;
                }
            }
            return true;
        }
    }

    private static final class Holder
    {
        static final Ir IR = MessageSchema.ir();
    }
}
