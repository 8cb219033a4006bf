package dev.commandcenter.codecs.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.commandcenter.codecs.MessageSchema;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import uk.co.real_logic.sbe.PrimitiveType;
import uk.co.real_logic.sbe.ir.Encoding;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;
import uk.co.real_logic.sbe.otf.OtfHeaderDecoder;
import uk.co.real_logic.sbe.otf.OtfMessageDecoder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSON view of every message in the schema, driven by the schema's IR so a message added to
 * the schema gets its view with no code here. Fields keep their schema names; {@code "type"} holds
 * the message name; {@code Hash32} fields render as lowercase hex; enums by name; var data as strings.
 * <p>
 * Decoding to JSON reads the acting block length and version from the header, so messages written
 * by older schema versions render correctly. Encoding from JSON rejects unknown fields and wrong
 * types with a message naming the field and what was expected.
 * <p>
 * <b>Note:</b> instances are immutable after construction and safe to share between threads.
 */
public final class JsonView
{
    /** Name of the JSON property that carries the message name. */
    public static final String TYPE_FIELD = "type";

    private static final HexFormat HEX = HexFormat.of();
    private static final int MAX_QUOTED_CHARS = 80;
    private static final JsonFactory JSON_FACTORY = JsonFactory.builder()
        .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
        // Views are used on virtual threads (REST ingest): a shared buffer pool instead of one per thread.
        .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.sharedConcurrentDequePool())
        .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON_FACTORY);

    private final Ir ir;
    private final OtfHeaderDecoder headerDecoder;
    private final Int2ObjectHashMap<List<Token>> messagesById = new Int2ObjectHashMap<>();
    private final Map<String, List<Token>> messagesByName = new HashMap<>();
    private final Map<String, SerializableString> names = new HashMap<>();
    private final FlatJsonEncoder flat;

    /**
     * Create a view over the schema's IR.
     *
     * @param ir of the message schema.
     */
    public JsonView(final Ir ir)
    {
        this.ir = ir;
        this.headerDecoder = new OtfHeaderDecoder(ir.headerStructure());
        names.put(TYPE_FIELD, new SerializedString(TYPE_FIELD));
        for (final List<Token> tokens : ir.messages())
        {
            final Token begin = tokens.get(0);
            messagesById.put(begin.id(), tokens);
            messagesByName.put(begin.name(), tokens);
            for (final Token token : tokens)
            {
                final SerializedString name = new SerializedString(token.name());
                name.asQuotedUTF8();
                name.asQuotedChars();
                names.putIfAbsent(token.name(), name);
            }
        }
        flat = new FlatJsonEncoder(ir.messages());
    }

    /**
     * The view of the schema this build was generated from.
     *
     * @return the shared view.
     */
    public static JsonView instance()
    {
        return Holder.INSTANCE;
    }

    /**
     * Name of a message type.
     *
     * @param templateId of the message.
     * @return its name, or null when the schema has no such message.
     */
    public String messageName(final int templateId)
    {
        final List<Token> tokens = messagesById.get(templateId);
        return null == tokens ? null : tokens.get(0).name();
    }

    /**
     * Template id of a message type by name.
     *
     * @param name of the message, as in the schema.
     * @return its template id, or -1 when there is no such message.
     */
    public int templateId(final String name)
    {
        final List<Token> tokens = messagesByName.get(name);
        return null == tokens ? -1 : tokens.get(0).id();
    }

    /**
     * Render a message, header included, as a JSON object string.
     *
     * @param buffer holding the message.
     * @param offset of its message header.
     * @return the JSON text.
     */
    public String toJson(final DirectBuffer buffer, final int offset)
    {
        final StringWriter writer = new StringWriter(256);
        toJson(buffer, offset, writer, null);
        return writer.toString();
    }

    /**
     * Render a message as a JSON object into a writer, with optional extra leading properties.
     *
     * @param buffer holding the message.
     * @param offset of its message header.
     * @param writer to append to.
     * @param prefix writes extra properties (such as sequence and timestamp) first, or null.
     */
    public void toJson(final DirectBuffer buffer, final int offset, final Writer writer, final PropertyWriter prefix)
    {
        try (JsonGenerator generator = JSON_FACTORY.createGenerator(writer))
        {
            generator.writeStartObject();
            if (null != prefix)
            {
                prefix.write(generator);
            }
            writeFields(buffer, offset, generator);
            generator.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Write the {@code type} and the fields of a message into an open JSON object. Allocates scratch space for
     * the call: a renderer on a hot path owns a {@link #fieldWriter()} instead.
     *
     * @param buffer    holding the message.
     * @param offset    of its message header.
     * @param generator positioned inside an object.
     * @throws IOException from the generator.
     */
    public void writeFields(final DirectBuffer buffer, final int offset, final JsonGenerator generator) throws IOException
    {
        fieldWriter().writeFields(buffer, offset, generator);
    }

    /**
     * A writer of message fields with scratch space of its own, reused from call to call, so rendering a message
     * allocates nothing once the scratch space has grown to the longest field.
     *
     * @return a new writer, for the calling thread to keep.
     */
    public FieldWriter fieldWriter()
    {
        return new FieldWriter();
    }

    /**
     * Writes the {@code type} and the fields of messages into open JSON objects, with the same output as
     * {@link #toJson(DirectBuffer, int)}: field names are pre-encoded, and var data, character arrays and hex are
     * converted into arrays reused from call to call.
     * <p>
     * <b>Note:</b> not thread safe: each thread that renders owns its own writer (the view itself is shared).
     */
    public final class FieldWriter
    {
        private final JsonTokenListener listener = new JsonTokenListener(names);

        private FieldWriter()
        {
        }

        /**
         * Write the {@code type} and the fields of a message into an open JSON object.
         *
         * @param buffer    holding the message.
         * @param offset    of its message header.
         * @param generator positioned inside an object.
         * @throws IOException from the generator.
         */
        public void writeFields(final DirectBuffer buffer, final int offset, final JsonGenerator generator)
            throws IOException
        {
            final int templateId = headerDecoder.getTemplateId(buffer, offset);
            final int schemaId = headerDecoder.getSchemaId(buffer, offset);
            final int version = headerDecoder.getSchemaVersion(buffer, offset);
            final int blockLength = headerDecoder.getBlockLength(buffer, offset);
            if (schemaId != ir.id())
            {
                throw new IllegalArgumentException("message has schema id " + schemaId + ", expected " + ir.id());
            }
            final List<Token> tokens = messagesById.get(templateId);
            if (null == tokens)
            {
                throw new IllegalArgumentException("unknown message template id " + templateId);
            }
            generator.writeFieldName(names.get(TYPE_FIELD));
            generator.writeString(names.get(tokens.get(0).name()));
            listener.reset(generator);
            try
            {
                OtfMessageDecoder.decode(
                    buffer, offset + headerDecoder.encodedLength(), version, blockLength, tokens, listener);
                listener.rethrow();
            }
            finally
            {
                listener.reset(null);
            }
        }
    }

    /**
     * Encode a JSON object (as rendered by {@link #toJson(DirectBuffer, int)}) into SBE, header included.
     *
     * @param json   the JSON text of one message.
     * @param buffer to encode into.
     * @param offset at which the message header starts.
     * @return the encoded length, header included.
     * @throws IllegalArgumentException naming the field that is wrong and what was expected.
     */
    public int fromJson(final String json, final MutableDirectBuffer buffer, final int offset)
    {
        final int length = encodeFlat(json, null, 0, 0, buffer, offset);
        return FlatJsonEncoder.DECLINED != length ? length : fromJson(readTree(json), buffer, offset);
    }

    /**
     * Encode a JSON object given as UTF-8 bytes (a request body) into SBE, header included: the same result as
     * {@link #fromJson(String, MutableDirectBuffer, int)} of those bytes decoded as UTF-8 with replacement, and for
     * the common shape of a message (see {@code FlatJsonEncoder}) read straight from the bytes with no garbage.
     *
     * @param json       the bytes of one message's JSON.
     * @param jsonOffset of the first byte.
     * @param jsonLength of the JSON, in bytes.
     * @param buffer     to encode into.
     * @param offset     at which the message header starts.
     * @return the encoded length, header included.
     * @throws IllegalArgumentException naming the field that is wrong and what was expected.
     */
    public int fromJson(
        final byte[] json, final int jsonOffset, final int jsonLength, final MutableDirectBuffer buffer, final int offset)
    {
        final int length = encodeFlat(null, json, jsonOffset, jsonLength, buffer, offset);
        return FlatJsonEncoder.DECLINED != length ? length :
            fromJson(readTree(new String(json, jsonOffset, jsonLength, StandardCharsets.UTF_8)), buffer, offset);
    }

    /**
     * The tree's encoding alone, without the flat encoder's fast path: what the fast path must match.
     */
    int fromJsonTree(final String json, final MutableDirectBuffer buffer, final int offset)
    {
        return fromJson(readTree(json), buffer, offset);
    }

    /**
     * The flat encoder's fast path alone.
     *
     * @return the encoded length, or {@link FlatJsonEncoder#DECLINED}.
     */
    int encodeFlat(
        final String text,
        final byte[] bytes,
        final int bytesOffset,
        final int bytesLength,
        final MutableDirectBuffer buffer,
        final int offset)
    {
        try (com.fasterxml.jackson.core.JsonParser parser = null != text ? JSON_FACTORY.createParser(text) :
            JSON_FACTORY.createParser(bytes, bytesOffset, bytesLength))
        {
            return flat.encode(parser, buffer, offset, headerDecoder.encodedLength(), ir.id(), ir.version(),
                ir.byteOrder());
        }
        catch (final IOException ex)
        {
            return FlatJsonEncoder.DECLINED;
        }
    }

    private static JsonNode readTree(final String json)
    {
        try
        {
            return MAPPER.readTree(json);
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException ex)
        {
            throw new IllegalArgumentException("not valid JSON: " + ex.getOriginalMessage());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Encode a parsed JSON object into SBE, header included.
     *
     * @param node   the JSON object of one message.
     * @param buffer to encode into.
     * @param offset at which the message header starts.
     * @return the encoded length, header included.
     * @throws IllegalArgumentException naming the field that is wrong and what was expected.
     */
    public int fromJson(final JsonNode node, final MutableDirectBuffer buffer, final int offset)
    {
        if (null == node || !node.isObject())
        {
            throw new IllegalArgumentException("expected a JSON object with a \"type\" field");
        }
        final JsonNode typeNode = node.get(TYPE_FIELD);
        if (null == typeNode || !typeNode.isTextual())
        {
            throw new IllegalArgumentException("missing \"type\": expected one of " + messagesByName.keySet());
        }
        final List<Token> tokens = messagesByName.get(typeNode.asText());
        if (null == tokens)
        {
            throw new IllegalArgumentException(
                "unknown type " + quote(typeNode.asText()) + ": expected one of " + messagesByName.keySet());
        }

        final Token begin = tokens.get(0);
        final int headerLength = headerDecoder.encodedLength();
        final ByteOrder order = ir.byteOrder();
        buffer.putShort(offset, (short)begin.encodedLength(), order);
        buffer.putShort(offset + 2, (short)begin.id(), order);
        buffer.putShort(offset + 4, (short)ir.id(), order);
        buffer.putShort(offset + 6, (short)ir.version(), order);

        final Encoder encoder = new Encoder(buffer, order);
        final int end = encoder.encodeBlock(
            tokens, 1, tokens.size() - 1, node, offset + headerLength, begin.encodedLength(), begin.name());
        return end - offset;
    }

    /** Writes extra JSON properties before a message's own. */
    @FunctionalInterface
    public interface PropertyWriter
    {
        /**
         * Write properties into the open object.
         *
         * @param generator positioned inside an object.
         * @throws IOException from the generator.
         */
        void write(JsonGenerator generator) throws IOException;
    }

    /**
     * A value taken from the JSON, for an error message: quoted and escaped as JSON (so it stays on one line) and
     * cut to a readable length.
     */
    private static String quote(final String text)
    {
        return new TextNode(text.length() <= MAX_QUOTED_CHARS ? text : text.substring(0, MAX_QUOTED_CHARS) + "...")
            .toString();
    }

    /**
     * Whether a root field is one of the envelope's (sequence, times, source, plugin), which the JSON of an event
     * may carry and encoding ignores.
     */
    static boolean isEnvelopeField(final String name)
    {
        return "sequence".equals(name) || "timestamp".equals(name) || "timestampNs".equals(name) ||
            "source".equals(name) || "plugin".equals(name);
    }

    static boolean isHex(final Token typeToken)
    {
        return "hex".equals(typeToken.encoding().semanticType());
    }

    private static final class Encoder
    {
        private final MutableDirectBuffer buffer;
        private final ByteOrder order;

        Encoder(final MutableDirectBuffer buffer, final ByteOrder order)
        {
            this.buffer = buffer;
            this.order = order;
        }

        /**
         * Encode a block (message root or group entry) and what follows it; returns the position after it.
         */
        int encodeBlock(
            final List<Token> tokens,
            final int from,
            final int to,
            final JsonNode node,
            final int blockOffset,
            final int blockLength,
            final String path)
        {
            final java.util.Set<String> known = new java.util.HashSet<>();
            known.add(TYPE_FIELD);
            int position = blockOffset + blockLength;
            int i = from;
            while (i < to)
            {
                final Token token = tokens.get(i);
                switch (token.signal())
                {
                    case BEGIN_FIELD ->
                    {
                        known.add(token.name());
                        encodeField(tokens.get(i + 1), tokens, i + 1, node.get(token.name()),
                            blockOffset + token.offset(), path + "." + token.name());
                        i += token.componentTokenCount();
                    }
                    case BEGIN_GROUP ->
                    {
                        known.add(token.name());
                        position = encodeGroup(tokens, i, node.get(token.name()), position, path + "." + token.name());
                        i += token.componentTokenCount();
                    }
                    case BEGIN_VAR_DATA ->
                    {
                        known.add(token.name());
                        position = encodeVarData(tokens, i, node.get(token.name()), position, path + "." + token.name());
                        i += token.componentTokenCount();
                    }
                    default -> i++;
                }
            }
            for (final Iterator<String> names = node.fieldNames(); names.hasNext(); )
            {
                final String name = names.next();
                if (!known.contains(name) && !(from == 1 && JsonView.isEnvelopeField(name)))
                {
                    throw new IllegalArgumentException(
                        path + ": unknown field " + quote(name) + ", expected one of " + known);
                }
            }
            return position;
        }

        private void encodeField(
            final Token typeToken, final List<Token> tokens, final int typeIndex, final JsonNode value,
            final int fieldOffset, final String path)
        {
            final Encoding encoding = typeToken.encoding();
            final PrimitiveType type = encoding.primitiveType();
            switch (typeToken.signal())
            {
                case ENCODING ->
                {
                    if (typeToken.arrayLength() > 1)
                    {
                        final byte[] bytes;
                        if (isHex(typeToken))
                        {
                            final String text = null == value || value.isNull() ? "" : requireText(value, path, "hex string");
                            if (!text.isEmpty() && text.length() != typeToken.arrayLength() * 2)
                            {
                                throw new IllegalArgumentException(path + ": expected " + typeToken.arrayLength() * 2 +
                                    " hex digits, got " + text.length());
                            }
                            try
                            {
                                bytes = text.isEmpty() ? new byte[0] : HEX.parseHex(text);
                            }
                            catch (final IllegalArgumentException ex)
                            {
                                throw new IllegalArgumentException(path + ": expected hex digits, got " + quote(text));
                            }
                        }
                        else
                        {
                            final String text = null == value || value.isNull() ? "" : requireText(value, path, "string");
                            bytes = text.getBytes(StandardCharsets.UTF_8);
                            if (bytes.length > typeToken.arrayLength())
                            {
                                throw new IllegalArgumentException(path + ": at most " + typeToken.arrayLength() +
                                    " bytes, got " + bytes.length);
                            }
                        }
                        buffer.setMemory(fieldOffset, typeToken.arrayLength(), (byte)0);
                        buffer.putBytes(fieldOffset, bytes);
                    }
                    else
                    {
                        putNumber(type, fieldOffset, null == value || value.isNull() ? null : value, path, encoding);
                    }
                }
                case BEGIN_ENUM ->
                {
                    final Token last = tokens.get(typeIndex + typeToken.componentTokenCount() - 1);
                    long raw = -1;
                    final String name = null == value ? null : value.asText();
                    final StringBuilder expected = new StringBuilder();
                    for (int j = typeIndex + 1; j < typeIndex + typeToken.componentTokenCount() - 1; j++)
                    {
                        final Token valid = tokens.get(j);
                        expected.append(expected.isEmpty() ? "" : ", ").append(valid.name());
                        if (valid.name().equals(name) || (null == name && raw < 0))
                        {
                            raw = valid.encoding().constValue().longValue();
                        }
                    }
                    if (raw < 0 || last.signal() != Signal.END_ENUM)
                    {
                        throw new IllegalArgumentException(path + ": expected one of " + expected + ", got " + value);
                    }
                    putRaw(type, fieldOffset, raw);
                }
                default -> throw new IllegalArgumentException(path + ": unsupported encoding " + typeToken.signal());
            }
        }

        private int encodeGroup(
            final List<Token> tokens, final int groupIndex, final JsonNode value, final int position, final String path)
        {
            final Token group = tokens.get(groupIndex);
            if (null != value && !value.isNull() && !value.isArray())
            {
                throw new IllegalArgumentException(path + ": expected an array");
            }
            final int count = null == value || value.isNull() ? 0 : value.size();
            final Token dimension = tokens.get(groupIndex + 1);
            final int dimensionLength = dimension.encodedLength();
            buffer.putShort(position, (short)group.encodedLength(), order);
            buffer.putShort(position + 2, (short)count, order);
            int next = position + dimensionLength;
            final int fieldsFrom = groupIndex + 1 + tokens.get(groupIndex + 1).componentTokenCount();
            final int fieldsTo = groupIndex + group.componentTokenCount() - 1;
            for (int k = 0; k < count; k++)
            {
                final JsonNode entry = value.get(k);
                if (!entry.isObject())
                {
                    throw new IllegalArgumentException(path + "[" + k + "]: expected an object");
                }
                next = encodeBlock(tokens, fieldsFrom, fieldsTo, entry, next, group.encodedLength(), path + "[" + k + "]");
            }
            return next;
        }

        private int encodeVarData(
            final List<Token> tokens, final int index, final JsonNode value, final int position, final String path)
        {
            final Token lengthToken = tokens.get(index + 2);
            final String text = null == value || value.isNull() ? "" : requireText(value, path, "string");
            final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            final long max = lengthToken.encoding().applicableMaxValue().longValue();
            if (bytes.length > max)
            {
                throw new IllegalArgumentException(path + ": at most " + max + " bytes, got " + bytes.length);
            }
            putRaw(lengthToken.encoding().primitiveType(), position, bytes.length);
            final int dataOffset = position + lengthToken.encodedLength();
            buffer.putBytes(dataOffset, bytes);
            return dataOffset + bytes.length;
        }

        private static String requireText(final JsonNode value, final String path, final String expected)
        {
            if (!value.isTextual())
            {
                throw new IllegalArgumentException(path + ": expected a " + expected + ", got " + value.getNodeType());
            }
            return value.asText();
        }

        private void putNumber(
            final PrimitiveType type, final int offset, final JsonNode value, final String path, final Encoding encoding)
        {
            if (null == value)
            {
                putRaw(type, offset, type == PrimitiveType.FLOAT || type == PrimitiveType.DOUBLE ? 0 : 0L);
                return;
            }
            if (type == PrimitiveType.FLOAT)
            {
                requireNumber(value, path);
                buffer.putFloat(offset, value.floatValue(), order);
                return;
            }
            if (type == PrimitiveType.DOUBLE)
            {
                requireNumber(value, path);
                buffer.putDouble(offset, value.doubleValue(), order);
                return;
            }
            if (!value.isIntegralNumber() || !value.canConvertToLong())
            {
                throw new IllegalArgumentException(path + ": expected an integer, got " + value);
            }
            final long raw = value.longValue();
            final long min = encoding.applicableMinValue().longValue();
            final long max = type == PrimitiveType.UINT64 ? Long.MAX_VALUE : encoding.applicableMaxValue().longValue();
            if (raw < min || raw > max)
            {
                throw new IllegalArgumentException(path + ": expected " + min + ".." + max + ", got " + raw);
            }
            putRaw(type, offset, raw);
        }

        private static void requireNumber(final JsonNode value, final String path)
        {
            if (!value.isNumber())
            {
                throw new IllegalArgumentException(path + ": expected a number, got " + value);
            }
        }

        private void putRaw(final PrimitiveType type, final int offset, final long raw)
        {
            FlatJsonEncoder.putRaw(buffer, order, type, offset, raw);
        }
    }

    private static final class Holder
    {
        static final JsonView INSTANCE = new JsonView(MessageSchema.ir());
    }

}
