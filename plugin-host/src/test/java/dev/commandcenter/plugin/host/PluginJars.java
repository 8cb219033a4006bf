package dev.commandcenter.plugin.host;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.engine.plugin.Plugin;
import org.agrona.DirectBuffer;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Builds real plugin jars in tests: compiles Java sources against the plugin API with the system compiler
 * and packs the classes with a plugin.yaml, as a plugin project's build would.
 */
public final class PluginJars
{
    private PluginJars()
    {
    }

    /**
     * The class path a plugin compiles against: the engine's classes, the codecs and Agrona.
     *
     * @return class path entries.
     */
    public static List<Path> apiClassPath()
    {
        final List<Path> entries = new ArrayList<>();
        for (final Class<?> type : new Class<?>[] { Plugin.class, MessageSchema.class, DirectBuffer.class })
        {
            try
            {
                entries.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()));
            }
            catch (final URISyntaxException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
        return entries;
    }

    /**
     * Compile sources into a directory.
     *
     * @param sources class name to source text.
     * @param out     where the classes go.
     * @param extra   more class path entries.
     */
    public static void compile(final Map<String, String> sources, final Path out, final List<Path> extra)
    {
        final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        final DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8))
        {
            Files.createDirectories(out);
            final List<Path> classPath = new ArrayList<>(apiClassPath());
            classPath.addAll(extra);
            files.setLocationFromPaths(StandardLocation.CLASS_PATH, classPath);
            files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(out));
            final List<JavaFileObject> units = new ArrayList<>();
            for (final Map.Entry<String, String> source : sources.entrySet())
            {
                units.add(new Source(source.getKey(), source.getValue()));
            }
            final boolean ok = compiler.getTask(null, files, diagnostics, List.of("-proc:none", "-nowarn"), null, units)
                .call();
            if (!ok)
            {
                final StringBuilder errors = new StringBuilder();
                for (final Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics())
                {
                    errors.append(diagnostic).append('\n');
                }
                throw new IllegalStateException("plugin sources do not compile:\n" + errors);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Compile sources and write a plugin jar.
     *
     * @param jar     the jar to write.
     * @param yaml    its plugin.yaml, or null for none.
     * @param sources class name to source text.
     * @return the jar.
     */
    public static Path jar(final Path jar, final String yaml, final Map<String, String> sources)
    {
        try
        {
            final Path classes = Files.createTempDirectory(jar.getParent().getParent(), "classes");
            compile(sources, classes, List.of());
            return pack(jar, yaml, classes);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Pack compiled classes and a descriptor into a jar, replacing it atomically.
     *
     * @param jar     the jar to write.
     * @param yaml    its plugin.yaml, or null for none.
     * @param classes folder of classes (and resources).
     * @return the jar.
     */
    public static Path pack(final Path jar, final String yaml, final Path classes)
    {
        try
        {
            Files.createDirectories(jar.getParent());
            final Path temp = Files.createTempFile(jar.getParent().getParent(), "jar", ".tmp");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(temp));
                Stream<Path> tree = Files.walk(classes))
            {
                if (null != yaml)
                {
                    out.putNextEntry(new JarEntry("plugin.yaml"));
                    out.write(yaml.getBytes(StandardCharsets.UTF_8));
                    out.closeEntry();
                }
                for (final Iterator<Path> it = tree.filter(Files::isRegularFile).sorted().iterator(); it.hasNext(); )
                {
                    final Path file = it.next();
                    final String name = classes.relativize(file).toString().replace('\\', '/');
                    if (null != yaml && "plugin.yaml".equals(name))
                    {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(name));
                    out.write(Files.readAllBytes(file));
                    out.closeEntry();
                }
            }
            Files.move(temp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return jar;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Source of a plugin that emits one chat message per event: its messageId is the event's sequence and its
     * text a fixed tag, so tests can tell which instance handled which event.
     *
     * @param className fully qualified class name.
     * @param id        plugin id.
     * @param tag       text of its messages.
     * @return the source.
     */
    public static String taggingPlugin(final String className, final String id, final String tag)
    {
        final int dot = className.lastIndexOf('.');
        return """
            package %s;

            import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
            import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
            import dev.commandcenter.engine.Event;
            import dev.commandcenter.engine.plugin.Plugin;
            import dev.commandcenter.engine.plugin.PluginContext;
            import org.agrona.concurrent.UnsafeBuffer;

            public final class %s implements Plugin
            {
                private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
                private final ChatMessageEncoder encoder = new ChatMessageEncoder();
                private final MessageHeaderEncoder header = new MessageHeaderEncoder();
                private PluginContext context;

                public String id()
                {
                    return "%s";
                }

                public void onStart(final PluginContext context)
                {
                    this.context = context;
                    if (context.config().getBoolean("failStart", false))
                    {
                        throw new IllegalStateException("told to fail");
                    }
                }

                public void onEvent(final Event event)
                {
                    encoder.wrapAndApplyHeader(buffer, 0, header).messageId(event.sequence())
                        .channel("tags").user("%s").text("%s");
                    context.emitter().emit(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
                }
            }
            """.formatted(className.substring(0, dot), className.substring(dot + 1), id, id, tag);
    }

    /**
     * A descriptor for a tagging plugin.
     *
     * @param id        plugin id.
     * @param version   plugin version.
     * @param className main class.
     * @param extra     more YAML lines appended.
     * @return the descriptor.
     */
    public static String taggingDescriptor(final String id, final String version, final String className, final String extra)
    {
        return """
            id: %s
            version: %s
            main: %s
            engine: ">=1.0.0 <2.0.0"
            subscribes: [ChatMessage]
            permissions:
              emits: [ChatMessage]
              outputs: ["*"]
            %s
            """.formatted(id, version, className, extra);
    }

    private static final class Source extends SimpleJavaFileObject
    {
        private final String text;

        Source(final String className, final String text)
        {
            super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.text = text;
        }

        public CharSequence getCharContent(final boolean ignoreEncodingErrors)
        {
            return text;
        }

        public OutputStream openOutputStream()
        {
            throw new UnsupportedOperationException();
        }
    }

    /**
     * Build a plugin project's main sources and its {@code plugin.yaml} into a jar, as its own build would.
     *
     * @param project the project folder ({@code src/main/java}, {@code src/main/resources/plugin.yaml}).
     * @param jar     the jar to write.
     * @param workDir where the classes are compiled to.
     * @return the folder of the compiled classes.
     */
    public static Path buildProject(final Path project, final Path jar, final Path workDir)
    {
        final Path classes = workDir.resolve("build-" + project.getFileName());
        compile(sources(project.resolve("src/main/java")), classes, List.of());
        try
        {
            Files.copy(project.resolve("src/main/resources/plugin.yaml"), classes.resolve("plugin.yaml"));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        pack(jar, null, classes);
        return classes;
    }

    /**
     * The Java sources under a folder, by class name.
     *
     * @param root a source root.
     * @return class name to source text; never empty.
     */
    public static Map<String, String> sources(final Path root)
    {
        final Map<String, String> sources = new java.util.LinkedHashMap<>();
        try (Stream<Path> tree = Files.walk(root))
        {
            for (final Iterator<Path> it = tree.filter((path) -> path.toString().endsWith(".java")).iterator(); it.hasNext(); )
            {
                final Path file = it.next();
                final String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.java$", "");
                sources.put(name, Files.readString(file));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        if (sources.isEmpty())
        {
            throw new IllegalStateException("no Java sources under " + root);
        }
        return sources;
    }

    /**
     * Where a class was loaded from: a jar or a classes folder, for a compile class path.
     *
     * @param type the class.
     * @return its code source.
     */
    public static Path codeSource(final Class<?> type)
    {
        try
        {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
