package dev.commandcenter.app.cli;

import java.io.PrintStream;

/**
 * The byte streams of the running command line, for tools that write bytes (journal dump) rather
 * than through picocli's writers, and the one-line form every command gives a failure.
 */
public final class Console
{
    private static volatile PrintStream out = System.out;
    private static volatile PrintStream err = System.err;

    private Console()
    {
    }

    /**
     * Set the streams for this run.
     *
     * @param out standard output.
     * @param err standard error.
     */
    public static void use(final PrintStream out, final PrintStream err)
    {
        Console.out = out;
        Console.err = err;
    }

    /**
     * Standard output.
     *
     * @return the stream.
     */
    public static PrintStream out()
    {
        return out;
    }

    /**
     * Standard error.
     *
     * @return the stream.
     */
    public static PrintStream err()
    {
        return err;
    }

    /**
     * A one-line description of a failure: its message, or its type when it has none.
     *
     * @param ex the failure.
     * @return one line.
     */
    public static String describe(final Throwable ex)
    {
        final String message = ex.getMessage();
        if (null == message || message.isBlank())
        {
            return ex.getClass().getSimpleName() + (null != ex.getCause() ? ": " + describe(ex.getCause()) : "");
        }
        return message.lines().findFirst().orElse(message);
    }
}
