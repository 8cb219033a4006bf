package dev.commandcenter.persistence.internal;

import dev.commandcenter.persistence.JournalException;
import dev.commandcenter.persistence.QueueContext;
import dev.commandcenter.persistence.Retention;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.agrona.CloseHelper;
import org.agrona.concurrent.EpochClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks and listings of a Chronicle Queue directory: is it there, does it hold only queue files,
 * which cycle files does it have and how large are they.
 */
public final class QueueFiles
{
    /** System property that stops Chronicle's usage analytics; set before any queue is built. */
    public static final String ANALYTICS_DISABLE_PROP_NAME = "chronicle.analytics.disable";

    static
    {
        disableAnalytics();
    }

    /**
     * A queue builder for a directory, with Chronicle's analytics off.
     *
     * @param dir of the queue.
     * @return the builder.
     */
    public static SingleChronicleQueueBuilder builder(final Path dir)
    {
        disableAnalytics();
        return SingleChronicleQueueBuilder.binary(dir);
    }

    /**
     * Create a queue's directory if needed, open the queue for append with the context's roll cycle and clock, and
     * apply its retention. Call {@link #requireNoForeignFiles(Path, String)} first.
     *
     * @param ctx      of the queue, concluded.
     * @param syncMode how Chronicle syncs on its own ({@link SyncMode#NONE} when the owner syncs), or null for its default.
     * @return the queue, its appender and its retention.
     * @throws JournalException naming the queue and the cause, nothing left open.
     */
    public static QueueAppender openForAppend(final QueueContext<?> ctx, final SyncMode syncMode)
    {
        final Path dir = ctx.queueDir();
        try
        {
            if (!Files.isDirectory(dir) && dir.getFileSystem().supportedFileAttributeViews().contains("posix"))
            {
                // Owner only: Chronicle creates its queue files with the default umask, so the folder guards them.
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new JournalException(ctx.what() + " dir " + dir + " cannot be created: " + ex.getMessage(), ex);
        }
        final EpochClock clock = ctx.epochClock();
        SingleChronicleQueue queue = null;
        try
        {
            final var builder = builder(dir).rollCycle(ctx.rollCycle()).timeProvider(clock::time);
            if (null != syncMode)
            {
                builder.syncMode(syncMode);
            }
            queue = builder.build();
            final ExcerptAppender appender = queue.createAppender();
            appender.singleThreadedCheckDisabled(true);
            return new QueueAppender(ctx, queue, appender);
        }
        catch (final RuntimeException | InternalError ex)
        {
            CloseHelper.quietClose(queue);
            throw new JournalException("cannot open " + ctx.what() + " " + dir + " for append: " + describe(ex), ex);
        }
    }

    /**
     * A failure in one line: its type and the first line of its message.
     *
     * @param ex the failure.
     * @return such as {@code IllegalStateException: file is locked}.
     */
    public static String describe(final Throwable ex)
    {
        return ex.getClass().getSimpleName() + (null == ex.getMessage() ? "" : ": " + firstLine(ex.getMessage()));
    }

    /**
     * The first line of a text.
     *
     * @param text possibly several lines.
     * @return up to the first line break.
     */
    public static String firstLine(final String text)
    {
        final int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /**
     * Make sure Chronicle's usage analytics are off even when the JVM was started without the flag
     * (a program embedding the persistence module): a local tool must not phone home.
     */
    public static void disableAnalytics()
    {
        if (null == System.getProperty(ANALYTICS_DISABLE_PROP_NAME))
        {
            System.setProperty(ANALYTICS_DISABLE_PROP_NAME, "true");
        }
    }

    /** Suffix of a Chronicle cycle file. */
    public static final String CYCLE_SUFFIX = SingleChronicleQueue.SUFFIX;
    /** Suffix of Chronicle table stores (queue metadata, directory listing). */
    public static final String TABLE_STORE_SUFFIX = ".cq4t";
    /** Suffix Chronicle gives a file it set aside. */
    public static final String DISCARD_SUFFIX = SingleChronicleQueue.DISCARD_FILE_SUFFIX;

    private QueueFiles()
    {
    }

    /**
     * Fail unless the directory exists, is a directory, and holds only Chronicle Queue files.
     *
     * @param dir  the queue directory.
     * @param what how to name it in messages, such as {@code "journal"}.
     * @throws JournalException naming the problem.
     */
    public static void requireQueueDir(final Path dir, final String what)
    {
        if (!Files.exists(dir))
        {
            throw new JournalException(what + " dir " + dir + " does not exist");
        }
        requireNoForeignFiles(dir, what);
    }

    /**
     * Fail if a path exists but is not a directory holding only Chronicle Queue files; a missing
     * path passes.
     *
     * @param dir  the queue directory.
     * @param what how to name it in messages.
     * @throws JournalException naming the first foreign file.
     */
    public static void requireNoForeignFiles(final Path dir, final String what)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        if (!Files.isDirectory(dir))
        {
            throw new JournalException(what + " dir " + dir + " is not a directory");
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir))
        {
            for (final Path file : stream)
            {
                final String name = file.getFileName().toString();
                final boolean queueFile = Files.isRegularFile(file) &&
                    (name.endsWith(CYCLE_SUFFIX) || name.endsWith(TABLE_STORE_SUFFIX) || name.endsWith(DISCARD_SUFFIX));
                if (!queueFile)
                {
                    throw new JournalException(what + " dir " + dir + " is not a Command Center " + what +
                        ": it holds '" + name + "' (expected only Chronicle Queue files *" + CYCLE_SUFFIX +
                        " and *" + TABLE_STORE_SUFFIX + ")");
                }
            }
        }
        catch (final IOException ex)
        {
            throw new JournalException(what + " dir " + dir + " cannot be listed: " + ex.getMessage(), ex);
        }
    }

