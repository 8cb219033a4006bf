package dev.commandcenter.engine.plugin;

import java.util.Locale;

/**
 * How a plugin gets its state back when it starts: the declaration a plugin makes with {@link Plugin#recovery()}
 * (built-in plugins) or the {@code recovery:} key of its {@code plugin.yaml} (which wins).
 * <ul>
 *     <li>{@link Mode#NONE}: the plugin starts empty (the default).</li>
 *     <li>{@link Mode#JOURNAL}: before its first live event the engine reads the journal's tail, at most
 *     {@link #maxEvents()} events back from where the live ring starts, through the plugin's own subscription and
 *     {@link Plugin#onEvent}, with its emits dropped.</li>
 *     <li>{@link Mode#SNAPSHOT}: as {@link Mode#JOURNAL}, but the plugin first restores the snapshot it wrote itself
 *     ({@link Plugin#restoreSnapshot(PluginContext)}), which says from which sequence the journal must be read; with no
 *     snapshot the engine reads the last {@link #maxEvents()} events.</li>
 * </ul>
 * After recovery, and when there was nothing to recover, the engine calls {@link Plugin#onRecovered(PluginContext)}
 * once, before the first live event: the one moment outside {@link Plugin#onEvent} a plugin may re-announce its state.
 * <p>
 * A replay ({@code commandcenter replay}) never recovers: it starts every plugin empty so it reproduces the journal.
 * <p>
 * <b>Note:</b> immutable.
 */
public final class Recovery
{
    /** How the state comes back. */
    public enum Mode
    {
        /** Start empty. */
        NONE,
        /** Read the journal's tail through the handler. */
        JOURNAL,
        /** Restore the plugin's own snapshot, then read the journal from where it ends. */
        SNAPSHOT;

        /**
         * Name used in {@code plugin.yaml}.
         *
         * @return {@code none}, {@code journal} or {@code snapshot}.
         */
        public String label()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What {@link Plugin#restoreSnapshot(PluginContext)} returns when it found no snapshot to restore. */
    public static final long NO_SNAPSHOT = -1;

    /** Default bound on the events read back from the journal. */
    public static final long MAX_EVENTS_DEFAULT = 1_000_000;

    /** No recovery. */
    public static final Recovery NONE = new Recovery(Mode.NONE, 0);

    private final Mode mode;
    private final long maxEvents;

    private Recovery(final Mode mode, final long maxEvents)
    {
        this.mode = mode;
        this.maxEvents = maxEvents;
    }

    /**
     * Journal recovery reading at most the last {@code maxEvents} journal events (of every type: the subscription
     * narrows what the plugin sees).
     *
     * @param maxEvents 1 or more.
     * @return the declaration.
     * @throws IllegalArgumentException when maxEvents is less than 1.
     */
    public static Recovery journal(final long maxEvents)
    {
        return new Recovery(Mode.JOURNAL, requirePositive(maxEvents));
    }

    /**
     * Snapshot recovery; with no snapshot the journal's last {@code maxEvents} events are read, and a snapshot older
     * than that is read from no further back than {@code maxEvents} either.
     *
     * @param maxEvents 1 or more.
     * @return the declaration.
     * @throws IllegalArgumentException when maxEvents is less than 1.
     */
    public static Recovery snapshot(final long maxEvents)
    {
        return new Recovery(Mode.SNAPSHOT, requirePositive(maxEvents));
    }

    /**
     * How the state comes back.
     *
     * @return the mode.
     */
    public Mode mode()
    {
        return mode;
    }

    /**
     * Most journal events read back.
     *
     * @return the bound; 0 for {@link Mode#NONE}.
     */
    public long maxEvents()
    {
        return maxEvents;
    }

    private static long requirePositive(final long maxEvents)
    {
        if (maxEvents < 1)
        {
            throw new IllegalArgumentException("recovery.maxEvents: expected 1 or more events, got " + maxEvents);
        }
        return maxEvents;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return NONE == this ? "none" : mode.label() + " (at most " + maxEvents + " events)";
    }
}
