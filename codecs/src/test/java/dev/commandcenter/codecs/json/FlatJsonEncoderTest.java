package dev.commandcenter.codecs.json;

import dev.commandcenter.codecs.MessageSchema;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import uk.co.real_logic.sbe.PrimitiveType;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast path of the JSON view's encoding ({@link FlatJsonEncoder}) against the tree's encoding: every input it
 * takes encodes to the tree's bytes, every input it declines is left to the tree, and the bench's and the overlay's
 * common shape is taken.
 */
class FlatJsonEncoderTest
{
    private static final JsonView VIEW = JsonView.instance();
    private static final String TXID = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";
    private static final String PAYMENT = "{\"type\":\"TransactionReceived\",\"amountSats\":12345,\"height\":0," +
        "\"confirmations\":0,\"txid\":\"" + TXID + "\",\"address\":\"bcrt1qbench\",\"memo\":\"bench 17\"}";

    @Test
    void shouldTakeAPostedPaymentAndEncodeTheTreesBytes()
    {
        final ExpandableArrayBuffer flat = new ExpandableArrayBuffer(64);
        final byte[] body = PAYMENT.getBytes(StandardCharsets.UTF_8);
        final int length = VIEW.encodeFlat(null, body, 0, body.length, flat, 0);

        assertThat(length).isPositive();
        assertThat(Arrays.copyOf(flat.byteArray(), length)).isEqualTo(treeBytes(PAYMENT));
        assertThat(VIEW.toJson(flat, 0)).contains("\"txid\":\"" + TXID + "\"", "\"memo\":\"bench 17\"");
        assertSameAsTree(PAYMENT);
    }

