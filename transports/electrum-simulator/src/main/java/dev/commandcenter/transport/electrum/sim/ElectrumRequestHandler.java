package dev.commandcenter.transport.electrum.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.transport.electrum.client.HistoryItem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.commandcenter.transport.electrum.sim.ElectrumSimulator.INVALID_PARAMS;
import static dev.commandcenter.transport.electrum.sim.ElectrumSimulator.METHOD_NOT_FOUND;
import static dev.commandcenter.transport.electrum.sim.ElectrumSimulator.SERVER_VERSION;

/**
 * Answers one JSON-RPC request line of a client as an Electrum 1.4 server would: applies the faults
 * armed for its method, enforces version negotiation first, and builds each method's result from the
 * {@link SimulatedChain}.
 * <p>
 * <b>Note:</b> {@link #onRequest(SimulatorSession, String)} is called only while holding the simulator's
 * lock, so answers are consistent with the notifications sent after chain changes; request counts may
 * be read from any thread.
 */
final class ElectrumRequestHandler
{
    /** Shared JSON mapper of the simulator's requests, responses and notifications. */
    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final long MEMPOOL_FEE_SATS = 141;
    /** Most headers one {@code blockchain.block.headers} answer holds, as ElectrumX serves. */
    static final int MAX_HEADERS = 2016;

    private final SimulatedChain chain;
    private final SimulatorSessions sessions;
    private final SimulatorFaults faults;
    private final Map<String, AtomicInteger> requestCounts = new ConcurrentHashMap<>();

    /**
     * A handler over the simulator's parts.
     *
     * @param chain    chain the answers come from.
     * @param sessions connected clients, written to.
     * @param faults   faults armed by tests.
     */
    ElectrumRequestHandler(final SimulatedChain chain, final SimulatorSessions sessions, final SimulatorFaults faults)
    {
        this.chain = chain;
        this.sessions = sessions;
        this.faults = faults;
    }

    /**
     * Requests received for a method since start, answered or not; may be read from any thread.
     *
     * @param method JSON-RPC method.
     * @return the count.
     */
    int requestCount(final String method)
    {
        final AtomicInteger count = requestCounts.get(method);
        return null == count ? 0 : count.get();
    }

    /**
     * Handle one request line of a session and write its answer, if any.
     *
     * @param session the client.
     * @param line    the request, not blank.
     */
    void onRequest(final SimulatorSession session, final String line)
    {
        final JsonNode request;
        try
        {
            request = MAPPER.readTree(line);
        }
        catch (final IOException ex)
        {
            respondError(session, null, -32700, "parse error");
            return;
        }
        final JsonNode id = request.get("id");
        final String method = request.path("method").asText("");
        final JsonNode params = request.path("params");
        requestCounts.computeIfAbsent(method, (key) -> new AtomicInteger()).incrementAndGet();
        if (faults.takeStall(method))
        {
            return;
        }
        final SimulatorFaults.Fault fault = faults.takeFailure(method);
        if (null != fault)
        {
            respondError(session, id, fault.code(), fault.message());
            return;
        }
        if (!session.negotiated && !method.equals("server.version"))
        {
            respondError(session, id, -32600, "server.version must be the first request");
            return;
        }
        try
        {
            final JsonNode result = dispatch(session, method, params);
            final ObjectNode response = MAPPER.createObjectNode();
            response.put("jsonrpc", "2.0");
            response.set("result", result);
            response.set("id", id);
            sessions.write(session, (response + "\n").getBytes(StandardCharsets.UTF_8));
        }
        catch (final RequestError ex)
        {
            respondError(session, id, ex.code, ex.getMessage());
        }
    }

    /**
     * The tip header as {@code blockchain.headers.subscribe} reports it.
     *
     * @param chain the chain.
     * @return {@code {"hex": ..., "height": ...}}.
     */
    static ObjectNode tipHeader(final SimulatedChain chain)
    {
        final SimulatedChain.Block tip = chain.tip();
        final ObjectNode header = MAPPER.createObjectNode();
        header.put("hex", tip.headerHex());
        header.put("height", tip.height());
        return header;
    }

    private static final class RequestError extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        final int code;

