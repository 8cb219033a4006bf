package dev.commandcenter.app.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code commandcenter bench}: fixed-rate payments into an embedded engine (or a running one, or the Node.js
 * peer), overlay alerts received by WebSocket clients, latency from each payment's intended send time, and a
 * report directory with the summary, HdrHistogram outputs and plots.
 */
@Command(
    name = "bench",
    description = {
        "Measure payment -> overlay frame latency at a fixed rate, coordinated-omission safe.",
        "With no options: an embedded engine on a temporary data dir, 500 events/s for 10 s, 1 client." },
    subcommands = CompareCommand.class)
public final class BenchCommand implements Callable<Integer>
{
    /** Where reports go unless {@code --out} says otherwise. */
    static final String RESULTS_DIR = "bench-results";

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Option(names = "--rate", paramLabel = "N", defaultValue = "500",
        description = "Events per second, sent on a fixed schedule; max sends as fast as the server takes them, " +
            "--window in flight (latency then from the actual send time). Default: ${DEFAULT-VALUE}")
    String rate;

    @Option(names = "--window", paramLabel = "N", defaultValue = "128",
        description = "With --rate max: most events in flight (sent and not yet received by every client). " +
            "Default: ${DEFAULT-VALUE}")
    int window;

    @Option(names = "--pipeline", paramLabel = "N", defaultValue = "1",
        description = "With --rate max over REST: most posts awaiting their answer on one keep-alive connection " +
            "(HTTP/1.1 pipelining; 1, 2, 4, 8 or 16), the --window shared by fewer connections. Default: " +
            "${DEFAULT-VALUE} (one post at a time per connection)")
    int pipeline;

    @Option(names = "--no-trace",
        description = "Receive plain frames, without the trace stamps (per-stage latency) asked for by default.")
    boolean noTrace;

    @Option(names = "--server-pid", paramLabel = "PID",
        description = "Process id of the server at --url: its CPU time over the run per frame delivered is reported, " +
            "with the kernel's part and its busiest threads (Linux), and this load generator's own CPU time beside it. " +
            "Repeat for a server of several processes (an engine and its edges): their CPU time is summed.")
    List<Long> serverPids;

    @Option(names = "--feed-url", paramLabel = "URL",
        description = "Base URL of a node serving the overlay feed, such as an edge node of the engine at --url; " +
            "repeat to spread the clients evenly over several. Posts still go to --url. Default: --url.")
    List<String> feedUrls;

    @Option(names = "--duration", paramLabel = "T", defaultValue = "10s",
        description = "Length of the measured run: 10s, 500ms, 2m. Default: ${DEFAULT-VALUE}")
    String duration;

