package dev.commandcenter.app.bench;

import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.plugin.host.PluginsSettings;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * One {@code bench} run: starts the embedded engine (or reaches the one at the URL), connects the receiving
 * clients, runs the warm-up then the measured fixed-rate schedule, samples an interval of end-to-end latency
 * each second into the interval log and the progress bar, waits for the last alerts, and returns the result.
 */
final class BenchRun implements AutoCloseable
{
    /** Name of the interval log in a report directory. */
    static final String HLOG_FILE = "latency.hlog";
    /** The overlay feed the clients receive. */
    static final String FEED_PATH = "/ws/stream-bridge";
    /** Where events are posted. */
    static final String EVENTS_PATH = "/api/events";

    private static final long REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long START_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final long SATURATION_EVENTS_PER_SECOND = 400_000;
    private static final long SATURATION_MAX_EVENTS = 1 << 23;

    private final BenchSettings settings;
    private final PrintWriter out;
    private final ProgressBar progress;
    private final NanoClock clock = SystemNanoClock.INSTANCE;
    private final EpochNanoClock epochClock = new SystemEpochNanoClock();
    private final AlertSink sink = new AlertSink();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::close, "cc-bench-shutdown");
    private Path tempDir;
    private CommandCenterNode node;
    private RestConnections rest;
    private WebSocketClients clients;
    private URI base;
    private String token;

    /**
     * @param settings what to run.
     * @param out      where progress goes.
     * @param terminal whether {@code out} is a terminal.
     */
    BenchRun(final BenchSettings settings, final PrintWriter out, final boolean terminal)
    {
        this.settings = settings;
        this.out = out;
        this.progress = new ProgressBar(out, terminal);
    }

    /**
     * Run the benchmark, writing the interval log into the report directory as it goes.
     *
     * @return the result.
     */
    BenchResult run()
    {
        final BenchResult result = new BenchResult();
        // Ctrl-C still stops the embedded engine and deletes its temporary data dir.
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        start(result);
        if (settings.saturate() ? !settings.warmup().isZero() : settings.warmupEvents() > 0)
        {
            final LatencyRecorder warmup = phase(settings.warmup(), settings.warmupEvents());
            runPhase("warm-up", warmup, null, null);
        }
        final LatencyRecorder measured = phase(settings.duration(), settings.events());
        try (PrintStream log = new PrintStream(Files.newOutputStream(settings.out().resolve(HLOG_FILE)), false,
            StandardCharsets.UTF_8))
        {
            final HistogramLogWriter writer = new HistogramLogWriter(log);
            writer.outputComment("commandcenter bench: end-to-end latency in ns, from intended send time to receipt");
            writer.outputLogFormatVersion();
            final long startMs = System.currentTimeMillis();
            writer.outputStartTime(startMs);
            writer.setBaseTime(startMs);
            writer.outputLegend();
            runPhase("run", measured, writer, result);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + settings.out().resolve(HLOG_FILE) + ": " + ex.getMessage(), ex);
        }
        result.sent = measured.sent();
        result.received = result.endToEnd.getTotalCount();
        result.expected = measured.expectedReceives();
        result.sendErrors = measured.sendErrors();
        result.firstError = measured.firstError();
        result.accepted = measured.accepted().copy();
        result.frameBytes = measured.frameBytes();
        if (measured.schedule() instanceof WindowedSchedule windowed)
        {
            result.stalled = windowed.stalled();
        }
        for (final Stage stage : Stage.values())
        {
            result.stages.put(stage, measured.stage(stage).copy());
        }
        return result;
    }

    private void start(final BenchResult result)
    {
        final Transport transport = settings.transport();
        if (null == settings.url())
        {
            final EgressReceiver egress = transport.usesWebSocketClients() ? null :
                new EgressReceiver(sink, clock, epochClock);
            node = launchEmbedded(egress);
            base = URI.create(node.webServer().baseUrl());
            // The admin token opens the feeds too, so one token serves the posts and the clients.
            token = node.adminToken();
            result.target = "embedded engine (stream-bridge, journal on, profile " + settings.profile().label() +
                ": wait strategy " + settings.profile().waitStrategy().label() + ", threading mode " +
                settings.profile().threadingMode().label() + ")";
        }
        else
        {
            base = settings.url();
            token = settings.token();
            result.target = base + (settings.feeds().isEmpty() ? "" : ", clients on " + settings.feeds());
        }
        if (transport.usesWebSocketClients())
        {
            clients = new WebSocketClients(settings.clientThreads());
        }
        if (Transport.REST == transport)
        {
            // Saturating, the posts go out from an event loop of the clients (LoopPump): with one client thread, a
            // frame that completes an event and the next post are one pass of one loop.
            rest = new RestConnections(URI.create(base + EVENTS_PATH), token, clock, settings.timeout(), CONNECT_TIMEOUT,
                pumpsOnLoop() ? clients.loop() : null, settings.saturate() ? settings.pipeline() : 1);
        }
        if (transport.usesWebSocketClients())
        {
            // The clients are spread evenly over the feeds (edge nodes of the engine), else all on the engine.
            final List<URI> nodes = settings.feeds().isEmpty() ? List.of(base) : settings.feeds();
            for (int i = 0; i < nodes.size(); i++)
            {
                final URI feed = URI.create(nodes.get(i).toString().replaceFirst("^http", "ws") + FEED_PATH +
                    "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + (settings.trace() ? "&trace=1" : ""));
                final int count = settings.clients() / nodes.size() + (i < settings.clients() % nodes.size() ? 1 : 0);
                clients.add(feed, count, sink, clock, settings.trace() ? epochClock : null, CONNECT_TIMEOUT);
            }
        }
    }

    private CommandCenterNode launchEmbedded(final EgressReceiver egress)
    {
        try
        {
            tempDir = Files.createTempDirectory("commandcenter-bench-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create a temporary data dir: " + ex.getMessage(), ex);
        }
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.websocket.bind = "127.0.0.1";
        // Every bench client and REST connection comes from loopback: the connection limits must let them all in.
        config.websocket.maxConnections = Math.max(4096, settings.clients() + 1024);
        config.websocket.maxConnectionsPerAddress = config.websocket.maxConnections;
        config.journal.enabled = true;
        config.telemetry.enabled = false;
        config.engine.waitStrategy = settings.profile().waitStrategy();
        // Payments are posted over REST (or published in process) to measure payment to overlay frame: this private
        // node accepts them, which a live node never does.
        config.websocket.acceptWalletEventsOverRest = true;
        // Short alerts: the schedule of alerts is the overlay's business, not the benchmark's. Saturation still queues
        // far more 1 ms alerts than an overlay ever would, and none may be dropped for it.
        config.plugins = PluginsSettings.of(Map.of("stream-bridge", Map.of("alertDurationMs", 1,
            "maxQueuedAlerts", 1_000_000, "acceptPaymentsFrom", List.of("wallet", "rest", "cli"))));
        final CommandCenterNode.Context ctx = new CommandCenterNode.Context()
            .config(config)
            .dataDir(tempDir)
            .threadingMode(settings.profile().threadingMode());
        if (null != egress)
        {
            ctx.egress("bench", egress);
        }
        return CommandCenterNode.launch(ctx);
    }

    private LatencyRecorder phase(final Duration length, final long events)
    {
        final long tag = ThreadLocalRandom.current().nextLong() | 1L;
        final long startNs = clock.nanoTime() + START_DELAY_NS;
        final LatencyRecorder recorder;
        if (settings.saturate())
        {
            final WindowedSchedule schedule = new WindowedSchedule(startNs, length.toNanos(), settings.window(),
                saturationCapacity(length), settings.timeout().toNanos());
            recorder = new LatencyRecorder(tag, schedule, settings.receivers());
            schedule.receivers(settings.receivers());
        }
        else
        {
            recorder = new LatencyRecorder(tag, new FixedRateSchedule(startNs, settings.rate(), events),
                settings.receivers());
        }
        sink.current(recorder);
        return recorder;
    }

    /**
     * Most events a saturating phase may send: one send time is kept for each.
     *
     * @param length of the phase.
     * @return {@value #SATURATION_EVENTS_PER_SECOND} a second of it, within bounds.
     */
    static int saturationCapacity(final Duration length)
    {
        final long events = SATURATION_EVENTS_PER_SECOND * Math.max(1, length.toMillis()) / 1000;
        return (int)Math.max(1024, Math.min(SATURATION_MAX_EVENTS, events));
    }

    private void runPhase(
        final String name, final LatencyRecorder recorder, final HistogramLogWriter writer, final BenchResult result)
    {
        final Schedule schedule = recorder.schedule();
        final List<Thread> senders = new ArrayList<>();
        final long[] lastSentNs = new long[settings.threads()];
        if (pumpsOnLoop() && schedule instanceof WindowedSchedule windowed)
        {
            final LoopPump pump = new LoopPump(windowed, rest, recorder, clock);
            senders.add(Thread.ofPlatform().name("cc-bench-sender-0").daemon().start(() ->
            {
                pump.run();
                lastSentNs[0] = clock.nanoTime();
            }));
        }
        for (int t = 0; t < settings.threads() && senders.isEmpty(); t++)
        {
            final int thread = t;
            final FixedRateSchedule.Sender sender = sender(recorder);
            senders.add(Thread.ofPlatform().name("cc-bench-sender-" + t).daemon().start(() ->
            {
                schedule.run(thread, settings.threads(), clock,
                    new BackoffIdleStrategy(10, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100)),
                    sender);
                lastSentNs[thread] = clock.nanoTime();
            }));
        }

        final long totalNs = schedule.endNs() - schedule.startNs();
        final long deadlineNs = schedule.endNs() + settings.timeout().toNanos();
        Histogram interval = null;
        final CpuTimes serverBefore = null == result ? CpuTimes.UNKNOWN : CpuTimes.of(settings.serverPids());
        final CpuTimes generatorBefore = null == result || settings.serverPids().isEmpty() ? CpuTimes.UNKNOWN :
            CpuTimes.of(List.of(ProcessHandle.current().pid()));
        long nextReportNs = schedule.startNs() + REPORT_INTERVAL_NS;
        boolean sending = true;
        while (true)
        {
            final long nowNs = clock.nanoTime();
            sending = sending && anyAlive(senders);
            final boolean done = !sending && (recorder.received() + expectedLost(recorder) >= recorder.expectedReceives() ||
                nowNs - deadlineNs >= 0);
            if (done || nowNs - nextReportNs >= 0)
            {
                if (done)
                {
                    // Alerts arriving from now on count nowhere, so the log and the summary agree.
                    sink.current(null);
                }
                interval = recorder.sampleInterval(interval);
                double p99Ms = Double.NaN;
                if (interval.getTotalCount() > 0)
                {
                    p99Ms = interval.getValueAtPercentile(99.0) / 1e6;
                }
                if (null != writer)
                {
                    writer.outputIntervalHistogram(interval);
                    result.endToEnd.add(interval);
                    result.intervals.add(new BenchResult.Interval((nowNs - schedule.startNs()) / 1e9,
                        interval.getValueAtPercentile(50.0), interval.getValueAtPercentile(99.0),
                        interval.getMaxValue(), interval.getTotalCount()));
                }
                progress.update(name, Math.min(nowNs - schedule.startNs(), totalNs), totalNs, recorder.sent(),
                    recorder.received(), p99Ms);
                nextReportNs += REPORT_INTERVAL_NS;
                if (done)
                {
                    break;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        progress.done();
        if (null != result)
        {
            long lastNs = schedule.startNs();
            for (final long sentNs : lastSentNs)
            {
                lastNs = Math.max(lastNs, sentNs);
            }
            result.sendSpanNs = Math.max(1, lastNs - schedule.startNs());
            result.runSpanNs = Math.max(1, clock.nanoTime() - schedule.startNs());
            result.serverCpu = CpuTimes.of(settings.serverPids()).since(serverBefore);
            if (generatorBefore.totalNs() >= 0)
            {
                result.generatorCpu = CpuTimes.of(List.of(ProcessHandle.current().pid())).since(generatorBefore);
            }
        }
    }

    /**
     * Whether a saturating phase's posts go out from an event loop of the WebSocket clients ({@link LoopPump})
     * instead of sender threads.
     *
     * @return true for saturation over REST.
     */
    private boolean pumpsOnLoop()
    {
        return settings.saturate() && Transport.REST == settings.transport() && settings.transport().usesWebSocketClients();
    }

    private static long expectedLost(final LatencyRecorder recorder)
    {
        // A refused event never becomes an alert: stop waiting for those.
        return recorder.sendErrors() * recorder.receivers();
    }

    private static boolean anyAlive(final List<Thread> threads)
    {
        for (final Thread thread : threads)
        {
            if (thread.isAlive())
            {
                return true;
            }
        }
        return false;
    }

    private FixedRateSchedule.Sender sender(final LatencyRecorder recorder)
    {
        if (Transport.REST == settings.transport())
        {
            return new RestSender(rest, recorder);
        }
        return new InProcessSender(node.engine().publisher(), recorder, clock);
    }

    /**
     * Disconnect, stop the embedded engine and delete its temporary data dir.
     */
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        if (Thread.currentThread() != shutdownHook)
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
            catch (final IllegalStateException | IllegalArgumentException ignore)
            {
                // the JVM is shutting down, or the run never started
            }
        }
        sink.current(null);
        CloseHelper.quietClose(clients);
        CloseHelper.quietClose(rest);
        CloseHelper.quietClose(node);
        if (null != tempDir)
        {
            try (Stream<Path> paths = Files.walk(tempDir))
            {
                paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
            }
            catch (final IOException ignore)
            {
                // a temporary directory left behind is harmless
            }
        }
    }
}
