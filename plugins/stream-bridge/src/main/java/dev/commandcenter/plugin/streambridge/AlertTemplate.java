package dev.commandcenter.plugin.streambridge;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A text template such as {@code "{amount} from {address}"}, compiled once into segments (UTF-8
 * literals and placeholders) and rendered per payment straight into a caller's buffer.
 * <p>
 * Placeholders: {@code {amount}} as {@code 0.00012345 BTC} (always 8 decimals), {@code {sats}} as a
 * plain integer ({@code 12345}), {@code {address}}, {@code {memo}}, {@code {txid}} as 64 lowercase
 * hex digits, and the viewer's {@code {name}} and {@code {message}} of a tip memo (empty without one). <code>{{</code> and <code>}}</code> stand for literal braces. Text longer than the limit is cut at
 * a character boundary and ends with an ellipsis.
 * <p>
 * <b>Note:</b> immutable after compilation; rendering uses a scratch buffer, so one instance serves one thread.
 */
final class AlertTemplate
{
    /** Placeholder names in the order they are listed in error messages. */
    static final String PLACEHOLDERS = "{amount}, {sats}, {address}, {memo}, {txid}, {name}, {message}";

    private static final byte LITERAL = 0;
    private static final byte AMOUNT = 1;
    private static final byte SATS = 2;
    private static final byte ADDRESS = 3;
    private static final byte MEMO = 4;
    private static final byte TXID = 5;
    private static final byte NAME = 6;
    private static final byte MESSAGE = 7;

