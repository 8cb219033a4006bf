package dev.commandcenter.transport.electrum.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.transport.electrum.WalletLedger;
import dev.commandcenter.transport.electrum.client.ElectrumClient;
import dev.commandcenter.transport.electrum.client.ElectrumException;
import dev.commandcenter.transport.electrum.client.HistoryItem;
import dev.commandcenter.transport.electrum.client.ServerAddress;
import org.bitcoinj.base.Sha256Hash;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks and reads a server's answers to the wallet's requests (protocol version, headers, histories,
 * balances); an answer of the wrong shape is a {@link ElectrumException.Kind#PROTOCOL} failure naming the
 * server, what it sent (abbreviated) and what was expected.
 * <p>
 * <b>Note:</b> stateless and thread safe.
 */
final class ElectrumReplies
{
    private static final int ABBREVIATE_CHARS = 80;
    private static final int HEADER_LENGTH = 80;

    private ElectrumReplies()
    {
    }

    /**
     * Check the answer to {@code server.version}.
     *
     * @param server  server that answered.
     * @param version the answer.
     * @throws ElectrumException when the protocol negotiated is not {@link ElectrumClient#PROTOCOL_VERSION}.
     */
    static void checkVersion(final ServerAddress server, final JsonNode version) throws ElectrumException
    {
        if (!version.isArray() || version.size() < 2 || !ElectrumClient.PROTOCOL_VERSION.equals(version.get(1).asText()))
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL, server + " negotiated protocol " +
                abbreviate(version.toString()) + ": expected [server, \"" + ElectrumClient.PROTOCOL_VERSION + "\"]");
        }
    }

    /**
     * Height in the answer to {@code blockchain.headers.subscribe}.
     *
     * @param server server that answered.
     * @param header the answer.
     * @return the height.
     * @throws ElectrumException when it has none.
     */
    static int tipHeight(final ServerAddress server, final JsonNode header) throws ElectrumException
    {
        final int height = header.path("height").asInt(-1);
        if (height < 0)
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL,
                server + " answered blockchain.headers.subscribe without a height: " + abbreviate(header.toString()));
        }
        return height;
    }

    /**
     * Hash of a block header sent as hex.
     *
     * @param connected connection it came on.
     * @param headerHex the header.
     * @return its double SHA-256, in internal byte order.
     * @throws ElectrumException when it is not 80 bytes of hex.
     */
    static byte[] headerHash(final ElectrumClient connected, final String headerHex) throws ElectrumException
    {
        final byte[] header;
        try
        {
            header = HexFormat.of().parseHex(headerHex);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL,
                connected.server() + " sent a block header that is not hex: " + abbreviate(headerHex));
        }
        if (header.length != HEADER_LENGTH)
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL, connected.server() + " sent a block header of " +
                header.length + " bytes: expected 80");
        }
        return Sha256Hash.hashTwice(header);
    }

    /**
     * Read the answer to {@code blockchain.scripthash.get_history}.
     *
     * @param connected  connection it came on.
     * @param scriptHash script hash asked about, hex.
     * @param result     the answer.
     * @param maxItems   longest history accepted ({@code wallet.electrum.maxHistoryItems}).
     * @return the history, in the server's order.
     * @throws ElectrumException when an item lacks a txid or a height, or the history is longer than the bound.
     */
    static List<HistoryItem> history(
        final ElectrumClient connected, final String scriptHash, final JsonNode result, final int maxItems)
        throws ElectrumException
    {
        if (!result.isArray())
        {
            throw malformedHistory(connected, result);
        }
        if (result.size() > maxItems)
        {
            throw ElectrumException.limitExceeded(LimitCounters.MAX_HISTORY_ITEMS, connected.server() +
                " answered blockchain.scripthash.get_history for " + scriptHash + " with " + result.size() +
                " items: over the " + maxItems + "-item limit (wallet.electrum.maxHistoryItems)");
        }
        final List<HistoryItem> items = new ArrayList<>(result.size());
        for (final JsonNode node : result)
        {
            final JsonNode txid = node.path("tx_hash");
            final JsonNode height = node.path("height");
            if (!txid.isTextual() || !isHash(txid.asText()) || !height.canConvertToInt())
            {
                throw malformedHistory(connected, result);
            }
            items.add(new HistoryItem(txid.asText(), height.asInt()));
        }
        return items;
    }

    /**
     * Read the answer to {@code blockchain.scripthash.get_balance}.
     *
     * @param connected connection it came on.
     * @param result    the answer.
     * @return the balance.
     * @throws ElectrumException when either amount is missing.
     */
    static WalletLedger.Balance balance(final ElectrumClient connected, final JsonNode result) throws ElectrumException
    {
        if (!result.path("confirmed").canConvertToLong() || !result.path("unconfirmed").canConvertToLong())
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL, connected.server() +
                " answered blockchain.scripthash.get_balance with " + abbreviate(result.toString()) +
                ": expected {\"confirmed\": sats, \"unconfirmed\": sats}");
        }
        return new WalletLedger.Balance(result.get("confirmed").asLong(), result.get("unconfirmed").asLong());
    }

    private static ElectrumException malformedHistory(final ElectrumClient connected, final JsonNode result)
    {
        return new ElectrumException(ElectrumException.Kind.PROTOCOL, connected.server() +
            " answered blockchain.scripthash.get_history with " + abbreviate(result.toString()) +
            ": expected [{\"tx_hash\": hex, \"height\": int}, ...]");
    }

    private static boolean isHash(final String hex)
    {
        if (hex.length() != 64)
        {
            return false;
        }
        for (int i = 0; i < 64; i++)
        {
            final char c = hex.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * What a server sent, for a message: at most {@link #ABBREVIATE_CHARS} characters, control characters escaped so
     * the message stays on one line.
     */
    private static String abbreviate(final String text)
    {
        final String head = text.length() <= ABBREVIATE_CHARS ? text : text.substring(0, ABBREVIATE_CHARS);
        final StringBuilder builder = new StringBuilder(head.length() + 8);
        for (int i = 0; i < head.length(); i++)
        {
            final char c = head.charAt(i);
            if (Character.isISOControl(c))
            {
                builder.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                builder.append(c);
            }
        }
        return head.length() < text.length() ? builder.append("...").toString() : builder.toString();
    }
}
