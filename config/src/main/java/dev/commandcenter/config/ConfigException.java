package dev.commandcenter.config;

/**
 * Configuration is wrong: a one-line message naming the file, the key, the line and what was expected, such as
 * {@code config.yaml: 'engine.backPressure' (line 3) expected one of block | reject, got 'drop'}.
 * <p>
 * <b>Note:</b> immutable.
 */
public class ConfigException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String key;
    private final int line;

    /**
     * Create the error for a key.
     *
     * @param source   the file, such as {@code config.yaml} or {@code plugin.yaml in plugins/tips.jar}.
     * @param key      dotted key path such as {@code subscribes[0].where}, or empty for the whole file.
     * @param line     line of the key, or 0 when unknown.
     * @param expected what is wrong and what was expected, such as {@code expected 1 or more, got 0}.
     */
    public ConfigException(final String source, final String key, final int line, final String expected)
    {
        this(source, key, line, format(source, key, line, expected), true);
    }

    /**
     * Create the error with its message already written.
     *
     * @param source    the file.
     * @param key       the key path, or empty.
     * @param line      the line, or 0.
     * @param message   the whole one-line message, starting with the file.
     * @param formatted marks this constructor; the message is used as given.
     */
    protected ConfigException(
        final String source, final String key, final int line, final String message, final boolean formatted)
    {
        super(oneLine(message));
        this.source = source;
        this.key = key;
        this.line = line;
    }

    /**
     * An error whose message is written whole, for the shapes {@link #format} does not cover.
     *
     * @param source  the file.
     * @param key     the key path, or empty.
     * @param line    the line, or 0.
     * @param message the one-line message, starting with the file.
     * @return the error.
     */
    public static ConfigException withMessage(final String source, final String key, final int line, final String message)
    {
        return new ConfigException(source, key, line, message, true);
    }

    /**
     * The one message shape: {@code source: 'key' (line N) expected ...}.
     *
     * @param source   the file.
     * @param key      the key path, or empty.
     * @param line     the line, or 0.
     * @param expected what is wrong and what was expected.
     * @return the message.
     */
    public static String format(final String source, final String key, final int line, final String expected)
    {
        final StringBuilder message = new StringBuilder(source);
        if (key.isEmpty())
        {
            if (line > 0)
            {
                message.append(" (line ").append(line).append(')');
            }
            return message.append(": ").append(firstLine(expected)).toString();
        }
        message.append(": '").append(key).append('\'');
        if (line > 0)
        {
            message.append(" (line ").append(line).append(')');
        }
        message.append(expected.startsWith("expected") || expected.startsWith("missing") ? " " : ": ");
        return message.append(firstLine(expected)).toString();
    }

    /**
     * The file.
     *
     * @return its name as given to the binder.
     */
    public String source()
    {
        return source;
    }

    /**
     * The key that is wrong.
     *
     * @return the dotted key path, empty for the whole file.
     */
    public String key()
    {
        return key;
    }

    /**
     * The line of the key.
     *
     * @return the line, or 0 when unknown.
     */
    public int line()
    {
        return line;
    }

    /**
     * A message with its control characters (line breaks from a multi-line key or value of the file among them)
     * escaped as {@code \\uXXXX}, so it stays one line.
     *
     * @param message the message, or null.
     * @return the message on one line.
     */
    public static String oneLine(final String message)
    {
        if (null == message || message.chars().noneMatch(Character::isISOControl))
        {
            return message;
        }
        final StringBuilder builder = new StringBuilder(message.length() + 16);
        for (int i = 0; i < message.length(); i++)
        {
            final char c = message.charAt(i);
            if (Character.isISOControl(c))
            {
                builder.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                builder.append(c);
            }
        }
        return builder.toString();
    }

    static String firstLine(final String text)
    {
        return null == text ? "" : text.lines().findFirst().orElse("").trim();
    }
}