    @Test
    void shouldTakeEveryMessageWithoutGroupsFilledInFull()
    {
        int taken = 0;
        for (final List<Token> tokens : MessageSchema.ir().messages())
        {
            final String json = filled(tokens);
            final ExpandableArrayBuffer flat = new ExpandableArrayBuffer(64);
            final int length = VIEW.encodeFlat(json, null, 0, 0, flat, 0);
            if (FlatJsonEncoder.DECLINED != length)
            {
                taken++;
                assertThat(Arrays.copyOf(flat.byteArray(), length)).as(json).isEqualTo(treeBytes(json));
            }
            assertSameAsTree(json);
            assertSameAsTree("{\"type\":\"" + tokens.get(0).name() + "\"}");
        }
        assertThat(taken).isGreaterThan(MessageSchema.ir().messages().size() / 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"amountSats\":5,\"type\":\"TransactionReceived\"}",
        "{\"type\":\"TransactionReceived\",\"amountSats\":5,\"amountSats\":6}",
        "{\"type\":\"TransactionReceived\",\"memo\":null}",
        "{\"type\":\"TransactionReceived\",\"memo\":\"caf\u00e9\"}",
        "{\"type\":\"TransactionReceived\",\"amountSats\":1.5}",
        "{\"type\":\"TransactionReceived\",\"height\":2147483648}",
        "{\"type\":\"TransactionReceived\",\"verified\":\"MAYBE\"}",
        "{\"type\":\"TransactionReceived\",\"amountSats\":99999999999999999999}",
        "{\"type\":\"TransactionReceived\",\"amountSats\":\"5\"}",
        "{\"type\":\"TransactionReceived\",\"txid\":\"abc\"}",
        "{\"type\":\"TransactionReceived\",\"txid\":\"zz5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b\"}",
        "{\"type\":\"TransactionReceived\",\"nope\":1}",
        "{\"type\":\"TransactionReceived\",\"sequence\":{\"a\":1}}",
        "{\"type\":\"TransactionReceived\",\"memo\":[\"a\"]}",
        "{\"type\":\"Nope\",\"amountSats\":5}",
        "{\"type\":5}",
        "{\"type\":\"TransactionReceived\",\"amountSats\":5",
        "[1,2]",
        "",
        "{\"type\":\"TransactionReceived\",\"type\":\"TransactionReceived\"}"
    })
    void shouldDeclineWhatOnlyTheTreeDecidesAndGiveTheTreesAnswer(final String json)
    {
        assertThat(VIEW.encodeFlat(json, null, 0, 0, new ExpandableArrayBuffer(64), 0)).as(json)
            .isEqualTo(FlatJsonEncoder.DECLINED);
        assertSameAsTree(json);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"TransactionReceived\",\"txid\":\"" + "4A5E1E4BAAB89F3A32518A88C31BC87F618F76673E2CC77AB2127B7AFDEDA33B" + "\"}",
        "{\"type\":\"TransactionReceived\",\"sequence\":7,\"timestamp\":\"x\",\"source\":true,\"memo\":\"\"}",
        "{\"type\":\"TransactionReceived\",\"memo\":\"a\\\"b\\\\c\\u0041\"} trailing",
        "{\"type\":\"TransactionReceived\",\"amountSats\":-0,\"txid\":\"\"}",
        "{\"type\":\"Transaction\\u0052eceived\",\"amountSats\":9223372036854775807}"
    })
    void shouldTakeOtherShapesTheTreeAccepts(final String json)
    {
        final ExpandableArrayBuffer flat = new ExpandableArrayBuffer(64);
        final int length = VIEW.encodeFlat(json, null, 0, 0, flat, 0);

        assertThat(length).as(json).isPositive();
        assertThat(Arrays.copyOf(flat.byteArray(), length)).isEqualTo(treeBytes(json));
        assertSameAsTree(json);
    }

    @Test
    void shouldDecodeInvalidUtf8BytesWithReplacementAsBefore()
    {
        final byte[] prefix = "{\"type\":\"TransactionReceived\",\"memo\":\"a".getBytes(StandardCharsets.UTF_8);
        final byte[] body = Arrays.copyOf(prefix, prefix.length + 3);
        body[prefix.length] = (byte)0xC3;
        body[prefix.length + 1] = '"';
        body[prefix.length + 2] = '}';
        final ExpandableArrayBuffer encoded = new ExpandableArrayBuffer(64);

        final int length = VIEW.fromJson(body, 0, body.length, encoded, 0);

        assertThat(Arrays.copyOf(encoded.byteArray(), length))
            .isEqualTo(treeBytes(new String(body, StandardCharsets.UTF_8)));
        assertThat(VIEW.toJson(encoded, 0)).contains("\"memo\":\"a\ufffd\"");
    }

    /**
     * The public encodings of a text, as text and as its UTF-8 bytes, give what the tree's encoding gives: the same
     * bytes, or an {@link IllegalArgumentException} with the same message.
     *
     * @param json any text.
     */
    static void assertSameAsTree(final String json)
    {
        final String tree = outcome(() -> VIEW.fromJsonTree(json, new ExpandableArrayBuffer(64), 0), json, true);
        assertThat(outcome(null, json, false)).as("text %s", json).isEqualTo(tree);
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        final String decoded = new String(bytes, StandardCharsets.UTF_8);
        final String treeOfBytes = decoded.equals(json) ? tree :
            outcome(() -> VIEW.fromJsonTree(decoded, new ExpandableArrayBuffer(64), 0), decoded, true);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        String ofBytes;
        try
        {
            ofBytes = hex(buffer, VIEW.fromJson(bytes, 0, bytes.length, buffer, 0));
        }
        catch (final IllegalArgumentException ex)
        {
            ofBytes = "error: " + ex.getMessage();
        }
        assertThat(ofBytes).as("bytes of %s", json).isEqualTo(treeOfBytes);
    }

    private interface Encoding
    {
        int encode();
    }

    private static String outcome(final Encoding tree, final String json, final boolean useTree)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        try
        {
            if (useTree)
            {
                return hex(buffer, VIEW.fromJsonTree(json, buffer, 0));
            }
            return hex(buffer, VIEW.fromJson(json, buffer, 0));
        }
        catch (final IllegalArgumentException ex)
        {
            return "error: " + ex.getMessage();
        }
    }

    private static String hex(final ExpandableArrayBuffer buffer, final int length)
    {
        return java.util.HexFormat.of().formatHex(buffer.byteArray(), 0, length);
    }

    private static byte[] treeBytes(final String json)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final int length = VIEW.fromJsonTree(json, buffer, 0);
        return Arrays.copyOf(buffer.byteArray(), length);
    }

    /**
     * A message's JSON with every field of its root block and var data given a valid value that is not the default.
     */
    private static String filled(final List<Token> tokens)
    {
        final StringBuilder json = new StringBuilder("{\"type\":\"").append(tokens.get(0).name()).append('"');
        int i = 1;
        while (i < tokens.size() - 1)
        {
            final Token token = tokens.get(i);
            if (Signal.BEGIN_FIELD == token.signal())
            {
                final Token type = tokens.get(i + 1);
                json.append(",\"").append(token.name()).append("\":");
                if (Signal.BEGIN_ENUM == type.signal())
                {
                    json.append('"').append(tokens.get(i + type.componentTokenCount()).signal() == Signal.END_ENUM ?
                        tokens.get(i + type.componentTokenCount() - 1).name() : "").append('"');
                }
                else if (type.arrayLength() > 1)
                {
                    json.append('"').append("hex".equals(type.encoding().semanticType()) ?
                        "ab".repeat(type.arrayLength()) : "x".repeat(Math.min(3, type.arrayLength()))).append('"');
                }
                else if (PrimitiveType.FLOAT == type.encoding().primitiveType() ||
                    PrimitiveType.DOUBLE == type.encoding().primitiveType())
                {
                    json.append("1.5");
                }
                else
                {
                    json.append(Math.min(7L, type.encoding().applicableMaxValue().longValue()));
                }
                i += token.componentTokenCount();
            }
            else if (Signal.BEGIN_VAR_DATA == token.signal())
            {
                json.append(",\"").append(token.name()).append("\":\"hello\"");
                i += token.componentTokenCount();
            }
            else if (Signal.BEGIN_GROUP == token.signal())
            {
                i += token.componentTokenCount();
            }
            else
            {
                i++;
            }
        }
        return json.append('}').toString();
    }
}
