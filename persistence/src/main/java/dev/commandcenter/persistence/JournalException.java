package dev.commandcenter.persistence;

/**
 * A journal or telemetry queue that cannot be used as asked: missing, foreign, written by a newer
 * build, truncated or corrupt. The message is one line that names the file or record and what was
 * expected, fit to show a user as is.
 */
public class JournalException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /**
     * Create an exception with a one-line message.
     *
     * @param message naming what is wrong and what was expected.
     */
    public JournalException(final String message)
    {
        super(message);
    }

    /**
     * Create an exception with a one-line message and its cause.
     *
     * @param message naming what is wrong and what was expected.
     * @param cause   the underlying failure.
     */
    public JournalException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
