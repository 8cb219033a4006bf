package dev.commandcenter.codecs.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.agrona.MutableDirectBuffer;
import uk.co.real_logic.sbe.PrimitiveType;
import uk.co.real_logic.sbe.ir.Encoding;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The common shape of a message's JSON encoded into SBE straight from the parser's tokens, with no tree and no
 * garbage once warm: {@code "type"} first, then fields of a message without groups, each at most once, integers
 * within their range, strings of ASCII characters, hex of the right length, enum names. Anything else (another
 * order, a duplicate, a null, a float, a group, a character past ASCII, a value out of range, bad JSON) is declined,
 * and {@link JsonView} encodes it through the tree instead, which gives the same bytes or the same error: this class
 * never decides that an input is wrong, so it cannot word an error differently.
 * <p>
 * <b>Note:</b> plans are immutable after construction; the scratch of one encoding is per thread.
 */
final class FlatJsonEncoder
{
    /** Returned when the input is not of the shape this encoder takes. */
    static final int DECLINED = -1;

    private static final int NUMBER = 0;
    private static final int FLOATING = 1;
    private static final int CHARS = 2;
    private static final int HEX = 3;
    private static final int ENUM = 4;
    private static final int VAR_DATA = 5;

    private final Plan[] plans;
    private final int maxFields;
    private final ThreadLocal<Scratch> scratch;

