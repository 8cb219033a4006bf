package dev.commandcenter.app.dashboard;

import dev.commandcenter.persistence.TelemetryHistory;
import dev.commandcenter.persistence.TimeArgs;
import dev.commandcenter.transport.websocket.HttpApi;
import org.agrona.concurrent.EpochClock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/telemetry?since=1h[&labels=A,B]} (admin): the telemetry history for the dashboard's plots,
 * {@code {"from":...,"to":...,"times":[epochMs...],"series":{"label":[value...]}}}, one value per time in each
 * series, null where a snapshot lacks the counter. At most {@value #MAX_SAMPLES} samples, thinned evenly over the span
 * (the last snapshot of each of {@value #MAX_SAMPLES} equal slices); {@code since} reaches back at most
 * {@value #MAX_DAYS} days. Without {@code labels} every counter is a series. A bad {@code since} is a 400 naming the
 * accepted forms.
 * <p>
 * <b>Note:</b> thread safe; reads the history on a virtual thread, off the event loop.
 */
public final class TelemetryRoute implements HttpApi.Route
{
    /** Path of the route. */
    public static final String PATH = "/api/telemetry";
    /** Most samples in an answer. */
    public static final int MAX_SAMPLES = 1_000;
    /** Furthest back {@code since} may reach, in days. */
    public static final int MAX_DAYS = 7;
    /** {@code since} when the request gives none. */
    public static final String SINCE_DEFAULT = "1h";
    /** Most labels one request may name. */
    public static final int MAX_LABELS = 64;

    private static final long MAX_SPAN_MS = TimeUnit.DAYS.toMillis(MAX_DAYS);

    private final Path telemetryDir;
    private final EpochClock clock;

    /**
     * @param telemetryDir the telemetry history ({@code <dataDir>/telemetry}); missing when telemetry is off.
     * @param clock        gives "now".
     */
    public TelemetryRoute(final Path telemetryDir, final EpochClock clock)
    {
        this.telemetryDir = telemetryDir;
        this.clock = clock;
    }

    /**
     * {@inheritDoc}
     */
    public void handle(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        if (!Routes.accept(request, responder, PATH, "GET"))
        {
            return;
        }
        final long toMs = clock.time();
        final long fromMs;
        final List<String> labels;
        try
        {
            fromMs = from(request.parameter("since"), toMs);
            labels = labels(request.parameter("labels"));
        }
        catch (final IllegalArgumentException ex)
        {
            responder.respond(400, Map.of("error", ex.getMessage()));
            return;
        }
        Thread.ofVirtual().name("cc-dashboard-telemetry").start(() ->
        {
            try
            {
                responder.respond(200, view(fromMs, toMs, labels));
            }
            catch (final RuntimeException ex)
            {
                responder.respond(500, Map.of("error", "cannot read the telemetry history in " + telemetryDir + ": " +
                    Routes.describe(ex)));
            }
        });
    }

    /**
     * The start of the span a {@code since} asks for.
     *
     * @param since as given, or null for {@value #SINCE_DEFAULT}.
     * @param nowMs now.
     * @return epoch milliseconds.
     * @throws IllegalArgumentException naming the value and the accepted forms.
     */
    static long from(final String since, final long nowMs)
    {
        final String value = null == since || since.isBlank() ? SINCE_DEFAULT : since.trim();
        final long fromNs;
        try
        {
            fromNs = TimeArgs.parseEpochNs(value, () -> nowMs);
        }
        catch (final IllegalArgumentException | ArithmeticException ex)
        {
            throw new IllegalArgumentException("since: unparseable '" + value + "': expected a duration ago (30s, " +
                "10m, 2h, 1d, at most " + MAX_DAYS + "d), an ISO-8601 instant (2026-11-22T10:00:00Z) or a date " +
                "(2026-11-22) within the last " + MAX_DAYS + " days");
        }
        final long fromMs = Math.floorDiv(fromNs, 1_000_000L);
        if (nowMs - fromMs > MAX_SPAN_MS)
        {
            throw new IllegalArgumentException("since: '" + value + "' reaches back more than " + MAX_DAYS +
                " days: expected at most " + MAX_DAYS + "d");
        }
        if (fromMs > nowMs)
        {
            throw new IllegalArgumentException("since: '" + value + "' is in the future: expected a time in the last " +
                MAX_DAYS + " days");
        }
        return fromMs;
    }

    private static List<String> labels(final String parameter)
    {
        final List<String> labels = new ArrayList<>();
        if (null == parameter)
        {
            return labels;
        }
        for (final String label : parameter.split(","))
        {
            if (!label.isBlank())
            {
                labels.add(label.trim());
            }
        }
        if (labels.size() > MAX_LABELS)
        {
            throw new IllegalArgumentException("labels: expected at most " + MAX_LABELS + " counter labels, got " +
                labels.size());
        }
        return labels;
    }

    /**
     * The answer's body.
     *
     * @param fromMs start of the span.
     * @param toMs   end of the span (included).
     * @param labels counter labels, empty for all.
     * @return the JSON-serialisable map.
     */
    Map<String, Object> view(final long fromMs, final long toMs, final List<String> labels)
    {
        // Telemetry off (or not yet written): no samples rather than an error.
        final TelemetryHistory.Table table = Files.isDirectory(telemetryDir) ?
            TelemetryHistory.sample(telemetryDir, fromMs, toMs, labels, MAX_SAMPLES) : null;
        final Map<String, Object> view = new LinkedHashMap<>();
        view.put("from", fromMs);
        view.put("to", toMs);
        final Map<String, List<Long>> series = new LinkedHashMap<>();
        if (null == table)
        {
            view.put("times", List.of());
            for (final String label : labels)
            {
                series.put(label, List.of());
            }
            view.put("series", series);
            return view;
        }
        view.put("times", table.times());
        for (int column = 0; column < table.columns().size(); column++)
        {
            final List<Long> values = new ArrayList<>(table.rows().size());
            for (final long[] row : table.rows())
            {
                values.add(Long.MIN_VALUE == row[column] ? null : row[column]);
            }
            series.put(table.columns().get(column), values);
        }
        view.put("series", series);
        return view;
    }
}
