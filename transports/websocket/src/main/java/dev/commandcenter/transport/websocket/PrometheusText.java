package dev.commandcenter.transport.websocket;

import dev.commandcenter.engine.counters.CounterType;
import org.agrona.concurrent.status.CountersReader;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders every counter of a counters file as Prometheus text exposition format 0.0.4. Names, kinds and
 * label names come from {@link CounterType}; a counter's label suffix becomes a label value: its first
 * word under the type's label name ({@code plugin="stream-bridge"}, {@code code="503"}) and the rest, when
 * there is any, under {@code detail}. Nanosecond values are shown in seconds. Counters of a type this
 * build does not know are shown as the gauge {@value #UNKNOWN_FAMILY} labelled with their type id and
 * label. Counters that would render as the same series (the same type and suffix allocated twice) are
 * summed, since Prometheus refuses a scrape with a duplicate series.
 * <pre>
 * # HELP commandcenter_http_requests_total http requests
 * # TYPE commandcenter_http_requests_total counter
 * commandcenter_http_requests_total{code="200"} 12
 * </pre>
 * <b>Note:</b> stateless and thread safe; allocates per scrape, never on an event path.
 */
public final class PrometheusText
{
    /** Content type of the exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Family of counters whose type id is not a {@link CounterType}. */
    public static final String UNKNOWN_FAMILY = "commandcenter_counter";

    /** Label holding the words of a label suffix after the first. */
    public static final String DETAIL_LABEL = "detail";

    private PrometheusText()
    {
    }

    /**
     * Render every allocated counter.
     *
     * @param reader over the counters file.
     * @return the exposition text, families in {@link CounterType} order, then unknown types.
     */
    public static String render(final CountersReader reader)
    {
        final StringBuilder out = new StringBuilder(4096);
        render(reader, out);
        return out.toString();
    }

    /**
     * Render every allocated counter, appending to a builder.
     *
     * @param reader over the counters file.
     * @param out    to append to.
     */
    public static void render(final CountersReader reader, final StringBuilder out)
    {
        final CounterType[] types = CounterType.values();
        final List<Map<String, long[]>> families = new ArrayList<>(types.length);
        for (int i = 0; i < types.length; i++)
        {
            families.add(new LinkedHashMap<>());
        }
        final Map<String, long[]> unknown = new LinkedHashMap<>();

        reader.forEach((counterId, typeId, keyBuffer, label) ->
        {
            final long value = reader.getCounterValue(counterId);
            final CounterType type = CounterType.get(typeId);
            if (null == type)
            {
                final String labels = "{type_id=\"" + typeId + "\",label=\"" + escapeLabelValue(label) + "\"}";
                unknown.computeIfAbsent(labels, (k) -> new long[1])[0] += value;
            }
            else
            {
                families.get(type.ordinal()).computeIfAbsent(labels(type, label), (k) -> new long[1])[0] += value;
            }
        });

        for (final CounterType type : types)
        {
            final Map<String, long[]> series = families.get(type.ordinal());
            if (series.isEmpty())
            {
                continue;
            }
            final String name = type.prometheusName();
            header(out, name, help(type), type.kind() == CounterType.Kind.COUNTER ? "counter" : "gauge");
            for (final Map.Entry<String, long[]> entry : series.entrySet())
            {
                out.append(name).append(entry.getKey()).append(' ');
                appendValue(out, entry.getValue()[0], type.isNanoseconds());
                out.append('\n');
            }
        }
        if (!unknown.isEmpty())
        {
            header(out, UNKNOWN_FAMILY, "counters of a type this build does not know, by type id and label", "gauge");
            for (final Map.Entry<String, long[]> entry : unknown.entrySet())
            {
                out.append(UNKNOWN_FAMILY).append(entry.getKey()).append(' ').append(entry.getValue()[0]).append('\n');
            }
        }
    }

    /**
     * Escape a label value: backslash, double quote and line feed.
     *
     * @param value raw value.
     * @return the escaped value, without quotes.
     */
    public static String escapeLabelValue(final String value)
    {
        return escape(value, true);
    }

    /**
     * Escape {@code # HELP} text: backslash and line feed.
     *
     * @param text raw text.
     * @return the escaped text.
     */
    public static String escapeHelp(final String text)
    {
        return escape(text, false);
    }

    /**
     * The label set of a counter, such as {@code {plugin="alerts"}}, or empty for a process-wide one.
     */
    static String labels(final CounterType type, final String label)
    {
        final String prefix = type.label();
        final String suffix;
        if (label.equals(prefix))
        {
            suffix = "";
        }
        else if (label.startsWith(prefix + ": "))
        {
            suffix = label.substring(prefix.length() + 2).trim();
        }
        else
        {
            suffix = label.trim();
        }
        if (suffix.isEmpty())
        {
            return "";
        }

        final String labelName = null == type.prometheusLabel() ? DETAIL_LABEL : type.prometheusLabel();
        final int space = null == type.prometheusLabel() ? -1 : suffix.indexOf(' ');
        final StringBuilder labels = new StringBuilder(suffix.length() + 32).append('{').append(labelName).append("=\"");
        if (space < 0)
        {
            labels.append(escapeLabelValue(suffix)).append('"');
        }
        else
        {
            labels.append(escapeLabelValue(suffix.substring(0, space))).append("\",").append(DETAIL_LABEL).append("=\"")
                .append(escapeLabelValue(suffix.substring(space + 1).trim())).append('"');
        }
        return labels.append('}').toString();
    }

    private static String help(final CounterType type)
    {
        final String label = type.label();
        return type.isNanoseconds() ? label.substring(0, label.length() - " ns".length()) + " in seconds" : label;
    }

    private static void header(final StringBuilder out, final String name, final String help, final String kind)
    {
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(kind).append('\n');
    }

    private static void appendValue(final StringBuilder out, final long value, final boolean nanoseconds)
    {
        if (nanoseconds && 0 != value)
        {
            out.append(BigDecimal.valueOf(value, 9).stripTrailingZeros().toPlainString());
        }
        else
        {
            out.append(value);
        }
    }

    private static String escape(final String value, final boolean quote)
    {
        StringBuilder escaped = null;
        for (int i = 0, length = value.length(); i < length; i++)
        {
            final char c = value.charAt(i);
            final String replacement = '\\' == c ? "\\\\" : '\n' == c ? "\\n" : quote && '"' == c ? "\\\"" : null;
            if (null != replacement && null == escaped)
            {
                escaped = new StringBuilder(length + 16).append(value, 0, i);
            }
            if (null != escaped)
            {
                if (null != replacement)
                {
                    escaped.append(replacement);
                }
                else
                {
                    escaped.append(c);
                }
            }
        }
        return null == escaped ? value : escaped.toString();
    }
}