    /**
     * @param messages token lists of the schema's messages.
     */
    FlatJsonEncoder(final java.util.Collection<List<Token>> messages)
    {
        final List<Plan> plans = new ArrayList<>();
        int maxFields = 0;
        for (final List<Token> tokens : messages)
        {
            final Plan plan = Plan.of(tokens);
            if (null != plan)
            {
                plans.add(plan);
                maxFields = Math.max(maxFields, plan.fields.length);
            }
        }
        this.plans = plans.toArray(new Plan[0]);
        this.maxFields = maxFields;
        final int fields = maxFields;
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(fields));
    }

    /**
     * Encode the message the parser is about to read, header included.
     *
     * @param parser       positioned before the root object.
     * @param buffer       to encode into.
     * @param offset       at which the header starts.
     * @param headerLength of the schema's message header.
     * @param schemaId     of the schema.
     * @param version      of the schema.
     * @param order        of the schema.
     * @return the encoded length, or {@link #DECLINED}.
     */
    int encode(
        final JsonParser parser,
        final MutableDirectBuffer buffer,
        final int offset,
        final int headerLength,
        final int schemaId,
        final int version,
        final ByteOrder order)
    {
        final Scratch s = scratch.get();
        final Plan plan;
        try
        {
            if (JsonToken.START_OBJECT != parser.nextToken() || JsonToken.FIELD_NAME != parser.nextToken() ||
                !JsonView.TYPE_FIELD.equals(parser.currentName()) || JsonToken.VALUE_STRING != parser.nextToken())
            {
                return DECLINED;
            }
            plan = find(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
            if (null == plan || !read(parser, plan, s))
            {
                return DECLINED;
            }
        }
        catch (final Exception ex)
        {
            return DECLINED;
        }

        buffer.putShort(offset, (short)plan.blockLength, order);
        buffer.putShort(offset + 2, (short)plan.templateId, order);
        buffer.putShort(offset + 4, (short)schemaId, order);
        buffer.putShort(offset + 6, (short)version, order);
        final int blockOffset = offset + headerLength;
        int position = blockOffset + plan.blockLength;
        for (int i = 0; i < plan.fields.length; i++)
        {
            final Field field = plan.fields[i];
            final boolean present = s.present[i];
            switch (field.kind)
            {
                case NUMBER, FLOATING -> putRaw(buffer, order, field.type, blockOffset + field.offset, present ? s.values[i] : 0L);
                case ENUM -> putRaw(buffer, order, field.type, blockOffset + field.offset, present ? s.values[i] : field.defaultRaw);
                case CHARS ->
                {
                    final int at = blockOffset + field.offset;
                    buffer.setMemory(at, field.length, (byte)0);
                    if (present)
                    {
                        putAscii(buffer, at, s.chars, s.starts[i], s.lengths[i]);
                    }
                }
                case HEX ->
                {
                    final int at = blockOffset + field.offset;
                    buffer.setMemory(at, field.length, (byte)0);
                    if (present && s.lengths[i] > 0)
                    {
                        final int start = s.starts[i];
                        for (int k = 0; k < field.length; k++)
                        {
                            buffer.putByte(at + k,
                                (byte)(hexDigit(s.chars[start + 2 * k]) << 4 | hexDigit(s.chars[start + 2 * k + 1])));
                        }
                    }
                }
                case VAR_DATA ->
                {
                    final int length = present ? s.lengths[i] : 0;
                    putRaw(buffer, order, field.type, position, length);
                    position += field.length;
                    if (length > 0)
                    {
                        putAscii(buffer, position, s.chars, s.starts[i], length);
                    }
                    position += length;
                }
                default -> throw new IllegalStateException("field kind " + field.kind);
            }
        }
        return position - offset;
    }

    private Plan find(final char[] chars, final int start, final int length)
    {
        for (final Plan plan : plans)
        {
            if (matches(plan.name, chars, start, length))
            {
                return plan;
            }
        }
        return null;
    }

    /**
     * Read the fields after {@code "type"} into the scratch, checking each as the tree's encoding would accept it.
     */
    private static boolean read(final JsonParser parser, final Plan plan, final Scratch s) throws java.io.IOException
    {
        java.util.Arrays.fill(s.present, 0, plan.fields.length, false);
        int cursor = 0;
        JsonToken token;
        while (JsonToken.FIELD_NAME == (token = parser.nextToken()))
        {
            final String name = parser.currentName();
            final Integer index = plan.indexByName.get(name);
            token = parser.nextToken();
            if (null == index)
            {
                if (!JsonView.isEnvelopeField(name) || !token.isScalarValue())
                {
                    return false;
                }
                continue;
            }
            final int i = index;
            if (s.present[i])
            {
                return false;
            }
            final Field field = plan.fields[i];
            if (NUMBER == field.kind)
            {
                if (JsonToken.VALUE_NUMBER_INT != token || JsonParser.NumberType.BIG_INTEGER == parser.getNumberType())
                {
                    return false;
                }
                final long value = parser.getLongValue();
                if (value < field.min || value > field.max)
                {
                    return false;
                }
                s.values[i] = value;
            }
            else if (FLOATING == field.kind || JsonToken.VALUE_STRING != token)
            {
                return false;
            }
            else
            {
                final char[] chars = parser.getTextCharacters();
                final int start = parser.getTextOffset();
                final int length = parser.getTextLength();
                if (!isAscii(chars, start, length))
                {
                    return false;
                }
                if (ENUM == field.kind)
                {
                    final long raw = field.enumRaw(chars, start, length);
                    if (raw < 0)
                    {
                        return false;
                    }
                    s.values[i] = raw;
                }
                else
                {
                    if ((CHARS == field.kind && length > field.length) ||
                        (VAR_DATA == field.kind && length > field.max) ||
                        (HEX == field.kind && !isHex(chars, start, length, field.length)))
                    {
                        return false;
                    }
                    s.chars = ensure(s.chars, cursor + length);
                    System.arraycopy(chars, start, s.chars, cursor, length);
                    s.starts[i] = cursor;
                    s.lengths[i] = length;
                    cursor += length;
                }
            }
            s.present[i] = true;
        }
        return JsonToken.END_OBJECT == token;
    }

    private static boolean matches(final String name, final char[] chars, final int start, final int length)
    {
        if (name.length() != length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (name.charAt(i) != chars[start + i])
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(final char[] chars, final int start, final int length)
    {
        for (int i = start, end = start + length; i < end; i++)
        {
            if (chars[i] >= 0x80)
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(final char[] chars, final int start, final int length, final int bytes)
    {
        if (0 == length)
        {
            return true;
        }
        if (length != 2 * bytes)
        {
            return false;
        }
        for (int i = start, end = start + length; i < end; i++)
        {
            if (hexDigit(chars[i]) < 0)
            {
                return false;
            }
        }
        return true;
    }

    private static int hexDigit(final char c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f')
        {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F')
        {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static char[] ensure(final char[] chars, final int capacity)
    {
        return capacity <= chars.length ? chars : java.util.Arrays.copyOf(chars, Math.max(capacity, 2 * chars.length));
    }

    private static void putAscii(
        final MutableDirectBuffer buffer, final int at, final char[] chars, final int start, final int length)
    {
        for (int k = 0; k < length; k++)
        {
            buffer.putByte(at + k, (byte)chars[start + k]);
        }
    }

    /**
     * A number in the buffer as the primitive type encodes it (floats from the integer value).
     */
    static void putRaw(
        final MutableDirectBuffer buffer, final ByteOrder order, final PrimitiveType type, final int offset, final long raw)
    {
        switch (type)
        {
            case CHAR, INT8, UINT8 -> buffer.putByte(offset, (byte)raw);
            case INT16, UINT16 -> buffer.putShort(offset, (short)raw, order);
            case INT32, UINT32 -> buffer.putInt(offset, (int)raw, order);
            case INT64, UINT64 -> buffer.putLong(offset, raw, order);
            case FLOAT -> buffer.putFloat(offset, raw, order);
            case DOUBLE -> buffer.putDouble(offset, raw, order);
        }
    }

    /** What one thread's encoding reads into. */
    private static final class Scratch
    {
        final boolean[] present;
        final long[] values;
        final int[] starts;
        final int[] lengths;
        char[] chars = new char[512];

        Scratch(final int fields)
        {
            present = new boolean[fields];
            values = new long[fields];
            starts = new int[fields];
            lengths = new int[fields];
        }
    }

    /** One field of a plan, in the schema's order. */
    private static final class Field
    {
        final int kind;
        final PrimitiveType type;
        final int offset;
        final int length;
        final long min;
        final long max;
        final long defaultRaw;
        final String[] enumNames;
        final long[] enumValues;

        Field(final int kind, final PrimitiveType type, final int offset, final int length, final long min,
            final long max, final long defaultRaw, final String[] enumNames, final long[] enumValues)
        {
            this.kind = kind;
            this.type = type;
            this.offset = offset;
            this.length = length;
            this.min = min;
            this.max = max;
            this.defaultRaw = defaultRaw;
            this.enumNames = enumNames;
            this.enumValues = enumValues;
        }

        long enumRaw(final char[] chars, final int start, final int length)
        {
            for (int e = 0; e < enumNames.length; e++)
            {
                final String name = enumNames[e];
                if (matches(name, chars, start, length))
                {
                    return enumValues[e];
                }
            }
            return -1;
        }
    }

    /** How one message type is encoded: its fields in the schema's order, found by name. */
    private static final class Plan
    {
        final String name;
        final int templateId;
        final int blockLength;
        final Field[] fields;
        final Map<String, Integer> indexByName;

        private Plan(final String name, final int templateId, final int blockLength, final Field[] fields,
            final Map<String, Integer> indexByName)
        {
            this.name = name;
            this.templateId = templateId;
            this.blockLength = blockLength;
            this.fields = fields;
            this.indexByName = indexByName;
        }

        /**
         * The plan of a message, or null when it has what only the tree's encoding handles (a group, a composite,
         * a set, a field named like the type or an envelope field).
         */
        static Plan of(final List<Token> tokens)
        {
            try
            {
                return planOf(tokens);
            }
            catch (final RuntimeException ex)
            {
                // A field whose limits the IR gives in a form not read here: the tree's encoding handles it.
                return null;
            }
        }

        private static Plan planOf(final List<Token> tokens)
        {
            final Token begin = tokens.get(0);
            final List<Field> fields = new ArrayList<>();
            final Map<String, Integer> indexByName = new HashMap<>();
            int i = 1;
            while (i < tokens.size() - 1)
            {
                final Token token = tokens.get(i);
                final Field field;
                switch (token.signal())
                {
                    case BEGIN_FIELD -> field = field(tokens, i, token);
                    case BEGIN_VAR_DATA ->
                    {
                        final Token lengthToken = tokens.get(i + 2);
                        final Encoding encoding = lengthToken.encoding();
                        field = new Field(VAR_DATA, encoding.primitiveType(), 0, lengthToken.encodedLength(), 0,
                            encoding.applicableMaxValue().longValue(), 0, null, null);
                    }
                    case BEGIN_GROUP -> field = null;
                    default ->
                    {
                        i++;
                        continue;
                    }
                }
                if (null == field || JsonView.TYPE_FIELD.equals(token.name()) || JsonView.isEnvelopeField(token.name()) ||
                    null != indexByName.put(token.name(), fields.size()))
                {
                    return null;
                }
                fields.add(field);
                i += token.componentTokenCount();
            }
            return new Plan(begin.name(), begin.id(), begin.encodedLength(), fields.toArray(new Field[0]), indexByName);
        }

        private static Field field(final List<Token> tokens, final int index, final Token begin)
        {
            final Token typeToken = tokens.get(index + 1);
            final Encoding encoding = typeToken.encoding();
            final PrimitiveType type = encoding.primitiveType();
            if (Signal.ENCODING == typeToken.signal())
            {
                if (typeToken.arrayLength() > 1)
                {
                    final boolean hex = JsonView.isHex(typeToken);
                    return new Field(hex ? HEX : CHARS, type, begin.offset(), typeToken.arrayLength(), 0, 0, 0,
                        null, null);
                }
                if (PrimitiveType.FLOAT == type || PrimitiveType.DOUBLE == type)
                {
                    return new Field(FLOATING, type, begin.offset(), 1, 0, 0, 0, null, null);
                }
                final long min = encoding.applicableMinValue().longValue();
                final long max = PrimitiveType.UINT64 == type ? Long.MAX_VALUE : encoding.applicableMaxValue().longValue();
                return new Field(NUMBER, type, begin.offset(), 1, min, max, 0, null, null);
            }
            if (Signal.BEGIN_ENUM == typeToken.signal())
            {
                final int count = typeToken.componentTokenCount();
                if (Signal.END_ENUM != tokens.get(index + count).signal() || count < 3)
                {
                    return null;
                }
                final String[] names = new String[count - 2];
                final long[] values = new long[count - 2];
                for (int j = 0; j < names.length; j++)
                {
                    final Token valid = tokens.get(index + 2 + j);
                    names[j] = valid.name();
                    values[j] = valid.encoding().constValue().longValue();
                    if (values[j] < 0)
                    {
                        return null;
                    }
                }
                return new Field(ENUM, type, begin.offset(), 1, 0, 0, values[0], names, values);
            }
            return null;
        }
    }
}
