package dev.commandcenter.engine.core.internal.slot;

/**
 * Wraps a plugin's error so the distinct error log names the plugin.
 */
public final class PluginException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * Wrap an error.
     *
     * @param pluginId the plugin that threw.
     * @param cause    what it threw.
     */
    public PluginException(final String pluginId, final Throwable cause)
    {
        super("plugin " + pluginId + " failed", cause, false, true);
    }

    /**
     * A one-line description of an error: its class and message.
     *
     * @param ex the error.
     * @return the description.
     */
    public static String describe(final Throwable ex)
    {
        return ex.getClass().getSimpleName() + (null == ex.getMessage() ? "" : ": " + ex.getMessage());
    }
}
