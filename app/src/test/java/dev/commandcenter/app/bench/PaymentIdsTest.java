package dev.commandcenter.app.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load generator's txids as hex: the run's tag, 16 zero bytes and the event's index, in the JSON view's
 * lowercase hex, and read back from the text of a frame.
 */
class PaymentIdsTest
{
    @Test
    void shouldWriteTheTagZerosAndIndexAsSixtyFourLowercaseHexDigitsAndReadTheIndexBack()
    {
        final long tag = 0x0123456789ABCDEFL;
        final String hex = PaymentIds.hex(tag, 10);

        assertThat(hex).isEqualTo("0123456789abcdef" + "0".repeat(32) + "000000000000000a");
        assertThat(PaymentIds.hex(-1L, Long.MAX_VALUE))
            .isEqualTo("ffffffffffffffff" + "0".repeat(32) + "7fffffffffffffff");
        final String frame = "{\"txid\":\"" + hex + "\"}";
        assertThat(PaymentIds.index(frame, frame.indexOf(hex), tag)).isEqualTo(10);
        assertThat(PaymentIds.index(frame, frame.indexOf(hex), tag + 1)).isEqualTo(PaymentIds.NOT_OURS);
    }
}
