package dev.commandcenter.app.bench;

import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.main.CommandCenter;
import dev.commandcenter.plugin.host.PluginsSettings;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code commandcenter bench} end to end on real engines and real sockets: the report files, a run against a
 * running engine by URL, {@code bench compare}, and one-line errors for bad options.
 */
@Timeout(120)
class BenchCommandTest
{
    private static final byte[] PNG_MAGIC = { (byte)0x89, 'P', 'N', 'G' };

    @TempDir
    Path dir;

    @Test
    void shouldWriteEveryReportFileWithTheScheduledCountOnAnEmbeddedEngine() throws Exception
    {
        final Path out = dir.resolve("run");

        final Result result = bench("bench", "--rate", "100", "--duration", "1s", "--warmup", "0", "--out", out.toString());

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.out).contains("end to end (intended send -> frame)").contains("POST -> 202")
            .contains("received   100 of 100 alerts").contains("report in ");
        assertThat(out.resolve("summary.txt")).exists();
        assertThat(Files.readString(out.resolve("summary.txt"))).contains("sent       100 events");
        assertThat(totalCount(out.resolve("latency.hlog"))).isEqualTo(100);
        final Matcher hgrmTotal = Pattern.compile("Total count\\s*=\\s*(\\d+)]")
            .matcher(Files.readString(out.resolve("latency.hgrm")));
        assertThat(hgrmTotal.find()).isTrue();
        assertThat(Long.parseLong(hgrmTotal.group(1))).isEqualTo(100);
        assertThat(Files.readString(out.resolve("latency.hgrm"))).contains("Value     Percentile TotalCount");
        assertPng(out.resolve("percentiles.png"));
        assertPng(out.resolve("timeline.png"));
    }

    @Test
    void shouldMeasureARunningEngineByUrlWithEveryClientReceivingAndPlotSvg() throws Exception
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        // As perf/peers-* configure the engine they measure: payments posted over REST are accepted and alerted.
        config.websocket.acceptWalletEventsOverRest = true;
        config.plugins = PluginsSettings.of(Map.of("stream-bridge", Map.of("acceptPaymentsFrom", List.of("wallet", "rest"))));
        try (CommandCenterNode node = CommandCenterNode.start(config, dir.resolve("data"), null))
        {
            final Path out = dir.resolve("url");

            final Result result = bench("bench", "--url", node.webServer().baseUrl(), "--token", node.adminToken(),
                "--clients", "3", "--client-threads", "2", "--rate", "50", "--duration", "1s", "--warmup", "200ms",
                "--format", "svg", "--out", out.toString());

            assertThat(result.code).as(result.err).isZero();
            assertThat(result.out).contains("received   150 of 150 alerts").contains("3 WebSocket client(s)");
            assertThat(totalCount(out.resolve("latency.hlog"))).isEqualTo(150);
            assertThat(Files.readString(out.resolve("percentiles.svg"))).contains("<svg").endsWith("</svg>\n");
            assertThat(out.resolve("timeline.svg")).exists();

            final Result wrongToken = bench("bench", "--url", node.webServer().baseUrl(), "--token", "wrong",
                "--rate", "20", "--duration", "200ms", "--warmup", "0", "--timeout", "1s",
                "--out", dir.resolve("wrong-token").toString());
            assertOneLineError(wrongToken, "no alert arrived of 4 expected; first send error: POST /api/events answered 401");
        }
    }

    @Test
    void shouldSaturateARunningEngineWithABoundedWindowLosingNothingAndReportTheServersCpu() throws Exception
    {
        try (CommandCenterNode node = CommandCenterNode.start(saturable(), dir.resolve("data"), null))
        {
            final Path out = dir.resolve("saturated");

            // The server runs in this JVM here: its pid is this process's.
            final Result result = bench("bench", "--url", node.webServer().baseUrl(), "--token", node.adminToken(),
                "--clients", "2", "--rate", "max", "--window", "8", "--duration", "1s", "--warmup", "200ms",
                "--no-trace", "--server-pid", Long.toString(ProcessHandle.current().pid()), "--out", out.toString());

            assertThat(result.code).as(result.err).isZero();
            assertThat(result.out).contains("as fast as accepted, at most 8 events in flight")
                .contains("latency from the actual send time").doesNotContain("stalled");
            final Matcher received = Pattern.compile("received   ([\\d,]+) of ([\\d,]+) alerts \\(([\\d.]+) alerts/s\\), " +
                "0 timeouts, ([\\d.]+) bytes per frame").matcher(result.out);
            assertThat(received.find()).as(result.out).isTrue();
            assertThat(received.group(1)).isEqualTo(received.group(2));
            assertThat(Long.parseLong(received.group(1).replace(",", ""))).isGreaterThan(16);
            assertThat(Double.parseDouble(received.group(4))).isGreaterThan(100);
            final Matcher cpu = Pattern.compile("server     pid \\d+: ([\\d.]+) ms CPU over the run \\(([\\d.]+) ms in the " +
                "kernel\\), ([\\d.]+) us per frame received \\(([\\d.]+) in the kernel\\)").matcher(result.out);
            assertThat(cpu.find()).as(result.out).isTrue();
            assertThat(Double.parseDouble(cpu.group(1))).isGreaterThan(0);
            assertThat(Double.parseDouble(cpu.group(2))).isLessThanOrEqualTo(Double.parseDouble(cpu.group(1)));
            // The server's busiest threads by name, and the load generator's own time (the same process here).
            final Matcher threads = Pattern.compile("threads    ([^\\n]+) us per frame received \\(the server's busiest, " +
                "each with its part in the kernel\\)").matcher(result.out);
            assertThat(threads.find()).as(result.out).isTrue();
            // Each thread as "name total (kernel part)", the part never above the total.
            for (final String thread : threads.group(1).split(", "))
            {
                final Matcher split = Pattern.compile(".+ ([\\d.]+) \\(kernel ([\\d.]+)\\)").matcher(thread);
                assertThat(split.matches()).as(thread).isTrue();
                assertThat(Double.parseDouble(split.group(2))).isLessThanOrEqualTo(Double.parseDouble(split.group(1)));
            }
            assertThat(result.out).containsPattern("generator  this process: [\\d.]+ ms CPU over the run \\([\\d.]+ ms " +
                "in the kernel\\), [\\d.]+ us per frame received");
        }
    }

    @Test
    void shouldSaturateWithPipelinedPostsLosingNothing() throws Exception
    {
        try (CommandCenterNode node = CommandCenterNode.start(saturable(), dir.resolve("data"), null))
        {
            final Result result = bench("bench", "--url", node.webServer().baseUrl(), "--token", node.adminToken(),
                "--clients", "1", "--rate", "max", "--window", "64", "--pipeline", "16", "--duration", "1s",
                "--warmup", "200ms", "--no-trace", "--out", dir.resolve("pipelined").toString());

            assertThat(result.code).as(result.err).isZero();
            assertThat(result.out).contains("at most 64 events in flight (posts pipelined, up to 16 per connection)")
                .doesNotContain("stalled");
            final Matcher received = Pattern.compile("received   ([\\d,]+) of ([\\d,]+) alerts \\(([\\d.]+) alerts/s\\), " +
                "0 timeouts").matcher(result.out);
            assertThat(received.find()).as(result.out).isTrue();
            assertThat(received.group(1)).isEqualTo(received.group(2));
            assertThat(Long.parseLong(received.group(1).replace(",", ""))).isGreaterThan(64);
            assertThat(result.out).contains(", 0 send errors");
        }
    }

    @Test
    void shouldSpreadClientsOverFeedUrlsAndSumTheCpuOfEveryServerPid() throws Exception
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.websocket.acceptWalletEventsOverRest = true;
        config.plugins = PluginsSettings.of(Map.of("stream-bridge", Map.of("alertDurationMs", 1,
            "acceptPaymentsFrom", List.of("wallet", "rest"))));
        try (CommandCenterNode node = CommandCenterNode.start(config, dir.resolve("data"), null))
        {
            final String pid = Long.toString(ProcessHandle.current().pid());
            final String url = node.webServer().baseUrl();

            // Posts to the engine, the clients on the feeds (here the engine twice, as an engine's edges would be).
            final Result result = bench("bench", "--url", url, "--token", node.adminToken(), "--feed-url", url,
                "--feed-url", url + "/", "--clients", "3", "--rate", "100", "--duration", "500ms", "--warmup", "0",
                "--no-trace", "--server-pid", pid, "--server-pid", pid, "--out", dir.resolve("feeds").toString());

            assertThat(result.code).as(result.err).isZero();
            assertThat(result.out).contains("received   150 of 150 alerts").contains("clients on [" + url)
                .contains("server     pid " + pid + "+" + pid + ": ");

            // A feed that does not answer fails the run even though the engine at --url does.
            final int closedPort;
            try (ServerSocket socket = new ServerSocket(0))
            {
                closedPort = socket.getLocalPort();
            }
            final Result unreachable = bench("bench", "--url", url, "--token", node.adminToken(), "--feed-url",
                "http://127.0.0.1:" + closedPort, "--out", dir.resolve("unreachable").toString());
            assertOneLineError(unreachable, "cannot connect to ws://127.0.0.1:" + closedPort + "/ws/stream-bridge?token=...");
        }
    }

    @Test
    void shouldMeasureInProcessAtAnEgressHandler() throws Exception
    {
        final Path out = dir.resolve("in-process");

        final Result result = bench("bench", "--transport", "in-process", "--rate", "200", "--duration", "500ms",
            "--warmup", "0", "--out", out.toString());

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.out).contains("received   100 of 100 alerts").contains("publish returned");
        assertThat(totalCount(out.resolve("latency.hlog"))).isEqualTo(100);
    }

    @Test
    void shouldCompareTwoRunsSideBySideInOnePlot() throws Exception
    {
        final Path a = dir.resolve("a");
        final Path b = dir.resolve("b");
        assertThat(bench("bench", "--transport", "in-process", "--rate", "100", "--duration", "500ms", "--warmup", "0",
            "--out", a.toString()).code).isZero();
        assertThat(bench("bench", "--transport", "in-process", "--rate", "200", "--duration", "500ms", "--warmup", "0",
            "--out", b.toString()).code).isZero();
        final Path out = dir.resolve("compare");

        final Result result = bench("bench", "compare", a.toString(), b.toString(), "--out", out.toString());

        assertThat(result.code).as(result.err).isZero();
        assertThat(result.out).contains("A = a, B = b").contains("p99.9").contains("B/A");
        assertThat(result.out.lines().filter((line) -> line.startsWith("count")).findFirst().orElseThrow())
            .contains("50").contains("100");
        assertThat(Files.readString(out.resolve("compare.txt"))).contains("B/A")
            .contains(result.out.lines().filter((line) -> line.startsWith("p99 ")).findFirst().orElseThrow());
        assertPng(out.resolve("compare.png"));
    }

    @Test
    void shouldRefuseBadOptionsWithOneLineAndANonZeroExit() throws Exception
    {
        assertOneLineError(bench("bench", "--rate", "0"), "--rate must be more than 0 events per second, got 0");
        assertOneLineError(bench("bench", "--transport", "carrier-pigeon"),
            "unknown transport 'carrier-pigeon', expected rest, websocket or in-process");
        assertOneLineError(bench("bench", "--duration", "soon"),
            "--duration 'soon' is not a duration, expected such as 10s, 500ms or 2m");
        assertOneLineError(bench("bench", "--url", "http://127.0.0.1:7300"), "--url needs --token");
        assertOneLineError(bench("bench", "--profile", "fastest"),
            "unknown profile 'fastest', expected default, latency or throughput");
        assertOneLineError(bench("bench", "--transport", "in-process", "--clients", "3"),
            "--clients needs --transport rest or websocket");
        assertOneLineError(bench("bench", "--transport", "in-process", "--url", "http://127.0.0.1:7300", "--token", "t"),
            "--transport in-process publishes in process and needs the embedded engine");
        assertOneLineError(bench("bench", "--format", "gif"), "unknown format 'gif', expected png or svg");
        assertOneLineError(bench("bench", "--rate", "fast"),
            "--rate 'fast' is not a rate, expected events per second (such as 500) or max");
        assertOneLineError(bench("bench", "--rate", "max", "--window", "0"),
            "--window must be 1 or more events in flight, got 0");
        assertOneLineError(bench("bench", "--rate", "max", "--pipeline", "3"),
            "--pipeline must be 1, 2, 4, 8 or 16 posts per connection, got 3");
        assertOneLineError(bench("bench", "--rate", "max", "--pipeline", "32"),
            "--pipeline must be 1, 2, 4, 8 or 16 posts per connection, got 32");
        assertOneLineError(bench("bench", "--rate", "500", "--pipeline", "4"),
            "--pipeline needs --rate max (a paced run sends one post at a time), got --rate 500");
        assertOneLineError(bench("bench", "--client-threads", "0"), "--client-threads must be 1 to 64, got 0");
        assertOneLineError(bench("bench", "--client-threads", "65"), "--client-threads must be 1 to 64, got 65");
        assertOneLineError(bench("bench", "--server-pid", "42"),
            "--server-pid measures the server at --url; the embedded engine shares this process");
        assertOneLineError(bench("bench", "--feed-url", "http://127.0.0.1:7301"),
            "--feed-url needs --url (the engine the payments are posted to)");
        assertOneLineError(bench("bench", "--url", "http://127.0.0.1:7300", "--token", "t", "--feed-url", "ftp://x"),
            "--feed-url 'ftp://x' is not a base URL, expected such as http://127.0.0.1:7300");
        assertOneLineError(bench("bench", "compare", dir.toString(), dir.toString()),
            "no latency.hlog in " + dir);

        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0))
        {
            closedPort = socket.getLocalPort();
        }
        final Result unreachable = bench("bench", "--url", "http://127.0.0.1:" + closedPort, "--token", "t",
            "--out", dir.resolve("unreachable").toString());
        assertOneLineError(unreachable, "cannot connect to ws://127.0.0.1:" + closedPort + "/ws/stream-bridge?token=...");
    }

    /**
     * An engine on a free port that takes payments over REST, with the stream bridge's alerts following each other
     * without waiting (1 ms each) and its line of alerts as long as the plugin allows: the default (10,000) would drop
     * the alerts of a saturating run past it.
     */
    private static AppConfig saturable()
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.websocket.acceptWalletEventsOverRest = true;
        config.plugins = PluginsSettings.of(Map.of("stream-bridge", Map.of("alertDurationMs", 1,
            "maxQueuedAlerts", 1_000_000, "acceptPaymentsFrom", List.of("wallet", "rest"))));
        return config;
    }

    private static void assertOneLineError(final Result result, final String expected)
    {
        assertThat(result.code).as(result.out).isNotZero();
        assertThat(result.err.lines().count()).as(result.err).isEqualTo(1);
        assertThat(result.err).startsWith("commandcenter: ").contains(expected);
    }

    private static void assertPng(final Path file) throws Exception
    {
        final byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes.length).isGreaterThan(1_000);
        assertThat(java.util.Arrays.copyOf(bytes, 4)).isEqualTo(PNG_MAGIC);
    }

    private static long totalCount(final Path hlog) throws Exception
    {
        final HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
        long count = 0;
        EncodableHistogram interval;
        while (null != (interval = reader.nextIntervalHistogram()))
        {
            count += ((org.HdrHistogram.Histogram)interval).getTotalCount();
        }
        return count;
    }

    private static Result bench(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = CommandCenter.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int code, String out, String err)
    {
    }
}
