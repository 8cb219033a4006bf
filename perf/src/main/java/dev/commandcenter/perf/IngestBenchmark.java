package dev.commandcenter.perf;

import dev.commandcenter.codecs.json.JsonView;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The JSON body of {@code POST /api/events} (a payment, as {@code commandcenter bench} posts it) encoded into SBE by
 * {@link JsonView}: time and allocation per event ({@code -prof gc}), the step of the REST ingress that is the
 * engine's own code rather than Netty's HTTP decoding.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class IngestBenchmark
{
    private static final byte[] BODY = ("{\"type\":\"TransactionReceived\",\"amountSats\":12345,\"height\":0," +
        "\"confirmations\":0,\"txid\":\"4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b\"," +
        "\"address\":\"bcrt1qbench\",\"memo\":\"bench 1234567\"}").getBytes(StandardCharsets.UTF_8);

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private final JsonView view = JsonView.instance();

    /**
     * Encode the body from its bytes, as {@code POST /api/events} does.
     *
     * @return the encoded length.
     */
    @Benchmark
    public int jsonToSbe()
    {
        return view.fromJson(BODY, 0, BODY.length, buffer, 0);
    }

    /**
     * Encode the body as a text, decoded first (what the REST ingest did before it read the bytes).
     *
     * @return the encoded length.
     */
    @Benchmark
    public int jsonTextToSbe()
    {
        return view.fromJson(new String(BODY, StandardCharsets.UTF_8), buffer, 0);
    }
}
