package dev.commandcenter.plugin.host;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Set;

/**
 * The class loader of one external plugin. It sees the plugin's own classes, the plugin API (package
 * {@code dev.commandcenter.engine.plugin} and {@code Event}, {@code MessageWriter}, {@code Sources}), the
 * message codecs ({@code dev.commandcenter.codecs}), Agrona's buffers and the JDK; nothing of the engine's
 * internals, of the application, or of other plugins. A plugin without the network permission is refused
 * the JDK's socket, channel, URL and HTTP classes ({@link #isNetwork(String)}); one without the files permission is
 * refused the JDK's file, path, file channel, process and native memory classes ({@link #isFiles(String)}): it
 * keeps its data through the plugin API's storage instead. A refused class fails to link with a
 * {@link NoClassDefFoundError} naming the plugin and the permission.
 * <p>
 * In process this is a guard against accident, not a sandbox: code can still reach other loaders by
 * reflection. Run plugins you do not trust out of process.
 */
public final class PluginClassLoader extends URLClassLoader
{
    /** Classes of the engine package a plugin may see. */
    public static final Set<String> API_CLASSES = Set.of(
        "dev.commandcenter.engine.Event", "dev.commandcenter.engine.MessageWriter", "dev.commandcenter.engine.Sources");
    /** Package whose classes (not subpackages) form the plugin API. */
    public static final String API_PACKAGE = "dev.commandcenter.engine.plugin.";
    /** Package prefixes shared with plugins besides the API package. */
    public static final List<String> SHARED_PREFIXES = List.of("dev.commandcenter.codecs.", "org.agrona.");

