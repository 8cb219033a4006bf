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
 * the JDK's socket, channel and HTTP classes.
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
    private static final List<String> NETWORK_PREFIXES = List.of("java.net.http.", "javax.net.", "jdk.net.",
        "sun.net.", "java.rmi.", "javax.rmi.", "jdk.internal.net.", "com.sun.net.");
    private static final Set<String> NETWORK_CLASSES = Set.of("java.net.Socket", "java.net.ServerSocket",
        "java.net.DatagramSocket", "java.net.MulticastSocket", "java.net.URLConnection", "java.net.HttpURLConnection",
        "java.net.JarURLConnection", "java.net.SocketImpl", "java.net.InetAddress", "java.net.Inet4Address",
        "java.net.Inet6Address", "java.net.InetSocketAddress", "java.net.NetworkInterface",
        "java.nio.channels.SocketChannel", "java.nio.channels.ServerSocketChannel", "java.nio.channels.DatagramChannel",
        "java.nio.channels.AsynchronousSocketChannel", "java.nio.channels.AsynchronousServerSocketChannel",
        "java.nio.channels.NetworkChannel", "java.nio.channels.spi.SelectorProvider");

    static
    {
        registerAsParallelCapable();
    }

    private final String pluginId;
    private final ClassLoader host;
    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();
    private final boolean network;

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
        super("plugin-" + pluginId, urls, null);
        this.pluginId = pluginId;
        this.host = host;
        this.network = network;
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
