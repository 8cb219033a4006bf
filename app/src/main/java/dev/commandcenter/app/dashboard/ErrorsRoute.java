package dev.commandcenter.app.dashboard;

import dev.commandcenter.engine.counters.CountersFile;
import dev.commandcenter.transport.websocket.HttpApi;
import org.agrona.concurrent.errors.ErrorLogReader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/errors} (admin): the engine's distinct error log, what {@code commandcenter stat --errors} prints,
 * {@code {"errors":[{"count":...,"firstEpochMs":...,"lastEpochMs":...,"message":"..."}]}}, the most recently observed
 * first. The message is the whole record (the stack trace included).
 * <p>
 * <b>Note:</b> thread safe; reads the counters file on a virtual thread, off the event loop.
 */
public final class ErrorsRoute implements HttpApi.Route
{
    /** Path of the route. */
    public static final String PATH = "/api/errors";

    private final Path countersFile;

    /**
     * @param countersFile the engine's counters file, which holds the error log.
     */
    public ErrorsRoute(final Path countersFile)
    {
        this.countersFile = countersFile;
    }

    /**
     * {@inheritDoc}
     */
    public void handle(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        if (Routes.accept(request, responder, PATH, "GET"))
        {
            Thread.ofVirtual().name("cc-dashboard-errors").start(() ->
            {
                try
                {
                    responder.respond(200, view());
                }
                catch (final RuntimeException ex)
                {
                    responder.respond(500, Map.of("error", "cannot read the error log in " + countersFile + ": " +
                        Routes.describe(ex)));
                }
            });
        }
    }

    /**
     * The answer's body.
     *
     * @return the JSON-serialisable map.
     */
    public Map<String, Object> view()
    {
        final List<Map<String, Object>> errors = new ArrayList<>();
        if (Files.exists(countersFile))
        {
            try (CountersFile file = CountersFile.open(countersFile))
            {
                ErrorLogReader.read(file.errorLog(), (observations, first, last, text) ->
                {
                    final Map<String, Object> one = new LinkedHashMap<>();
                    one.put("count", observations);
                    one.put("firstEpochMs", first);
                    one.put("lastEpochMs", last);
                    one.put("message", text);
                    errors.add(one);
                });
            }
        }
        errors.sort(Comparator.comparingLong((Map<String, Object> one) -> (Long)one.get("lastEpochMs")).reversed());
        final Map<String, Object> view = new LinkedHashMap<>();
        view.put("errors", errors);
        return view;
    }
}
