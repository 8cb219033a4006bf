package dev.commandcenter.app.remote;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.PluginDoneDecoder;
import dev.commandcenter.codecs.sbe.PluginDoneEncoder;
import dev.commandcenter.codecs.sbe.PluginEmitDecoder;
import dev.commandcenter.codecs.sbe.PluginEmitEncoder;
import dev.commandcenter.codecs.sbe.PluginEventDecoder;
import dev.commandcenter.codecs.sbe.PluginEventEncoder;
import dev.commandcenter.codecs.sbe.PluginGoodbyeDecoder;
import dev.commandcenter.codecs.sbe.PluginGoodbyeEncoder;
import dev.commandcenter.codecs.sbe.PluginHeartbeatDecoder;
import dev.commandcenter.codecs.sbe.PluginHeartbeatEncoder;
import dev.commandcenter.codecs.sbe.PluginHelloDecoder;
import dev.commandcenter.codecs.sbe.PluginHelloEncoder;
import dev.commandcenter.codecs.sbe.PluginWelcomeDecoder;
import dev.commandcenter.codecs.sbe.PluginWelcomeEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The JSON form of the remote plugin protocol (subprotocol {@code cc.plugin.json.v1}) and its conversion to and from
 * the SBE messages 30..36 the engine speaks. One JSON object per text frame, its {@code type} one of:
 * <pre>
 *   hello     {"type":"hello","plugin":"big-tip","protocol":1,"host":"python pid 42 on studio"}      PluginHello 30
 *   welcome   {"type":"welcome","plugin":"big-tip","resumeAfter":-1,"heartbeatIntervalMs":1000,
 *              "config":{...}}                                                                          PluginWelcome 31
 *   event     {"type":"event","seq":7,"timestampNs":...,"source":6,"event":{"type":"TransactionReceived",...}}
 *                                                                                                      PluginEvent 32
 *   done      {"type":"done","seq":7,"emits":[{"type":"OverlayAlert",...}],"failure":"..."}            PluginDone 33
 *   emit      {"type":"emit","emits":[...]}                                                             PluginEmit 34
 *   heartbeat {"type":"heartbeat","epochMs":...,"lastDone":7}                                           PluginHeartbeat 35
 *   goodbye   {"type":"goodbye","reason":"...","refused":false}                                         PluginGoodbye 36
 * </pre>
 * Events and emits are the messages' JSON views as {@link JsonView} renders and reads them. Anything that does not
 * convert throws a {@link ProtocolException} carrying the WebSocket close status to answer with: 1007 for text that
 * is not a JSON object, 1008 for an unknown type, a missing or mistyped field or an emit that is not an event, 1009
 * for a message too big to encode; nothing half-converted is returned.
 * <p>
 * <b>Note:</b> not thread safe: one per connection, used on its event loop (from JSON) and by the engine's sender
 * (to JSON) through separate instances or under the caller's own ordering.
 */
public final class RemoteJson
{
    /** Subprotocol of the JSON form. */
    public static final String JSON_SUBPROTOCOL = "cc.plugin.json.v1";
    /** Subprotocol of the SBE form: one SBE protocol message per binary frame. */
    public static final String SBE_SUBPROTOCOL = "cc.plugin.sbe.v1";
    /** Close status: text that is not JSON. */
    public static final int INVALID_PAYLOAD = 1007;
    /** Close status: a message the protocol does not allow. */
    public static final int POLICY_VIOLATION = 1008;
    /** Close status: a message too big. */
    public static final int MESSAGE_TOO_BIG = 1009;
    /** Largest SBE message a JSON message converts to, in bytes. */
    public static final int MAX_MESSAGE_LENGTH = 1024 * 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    /**
     * A message that does not convert, with the close status to answer it with.
     */
    public static final class ProtocolException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        private final int closeStatus;

