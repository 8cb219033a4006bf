package dev.commandcenter.app.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CpuTimesTest
{
    @TempDir
    Path proc;

    private final long pid = ProcessHandle.current().pid();

    @Test
    void shouldSplitTheTotalByTheKernelsShareOfTicksAndSumThreadsByName() throws IOException
    {
        // A name with spaces and a parenthesis: fields are counted after the last ')'. utime 300, stime 100.
        stat("(java (x) y) S 1 1 1 0 -1 4194560 100 0 0 0 300 100 0 0 20 0 30 0 1 1 1");
        thread(11, "cc-engine", "5000000 10 20", "(cc-engine) S 1 1 1 0 -1 0 0 0 0 0 90 10 0 0");
        thread(12, "cc-web-http-4-1", "7000000 10 20", "(cc-web-http-4-1) S 1 1 1 0 -1 0 0 0 0 0 30 40 0 0");
        thread(13, "cc-web-http-4-1", "1000000 10 20", "(cc-web-http-4-1) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0");
        thread(14, "vanished", null, null);
        thread(15, "no-stat", "2000000 10 20", null);
        thread(16, "no-stat", "3000000 10 20", "(no-stat) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0");

        final CpuTimes times = CpuTimes.of(proc, List.of(pid));

        assertThat(times.totalNs()).isPositive();
        assertThat(times.kernelNs()).isEqualTo((long)(times.totalNs() * 100.0 / 400));
        assertThat(times.threadNs()).containsExactlyInAnyOrderEntriesOf(
            Map.of("cc-engine", 5_000_000L, "cc-web-http-4-1", 8_000_000L, "no-stat", 5_000_000L));
        // Each thread's time split by its own ticks (4/7 of 7 ms; none of a thread with no ticks yet); a name with
        // one thread whose split is unknown has none.
        assertThat(times.threadKernelNs("cc-engine")).isEqualTo(500_000L);
        assertThat(times.threadKernelNs("cc-web-http-4-1")).isEqualTo(4_000_000L);
        assertThat(times.threadKernelNs("no-stat")).isEqualTo(-1);
        assertThat(times.threadKernelNs("vanished")).isEqualTo(-1);
        assertThat(times.busiest(1)).containsExactly(Map.entry("cc-web-http-4-1", 8_000_000L));
        assertThat(times.busiest(5)).extracting(Map.Entry::getKey)
            .containsExactly("cc-web-http-4-1", "cc-engine", "no-stat");
    }

    @Test
    void shouldTakeTheDifferenceOfTwoSamplesAndLeaveOutThreadsThatEnded()
    {
        final CpuTimes before = new CpuTimes(1_000, 200, Map.of("a", 100L, "ended", 50L),
            Map.of("a", 40L, "ended", 10L));
        final CpuTimes after = new CpuTimes(1_600, 500, Map.of("a", 400L, "started", 70L),
            Map.of("a", 140L, "started", 20L));

        final CpuTimes run = after.since(before);

        assertThat(run.totalNs()).isEqualTo(600);
        assertThat(run.kernelNs()).isEqualTo(300);
        assertThat(run.threadNs()).containsExactlyInAnyOrderEntriesOf(Map.of("a", 300L, "started", 70L));
        assertThat(run.threadKernelNs()).containsExactlyInAnyOrderEntriesOf(Map.of("a", 100L, "started", 20L));
        assertThat(after.since(CpuTimes.UNKNOWN)).isEqualTo(CpuTimes.UNKNOWN);
        assertThat(new CpuTimes(1_600, -1, Map.of(), Map.of()).since(before).kernelNs()).isEqualTo(-1);
    }

    @Test
    void shouldKnowOnlyTheTotalWithoutProcAndNothingForNoProcessOrOneThatIsGone()
    {
        final CpuTimes withoutProc = CpuTimes.of(proc, List.of(pid));
        assertThat(withoutProc.totalNs()).isPositive();
        assertThat(withoutProc.kernelNs()).isEqualTo(-1);
        assertThat(withoutProc.threadNs()).isEmpty();

        assertThat(CpuTimes.of(proc, List.of())).isEqualTo(CpuTimes.UNKNOWN);
        assertThat(CpuTimes.of(proc, List.of(pid, Long.MAX_VALUE))).isEqualTo(CpuTimes.UNKNOWN);
    }

    @Test
    void shouldRefuseAStatLineItCannotRead() throws IOException
    {
        final Path stat = proc.resolve("stat");
        Files.writeString(stat, "42 (no closing S 1 2 3");
        assertThat(CpuTimes.userAndSystemTicks(stat)).isNull();
        Files.writeString(stat, "42 (short) S 1 2 3");
        assertThat(CpuTimes.userAndSystemTicks(stat)).isNull();
        Files.writeString(stat, "42 (bad) S 1 1 1 0 -1 4194560 100 0 0 0 x 100 0");
        assertThat(CpuTimes.userAndSystemTicks(stat)).isNull();
        assertThat(CpuTimes.userAndSystemTicks(proc.resolve("missing"))).isNull();
    }

    private void stat(final String afterPid) throws IOException
    {
        final Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("stat"), pid + " " + afterPid + "\n");
    }

    private void thread(final int tid, final String name, final String schedstat, final String statAfterTid)
        throws IOException
    {
        final Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)).resolve("task").resolve(Integer.toString(tid)));
        Files.writeString(dir.resolve("comm"), name + "\n");
        if (null != schedstat)
        {
            Files.writeString(dir.resolve("schedstat"), schedstat + "\n");
        }
        if (null != statAfterTid)
        {
            Files.writeString(dir.resolve("stat"), tid + " " + statAfterTid + "\n");
        }
    }
}
