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
        super(oneLine(message));
    }

    /**
     * The message with control characters (line breaks inside a quoted value of the file among them) escaped, so it
     * stays one line.
     */
    private static String oneLine(final String message)
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
}
