package dev.commandcenter.transport.electrum.sim;

/**
 * A schedule of blocks mined every {@code intervalMs} of an injected clock: each check mines the
 * blocks that fell due (at most 16 at once) and, after a longer gap, restarts the schedule from now
 * rather than catching up.
 * <p>
 * <b>Note:</b> not thread safe; its owner calls it under its own lock.
 */
final class BlockSchedule
{
    private static final int MAX_BLOCKS_PER_CHECK = 16;

    private final long intervalMs;
    private long nextBlockAtMs;

    /**
     * A schedule whose first block is due one interval after {@code nowMs}.
     *
     * @param nowMs      clock time now.
     * @param intervalMs milliseconds between blocks, 0 or less for no scheduled blocks.
     */
    BlockSchedule(final long nowMs, final long intervalMs)
    {
        this.intervalMs = intervalMs;
        this.nextBlockAtMs = intervalMs > 0 ? nowMs + intervalMs : Long.MAX_VALUE;
    }

    /**
     * Mine, one at a time, the blocks due at {@code nowMs}.
     *
     * @param nowMs     clock time now.
     * @param simulator to mine on.
     * @return blocks mined.
     */
    int mineDue(final long nowMs, final ElectrumSimulator simulator)
    {
        int mined = 0;
        while (nowMs >= nextBlockAtMs && mined < MAX_BLOCKS_PER_CHECK)
        {
            simulator.mine(1);
            mined++;
            nextBlockAtMs += intervalMs;
        }
        if (nowMs >= nextBlockAtMs)
        {
            nextBlockAtMs = nowMs + intervalMs;
        }
        return mined;
    }
}
