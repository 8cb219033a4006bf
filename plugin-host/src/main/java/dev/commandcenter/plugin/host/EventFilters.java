package dev.commandcenter.plugin.host;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.Subscription;
import org.agrona.DirectBuffer;
import uk.co.real_logic.sbe.PrimitiveType;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles the {@code subscribes} section of a descriptor into a {@link Subscription}: message types, each
 * with optional field tests ({@code amountSats >= 1000}, {@code state == CONNECTED}, {@code channel == "main"})
 * and an optional set of sources. Field tests are resolved against the schema's IR once, when compiled, and
 * then read the SBE bytes in place: no decoding, no allocation per event.
 * <p>
 * Filterable fields: numbers and enums of the message's root block, and its variable-length strings
 * (equality only). Fixed arrays such as hashes and fields inside repeating groups are not filterable.
 * <p>
 * <b>Note:</b> compiled filters are immutable and may be evaluated on any thread.
 */
public final class EventFilters
{
    /** What a field test must look like, for error messages. */
    public static final String EXPECTED_TEST =
        "'<field> <op> <value>' with <op> one of ==, !=, >, >=, <, <= (for example amountSats >= 1000)";

    private static final Pattern TEST = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(==|!=|>=|<=|>|<)\\s*(.+?)\\s*");
    private static final int EQ = 0;
    private static final int NE = 1;
    private static final int GT = 2;
    private static final int GE = 3;
    private static final int LT = 4;
    private static final int LE = 5;
    private static final String[] OPS = { "==", "!=", ">", ">=", "<", "<=" };

    private EventFilters()
    {
    }

    /**
     * Names of every message type of the schema.
     *
     * @return the names, sorted.
     */
    public static TreeSet<String> messageNames()
    {
        final TreeSet<String> names = new TreeSet<>();
        for (final List<Token> tokens : Holder.IR.messages())
        {
            names.add(tokens.get(0).name());
        }
        return names;
    }

    /**
     * Template id of a message type by name.
     *
     * @param name as in the schema.
     * @return the template id, or -1 when there is no such type.
     */
    public static int templateId(final String name)
    {
        return JsonView.instance().templateId(name);
    }

    /**
     * Source id by name.
     *
     * @param name such as {@code wallet}.
     * @return the id, or -1 when there is no such source.
     */
    public static int sourceId(final String name)
    {
        for (int source = 1; source < 64; source++)
        {
            final String known = Sources.name(source);
            if ("unknown".equals(known))
            {
                break;
            }
            if (known.equals(name))
            {
                return source;
            }
        }
        return -1;
    }

    /**
     * Names of every source.
     *
     * @return the names in id order.
     */
    public static List<String> sourceNames()
    {
        final List<String> names = new ArrayList<>();
        for (int source = 1; source < 64 && !"unknown".equals(Sources.name(source)); source++)
        {
            names.add(Sources.name(source));
        }
        return names;
    }

    /**
     * Compile one subscription entry.
     *
     * @param templateId message type, or -1 for every type (then no field tests are allowed).
     * @param tests      field tests that must all hold.
     * @param sources    source ids admitted, empty for any.
     * @return the clause.
     * @throws IllegalArgumentException naming the test that is wrong and what was expected.
     */
    public static Clause clause(final int templateId, final List<String> tests, final List<Integer> sources)
    {
        long mask = 0;
        for (final int source : sources)
        {
            mask |= 1L << source;
        }
        final FieldTest[] compiled = new FieldTest[tests.size()];
        if (templateId < 0 && !tests.isEmpty())
        {
            throw new IllegalArgumentException("field tests need a message type, not '*'");
        }
        for (int i = 0; i < compiled.length; i++)
        {
            compiled[i] = parseTest(templateId, tests.get(i));
        }
        return new Clause(templateId, mask, compiled);
    }

    /**
     * A subscription admitting an event when any clause does.
     *
     * @param clauses the clauses.
     * @return the subscription.
     */
    public static Subscription subscription(final List<Clause> clauses)
    {
        int maxId = 0;
        boolean any = false;
        boolean filtered = false;
        for (final Clause clause : clauses)
        {
            maxId = Math.max(maxId, clause.templateId);
            any |= clause.templateId < 0;
            filtered |= clause.sourceMask != 0 || clause.tests.length > 0;
        }
        final List<Clause> anyClauses = new ArrayList<>();
        final List<List<Clause>> byId = new ArrayList<>();
        for (int i = 0; i <= maxId; i++)
        {
            byId.add(new ArrayList<>());
        }
        final TreeSet<Integer> ids = new TreeSet<>();
        for (final Clause clause : clauses)
        {
            if (clause.templateId < 0)
            {
                anyClauses.add(clause);
            }
            else
            {
                byId.get(clause.templateId).add(clause);
                ids.add(clause.templateId);
            }
        }
        final int[] idArray = ids.stream().mapToInt(Integer::intValue).toArray();
        if (!filtered)
        {
            return any ? Subscription.all() : Subscription.of(idArray);
        }
        final Clause[][] table = new Clause[maxId + 1][];
        for (int i = 0; i <= maxId; i++)
        {
            table[i] = byId.get(i).toArray(new Clause[0]);
        }
        final Clause[] anyTable = anyClauses.toArray(new Clause[0]);
        final Subscription.EventFilter filter = (event) ->
        {
            final int templateId = event.templateId();
            if (templateId < table.length)
            {
                for (final Clause clause : table[templateId])
                {
                    if (clause.test(event))
                    {
                        return true;
                    }
                }
            }
            for (final Clause clause : anyTable)
            {
                if (clause.test(event))
                {
                    return true;
                }
            }
            return false;
        };
        return any ? Subscription.all().where(filter) : Subscription.of(idArray).where(filter);
    }

    private static FieldTest parseTest(final int templateId, final String text)
    {
        final Matcher matcher = TEST.matcher(null == text ? "" : text);
        if (!matcher.matches())
        {
            throw new IllegalArgumentException("expected " + EXPECTED_TEST + ", got '" + text + "'");
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
                    "' of " + messageName + ", got '" + literal + "'");
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
                type.primitiveName() + "), got '" + literal + "'");
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

    /** One subscription entry: a type (or any), admitted sources, and field tests that must all hold. */
    public static final class Clause
    {
        final int templateId;
        final long sourceMask;
        final FieldTest[] tests;

        Clause(final int templateId, final long sourceMask, final FieldTest[] tests)
        {
            this.templateId = templateId;
            this.sourceMask = sourceMask;
            this.tests = tests;
        }

        /**
         * Template id of the clause, -1 for any type.
         *
         * @return the template id.
         */
        public int templateId()
        {
            return templateId;
        }

        /**
         * Whether an event of this clause's type passes its source and field tests.
         *
         * @param event to test.
         * @return true when admitted.
         */
        public boolean test(final Event event)
        {
            if (0 != sourceMask && (event.source() < 0 || event.source() > 63 || 0 == (sourceMask & (1L << event.source()))))
            {
                return false;
            }
            for (final FieldTest test : tests)
            {
                if (!test.test(event.buffer(), event.offset(), event.length()))
                {
                    return false;
                }
            }
            return true;
        }
    }

    private abstract static class FieldTest
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
