package dev.commandcenter.app.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.plugin.host.EventFilters;
import org.agrona.ExpandableArrayBuffer;
import uk.co.real_logic.sbe.PrimitiveType;
import uk.co.real_logic.sbe.ir.Encoding;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON body of one event built from {@code key=value} arguments, typed by the schema's fields of its message:
 * numbers for numeric fields, enum names checked against the enum, 64 hex digits for {@code Hash32} fields, text for
 * string fields. Numbers left out are 0 and text left out is empty; hashes and enum choices must be given, except
 * yes/no flags ({@code FALSE} when left out) and enums added to a message after its first version (their schema
 * description says how an absent value reads). Every error is one line naming the field and what was expected.
 * The body is encoded once here with the schema's JSON view, so what the engine would refuse as malformed is refused
 * before anything is sent.
 */
final class EventBody
{
    private static final Ir IR = MessageSchema.ir();
    private static final HexFormat HEX = HexFormat.of();

    private enum Kind
    {
        INTEGER, REAL, TEXT, HEX, ENUM, DATA, GROUP
    }

    private record Field(String name, Kind kind, Token encoding, List<String> choices, boolean required)
    {
        String expected()
        {
            final PrimitiveType type = encoding.encoding().primitiveType();
            return switch (kind)
            {
                case INTEGER -> "a whole number (" + type.primitiveName() + ", " + min(encoding) + ".." + max(encoding) + ")";
                case REAL -> "a number (" + type.primitiveName() + ")";
                case TEXT -> "text of at most " + encoding.arrayLength() + " bytes";
                case HEX -> encoding.arrayLength() * 2 + " hex digits";
                case ENUM -> "one of " + String.join(", ", choices);
                case DATA -> "text";
                case GROUP -> "nothing: a repeating group cannot be set from the command line";
            };
        }
    }

    private EventBody()
    {
    }

    /**
     * Build and check the JSON body of an event.
     *
     * @param type      the message name, as in the schema.
     * @param arguments {@code key=value} pairs.
     * @return the body, with {@code type} first.
     * @throws IllegalArgumentException in one line naming the type or field that is wrong and what was expected.
     */
    static ObjectNode build(final String type, final List<String> arguments)
    {
        final int templateId = JsonView.instance().templateId(type);
        if (templateId < 0 || !MessageSchema.isEvent(templateId))
        {
            throw new IllegalArgumentException((templateId < 0 ? "unknown message type '" + type + "'" :
                type + " is a transport message, not an event") + ": expected one of " +
                String.join(", ", EventFilters.messageNames()));
        }
        final Map<String, Field> fields = fields(templateId);
        final ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put(JsonView.TYPE_FIELD, type);
        for (final String argument : null == arguments ? List.<String>of() : arguments)
        {
            final int equals = argument.indexOf('=');
            if (equals <= 0)
            {
                throw new IllegalArgumentException("expected key=value, got '" + argument + "' (the fields of " +
                    type + ": " + String.join(", ", fields.keySet()) + ")");
            }
            final String key = argument.substring(0, equals);
            final String value = argument.substring(equals + 1);
            final Field field = fields.get(key);
            if (null == field)
            {
                throw new IllegalArgumentException(type + " has no field '" + key + "', expected one of " +
                    String.join(", ", fields.keySet()));
            }
            if (body.has(key))
            {
                throw new IllegalArgumentException("field '" + key + "' of " + type + " is given twice");
            }
            put(body, type, field, value);
        }
        for (final Field field : fields.values())
        {
            if (field.required() && !body.has(field.name()))
            {
                throw new IllegalArgumentException("missing field '" + field.name() + "' of " + type + ": expected " +
                    field.name() + "=<" + field.expected() + ">");
            }
        }
        try
        {
            JsonView.instance().fromJson(body, new ExpandableArrayBuffer(512), 0);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(Console.describe(ex), ex);
        }
        return body;
    }

    /**
     * The fields of a message a command line may set, for help and errors.
     *
     * @param templateId the message.
     * @return names in schema order.
     */
    static List<String> fieldNames(final int templateId)
    {
        return new ArrayList<>(fields(templateId).keySet());
    }

