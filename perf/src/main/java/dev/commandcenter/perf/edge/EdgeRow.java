package dev.commandcenter.perf.edge;

/**
 * One row of the edge benchmark's summary: a setup and what it measured, or why it could not.
 *
 * @param setup       {@code a}, {@code b}, {@code c-direct} or {@code c-edge}.
 * @param title       what runs, for the table.
 * @param viewers     viewers connected.
 * @param rate        events per second offered.
 * @param figures     what was measured (a failed figure when the setup was not available).
 * @param unavailable why the setup could not run, or null.
 */
public record EdgeRow(String setup, String title, int viewers, long rate, EdgeFigures figures, String unavailable)
{
    /**
     * A setup that could not run.
     *
     * @param setup   the setup.
     * @param title   what would have run.
     * @param viewers viewers it would have had.
     * @param rate    events per second.
     * @param expected frames it would have expected.
     * @param reason  one line on why.
     * @return the row.
     */
    public static EdgeRow unavailable(final String setup, final String title, final int viewers, final long rate,
        final long expected, final String reason)
    {
        return new EdgeRow(setup, title, viewers, rate, EdgeFigures.failed(expected, reason), reason);
    }

    /**
     * Whether the setup ran and produced figures.
     *
     * @return true when measured.
     */
    public boolean measured()
    {
        return null == unavailable && figures.measured();
    }
}
