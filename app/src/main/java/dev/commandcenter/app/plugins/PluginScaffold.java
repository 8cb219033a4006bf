package dev.commandcenter.app.plugins;

import dev.commandcenter.engine.plugin.PluginApi;
import dev.commandcenter.plugin.host.DescriptorParser;
import dev.commandcenter.plugin.host.SemanticVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Writes a new plugin project, what {@code commandcenter plugins new NAME} does: a Maven project depending on
 * the plugin API, with {@code src/main/resources/plugin.yaml}, a plugin class that answers chat messages, and
 * a test that runs the plugin contract. {@code mvn package} in it makes a jar to drop into the plugins dir.
 * <p>
 * <b>Note:</b> stateless.
 */
public final class PluginScaffold
{
    /** Version of the engine artifact the project depends on when it cannot be read from the engine jar. */
    public static final String ENGINE_VERSION_DEFAULT = "0.1.0-SNAPSHOT";
    /** JUnit version of the generated project. */
    public static final String JUNIT_VERSION = "5.14.1";

    private static final Pattern PACKAGE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

    private PluginScaffold()
    {
    }

    /**
     * Write a new plugin project in {@code parent/NAME}.
     *
     * @param parent      where the project folder is created.
     * @param name        plugin id, which is also the folder and artifact name.
     * @param javaPackage package of the plugin class, or null for {@code com.example.<name without dashes>}.
     * @return the files written, project folder first.
     * @throws IllegalArgumentException naming what is wrong with the name, package or folder.
     */
    public static List<Path> create(final Path parent, final String name, final String javaPackage)
    {
        if (null == name || !DescriptorParser.ID.matcher(name).matches() || DescriptorParser.RESERVED_IDS.contains(name))
        {
            throw new IllegalArgumentException("plugin name '" + name + "': expected lowercase letters, digits and " +
                "dashes, starting with a letter (it becomes the plugin id), such as 'tip-jar'");
        }
        final String pkg = null == javaPackage ? "com.example." + name.replace("-", "") : javaPackage;
        if (!PACKAGE.matcher(pkg).matches())
        {
            throw new IllegalArgumentException("package '" + pkg + "': expected a lowercase Java package such as " +
                "com.example.tips");
        }
        final Path dir = parent.resolve(name);
        if (Files.exists(dir))
        {
            throw new IllegalArgumentException(dir + " already exists: expected a new folder for the project");
        }
        final String className = className(name);
        final List<Path> written = new ArrayList<>();
        written.add(dir);
        final String packagePath = pkg.replace('.', '/');
        write(written, dir.resolve("pom.xml"), pom(name, pkg));
        write(written, dir.resolve("src/main/resources/plugin.yaml"), descriptor(name, pkg, className));
        write(written, dir.resolve("src/main/java/" + packagePath + "/" + className + ".java"),
            pluginClass(name, pkg, className));
        write(written, dir.resolve("src/test/java/" + packagePath + "/" + className + "Test.java"),
            testClass(pkg, className));
        write(written, dir.resolve(".gitignore"), "target/\n");
        write(written, dir.resolve("README.md"), readme(name));
        return written;
    }

    /**
     * Version of the engine artifact this engine was built as.
     *
     * @return the Maven version.
     */
    public static String engineVersion()
    {
        try (InputStream in = PluginScaffold.class.getResourceAsStream(
            "/META-INF/maven/dev.commandcenter/commandcenter-engine/pom.properties"))
        {
            if (null != in)
            {
                final Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", ENGINE_VERSION_DEFAULT);
            }
        }
        catch (final IOException ignore)
        {
        }
        return ENGINE_VERSION_DEFAULT;
    }

    static String className(final String name)
    {
        final StringBuilder out = new StringBuilder();
        for (final String part : name.split("-"))
        {
            if (!part.isEmpty())
            {
                out.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
            }
        }
        return out + "Plugin";
    }

    private static void write(final List<Path> written, final Path file, final String content)
    {
        try
        {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            written.add(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file + ": " + ex.getMessage(), ex);
        }
    }

