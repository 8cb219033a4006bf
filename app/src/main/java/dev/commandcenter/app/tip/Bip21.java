package dev.commandcenter.app.tip;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * BIP21 payment requests: {@code bitcoin:ADDRESS?amount=0.0005&label=CREATOR&message=MESSAGE}, the amount in BTC
 * without trailing zeros, label and message percent-encoded as RFC 3986 asks (every byte of their UTF-8 but the
 * unreserved characters, so a space is {@code %20}, never {@code +}), left out when empty.
 * <p>
 * <b>Note:</b> stateless and thread safe.
 */
public final class Bip21
{
    /** Scheme of a payment request. */
    public static final String SCHEME = "bitcoin:";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Bip21()
    {
    }

    /**
     * A payment request.
     *
     * @param address    where to pay.
     * @param amountSats how much, in satoshis.
     * @param label      the payee (the creator's name), or empty.
     * @param message    what the payment is for (the viewer's message), or empty.
     * @return the URI.
     */
    public static String uri(final String address, final long amountSats, final String label, final String message)
    {
        final StringBuilder uri = new StringBuilder(SCHEME).append(address).append("?amount=").append(btc(amountSats));
        if (null != label && !label.isEmpty())
        {
            uri.append("&label=");
            percentEncode(label, uri);
        }
        if (null != message && !message.isEmpty())
        {
            uri.append("&message=");
            percentEncode(message, uri);
        }
        return uri.toString();
    }

    /**
     * An amount in BTC as BIP21 writes it: a plain decimal without trailing zeros.
     *
     * @param sats satoshis, 0 or more.
     * @return such as {@code 0.0005} for 50,000 sats or {@code 1} for 100,000,000.
     */
    public static String btc(final long sats)
    {
        if (0 == sats)
        {
            return "0";
        }
        return BigDecimal.valueOf(sats, 8).stripTrailingZeros().toPlainString();
    }

    /**
     * Percent-encode text as RFC 3986 asks for a query value: the unreserved characters ({@code A-Z a-z 0-9 - . _ ~})
     * as they are, every other byte of the UTF-8 as {@code %XX}.
     *
     * @param text to encode.
     * @param out  where the encoded text is appended.
     */
    public static void percentEncode(final String text, final StringBuilder out)
    {
        for (final byte b : text.getBytes(StandardCharsets.UTF_8))
        {
            final int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                '-' == c || '.' == c || '_' == c || '~' == c)
            {
                out.append((char)c);
            }
            else
            {
                out.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xF]);
            }
        }
    }
}
