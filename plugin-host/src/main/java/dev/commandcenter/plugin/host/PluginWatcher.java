package dev.commandcenter.plugin.host;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Dev mode's eye on the plugins dir: notices a jar or plugin folder (its descriptor, classes or jars) that is
 * added, changed or removed, and reports it once nothing more has changed for the debounce time, so a jar
 * being copied or a build writing many class files causes one reload.
 * <p>
 * <b>Note:</b> an agent: run by an agent runner, or by calling {@link #doWork()} on one thread.
 */
public final class PluginWatcher implements Agent
{
    private final Path dir;
    private final long debounceMs;
    private final EpochClock clock;
    private final Consumer<Path> onChange;
    private final Map<WatchKey, Path> keys = new HashMap<>();
    private final Map<Path, Long> pending = new LinkedHashMap<>();
    private WatchService watchService;

    /**
     * Create a watcher.
     *
     * @param dir        the plugins dir, created if missing.
     * @param debounceMs quiet time before a change is reported.
     * @param clock      time source.
     * @param onChange   told the plugin jar or folder that changed (it may no longer exist).
     */
    public PluginWatcher(final Path dir, final long debounceMs, final EpochClock clock, final Consumer<Path> onChange)
    {
        this.dir = dir;
        this.debounceMs = debounceMs;
        this.clock = clock;
        this.onChange = onChange;
    }

    /**
     * Start watching: create the plugins dir if missing and register it and its folders. Idempotent, so the
     * manager can register before the agent's thread runs and no change made after attaching is missed.
     */
    public void onStart()
    {
        if (null != watchService)
        {
            return;
        }
        try
        {
            Files.createDirectories(dir);
            watchService = FileSystems.getDefault().newWatchService();
            registerTree(dir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot watch plugins dir " + dir + ": " + ex.getMessage(), ex);
        }
    }

    public int doWork()
    {
        if (null == watchService)
        {
            onStart();
        }
        int work = 0;
        final long nowMs = clock.time();
        WatchKey key;
        try
        {
            while (null != (key = watchService.poll()))
            {
                final Path base = keys.get(key);
                for (final WatchEvent<?> event : key.pollEvents())
                {
                    if (null == base || event.kind() == StandardWatchEventKinds.OVERFLOW)
                    {
                        continue;
                    }
                    final Path changed = base.resolve((Path)event.context());
                    if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(changed))
                    {
                        registerTree(changed);
                    }
                    final Path plugin = dir.resolve(dir.relativize(changed).getName(0));
                    final String name = plugin.getFileName().toString();
                    if (!name.startsWith(".") && !name.endsWith(".tmp"))
                    {
                        pending.put(plugin, nowMs);
                        work++;
                    }
                }
                if (!key.reset())
                {
                    keys.remove(key);
                }
            }
        }
        catch (final ClosedWatchServiceException ex)
        {
            return work;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        for (final Iterator<Map.Entry<Path, Long>> it = pending.entrySet().iterator(); it.hasNext(); )
        {
            final Map.Entry<Path, Long> entry = it.next();
            if (nowMs - entry.getValue() >= debounceMs)
            {
                it.remove();
                onChange.accept(entry.getKey());
                work++;
            }
        }
        return work;
    }

    /**
     * Changes seen but not yet reported (still within the debounce time).
     *
     * @return how many plugins have pending changes.
     */
    public int pendingChanges()
    {
        return pending.size();
    }

    public void onClose()
    {
        if (null != watchService)
        {
            try
            {
                watchService.close();
            }
            catch (final IOException ignore)
            {
            }
        }
    }

    public String roleName()
    {
        return "cc-plugin-watcher";
    }

    private void registerTree(final Path root) throws IOException
    {
        try (Stream<Path> tree = Files.walk(root))
        {
            for (final Iterator<Path> it = tree.filter(Files::isDirectory).iterator(); it.hasNext(); )
            {
                final Path directory = it.next();
                keys.put(directory.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE), directory);
            }
        }
    }
}
