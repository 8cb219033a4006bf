package dev.commandcenter.transport.websocket;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class JsonRendererTest
{
    @Test
    void shouldFormatTimestampsAsInstantDoesToTheMillisecond()
    {
        final char[] out = new char[32];
        final long[] fixed = {
            0L, 999_999L, 1_000_000L, -1L, -1_000_000L, 1_700_000_000_000_000_000L, 1_700_000_000_001_000_000L,
            951_782_400_000_000_000L, 4_107_542_400_000_000_000L, Long.MIN_VALUE, Long.MAX_VALUE };
        for (final long ns : fixed)
        {
            assertFormatted(ns, out);
        }
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++)
        {
            assertFormatted(random.nextLong(), out);
        }
    }

    private static void assertFormatted(final long ns, final char[] out)
    {
        final int length = JsonRenderer.formatIsoTimestamp(ns, out);
        assertThat(new String(out, 0, length)).as("%d ns", ns).isEqualTo(JsonRenderer.isoTimestamp(ns));
    }
}
