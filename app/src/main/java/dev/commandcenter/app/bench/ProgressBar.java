package dev.commandcenter.app.bench;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a run: a bar redrawn in place on a terminal, or a plain line per interval otherwise (logs, CI).
 */
final class ProgressBar
{
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private boolean drawn;

    /**
     * @param out      where to print.
     * @param terminal whether {@code out} is a terminal.
     */
    ProgressBar(final PrintWriter out, final boolean terminal)
    {
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Whether standard output is a terminal.
     *
     * @return true on an interactive terminal.
     */
    static boolean stdoutIsTerminal()
    {
        final java.io.Console console = System.console();
        return null != console && console.isTerminal();
    }

    /**
     * Show progress.
     *
     * @param phase     such as {@code run} or {@code warm-up}.
     * @param elapsedNs time since the phase started.
     * @param totalNs   length of the phase.
     * @param sent      events sent.
     * @param received  alerts received.
     * @param p99Ms     p99 of the last interval, ms, or NaN.
     */
    void update(
        final String phase, final long elapsedNs, final long totalNs, final long sent, final long received,
        final double p99Ms)
    {
        final double fraction = Math.min(1.0, Math.max(0.0, (double)elapsedNs / Math.max(1, totalNs)));
        final String numbers = String.format(Locale.ROOT, "%-7s %5.1f/%.1f s  sent %,d  received %,d  p99 %s",
            phase, elapsedNs / 1e9, totalNs / 1e9, sent, received,
            Double.isNaN(p99Ms) ? "-" : String.format(Locale.ROOT, "%.3f ms", p99Ms));
        if (terminal)
        {
            final int filled = (int)Math.round(fraction * WIDTH);
            out.print("\r[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " +
                String.format(Locale.ROOT, "%3d%% ", Math.round(fraction * 100)) + numbers + "   ");
            drawn = true;
        }
        else
        {
            out.println("  " + numbers);
        }
        out.flush();
    }

    /**
     * End the bar's line.
     */
    void done()
    {
        if (drawn)
        {
            out.println();
            out.flush();
            drawn = false;
        }
    }
}
