package dev.commandcenter.app.dashboard;

import dev.commandcenter.transport.websocket.HttpApi;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.status.CountersReader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/counters} (admin): every counter of the engine's counters file, as {@code commandcenter stat} reads
 * them, {@code {"sampledAtEpochMs":...,"counters":[{"id":...,"typeId":...,"label":"...","value":...}]}}, in
 * allocation order.
 * <p>
 * <b>Note:</b> thread safe; answers on the event loop (the counters are memory).
 */
public final class CountersRoute implements HttpApi.Route
{
    /** Path of the route. */
    public static final String PATH = "/api/counters";

    private final CountersReader reader;
    private final EpochClock clock;

    /**
     * @param reader the engine's counters.
     * @param clock  gives the sample time.
     */
    public CountersRoute(final CountersReader reader, final EpochClock clock)
    {
        this.reader = reader;
        this.clock = clock;
    }

    /**
     * {@inheritDoc}
     */
    public void handle(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        if (Routes.accept(request, responder, PATH, "GET"))
        {
            responder.respond(200, view());
        }
    }

    /**
     * The answer's body.
     *
     * @return the JSON-serialisable map.
     */
    public Map<String, Object> view()
    {
        final List<Map<String, Object>> counters = new ArrayList<>();
        final long sampledAtMs = clock.time();
        reader.forEach((counterId, typeId, keyBuffer, label) ->
        {
            final Map<String, Object> one = new LinkedHashMap<>();
            one.put("id", counterId);
            one.put("typeId", typeId);
            one.put("label", label);
            one.put("value", reader.getCounterValue(counterId));
            counters.add(one);
        });
        final Map<String, Object> view = new LinkedHashMap<>();
        view.put("sampledAtEpochMs", sampledAtMs);
        view.put("counters", counters);
        return view;
    }
}
