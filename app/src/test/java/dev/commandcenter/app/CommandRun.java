package dev.commandcenter.app;

import dev.commandcenter.app.main.CommandCenter;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * One run of the {@code commandcenter} command line in process, as the app's tests make it: its exit code and what
 * it printed.
 *
 * @param code the exit code.
 * @param out  what it printed to standard output.
 * @param err  what it printed to standard error.
 */
public record CommandRun(int code, String out, String err)
{
    /**
     * Run the command line with these arguments, capturing its output.
     *
     * @param args the arguments, such as {@code rules check rules.yaml}.
     * @return the exit code and the output.
     */
    public static CommandRun run(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = CommandCenter.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CommandRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
