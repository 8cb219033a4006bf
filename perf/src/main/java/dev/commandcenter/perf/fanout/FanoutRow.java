package dev.commandcenter.perf.fanout;

/**
 * One server at one client count: the paced phase and the saturation phase, or why the server was not available.
 *
 * @param server      which server.
 * @param clients     WebSocket clients receiving every event.
 * @param pacedRate   events per second offered in the paced phase.
 * @param paced       the paced phase's figures (null when not available).
 * @param saturated   the saturation phase's figures (null when not available).
 * @param unavailable one line on why the server could not be measured, or null when it was.
 */
public record FanoutRow(
    ServerKind server,
    int clients,
    long pacedRate,
    BenchFigures paced,
    BenchFigures saturated,
    String unavailable)
{
    /**
     * A server that could not be measured.
     *
     * @param server    which server.
     * @param clients   the client count.
     * @param pacedRate the paced rate it would have had.
     * @param reason    one line, such as what the engine printed.
     * @return the row.
     */
    public static FanoutRow unavailable(final ServerKind server, final int clients, final long pacedRate,
        final String reason)
    {
        return new FanoutRow(server, clients, pacedRate, null, null, reason);
    }

    /**
     * Whether both phases were run.
     *
     * @return false when not available.
     */
    public boolean available()
    {
        return null == unavailable;
    }

    /**
     * Frames lost in both phases.
     *
     * @return the sum, 0 when not available.
     */
    public long lost()
    {
        return available() ? paced.lost() + saturated.lost() : 0;
    }

    /**
     * Saturated delivery rate, frames per second summed over clients.
     *
     * @return the rate, NaN when not measured.
     */
    public double saturatedFramesPerSecond()
    {
        return available() && saturated.measured() ? saturated.framesPerSecond() : Double.NaN;
    }

    /**
     * The paced phase's p99, ms.
     *
     * @return the p99, NaN when not measured.
     */
    public double pacedP99Ms()
    {
        return available() ? paced.p99Ms() : Double.NaN;
    }
}