        RequestError(final int code, final String message)
        {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private JsonNode dispatch(final SimulatorSession session, final String method, final JsonNode params)
    {
        return switch (method)
        {
            case "server.version" -> version(session, params);
            case "server.ping" -> MAPPER.nullNode();
            case "server.banner" -> MAPPER.valueToTree("Command Center Electrum simulator");
            case "server.donation_address" -> MAPPER.valueToTree("");
            case "server.peers.subscribe", "mempool.get_fee_histogram" -> MAPPER.createArrayNode();
            case "server.features" -> features();
            case "blockchain.relayfee", "blockchain.estimatefee" -> MAPPER.valueToTree(0.00001);
            case "blockchain.headers.subscribe" ->
            {
                session.headers = true;
                session.lastTipHash = chain.tip().hash();
                yield tipHeader(chain);
            }
            case "blockchain.block.header" ->
            {
                final SimulatedChain.Block block = chain.block(params.path(0).asInt(-1));
                if (null == block)
                {
                    throw new RequestError(INVALID_PARAMS, "height " + params.path(0) + " out of range");
                }
                yield MAPPER.valueToTree(block.headerHex());
            }
            case "blockchain.block.headers" -> headers(params);
            case "blockchain.transaction.get_merkle" -> merkle(params);
            case "blockchain.scripthash.subscribe" ->
            {
                final String scriptHash = scriptHashParam(params);
                final String status = chain.status(scriptHash);
                session.subscriptions.put(scriptHash, status);
                yield null == status ? MAPPER.nullNode() : MAPPER.valueToTree(status);
            }
            case "blockchain.scripthash.unsubscribe" ->
                MAPPER.valueToTree(null != session.subscriptions.remove(scriptHashParam(params)));
            case "blockchain.scripthash.get_history" -> historyNode(scriptHashParam(params), false);
            case "blockchain.scripthash.get_mempool" -> historyNode(scriptHashParam(params), true);
            case "blockchain.scripthash.get_balance" -> balance(scriptHashParam(params));
            case "blockchain.scripthash.listunspent" -> unspent(scriptHashParam(params));
            case "blockchain.transaction.get" -> transaction(params);
            default -> throw new RequestError(METHOD_NOT_FOUND, "unknown method '" + method + "'");
        };
    }

    private JsonNode headers(final JsonNode params)
    {
        final int start = params.path(0).asInt(-1);
        final int count = params.path(1).asInt(-1);
        if (start < 0 || count < 0)
        {
            throw new RequestError(INVALID_PARAMS, "expected [start_height, count], got " + params);
        }
        final StringBuilder hex = new StringBuilder();
        int served = 0;
        for (int height = start; served < Math.min(count, MAX_HEADERS) && null != chain.block(height); height++)
        {
            hex.append(chain.block(height).headerHex());
            served++;
        }
        final ObjectNode result = MAPPER.createObjectNode();
        result.put("count", served);
        result.put("hex", hex.toString());
        result.put("max", MAX_HEADERS);
        return result;
    }

    private JsonNode merkle(final JsonNode params)
    {
        final String txid = params.path(0).asText("");
        final int height = params.path(1).asInt(-1);
        SimulatedChain.MerkleBranch branch = chain.merkleBranch(txid, height);
        if (faults.invented(txid))
        {
            // the lie behind an invented confirmation: a branch of made-up hashes
            final java.util.List<String> madeUp = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++)
            {
                madeUp.add(org.bitcoinj.base.Sha256Hash.of((txid + i).getBytes(StandardCharsets.US_ASCII)).toString());
            }
            branch = new SimulatedChain.MerkleBranch(height, 1, madeUp);
        }
        else if (null != branch && faults.lieAboutProofs())
        {
            final java.util.List<String> corrupted = new java.util.ArrayList<>(branch.merkle());
            final String first = corrupted.getFirst();
            corrupted.set(0, (first.charAt(0) == '0' ? "1" : "0") + first.substring(1));
            branch = new SimulatedChain.MerkleBranch(branch.height(), branch.position(), corrupted);
        }
        if (null == branch)
        {
            throw new RequestError(2, "daemon error: transaction " + txid + " is not in the block at height " + height);
        }
        final ObjectNode result = MAPPER.createObjectNode();
        result.put("block_height", branch.height());
        final ArrayNode merkle = result.putArray("merkle");
        branch.merkle().forEach(merkle::add);
        result.put("pos", branch.position());
        return result;
    }

