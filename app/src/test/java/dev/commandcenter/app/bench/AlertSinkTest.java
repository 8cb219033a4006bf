package dev.commandcenter.app.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

/**
 * Alerts are matched to their payments by txid, and the trace stamps become per-stage latency when present.
 */
class AlertSinkTest
{
    private static final long TAG = 0x1234_5678_9abc_def1L;

    private final FixedRateSchedule schedule = new FixedRateSchedule(0, 1_000, 10);
    private final LatencyRecorder recorder = new LatencyRecorder(TAG, schedule, 1);
    private final AlertSink sink = new AlertSink();
    private final TraceStamps trace = new TraceStamps();

    @Test
    void shouldRecordEndToEndFromTheIntendedTimeOfThePaymentTheAlertNames()
    {
        sink.current(recorder);

        sink.onFrame(alert(PaymentIds.hex(TAG, 3), ""), schedule.intendedNs(3) + 700_000, 0, trace);

        assertThat(recorder.received()).isEqualTo(1);
        assertThat(recorder.sampleInterval(null).getMaxValue()).isCloseTo(700000L, withinPercentage(0.2));
        for (final Stage stage : Stage.values())
        {
            assertThat(recorder.stage(stage).getTotalCount()).isZero();
        }
    }

    @Test
    void shouldRecordEachStageTheTraceStampsAndSkipTheUnstampedOnes()
    {
        sink.current(recorder);
        final String traced = ",\"trace\":{\"ingressNs\":1000000,\"journaledNs\":1020000,\"handledNs\":0," +
            "\"emittedNs\":1050000,\"egressNs\":1090000}";

        sink.onFrame(alert(PaymentIds.hex(TAG, 0), traced), 10, 1_190_000, trace);

        assertThat(recorder.stage(Stage.JOURNAL).getMaxValue()).isCloseTo(20000L, withinPercentage(0.2));
        assertThat(recorder.stage(Stage.PLUGIN).getTotalCount()).isZero();
        assertThat(recorder.stage(Stage.OUTPUT).getTotalCount()).isZero();
        assertThat(recorder.stage(Stage.EGRESS).getMaxValue()).isCloseTo(40000L, withinPercentage(0.2));
        assertThat(recorder.stage(Stage.CLIENT).getMaxValue()).isCloseTo(100000L, withinPercentage(0.2));
    }

    @Test
    void shouldReadAFrameWhereTheClientDecodedItWithoutMakingAString()
    {
        sink.current(recorder);
        final String traced = ",\"trace\":{\"ingressNs\":1000000,\"egressNs\":1090000}";
        final WebSocketClients.AsciiView view = new WebSocketClients.AsciiView();

        sink.onFrame(view.wrap(bytes(alert(PaymentIds.hex(TAG, 4), ""))), schedule.intendedNs(4) + 300_000, 0, trace);
        sink.onFrame(view.wrap(bytes(alert(PaymentIds.hex(TAG, 5), traced))), 10, 1_190_000, trace);
        sink.onFrame(view.wrap(bytes(alert(PaymentIds.hex(TAG + 1, 6), ""))), 10, 0, trace);
        sink.onFrame(view.wrap(bytes("{\"type\":\"gap\",\"missed\":3,\"from\":9}")), 10, 0, trace);

        assertThat(recorder.received()).isEqualTo(2);
        assertThat(recorder.frameBytes()).isEqualTo(alert(PaymentIds.hex(TAG, 4), "").length() +
            alert(PaymentIds.hex(TAG, 5), traced).length());
        assertThat(recorder.stage(Stage.CLIENT).getMaxValue()).isCloseTo(100000L, withinPercentage(0.2));
    }

    @Test
    void shouldIgnoreAlertsOfOtherRunsAndFramesThatAreNotAlerts()
    {
        sink.current(recorder);

        sink.onFrame(alert(PaymentIds.hex(TAG + 2, 1), ""), 10, 0, trace);
        sink.onFrame(alert(PaymentIds.hex(TAG, 99), ""), 10, 0, trace);
        sink.onFrame("{\"type\":\"PluginStatus\",\"state\":\"RUNNING\"}", 10, 0, trace);
        sink.onFrame("pong", 10, 0, trace);

        assertThat(recorder.received()).isZero();
    }

    @Test
    void shouldFindTheTxidOfAPlainFrameWhereverItIsAndCountItsBytes()
    {
        sink.current(recorder);
        final String first = "{\"txid\":\"" + PaymentIds.hex(TAG, 4) + "\",\"title\":\"New tip!\"}";
        final String nestedFirst = "{\"nested\":{\"txid\":\"" + PaymentIds.hex(TAG + 2, 1) + "\"},\"txid\":\"" +
            PaymentIds.hex(TAG, 5) + "\"}";
        final String truncated = "{\"txid\":\"" + PaymentIds.hex(TAG, 6).substring(0, 40) + "\"}";

        sink.onFrame(first, schedule.intendedNs(4) + 1_000, 0, trace);
        sink.onFrame(nestedFirst, schedule.intendedNs(5) + 2_000, 0, trace);
        sink.onFrame(truncated, schedule.intendedNs(6), 0, trace);

        assertThat(recorder.received()).isEqualTo(2);
        assertThat(recorder.frameBytes()).isEqualTo(first.length() + nestedFirst.length());
        assertThat(recorder.sampleInterval(null).getMaxValue()).isCloseTo(2_000L, withinPercentage(0.2));
    }

