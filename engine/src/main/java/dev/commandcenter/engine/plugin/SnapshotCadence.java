package dev.commandcenter.engine.plugin;

/**
 * When a plugin that recovers from its own snapshot ({@link Recovery.Mode#SNAPSHOT}) writes the next one: every
 * {@code everyEvents} handled events, but not sooner than {@code minIntervalMs} of event time after the last one,
 * and never more than {@link #maxEventsApart()} events after it.
 * <p>
 * A count alone makes a snapshot's cost grow with the event rate: at 20,000 events a second and a snapshot every
 * 1,000, a plugin would encode and the host would write and {@code fsync} its state 20 times a second, and a state
 * that grew with the backlog (a line of queued alerts) would be encoded whole each time. The interval bounds that to
 * one snapshot per interval whatever the rate. The bound on events keeps what a restart reads back from the journal
 * after the snapshot within the plugin's recovery bound (the built-in plugins read at most 100,000 events).
 * <p>
 * Time is the events' own ({@link dev.commandcenter.engine.Event#timestampNs()}), not a clock: the same journal
 * gives the same snapshots, and a test sets the time by the events it sends.
 * <p>
 * <b>Note:</b> not thread safe; owned by the plugin's thread. Allocates nothing.
 */
public final class SnapshotCadence
{
    /** Plugin configuration key of the interval: least milliseconds of event time between two snapshots. */
    public static final String MIN_INTERVAL_MS_KEY = "snapshotMinIntervalMs";
    /** Default of {@value #MIN_INTERVAL_MS_KEY}: at most one snapshot a second while events keep coming. */
    public static final long MIN_INTERVAL_MS_DEFAULT = 1000;
    /** Largest {@value #MIN_INTERVAL_MS_KEY}: one minute. */
    public static final long MIN_INTERVAL_MS_MAX = 60_000;
    /** Most events between two snapshots whatever the interval (unless {@code everyEvents} is larger). */
    public static final long MAX_EVENTS_APART_DEFAULT = 50_000;

    private final long everyEvents;
    private final long minIntervalNs;
    private final long maxEventsApart;
    private long sinceSnapshot;
    private long lastEventNs;
    private long lastSnapshotNs;
    private boolean taken;

    /**
     * A cadence.
     *
     * @param everyEvents   events handled before a snapshot is due, at least 1.
     * @param minIntervalMs least event time between two snapshots, 0 for a snapshot every {@code everyEvents}.
     */
    public SnapshotCadence(final long everyEvents, final long minIntervalMs)
    {
        if (everyEvents < 1)
        {
            throw new IllegalArgumentException("everyEvents: expected at least 1, got " + everyEvents);
        }
        if (minIntervalMs < 0 || minIntervalMs > MIN_INTERVAL_MS_MAX)
        {
            throw new IllegalArgumentException(intervalProblem(MIN_INTERVAL_MS_KEY, minIntervalMs));
        }
        this.everyEvents = everyEvents;
        this.minIntervalNs = minIntervalMs * 1_000_000L;
        this.maxEventsApart = Math.max(everyEvents, MAX_EVENTS_APART_DEFAULT);
    }

    /**
     * One line saying what is wrong with a configured interval, for the plugin's own key name.
     *
     * @param key           the key as the user wrote it, e.g. {@code plugins.stream-bridge.snapshotMinIntervalMs}.
     * @param minIntervalMs the value.
     * @return the message, or null when the value is in range.
     */
    public static String intervalProblem(final String key, final long minIntervalMs)
    {
        if (minIntervalMs >= 0 && minIntervalMs <= MIN_INTERVAL_MS_MAX)
        {
            return null;
        }
        return key + ": expected 0 to " + MIN_INTERVAL_MS_MAX + " milliseconds, got " + minIntervalMs;
    }

    /**
     * The interval a plugin's configuration asks for, {@value #MIN_INTERVAL_MS_KEY}, checked.
     *
     * @param config        the plugin's configuration.
     * @param qualifiedKey  the key as the user wrote it, for the error, e.g.
     *                      {@code plugins.stream-bridge.snapshotMinIntervalMs}.
     * @return milliseconds, {@value #MIN_INTERVAL_MS_DEFAULT} when not set.
     * @throws IllegalArgumentException naming the key, the range and the value when out of range.
     */
    public static long minIntervalMs(final PluginConfig config, final String qualifiedKey)
    {
        final long minIntervalMs = config.getLong(MIN_INTERVAL_MS_KEY, MIN_INTERVAL_MS_DEFAULT);
        final String problem = intervalProblem(qualifiedKey, minIntervalMs);
        if (null != problem)
        {
            throw new IllegalArgumentException(problem);
        }
        return minIntervalMs;
    }

    /**
     * Count a handled event and say whether a snapshot is due now; when it is, the caller writes one and calls
     * {@link #taken()}.
     *
     * @param eventTimeNs the event's time.
     * @return true when a snapshot is due.
     */
    public boolean onEvent(final long eventTimeNs)
    {
        lastEventNs = eventTimeNs;
        final long since = ++sinceSnapshot;
        return since >= everyEvents &&
            (!taken || since >= maxEventsApart || eventTimeNs - lastSnapshotNs >= minIntervalNs);
    }

    /**
     * A snapshot was written (or attempted) after the last event counted: the count starts again, and the interval
     * runs from that event's time.
     */
    public void taken()
    {
        sinceSnapshot = 0;
        lastSnapshotNs = lastEventNs;
        taken = true;
    }

    /**
     * Forget the count and the last snapshot's time, as for a plugin whose state was cleared.
     */
    public void reset()
    {
        sinceSnapshot = 0;
        lastEventNs = 0;
        lastSnapshotNs = 0;
        taken = false;
    }

    /**
     * Events handled since the last snapshot.
     *
     * @return the count.
     */
    public long sinceSnapshot()
    {
        return sinceSnapshot;
    }

    /**
     * Most events between two snapshots: {@link #MAX_EVENTS_APART_DEFAULT}, or {@code everyEvents} when larger.
     *
     * @return the bound.
     */
    public long maxEventsApart()
    {
        return maxEventsApart;
    }
}