    private static final long SATS_PER_BTC = 100_000_000L;
    private static final byte[] BTC_SUFFIX = " BTC".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ELLIPSIS = "\u2026".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final String source;
    private final byte[] kinds;
    private final UnsafeBuffer[] literals;
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[80]);

    private AlertTemplate(final String source, final byte[] kinds, final UnsafeBuffer[] literals)
    {
        this.source = source;
        this.kinds = kinds;
        this.literals = literals;
    }

    /**
     * Compile a template.
     *
     * @param name     of the setting, for error messages (for example {@code plugins.stream-bridge.message}).
     * @param template text with placeholders.
     * @return the compiled template.
     * @throws IllegalArgumentException naming the unknown placeholder or the unclosed brace.
     */
    static AlertTemplate compile(final String name, final String template)
    {
        final List<Byte> kinds = new ArrayList<>();
        final List<UnsafeBuffer> literals = new ArrayList<>();
        final StringBuilder literal = new StringBuilder();
        final int length = template.length();
        int i = 0;
        while (i < length)
        {
            final char c = template.charAt(i);
            if ('{' == c && i + 1 < length && '{' == template.charAt(i + 1))
            {
                literal.append('{');
                i += 2;
            }
            else if ('}' == c && i + 1 < length && '}' == template.charAt(i + 1))
            {
                literal.append('}');
                i += 2;
            }
            else if ('{' == c)
            {
                final int close = template.indexOf('}', i + 1);
                if (close < 0)
                {
                    throw new IllegalArgumentException(name + ": unclosed '{' at position " + i + " in '" + template +
                        "', expected a placeholder such as {amount} (write {{ for a literal brace)");
                }
                final String placeholder = template.substring(i, close + 1);
                final byte kind = kindOf(placeholder);
                if (LITERAL == kind)
                {
                    throw new IllegalArgumentException(name + ": unknown placeholder '" + placeholder +
                        "', expected one of " + PLACEHOLDERS);
                }
                flush(literal, kinds, literals);
                kinds.add(kind);
                literals.add(null);
                i = close + 1;
            }
            else
            {
                literal.append(c);
                i++;
            }
        }
        flush(literal, kinds, literals);

        final byte[] kindArray = new byte[kinds.size()];
        for (int k = 0; k < kindArray.length; k++)
        {
            kindArray[k] = kinds.get(k);
        }
        return new AlertTemplate(template, kindArray, literals.toArray(new UnsafeBuffer[0]));
    }

    /**
     * Render the template for a payment.
     *
     * @param payment   whose fields fill the placeholders.
     * @param dst       to write the UTF-8 text into, from index 0; capacity at least {@code maxLength}.
     * @param maxLength most bytes to write; at least the length of an ellipsis (3).
     * @return the number of bytes written.
     */
    int render(final Payment payment, final MutableDirectBuffer dst, final int maxLength)
    {
        int position = 0;
        for (int i = 0; i < kinds.length; i++)
        {
            final DirectBuffer src;
            final int srcLength;
            switch (kinds[i])
            {
                case AMOUNT:
                    src = scratch;
                    srcLength = putBtc(scratch, payment.amountSats);
                    break;

                case SATS:
                    src = scratch;
                    srcLength = scratch.putLongAscii(0, payment.amountSats);
                    break;

                case ADDRESS:
                    src = payment.address;
                    srcLength = payment.address.capacity();
                    break;

                case MEMO:
                    src = payment.memo;
                    srcLength = payment.memo.capacity();
                    break;

                case NAME:
                    src = payment.name;
                    srcLength = payment.name.capacity();
                    break;

                case MESSAGE:
                    src = payment.message;
                    srcLength = payment.message.capacity();
                    break;

                case TXID:
                    src = scratch;
                    srcLength = putHex(scratch, payment.txidBuffer, payment.txidOffset, Payment.TXID_LENGTH);
                    break;

                default:
                    src = literals[i];
                    srcLength = literals[i].capacity();
                    break;
            }

            if (position + srcLength > maxLength)
            {
                dst.putBytes(position, src, 0, maxLength - position);
                return ellipsize(dst, maxLength);
            }
            dst.putBytes(position, src, 0, srcLength);
            position += srcLength;
        }
        return position;
    }

    /**
     * The template text as configured.
     *
     * @return the source text.
     */
    public String toString()
    {
        return source;
    }

    /**
     * Cut text that filled the whole limit so an ellipsis fits after it, at a UTF-8 character boundary.
     */
    private static int ellipsize(final MutableDirectBuffer dst, final int maxLength)
    {
        int cut = maxLength - ELLIPSIS.length;
        while (cut > 0 && (dst.getByte(cut) & 0xC0) == 0x80)
        {
            cut--;
        }
        dst.putBytes(cut, ELLIPSIS);
        return cut + ELLIPSIS.length;
    }

    /**
     * Write an amount as {@code 0.00012345 BTC}.
     *
     * @return the number of bytes written.
     */
    static int putBtc(final MutableDirectBuffer dst, final long sats)
    {
        int position = 0;
        long whole = sats / SATS_PER_BTC;
        long fraction = sats % SATS_PER_BTC;
        if (sats < 0)
        {
            dst.putByte(position++, (byte)'-');
            whole = -whole;
            fraction = -fraction;
        }
        position += dst.putNaturalLongAscii(position, whole);
        dst.putByte(position++, (byte)'.');
        dst.putNaturalPaddedIntAscii(position, 8, (int)fraction);
        position += 8;
        dst.putBytes(position, BTC_SUFFIX);
        return position + BTC_SUFFIX.length;
    }

    /**
     * Write bytes as lowercase hex.
     *
     * @return the number of bytes written.
     */
    static int putHex(final MutableDirectBuffer dst, final DirectBuffer src, final int offset, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            final int b = src.getByte(offset + i) & 0xFF;
            dst.putByte(2 * i, HEX_DIGITS[b >>> 4]);
            dst.putByte(2 * i + 1, HEX_DIGITS[b & 0xF]);
        }
        return 2 * length;
    }

    private static byte kindOf(final String placeholder)
    {
        return switch (placeholder)
        {
            case "{amount}" -> AMOUNT;
            case "{sats}" -> SATS;
            case "{address}" -> ADDRESS;
            case "{memo}" -> MEMO;
            case "{txid}" -> TXID;
            case "{name}" -> NAME;
            case "{message}" -> MESSAGE;
            default -> LITERAL;
        };
    }

    private static void flush(final StringBuilder literal, final List<Byte> kinds, final List<UnsafeBuffer> literals)
    {
        if (!literal.isEmpty())
        {
            kinds.add(LITERAL);
            literals.add(new UnsafeBuffer(literal.toString().getBytes(StandardCharsets.UTF_8)));
            literal.setLength(0);
        }
    }
}