    /**
     * Cycle files of a queue directory, oldest first (Chronicle names sort in time order).
     *
     * @param dir the queue directory.
     * @return the cycle files; empty when there are none or the directory is missing.
     */
    public static List<Path> cycleFiles(final Path dir)
    {
        final List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir))
        {
            return files;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + CYCLE_SUFFIX))
        {
            for (final Path file : stream)
            {
                files.add(file);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        files.sort(null);
        return files;
    }

    /**
     * Total length of files (cycle files are pre-sized and sparse, so this is their apparent size).
     *
     * @param files to measure.
     * @return bytes.
     */
    public static long totalSize(final List<Path> files)
    {
        long total = 0;
        for (final Path file : files)
        {
            try
            {
                total += Files.size(file);
            }
            catch (final IOException ignore)
            {
                // removed by retention while we looked
            }
        }
        return total;
    }

    /**
     * Delete the cycle files a retention lets go and tell the queue they are gone.
     *
     * @param dir       the queue directory.
     * @param retention which files to keep.
     * @param queue     open on the directory.
     * @param nowMs     epoch milliseconds.
     * @return how many files were deleted.
     */
    public static int deleteExpired(
        final Path dir, final Retention retention, final SingleChronicleQueue queue, final long nowMs)
    {
        if (retention.isForever())
        {
            return 0;
        }
        int deleted = 0;
        for (final Path file : retention.expired(cycleFiles(dir), queue.rollCycle(), nowMs))
        {
            try
            {
                if (Files.deleteIfExists(file))
                {
                    deleted++;
                }
            }
            catch (final IOException ignore)
            {
                // retried at the next roll
            }
        }
        if (deleted > 0)
        {
            queue.refreshDirectoryListing();
        }
        return deleted;
    }

    /**
     * Force a directory's entries to disk, so a newly created file survives a power loss.
     *
     * @param dir to force.
     */
    public static void fsyncDirectory(final Path dir)
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot fsync directory " + dir, ex);
        }
    }
}
