package dev.commandcenter.codecs.json;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.codecs.MessageSchema;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Fuzzes both directions of the JSON view: the parse path of {@code POST /api/events} (JSON text to SBE) and the
 * rendering of arbitrary bytes (SBE to JSON, as the journal dump and the egress do).
 * <p>
 * Invariants: the encoding of a JSON text (as text and as UTF-8 bytes) is the tree's encoding, fast path or not
 * ({@link FlatJsonEncoderTest#assertSameAsTree}); a JSON text is either encoded into a message that passes {@link MessageSchema#validate} and renders
 * back to JSON that encodes to the same bytes, or rejected with an {@link IllegalArgumentException} whose message
 * is one non-empty line. Arbitrary bytes either render to a well-formed JSON object or fail with a one-line
 * {@link IllegalArgumentException}, {@link IndexOutOfBoundsException} or {@link IllegalStateException} (from the
 * SBE decoder); never with an {@link Error} (no stack overflow, no out-of-memory, no endless loop).
 */
class JsonViewFuzzTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonView VIEW = JsonView.instance();
    private static final List<String> MESSAGE_NAMES = new ArrayList<>();
    private static final List<List<String>> FIELD_NAMES = new ArrayList<>();

    static
    {
        for (final List<Token> tokens : MessageSchema.ir().messages())
        {
            MESSAGE_NAMES.add(tokens.get(0).name());
            final List<String> fields = new ArrayList<>();
            for (final Token token : tokens)
            {
                if (Signal.BEGIN_FIELD == token.signal() || Signal.BEGIN_VAR_DATA == token.signal() ||
                    Signal.BEGIN_GROUP == token.signal())
                {
                    fields.add(token.name());
                }
            }
            FIELD_NAMES.add(fields);
        }
    }

    @FuzzTest
    void shouldEncodeAnyPostedBodyOrRejectItWithOneLine(final byte[] body)
    {
        // The same decoding of the body as EventIngest: UTF-8 with replacement.
        encodeOrReject(new String(body, StandardCharsets.UTF_8));
    }

    @FuzzTest
    void shouldEncodeStructuredJsonOrRejectItWithOneLine(final FuzzedDataProvider data)
    {
        final int message = data.consumeInt(0, MESSAGE_NAMES.size() - 1);
        final ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (data.consumeBoolean())
        {
            node.put(JsonView.TYPE_FIELD, MESSAGE_NAMES.get(message));
        }
        final List<String> fields = FIELD_NAMES.get(message);
        final int count = data.consumeInt(0, fields.size() + 2);
        for (int i = 0; i < count; i++)
        {
            final String name = data.consumeBoolean() ?
                fields.get(data.consumeInt(0, fields.size() - 1)) : data.consumeString(12);
            node.set(name, value(data, 0));
        }
        encodeOrReject(node.toString());
    }

    @FuzzTest
    void shouldRenderAnyBytesAsJsonOrRejectThem(final byte[] bytes)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        final String json;
        try
        {
            json = VIEW.toJson(buffer, 0);
        }
        catch (final IllegalArgumentException | IndexOutOfBoundsException | IllegalStateException ex)
        {
            // Wrong schema or template, a length past the buffer, or a length the SBE decoder cannot represent.
            assertOneLine(ex);
            return;
        }
        assertWellFormedObject(json);
    }

    private static void encodeOrReject(final String json)
    {
        FlatJsonEncoderTest.assertSameAsTree(json);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(512);
        final int length;
        try
        {
            length = VIEW.fromJson(json, buffer, 0);
        }
        catch (final IllegalArgumentException ex)
        {
            assertOneLine(ex);
            return;
        }
        assertThat(MessageSchema.validate(buffer, 0, length)).as("validation of %s", json).isNull();
        final String rendered = VIEW.toJson(buffer, 0);
        assertWellFormedObject(rendered);

        final ExpandableArrayBuffer again = new ExpandableArrayBuffer(512);
        final int againLength = VIEW.fromJson(rendered, again, 0);
        assertThat(againLength).as("length of %s re-encoded from %s", rendered, json).isEqualTo(length);
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(i) != again.getByte(i))
            {
                fail("byte " + i + " differs after a round trip of " + json + " through " + rendered);
            }
        }
    }

    private static JsonNode value(final FuzzedDataProvider data, final int depth)
    {
        final JsonNodeFactory nodes = JsonNodeFactory.instance;
        switch (data.consumeInt(0, depth < 3 ? 9 : 7))
        {
            case 0:
                return nodes.numberNode(data.consumeLong());
            case 1:
                return nodes.numberNode(data.consumeInt());
            case 2:
                return nodes.numberNode(data.consumeDouble());
            case 3:
            {
                final byte[] magnitude = data.consumeBytes(12);
                final BigInteger number = 0 == magnitude.length ? BigInteger.ZERO : new BigInteger(magnitude);
                return nodes.numberNode(number.shiftLeft(data.consumeInt(0, 64)));
            }
            case 4:
                return nodes.textNode(data.consumeString(80));
            case 5:
                return nodes.booleanNode(data.consumeBoolean());
            case 6:
                return nodes.nullNode();
            case 7:
                return nodes.textNode(data.consumeAsciiString(70));
            case 8:
            {
                final ArrayNode array = nodes.arrayNode();
                final int size = data.consumeInt(0, 4);
                for (int i = 0; i < size; i++)
                {
                    array.add(value(data, depth + 1));
                }
                return array;
            }
            default:
            {
                final ObjectNode object = nodes.objectNode();
                final int size = data.consumeInt(0, 5);
                for (int i = 0; i < size; i++)
                {
                    object.set(data.consumeString(10), value(data, depth + 1));
                }
                return object;
            }
        }
    }

    private static void assertWellFormedObject(final String json)
    {
        final JsonNode node;
        try
        {
            node = MAPPER.readTree(json);
        }
        catch (final Exception ex)
        {
            throw new AssertionError("rendered text is not JSON: " + json, ex);
        }
        assertThat(node.isObject()).as("rendered %s", json).isTrue();
        assertThat(node.path(JsonView.TYPE_FIELD).isTextual()).as("type of %s", json).isTrue();
    }

    private static void assertOneLine(final RuntimeException ex)
    {
        final String message = ex.getMessage();
        assertThat(message).as("message of %s", ex).isNotBlank();
        assertThat(message).as("message of %s", ex).doesNotContain("\n", "\r");
    }
}
