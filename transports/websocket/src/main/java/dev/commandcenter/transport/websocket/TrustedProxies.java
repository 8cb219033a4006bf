package dev.commandcenter.transport.websocket;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The reverse proxies whose {@code X-Forwarded-For} header is believed ({@code websocket.trustedProxies}: IP
 * addresses and CIDR blocks, none by default). The client address of a request is its peer, or, only when the
 * peer is a trusted proxy, the right-most {@code X-Forwarded-For} entry that is not itself a trusted proxy: entries
 * further left were written by the client and may be forged.
 * <p>
 * <b>Note:</b> immutable and thread safe; no name is ever resolved.
 */
public final class TrustedProxies
{
    /** Header a reverse proxy appends the address it accepted a connection from to. */
    public static final String FORWARDED_FOR = "X-Forwarded-For";

    private static final TrustedProxies NONE = new TrustedProxies(List.of());

    private record Block(byte[] network, int prefixLength)
    {
        boolean contains(final byte[] address)
        {
            if (address.length != network.length)
            {
                return false;
            }
            int bits = prefixLength;
            for (int i = 0; i < address.length && bits > 0; i++, bits -= 8)
            {
                final int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
                if ((address[i] & mask) != (network[i] & mask))
                {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Block> blocks;

    private TrustedProxies(final List<Block> blocks)
    {
        this.blocks = blocks;
    }

    /**
     * No trusted proxy: the client address is always the peer.
     *
     * @return the empty set.
     */
    public static TrustedProxies none()
    {
        return NONE;
    }

    /**
     * Parse {@code websocket.trustedProxies}.
     *
     * @param entries IP addresses ({@code 10.0.0.5}, {@code ::1}) or CIDR blocks ({@code 10.0.0.0/8}).
     * @return the set.
     * @throws IllegalArgumentException naming the entry that is not an address or a block.
     */
    public static TrustedProxies parse(final List<String> entries)
    {
        if (null == entries || entries.isEmpty())
        {
            return NONE;
        }
        final List<Block> blocks = new ArrayList<>(entries.size());
        for (final String raw : entries)
        {
            final String entry = null == raw ? "" : raw.trim();
            final int slash = entry.indexOf('/');
            final byte[] address = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? entry : entry.substring(0, slash));
            int prefix = null == address ? -1 : address.length * 8;
            if (null != address && slash >= 0)
            {
                try
                {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                }
                catch (final NumberFormatException ex)
                {
                    prefix = -1;
                }
            }
            if (null == address || prefix < 0 || prefix > address.length * 8)
            {
                throw new IllegalArgumentException("websocket.trustedProxies: expected IP addresses or CIDR blocks such " +
                    "as 10.0.0.5 or 10.0.0.0/8, got '" + HttpResponses.clientText(entry) + "'");
            }
            blocks.add(new Block(address, prefix));
        }
        return new TrustedProxies(List.copyOf(blocks));
    }

    /**
     * Whether an address belongs to a trusted proxy.
     *
     * @param address the address.
     * @return true when a configured address or block contains it.
     */
    public boolean isTrusted(final InetAddress address)
    {
        if (null == address || blocks.isEmpty())
        {
            return false;
        }
        final byte[] bytes = normalise(address.getAddress());
        for (final Block block : blocks)
        {
            if (block.contains(bytes) || block.contains(address.getAddress()))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The client address of a request: the peer, or when the peer is a trusted proxy the right-most
     * {@code X-Forwarded-For} entry that is not a trusted proxy (the left-most entry when all are, the last trusted
     * hop when an entry is not an IP address).
     *
     * @param peer         address of the connection, or null.
     * @param forwardedFor every {@code X-Forwarded-For} value in order, or an empty list.
     * @return the client's IP address as text, or null when the peer is unknown.
     */
    public String clientAddress(final InetSocketAddress peer, final List<String> forwardedFor)
    {
        if (null == peer)
        {
            return null;
        }
        InetAddress hop = peer.getAddress();
        if (null == hop)
        {
            return peer.getHostString();
        }
        if (!isTrusted(hop) || null == forwardedFor || forwardedFor.isEmpty())
        {
            return hop.getHostAddress();
        }
        final List<String> entries = new ArrayList<>();
        for (final String value : forwardedFor)
        {
            for (final String part : value.split(","))
            {
                entries.add(part.trim());
            }
        }
        for (int i = entries.size() - 1; i >= 0; i--)
        {
            final InetAddress entry = literal(entries.get(i));
            if (null == entry)
            {
                break;
            }
            hop = entry;
            if (!isTrusted(entry))
            {
                break;
            }
        }
        return hop.getHostAddress();
    }

    private static InetAddress literal(final String text)
    {
        String value = text;
        if (value.startsWith("[") && value.indexOf(']') > 0)
        {
            value = value.substring(1, value.indexOf(']'));
        }
        final byte[] bytes = NetUtil.createByteArrayFromIpAddressString(value);
        if (null == bytes)
        {
            return null;
        }
        try
        {
            return InetAddress.getByAddress(bytes);
        }
        catch (final UnknownHostException ex)
        {
            return null;
        }
    }

    /** An IPv4-mapped IPv6 address as its IPv4 bytes, so 10.0.0.0/8 contains ::ffff:10.0.0.1. */
    private static byte[] normalise(final byte[] address)
    {
        if (16 == address.length)
        {
            for (int i = 0; i < 10; i++)
            {
                if (0 != address[i])
                {
                    return address;
                }
            }
            if ((byte)0xFF == address[10] && (byte)0xFF == address[11])
            {
                return new byte[]{ address[12], address[13], address[14], address[15] };
            }
        }
        return address;
    }

    /**
     * Whether any proxy is trusted.
     *
     * @return false for the default, empty set.
     */
    public boolean isEmpty()
    {
        return blocks.isEmpty();
    }
}
