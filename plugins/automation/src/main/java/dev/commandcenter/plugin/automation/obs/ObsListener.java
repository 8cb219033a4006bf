package dev.commandcenter.plugin.automation.obs;

/**
 * Told by an {@link ObsClient} when its connection changes state and when OBS sends an event.
 * <p>
 * <b>Note:</b> called on the client's own thread, one call at a time; an implementation must not block it. What it
 * throws is caught and given to the client's error handler.
 */
public interface ObsListener
{
    /**
     * The connection changed state (connecting, identified, disconnected, authentication failed).
     *
     * @param status the new status.
     */
    default void onStatus(final ObsStatus status)
    {
    }

    /**
     * OBS sent an event (op 5) of a category the client subscribed to.
     *
     * @param eventType     such as {@code CurrentProgramSceneChanged}.
     * @param eventIntent   its subscription category bit.
     * @param eventDataJson its {@code eventData} as JSON, or null.
     */
    default void onEvent(final String eventType, final int eventIntent, final String eventDataJson)
    {
    }
}
