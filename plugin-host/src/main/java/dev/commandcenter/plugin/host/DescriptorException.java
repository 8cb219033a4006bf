package dev.commandcenter.plugin.host;

import dev.commandcenter.config.ConfigException;

/**
 * A plugin descriptor is wrong: the message names the file, the key, its line when known and what was
 * expected, in the same shape as every configuration error.
 */
public final class DescriptorException extends ConfigException
{
    private static final long serialVersionUID = 1L;

    /**
     * Create the error.
     *
     * @param source   the descriptor file, such as {@code plugin.yaml in plugins/tips.jar}.
     * @param field    the key, such as {@code subscribes[0].where}, or empty for the whole file.
     * @param expected what is wrong and what was expected.
     */
    public DescriptorException(final String source, final String field, final String expected)
    {
        super(source, field, 0, expected);
    }

    /**
     * The descriptor error of a binding error.
     *
     * @param cause what the binder found.
     */
    public DescriptorException(final ConfigException cause)
    {
        super(cause.source(), cause.key(), cause.line(), cause.getMessage(), true);
    }

    /**
     * The key that is wrong.
     *
     * @return the key path, empty for the whole file.
     */
    public String field()
    {
        return key();
    }
}