        /**
         * @param closeStatus WebSocket close status: 1007, 1008 or 1009.
         * @param message     one line naming what is wrong and what was expected.
         */
        public ProtocolException(final int closeStatus, final String message)
        {
            super(message);
            this.closeStatus = closeStatus;
        }

        /**
         * The WebSocket close status to answer with.
         *
         * @return 1007, 1008 or 1009.
         */
        public int closeStatus()
        {
            return closeStatus;
        }
    }

    private final JsonView view;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final PluginHelloEncoder helloEncoder = new PluginHelloEncoder();
    private final PluginHelloDecoder helloDecoder = new PluginHelloDecoder();
    private final PluginWelcomeEncoder welcomeEncoder = new PluginWelcomeEncoder();
    private final PluginWelcomeDecoder welcomeDecoder = new PluginWelcomeDecoder();
    private final PluginEventEncoder eventEncoder = new PluginEventEncoder();
    private final PluginEventDecoder eventDecoder = new PluginEventDecoder();
    private final PluginDoneEncoder doneEncoder = new PluginDoneEncoder();
    private final PluginDoneDecoder doneDecoder = new PluginDoneDecoder();
    private final PluginEmitEncoder emitEncoder = new PluginEmitEncoder();
    private final PluginEmitDecoder emitDecoder = new PluginEmitDecoder();
    private final PluginHeartbeatEncoder heartbeatEncoder = new PluginHeartbeatEncoder();
    private final PluginHeartbeatDecoder heartbeatDecoder = new PluginHeartbeatDecoder();
    private final PluginGoodbyeEncoder goodbyeEncoder = new PluginGoodbyeEncoder();
    private final PluginGoodbyeDecoder goodbyeDecoder = new PluginGoodbyeDecoder();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(1024);
    private final UnsafeBuffer embedded = new UnsafeBuffer(0, 0);

    /**
     * A converter over the schema's JSON view.
     */
    public RemoteJson()
    {
        this(JsonView.instance());
    }

    /**
     * A converter over a JSON view.
     *
     * @param view renders events and reads emits.
     */
    public RemoteJson(final JsonView view)
    {
        this.view = view;
    }

    /**
     * Convert one JSON protocol message into SBE, header included.
     *
     * @param json   the text of one message.
     * @param buffer to encode into: expandable, or of at least {@link #MAX_MESSAGE_LENGTH} bytes from offset.
     * @param offset where the header starts.
     * @return the encoded length, header included.
     * @throws ProtocolException naming what is wrong, with the close status to answer with.
     */
    public int toSbe(final String json, final MutableDirectBuffer buffer, final int offset)
    {
        final JsonNode node;
        try
        {
            node = MAPPER.readTree(json);
        }
        catch (final JsonProcessingException ex)
        {
            throw new ProtocolException(INVALID_PAYLOAD, "not valid JSON: " + oneLine(ex.getOriginalMessage()));
        }
        if (null == node || !node.isObject())
        {
            throw new ProtocolException(INVALID_PAYLOAD, "expected a JSON object with a \"type\" field");
        }
        final JsonNode typeNode = node.get("type");
        if (null == typeNode || !typeNode.isTextual())
        {
            throw new ProtocolException(POLICY_VIOLATION, "missing \"type\": expected hello, done, emit, heartbeat or goodbye");
        }
        final String type = typeNode.asText();
        final int length;
        try
        {
            length = switch (type)
            {
                case "hello" -> encodeHello(node, buffer, offset);
                case "welcome" -> encodeWelcome(node, buffer, offset);
                case "event" -> encodeEvent(node, buffer, offset);
                case "done" -> encodeDone(node, buffer, offset);
                case "emit" -> encodeEmit(node, buffer, offset);
                case "heartbeat" -> encodeHeartbeat(node, buffer, offset);
                case "goodbye" -> encodeGoodbye(node, buffer, offset);
                default -> throw new ProtocolException(POLICY_VIOLATION, "unknown type \"" + oneLine(type) +
                    "\": expected hello, done, emit, heartbeat or goodbye");
            };
        }
        catch (final IndexOutOfBoundsException ex)
        {
            throw new ProtocolException(MESSAGE_TOO_BIG, type + " too big for the buffer it is encoded into");
        }
        if (length > MAX_MESSAGE_LENGTH)
        {
            throw new ProtocolException(MESSAGE_TOO_BIG, type + " too big: " + length + " bytes encoded, at most " +
                MAX_MESSAGE_LENGTH);
        }
        return length;
    }

    /**
     * Render one SBE protocol message as JSON.
     *
     * @param buffer holding it.
     * @param offset of its header.
     * @param length of it, header included.
     * @return the JSON text.
     * @throws ProtocolException when it is not a remote plugin protocol message.
     */
    public String toJson(final DirectBuffer buffer, final int offset, final int length)
    {
        final String invalid = MessageSchema.validate(buffer, offset, length);
        if (null != invalid)
        {
            throw new ProtocolException(POLICY_VIOLATION, invalid);
        }
        headerDecoder.wrap(buffer, offset);
        final int templateId = headerDecoder.templateId();
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final StringWriter writer = new StringWriter(256);
        try (JsonGenerator out = FACTORY.createGenerator(writer))
        {
            out.writeStartObject();
            switch (templateId)
            {
                case PluginHelloDecoder.TEMPLATE_ID ->
                {
                    helloDecoder.wrap(buffer, body, blockLength, version);
                    out.writeStringField("type", "hello");
                    final int protocol = helloDecoder.protocolVersion();
                    final int responseStreamId = helloDecoder.responseStreamId();
                    out.writeStringField("plugin", helloDecoder.pluginId());
                    out.writeNumberField("protocol", protocol);
                    out.writeStringField("host", helloDecoder.host());
                    final String responseChannel = helloDecoder.responseChannel();
                    if (!responseChannel.isEmpty())
                    {
                        out.writeStringField("responseChannel", responseChannel);
                        out.writeNumberField("responseStreamId", responseStreamId);
                    }
                }
                case PluginWelcomeDecoder.TEMPLATE_ID ->
                {
                    welcomeDecoder.wrap(buffer, body, blockLength, version);
                    out.writeStringField("type", "welcome");
                    final long resumeAfter = welcomeDecoder.resumeAfter();
                    final int heartbeatIntervalMs = welcomeDecoder.heartbeatIntervalMs();
                    out.writeStringField("plugin", welcomeDecoder.pluginId());
                    out.writeNumberField("resumeAfter", resumeAfter);
                    out.writeNumberField("heartbeatIntervalMs", heartbeatIntervalMs);
                    final String config = welcomeDecoder.configJson();
                    out.writeFieldName("config");
                    out.writeRawValue(config.isBlank() ? "{}" : config);
                }
                case PluginEventDecoder.TEMPLATE_ID ->
                {
                    eventDecoder.wrap(buffer, body, blockLength, version);
                    out.writeStringField("type", "event");
                    out.writeNumberField("seq", eventDecoder.sequence());
                    out.writeNumberField("timestampNs", eventDecoder.timestampNs());
                    out.writeNumberField("source", eventDecoder.source());
                    final int eventLength = eventDecoder.messageLength();
                    eventDecoder.wrapMessage(embedded);
                    out.writeFieldName("event");
                    writeEmbedded(out, embedded, eventLength);
                }
                case PluginDoneDecoder.TEMPLATE_ID ->
                {
                    doneDecoder.wrap(buffer, body, blockLength, version);
                    out.writeStringField("type", "done");
                    out.writeNumberField("seq", doneDecoder.sequence());
                    out.writeArrayFieldStart("emits");
                    for (final PluginDoneDecoder.EmitsDecoder emits : doneDecoder.emits())
                    {
                        final int emitLength = emits.messageLength();
                        emits.wrapMessage(embedded);
                        writeEmbedded(out, embedded, emitLength);
                    }
                    out.writeEndArray();
                    final String failure = doneDecoder.failure();
                    if (!failure.isEmpty())
                    {
                        out.writeStringField("failure", failure);
                    }
                }
                case PluginEmitDecoder.TEMPLATE_ID ->
                {
                    emitDecoder.wrap(buffer, body, blockLength, version);
                    out.writeStringField("type", "emit");
                    out.writeArrayFieldStart("emits");
                    for (final PluginEmitDecoder.EmitsDecoder emits : emitDecoder.emits())
                    {
                        final int emitLength = emits.messageLength();
                        emits.wrapMessage(embedded);
                        writeEmbedded(out, embedded, emitLength);
                    }
                    out.writeEndArray();
                }
                case PluginHeartbeatDecoder.TEMPLATE_ID ->
                {
                    heartbeatDecoder.wrap(buffer, body, blockLength, version);
                    out.writeStringField("type", "heartbeat");
                    out.writeNumberField("epochMs", heartbeatDecoder.epochMs());
                    out.writeNumberField("lastDone", heartbeatDecoder.lastDone());
                }
                case PluginGoodbyeDecoder.TEMPLATE_ID ->
                {
                    goodbyeDecoder.wrap(buffer, body, blockLength, version);
                    out.writeStringField("type", "goodbye");
                    out.writeBooleanField("refused", BooleanType.TRUE == goodbyeDecoder.refused());
                    out.writeStringField("reason", goodbyeDecoder.reason());
                }
                default -> throw new ProtocolException(POLICY_VIOLATION, "template id " + templateId +
                    " is not a remote plugin protocol message (30..36)");
            }
            out.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        finally
        {
            embedded.wrap(0, 0);
        }
        return writer.toString();
    }

    /**
     * The template id of the message a JSON type names, for checks before conversion.
     *
     * @param type such as {@code hello}.
     * @return its template id, or -1 when the protocol has no such type.
     */
    public static int templateIdOf(final String type)
    {
        return switch (type)
        {
            case "hello" -> PluginHelloEncoder.TEMPLATE_ID;
            case "welcome" -> PluginWelcomeEncoder.TEMPLATE_ID;
            case "event" -> PluginEventEncoder.TEMPLATE_ID;
            case "done" -> PluginDoneEncoder.TEMPLATE_ID;
            case "emit" -> PluginEmitEncoder.TEMPLATE_ID;
            case "heartbeat" -> PluginHeartbeatEncoder.TEMPLATE_ID;
            case "goodbye" -> PluginGoodbyeEncoder.TEMPLATE_ID;
            default -> -1;
        };
    }

    private void writeEmbedded(final JsonGenerator out, final DirectBuffer message, final int length) throws IOException
    {
        final String invalid = MessageSchema.validate(message, 0, length);
        if (null != invalid)
        {
            throw new ProtocolException(POLICY_VIOLATION, "embedded message: " + invalid);
        }
        out.writeRawValue(view.toJson(message, 0));
    }

    private int encodeHello(final JsonNode node, final MutableDirectBuffer buffer, final int offset)
    {
        final String plugin = text(node, "plugin", "hello");
        final long protocol = integer(node, "protocol", "hello", 0, 65535);
        final String host = optionalText(node, "host", "hello", "");
        final String responseChannel = optionalText(node, "responseChannel", "hello", "");
        final long responseStreamId = node.has("responseStreamId") ?
            integer(node, "responseStreamId", "hello", Integer.MIN_VALUE, Integer.MAX_VALUE) : 0;
        helloEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .protocolVersion((int)protocol)
            .responseStreamId((int)responseStreamId)
            .pluginId(plugin)
            .host(host)
            .responseChannel(responseChannel);
        return MessageHeaderEncoder.ENCODED_LENGTH + helloEncoder.encodedLength();
    }

    private int encodeWelcome(final JsonNode node, final MutableDirectBuffer buffer, final int offset)
    {
        final String plugin = text(node, "plugin", "welcome");
        final long resumeAfter = integer(node, "resumeAfter", "welcome", -1, Long.MAX_VALUE);
        final long heartbeatIntervalMs = integer(node, "heartbeatIntervalMs", "welcome", 0, Integer.MAX_VALUE);
        final JsonNode config = node.get("config");
        if (null != config && !config.isObject() && !config.isNull())
        {
            throw new ProtocolException(POLICY_VIOLATION, "welcome: \"config\" must be a JSON object");
        }
        welcomeEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .resumeAfter(resumeAfter)
            .heartbeatIntervalMs((int)heartbeatIntervalMs)
            .pluginId(plugin)
            .configJson(null == config || config.isNull() ? "{}" : config.toString());
        return MessageHeaderEncoder.ENCODED_LENGTH + welcomeEncoder.encodedLength();
    }

    private int encodeEvent(final JsonNode node, final MutableDirectBuffer buffer, final int offset)
    {
        final long seq = integer(node, "seq", "event", 0, Long.MAX_VALUE);
        final long timestampNs = integer(node, "timestampNs", "event", Long.MIN_VALUE, Long.MAX_VALUE);
        final long source = integer(node, "source", "event", Integer.MIN_VALUE, Integer.MAX_VALUE);
        final JsonNode event = node.get("event");
        if (null == event || !event.isObject())
        {
            throw new ProtocolException(POLICY_VIOLATION, "event: missing \"event\": expected a message as a JSON object");
        }
        final int length = encodeMessage(event, "event", "event");
        eventEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .sequence(seq)
            .timestampNs(timestampNs)
            .source((int)source)
            .putMessage(scratch, 0, length);
        return MessageHeaderEncoder.ENCODED_LENGTH + eventEncoder.encodedLength();
    }

    private int encodeDone(final JsonNode node, final MutableDirectBuffer buffer, final int offset)
    {
        final long seq = integer(node, "seq", "done", 0, Long.MAX_VALUE);
        final List<JsonNode> emits = emits(node, "done");
        final String failure = optionalText(node, "failure", "done", "");
        // Each emit is checked before anything is written, so a bad one leaves nothing half encoded.
        for (int i = 0; i < emits.size(); i++)
        {
            encodeMessage(emits.get(i), "done", "emits[" + i + "]");
        }
        doneEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder).sequence(seq);
        final PluginDoneEncoder.EmitsEncoder group = doneEncoder.emitsCount(emits.size());
        for (final JsonNode emit : emits)
        {
            final int length = encodeMessage(emit, "done", "emits");
            group.next().putMessage(scratch, 0, length);
        }
        doneEncoder.failure(failure);
        return MessageHeaderEncoder.ENCODED_LENGTH + doneEncoder.encodedLength();
    }

    private int encodeEmit(final JsonNode node, final MutableDirectBuffer buffer, final int offset)
    {
        final List<JsonNode> emits = emits(node, "emit");
        for (int i = 0; i < emits.size(); i++)
        {
            encodeMessage(emits.get(i), "emit", "emits[" + i + "]");
        }
        emitEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder);
        final PluginEmitEncoder.EmitsEncoder group = emitEncoder.emitsCount(emits.size());
        for (final JsonNode emit : emits)
        {
            final int length = encodeMessage(emit, "emit", "emits");
            group.next().putMessage(scratch, 0, length);
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + emitEncoder.encodedLength();
    }

    private int encodeHeartbeat(final JsonNode node, final MutableDirectBuffer buffer, final int offset)
    {
        final long epochMs = integer(node, "epochMs", "heartbeat", Long.MIN_VALUE, Long.MAX_VALUE);
        final long lastDone = integer(node, "lastDone", "heartbeat", -1, Long.MAX_VALUE);
        heartbeatEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder).epochMs(epochMs).lastDone(lastDone);
        return MessageHeaderEncoder.ENCODED_LENGTH + heartbeatEncoder.encodedLength();
    }

    private int encodeGoodbye(final JsonNode node, final MutableDirectBuffer buffer, final int offset)
    {
        final String reason = optionalText(node, "reason", "goodbye", "");
        final JsonNode refused = node.get("refused");
        if (null != refused && !refused.isBoolean())
        {
            throw new ProtocolException(POLICY_VIOLATION, "goodbye: \"refused\" must be true or false");
        }
        goodbyeEncoder.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .refused(null != refused && refused.booleanValue() ? BooleanType.TRUE : BooleanType.FALSE)
            .reason(reason);
        return MessageHeaderEncoder.ENCODED_LENGTH + goodbyeEncoder.encodedLength();
    }

    /**
     * Encode an event or emit into the scratch buffer.
     */
    private int encodeMessage(final JsonNode message, final String type, final String field)
    {
        final int length;
        try
        {
            length = view.fromJson(message, scratch, 0);
        }
        catch (final RuntimeException ex)
        {
            throw new ProtocolException(POLICY_VIOLATION, type + ": " + field + ": " + oneLine(ex.getMessage()));
        }
        final int templateId = MessageSchema.templateId(scratch, 0);
        if (!MessageSchema.isEvent(templateId))
        {
            throw new ProtocolException(POLICY_VIOLATION, type + ": " + field + ": " + view.messageName(templateId) +
                " is not an event: expected a message such as OverlayAlert");
        }
        return length;
    }

    private static List<JsonNode> emits(final JsonNode node, final String type)
    {
        final JsonNode emits = node.get("emits");
        if (null == emits || emits.isNull())
        {
            return List.of();
        }
        if (!emits.isArray())
        {
            throw new ProtocolException(POLICY_VIOLATION, type + ": \"emits\" must be an array of messages");
        }
        if (emits.size() > 65535)
        {
            throw new ProtocolException(MESSAGE_TOO_BIG, type + ": more than 65535 emits");
        }
        final List<JsonNode> list = new ArrayList<>(emits.size());
        for (final Iterator<JsonNode> it = emits.elements(); it.hasNext(); )
        {
            final JsonNode emit = it.next();
            if (!emit.isObject())
            {
                throw new ProtocolException(POLICY_VIOLATION, type + ": each of \"emits\" must be a message as a JSON object");
            }
            list.add(emit);
        }
        return list;
    }

    private static String text(final JsonNode node, final String field, final String type)
    {
        final JsonNode value = node.get(field);
        if (null == value || !value.isTextual())
        {
            throw new ProtocolException(POLICY_VIOLATION, type + ": missing \"" + field + "\": expected a string");
        }
        return value.asText();
    }

    private static String optionalText(final JsonNode node, final String field, final String type, final String absent)
    {
        final JsonNode value = node.get(field);
        if (null == value || value.isNull())
        {
            return absent;
        }
        if (!value.isTextual())
        {
            throw new ProtocolException(POLICY_VIOLATION, type + ": \"" + field + "\" must be a string");
        }
        return value.asText();
    }

    private static long integer(final JsonNode node, final String field, final String type, final long min, final long max)
    {
        final JsonNode value = node.get(field);
        if (null == value || !value.isIntegralNumber() || !value.canConvertToLong())
        {
            throw new ProtocolException(POLICY_VIOLATION, type + ": missing \"" + field + "\": expected an integer");
        }
        final long number = value.longValue();
        if (number < min || number > max)
        {
            throw new ProtocolException(POLICY_VIOLATION, type + ": \"" + field + "\" " + number + " out of range " +
                min + ".." + max);
        }
        return number;
    }

    private static String oneLine(final String text)
    {
        final String line = String.valueOf(text).replaceAll("[\\r\\n\\t]+", " ").trim();
        return line.length() > 100 ? line.substring(0, 97) + "..." : line;
    }
}
