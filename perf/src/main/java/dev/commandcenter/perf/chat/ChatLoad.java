package dev.commandcenter.perf.chat;

import org.HdrHistogram.HistogramLogWriter;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code perf/peers-chat/run}: issue #13's chat load. Starts the engine in its own process with the chat plugin and
 * gateway, connects N WebSocket viewers to the chat feed with the chat token, then posts R messages a second through
 * {@code POST /api/chat/messages} on a fixed schedule (a warm-up, then the measured run), each message's messageId
 * its index in the schedule. Every viewer records, per {@code ChatLine}, the delivery latency from the message's
 * intended send time (coordinated-omission safe, HdrHistogram), and the lines it never saw or saw twice. The report
 * ({@code summary.md}, {@code latency.hgrm}, the engine's config and log) goes to a timestamped folder under
 * {@code bench-results/}, a short summary to standard output.
 * <p>
 * Exit status: 0 when every owed line reached every viewer once and no post was refused, 1 otherwise (or when the run
 * could not happen), 2 on a bad command line. The latency target is reported, never enforced.
 */
public final class ChatLoad
{
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration COLLECT_TIMEOUT = Duration.ofSeconds(30);
    private static final long FIRST_POST_DELAY_MS = 500;
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

    private ChatLoad()
    {
    }

    /**
     * Run it.
     *
     * @param args options; see {@link ChatLoadOptions#USAGE}.
     */
    public static void main(final String[] args)
    {
        final PrintWriter console = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        final Path root = Path.of(System.getProperty("chat.root", ".")).toAbsolutePath().normalize();
        final ChatLoadOptions options;
        try
        {
            options = ChatLoadOptions.parse(args, root,
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("perf/peers-chat/run: " + ex.getMessage());
            System.exit(2);
            return;
        }
        int status;
        try
        {
            status = run(options, console);
        }
        catch (final IllegalStateException | UncheckedIOException ex)
        {
            System.err.println("perf/peers-chat/run: " + ex.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    static int run(final ChatLoadOptions options, final PrintWriter console)
    {
        try
        {
            Files.createDirectories(options.out());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create " + options.out() + ": " + ex.getMessage(), ex);
        }
        final String machine = machine();
        console.println("chat load: " + options.settings());
        console.println("report in " + options.out());
        try (ChatEngine engine = ChatEngine.start(options.root(), options.out(), options.clients(), options.rate(),
            console);
            ChatViewers viewers = new ChatViewers(options.threads()))
        {
            console.printf(Locale.ROOT, "connecting %,d viewers to /ws/chat (%s, %s)...%n", options.clients(),
                options.format(), viewers.transport());
            viewers.connect(engine.feed(), options.format(), options.clients(), CONNECT_TIMEOUT);
            final long[] dropsBefore = engine.webSocketDrops();

            final SystemNanoClock clock = SystemNanoClock.INSTANCE;
            final long warmup = options.warmupMessages();
            final ChatSchedule schedule = new ChatSchedule(
                clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FIRST_POST_DELAY_MS), options.rate(), warmup,
                warmup + options.measuredMessages());
            viewers.start(schedule);
            final long[] cpuAtStart = new long[2];
            try (ChatPosters posters = new ChatPosters(engine.messages(), engine.chatToken(), options.posters(),
                schedule, POST_TIMEOUT))
            {
                console.printf(Locale.ROOT, "posting %,d messages/s: %,d of warm-up, then %,d measured...%n",
                    options.rate(), warmup, options.measuredMessages());
                final Thread cpuMark = Thread.ofPlatform().daemon().name("chat-load-cpu").start(() ->
                {
                    // CPU is read when the first measured message is due, so the warm-up's JIT stays out of it.
                    LockSupport.parkNanos(Math.max(0, schedule.measuredStartNs() - clock.nanoTime()));
                    cpuAtStart[0] = engine.cpuNanos();
                    cpuAtStart[1] = ownCpuNanos();
                });
                final Thread poster = Thread.ofPlatform().name("chat-load-schedule").start(() ->
                    schedule.run(clock, posters));
                while (!join(poster, PROGRESS_INTERVAL))
                {
                    console.printf(Locale.ROOT, "  posted %,d of %,d, lines delivered %,d%n", posters.figures().posted(),
                        schedule.count(), viewers.delivered());
                }
                join(cpuMark, Duration.ZERO);
                if (!posters.awaitAnswers(POST_TIMEOUT.plusSeconds(5)))
                {
                    console.println("  some posts had no answer in time (counted as failed)");
                }
                final BitSet notOwed = posters.notOwed();
                final long owedLines = owed(schedule, notOwed) * options.clients();
                awaitTail(viewers, owedLines, options.tail(), engine);
                final long serverCpu = delta(cpuAtStart[0], engine.cpuNanos());
                final long clientCpu = delta(cpuAtStart[1], ownCpuNanos());
                final long[] dropsAfter = engine.webSocketDrops();
                final ChatViewers.ViewerFigures figures = viewers.collect(notOwed, COLLECT_TIMEOUT);
                final ChatLoadReport report = new ChatLoadReport(options.settings(), machine, options.clients(),
                    options.rate(), figures, posters.figures(), options.measuredMessages(),
                    owedMeasured(schedule, notOwed), serverCpu, clientCpu,
                    counterDelta(dropsBefore, dropsAfter, 0), counterDelta(dropsBefore, dropsAfter, 1));
                write(options.out(), report);
                console.println();
                console.print(report.summary());
                console.println("report in " + options.out());
                console.flush();
                return report.complete() ? 0 : 1;
            }
        }
    }

    private static boolean join(final Thread thread, final Duration bound)
    {
        try
        {
            if (bound.isZero())
            {
                thread.join();
                return true;
            }
            return thread.join(bound);
        }
        catch (final InterruptedException ex)
        {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /**
     * Wait for the lines still on their way: until the viewers have every owed line, or none arrived for the tail.
     */
    private static void awaitTail(final ChatViewers viewers, final long owedLines, final Duration tail,
        final ChatEngine engine)
    {
        long last = viewers.delivered();
        long lastProgressNs = System.nanoTime();
        while (viewers.delivered() < owedLines && engine.alive())
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            final long now = viewers.delivered();
            if (now != last)
            {
                last = now;
                lastProgressNs = System.nanoTime();
            }
            else if (System.nanoTime() - lastProgressNs > tail.toNanos())
            {
                return;
            }
        }
    }

    /**
     * Messages of the whole schedule (warm-up included) the viewers are owed.
     *
     * @param schedule the schedule.
     * @param notOwed  messages refused, failed or not posted.
     * @return the count.
     */
    static long owed(final ChatSchedule schedule, final BitSet notOwed)
    {
        return schedule.count() - notOwed.get(0, (int)schedule.count()).cardinality();
    }

    /**
     * Measured messages the viewers are owed.
     *
     * @param schedule the schedule.
     * @param notOwed  messages refused, failed or not posted.
     * @return the count.
     */
    static long owedMeasured(final ChatSchedule schedule, final BitSet notOwed)
    {
        final long measured = schedule.count() - schedule.warmupCount();
        return measured - notOwed.get((int)schedule.warmupCount(), (int)schedule.count()).cardinality();
    }

    private static long delta(final long before, final long after)
    {
        return before < 0 || after < 0 ? -1 : after - before;
    }

    private static long counterDelta(final long[] before, final long[] after, final int index)
    {
        return null == before || null == after ? -1 : after[index] - before[index];
    }

    private static long ownCpuNanos()
    {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    private static void write(final Path out, final ChatLoadReport report)
    {
        try
        {
            Files.writeString(out.resolve("summary.md"), report.markdown(), StandardCharsets.UTF_8);
            Files.writeString(out.resolve("summary.txt"), report.summary(), StandardCharsets.UTF_8);
            try (PrintStream hgrm = new PrintStream(Files.newOutputStream(out.resolve("latency.hgrm")), true,
                StandardCharsets.UTF_8))
            {
                report.viewers().latency().outputPercentileDistribution(hgrm, 1e6);
            }
            try (PrintStream hlog = new PrintStream(Files.newOutputStream(out.resolve("latency.hlog")), true,
                StandardCharsets.UTF_8))
            {
                final HistogramLogWriter writer = new HistogramLogWriter(hlog);
                writer.outputLogFormatVersion();
                writer.outputLegend();
                writer.outputIntervalHistogram(report.viewers().latency());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the report in " + out + ": " + ex.getMessage(), ex);
        }
    }

    private static String machine()
    {
        String kernel = "";
        String load = "";
        String cpu = "";
        try
        {
            kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
            load = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+")[0];
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter((line) -> line.startsWith("model name"))
                .findFirst().map((line) -> line.substring(line.indexOf(':') + 1).strip()).orElse("");
        }
        catch (final IOException | RuntimeException ignore)
        {
            // not Linux: say less
        }
        return String.format(Locale.ROOT, "%s, %d CPU(s)%s, Linux %s, Java %s, load average %s at the start",
            Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(),
            cpu.isEmpty() ? "" : " (" + cpu + ")", kernel, Runtime.version(), load);
    }
}
