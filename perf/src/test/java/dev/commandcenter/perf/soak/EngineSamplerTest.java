package dev.commandcenter.perf.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class EngineSamplerTest
{
    @Test
    void shouldReadPausesAndHeapAfterTheLastCollectionFromAG1Log()
    {
        final EngineSampler.GcState state = EngineSampler.gc(List.of(
            "[0.012s][info][gc] Using G1",
            "[1.500s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->4M(256M) 3.456ms",
            "[9.100s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 60M->12M(256M) 17.250ms",
            "[9.300s][info][gc] GC(2) Concurrent Mark Cycle 20.1ms"));

        assertThat(state.pauses).isEqualTo(2);
        assertThat(state.heapAfterMb).isEqualTo(12);
        assertThat(state.maxPauseMsSince(0)).isEqualTo(17.25);
        assertThat(state.maxPauseMsSince(2)).isEqualTo(-1);
    }

    @Test
    void shouldFailAHealthProbeThatTakesLongerThanItsDeadline() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        try (LocalServer slow = new LocalServer((socket) ->
        {
            try
            {
                release.await();
            }
            catch (final InterruptedException ignore)
            {
                // end of test
            }
        }))
        {
            final long startNs = System.nanoTime();
            assertThat(new HealthProbe(slow.address(), "t").probe(300)).isEqualTo(-1);
            assertThat(System.nanoTime() - startNs).isLessThan(5_000_000_000L);
            release.countDown();
        }
    }

    @Test
    void shouldTimeAHealthProbeAnsweredWith200AndSendTheToken() throws IOException
    {
        final StringBuilder request = new StringBuilder();
        try (LocalServer server = new LocalServer((socket) ->
        {
            final InputStream in = socket.getInputStream();
            while (!request.toString().endsWith("\r\n\r\n"))
            {
                request.append((char)in.read());
            }
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII));
            socket.close();
        }))
        {
            assertThat(new HealthProbe(server.address(), "tok").probe(1_000)).isGreaterThan(0);
            assertThat(request.toString()).startsWith("GET /api/health HTTP/1.1\r\n")
                .contains("Authorization: Bearer tok\r\n");
        }
    }
}
