package dev.commandcenter.config;

/**
 * Thrown by a bound record's constructor (or a value's factory) when a value is wrong: names the key below the
 * record, such as {@code lagLimit}, and what was expected. {@link ConfigBinder} turns it into a
 * {@link ConfigException} naming the file, the full key path and its line.
 * <p>
 * <b>Note:</b> immutable.
 */
public final class InvalidValueException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * Create the error.
     *
     * @param key      key below the record being built, or empty for the record itself.
     * @param expected what is wrong and what was expected, such as {@code expected 1 or more, got 0}.
     */
    public InvalidValueException(final String key, final String expected)
    {
        super(expected);
        this.key = key;
    }

    /**
     * The key below the record.
     *
     * @return the key, or empty.
     */
    public String key()
    {
        return key;
    }
}
