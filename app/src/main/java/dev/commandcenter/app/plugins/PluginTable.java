package dev.commandcenter.app.plugins;

import dev.commandcenter.plugin.host.PluginView;

import java.util.List;
import java.util.Map;

/**
 * Renders plugin views as the text of {@code commandcenter plugins list} and {@code info}.
 * <p>
 * <b>Note:</b> stateless.
 */
public final class PluginTable
{
    private PluginTable()
    {
    }

    /**
     * One row per plugin: id, status, version, where it runs, processed, errors, lag, and the reason.
     *
     * @param views the plugins.
     * @return the table, a header line first.
     */
    public static String list(final List<PluginView> views)
    {
        int idWidth = 2;
        int whereWidth = 5;
        for (final PluginView view : views)
        {
            idWidth = Math.max(idWidth, view.id().length());
            whereWidth = Math.max(whereWidth, where(view).length());
        }
        final String format = "%-" + idWidth + "s  %-12s  %-10s  %-" + whereWidth + "s  %10s  %7s  %7s  %s%n";
        final StringBuilder out = new StringBuilder();
        out.append(String.format(format, "ID", "STATUS", "VERSION", "WHERE", "PROCESSED", "ERRORS", "LAG", "REASON"));
        for (final PluginView view : views)
        {
            out.append(String.format(format, view.id(), view.state(), view.version(), where(view), view.processed(),
                view.errors(), view.lag(), view.reason()));
        }
        if (views.isEmpty())
        {
            out.append("(no plugins)").append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String where(final PluginView view)
    {
        // A view from an engine older than the field has none: it runs every plugin in process.
        return null == view.where() ? "in-process" : view.where();
    }

    /**
     * Every field of one plugin, one per line.
     *
     * @param view the plugin.
     * @return the text.
     */
    public static String info(final PluginView view)
    {
        final StringBuilder out = new StringBuilder();
        line(out, "id", view.id());
        line(out, "name", view.name());
        line(out, "version", view.version());
        line(out, "origin", view.origin());
        line(out, "status", view.state() + (view.reason().isEmpty() ? "" : " (" + view.reason() + ")"));
        line(out, "runs", where(view));
        line(out, "enabled", Boolean.toString(view.enabled()));
        line(out, "back-pressure", view.backPressure() + ", lag limit " + view.lagLimit());
        line(out, "stall timeout", view.stallTimeoutMs() == 0 ? "none" : view.stallTimeoutMs() + " ms");
        line(out, "processed", Long.toString(view.processed()));
        line(out, "errors", Long.toString(view.errors()));
        line(out, "last error", view.lastError().isEmpty() ? "none" : view.lastError());
        line(out, "emitted", Long.toString(view.emitted()));
        line(out, "refused emits", Long.toString(view.refusedEmits()));
        line(out, "dropped", Long.toString(view.dropped()));
        line(out, "lag", Long.toString(view.lag()));
        line(out, "latency p50", view.p50Ns() + " ns");
        line(out, "latency p99", view.p99Ns() + " ns");
        final StringBuilder requires = new StringBuilder();
        for (final Map.Entry<String, String> entry : view.requires().entrySet())
        {
            requires.append(requires.isEmpty() ? "" : ", ").append(entry.getKey()).append(' ').append(entry.getValue());
        }
        line(out, "requires", requires.isEmpty() ? "nothing" : requires.toString());
        line(out, "subscribes", view.subscribes().isEmpty() ? "nothing" : String.join("; ", view.subscribes()));
        line(out, "may emit", view.emits().isEmpty() ? "nothing" : String.join(", ", view.emits()));
        line(out, "outputs", view.outputs().isEmpty() ? "none" : String.join(", ", view.outputs()));
        line(out, "network", view.network() ? "allowed" : "refused");
        line(out, "files", view.files() ? "allowed" : "refused");
        return out.toString();
    }

    private static void line(final StringBuilder out, final String key, final String value)
    {
        out.append(String.format("%-14s %s%n", key + ":", value));
    }
}
