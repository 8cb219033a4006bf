package dev.commandcenter.plugin.host.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.PluginHeartbeatEncoder;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine side of the remote plugin protocol: the {@link RemotePluginEndpoint} transports hand their host
 * connections to, the registry of remote slots ({@link RemotePluginProxy}, one per plugin whose descriptor says
 * {@code hosting: process}) and the {@link Agent} that keeps time for them.
 * <p>
 * A host's {@code PluginHello} attaches its link to the slot of its plugin id and is answered with a
 * {@code PluginWelcome{resumeAfter = last acknowledged}}; a hello for an id without a remote slot, for a slot that
 * already has a live host, or of another protocol version is refused with {@code PluginGoodbye{refused}} naming
 * what was expected. Hosts that have not said hello are bounded ({@code maxPendingHosts}) and timed out.
 * <p>
 * The duty cycle ({@link #doWork()}, on the caller's agent with an injected clock) sends each attached host a
 * {@code PluginHeartbeat} every heartbeat interval, marks a slot STALLED when its host has been silent for one
 * interval and closes the link (DISCONNECTED) after two; a slot without a host is DISCONNECTED with the reason
 * (at first {@value RemotePluginProxy#WAITING}).
 * <p>
 * <b>Note:</b> {@link #attach} and the session callbacks run on transports' threads, {@link #doWork()} on one agent
 * thread, {@link #newSlot} on the control thread before the engine starts; the queries on any thread.
 */
public final class RemotePlugins implements RemotePluginEndpoint, Agent, AutoCloseable
{
    /** Default heartbeat interval both ways, ms. */
    public static final int HEARTBEAT_INTERVAL_MS_DEFAULT = 1000;
    /** Default most hosts connected but not yet attached by a hello. */
    public static final int MAX_PENDING_HOSTS_DEFAULT = 16;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHECKS_PER_INTERVAL = 20;

    private final int heartbeatIntervalMs;
    private final int maxPendingHosts;
    private final EpochClock clock;
    private final Map<String, RemotePluginProxy> slots = new ConcurrentHashMap<>();
    private final Set<HostSession> pending = ConcurrentHashMap.newKeySet();
    private final UnsafeBuffer heartbeatBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PluginHeartbeatEncoder heartbeatEncoder = new PluginHeartbeatEncoder();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong oversize = new AtomicLong();
    private final AtomicLong staleDones = new AtomicLong();
    private volatile AtomicCounter refusedCounter;
    private volatile AtomicCounter malformedCounter;
    private volatile AtomicCounter oversizeCounter;
    private volatile AtomicCounter staleDonesCounter;
    private final List<RemotePluginProxy> scratch = new ArrayList<>();
    private final List<HostSession> pendingScratch = new ArrayList<>();
    private long nextCheckMs;
    private long nextHeartbeatMs;
    private AgentRunner timer;

    /**
     * An endpoint without slots yet.
     *
     * @param heartbeatIntervalMs heartbeat interval both ways, ms, 1 or more.
     * @param maxPendingHosts     most hosts waiting to say hello, 1 or more.
     * @param clock               the endpoint's time, for heartbeats and silences.
     */
    public RemotePlugins(final int heartbeatIntervalMs, final int maxPendingHosts, final EpochClock clock)
    {
        if (heartbeatIntervalMs < 1)
        {
            throw new IllegalArgumentException("heartbeatIntervalMs: expected 1 or more, got " + heartbeatIntervalMs);
        }
        if (maxPendingHosts < 1)
        {
            throw new IllegalArgumentException("maxPendingHosts: expected 1 or more, got " + maxPendingHosts);
        }
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        this.maxPendingHosts = maxPendingHosts;
        this.clock = clock;
    }

    /**
     * Make the remote slot of a plugin: the proxy to register in the engine as its instance.
     *
     * @param id       plugin id hosts attach by.
     * @param version  plugin version, from its descriptor.
     * @param config   the plugin's configuration section, sent to hosts in the welcome.
     * @param lagLimit the slot's lag limit, the retained window's capacity (rounded up to a power of two).
     * @return the proxy; the one already made for the id when it has one (a reload keeps the slot's window and
     *         host).
     */
    public RemotePluginProxy newSlot(final String id, final String version, final Map<String, ?> config,
        final int lagLimit)
    {
        final RemotePluginProxy existing = slots.get(id);
        if (null != existing)
        {
            return existing;
        }
        final String configJson;
        try
        {
            configJson = JSON.writeValueAsString(null == config ? Map.of() : new TreeMap<>(config));
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException("plugins." + id + ": configuration cannot be sent as JSON: " +
                ex.getOriginalMessage(), ex);
        }
        final RemotePluginProxy proxy = new RemotePluginProxy(id, version, configJson, lagLimit,
            new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MILLISECONDS.toNanos(1)),
            this);
        final RemotePluginProxy raced = slots.putIfAbsent(id, proxy);
        return null == raced ? proxy : raced;
    }

    /**
     * Forget a remote slot (its plugin was removed); its host, if any, is told goodbye.
     *
     * @param id plugin id.
     */
    public void removeSlot(final String id)
    {
        final RemotePluginProxy proxy = slots.remove(id);
        if (null != proxy)
        {
            proxy.close();
            final HostSession session = proxy.attached();
            if (null != session)
            {
                session.close("plugin '" + id + "' removed from the engine");
            }
        }
    }

    /**
     * The remote slot of a plugin.
     *
     * @param id plugin id.
     * @return the proxy, or null when the plugin has no remote slot.
     */
    public RemotePluginProxy slot(final String id)
    {
        return slots.get(id);
    }

    /**
     * Where a plugin runs, for {@code plugins list}.
     *
     * @param id plugin id.
     * @return such as {@code aeron session 12 (java pid 4242 on studio)}, or null when it has no remote slot.
     */
    public String where(final String id)
    {
        final RemotePluginProxy proxy = slots.get(id);
        return null == proxy ? null : proxy.where();
    }

    /**
     * Heartbeat interval both ways.
     *
     * @return ms.
     */
    public int heartbeatIntervalMs()
    {
        return heartbeatIntervalMs;
    }

    /**
     * {@inheritDoc}
     */
    public RemoteLinkHandler attach(final RemoteLink link)
    {
        final HostSession session = new HostSession(link, this, clock.time());
        if (pending.size() >= maxPendingHosts)
        {
            session.refuse("too many plugin hosts waiting to say hello (" + maxPendingHosts +
                "), expected a PluginHello from each within " + 2 * heartbeatIntervalMs + " ms");
            return session;
        }
        pending.add(session);
        return session;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final long nowMs = clock.time();
        if (nowMs < nextCheckMs)
        {
            return 0;
        }
        nextCheckMs = nowMs + Math.max(1, heartbeatIntervalMs / CHECKS_PER_INTERVAL);
        final boolean beat = nowMs >= nextHeartbeatMs;
        if (beat)
        {
            nextHeartbeatMs = nowMs + heartbeatIntervalMs;
        }
        int work = 0;
        scratch.clear();
        scratch.addAll(slots.values());
        for (final RemotePluginProxy proxy : scratch)
        {
            work += check(proxy, nowMs, beat);
        }
        pendingScratch.clear();
        pendingScratch.addAll(pending);
        for (final HostSession session : pendingScratch)
        {
            if (nowMs - session.openedMs() >= 2L * heartbeatIntervalMs)
            {
                countMalformed();
                session.close("no PluginHello within " + 2 * heartbeatIntervalMs + " ms of connecting");
                pending.remove(session);
                work++;
            }
        }
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "cc-remote-plugins";
    }

    /**
     * Run the duty cycle on a thread of its own, sleeping between checks (a twentieth of the heartbeat interval),
     * unless it already runs.
     *
     * @param errorHandler where errors of the duty cycle go.
     */
    public synchronized void start(final ErrorHandler errorHandler)
    {
        if (null == timer)
        {
            timer = new AgentRunner(new SleepingMillisIdleStrategy(Math.max(1, heartbeatIntervalMs / CHECKS_PER_INTERVAL)),
                errorHandler, null, this);
            AgentRunner.startOnThread(timer);
        }
    }

    /**
     * Stop every remote slot's waiting, close every host's link and stop the duty cycle's thread.
     */
    public void close()
    {
        final AgentRunner runner;
        synchronized (this)
        {
            runner = timer;
            timer = null;
        }
        CloseHelper.quietClose(runner);
        for (final RemotePluginProxy proxy : slots.values())
        {
            proxy.close();
            final HostSession session = proxy.attached();
            if (null != session)
            {
                session.close("engine shutting down");
            }
        }
        for (final HostSession session : pending)
        {
            session.close("engine shutting down");
        }
    }

    /**
     * Hellos refused (unknown plugin, a host already attached, wrong protocol version, too many waiting).
     *
     * @return the count.
     */
    public long refusedHellos()
    {
        return refused.get();
    }

    /**
     * Malformed or unexpected messages from hosts (each closed the link), and hosts that never said hello.
     *
     * @return the count.
     */
    public long malformedMessages()
    {
        return malformed.get();
    }

    /**
     * Messages refused for their size (an event or emit over the engine's limit, a message beyond the inbox).
     *
     * @return the count.
     */
    public long oversizeMessages()
    {
        return oversize.get();
    }

    /**
     * Dones for events already acknowledged (or never sent): ignored, their emits not published again.
     *
     * @return the count.
     */
    public long staleDones()
    {
        return staleDones.get();
    }

    long nowMs()
    {
        return clock.time();
    }

    /**
     * Count into the engine's counters file from now on (what was counted before is carried over), so {@code stat}
     * and {@code /metrics} show the endpoint's refusals. Binding again does nothing.
     *
     * @param counters the engine's allocator.
     */
    public synchronized void bindCounters(final CounterAllocator counters)
    {
        if (null != refusedCounter)
        {
            return;
        }
        malformedCounter = bind(counters, CounterType.REMOTE_MALFORMED, malformed);
        oversizeCounter = bind(counters, CounterType.REMOTE_OVERSIZE, oversize);
        staleDonesCounter = bind(counters, CounterType.REMOTE_STALE_DONES, staleDones);
        refusedCounter = bind(counters, CounterType.REMOTE_HELLOS_REFUSED, refused);
    }

    private static AtomicCounter bind(final CounterAllocator counters, final CounterType type, final AtomicLong count)
    {
        final AtomicCounter counter = counters.allocate(type, "");
        counter.setRelease(count.get());
        return counter;
    }

    private static void count(final AtomicLong count, final AtomicCounter counter)
    {
        count.incrementAndGet();
        if (null != counter)
        {
            counter.increment();
        }
    }

    void countRefused()
    {
        count(refused, refusedCounter);
    }

    void countMalformed()
    {
        count(malformed, malformedCounter);
    }

    void countOversize()
    {
        count(oversize, oversizeCounter);
    }

    void countStaleDone()
    {
        count(staleDones, staleDonesCounter);
    }

    void hello(final HostSession session, final String pluginId)
    {
        pending.remove(session);
        final RemotePluginProxy proxy = slots.get(pluginId);
        if (null == proxy)
        {
            session.refuse("no remote slot for plugin '" + pluginId + "': expected one of " +
                new java.util.TreeSet<>(slots.keySet()) + " (plugins whose plugin.yaml says hosting: process)");
            return;
        }
        synchronized (proxy.attachLock)
        {
            final HostSession current = proxy.attached();
            if (null != current && HostSession.State.CLOSED != current.state())
            {
                session.refuse("plugin '" + pluginId + "' already has a host attached: " + current.describe() +
                    "; expected one host per plugin");
                return;
            }
            session.attached(proxy);
            session.welcome(pluginId, proxy.lastAcknowledged(), heartbeatIntervalMs, proxy.configJson());
            proxy.attach(session);
        }
    }

    void closed(final HostSession session, final HostSession.State previous, final String reason)
    {
        pending.remove(session);
        final RemotePluginProxy proxy = session.proxy();
        if (HostSession.State.ATTACHED == previous && null != proxy)
        {
            proxy.detach(session, reason);
        }
    }

    private int check(final RemotePluginProxy proxy, final long nowMs, final boolean beat)
    {
        final HostSession session = proxy.attached();
        if (null == session)
        {
            proxy.reportDetached();
            return 0;
        }
        final long silentMs = nowMs - session.lastHeardMs();
        if (silentMs >= 2L * heartbeatIntervalMs)
        {
            final String reason = "host " + session.describe() + " silent for " + silentMs +
                " ms (heartbeatIntervalMs " + heartbeatIntervalMs + "): link closed";
            // Detach first, so the slot is DISCONNECTED now even if the transport reports the close later.
            proxy.detach(session, reason);
            session.close(reason);
            return 1;
        }
        proxy.reportAttached(session, silentMs < heartbeatIntervalMs ? null :
            "host " + session.describe() + " silent for " + silentMs + " ms (heartbeatIntervalMs " +
            heartbeatIntervalMs + ")");
        if (beat)
        {
            heartbeatEncoder.wrapAndApplyHeader(heartbeatBuffer, 0, headerEncoder)
                .epochMs(nowMs)
                .lastDone(proxy.lastAcknowledged());
            session.offer(heartbeatBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + heartbeatEncoder.encodedLength());
            return 1;
        }
        return 0;
    }
}
