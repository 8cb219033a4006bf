package dev.commandcenter.plugin.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies a plugin jar into the cache dir before it is opened, so the jar in the plugins dir can be replaced
 * (dev mode, reload) while the plugin's class loader still reads its own copy. Each copy has a new name.
 * <p>
 * <b>Note:</b> thread safe.
 */
final class JarStaging
{
    private final Path cacheDir;
    private final AtomicInteger copies = new AtomicInteger();

    JarStaging(final Path cacheDir)
    {
        this.cacheDir = cacheDir;
    }

    Path stage(final Path jar) throws IOException
    {
        Files.createDirectories(cacheDir);
        final String name = jar.getFileName().toString();
        final Path copy = cacheDir.resolve(name.substring(0, name.length() - ".jar".length()) + "-" +
            copies.incrementAndGet() + ".jar");
        Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
        return copy;
    }
}
