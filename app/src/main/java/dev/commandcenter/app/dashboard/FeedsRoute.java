package dev.commandcenter.app.dashboard;

import dev.commandcenter.transport.websocket.HttpApi;
import dev.commandcenter.transport.websocket.WebSocketEgress;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.Supplier;

/**
 * {@code GET /api/feeds} (admin): WebSocket clients per feed, {@code {"feeds":[{"feed":"stream-bridge","clients":2}],
 * "clients":2}}. The feeds are {@code all} and every plugin's, those without a client included, sorted by name;
 * {@code clients} is their sum.
 * <p>
 * <b>Note:</b> thread safe; answers on the event loop.
 */
public final class FeedsRoute implements HttpApi.Route
{
    /** Path of the route. */
    public static final String PATH = "/api/feeds";

    private final WebSocketEgress egress;
    private final Supplier<? extends Collection<String>> pluginIds;

    /**
     * @param egress    the WebSocket fan-out.
     * @param pluginIds ids of the loaded plugins, whose feeds are listed even without a client.
     */
    public FeedsRoute(final WebSocketEgress egress, final Supplier<? extends Collection<String>> pluginIds)
    {
        this.egress = egress;
        this.pluginIds = pluginIds;
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
        final SortedMap<String, Integer> clients = egress.clientsPerFeed();
        for (final String id : pluginIds.get())
        {
            clients.putIfAbsent(id, 0);
        }
        final List<Map<String, Object>> feeds = new ArrayList<>(clients.size());
        int total = 0;
        for (final Map.Entry<String, Integer> entry : clients.entrySet())
        {
            final Map<String, Object> one = new LinkedHashMap<>();
            one.put("feed", entry.getKey());
            one.put("clients", entry.getValue());
            feeds.add(one);
            total += entry.getValue();
        }
        final Map<String, Object> view = new LinkedHashMap<>();
        view.put("feeds", feeds);
        view.put("clients", total);
        return view;
    }
}
