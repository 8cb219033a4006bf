package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.plugin.host.remote.RemotePlugins;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Construction: reads a plugin's descriptor, gives an external plugin its own {@link PluginClassLoader} over
 * its staged jar or its folder, finds its main class and makes the first instance and the factory of fresh ones.
 * Whatever goes wrong fails that plugin's slot with a reason naming the file, the key and what was expected.
 * <p>
 * <b>Note:</b> thread safe.
 */
final class PluginInstantiator
{
    /** Where a built-in plugin may keep its descriptor, on its own class path. */
    static final String BUILT_IN_DESCRIPTOR = "META-INF/commandcenter/plugins/%s.yaml";

    private final JarStaging staging;
    private final PluginSpecs specs;
    private final ClassLoader builtInClassLoader;
    private final Supplier<RemotePlugins> remotePlugins;

    PluginInstantiator(
        final JarStaging staging,
        final PluginSpecs specs,
        final ClassLoader builtInClassLoader,
        final Supplier<RemotePlugins> remotePlugins)
    {
        this.staging = staging;
        this.specs = specs;
        this.builtInClassLoader = builtInClassLoader;
        this.remotePlugins = remotePlugins;
    }

    PluginSlot builtIn(final Supplier<? extends Plugin> factory, final int index)
    {
        final Plugin instance;
        try
        {
            instance = factory.get();
        }
        catch (final RuntimeException | LinkageError ex)
        {
            final String name = factory instanceof ServiceLoader.Provider<?> provider ? provider.type().getName() :
                "built-in-" + index;
            final PluginSlot slot = new PluginSlot(name, null, null, null);
            slot.spec = PluginSpec.failed(name, "", PluginSpec.BUILT_IN, "cannot create " + name + ": " + describe(ex));
            return slot;
        }
        final String id = instance.id();
        try
        {
            final PluginDescriptor descriptor = builtInDescriptor(id, instance);
            final PluginSlot slot = new PluginSlot(id, null, descriptor, null);
            slot.spec = specs.spec(id, descriptor, instance, factory, PluginSpec.BUILT_IN);
            return slot;
        }
        catch (final IOException | RuntimeException ex)
        {
            final PluginSlot slot = new PluginSlot(id, null, null, null);
            slot.spec = PluginSpec.failed(id, instance.version(), PluginSpec.BUILT_IN, describe(ex));
            return slot;
        }
    }

    PluginSlot external(final Path source)
    {
        final String label = DescriptorParser.FILE_NAME + " in " + source;
        PluginDescriptor descriptor = null;
        PluginClassLoader loader = null;
        try
        {
            final List<URL> urls = new ArrayList<>();
            final String yaml = Files.isDirectory(source) ? readFolder(source, urls) : readJar(source, urls);
            descriptor = DescriptorParser.parse(label, yaml, false);
            if (null != remotePlugins && specs.isRemote(descriptor))
            {
                // Out of process: the engine reads the descriptor and never loads the plugin's code.
                final PluginSlot slot = new PluginSlot(descriptor.id(), source, descriptor, null);
                final PluginSpec spec = specs.spec(descriptor.id(), descriptor, null, null, source.toString());
                spec.instance(remotePlugins.get().newSlot(descriptor.id(), spec.version(), spec.config().asMap(),
                    spec.lagLimit()));
                slot.spec = spec;
                return slot;
            }
            if (null == descriptor.main())
            {
                throw new DescriptorException(label, "main", "missing: expected the class implementing " +
                    "dev.commandcenter.engine.plugin.Plugin, such as com.example.TipAlertsPlugin (or hosting: process)");
            }
            loader = new PluginClassLoader(descriptor.id(), urls.toArray(new URL[0]), Plugin.class.getClassLoader(),
                descriptor.permissions().network(), descriptor.permissions().files());
            final Supplier<Plugin> factory = factory(label, descriptor.main(), loader);
            final Plugin instance = factory.get();
            if (!descriptor.id().equals(instance.id()))
            {
                throw new DescriptorException(label, "id", "the class " + descriptor.main() + " reports id '" +
                    instance.id() + "', expected the descriptor's id to match");
            }
            final PluginSlot slot = new PluginSlot(descriptor.id(), source, descriptor, loader);
            slot.spec = specs.spec(descriptor.id(), descriptor, instance, factory, source.toString());
            return slot;
        }
        catch (final IOException | RuntimeException | LinkageError ex)
        {
            CloseHelper.quietClose(loader);
            final String key = null == descriptor ? source.getFileName().toString() : descriptor.id();
            final PluginSlot slot = new PluginSlot(key, source, descriptor, null);
            final String reason = ex instanceof IOException ? source + ": cannot read: " + describe(ex) : describe(ex);
            slot.spec = PluginSpec.failed(key, null == descriptor ? "" : descriptor.version().toString(),
                source.toString(), reason);
            return slot;
        }
    }

