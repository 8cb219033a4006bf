package dev.commandcenter.engine.core.internal;

import org.agrona.CloseHelper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Holds the data dir for one engine: an exclusive lock on {@value #FILE_NAME}, so a second engine (in this
 * process or another) refuses to share the counters file and the journal.
 * <p>
 * <b>Note:</b> acquire and close from one thread.
 */
public final class DataDirLock implements AutoCloseable
{
    /** Name of the lock file in the data dir. */
    public static final String FILE_NAME = "engine.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Create the data dir if missing and lock it.
     *
     * @param dataDir the data dir.
     * @return the held lock.
     * @throws IllegalStateException when the dir is not writable or another engine holds it.
     */
    public static DataDirLock acquire(final Path dataDir)
    {
        final FileChannel channel;
        try
        {
            if (!Files.isDirectory(dataDir) && dataDir.getFileSystem().supportedFileAttributeViews().contains("posix"))
            {
                // Owner only: the data dir holds the journal, counters and secrets (Chronicle makes its own files).
                Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.createDirectories(dataDir);
            channel = FileChannel.open(dataDir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("data dir " + dataDir + " is not writable: " + ex.getMessage());
        }
        FileLock lock;
        try
        {
            lock = channel.tryLock();
        }
        catch (final IOException | OverlappingFileLockException ex)
        {
            lock = null;
        }
        if (null == lock)
        {
            CloseHelper.quietClose(channel);
            throw new IllegalStateException("data dir " + dataDir + " is in use by another running engine");
        }
        return new DataDirLock(channel, lock);
    }

    /**
     * Release the data dir.
     */
    public void close()
    {
        try
        {
            lock.release();
        }
        catch (final IOException ignore)
        {
        }
        CloseHelper.quietClose(channel);
    }
}
