package dev.commandcenter.app.cli;

import java.io.PrintStream;

/**
 * The byte streams of the running command line, for tools that write bytes (journal dump) rather
 * than through picocli's writers.
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
}
