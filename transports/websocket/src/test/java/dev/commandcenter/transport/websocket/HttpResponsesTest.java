package dev.commandcenter.transport.websocket;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class HttpResponsesTest
{
    @ParameterizedTest
    @ValueSource(longs = {0, 7, 9, 10, 99, 100, 123_456_789, 1_000_000_000_000L, Long.MAX_VALUE, -1, Long.MIN_VALUE})
    void shouldWriteTheReceiptAsItsDecimalNumber(final long receipt)
    {
        assertThat(new String(HttpResponses.receiptBody(receipt), StandardCharsets.US_ASCII))
            .isEqualTo("{\"receipt\":" + receipt + "}");
    }
}
