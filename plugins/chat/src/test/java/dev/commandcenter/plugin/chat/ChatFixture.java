package dev.commandcenter.plugin.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.sbe.ChatAction;
import dev.commandcenter.codecs.sbe.ChatFiltersEncoder;
import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.ChatModerationEncoder;
import dev.commandcenter.codecs.sbe.ChatRole;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TipMemoEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedEncoder;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.plugin.testkit.PluginHarness;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a chat plugin in the test kit's harness: encodes the events it reads with the real codecs and reads back what
 * it emitted through the JSON view.
 */
final class ChatFixture implements AutoCloseable
{
    static final long T0_MS = 1_767_225_600_000L;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PluginHarness harness;
    private final ChatPlugin plugin;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16384]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private long sequence = 100;

    ChatFixture(final Map<String, ?> config) throws Exception
    {
        this(new ChatPlugin(), config);
    }

    ChatFixture(final ChatPlugin plugin, final Map<String, ?> config) throws Exception
    {
        this.plugin = plugin;
        harness = new PluginHarness(plugin).config(config);
        harness.start();
    }

    ChatPlugin plugin()
    {
        return plugin;
    }

    PluginHarness harness()
    {
        return harness;
    }

    long nextSequence()
    {
        return sequence;
    }

    void nextSequence(final long sequence)
    {
        this.sequence = sequence;
    }

    long post(final long atMs, final ChatRole role, final long viewerKey, final String room, final String name,
        final String text) throws Exception
    {
        return post(atMs, role, viewerKey, room, name, text, 0);
    }

    long post(final long atMs, final ChatRole role, final long viewerKey, final String room, final String name,
        final String text, final long messageId) throws Exception
    {
        final ChatMessageEncoder encoder = new ChatMessageEncoder().wrapAndApplyHeader(buffer, 0, header)
            .messageId(messageId)
            .role(role)
            .viewerKey(viewerKey)
            .channel(room)
            .user(name)
            .text(text);
        return deliver(atMs, Sources.REST, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    long say(final long atMs, final String name, final String text) throws Exception
    {
        return post(atMs, ChatRole.VIEWER, 0, "", name, text);
    }

    long moderate(final long atMs, final ChatAction action, final ChatRole role, final String room,
        final String target, final long lineId, final long durationMs) throws Exception
    {
        final ChatModerationEncoder encoder = new ChatModerationEncoder().wrapAndApplyHeader(buffer, 0, header)
            .action(action)
            .lineId(lineId)
            .durationMs(durationMs)
            .role(role)
            .channel(room)
            .target(target)
            .actor("jane")
            .reason("spam");
        return deliver(atMs, Sources.REST, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    long filters(final long atMs, final String json) throws Exception
    {
        final ChatFiltersEncoder encoder = new ChatFiltersEncoder().wrapAndApplyHeader(buffer, 0, header)
            .filtersJson(json)
            .origin("chat-filters.yaml");
        return deliver(atMs, Sources.CLI, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    long pay(final long atMs, final int source, final long amountSats, final int txid, final String memo)
        throws Exception
    {
        final byte[] txidBytes = new byte[32];
        txidBytes[0] = (byte)txid;
        txidBytes[1] = (byte)(txid >> 8);
        final byte[] scriptHash = new byte[32];
        scriptHash[5] = 7;
        final TransactionReceivedEncoder encoder = new TransactionReceivedEncoder()
            .wrapAndApplyHeader(buffer, 0, header)
            .amountSats(amountSats)
            .height(0)
            .confirmations(0)
            .putTxid(txidBytes, 0, 32)
            .putScriptHash(scriptHash, 0, 32)
            .address("bc1qexample")
            .memo(memo);
        return deliver(atMs, source, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    long memo(final long atMs, final int txid, final String room, final String name, final String text)
        throws Exception
    {
        final TipMemoEncoder encoder = new TipMemoEncoder()
            .wrapAndApplyHeader(buffer, 0, header)
            .putTxid(txid(txid), 0, 32)
            .channel(room)
            .user(name)
            .text(text);
        return deliver(atMs, Sources.REST, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    private static byte[] txid(final int txid)
    {
        final byte[] txidBytes = new byte[32];
        txidBytes[0] = (byte)txid;
        txidBytes[1] = (byte)(txid >> 8);
        return txidBytes;
    }

    private long deliver(final long atMs, final int source, final int length) throws Exception
    {
        final long seq = sequence++;
        harness.deliver(seq, atMs * 1_000_000L + 123, source, buffer, 0, length);
        return seq;
    }

    /**
     * What the plugin emitted since the last call, as JSON trees; forgets them.
     */
    List<JsonNode> take() throws Exception
    {
        final List<JsonNode> nodes = new ArrayList<>();
        for (final String json : harness.emittedJson())
        {
            nodes.add(MAPPER.readTree(json));
        }
        harness.clear();
        return nodes;
    }

    /**
     * The single output since the last call.
     */
    JsonNode one() throws Exception
    {
        final List<JsonNode> nodes = take();
        if (1 != nodes.size())
        {
            throw new AssertionError("expected one output, got " + nodes);
        }
        return nodes.get(0);
    }

    public void close()
    {
        harness.close();
    }
}
