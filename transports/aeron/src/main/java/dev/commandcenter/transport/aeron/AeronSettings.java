package dev.commandcenter.transport.aeron;

import io.aeron.driver.ThreadingMode;

/**
 * The {@code aeron:} section of the configuration. Aeron stays off unless {@code aeron.enabled} is true; then a
 * media driver is embedded in the engine's process (shared thread, back-off idle: kind to a small machine) unless
 * {@code aeron.dir} names the directory of an external one.
 * <p>
 * Each feature has its own subsection: {@link #ingress}, {@link #plugins} and {@link #output}.
 */
public final class AeronSettings
{
    /** Turn the Aeron transport on. */
    public boolean enabled = false;
    /**
     * Directory of an external media driver to connect to; empty: embed a driver whose directory is
     * {@code <data-dir>/aeron}.
     */
    public String dir = "";
    /** Threading of the embedded driver: shared (one thread, the default), shared-network or dedicated. */
    public ThreadingMode threading = ThreadingMode.SHARED;
    /** Idle strategy of the embedded driver's threads. */
    public Idle idle = Idle.BACKOFF;
    /** Term buffer length of the embedded driver's publications (IPC and network), bytes: a power of two. */
    public int termLength = 4 * 1024 * 1024;
    /** Events published into the engine by other processes. */
    public IngressSettings ingress = new IngressSettings();
    /** Plugins hosted out of process. */
    public RemotePluginSettings plugins = new RemotePluginSettings();
    /** The engine's output stream, its recording and edge nodes. */
    public OutputSettings output = new OutputSettings();

    /** Idle strategies of the embedded driver's threads. */
    public enum Idle
    {
        /** Spin, yield, then park with growing back-off: the default, little CPU while idle. */
        BACKOFF,
        /** Sleep a millisecond when idle: the least CPU, the most latency. */
        SLEEPING,
        /** Spin then yield. */
        YIELDING,
        /** Spin: lowest latency, a busy core per thread; an opt-in latency profile with {@code threading: dedicated}. */
        BUSY_SPIN
    }

    /**
     * The first thing wrong with this section, as a one-line message naming the key, or null when it is valid.
     *
     * @return the problem or null.
     */
    public String problem()
    {
        if (null == ingress || null == plugins || null == output)
        {
            return "'aeron' has an empty subsection (remove it or give it keys)";
        }
        if (null == dir)
        {
            return "'aeron.dir' expected a directory or nothing, got null";
        }
        if (null == threading || ThreadingMode.INVOKER == threading)
        {
            return "'aeron.threading' expected one of shared | shared-network | dedicated, got '" +
                (null == threading ? "null" : "invoker") + "'";
        }
        if (termLength < 64 * 1024 || termLength > 1024 * 1024 * 1024 || Integer.bitCount(termLength) != 1)
        {
            return "'aeron.termLength' expected a power of two from 65536 to 1073741824, got " + termLength;
        }
        String problem = ingress.problem("aeron.ingress");
        if (null == problem)
        {
            problem = plugins.problem("aeron.plugins");
        }
        if (null == problem)
        {
            problem = output.problem("aeron.output");
        }
        return problem;
    }
}
