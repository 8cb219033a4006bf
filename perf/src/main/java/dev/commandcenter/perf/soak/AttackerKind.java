package dev.commandcenter.perf.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * The attackers of the soak's attack phase, by their label on the command line.
 */
public enum AttackerKind
{
    /** One socket pipelining {@code GET /plugins/stream-bridge/overlay.js}, never reading. */
    PIPELINER("pipeliner"),
    /** A WebSocket client with the overlay token sending pings and text {@code ping}, never reading. */
    PINGER("pinger"),
    /** Connections each sending half a request header, a byte every few seconds. */
    SLOWLORIS("slowloris"),
    /** Idle connections, as many as allowed. */
    HOG("hog"),
    /** The wallet's Electrum server turns hostile: huge notifications, no answer to get_history. */
    ELECTRUM("electrum"),
    /** POSTs of 64 KB without a token. */
    BODIES("bodies");

    private final String label;

    AttackerKind(final String label)
    {
        this.label = label;
    }

    /**
     * The label on the command line and in reports.
     *
     * @return the label.
     */
    public String label()
    {
        return label;
    }

    /**
     * Every label, in order.
     *
     * @return the labels.
     */
    public static List<String> labels()
    {
        final List<String> labels = new ArrayList<>();
        for (final AttackerKind kind : values())
        {
            labels.add(kind.label);
        }
        return labels;
    }

    /**
     * The attacker of a label.
     *
     * @param label such as {@code slowloris}.
     * @return the kind.
     * @throws IllegalArgumentException naming the label and the known ones.
     */
    public static AttackerKind parse(final String label)
    {
        for (final AttackerKind kind : values())
        {
            if (kind.label.equals(label))
            {
                return kind;
            }
        }
        throw new IllegalArgumentException("--attackers: unknown attacker '" + label + "' (expected all, none or " +
            String.join(",", labels()) + ")");
    }
}
