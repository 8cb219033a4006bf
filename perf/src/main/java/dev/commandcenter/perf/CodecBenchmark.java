package dev.commandcenter.perf;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.sbe.AlertKind;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.OverlayAlertDecoder;
import dev.commandcenter.codecs.sbe.OverlayAlertEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * (a) Encode then decode one OverlayAlert: SBE flyweights into a reused buffer versus Jackson
 * data binding of the same message to and from JSON bytes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class CodecBenchmark
{
    private static final byte[] TXID = new byte[32];
    private static final byte[] TITLE = "New tip!".getBytes(StandardCharsets.UTF_8);
    private static final byte[] MESSAGE = "0.00012345 BTC from bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh".getBytes(
        StandardCharsets.UTF_8);

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[256]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final OverlayAlertEncoder encoder = new OverlayAlertEncoder();
    private final OverlayAlertDecoder decoder = new OverlayAlertDecoder();
    private final ObjectMapper mapper = new ObjectMapper();
    private Alert alert;
    private long alertId;

    /** The same message as a plain Java object, for Jackson. */
    public static final class Alert
    {
        public long alertId;
        public long amountSats;
        public long showAtEpochMs;
        public int durationMs;
        public int queued;
        public String kind;
        public String txid;
        public String title;
        public String message;
    }

    /**
     * Prepare the message.
     */
    @Setup
    public void setup()
    {
        alert = new Alert();
        alert.amountSats = 12_345;
        alert.showAtEpochMs = 1_700_000_000_000L;
        alert.durationMs = 8000;
        alert.queued = 1;
        alert.kind = "PAYMENT";
        alert.txid = "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b";
        alert.title = new String(TITLE, StandardCharsets.UTF_8);
        alert.message = new String(MESSAGE, StandardCharsets.UTF_8);
    }

    /**
     * SBE: encode every field, decode every field (strings copied into a reused buffer).
     *
     * @return a value derived from the decoded message.
     */
    @Benchmark
    public long sbeEncodeDecode()
    {
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .alertId(++alertId)
            .amountSats(12_345)
            .showAtEpochMs(1_700_000_000_000L)
            .durationMs(8000)
            .queued(1)
            .kind(AlertKind.PAYMENT)
            .putTxid(TXID, 0, 32)
            .delayMs(0)
            .putTitle(TITLE, 0, TITLE.length)
            .putMessage(MESSAGE, 0, MESSAGE.length)
            .putSound(MESSAGE, 0, 0)
            .putImage(MESSAGE, 0, 0);

        decoder.wrapAndApplyHeader(buffer, 0, headerDecoder);
        long sum = decoder.alertId() + decoder.amountSats() + decoder.showAtEpochMs() + decoder.durationMs() +
            decoder.queued() + decoder.kind().value() + decoder.txid(0);
        sum += decoder.getTitle(scratch, 0, scratch.capacity());
        sum += decoder.getMessage(scratch, 0, scratch.capacity());
        return sum;
    }

    /**
     * Jackson: serialise the object to JSON bytes and bind it back.
     *
     * @return a value derived from the decoded message.
     * @throws Exception from Jackson.
     */
    @Benchmark
    public long jsonEncodeDecode() throws Exception
    {
        alert.alertId = ++alertId;
        final byte[] json = mapper.writeValueAsBytes(alert);
        final Alert decoded = mapper.readValue(json, Alert.class);
        return decoded.alertId + decoded.amountSats + decoded.showAtEpochMs + decoded.durationMs + decoded.queued +
            decoded.kind.length() + decoded.txid.length() + decoded.title.length() + decoded.message.length();
    }
}
