package dev.commandcenter.engine.plugin;

import dev.commandcenter.engine.Event;

import java.util.BitSet;

/**
 * Which events a plugin receives: a set of SBE template ids and an optional filter on the event.
 * <p>
 * <b>Note:</b> immutable; the filter runs on the plugin's thread.
 */
public final class Subscription
{
    private static final Subscription ALL = new Subscription(null, null);

    private final BitSet templateIds;
    private final EventFilter filter;

    private Subscription(final BitSet templateIds, final EventFilter filter)
    {
        this.templateIds = templateIds;
        this.filter = filter;
    }

    /**
     * Every event.
     *
     * @return the subscription to everything.
     */
    public static Subscription all()
    {
        return ALL;
    }

    /**
     * Events of the given message types.
     *
     * @param templateIds SBE template ids to receive.
     * @return the subscription.
     */
    public static Subscription of(final int... templateIds)
    {
        final BitSet set = new BitSet();
        for (final int id : templateIds)
        {
            set.set(id);
        }
        return new Subscription(set, null);
    }

    /**
     * This subscription narrowed by a filter.
     *
     * @param filter further test on an event.
     * @return a new subscription.
     */
    public Subscription where(final EventFilter filter)
    {
        return new Subscription(templateIds, filter);
    }

    /**
     * Whether an event is admitted.
     *
     * @param event to test.
     * @return true if the plugin should receive it.
     */
    public boolean admits(final Event event)
    {
        return (null == templateIds || templateIds.get(event.templateId())) && (null == filter || filter.test(event));
    }

    /**
     * Whether a message type is admitted before any filter.
     *
     * @param templateId to test.
     * @return true if the type is subscribed.
     */
    public boolean admitsType(final int templateId)
    {
        return null == templateIds || templateIds.get(templateId);
    }

    /** A test on an event, beyond its type. */
    @FunctionalInterface
    public interface EventFilter
    {
        /**
         * Test an event.
         *
         * @param event to test.
         * @return true to deliver it.
         */
        boolean test(Event event);
    }
}
