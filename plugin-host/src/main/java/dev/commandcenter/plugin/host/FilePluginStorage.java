package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.plugin.PluginStorage;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A plugin's {@link PluginStorage} in {@code <data-dir>/plugins-data/<plugin-id>/}: one file per entry, written to
 * a temporary file, forced to disk and moved over the old one atomically; folders owner-only (0700), files 0600.
 * The folder is made on the first write. A refused write (bad name, entry or count past the cap) is counted in
 * {@link CounterType#PLUGIN_STORAGE_REFUSED} and reported to the engine's error handler naming the plugin, then
 * thrown to the plugin.
 * <p>
 * {@link #writeLatest} copies the bytes into a buffer kept per entry (two at most, reused) and leaves the file work,
 * with its {@code fsync}, to one writer thread the plugins share ({@code cc-plugin-storage}, started when there is
 * work and ended when idle): a plugin's event thread never waits for the disk. The writer takes at most one task per
 * plugin at a time, so its queue is bounded by the number of plugins.
 * <p>
 * <b>Note:</b> thread safe. File writes and deletes are serialised per plugin by an I/O lock taken before the
 * waiting bytes are looked at, so a write or delete and the writer thread land in the order they took it.
 */
final class FilePluginStorage implements PluginStorage
{
    /** Folder under the data dir holding every plugin's storage. */
    static final String DIR_NAME = "plugins-data";

    /**
     * What every plugin's storage shares: the caps, and once the engine runs, its counters and error handler.
     */
    static final class Shared
    {
        final Path root;
        final long maxEntryBytes;
        final int maxEntries;
        volatile CounterAllocator counters;
        volatile ErrorHandler errorHandler;
        private final Map<String, FilePluginStorage> byPlugin = new ConcurrentHashMap<>();
        private ThreadPoolExecutor writer;

        Shared(final Path root, final long maxEntryBytes, final int maxEntries)
        {
            this.root = root;
            this.maxEntryBytes = maxEntryBytes;
            this.maxEntries = maxEntries;
        }

        /**
         * The storage of a plugin: one per id, kept across reloads, so what an old instance left waiting and what
         * the new one writes go through the same lock, in order.
         *
         * @param pluginId the plugin's id.
         * @return its storage.
         * @throws IllegalArgumentException when the id cannot name a folder.
         */
        FilePluginStorage of(final String pluginId)
        {
            final FilePluginStorage existing = byPlugin.get(pluginId);
            return null != existing ? existing :
                byPlugin.computeIfAbsent(pluginId, (id) -> new FilePluginStorage(this, id));
        }

        synchronized Executor writer()
        {
            if (null == writer)
            {
                writer = new ThreadPoolExecutor(1, 1, WRITER_IDLE_S, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    (task) -> Thread.ofPlatform().daemon().name("cc-plugin-storage").unstarted(task));
                writer.allowCoreThreadTimeOut(true);
            }
            return writer;
        }

        /**
         * Let the writer thread finish what is waiting, for a bounded time, then end it.
         *
         * @param timeoutMs longest wait.
         * @return true when everything waiting was written (or there was nothing).
         */
        boolean close(final long timeoutMs)
        {
            final ThreadPoolExecutor toClose;
            synchronized (this)
            {
                toClose = writer;
            }
            if (null == toClose)
            {
                return true;
            }
            toClose.shutdown();
            try
            {
                return toClose.awaitTermination(timeoutMs, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Longest wait at close for writes still waiting, ms. */
    static final long CLOSE_TIMEOUT_MS = 10_000;

    /** Seconds the writer thread stays when there is nothing to write. */
    static final long WRITER_IDLE_S = 2;

    /**
     * The latest bytes of an entry waiting for the writer thread, and a spare buffer it returned.
     */
    private static final class Waiting
    {
        byte[] bytes;
        int length = -1;
        byte[] spare;
    }

    private final Shared shared;
    private final String pluginId;
    private final Path dir;
    private final Object ioLock = new Object();
    private final Map<String, Waiting> waiting = new HashMap<>(); // guarded by this
    private boolean flushScheduled; // guarded by this
    private AtomicCounter refused;

    FilePluginStorage(final Shared shared, final String pluginId)
    {
        this.shared = shared;
        this.pluginId = pluginId;
        this.dir = shared.root.resolve(PluginStorage.requireValidName(pluginId));
    }

    /**
     * {@inheritDoc}
     */
    public byte[] read(final String name)
    {
        final Path file = dir.resolve(validName(name));
        synchronized (ioLock)
        {
            synchronized (this)
            {
                final Waiting latest = waiting.get(name);
                if (null != latest && latest.length >= 0)
                {
                    return Arrays.copyOf(latest.bytes, latest.length);
                }
            }
            try
            {
                return Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("plugin '" + pluginId + "' storage: cannot read '" + name + "': " +
                    ex.getMessage(), ex);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void write(final String name, final byte[] bytes)
    {
        final Path file = dir.resolve(validName(name));
        requireWithinCap(name, bytes.length);
        synchronized (ioLock)
        {
            dropWaiting(name);
            writeFile(name, file, bytes, bytes.length);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void writeLatest(final String name, final byte[] bytes, final int length)
    {
        validName(name);
        if (length < 0 || length > bytes.length)
        {
            throw refuse(new IllegalArgumentException("plugin '" + pluginId + "' storage: entry '" + name +
                "': length " + length + " is not within the " + bytes.length + " bytes given"));
        }
        requireWithinCap(name, length);
        final boolean schedule;
        synchronized (this)
        {
            if (!waiting.containsKey(name) && waiting.size() >= shared.maxEntries)
            {
                // Each name written this way keeps its buffers: as many names as entries may exist, no more.
                throw refuse(new IllegalStateException("plugin '" + pluginId + "' storage: new entry '" + name +
                    "' refused, expected at most " + shared.maxEntries + " entries (plugins.storage.maxEntries)"));
            }
            final Waiting latest = waiting.computeIfAbsent(name, (key) -> new Waiting());
            if (latest.length < 0)
            {
                latest.bytes = latest.spare;
                latest.spare = null;
            }
            if (null == latest.bytes || latest.bytes.length < length)
            {
                // Room to grow by an eighth (snapshots grow a little at a time), within the cap.
                latest.bytes = new byte[(int)Math.min(shared.maxEntryBytes, length + (long)(length >> 3))];
            }
            System.arraycopy(bytes, 0, latest.bytes, 0, length);
            latest.length = length;
            schedule = !flushScheduled;
            flushScheduled = true;
        }
        if (schedule)
        {
            try
            {
                shared.writer().execute(this::flush);
            }
            catch (final RejectedExecutionException ex)
            {
                // The host has closed its writer: write here, as write() would.
                flush();
            }
        }
    }

    /**
     * On the writer thread: write what is waiting, entry by entry, until nothing is.
     */
    private void flush()
    {
        while (true)
        {
            synchronized (ioLock)
            {
                final String name;
                final Waiting latest;
                final byte[] bytes;
                final int length;
                synchronized (this)
                {
                    String found = null;
                    for (final Map.Entry<String, Waiting> entry : waiting.entrySet())
                    {
                        if (entry.getValue().length >= 0)
                        {
                            found = entry.getKey();
                            break;
                        }
                    }
                    if (null == found)
                    {
                        flushScheduled = false;
                        return;
                    }
                    name = found;
                    latest = waiting.get(name);
                    bytes = latest.bytes;
                    length = latest.length;
                    latest.bytes = null;
                    latest.length = -1;
                }
                try
                {
                    writeFile(name, dir.resolve(name), bytes, length);
                }
                catch (final IllegalStateException ex)
                {
                    // Refused (the number of entries at its cap): counted and reported by refuse(); the old stays.
                }
                catch (final RuntimeException ex)
                {
                    final ErrorHandler errorHandler = shared.errorHandler;
                    if (null != errorHandler)
                    {
                        errorHandler.onError(ex);
                    }
                }
                synchronized (this)
                {
                    if (null == latest.spare)
                    {
                        latest.spare = bytes;
                    }
                }
            }
        }
    }

    private synchronized void dropWaiting(final String name)
    {
        final Waiting latest = waiting.get(name);
        if (null != latest && latest.length >= 0)
        {
            latest.spare = latest.bytes;
            latest.bytes = null;
            latest.length = -1;
        }
    }

    private void requireWithinCap(final String name, final int length)
    {
        if (length > shared.maxEntryBytes)
        {
            throw refuse(new IllegalStateException("plugin '" + pluginId + "' storage: entry '" + name + "' of " +
                length + " bytes refused, expected at most " + shared.maxEntryBytes +
                " (plugins.storage.maxEntryBytes)"));
        }
    }

    /**
     * Write an entry's file: a temporary file forced to disk, moved over the old one. Called holding the I/O lock.
     */
    private void writeFile(final String name, final Path file, final byte[] bytes, final int length)
    {
        try
        {
            ensureDir();
            if (!Files.exists(file) && count() >= shared.maxEntries)
            {
                throw refuse(new IllegalStateException("plugin '" + pluginId + "' storage: new entry '" + name +
                    "' refused, expected at most " + shared.maxEntries + " entries (plugins.storage.maxEntries)"));
            }
            final Path temp = posix() ?
                Files.createTempFile(dir, ".write-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))) :
                Files.createTempFile(dir, ".write-", ".tmp");
            try
            {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE))
                {
                    final ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
                    while (buffer.hasRemaining())
                    {
                        channel.write(buffer);
                    }
                    channel.force(true);
                }
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            finally
            {
                Files.deleteIfExists(temp);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("plugin '" + pluginId + "' storage: cannot write '" + name + "': " +
                ex.getMessage(), ex);
        }
    }

    /**
     * {@inheritDoc}
     */
    public boolean delete(final String name)
    {
        final Path file = dir.resolve(validName(name));
        synchronized (ioLock)
        {
            synchronized (this)
            {
                waiting.remove(name);
            }
            try
            {
                return Files.deleteIfExists(file);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("plugin '" + pluginId + "' storage: cannot delete '" + name + "': " +
                    ex.getMessage(), ex);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public List<String> list()
    {
        final List<String> names = new ArrayList<>();
        synchronized (ioLock)
        {
            synchronized (this)
            {
                waiting.forEach((name, latest) ->
                {
                    if (latest.length >= 0)
                    {
                        names.add(name);
                    }
                });
            }
            if (Files.isDirectory(dir))
            {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir))
                {
                    for (final Path entry : entries)
                    {
                        final String name = entry.getFileName().toString();
                        if (name.charAt(0) != '.' && Files.isRegularFile(entry) && !names.contains(name))
                        {
                            names.add(name);
                        }
                    }
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException("plugin '" + pluginId + "' storage: cannot list: " +
                        ex.getMessage(), ex);
                }
            }
        }
        names.sort(null);
        return names;
    }

    /**
     * The plugin's folder.
     *
     * @return the folder, which may not exist yet.
     */
    Path dir()
    {
        return dir;
    }

    private String validName(final String name)
    {
        try
        {
            return PluginStorage.requireValidName(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw refuse(new IllegalArgumentException("plugin '" + pluginId + "' " + ex.getMessage()));
        }
    }

    private <T extends RuntimeException> T refuse(final T ex)
    {
        final CounterAllocator counters = shared.counters;
        if (null != counters)
        {
            synchronized (this)
            {
                if (null == refused)
                {
                    refused = counters.allocate(CounterType.PLUGIN_STORAGE_REFUSED, pluginId);
                }
                refused.increment();
            }
        }
        final ErrorHandler errorHandler = shared.errorHandler;
        if (null != errorHandler)
        {
            errorHandler.onError(ex);
        }
        return ex;
    }

    private long count() throws IOException
    {
        long count = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir))
        {
            for (final Path entry : entries)
            {
                if (entry.getFileName().toString().charAt(0) != '.')
                {
                    count++;
                }
            }
        }
        return count;
    }

    private void ensureDir() throws IOException
    {
        if (Files.isDirectory(dir))
        {
            return;
        }
        if (posix())
        {
            final var ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
            if (!Files.isDirectory(shared.root))
            {
                Files.createDirectories(shared.root, ownerOnly);
            }
            Files.createDirectories(dir, ownerOnly);
        }
        else
        {
            Files.createDirectories(dir);
        }
    }

    private static boolean posix()
    {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
