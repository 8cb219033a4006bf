package dev.commandcenter.plugin.automation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.sbe.AutomationControlAction;
import dev.commandcenter.codecs.sbe.AutomationControlEncoder;
import dev.commandcenter.codecs.sbe.AutomationRulesEncoder;
import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.ChatAction;
import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.ChatModerationEncoder;
import dev.commandcenter.codecs.sbe.ChatRole;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TimerFiredEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedEncoder;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.plugin.testkit.PluginHarness;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the automation plugin in the test kit's harness: encodes the events it reads with the real codecs and reads
 * back what it emitted through the JSON view.
 */
final class AutomationFixture implements AutoCloseable
{
    /** 2026-01-01T00:00:00Z. */
    static final long T0_MS = 1_767_225_600_000L;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PluginHarness harness;
    private final AutomationPlugin plugin;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16384]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private long sequence = 100;

    AutomationFixture(final Map<String, ?> config) throws Exception
    {
        this(new AutomationPlugin(), config);
    }

    AutomationFixture(final AutomationPlugin plugin, final Map<String, ?> config) throws Exception
    {
        this.plugin = plugin;
        harness = new PluginHarness(plugin).config(config);
        harness.start();
    }

    AutomationPlugin plugin()
    {
        return plugin;
    }

    PluginHarness harness()
    {
        return harness;
    }

    long sequence()
    {
        return sequence;
    }

    long rules(final long atMs, final String text) throws Exception
    {
        return rulesPart(atMs, atMs, 0, 1, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    long rulesPart(final long atMs, final long loadId, final int part, final int parts, final byte[] slice)
        throws Exception
    {
        final AutomationRulesEncoder encoder = new AutomationRulesEncoder().wrapAndApplyHeader(buffer, 0, header)
            .loadId(loadId)
            .part(part)
            .parts(parts)
            .putText(slice, 0, slice.length)
            .origin("rules.yaml");
        return deliver(atMs, Sources.CLI, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    long control(final long atMs, final AutomationControlAction action, final String rule, final String variable,
        final String value) throws Exception
    {
        final AutomationControlEncoder encoder = new AutomationControlEncoder().wrapAndApplyHeader(buffer, 0, header)
            .action(action)
            .ruleId(rule)
            .variable(variable)
            .value(value)
            .actor("admin");
        return deliver(atMs, Sources.REST, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    long chat(final long atMs, final ChatRole role, final String room, final String name, final String text)
        throws Exception
    {
        final ChatMessageEncoder encoder = new ChatMessageEncoder().wrapAndApplyHeader(buffer, 0, header)
            .messageId(0)
            .role(role)
            .viewerKey(0)
            .channel(room)
            .user(name)
            .text(text);
        return deliver(atMs, Sources.REST, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    long say(final long atMs, final String name, final String text) throws Exception
    {
        return chat(atMs, ChatRole.VIEWER, "", name, text);
    }

    long moderate(final long atMs, final ChatAction action, final String target, final long durationMs) throws Exception
    {
        final ChatModerationEncoder encoder = new ChatModerationEncoder().wrapAndApplyHeader(buffer, 0, header)
            .action(action)
            .lineId(0)
            .durationMs(durationMs)
            .role(ChatRole.MODERATOR)
            .channel("")
            .target(target)
            .actor("jane")
            .reason("spam");
        return deliver(atMs, Sources.REST, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    long pay(final long atMs, final long amountSats, final int txid, final String memo) throws Exception
    {
        final byte[] txidBytes = new byte[32];
        txidBytes[0] = (byte)txid;
        txidBytes[1] = (byte)(txid >> 8);
        txidBytes[2] = (byte)(txid >> 16);
        final byte[] scriptHash = new byte[32];
        scriptHash[5] = 7;
        final TransactionReceivedEncoder encoder = new TransactionReceivedEncoder()
            .wrapAndApplyHeader(buffer, 0, header)
            .amountSats(amountSats)
            .height(0)
            .confirmations(0)
            .putTxid(txidBytes, 0, 32)
            .putScriptHash(scriptHash, 0, 32)
            .verified(BooleanType.FALSE)
            .address("bc1qexample")
            .memo(memo);
        return deliver(atMs, Sources.WALLET, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    long timer(final long atMs, final String name, final long count) throws Exception
    {
        final TimerFiredEncoder encoder = new TimerFiredEncoder().wrapAndApplyHeader(buffer, 0, header)
            .scheduledAtEpochMs(atMs)
            .count(count)
            .name(name);
        return deliver(atMs, Sources.TIMER, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    private long deliver(final long atMs, final int source, final int length) throws Exception
    {
        final long seq = sequence++;
        harness.deliver(seq, atMs * 1_000_000L + 123, source, buffer, 0, length);
        return seq;
    }

    /**
     * Everything emitted so far, as JSON trees, then forgotten.
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
            catch (final Exception ex)
            {
                throw new UncheckedIOException(new java.io.IOException(ex));
            }
        }
        harness.clear();
        return nodes;
    }

    /**
     * The outputs of a type.
     *
     * @param type such as {@code AutomationFired}.
     * @return those taken now, in order.
     */
    static List<JsonNode> ofType(final List<JsonNode> outputs, final String type)
    {
        return outputs.stream().filter((node) -> type.equals(node.path("type").asText())).toList();
    }

    static long count(final List<JsonNode> outputs, final String outcome)
    {
        return ofType(outputs, "AutomationFired").stream().filter((node) -> outcome.equals(node.path("outcome").asText()))
            .count();
    }

    static JsonNode parse(final String json) throws Exception
    {
        return MAPPER.readTree(json);
    }

    public void close()
    {
        harness.close();
    }
}
