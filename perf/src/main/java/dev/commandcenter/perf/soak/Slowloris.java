package dev.commandcenter.perf.soak;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Connections that each send half a request header and then one more byte every few seconds, never finishing
 * it; a connection the server closes is replaced, up to a bound of attempts.
 */
final class Slowloris extends ManyConnections
{
    private static final long DRIP_SECONDS = 3;

    /**
     * @param target      the engine's HTTP address.
     * @param connections to hold open at once.
     */
    Slowloris(final InetSocketAddress target, final int connections)
    {
        super(target, connections, connections * 10L, true,
            "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:" + target.getPort() + "\r\nX-Slow: ",
            TimeUnit.SECONDS.toNanos(DRIP_SECONDS));
    }

    public AttackerKind kind()
    {
        return AttackerKind.SLOWLORIS;
    }

    public String describe()
    {
        return openTarget() + " connections, half a request header then 1 byte every " + DRIP_SECONDS +
            " s; closed ones replaced, at most " + openTarget() * 10L + " attempts";
    }
}
