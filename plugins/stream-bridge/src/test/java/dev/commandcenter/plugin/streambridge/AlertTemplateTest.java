package dev.commandcenter.plugin.streambridge;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class AlertTemplateTest
{
    private final UnsafeBuffer txid = new UnsafeBuffer(TestPayment.hash(9));
    private final UnsafeBuffer output = new UnsafeBuffer(new byte[4096]);

    @ParameterizedTest
    @CsvSource({
        "0, 0.00000000 BTC",
        "1, 0.00000001 BTC",
        "12345, 0.00012345 BTC",
        "100000000, 1.00000000 BTC",
        "123456789012, 1234.56789012 BTC",
        "2100000000000000, 21000000.00000000 BTC",
        "-150000000, -1.50000000 BTC" })
    void shouldFormatAmountsInBitcoinWithEightDecimals(final long sats, final String expected)
    {
        assertThat(render("{amount}", sats, "", "", 1024)).isEqualTo(expected);
    }

    @Test
    void shouldRenderSatsAddressMemoAndTxid()
    {
        final String text = render("{sats} sats to {address}: {memo} ({txid})", 12_345, "bc1qxyz", "thanks!", 1024);

        assertThat(text).isEqualTo("12345 sats to bc1qxyz: thanks! (" + java.util.HexFormat.of().formatHex(TestPayment.hash(9)) + ")");
    }

    @Test
    void shouldTreatDoubledBracesAsLiteralsAndLoneClosingBraceAsText()
    {
        assertThat(render("{{amount}} } {{{sats}}}", 5, "", "", 1024)).isEqualTo("{amount} } {5}");
    }

    @Test
    void shouldKeepTextThatFitsExactly()
    {
        final String memo = "x".repeat(64);

        assertThat(render("{memo}", 1, "", memo, 64)).isEqualTo(memo);
    }

    @Test
    void shouldCutLongTextAtACharacterBoundaryAndEndWithEllipsis() throws CharacterCodingException
    {
        for (int shift = 0; shift < 4; shift++)
        {
            final String memo = "a".repeat(shift) + "\u00e9\u20ac\ud83d\ude80".repeat(200);

            final int length = template("Memo: {memo} end").render(payment(1, "", memo), output, 100);

            assertThat(length).isLessThanOrEqualTo(100).isGreaterThan(90);
            final byte[] bytes = new byte[length];
            output.getBytes(0, bytes);
            final String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
            assertThat(text).endsWith("\u2026");
            assertThat(("Memo: " + memo)).startsWith(text.substring(0, text.length() - 1));
        }
    }

    @Test
    void shouldCutALongLiteral()
    {
        assertThat(render("x".repeat(50), 1, "", "", 10)).isEqualTo("xxxxxxx\u2026");
    }

    private String render(final String template, final long sats, final String address, final String memo, final int max)
    {
        final int length = template(template).render(payment(sats, address, memo), output, max);
        return output.getStringWithoutLengthUtf8(0, length);
    }

    private static AlertTemplate template(final String text)
    {
        return AlertTemplate.compile("test", text);
    }

    private Payment payment(final long sats, final String address, final String memo)
    {
        final Payment payment = new Payment().set(sats, txid, 0);
        payment.address.wrap(address.getBytes(StandardCharsets.UTF_8));
        payment.memo.wrap(memo.getBytes(StandardCharsets.UTF_8));
        return payment;
    }
}