    private JsonNode version(final SimulatorSession session, final JsonNode params)
    {
        if (session.negotiated)
        {
            throw new RequestError(-32600, "server.version already sent");
        }
        final JsonNode requested = params.path(1);
        final boolean supported;
        if (requested.isArray() && requested.size() == 2)
        {
            supported = compareVersions(requested.get(0).asText(), "1.4") <= 0 &&
                compareVersions(requested.get(1).asText(), "1.4") >= 0;
        }
        else
        {
            supported = requested.isMissingNode() || "1.4".equals(requested.asText());
        }
        if (!supported)
        {
            throw new RequestError(1, "unsupported protocol version: " + requested);
        }
        session.negotiated = true;
        final ArrayNode result = MAPPER.createArrayNode();
        result.add(SERVER_VERSION);
        result.add("1.4");
        return result;
    }

    private static int compareVersions(final String left, final String right)
    {
        final String[] a = left.split("\\.");
        final String[] b = right.split("\\.");
        for (int i = 0; i < Math.max(a.length, b.length); i++)
        {
            final int x = i < a.length ? parseIntOrZero(a[i]) : 0;
            final int y = i < b.length ? parseIntOrZero(b[i]) : 0;
            if (x != y)
            {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    private static int parseIntOrZero(final String text)
    {
        try
        {
            return Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }

    private JsonNode features()
    {
        final ObjectNode features = MAPPER.createObjectNode();
        features.put("genesis_hash", chain.genesis().hash());
        features.putObject("hosts");
        features.put("protocol_max", "1.4");
        features.put("protocol_min", "1.4");
        features.putNull("pruning");
        features.put("server_version", SERVER_VERSION);
        features.put("hash_function", "sha256");
        return features;
    }

    private static String scriptHashParam(final JsonNode params)
    {
        final String scriptHash = params.path(0).asText("");
        if (scriptHash.length() != 64 || !scriptHash.chars().allMatch((c) -> Character.digit(c, 16) >= 0))
        {
            throw new RequestError(INVALID_PARAMS, "invalid script hash: " + params.path(0));
        }
        return scriptHash.toLowerCase(Locale.ROOT);
    }

    private JsonNode historyNode(final String scriptHash, final boolean mempoolOnly)
    {
        final ArrayNode array = MAPPER.createArrayNode();
        for (final HistoryItem item : chain.history(scriptHash))
        {
            if (mempoolOnly && item.confirmed())
            {
                continue;
            }
            final ObjectNode node = array.addObject();
            node.put("tx_hash", item.txid());
            node.put("height", item.height());
            if (!item.confirmed())
            {
                node.put("fee", MEMPOOL_FEE_SATS);
            }
        }
        return array;
    }

    private JsonNode balance(final String scriptHash)
    {
        long confirmed = 0;
        long unconfirmed = 0;
        for (final HistoryItem item : chain.history(scriptHash))
        {
            final long value = chain.received(item.txid(), scriptHash);
            if (item.confirmed())
            {
                confirmed += value;
            }
            else
            {
                unconfirmed += value;
            }
        }
        final ObjectNode node = MAPPER.createObjectNode();
        node.put("confirmed", confirmed);
        node.put("unconfirmed", unconfirmed);
        return node;
    }

    private JsonNode unspent(final String scriptHash)
    {
        final ArrayNode array = MAPPER.createArrayNode();
        for (final HistoryItem item : chain.history(scriptHash))
        {
            final ObjectNode node = array.addObject();
            node.put("tx_hash", item.txid());
            node.put("tx_pos", 0);
            node.put("height", item.height());
            node.put("value", chain.received(item.txid(), scriptHash));
        }
        return array;
    }

    private JsonNode transaction(final JsonNode params)
    {
        if (params.path(1).asBoolean(false))
        {
            throw new RequestError(INVALID_PARAMS, "verbose transactions are not supported by the simulator");
        }
        final SimulatedChain.SimTx tx = chain.transaction(params.path(0).asText(""));
        if (null == tx)
        {
            throw new RequestError(2, "daemon error: No such mempool or blockchain transaction " + params.path(0));
        }
        return MAPPER.valueToTree(tx.rawHex());
    }

    private void respondError(final SimulatorSession session, final JsonNode id, final int code, final String message)
    {
        final ObjectNode response = MAPPER.createObjectNode();
        response.put("jsonrpc", "2.0");
        final ObjectNode error = response.putObject("error");
        error.put("code", code);
        error.put("message", message);
        response.set("id", null == id ? MAPPER.nullNode() : id);
        sessions.write(session, (response + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
