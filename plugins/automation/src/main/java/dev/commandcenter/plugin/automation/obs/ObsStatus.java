package dev.commandcenter.plugin.automation.obs;

/**
 * The OBS connection as health, {@code stat} and the dashboard show it.
 *
 * @param state        where the connection is.
 * @param url          the configured URL (never a password).
 * @param obsVersion   {@code obsStudioVersion} and {@code obsWebSocketVersion} from Identified/GetVersion, or empty.
 * @param lastError    one line: the last reason the connection failed or closed, or empty.
 * @param reconnects   connections made again after one was lost or refused.
 * @param sinceEpochMs when the connection entered this state.
 */
public record ObsStatus(State state, String url, String obsVersion, String lastError, long reconnects, long sinceEpochMs)
{
    /** Connection states. */
    public enum State
    {
        /** No {@code obs.url} configured. */
        DISABLED,
        /** Opening the socket or in the Hello/Identify exchange. */
        CONNECTING,
        /** Identified: requests are sent. */
        IDENTIFIED,
        /** Lost or refused; a reconnection is scheduled with backoff. */
        DISCONNECTED,
        /** OBS refused the password (close 4009): retried with backoff, since the password may be rotated. */
        AUTH_FAILED
    }
}
