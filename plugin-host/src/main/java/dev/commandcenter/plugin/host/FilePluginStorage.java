package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.plugin.PluginStorage;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A plugin's {@link PluginStorage} in {@code <data-dir>/plugins-data/<plugin-id>/}: one file per entry, written to
 * a temporary file, forced to disk and moved over the old one atomically; folders owner-only (0700), files 0600.
 * The folder is made on the first write. A refused write (bad name, entry or count past the cap) is counted in
 * {@link CounterType#PLUGIN_STORAGE_REFUSED} and reported to the engine's error handler naming the plugin, then
 * thrown to the plugin.
 * <p>
 * <b>Note:</b> thread safe (writes and deletes are serialised per plugin).
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

        Shared(final Path root, final long maxEntryBytes, final int maxEntries)
        {
            this.root = root;
            this.maxEntryBytes = maxEntryBytes;
            this.maxEntries = maxEntries;
        }
    }

    private final Shared shared;
    private final String pluginId;
    private final Path dir;
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

    /**
     * {@inheritDoc}
     */
    public synchronized void write(final String name, final byte[] bytes)
    {
        final Path file = dir.resolve(validName(name));
        if (bytes.length > shared.maxEntryBytes)
        {
            throw refuse(new IllegalStateException("plugin '" + pluginId + "' storage: entry '" + name + "' of " +
                bytes.length + " bytes refused, expected at most " + shared.maxEntryBytes +
                " (plugins.storage.maxEntryBytes)"));
        }
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
                    final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
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
    public synchronized boolean delete(final String name)
    {
        try
        {
            return Files.deleteIfExists(dir.resolve(validName(name)));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("plugin '" + pluginId + "' storage: cannot delete '" + name + "': " +
                ex.getMessage(), ex);
        }
    }

    /**
     * {@inheritDoc}
     */
    public List<String> list()
    {
        final List<String> names = new ArrayList<>();
        if (!Files.isDirectory(dir))
        {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir))
        {
            for (final Path entry : entries)
            {
                final String name = entry.getFileName().toString();
                if (name.charAt(0) != '.' && Files.isRegularFile(entry))
                {
                    names.add(name);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("plugin '" + pluginId + "' storage: cannot list: " + ex.getMessage(), ex);
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
