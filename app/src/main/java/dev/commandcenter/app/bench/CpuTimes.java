package dev.commandcenter.app.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CPU time some processes have used so far: in total, the part spent in the kernel, and per thread name, so a run
 * can say where a server's time per frame goes (its threads, and the kernel's share: on loopback a send is mostly
 * kernel work, charged to the sender) and what the load generator itself costs on the same cores.
 * <p>
 * The total comes from the JDK ({@link ProcessHandle.Info#totalCpuDuration()}); the kernel share and the threads
 * from Linux's {@code /proc}: {@code stat} (user and system clock ticks, whose ratio splits the total) and each
 * thread's {@code schedstat} (time on a CPU, ns) under its {@code comm} name, split the same way by the thread's own
 * {@code stat}. Elsewhere only the total is known.
 *
 * @param totalNs        CPU time, user and system, summed over the processes; -1 when the system does not tell.
 * @param kernelNs       the part in the kernel; -1 when unknown.
 * @param threadNs       CPU time by thread name (threads of one name summed); empty when unknown.
 * @param threadKernelNs the part of each thread name's time in the kernel; a name missing here has no split.
 */
record CpuTimes(long totalNs, long kernelNs, Map<String, Long> threadNs, Map<String, Long> threadKernelNs)
{
    /** Nothing known. */
    static final CpuTimes UNKNOWN = new CpuTimes(-1, -1, Map.of(), Map.of());

    private static final Path PROC = Path.of("/proc");

    /**
     * Sample processes now.
     *
     * @param pids the processes.
     * @return their summed times; {@link #UNKNOWN} with no pid, or when one has no CPU time to tell.
     */
    static CpuTimes of(final List<Long> pids)
    {
        return of(PROC, pids);
    }

    /**
     * Sample processes now, from a given {@code /proc}.
     *
     * @param proc the proc file system's root.
     * @param pids the processes.
     * @return their summed times.
     */
    static CpuTimes of(final Path proc, final List<Long> pids)
    {
        if (pids.isEmpty())
        {
            return UNKNOWN;
        }
        long totalNs = 0;
        long kernelNs = 0;
        final Map<String, Long> threads = new HashMap<>();
        final Map<String, Long> threadsKernel = new HashMap<>();
        final Set<String> unsplit = new HashSet<>();
        for (final long pid : pids)
        {
            final long cpuNs = ProcessHandle.of(pid).flatMap((handle) -> handle.info().totalCpuDuration())
                .map(Duration::toNanos).orElse(-1L);
            if (cpuNs < 0)
            {
                return UNKNOWN;
            }
            totalNs += cpuNs;
            final long[] ticks = userAndSystemTicks(proc.resolve(Long.toString(pid)).resolve("stat"));
            if (null == ticks || kernelNs < 0)
            {
                kernelNs = -1;
            }
            else
            {
                final long allTicks = ticks[0] + ticks[1];
                kernelNs += 0 == allTicks ? 0 : (long)((double)cpuNs * ticks[1] / allTicks);
            }
            addThreads(proc.resolve(Long.toString(pid)).resolve("task"), threads, threadsKernel, unsplit);
        }
        threadsKernel.keySet().removeAll(unsplit);
        return new CpuTimes(totalNs, kernelNs, Map.copyOf(threads), Map.copyOf(threadsKernel));
    }

    /**
     * What was used between an earlier sample and this one. A thread that ended in between is left out; one that
     * started counts from 0.
     *
     * @param before the earlier sample.
     * @return the difference; {@link #UNKNOWN} when either total is unknown.
     */
    CpuTimes since(final CpuTimes before)
    {
        if (totalNs < 0 || before.totalNs < 0)
        {
            return UNKNOWN;
        }
        final Map<String, Long> threads = new HashMap<>();
        threadNs.forEach((name, ns) -> threads.put(name, Math.max(0, ns - before.threadNs.getOrDefault(name, 0L))));
        final Map<String, Long> threadsKernel = new HashMap<>();
        threadKernelNs.forEach((name, ns) -> threadsKernel.put(name,
            Math.min(threads.getOrDefault(name, 0L), Math.max(0, ns - before.threadKernelNs.getOrDefault(name, 0L)))));
        return new CpuTimes(totalNs - before.totalNs,
            kernelNs < 0 || before.kernelNs < 0 ? -1 : Math.max(0, kernelNs - before.kernelNs), Map.copyOf(threads),
            Map.copyOf(threadsKernel));
    }

    /**
     * The part of a thread name's CPU time spent in the kernel.
     *
     * @param name the thread name.
     * @return ns, or -1 when not known.
     */
    long threadKernelNs(final String name)
    {
        return threadKernelNs.getOrDefault(name, -1L);
    }

    /**
     * The busiest threads, busiest first.
     *
     * @param most how many at most.
     * @return names and CPU times.
     */
    List<Map.Entry<String, Long>> busiest(final int most)
    {
        final List<Map.Entry<String, Long>> entries = new ArrayList<>(threadNs.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        return entries.subList(0, Math.min(most, entries.size()));
    }

    /**
     * User and system ticks from a {@code stat} file: fields 14 and 15, counted after the name in parentheses
     * (which may itself hold spaces and parentheses).
     */
    static long[] userAndSystemTicks(final Path stat)
    {
        try
        {
            final String text = Files.readString(stat, StandardCharsets.US_ASCII);
            final int nameEnd = text.lastIndexOf(')');
            if (nameEnd < 0)
            {
                return null;
            }
            // After the name: field 3 (state) is index 0, so field n is index n - 3.
            final String[] fields = text.substring(nameEnd + 1).trim().split("\\s+");
            if (fields.length < 13)
            {
                return null;
            }
            return new long[] { Long.parseLong(fields[11]), Long.parseLong(fields[12]) };
        }
        catch (final IOException | NumberFormatException ex)
        {
            return null;
        }
    }

    private static void addThreads(final Path tasks, final Map<String, Long> threads,
        final Map<String, Long> threadsKernel, final Set<String> unsplit)
    {
        if (!Files.isDirectory(tasks))
        {
            return;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(tasks))
        {
            for (final Path task : stream)
            {
                try
                {
                    final String name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
                    final String schedstat = Files.readString(task.resolve("schedstat"), StandardCharsets.US_ASCII);
                    final int end = schedstat.indexOf(' ');
                    final long ns = Long.parseLong(end < 0 ? schedstat.strip() : schedstat.substring(0, end));
                    threads.merge(name, ns, Long::sum);
                    // The thread's own user and system ticks split its time; without them its name has no split.
                    final long[] ticks = userAndSystemTicks(task.resolve("stat"));
                    if (null == ticks)
                    {
                        unsplit.add(name);
                    }
                    else
                    {
                        final long allTicks = ticks[0] + ticks[1];
                        threadsKernel.merge(name, 0 == allTicks ? 0 : (long)((double)ns * ticks[1] / allTicks),
                            Long::sum);
                    }
                }
                catch (final IOException | NumberFormatException ex)
                {
                    // The thread ended while being read, or the kernel keeps no schedstat: leave it out.
                }
            }
        }
        catch (final IOException ex)
        {
            // The process ended: its threads are unknown.
        }
    }
}
