package dev.commandcenter.app.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.PluginDoneDecoder;
import dev.commandcenter.codecs.sbe.PluginEmitDecoder;
import dev.commandcenter.codecs.sbe.PluginEventDecoder;
import dev.commandcenter.codecs.sbe.PluginGoodbyeDecoder;
import dev.commandcenter.codecs.sbe.PluginHeartbeatDecoder;
import dev.commandcenter.codecs.sbe.PluginHelloDecoder;
import dev.commandcenter.codecs.sbe.PluginWelcomeDecoder;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemoteJsonTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TXID = "ab".repeat(32);
    private static final String PAYMENT = "{\"type\":\"TransactionReceived\",\"amountSats\":120000,\"height\":0," +
        "\"confirmations\":0,\"txid\":\"" + TXID + "\",\"scriptHash\":\"" + "cd".repeat(32) + "\",\"verified\":\"FALSE\"," +
        "\"address\":\"bc1qexample\",\"memo\":\"hello\"}";
    private static final String ALERT = "{\"type\":\"OverlayAlert\",\"alertId\":7,\"amountSats\":120000," +
        "\"showAtEpochMs\":1700000000000,\"durationMs\":8000,\"queued\":0,\"kind\":\"PAYMENT\",\"txid\":\"" + TXID +
        "\",\"title\":\"Big tip!\",\"message\":\"hello\"}";
    private static final String BIG_ALERT = ALERT.replace("hello", "x".repeat(60_000));

    private final RemoteJson json = new RemoteJson();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);

    static Stream<Arguments> messages()
    {
        return Stream.of(
            Arguments.of("{\"type\":\"hello\",\"plugin\":\"big-tip-python\",\"protocol\":1,\"host\":\"python pid 42 on studio\"}",
                PluginHelloDecoder.TEMPLATE_ID),
            Arguments.of("{\"type\":\"welcome\",\"plugin\":\"big-tip-python\",\"resumeAfter\":-1,\"heartbeatIntervalMs\":1000," +
                "\"config\":{\"thresholdSats\":50000,\"title\":\"Whoa\"}}", PluginWelcomeDecoder.TEMPLATE_ID),
            Arguments.of("{\"type\":\"event\",\"seq\":7,\"timestampNs\":1700000000000000000,\"source\":6,\"event\":" + PAYMENT + "}",
                PluginEventDecoder.TEMPLATE_ID),
            Arguments.of("{\"type\":\"done\",\"seq\":7,\"emits\":[" + ALERT + "," + ALERT + "],\"failure\":\"boom\"}",
                PluginDoneDecoder.TEMPLATE_ID),
            Arguments.of("{\"type\":\"done\",\"seq\":8,\"emits\":[]}", PluginDoneDecoder.TEMPLATE_ID),
            Arguments.of("{\"type\":\"emit\",\"emits\":[" + ALERT + "]}", PluginEmitDecoder.TEMPLATE_ID),
            Arguments.of("{\"type\":\"heartbeat\",\"epochMs\":1700000000000,\"lastDone\":7}", PluginHeartbeatDecoder.TEMPLATE_ID),
            Arguments.of("{\"type\":\"goodbye\",\"refused\":true,\"reason\":\"no remote plugin 'x'\"}",
                PluginGoodbyeDecoder.TEMPLATE_ID));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void shouldConvertEachMessageToSbeAndBackUnchanged(final String text, final int templateId) throws Exception
    {
        final int length = json.toSbe(text, buffer, 16);

        assertThat(MessageSchema.validate(buffer, 16, length)).isNull();
        assertThat(MessageSchema.templateId(buffer, 16)).isEqualTo(templateId);
        final JsonNode back = MAPPER.readTree(json.toJson(buffer, 16, length));
        final JsonNode expected = MAPPER.readTree(text);
        if (expected.path("emits").isArray())
        {
            // Embedded messages come back as the JSON view renders them: compare what was sent.
            for (int i = 0; i < expected.get("emits").size(); i++)
            {
                assertContains(back.get("emits").get(i), expected.get("emits").get(i));
            }
            assertThat(back.get("emits").size()).isEqualTo(expected.get("emits").size());
        }
        else if (expected.has("event"))
        {
            assertContains(back.get("event"), expected.get("event"));
        }
        for (final String field : new String[]{ "type", "plugin", "protocol", "host", "resumeAfter",
            "heartbeatIntervalMs", "config", "seq", "timestampNs", "source", "failure", "epochMs", "lastDone", "refused",
            "reason" })
        {
            assertThat(back.get(field)).as(field).isEqualTo(expected.get(field));
        }
    }

    @Test
    void shouldRenderAnEmptyFailureAsAbsentAndConfigAsAnObject()
    {
        final int done = json.toSbe("{\"type\":\"done\",\"seq\":3}", buffer, 0);
        assertThat(json.toJson(buffer, 0, done)).isEqualTo("{\"type\":\"done\",\"seq\":3,\"emits\":[]}");

        final int welcome = json.toSbe(
            "{\"type\":\"welcome\",\"plugin\":\"p\",\"resumeAfter\":4,\"heartbeatIntervalMs\":500}", buffer, 0);
        assertThat(json.toJson(buffer, 0, welcome)).isEqualTo(
            "{\"type\":\"welcome\",\"plugin\":\"p\",\"resumeAfter\":4,\"heartbeatIntervalMs\":500,\"config\":{}}");
    }

    static Stream<Arguments> malformed()
    {
        return Stream.of(
            Arguments.of("{\"type\":\"hello\"", 1007, "not valid JSON"),
            Arguments.of("[1,2]", 1007, "expected a JSON object"),
            Arguments.of("\"hello\"", 1007, "expected a JSON object"),
            Arguments.of("{\"plugin\":\"p\"}", 1008, "missing \"type\""),
            Arguments.of("{\"type\":\"subscribe\"}", 1008, "unknown type \"subscribe\""),
            Arguments.of("{\"type\":\"hello\",\"protocol\":1}", 1008, "hello: missing \"plugin\""),
            Arguments.of("{\"type\":\"hello\",\"plugin\":\"p\"}", 1008, "hello: missing \"protocol\""),
            Arguments.of("{\"type\":\"hello\",\"plugin\":\"p\",\"protocol\":70000}", 1008, "out of range"),
            Arguments.of("{\"type\":\"done\"}", 1008, "done: missing \"seq\""),
            Arguments.of("{\"type\":\"done\",\"seq\":\"7\"}", 1008, "done: missing \"seq\": expected an integer"),
            Arguments.of("{\"type\":\"done\",\"seq\":1.5}", 1008, "expected an integer"),
            Arguments.of("{\"type\":\"done\",\"seq\":-2}", 1008, "out of range"),
            Arguments.of("{\"type\":\"done\",\"seq\":1,\"emits\":{}}", 1008, "\"emits\" must be an array"),
            Arguments.of("{\"type\":\"done\",\"seq\":1,\"emits\":[1]}", 1008, "must be a message as a JSON object"),
            Arguments.of("{\"type\":\"done\",\"seq\":1,\"emits\":[{\"type\":\"Nope\"}]}", 1008, "done: emits[0]: unknown type"),
            Arguments.of("{\"type\":\"done\",\"seq\":1,\"emits\":[{\"type\":\"OverlayAlert\",\"colour\":1}]}", 1008,
                "unknown field \"colour\""),
            Arguments.of("{\"type\":\"emit\",\"emits\":[{\"type\":\"PluginHeartbeat\",\"epochMs\":1,\"lastDone\":1}]}", 1008,
                "PluginHeartbeat is not an event"),
            Arguments.of("{\"type\":\"done\",\"seq\":1,\"failure\":3}", 1008, "\"failure\" must be a string"),
            Arguments.of("{\"type\":\"heartbeat\",\"epochMs\":1}", 1008, "heartbeat: missing \"lastDone\""),
            Arguments.of("{\"type\":\"goodbye\",\"refused\":\"yes\"}", 1008, "\"refused\" must be true or false"),
            Arguments.of("{\"type\":\"welcome\",\"plugin\":\"p\",\"resumeAfter\":1,\"heartbeatIntervalMs\":1,\"config\":[]}",
                1008, "\"config\" must be a JSON object"),
            Arguments.of("{\"type\":\"event\",\"seq\":1,\"timestampNs\":1,\"source\":1}", 1008, "missing \"event\""),
            Arguments.of("{\"type\":\"emit\",\"emits\":[{\"type\":\"OverlayAlert\",\"title\":\"" + "x".repeat(70_000) + "\"}]}",
                1008, "emits[0]"),
            Arguments.of("{\"type\":\"emit\",\"emits\":[" + (BIG_ALERT + ",").repeat(20) + BIG_ALERT + "]}", 1009, "too big"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void shouldRefuseMalformedMessagesWithTheirCloseStatusAndOneLine(
        final String text, final int status, final String reason)
    {
        buffer.setMemory(0, 64, (byte)0x5A);

        assertThatThrownBy(() -> json.toSbe(text, buffer, 0))
            .isInstanceOfSatisfying(RemoteJson.ProtocolException.class, (ex) ->
            {
                assertThat(ex.closeStatus()).isEqualTo(status);
                assertThat(ex.getMessage()).contains(reason).doesNotContain("\n");
            });
    }

    @Test
    void shouldRefuseToRenderAMessageThatIsNotOfTheProtocol()
    {
        final int length = new dev.commandcenter.codecs.json.JsonView(MessageSchema.ir()).fromJson(ALERT, buffer, 0);

        assertThatThrownBy(() -> json.toJson(buffer, 0, length))
            .isInstanceOf(RemoteJson.ProtocolException.class)
            .hasMessageContaining("not a remote plugin protocol message");
    }

    private static void assertContains(final JsonNode actual, final JsonNode expected)
    {
        for (final var it = expected.fieldNames(); it.hasNext(); )
        {
            final String name = it.next();
            assertThat(actual.get(name)).as(name).isEqualTo(expected.get(name));
        }
    }
}
