package dev.commandcenter.perf.soak;

import java.net.InetSocketAddress;

/**
 * Idle connections that send nothing, opened until the cap, until connects fail 200 times in a row, or until
 * this process runs out of file descriptors; connections the server closes are not replaced.
 */
final class ConnectionHog extends ManyConnections
{
    private final String capReason;

    /**
     * @param target    the engine's HTTP address.
     * @param cap       most connections.
     * @param capReason why the cap is what it is, for the report.
     */
    ConnectionHog(final InetSocketAddress target, final int cap, final String capReason)
    {
        super(target, cap, cap, false, null, 0);
        this.capReason = capReason;
    }

    public AttackerKind kind()
    {
        return AttackerKind.HOG;
    }

    public String describe()
    {
        return "idle connections up to " + openTarget() + " (" + capReason + "), or until refused";
    }
}
