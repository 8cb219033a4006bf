package dev.commandcenter.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one way configuration is read: YAML bound strictly to records and classes by Jackson. Unknown keys,
 * wrong types, bad values and malformed YAML become one {@link ConfigException} naming the file, the key, its
 * line and what was expected. Enums are written as lowercase labels with dashes ({@link LabelledEnumDeserializer});
 * only {@code true} and {@code false} are booleans; whole numbers must be whole. A record validates its own
 * values in its constructor by throwing {@link InvalidValueException} (or any {@link IllegalArgumentException}
 * whose message says what was expected), which is reported at the key it names.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class ConfigBinder
{
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
        .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
        .build();
    private static final ObjectMapper YAML = YAMLMapper.builder(FACTORY)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_FINAL_FIELDS_AS_MUTATORS)
        .disable(MapperFeature.INFER_PROPERTY_MUTATORS)
        .addModule(new SimpleModule("labelled-enums").setDeserializerModifier(new BeanDeserializerModifier()
        {
            @SuppressWarnings({ "unchecked", "rawtypes" })
            public JsonDeserializer<?> modifyEnumDeserializer(
                final DeserializationConfig config,
                final JavaType type,
                final BeanDescription description,
                final JsonDeserializer<?> deserializer)
            {
                return new LabelledEnumDeserializer(type.getRawClass());
            }
        }))
        .build();

    private static final Pattern YAML_MARK = Pattern.compile("line (\\d+), column");

    private ConfigBinder()
    {
    }

    /**
     * Bind YAML text to a type.
     *
     * @param text   the YAML.
     * @param source names the file in messages, such as {@code config.yaml}.
     * @param type   a record or a class with public fields.
     * @param <T>    the type.
     * @return the value, or null when the text holds no document.
     * @throws ConfigException naming the file, the key, the line and what was expected.
     */
    public static <T> T read(final String text, final String source, final Class<T> type)
    {
        return read(text, source, type, Map.of());
    }

    /**
     * Bind YAML text to a type whose constructor also takes values from the caller, marked with
     * {@code @JacksonInject("name")} (such as the name of the file, for the record's own messages).
     *
     * @param text       the YAML.
     * @param source     names the file in messages.
     * @param type       a record or a class with public fields.
     * @param injectable values by name for {@code @JacksonInject}.
     * @param <T>        the type.
     * @return the value, or null when the text holds no document.
     * @throws ConfigException naming the file, the key, the line and what was expected.
     */
    public static <T> T read(final String text, final String source, final Class<T> type, final Map<String, ?> injectable)
    {
        if (text.isBlank())
        {
            return null;
        }
        try
        {
            refuseInjectedKeys(text, source, type, injectable.keySet());
            return YAML.readerFor(type).with(new InjectableValues.Std(Map.copyOf(injectable))).readValue(text);
        }
        catch (final JsonProcessingException ex)
        {
            throw translate(ex, text, source, injectable.keySet());
        }
    }

    /**
     * Jackson takes an injected value in place of a key of the same name and ignores the key: refuse the key
     * instead, as any other unknown key.
     */
    private static void refuseInjectedKeys(
        final String text, final String source, final Class<?> type, final Collection<String> injected)
        throws JsonProcessingException
    {
        if (injected.isEmpty())
        {
            return;
        }
        final JsonNode root = YAML.readTree(text);
        for (final String key : injected)
        {
            if (null != root && root.isObject() && root.has(key))
            {
                final TreeSet<String> known = new TreeSet<>();
                if (type.isRecord())
                {
                    for (final RecordComponent component : type.getRecordComponents())
                    {
                        known.add(component.getName());
                    }
                }
                known.removeAll(injected);
                final int line = lineOf(text, key);
                throw ConfigException.withMessage(source, key, line, source + ": unknown key '" + key + "'" +
                    (line > 0 ? " (line " + line + ")" : "") + ", expected one of " + known);
            }
        }
    }

    /**
     * Bind a value already parsed (such as a section given as maps and lists by an embedding program) as if it
     * had been read from YAML; messages name the key without a line.
     *
     * @param value  maps, lists and scalars.
     * @param source names the value in messages.
     * @param type   a record or a class with public fields.
     * @param <T>    the type.
     * @return the bound value, or null for null.
     * @throws ConfigException naming the key and what was expected.
     */
    public static <T> T convert(final Object value, final String source, final Class<T> type)
    {
        if (null == value)
        {
            return null;
        }
        final String text;
        try
        {
            text = YAML.writeValueAsString(value);
        }
        catch (final JsonProcessingException ex)
        {
            throw new ConfigException(source, "", 0, "expected maps, lists and scalars: " + ex.getOriginalMessage());
        }
        try
        {
            return read(text, source, type);
        }
        catch (final ConfigException ex)
        {
            // Lines of the text written here would mislead: name the key only.
            throw ConfigException.withMessage(source, ex.key(), 0, ex.getMessage().replaceFirst(" \\(line \\d+\\)", ""));
        }
    }

    /**
     * Line of a key in YAML text, for messages about values checked after binding.
     *
     * @param text the YAML.
     * @param key  dotted key path such as {@code plugins.tips.lagLimit} or {@code subscribes[0].where}.
     * @return the line of the key, or 0 when it is not there or the text cannot be read.
     */
    public static int lineOf(final String text, final String key)
    {
        if (key.isEmpty())
        {
            return 0;
        }
        final String pointer = "/" + key.replace("[", ".").replace("]", "").replace('.', '/');
        try (JsonParser parser = FACTORY.createParser(text))
        {
            for (JsonToken token = parser.nextToken(); null != token; token = parser.nextToken())
            {
                if (pointer.equals(parser.getParsingContext().pathAsPointer().toString()))
                {
                    return parser.currentTokenLocation().getLineNr();
                }
            }
        }
        catch (final IOException ignore)
        {
        }
        return 0;
    }

    private static ConfigException translate(
        final JsonProcessingException ex, final String text, final String source, final Collection<String> hidden)
    {
        if (!(ex instanceof JsonMappingException mapping))
        {
            return syntax(ex, source);
        }
        final String path = path(mapping);
        if (ex instanceof UnrecognizedPropertyException unknown)
        {
            final TreeSet<String> known = unknown.getKnownPropertyIds().stream().map(Object::toString)
                .collect(Collectors.toCollection(TreeSet::new));
            known.removeAll(hidden);
            final int line = lineOr(text, path, unknown.getLocation());
            return ConfigException.withMessage(source, path, line, source + ": unknown key '" + path + "'" +
                (line > 0 ? " (line " + line + ")" : "") + ", expected one of " + known);
        }
        if (ex instanceof InvalidFormatException format)
        {
            final String message = format.getOriginalMessage();
            final String expected = null != message && message.startsWith("expected ") ? message :
                "expected " + describe(format.getTargetType());
            return new ConfigException(source, path, lineOr(text, path, ex.getLocation()), expected + ", got '" +
                format.getValue() + "'");
        }
        final IllegalArgumentException invalid = invalidValue(ex);
        if (null != invalid)
        {
            final String key = invalid instanceof InvalidValueException value && !value.key().isEmpty() ?
                (path.isEmpty() ? value.key() : path + "." + value.key()) : path;
            final int line = lineOf(text, key);
            return new ConfigException(source, key, line > 0 ? line : line(ex.getLocation()),
                String.valueOf(invalid.getMessage()));
        }
        if (ex instanceof MismatchedInputException mismatch)
        {
            final String message = mismatch.getOriginalMessage();
            if (null != message &&
                (message.startsWith("Missing required") || message.startsWith("Null value for creator")))
            {
                return new ConfigException(source, path, lineOr(text, path, ex.getLocation()), "missing: expected " +
                    describe(mismatch.getTargetType()));
            }
            return new ConfigException(source, path, lineOr(text, path, ex.getLocation()), "expected " +
                describe(mismatch.getTargetType()));
        }
        if (ex.getCause() instanceof JsonProcessingException cause && !(cause instanceof JsonMappingException))
        {
            return syntax(cause, source);
        }
        return new ConfigException(source, path, line(ex.getLocation()), ConfigException.firstLine(
            ex.getOriginalMessage()));
    }

    private static ConfigException syntax(final JsonProcessingException ex, final String source)
    {
        int line = line(ex.getLocation());
        final Matcher mark = null == ex.getOriginalMessage() ? null :
            YAML_MARK.matcher(ex.getOriginalMessage());
        if (0 == line && null != mark && mark.find())
        {
            line = Integer.parseInt(mark.group(1));
        }
        return ConfigException.withMessage(source, "", line, source + ": not valid YAML" +
            (line > 0 ? " (line " + line + ")" : "") + ": " + ConfigException.firstLine(ex.getOriginalMessage()));
    }

    private static IllegalArgumentException invalidValue(final Throwable ex)
    {
        for (Throwable cause = ex.getCause(); null != cause && cause != ex; cause = cause.getCause())
        {
            if (cause instanceof IllegalArgumentException invalid && !(cause instanceof JsonProcessingException))
            {
                return invalid;
            }
            if (null == cause.getCause() || cause.getCause() == cause)
            {
                break;
            }
        }
        return null;
    }

    private static String path(final JsonMappingException ex)
    {
        return ex.getPath().stream()
            .map((ref) -> null != ref.getFieldName() ? ref.getFieldName() : "[" + ref.getIndex() + "]")
            .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static int lineOr(final String text, final String key, final JsonLocation location)
    {
        final int line = lineOf(text, key);
        return line > 0 ? line : line(location);
    }

    private static int line(final JsonLocation location)
    {
        return null == location || location.getLineNr() < 1 ? 0 : location.getLineNr();
    }

    /**
     * What a value of a type looks like, for messages.
     *
     * @param type the type bound.
     * @return such as {@code a whole number} or {@code one of block | reject}.
     */
    @SuppressWarnings({ "unchecked", "rawtypes" })
    public static String describe(final Class<?> type)
    {
        if (null == type)
        {
            return "another value";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class)
        {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class)
        {
            return "true or false";
        }
        if (type == String.class)
        {
            return "a string";
        }
        if (type.isEnum())
        {
            return "one of " + LabelledEnumDeserializer.labels(List.of((Enum<?>[])type.getEnumConstants()));
        }
        if (List.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type) || type.isArray())
        {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || type.getName().startsWith("dev.commandcenter"))
        {
            return "a section of keys";
        }
        return type.getSimpleName();
    }
}