    static String describe(final Throwable ex)
    {
        if (ex instanceof IllegalArgumentException && null != ex.getMessage() ||
            ex instanceof IllegalStateException && null != ex.getMessage())
        {
            return ex.getMessage();
        }
        return ex.getClass().getSimpleName() + (null == ex.getMessage() ? "" : ": " + ex.getMessage());
    }

    private PluginDescriptor builtInDescriptor(final String id, final Plugin instance) throws IOException
    {
        final String resource = String.format(BUILT_IN_DESCRIPTOR, id);
        final ClassLoader loader = null == instance.getClass().getClassLoader() ? builtInClassLoader :
            instance.getClass().getClassLoader();
        final URL url = loader.getResource(resource);
        if (null == url)
        {
            return null;
        }
        final PluginDescriptor descriptor;
        try (InputStream in = url.openStream())
        {
            descriptor = DescriptorParser.parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8), false);
        }
        if (!descriptor.id().equals(id))
        {
            throw new DescriptorException(resource, "id", "expected '" + id + "' (the plugin's id), got '" +
                descriptor.id() + "'");
        }
        return descriptor;
    }

    private static String readFolder(final Path source, final List<URL> urls) throws IOException
    {
        final Path yamlFile = source.resolve(DescriptorParser.FILE_NAME);
        if (!Files.isRegularFile(yamlFile))
        {
            throw new DescriptorException(source.toString(), "", "no " + DescriptorParser.FILE_NAME +
                " in the folder, expected one beside the plugin's classes/ folder or jars");
        }
        final Path classes = source.resolve("classes");
        if (Files.isDirectory(classes))
        {
            urls.add(classes.toUri().toURL());
        }
        addJars(source, urls);
        addJars(source.resolve("lib"), urls);
        return Files.readString(yamlFile, StandardCharsets.UTF_8);
    }

    private String readJar(final Path source, final List<URL> urls) throws IOException
    {
        final Path copy = staging.stage(source);
        final String yaml;
        try (JarFile jar = new JarFile(copy.toFile()))
        {
            final JarEntry yamlEntry = jar.getJarEntry(DescriptorParser.FILE_NAME);
            if (null == yamlEntry)
            {
                throw new DescriptorException(source.toString(), "", "no " + DescriptorParser.FILE_NAME +
                    " at the root of the jar, expected one (src/main/resources/plugin.yaml in a Maven project)");
            }
            try (InputStream in = jar.getInputStream(yamlEntry))
            {
                yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        urls.add(copy.toUri().toURL());
        return yaml;
    }

    private static void addJars(final Path dir, final List<URL> urls) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return;
        }
        final List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar"))
        {
            stream.forEach(jars::add);
        }
        jars.sort(null);
        for (final Path jar : jars)
        {
            urls.add(jar.toUri().toURL());
        }
    }

    private static Supplier<Plugin> factory(final String label, final String main, final ClassLoader loader)
    {
        final Class<?> type;
        try
        {
            type = Class.forName(main, false, loader);
        }
        catch (final ClassNotFoundException ex)
        {
            throw new DescriptorException(label, "main", "class " + main + " not found in the plugin");
        }
        if (!Plugin.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers()))
        {
            throw new DescriptorException(label, "main", "expected a concrete class implementing " +
                Plugin.class.getName() + ", got " + main);
        }
        final Constructor<?> constructor;
        try
        {
            constructor = type.getConstructor();
        }
        catch (final NoSuchMethodException ex)
        {
            throw new DescriptorException(label, "main", "expected " + main + " to have a public no-argument constructor");
        }
        return () ->
        {
            // The plugin's constructor is plugin code: it sees its own loader as the context class loader.
            final Thread thread = Thread.currentThread();
            final ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try
            {
                return (Plugin)constructor.newInstance();
            }
            catch (final InvocationTargetException ex)
            {
                throw new IllegalStateException("cannot create " + main + ": " + describe(ex.getCause()), ex.getCause());
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException("cannot create " + main + ": " + describe(ex), ex);
            }
            finally
            {
                thread.setContextClassLoader(previous);
            }
        };
    }
}
