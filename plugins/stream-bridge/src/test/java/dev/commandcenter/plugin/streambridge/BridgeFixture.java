package dev.commandcenter.plugin.streambridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.OverlayControlAction;
import dev.commandcenter.codecs.sbe.OverlayControlEncoder;
import dev.commandcenter.codecs.sbe.TipMemoEncoder;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.plugin.testkit.PluginHarness;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a stream bridge in the plugin test kit's harness: payments, tip memos and controls encoded with the real
 * codecs, delivered at a given sequence and event time, and what it emitted read back through the JSON view.
 */
final class BridgeFixture implements AutoCloseable
{
    static final long T0_MS = 1_767_225_600_000L;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PluginHarness harness;
    private final StreamBridgePlugin plugin;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private long sequence = 100;

    BridgeFixture(final Map<String, ?> config) throws Exception
    {
        this(new StreamBridgePlugin(), config);
    }

    BridgeFixture(final StreamBridgePlugin plugin, final Map<String, ?> config) throws Exception
    {
        this.plugin = plugin;
        harness = new PluginHarness(plugin).config(config);
        harness.start();
    }

    StreamBridgePlugin plugin()
    {
        return plugin;
    }

    PluginHarness harness()
    {
        return harness;
    }

    /**
     * Deliver a payment from the wallet at {@code T0 + atMs}.
     *
     * @return its sequence.
     */
    long pay(final long atMs, final TestPayment payment) throws Exception
    {
        final long seq = sequence++;
        final int length = payment.encode(buffer, 0);
        harness.deliver(seq, (T0_MS + atMs) * 1_000_000L, Sources.WALLET, buffer, 0, length);
        return seq;
    }

    /**
     * Deliver a tip memo for a payment at {@code T0 + atMs}.
     *
     * @return its sequence.
     */
    long memo(final long atMs, final int source, final TestPayment payment, final String name, final String text)
        throws Exception
    {
        final long seq = sequence++;
        final TipMemoEncoder encoder = new TipMemoEncoder().wrapAndApplyHeader(buffer, 0, header)
            .putTxid(payment.txid(), 0, 32);
        encoder.channel("").user(name).text(text);
        harness.deliver(seq, (T0_MS + atMs) * 1_000_000L, source, buffer, 0,
            MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        return seq;
    }

    /**
     * Deliver a control at {@code T0 + atMs}.
     *
     * @return its sequence.
     */
    long control(final long atMs, final int source, final OverlayControlAction action) throws Exception
    {
        final long seq = sequence++;
        final OverlayControlEncoder encoder = new OverlayControlEncoder().wrapAndApplyHeader(buffer, 0, header)
            .action(action);
        encoder.actor("test");
        harness.deliver(seq, (T0_MS + atMs) * 1_000_000L, source, buffer, 0,
            MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        return seq;
    }

    /**
     * Deliver a control from REST at {@code T0 + atMs}.
     *
     * @return its sequence.
     */
    long control(final long atMs, final OverlayControlAction action) throws Exception
    {
        return control(atMs, Sources.REST, action);
    }

    /**
     * Everything emitted since the last call, as JSON, and forget it.
     *
     * @return the outputs in emit order.
     */
    List<JsonNode> take()
    {
        final List<JsonNode> nodes = new ArrayList<>();
        for (final String json : harness.emittedJson())
        {
            try
            {
                nodes.add(MAPPER.readTree(json));
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
        harness.clear();
        return nodes;
    }

    /**
     * The raw bytes emitted so far, not forgetting them.
     *
     * @return copies in emit order.
     */
    List<byte[]> emitted()
    {
        return new ArrayList<>(harness.emitted());
    }

    long nextSequence()
    {
        return sequence;
    }

    void nextSequence(final long next)
    {
        sequence = next;
    }

    static String type(final JsonNode output)
    {
        return output.path("type").asText();
    }

    public void close()
    {
        harness.close();
    }
}