    private static String pom(final String name, final String pkg)
    {
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <!--
              A Command Center plugin. Build: mvn package (needs JDK 25 and the plugin API in the local Maven
              repository). Install: copy target/%1$s-0.1.0.jar into the plugins dir (<data-dir>/plugins).
            -->
            <project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                     xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
                <modelVersion>4.0.0</modelVersion>

                <groupId>%2$s</groupId>
                <artifactId>%1$s</artifactId>
                <version>0.1.0</version>

                <properties>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                    <maven.compiler.release>25</maven.compiler.release>
                    <commandcenter.version>%3$s</commandcenter.version>
                    <test.jvm.flags>--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow</test.jvm.flags>
                </properties>

                <dependencies>
                    <!-- The plugin API: provided by the engine at run time, never bundled. -->
                    <dependency>
                        <groupId>dev.commandcenter</groupId>
                        <artifactId>commandcenter-engine</artifactId>
                        <version>${commandcenter.version}</version>
                        <scope>provided</scope>
                    </dependency>
                    <!-- The plugin test kit: a harness without an engine and the plugin contract. -->
                    <dependency>
                        <groupId>dev.commandcenter</groupId>
                        <artifactId>commandcenter-plugin-testkit</artifactId>
                        <version>${commandcenter.version}</version>
                        <scope>test</scope>
                    </dependency>
                    <dependency>
                        <groupId>org.junit.jupiter</groupId>
                        <artifactId>junit-jupiter</artifactId>
                        <version>%4$s</version>
                        <scope>test</scope>
                    </dependency>
                </dependencies>

                <build>
                    <plugins>
                        <plugin>
                            <groupId>org.apache.maven.plugins</groupId>
                            <artifactId>maven-toolchains-plugin</artifactId>
                            <version>3.2.0</version>
                            <executions>
                                <execution>
                                    <goals><goal>select-jdk-toolchain</goal></goals>
                                    <configuration><version>[25,)</version></configuration>
                                </execution>
                            </executions>
                        </plugin>
                        <plugin>
                            <groupId>org.apache.maven.plugins</groupId>
                            <artifactId>maven-compiler-plugin</artifactId>
                            <version>3.14.1</version>
                        </plugin>
                        <plugin>
                            <groupId>org.apache.maven.plugins</groupId>
                            <artifactId>maven-surefire-plugin</artifactId>
                            <version>3.5.4</version>
                            <configuration><argLine>${test.jvm.flags}</argLine></configuration>
                        </plugin>
                        <plugin>
                            <groupId>org.apache.maven.plugins</groupId>
                            <artifactId>maven-jar-plugin</artifactId>
                            <version>3.4.2</version>
                        </plugin>
                    </plugins>
                </build>
            </project>
            """.formatted(name, groupOf(pkg), engineVersion(), JUNIT_VERSION);
    }

    private static String groupOf(final String pkg)
    {
        final int dot = pkg.lastIndexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }

    private static String descriptor(final String name, final String pkg, final String className)
    {
        return """
            # Descriptor of the %1$s plugin; the reference is in docs/plugins.md of Command Center.
            id: %1$s
            name: %1$s
            version: 0.1.0
            description: Answers chat messages that start with !hello.
            main: %2$s.%3$s
            engine: ">=%4$s <%5$d.0.0"

            subscribes:
              - type: ChatMessage

            permissions:
              emits: [ChatMessage]
              outputs: [websocket]
              network: false

            backPressure: block
            """.formatted(name, pkg, className, PluginApi.VERSION,
            SemanticVersion.parse(PluginApi.VERSION).major() + 1);
    }

    private static String pluginClass(final String name, final String pkg, final String className)
    {
        return """
            package %1$s;

            import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
            import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
            import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
            import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
            import dev.commandcenter.engine.Event;
            import dev.commandcenter.engine.MessageWriter;
            import dev.commandcenter.engine.plugin.Emitter;
            import dev.commandcenter.engine.plugin.Plugin;
            import dev.commandcenter.engine.plugin.PluginContext;
            import dev.commandcenter.engine.plugin.Subscription;
            import org.agrona.MutableDirectBuffer;
            import org.agrona.concurrent.UnsafeBuffer;

            import java.nio.charset.StandardCharsets;
            import java.util.List;

            /**
             * Answers every chat message starting with "!hello" with a greeting on the same channel. Setting:
             * {@code greeting} (default "hello from %2$s").
             */
            public final class %3$s implements Plugin
            {
                /** Plugin id, as in plugin.yaml. */
                public static final String ID = "%2$s";

                private static final byte[] COMMAND = "!hello".getBytes(StandardCharsets.UTF_8);
                private static final MessageWriter<%3$s> REPLY = %3$s::writeReply;

                private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
                private final ChatMessageDecoder chat = new ChatMessageDecoder();
                private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
                private final ChatMessageEncoder reply = new ChatMessageEncoder();
                private final UnsafeBuffer channel = new UnsafeBuffer(0, 0);
                private final UnsafeBuffer text = new UnsafeBuffer(0, 0);
                private final byte[] user = ID.getBytes(StandardCharsets.UTF_8);
                private Emitter emitter;
                private byte[] greeting;
                private long sequence;

                public String id()
                {
                    return ID;
                }

                public String version()
                {
                    return "0.1.0";
                }

                public Subscription subscription()
                {
                    return Subscription.of(ChatMessageDecoder.TEMPLATE_ID);
                }

                public void onStart(final PluginContext context)
                {
                    context.config().requireOnly(List.of("greeting"));
                    greeting = context.config().getString("greeting", "hello from " + ID).getBytes(StandardCharsets.UTF_8);
                    emitter = context.emitter();
                }

                public void onEvent(final Event event)
                {
                    chat.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
                    sequence = event.sequence();
                    chat.wrapChannel(channel);
                    chat.skipUser();
                    chat.wrapText(text);
                    if (startsWithCommand())
                    {
                        emitter.emit(REPLY, this);
                    }
                }

                private boolean startsWithCommand()
                {
                    if (text.capacity() < COMMAND.length)
                    {
                        return false;
                    }
                    for (int i = 0; i < COMMAND.length; i++)
                    {
                        if (text.getByte(i) != COMMAND[i])
                        {
                            return false;
                        }
                    }
                    return true;
                }

                private static int writeReply(final MutableDirectBuffer buffer, final int offset, final %3$s plugin)
                {
                    final ChatMessageEncoder encoder = plugin.reply.wrapAndApplyHeader(buffer, offset, plugin.headerEncoder)
                        .messageId(plugin.sequence)
                        .putChannel(plugin.channel, 0, plugin.channel.capacity())
                        .putUser(plugin.user, 0, plugin.user.length)
                        .putText(plugin.greeting, 0, plugin.greeting.length);
                    return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
                }
            }
            """.formatted(pkg, name, className);
    }

    private static String testClass(final String pkg, final String className)
    {
        return """
            package %1$s;

            import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
            import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
            import dev.commandcenter.engine.Sources;
            import dev.commandcenter.plugin.testkit.PluginContract;
            import dev.commandcenter.plugin.testkit.PluginHarness;
            import org.agrona.MutableDirectBuffer;
            import org.junit.jupiter.api.Test;

            import java.util.Map;

            import static org.junit.jupiter.api.Assertions.assertEquals;
            import static org.junit.jupiter.api.Assertions.assertTrue;

            class %2$sTest
            {
                @Test
                void shouldKeepThePluginContract()
                {
                    PluginContract.assertSatisfied(%2$s::new, Map.of());
                }

                @Test
                void shouldAnswerHello() throws Exception
                {
                    try (PluginHarness harness = new PluginHarness(new %2$s()).config(Map.of("greeting", "hi!")))
                    {
                        harness.start();
                        harness.deliver(7, 1_000L, Sources.WEBSOCKET, %2$sTest::chat, "!hello there");
                        harness.deliver(8, 2_000L, Sources.WEBSOCKET, %2$sTest::chat, "just chatting");

                        assertEquals(1, harness.emitted().size());
                        final String json = harness.emittedJson().get(0);
                        assertTrue(json.contains("\\"text\\":\\"hi!\\""), json);
                        assertTrue(json.contains("\\"channel\\":\\"main\\""), json);
                    }
                }

                private static int chat(final MutableDirectBuffer buffer, final int offset, final String text)
                {
                    final ChatMessageEncoder encoder = new ChatMessageEncoder()
                        .wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder())
                        .messageId(1).channel("main").user("viewer").text(text);
                    return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
                }
            }
            """.formatted(pkg, className);
    }

    private static String readme(final String name)
    {
        return """
            # %1$s

            A Command Center plugin. Build it with `mvn package` (JDK 25; the plugin API
            `dev.commandcenter:commandcenter-engine` must be in the local Maven repository), then copy
            `target/%1$s-0.1.0.jar` into the plugins dir of a data dir (`<data-dir>/plugins`) and check it with
            `commandcenter plugins list --data-dir <data-dir>`.

            The descriptor is `src/main/resources/plugin.yaml`; the test runs the plugin contract.
            """.formatted(name);
    }
}
