package dev.commandcenter.app.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one {@code bench} run does, validated by {@code BenchCommand}.
 *
 * @param rate      events per second, or 0 to saturate (as fast as the server takes them, a window in flight).
 * @param duration  of the measured run.
 * @param warmup    of the warm-up before it (not recorded).
 * @param clients   WebSocket clients receiving every alert.
 * @param transport how events go in and come out.
 * @param url       base URL of a running engine or peer, or null for the embedded engine.
 * @param token     its access token, or null for the embedded engine.
 * @param profile   engine settings of the embedded engine.
 * @param format    of the plots.
 * @param threads   sending threads.
 * @param timeout   longest wait for the last alerts after the last send.
 * @param out       the report directory.
 * @param window    most events in flight when saturating.
 * @param trace     whether clients ask for trace stamps in the frames ({@code trace=1}).
 * @param serverPids processes of the server whose CPU time is measured (summed) over the run; empty for none.
 * @param feeds     base URLs the clients' feeds are spread over (such as edge nodes); empty: {@code url}.
 * @param clientThreads event loops the WebSocket clients share.
 * @param pipeline  REST posts awaiting their answer on one connection at most when saturating (1: no pipelining).
 */
record BenchSettings(
    long rate,
    Duration duration,
    Duration warmup,
    int clients,
    Transport transport,
    URI url,
    String token,
    Profile profile,
    Charts.Format format,
    int threads,
    Duration timeout,
    Path out,
    int window,
    boolean trace,
    List<Long> serverPids,
    List<URI> feeds,
    int clientThreads,
    int pipeline)
{
    /**
     * Whether events go out as fast as the server takes them rather than at a fixed rate.
     *
     * @return true for {@code --rate max}.
     */
    boolean saturate()
    {
        return 0 == rate;
    }

    /**
     * Events in the measured run.
     *
     * @return rate times duration, at least 1.
     */
    long events()
    {
        return Math.max(1, rate * duration.toNanos() / 1_000_000_000L);
    }

    /**
     * Events in the warm-up.
     *
     * @return rate times warm-up, possibly 0.
     */
    long warmupEvents()
    {
        return rate * warmup.toNanos() / 1_000_000_000L;
    }

    /**
     * How many receivers get each alert.
     *
     * @return the clients, or 1 for the in-process egress handler.
     */
    int receivers()
    {
        return transport.usesWebSocketClients() ? clients : 1;
    }
}