    @Test
    void shouldReadPlainFramesWhereverTheTxidMovesAndRefuseWhatIsNotATxidOfTheRun()
    {
        sink.current(recorder);
        final WebSocketClients.AsciiView view = new WebSocketClients.AsciiView();
        final String longerTitle = alert(PaymentIds.hex(TAG, 2), "").replace("New tip!", "A much longer title!");
        final String upperCase = alert(PaymentIds.hex(TAG, 3).toUpperCase(java.util.Locale.ROOT), "");
        final String nestedFirst = "{\"nested\":{\"txid\":\"" + PaymentIds.hex(TAG + 2, 1) + "\"},\"txid\":\"" +
            PaymentIds.hex(TAG, 4) + "\"}";
        final String badDigit = alert(PaymentIds.hex(TAG, 5).substring(0, 63) + "g", "");
        final String badTagDigit = alert("g" + PaymentIds.hex(TAG, 6).substring(1), "");
        final String unclosed = alert(PaymentIds.hex(TAG, 7) + "0", "");
        final String truncated = "{\"type\":\"OverlayAlert\",\"txid\":\"" + PaymentIds.hex(TAG, 8).substring(0, 40);

        sink.onPlainFrame(view.wrap(bytes(alert(PaymentIds.hex(TAG, 1), ""))), schedule.intendedNs(1) + 1_000, trace);
        sink.onPlainFrame(view.wrap(bytes(longerTitle)), schedule.intendedNs(2) + 2_000, trace);
        sink.onPlainFrame(view.wrap(bytes(upperCase)), schedule.intendedNs(3) + 3_000, trace);
        sink.onPlainFrame(view.wrap(bytes(nestedFirst)), schedule.intendedNs(4) + 4_000, trace);
        sink.onPlainFrame(view.wrap(bytes(alert(PaymentIds.hex(TAG + 1, 9), ""))), 10, trace);
        sink.onPlainFrame(view.wrap(bytes(badDigit)), 10, trace);
        sink.onPlainFrame(view.wrap(bytes(badTagDigit)), 10, trace);
        sink.onPlainFrame(view.wrap(bytes(unclosed)), 10, trace);
        sink.onPlainFrame(view.wrap(bytes(truncated)), 10, trace);
        sink.onPlainFrame(view.wrap(bytes("{\"type\":\"gap\",\"missed\":3,\"from\":9}")), 10, trace);

        assertThat(recorder.received()).isEqualTo(4);
        assertThat(recorder.frameBytes()).isEqualTo(alert(PaymentIds.hex(TAG, 1), "").length() +
            longerTitle.length() + upperCase.length() + nestedFirst.length());
        assertThat(recorder.sampleInterval(null).getMaxValue()).isCloseTo(4_000L, withinPercentage(0.2));
        for (final Stage stage : Stage.values())
        {
            assertThat(recorder.stage(stage).getTotalCount()).isZero();
        }
    }

    @Test
    void shouldReadTheTxidWhereTheViewsPreviousFrameHadItBeforeScanning()
    {
        final WebSocketClients.AsciiView view = new WebSocketClients.AsciiView();
        final String field = "\"txid\":\"";
        final String prefix = "{\"a\":\"" + "x".repeat(67) + "\",";
        final String ours = prefix + "\"txid\":\"" + PaymentIds.hex(TAG, 11) + "\"}";
        // The same layout with another txid earlier in the frame: only a view that looks where the last frame
        // had it first finds this run's txid; a scan stops at the first field.
        final String earlierOther = "{\"txid\":\"" + PaymentIds.hex(TAG + 1, 1) + "\"," +
            "\"txid\":\"" + PaymentIds.hex(TAG, 12) + "\"}";

        assertThat(view.wrap(bytes(ours)).txidIndex(field, TAG)).isEqualTo(11);
        assertThat(view.wrap(bytes(earlierOther)).txidIndex(field, TAG)).isEqualTo(12);
        assertThat(new WebSocketClients.AsciiView().wrap(bytes(earlierOther)).txidIndex(field, TAG))
            .isEqualTo(PaymentIds.NOT_OURS);
        assertThat(view.wrap(bytes("{}")).txidIndex(field, TAG)).isEqualTo(PaymentIds.NOT_OURS);
    }

    @Test
    void shouldCarryTheTagAndIndexThroughBothTxidForms()
    {
        final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(new byte[40]);
        PaymentIds.write(buffer, 4, TAG, 123_456);

        assertThat(PaymentIds.index(buffer, 4, TAG)).isEqualTo(123_456);
        assertThat(PaymentIds.index(buffer, 4, TAG + 2)).isEqualTo(PaymentIds.NOT_OURS);
        assertThat(PaymentIds.hex(TAG, 123_456)).hasSize(64)
            .isEqualTo(java.util.HexFormat.of().formatHex(buffer.byteArray(), 4, 36));
        assertThat(PaymentIds.index(PaymentIds.hex(TAG, 123_456), TAG)).isEqualTo(123_456);
    }

    private static io.netty.buffer.ByteBuf bytes(final String text)
    {
        // a frame in the middle of a larger buffer, as a decoder hands it on
        final io.netty.buffer.ByteBuf buffer = io.netty.buffer.Unpooled.buffer();
        buffer.writeBytes("xx".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        buffer.writeBytes(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        buffer.readerIndex(2);
        return buffer;
    }

    private static String alert(final String txid, final String trace)
    {
        return "{\"type\":\"OverlayAlert\",\"plugin\":\"stream-bridge\",\"alertId\":5,\"amountSats\":25000," +
            "\"title\":\"New tip!\",\"txid\":\"" + txid + "\",\"nested\":{\"txid\":\"x\"},\"list\":[1,2]" + trace + "}";
    }
}
