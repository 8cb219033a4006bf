package dev.commandcenter.plugin.host;

/**
 * A plugin descriptor is wrong: the message names the file, the field and what was expected.
 */
public final class DescriptorException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String field;

    /**
     * Create the error.
     *
     * @param source   the descriptor file, such as {@code plugin.yaml in plugins/tips.jar}.
     * @param field    the field, such as {@code subscribes[0].where}, or empty for the whole file.
     * @param expected what is wrong and what was expected.
     */
    public DescriptorException(final String source, final String field, final String expected)
    {
        super(source + (field.isEmpty() ? "" : ": field '" + field + "'") + ": " + expected);
        this.source = source;
        this.field = field;
    }

    /**
     * The descriptor file.
     *
     * @return its description.
     */
    public String source()
    {
        return source;
    }

    /**
     * The field that is wrong.
     *
     * @return the field path, empty for the whole file.
     */
    public String field()
    {
        return field;
    }
}
