package dev.commandcenter.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What the peers harnesses do with the processes they start (servers, edges, the load generator): stop them within a
 * bound, keep their output with the token elided, give them a token, and clean up their data dirs.
 */
public final class ChildProcesses
{
    private ChildProcesses()
    {
    }

    /**
     * Stop a process: ask, then force it after {@code timeoutS}, waiting at most that long again.
     *
     * @param process  to stop.
     * @param timeoutS seconds to wait for each step.
     */
    public static void stop(final Process process, final long timeoutS)
    {
        process.destroy();
        try
        {
            if (!process.waitFor(timeoutS, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                process.waitFor(timeoutS, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Copy a process's output to a file, line by line, with every occurrence of a token elided, until it ends.
     *
     * @param process  whose standard output to read.
     * @param file     where the lines go.
     * @param token    written as {@code ...}.
     * @param lastLine element 0 is set to the last non-blank line copied.
     */
    public static void copyElided(final Process process, final Path file, final String token, final String[] lastLine)
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter log = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = in.readLine()))
            {
                final String safe = line.replace(token, "...");
                log.println(safe);
                log.flush();
                if (!safe.isBlank())
                {
                    lastLine[0] = safe.strip();
                }
            }
        }
        catch (final IOException | UncheckedIOException ignore)
        {
            // the process is gone
        }
    }

    /**
     * A random token of 48 hex characters.
     *
     * @return the token.
     */
    public static String randomToken()
    {
        final byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /**
     * Delete a directory tree, quietly: a temporary directory left behind is harmless.
     *
     * @param dir the tree, may be null or missing.
     */
    public static void deleteTree(final Path dir)
    {
        if (null == dir || !Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
        }
        catch (final IOException | UncheckedIOException ignore)
        {
            // a temporary directory left behind is harmless
        }
    }
}
