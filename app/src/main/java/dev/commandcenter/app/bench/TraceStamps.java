package dev.commandcenter.app.bench;

/**
 * The stamps of one received alert, epoch nanoseconds, 0 when a stamp is absent: the engine's trace object
 * ({@code ingressNs, journaledNs, handledNs, emittedNs, egressNs}) and the client's receive time.
 * <p>
 * <b>Note:</b> mutable and reused by one receiving thread.
 */
final class TraceStamps
{
    final long[] stampsNs = new long[Stage.values().length + 1];

    /**
     * Clear every stamp.
     *
     * @return this.
     */
    TraceStamps clear()
    {
        java.util.Arrays.fill(stampsNs, 0);
        return this;
    }

    /**
     * Set the engine's stamps.
     *
     * @param ingressNs   when the event entered the input ring.
     * @param journaledNs when the journaller passed it.
     * @param handledNs   when the plugin began on it.
     * @param emittedNs   when the plugin emitted the alert.
     * @param egressNs    when the egress wrote the frame.
     * @return this.
     */
    TraceStamps engine(
        final long ingressNs, final long journaledNs, final long handledNs, final long emittedNs, final long egressNs)
    {
        stampsNs[0] = ingressNs;
        stampsNs[1] = journaledNs;
        stampsNs[2] = handledNs;
        stampsNs[3] = emittedNs;
        stampsNs[4] = egressNs;
        return this;
    }

    /**
     * Set one stamp by its name in the trace object.
     *
     * @param name    such as {@code journaledNs}.
     * @param valueNs the stamp.
     */
    void set(final String name, final long valueNs)
    {
        switch (name)
        {
            case "ingressNs" -> stampsNs[0] = valueNs;
            case "journaledNs" -> stampsNs[1] = valueNs;
            case "handledNs" -> stampsNs[2] = valueNs;
            case "emittedNs" -> stampsNs[3] = valueNs;
            case "egressNs" -> stampsNs[4] = valueNs;
            default ->
            {
            }
        }
    }

    /**
     * Set the client's receive stamp.
     *
     * @param receivedNs epoch nanoseconds, or 0 when there is no client.
     * @return this.
     */
    TraceStamps received(final long receivedNs)
    {
        stampsNs[Stage.values().length] = receivedNs;
        return this;
    }

    /**
     * Duration of a stage, or -1 when either of its stamps is absent.
     *
     * @param stage the stage.
     * @return nanoseconds, 0 or more, or -1.
     */
    long durationNs(final Stage stage)
    {
        final long from = stampsNs[stage.ordinal()];
        final long to = stampsNs[stage.ordinal() + 1];
        if (0 == from || 0 == to)
        {
            return -1;
        }
        return Math.max(0, to - from);
    }
}