    private static final List<String> JDK_PREFIXES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
        "org.w3c.", "org.xml.", "org.ietf.");
    // Everything of the JDK a plugin can open a connection with, directly or through a handler it installs.
    private static final List<String> NETWORK_PREFIXES = List.of("java.net.http.", "java.net.spi.", "javax.net.",
        "jdk.net.", "sun.net.", "java.rmi.", "javax.rmi.", "jdk.internal.net.", "com.sun.net.", "javax.naming.",
        "javax.management.remote.", "jdk.httpserver.", "com.sun.jndi.");
    private static final Set<String> NETWORK_CLASSES = Set.of("java.net.Socket", "java.net.ServerSocket",
        "java.net.DatagramSocket", "java.net.MulticastSocket", "java.net.DatagramPacket", "java.net.SocketImpl",
        "java.net.SocketImplFactory", "java.net.SocketAddress", "java.net.InetAddress", "java.net.Inet4Address",
        "java.net.Inet6Address", "java.net.InetSocketAddress", "java.net.UnixDomainSocketAddress",
        "java.net.NetworkInterface", "java.net.URL", "java.net.URLConnection", "java.net.HttpURLConnection",
        "java.net.JarURLConnection", "java.net.URLStreamHandler", "java.net.URLStreamHandlerFactory",
        "java.net.ContentHandler", "java.net.ContentHandlerFactory", "java.net.URLClassLoader", "java.net.Proxy",
        "java.net.ProxySelector", "java.net.Authenticator", "java.net.CookieHandler", "java.net.CookieManager",
        "java.net.ResponseCache", "java.net.DatagramSocketImpl", "java.net.DatagramSocketImplFactory",
        "java.nio.channels.SocketChannel", "java.nio.channels.ServerSocketChannel", "java.nio.channels.DatagramChannel",
        "java.nio.channels.AsynchronousSocketChannel", "java.nio.channels.AsynchronousServerSocketChannel",
        "java.nio.channels.AsynchronousChannelGroup", "java.nio.channels.NetworkChannel",
        "java.nio.channels.MulticastChannel", "java.nio.channels.spi.SelectorProvider",
        "java.nio.channels.spi.AsynchronousChannelProvider", "java.sql.DriverManager", "java.sql.Driver",
        "javax.sql.DataSource");
    // Everything of the JDK that opens, lists or maps files, runs processes or native code, which would reach the
    // data dir's secrets.
    private static final List<String> FILE_PREFIXES = List.of("java.nio.file.", "java.lang.foreign.",
        "sun.nio.fs.", "sun.nio.ch.", "jdk.internal.");
    private static final Set<String> FILE_CLASSES = Set.of("java.io.File", "java.io.FileInputStream",
        "java.io.FileOutputStream", "java.io.FileReader", "java.io.FileWriter", "java.io.RandomAccessFile",
        "java.io.FileDescriptor", "java.io.FileFilter", "java.io.FilenameFilter", "java.nio.channels.FileChannel",
        "java.nio.channels.AsynchronousFileChannel", "java.nio.channels.FileLock", "java.util.zip.ZipFile",
        "java.util.jar.JarFile", "java.util.logging.FileHandler", "java.lang.ProcessBuilder", "java.lang.Process",
        "java.lang.ProcessHandle", "java.lang.Runtime", "java.net.URLClassLoader", "javax.tools.ToolProvider",
        "java.util.spi.ToolProvider", "javax.script.ScriptEngineManager", "java.lang.instrument.Instrumentation");

    static
    {
        registerAsParallelCapable();
    }

    private final String pluginId;
    private final ClassLoader host;
    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();
    private final boolean network;
    private final boolean files;

    /**
     * Create the loader of one plugin.
     *
     * @param pluginId for messages and the loader's name.
     * @param urls     the plugin's jar or class folders.
     * @param host     loader of the plugin API (the engine's).
     * @param network  whether the plugin may use the JDK's network classes.
     */
    public PluginClassLoader(final String pluginId, final URL[] urls, final ClassLoader host, final boolean network)
    {
        this(pluginId, urls, host, network, false);
    }

    /**
     * Create the loader of one plugin.
     *
     * @param pluginId for messages and the loader's name.
     * @param urls     the plugin's jar or class folders.
     * @param host     loader of the plugin API (the engine's).
     * @param network  whether the plugin may use the JDK's network classes.
     * @param files    whether the plugin may use the JDK's file, process and native classes.
     */
    public PluginClassLoader(
        final String pluginId, final URL[] urls, final ClassLoader host, final boolean network, final boolean files)
    {
        super("plugin-" + pluginId, urls, null);
        this.pluginId = pluginId;
        this.host = host;
        this.network = network;
        this.files = files;
    }

    /**
     * Whether a class is part of what plugins share with the engine.
     *
     * @param name binary class name.
     * @return true for the plugin API, the codecs and Agrona.
     */
    public static boolean isShared(final String name)
    {
        if (name.startsWith(API_PACKAGE))
        {
            return name.indexOf('.', API_PACKAGE.length()) < 0;
        }
        final int nested = name.indexOf('$');
        if (API_CLASSES.contains(nested < 0 ? name : name.substring(0, nested)))
        {
            return true;
        }
        for (final String prefix : SHARED_PREFIXES)
        {
            if (name.startsWith(prefix))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a JDK class is one a plugin without the network permission is refused.
     *
     * @param name binary class name.
     * @return true for socket, channel and HTTP classes.
     */
    public static boolean isNetwork(final String name)
    {
        final int nested = name.indexOf('$');
        if (NETWORK_CLASSES.contains(nested < 0 ? name : name.substring(0, nested)))
        {
            return true;
        }
        for (final String prefix : NETWORK_PREFIXES)
        {
            if (name.startsWith(prefix))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a JDK class is one a plugin without the files permission is refused.
     *
     * @param name binary class name.
     * @return true for file, path, file channel, process and native classes.
     */
    public static boolean isFiles(final String name)
    {
        final int nested = name.indexOf('$');
        if (FILE_CLASSES.contains(nested < 0 ? name : name.substring(0, nested)))
        {
            return true;
        }
        for (final String prefix : FILE_PREFIXES)
        {
            if (name.startsWith(prefix))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Id of the plugin this loader belongs to.
     *
     * @return the id.
     */
    public String pluginId()
    {
        return pluginId;
    }

    protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException
    {
        synchronized (getClassLoadingLock(name))
        {
            Class<?> loaded = findLoadedClass(name);
            if (null == loaded)
            {
                if (!network && isNetwork(name))
                {
                    throw new ClassNotFoundException(name + ": plugin '" + pluginId + "' may not use the network " +
                        "(permissions.network is false)");
                }
                if (!files && isFiles(name))
                {
                    throw new ClassNotFoundException(name + ": plugin '" + pluginId + "' may not use files, processes " +
                        "or native code (permissions.files is false; keep data with PluginContext.storage())");
                }
                if (isShared(name))
                {
                    loaded = host.loadClass(name);
                }
                else if (name.startsWith("java."))
                {
                    loaded = platform.loadClass(name);
                }
                else
                {
                    loaded = ownOrJdk(name);
                }
            }
            if (resolve)
            {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    private Class<?> ownOrJdk(final String name) throws ClassNotFoundException
    {
        try
        {
            return findClass(name);
        }
        catch (final ClassNotFoundException ex)
        {
            for (final String prefix : JDK_PREFIXES)
            {
                if (name.startsWith(prefix))
                {
                    return platform.loadClass(name);
                }
            }
            throw new ClassNotFoundException(name + " is not visible to plugin '" + pluginId + "': plugins see " +
                "their own classes, the plugin API (dev.commandcenter.engine.plugin, Event, MessageWriter, Sources), " +
                "the codecs, Agrona and the JDK");
        }
    }
}
