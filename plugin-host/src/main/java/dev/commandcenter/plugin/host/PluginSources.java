package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.plugin.Plugin;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Discovery: the built-in plugins (given factories, then those {@link ServiceLoader} finds) and the external
 * ones, every jar and every folder in the plugins dir (except the jar cache and hidden entries), sorted by name.
 * <p>
 * <b>Note:</b> stateless apart from its settings; thread safe.
 */
final class PluginSources
{
    private final Path pluginsDir;
    private final Path cacheDir;
    private final List<Supplier<? extends Plugin>> builtIns;
    private final boolean serviceLoader;
    private final ClassLoader builtInClassLoader;

    PluginSources(
        final Path pluginsDir,
        final Path cacheDir,
        final List<Supplier<? extends Plugin>> builtIns,
        final boolean serviceLoader,
        final ClassLoader builtInClassLoader)
    {
        this.pluginsDir = pluginsDir;
        this.cacheDir = cacheDir;
        this.builtIns = List.copyOf(builtIns);
        this.serviceLoader = serviceLoader;
        this.builtInClassLoader = builtInClassLoader;
    }

    Path pluginsDir()
    {
        return pluginsDir;
    }

    List<Supplier<? extends Plugin>> builtInFactories()
    {
        final List<Supplier<? extends Plugin>> factories = new ArrayList<>(builtIns);
        if (serviceLoader)
        {
            factories.addAll(ServiceLoader.load(Plugin.class, builtInClassLoader).stream().toList());
        }
        return factories;
    }

    List<Path> externalSources(final Consumer<Throwable> errors)
    {
        final List<Path> sources = new ArrayList<>();
        if (!Files.isDirectory(pluginsDir))
        {
            return sources;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(pluginsDir))
        {
            for (final Path path : stream)
            {
                if (isPluginSource(path))
                {
                    sources.add(path);
                }
            }
        }
        catch (final IOException ex)
        {
            errors.accept(new IllegalStateException("cannot list plugins dir " + pluginsDir + ": " + ex.getMessage(), ex));
        }
        sources.sort(null);
        return sources;
    }

    boolean isPluginSource(final Path path)
    {
        final String name = path.getFileName().toString();
        if (name.startsWith("."))
        {
            return false;
        }
        return name.endsWith(".jar") && Files.isRegularFile(path) ||
            Files.isDirectory(path) && !path.toAbsolutePath().normalize().equals(cacheDir.toAbsolutePath().normalize());
    }
}
