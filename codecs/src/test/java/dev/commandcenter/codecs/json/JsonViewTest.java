package dev.commandcenter.codecs.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.OverlayAlertDecoder;
import dev.commandcenter.codecs.sbe.TelemetrySnapshotEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonViewTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TXID = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";

    private final JsonView view = JsonView.instance();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final UnsafeBuffer other = new UnsafeBuffer(new byte[4096]);

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"TransactionReceived\",\"amountSats\":12345,\"height\":0,\"confirmations\":0," +
            "\"txid\":\"" + TXID + "\",\"scriptHash\":\"" + TXID + "\",\"verified\":\"TRUE\",\"address\":\"bcrt1qxyz\"," +
            "\"memo\":\"gg ✨\"}",
        "{\"type\":\"TransactionConfirmed\",\"amountSats\":1,\"height\":812345,\"confirmations\":3," +
            "\"txid\":\"" + TXID + "\",\"scriptHash\":\"" + TXID + "\",\"address\":\"a\",\"memo\":\"\"}",
        "{\"type\":\"WalletBalance\",\"confirmedSats\":100,\"unconfirmedSats\":-5,\"address\":\"\"}",
        "{\"type\":\"NetworkStatus\",\"state\":\"DEGRADED\",\"tipHeight\":101,\"server\":\"tcp://127.0.0.1:50001\"," +
            "\"reason\":\"timeout\"}",
        "{\"type\":\"ChatMessage\",\"messageId\":7,\"role\":\"MODERATOR\",\"viewerKey\":-42,\"channel\":\"main\"," +
            "\"user\":\"ann\",\"text\":\"hi \\\"there\\\"\"}",
        "{\"type\":\"ChatModeration\",\"action\":\"TIMEOUT\",\"lineId\":0,\"durationMs\":600000,\"role\":\"ADMIN\"," +
            "\"channel\":\"\",\"target\":\"troll\",\"actor\":\"streamer\",\"reason\":\"spam\"}",
        "{\"type\":\"ChatFilters\",\"filtersJson\":\"{\\\"words\\\":[\\\"x\\\"]}\",\"origin\":\"chat-filters.yaml\"}",
        "{\"type\":\"ChatLine\",\"lineId\":12,\"messageId\":3,\"atEpochMs\":1700000000000,\"amountSats\":5000," +
            "\"kind\":\"PAID\",\"role\":\"VIEWER\",\"history\":\"FALSE\",\"channel\":\"\",\"user\":\"ann\"," +
            "\"text\":\"<b>gg</b>\"}",
        "{\"type\":\"ChatRemoved\",\"scope\":\"VIEWER\",\"lineId\":0,\"action\":\"BAN\",\"untilEpochMs\":0," +
            "\"channel\":\"\",\"user\":\"troll\",\"reason\":\"spam\"}",
        "{\"type\":\"ChatRefused\",\"receipt\":44,\"messageId\":2,\"refusal\":\"SLOW_MODE\",\"retryAfterMs\":7000," +
            "\"channel\":\"\",\"reason\":\"slow mode: wait 7 s\"}",
        "{\"type\":\"ChatState\",\"slowModeMs\":10000,\"maxGraphemes\":300,\"historyLines\":50,\"channel\":\"\"}",
        "{\"type\":\"TipMemo\",\"txid\":\"" + TXID + "\",\"channel\":\"main\",\"user\":\"ann\"," +
            "\"text\":\"gg \\\"well\\\" played ✨\"}",
        "{\"type\":\"OverlayAlert\",\"alertId\":9,\"amountSats\":5000,\"showAtEpochMs\":1700000000000," +
            "\"durationMs\":8000,\"queued\":2,\"kind\":\"PAYMENT\",\"txid\":\"" + TXID + "\",\"verified\":\"FALSE\"," +
            "\"delayMs\":0,\"title\":\"New tip!\",\"message\":\"5000 sats\",\"sound\":\"\",\"image\":\"\"}",
        "{\"type\":\"OverlayAlert\",\"alertId\":10,\"amountSats\":0,\"showAtEpochMs\":1700000000000," +
            "\"durationMs\":8000,\"queued\":0,\"kind\":\"CUSTOM\",\"txid\":\"" + TXID + "\",\"verified\":\"FALSE\"," +
            "\"delayMs\":10000,\"title\":\"Big tip\",\"message\":\"gg\",\"sound\":\"/media/horn.mp3\"," +
            "\"image\":\"https://example.com/a.png\"}",
        "{\"type\":\"AutomationRules\",\"loadId\":1700000000000,\"part\":1,\"parts\":3," +
            "\"text\":\"version: 1\\nrules: []\\n\",\"origin\":\"rules.yaml\"}",
        "{\"type\":\"TimerFired\",\"scheduledAtEpochMs\":1700000000000,\"count\":3,\"name\":\"ad-break\"}",
        "{\"type\":\"AutomationControl\",\"action\":\"SET_VARIABLE\",\"ruleId\":\"\",\"variable\":\"sats_today\"," +
            "\"value\":\"0\",\"actor\":\"cli\"}",
        "{\"type\":\"AutomationFired\",\"fireId\":41,\"atEpochMs\":1700000000000,\"outcome\":\"COOLDOWN_USER\"," +
            "\"actions\":0,\"retryAfterMs\":3000,\"ruleId\":\"big-tip\",\"user\":\"ann\"," +
            "\"summary\":\"TransactionReceived amountSats=75000\"}",
        "{\"type\":\"AutomationAction\",\"fireId\":41,\"step\":1,\"steps\":3,\"kind\":\"OBS\",\"durationMs\":0," +
            "\"ruleId\":\"big-tip\",\"queue\":\"scenes\",\"target\":\"SetCurrentProgramScene\"," +
            "\"payload\":\"{\\\"sceneName\\\":\\\"Celebration\\\"}\"}",
        "{\"type\":\"OverlayMedia\",\"mediaId\":2625,\"kind\":\"VIDEO\",\"volume\":80,\"durationMs\":0," +
            "\"delayMs\":0,\"url\":\"/media/clip.webm\"}",
        "{\"type\":\"AutomationState\",\"rulesLoaded\":2,\"rulesRejected\":1,\"rulesJson\":\"[]\"," +
            "\"variablesJson\":\"{}\",\"errors\":\"rules.yaml:3:5: rule x: bad\",\"origin\":\"rules.yaml\"}",
        "{\"type\":\"TipReserved\",\"index\":12,\"amountSats\":50000,\"expiresAtEpochMs\":1800000," +
            "\"reservationId\":\"0123456789abcdef0123456789abcdef\",\"address\":\"bcrt1q\",\"name\":\"ann\"," +
            "\"message\":\"gg\"}",
        "{\"type\":\"OverlayControl\",\"action\":\"SKIP\",\"actor\":\"dashboard\"}",
        "{\"type\":\"OverlayQueue\",\"paused\":\"TRUE\",\"pending\":3,\"skipAlertId\":0,\"lastAlertId\":41," +
            "\"action\":\"PAUSE\"}",
        "{\"type\":\"PluginStatus\",\"state\":\"QUARANTINED\",\"processed\":10,\"errors\":5,\"lag\":0,\"p50Nanos\":100," +
            "\"p99Nanos\":900,\"pluginId\":\"x\",\"version\":\"1.0.0\",\"reason\":\"boom\"}",
        "{\"type\":\"TelemetrySnapshot\",\"sampledAtEpochMs\":5,\"counters\":[{\"counterId\":0,\"typeId\":1," +
            "\"value\":42,\"label\":\"events in\"},{\"counterId\":1,\"typeId\":4,\"value\":41,\"label\":\"events journaled\"}]}",
        "{\"type\":\"TelemetrySnapshot\",\"sampledAtEpochMs\":5,\"counters\":[]}",
        "{\"type\":\"TransactionReorged\",\"amountSats\":77,\"previousHeight\":120,\"txid\":\"" + TXID + "\"," +
            "\"scriptHash\":\"" + TXID + "\",\"address\":\"bcrt1q\"}"
    })
    void shouldRoundTripEveryMessageThroughJson(final String json) throws Exception
    {
        final int length = view.fromJson(json, buffer, 0);

        assertThat(MessageSchema.validate(buffer, 0, length)).isNull();
        final String rendered = view.toJson(buffer, 0);
        assertThat(MAPPER.readTree(rendered)).isEqualTo(MAPPER.readTree(json));

        final int again = view.fromJson(rendered, other, 0);
        assertThat(again).isEqualTo(length);
        assertThat(other.compareTo(buffer)).isZero();
    }

    @Test
    void shouldCoverEveryMessageOfTheSchema()
    {
        for (final String name : new String[] { "TransactionReceived", "TransactionConfirmed", "WalletBalance",
            "NetworkStatus", "ChatMessage", "OverlayAlert", "PluginStatus", "TelemetrySnapshot", "TransactionReorged",
            "ChatModeration", "ChatFilters", "ChatLine", "ChatRemoved", "ChatRefused", "ChatState", "TipMemo",
            "AutomationRules", "TimerFired", "AutomationControl", "AutomationFired", "AutomationAction", "OverlayMedia",
            "AutomationState", "TipReserved", "OverlayControl", "OverlayQueue" })
        {
            assertThat(view.templateId(name)).as(name).isPositive();
            assertThat(view.messageName(view.templateId(name))).isEqualTo(name);
        }
        assertThat(MessageSchema.ir().messages()).hasSize(38);
        assertThat(MessageSchema.ir().messages()).allSatisfy(tokens ->
            assertThat(MessageSchema.isEvent(tokens.get(0).id()))
                .as(tokens.get(0).name()).isEqualTo(tokens.get(0).id() < MessageSchema.FIRST_TRANSPORT_TEMPLATE_ID ||
                    tokens.get(0).id() >= MessageSchema.FIRST_SECOND_RANGE_TEMPLATE_ID));
    }

    @Test
    void shouldRenderWhatTheGeneratedEncoderWrote() throws Exception
    {
        final TransactionReceivedEncoder encoder = new TransactionReceivedEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .amountSats(21_000)
            .height(0)
            .confirmations(0)
            .putTxid(HexFormat.of().parseHex(TXID), 0, 32)
            .putScriptHash(new byte[32], 0, 32)
            .address("bcrt1qexample")
            .memo("thanks");

        final JsonNode node = MAPPER.readTree(view.toJson(buffer, 0));

        assertThat(encoder.encodedLength()).isPositive();
        assertThat(node.get("type").asText()).isEqualTo("TransactionReceived");
        assertThat(node.get("amountSats").asLong()).isEqualTo(21_000);
        assertThat(node.get("txid").asText()).isEqualTo(TXID);
        assertThat(node.get("address").asText()).isEqualTo("bcrt1qexample");
        assertThat(node.get("memo").asText()).isEqualTo("thanks");
    }

    @Test
    void shouldReadAPaymentJournaledBeforeTheVerifiedFlagExisted() throws Exception
    {
        final int length = view.fromJson("{\"type\":\"TransactionReceived\",\"amountSats\":7,\"height\":0," +
            "\"confirmations\":0,\"txid\":\"" + TXID + "\",\"scriptHash\":\"" + TXID + "\",\"verified\":\"TRUE\"," +
            "\"address\":\"bcrt1qold\",\"memo\":\"from v1\"}", other, 0);
        final int oldBlockLength = TransactionReceivedDecoder.BLOCK_LENGTH - 1;
        final int header = MessageSchema.HEADER_LENGTH;
        buffer.putBytes(0, other, 0, header + oldBlockLength);
        buffer.putBytes(header + oldBlockLength, other, header + TransactionReceivedDecoder.BLOCK_LENGTH,
            length - header - TransactionReceivedDecoder.BLOCK_LENGTH);
        buffer.putShort(0, (short)oldBlockLength, java.nio.ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(6, (short)1, java.nio.ByteOrder.LITTLE_ENDIAN);

        final TransactionReceivedDecoder decoder = new TransactionReceivedDecoder()
            .wrapAndApplyHeader(buffer, 0, new dev.commandcenter.codecs.sbe.MessageHeaderDecoder());
        assertThat(decoder.verified()).isEqualTo(BooleanType.NULL_VAL);
        assertThat(decoder.address()).isEqualTo("bcrt1qold");
        assertThat(decoder.memo()).isEqualTo("from v1");

        final JsonNode node = MAPPER.readTree(view.toJson(buffer, 0));
        assertThat(node.has("verified")).isFalse();
        assertThat(node.get("address").asText()).isEqualTo("bcrt1qold");
        assertThat(node.get("memo").asText()).isEqualTo("from v1");
        assertThat(node.get("amountSats").asLong()).isEqualTo(7);
    }

    @Test
    void shouldDecodeJsonWithTheGeneratedDecoder()
    {
        view.fromJson("{\"type\":\"OverlayAlert\",\"alertId\":3,\"amountSats\":99,\"kind\":\"CHAT\",\"title\":\"t\"," +
            "\"message\":\"m\"}", buffer, 0);

        final OverlayAlertDecoder decoder = new OverlayAlertDecoder();
        decoder.wrapAndApplyHeader(buffer, 0, new dev.commandcenter.codecs.sbe.MessageHeaderDecoder());
        assertThat(decoder.alertId()).isEqualTo(3);
        assertThat(decoder.amountSats()).isEqualTo(99);
        assertThat(decoder.kind()).isEqualTo(dev.commandcenter.codecs.sbe.AlertKind.CHAT);
        assertThat(decoder.title()).isEqualTo("t");
        assertThat(decoder.message()).isEqualTo("m");
    }

    @Test
    void shouldAcceptEnvelopeFieldsOfRenderedEvents()
    {
        final int length = view.fromJson("{\"sequence\":4,\"timestamp\":\"x\",\"source\":\"wallet\",\"plugin\":\"p\"," +
            "\"type\":\"ChatMessage\",\"text\":\"hi\"}", buffer, 0);

        assertThat(length).isGreaterThan(MessageSchema.HEADER_LENGTH);
    }

    @Test
    void shouldNameTheFieldAndExpectationOnBadInput()
    {
        assertThatThrownBy(() -> view.fromJson("{\"type\":\"Nope\"}", buffer, 0))
            .hasMessageContaining("unknown type \"Nope\"").hasMessageContaining("OverlayAlert");
        assertThatThrownBy(() -> view.fromJson("{\"amountSats\":1}", buffer, 0))
            .hasMessageContaining("missing \"type\"");
        assertThatThrownBy(() -> view.fromJson("{\"type\":\"ChatMessage\",\"txt\":\"hi\"}", buffer, 0))
            .hasMessageContaining("unknown field \"txt\"");
        assertThatThrownBy(() -> view.fromJson("{\"type\":\"WalletBalance\",\"confirmedSats\":\"lots\"}", buffer, 0))
            .hasMessageContaining("WalletBalance.confirmedSats: expected an integer");
        assertThatThrownBy(() -> view.fromJson("{\"type\":\"OverlayAlert\",\"kind\":\"LOUD\"}", buffer, 0))
            .hasMessageContaining("OverlayAlert.kind: expected one of PAYMENT, CHAT, CUSTOM");
        assertThatThrownBy(() -> view.fromJson("{\"type\":\"OverlayAlert\",\"txid\":\"abc\"}", buffer, 0))
            .hasMessageContaining("OverlayAlert.txid: expected 64 hex digits");
        assertThatThrownBy(() -> view.fromJson("{\"type\":\"OverlayAlert\",\"queued\":3000000000}", buffer, 0))
            .hasMessageContaining("OverlayAlert.queued: expected");
        assertThatThrownBy(() -> view.fromJson("{not json", buffer, 0))
            .hasMessageStartingWith("not valid JSON");
        assertThatThrownBy(() -> view.fromJson("[1,2]", buffer, 0))
            .hasMessageContaining("expected a JSON object");
    }

    @Test
    void shouldRejectMessagesOfANewerSchemaVersion()
    {
        final int length = view.fromJson("{\"type\":\"ChatMessage\",\"text\":\"hi\"}", buffer, 0);
        buffer.putShort(6, (short)(MessageSchema.SCHEMA_VERSION + 1), java.nio.ByteOrder.LITTLE_ENDIAN);

        assertThat(MessageSchema.validate(buffer, 0, length)).contains("newer than this build reads");
    }

    @Test
    void shouldRejectForeignSchema()
    {
        final int length = view.fromJson("{\"type\":\"ChatMessage\",\"text\":\"hi\"}", buffer, 0);
        buffer.putShort(4, (short)1, java.nio.ByteOrder.LITTLE_ENDIAN);

        assertThat(MessageSchema.validate(buffer, 0, length)).contains("schema id 1");
        assertThatThrownBy(() -> view.toJson(buffer, 0)).hasMessageContaining("schema id 1");
        assertThat(MessageSchema.validate(buffer, 0, 3)).contains("shorter than");
    }

    @Test
    void shouldRenderAGroupWrittenByTheEncoder() throws Exception
    {
        final TelemetrySnapshotEncoder encoder = new TelemetrySnapshotEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).sampledAtEpochMs(1);
        encoder.countersCount(1).next().counterId(3).typeId(10).value(99).label("plugin processed: x");

        final ObjectNode node = (ObjectNode)MAPPER.readTree(view.toJson(buffer, 0));

        assertThat(node.get("counters").get(0).get("label").asText()).isEqualTo("plugin processed: x");
        assertThat(node.get("counters").get(0).get("value").asLong()).isEqualTo(99);
    }
}