    @Option(names = "--warmup", paramLabel = "T", defaultValue = "5s",
        description = "Warm-up at the same rate before it, not recorded (0 for none). Default: ${DEFAULT-VALUE}")
    String warmup;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "1",
        description = "WebSocket clients receiving every alert. Default: ${DEFAULT-VALUE}")
    int clients;

    @Option(names = "--transport", paramLabel = "T", defaultValue = "rest",
        description = "rest (POST /api/events, WebSocket clients receive), websocket (publish in process, WebSocket " +
            "clients receive) or in-process (publish and receive in process). Default: ${DEFAULT-VALUE}")
    String transport;

    @Option(names = "--url", paramLabel = "URL",
        description = "Base URL of a running engine or the Node.js peer (http://127.0.0.1:7300); default: embedded.")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", description = "Admin token of the engine at --url (it posts " +
        "payments, and the engine needs websocket.acceptWalletEventsOverRest: true).")
    String token;

    @Option(names = "--profile", paramLabel = "P", defaultValue = "default",
        description = "Embedded engine settings: default, latency (busy-spin, shared) or throughput (yielding, " +
            "dedicated). Default: ${DEFAULT-VALUE}")
    String profile;

    @Option(names = "--format", paramLabel = "F", defaultValue = "png",
        description = "Plot format: png or svg. Default: ${DEFAULT-VALUE}")
    String format;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
        description = "Sending threads of the load generator. Default: ${DEFAULT-VALUE}")
    int threads;

    @Option(names = "--client-threads", paramLabel = "N", defaultValue = "1",
        description = "Event loops the WebSocket clients share (what the load generator spends per frame is CPU " +
            "the server does not get on the same machine). Default: ${DEFAULT-VALUE}")
    int clientThreads;

    @Option(names = "--timeout", paramLabel = "T", defaultValue = "5s",
        description = "Longest wait for the last alerts after the last send. Default: ${DEFAULT-VALUE}")
    String timeout;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Report directory. Default: " + RESULTS_DIR + "/<date-time>/")
    Path out;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    public Integer call()
    {
        final BenchSettings settings = settings();
        final PrintWriter stdout = spec.commandLine().getOut();
        try
        {
            Files.createDirectories(settings.out());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the report directory " + settings.out() + ": " +
                ex.getMessage(), ex);
        }
        final BenchResult result;
        try (BenchRun run = new BenchRun(settings, stdout, ProgressBar.stdoutIsTerminal()))
        {
            result = run.run();
        }
        final String summary = BenchReport.write(settings, result);
        stdout.println();
        stdout.print(summary);
        stdout.println();
        stdout.println("report in " + settings.out().toAbsolutePath().normalize());
        stdout.flush();
        if (0 == result.received)
        {
            throw new IllegalStateException("no alert arrived of " + result.expected + " expected" +
                (null == result.firstError ? " (is the stream-bridge plugin enabled?)" :
                "; first send error: " + result.firstError));
        }
        return 0;
    }

    private BenchSettings settings()
    {
        final long parsedRate = rate(rate);
        if (!RestConnections.isDepth(pipeline))
        {
            throw usage("--pipeline must be 1, 2, 4, 8 or 16 posts per connection, got " + pipeline);
        }
        if (pipeline > 1 && !"max".equals(null == rate ? "" : rate.trim()))
        {
            throw usage("--pipeline needs --rate max (a paced run sends one post at a time), got --rate " + rate);
        }
        if (window < 1)
        {
            throw usage("--window must be 1 or more events in flight, got " + window);
        }
        final List<Long> pids = null == serverPids ? List.of() : List.copyOf(serverPids);
        for (final long pid : pids)
        {
            if (pid <= 0)
            {
                throw usage("--server-pid must be a process id (1 or more), got " + pid);
            }
        }
        if (!pids.isEmpty() && null == url)
        {
            throw usage("--server-pid measures the server at --url; the embedded engine shares this process");
        }
        if (clients < 1)
        {
            throw usage("--clients must be 1 or more, got " + clients);
        }
        if (threads < 1)
        {
            throw usage("--threads must be 1 or more, got " + threads);
        }
        if (clientThreads < 1 || clientThreads > 64)
        {
            throw usage("--client-threads must be 1 to 64, got " + clientThreads);
        }
        final Duration runFor = duration("--duration", duration);
        if (runFor.isZero())
        {
            throw usage("--duration must be more than 0, got " + duration);
        }
        final Transport parsedTransport = parse(() -> Transport.parse(transport));
        final Profile parsedProfile = parse(() -> Profile.parse(profile));
        final Charts.Format parsedFormat = parse(() -> Charts.Format.parse(format));
        URI base = null;
        if (null != url)
        {
            base = baseUrl("--url", url);
            if (Transport.REST != parsedTransport)
            {
                throw usage("--transport " + parsedTransport.label() + " publishes in process and needs the " +
                    "embedded engine; use --transport rest with --url");
            }
            if (null == token || token.isBlank())
            {
                throw usage("--url needs --token (the admin token of the engine or peer at " + base + ")");
            }
            if (Profile.DEFAULT != parsedProfile)
            {
                throw usage("--profile sets up the embedded engine; a running engine at --url keeps its own settings");
            }
        }
        else if (null != token)
        {
            throw usage("--token is for the engine at --url; the embedded engine makes its own");
        }
        if (!parsedTransport.usesWebSocketClients() && 1 != clients)
        {
            throw usage("--clients needs --transport rest or websocket; in-process receives at one egress handler");
        }
        final List<URI> feeds = new ArrayList<>();
        if (null != feedUrls)
        {
            if (null == url)
            {
                throw usage("--feed-url needs --url (the engine the payments are posted to)");
            }
            for (final String feedUrl : feedUrls)
            {
                feeds.add(baseUrl("--feed-url", feedUrl));
            }
        }
        final Path report = null != out ? out :
            Path.of(RESULTS_DIR, LocalDateTime.now().format(STAMP));
        return new BenchSettings(parsedRate, runFor, duration("--warmup", warmup), clients, parsedTransport, base, token,
            parsedProfile, parsedFormat, threads, duration("--timeout", timeout), report, window, !noTrace,
            pids, feeds, clientThreads, pipeline);
    }

    private long rate(final String text)
    {
        final String trimmed = null == text ? "" : text.trim();
        if ("max".equalsIgnoreCase(trimmed))
        {
            return 0;
        }
        final long parsed;
        try
        {
            parsed = Long.parseLong(trimmed);
        }
        catch (final NumberFormatException ex)
        {
            throw usage("--rate '" + text + "' is not a rate, expected events per second (such as 500) or max");
        }
        if (parsed <= 0)
        {
            throw usage("--rate must be more than 0 events per second, got " + parsed);
        }
        return parsed;
    }

    private CommandLine.ParameterException usage(final String message)
    {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private <T> T parse(final java.util.function.Supplier<T> parser)
    {
        try
        {
            return parser.get();
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage(ex.getMessage());
        }
    }

    private URI baseUrl(final String option, final String text)
    {
        try
        {
            final URI uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            final String scheme = null == uri.getScheme() ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!"http".equals(scheme) && !"https".equals(scheme) || null == uri.getHost())
            {
                throw new IllegalArgumentException("not http");
            }
            return uri;
        }
        catch (final IllegalArgumentException ex)
        {
            throw usage(option + " '" + text + "' is not a base URL, expected such as http://127.0.0.1:7300");
        }
    }

    private Duration duration(final String option, final String text)
    {
        final Matcher matcher = DURATION.matcher(null == text ? "" : text.trim());
        if (!matcher.matches())
        {
            throw usage(option + " '" + text + "' is not a duration, expected such as 10s, 500ms or 2m");
        }
        final double amount = Double.parseDouble(matcher.group(1));
        final String unit = null == matcher.group(2) ? "s" : matcher.group(2);
        final double millis = switch (unit)
        {
            case "ms" -> amount;
            case "m" -> amount * 60_000;
            default -> amount * 1_000;
        };
        return Duration.ofMillis(Math.round(millis));
    }
}
