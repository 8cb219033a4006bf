package dev.commandcenter.app.config;

/**
 * A configuration error whose message is one line naming the file, the key and what was expected.
 */
public final class ConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * Create the error.
     *
     * @param message one line.
     */
    public ConfigException(final String message)
    {
        super(dev.commandcenter.config.ConfigException.oneLine(message));
    }
}