    private static void put(final ObjectNode body, final String type, final Field field, final String value)
    {
        final String name = field.name();
        switch (field.kind())
        {
            case INTEGER ->
            {
                final long number;
                try
                {
                    final String digits = value.strip().replace("_", "");
                    number = field.encoding().encoding().primitiveType() == PrimitiveType.UINT64 ?
                        Long.parseUnsignedLong(digits) : Long.parseLong(digits);
                }
                catch (final NumberFormatException ex)
                {
                    throw bad(type, field, value);
                }
                if (number < min(field.encoding()) || number > max(field.encoding()))
                {
                    throw bad(type, field, value);
                }
                body.put(name, number);
            }
            case REAL ->
            {
                try
                {
                    final double number = Double.parseDouble(value.strip());
                    if (!Double.isFinite(number))
                    {
                        throw new NumberFormatException();
                    }
                    body.put(name, number);
                }
                catch (final NumberFormatException ex)
                {
                    throw bad(type, field, value);
                }
            }
            case HEX ->
            {
                final String digits = value.strip();
                if (digits.length() != field.encoding().arrayLength() * 2 || !isHex(digits))
                {
                    throw new IllegalArgumentException("field '" + name + "' of " + type + ": expected " + field.expected() +
                        ", got " + (isHex(digits) ? digits.length() + " characters" : "'" + value + "'"));
                }
                body.put(name, digits.toLowerCase(java.util.Locale.ROOT));
            }
            case ENUM ->
            {
                final String choice = value.strip();
                if (!field.choices().contains(choice))
                {
                    throw bad(type, field, value);
                }
                body.put(name, choice);
            }
            case TEXT, DATA -> body.put(name, value);
            default -> throw new IllegalArgumentException("field '" + name + "' of " + type + ": expected " +
                field.expected());
        }
    }

    private static IllegalArgumentException bad(final String type, final Field field, final String value)
    {
        return new IllegalArgumentException("field '" + field.name() + "' of " + type + ": expected " + field.expected() +
            ", got '" + value + "'");
    }

    private static boolean isHex(final String text)
    {
        if (text.isEmpty())
        {
            return false;
        }
        for (int i = 0; i < text.length(); i++)
        {
            if (Character.digit(text.charAt(i), 16) < 0)
            {
                return false;
            }
        }
        return true;
    }

    private static long min(final Token encoding)
    {
        return encoding.encoding().applicableMinValue().longValue();
    }

    private static long max(final Token encoding)
    {
        return encoding.encoding().primitiveType() == PrimitiveType.UINT64 ? Long.MAX_VALUE :
            encoding.encoding().applicableMaxValue().longValue();
    }

    private static Map<String, Field> fields(final int templateId)
    {
        final List<Token> tokens = IR.getMessage(templateId);
        final Map<String, Field> fields = new LinkedHashMap<>();
        for (int i = 1; i < tokens.size(); i++)
        {
            final Token token = tokens.get(i);
            if (token.signal() == Signal.BEGIN_FIELD)
            {
                final Token encoding = tokens.get(i + 1);
                if (encoding.encoding().presence() != Encoding.Presence.CONSTANT)
                {
                    fields.put(token.name(), field(token, encoding, tokens, i + 1));
                }
                i += token.componentTokenCount() - 1;
            }
            else if (token.signal() == Signal.BEGIN_GROUP)
            {
                fields.put(token.name(), new Field(token.name(), Kind.GROUP, token, List.of(), false));
                i += token.componentTokenCount() - 1;
            }
            else if (token.signal() == Signal.BEGIN_VAR_DATA)
            {
                fields.put(token.name(), new Field(token.name(), Kind.DATA, token, List.of(), false));
                i += token.componentTokenCount() - 1;
            }
        }
        return fields;
    }

    private static Field field(final Token field, final Token encoding, final List<Token> tokens, final int index)
    {
        if (encoding.signal() == Signal.BEGIN_ENUM)
        {
            final List<String> choices = new ArrayList<>();
            for (int j = index + 1; j < tokens.size() && tokens.get(j).signal() != Signal.END_ENUM; j++)
            {
                choices.add(tokens.get(j).name());
            }
            final boolean flag = "BooleanType".equals(encoding.applicableTypeName()) ||
                "BooleanType".equals(encoding.name());
            return new Field(field.name(), Kind.ENUM, encoding, choices, !flag && field.version() <= 0);
        }
        if (encoding.arrayLength() > 1)
        {
            final boolean hex = "hex".equals(encoding.encoding().semanticType());
            return new Field(field.name(), hex ? Kind.HEX : Kind.TEXT, encoding, List.of(), hex);
        }
        final PrimitiveType type = encoding.encoding().primitiveType();
        final boolean real = type == PrimitiveType.FLOAT || type == PrimitiveType.DOUBLE;
        return new Field(field.name(), real ? Kind.REAL : Kind.INTEGER, encoding, List.of(), false);
    }
}
