package dev.commandcenter.app;

import dev.commandcenter.app.config.ConfigException;
import dev.commandcenter.transport.websocket.wire.WireTransport;
import dev.commandcenter.transport.websocket.wire.WireTransportProvider;

import java.util.Map;
import java.util.ServiceLoader;

/**
 * Which backend serves the web server's sockets: {@code websocket.backend} ({@code auto}, {@code netty} or
 * {@code native}), overridden by the environment variable {@value #CC_NATIVE} ({@code 0}: netty, {@code 1}: native).
 * The native backend is a {@link WireTransportProvider} named {@value #NATIVE} found with {@link ServiceLoader}
 * (the {@code commandcenter-native} module on the class path). {@code auto} takes it when it is present and can run
 * here, else Netty, and says why when {@value #CC_DEBUG_NATIVE}{@code =1} or {@code --verbose} asks; {@code native}
 * asked for explicitly and missing or unable to run is one clear error line, never a quiet fallback.
 */
public final class WebSocketBackend
{
    /** Environment variable overriding {@code websocket.backend}: {@code 0} netty, {@code 1} native. */
    public static final String CC_NATIVE = "CC_NATIVE";
    /** Environment variable asking why {@code auto} did not take the native backend: {@code 1}. */
    public static final String CC_DEBUG_NATIVE = "CC_DEBUG_NATIVE";
    /** {@code websocket.backend}: native when it can run here, else Netty. */
    public static final String AUTO = "auto";
    /** {@code websocket.backend}: Netty's own sockets. */
    public static final String NETTY = "netty";
    /** {@code websocket.backend} and the provider name of the libwebsockets backend. */
    public static final String NATIVE = "native";

    private static final String WHAT_TO_DO = "install libwebsockets17, build with -Dnative=require, " +
        "or set websocket.backend: netty";

    private final String name;
    private final WireTransport transport;
    private final String fallbackReason;

    private WebSocketBackend(final String name, final WireTransport transport, final String fallbackReason)
    {
        this.name = name;
        this.transport = transport;
        this.fallbackReason = fallbackReason;
    }

    /**
     * Choose with the providers on the class path.
     *
     * @param configured  {@code websocket.backend}.
     * @param environment the process environment ({@value #CC_NATIVE}).
     * @return the choice.
     * @throws ConfigException with one line when {@value #CC_NATIVE} is not 0 or 1, or the native backend is asked
     *                         for and cannot run.
     */
    public static WebSocketBackend choose(final String configured, final Map<String, String> environment)
    {
        return choose(configured, environment, ServiceLoader.load(WireTransportProvider.class));
    }

    /**
     * Choose among given providers.
     *
     * @param configured  {@code websocket.backend}.
     * @param environment the process environment ({@value #CC_NATIVE}).
     * @param providers   the backends available.
     * @return the choice; its transport is created, not started.
     * @throws ConfigException with one line when {@value #CC_NATIVE} is not 0 or 1, or the native backend is asked
     *                         for and cannot run.
     */
    public static WebSocketBackend choose(
        final String configured, final Map<String, String> environment, final Iterable<WireTransportProvider> providers)
    {
        final String override = environment.get(CC_NATIVE);
        final String wanted;
        final String source;
        if (null == override || override.isEmpty())
        {
            wanted = null == configured ? AUTO : configured;
            source = "websocket.backend: " + wanted;
        }
        else if ("0".equals(override))
        {
            wanted = NETTY;
            source = CC_NATIVE + "=0";
        }
        else if ("1".equals(override))
        {
            wanted = NATIVE;
            source = CC_NATIVE + "=1";
        }
        else
        {
            throw new ConfigException(CC_NATIVE + ": expected 0 (netty) or 1 (native), got '" + override + "'");
        }

        switch (wanted)
        {
            case NETTY ->
            {
                return new WebSocketBackend(NETTY, null, null);
            }
            case NATIVE ->
            {
                final WireTransportProvider provider = nativeProvider(providers);
                if (null == provider)
                {
                    throw new ConfigException(source + ": the native backend is not built into this distribution (" +
                        WHAT_TO_DO + ")");
                }
                final String reason = provider.unavailableReason();
                if (null != reason)
                {
                    throw new ConfigException(source + ": the native backend cannot run here: " + reason + " (" +
                        WHAT_TO_DO + ")");
                }
                return new WebSocketBackend(NATIVE, provider.create(), null);
            }
            case AUTO ->
            {
                final WireTransportProvider provider = nativeProvider(providers);
                if (null == provider)
                {
                    return new WebSocketBackend(NETTY, null, "native backend not built into this distribution");
                }
                final String reason = provider.unavailableReason();
                if (null != reason)
                {
                    return new WebSocketBackend(NETTY, null, "native backend unavailable: " + reason);
                }
                return new WebSocketBackend(NATIVE, provider.create(), null);
            }
            default -> throw new ConfigException("websocket.backend: expected one of auto | netty | native, got '" +
                wanted + "'");
        }
    }

    /**
     * Whether the environment asks why {@code auto} fell back: {@value #CC_DEBUG_NATIVE}{@code =1}.
     *
     * @param environment the process environment.
     * @return true to say why.
     */
    public static boolean debug(final Map<String, String> environment)
    {
        return "1".equals(environment.get(CC_DEBUG_NATIVE));
    }

    private static WireTransportProvider nativeProvider(final Iterable<WireTransportProvider> providers)
    {
        for (final WireTransportProvider provider : providers)
        {
            if (NATIVE.equals(provider.name()))
            {
                return provider;
            }
        }
        return null;
    }

    /**
     * The backend chosen: {@value #NETTY} or {@value #NATIVE}.
     *
     * @return its name.
     */
    public String name()
    {
        return name;
    }

    /**
     * The transport to give the web server, or null for Netty's own sockets.
     *
     * @return the transport, created and not started.
     */
    public WireTransport transport()
    {
        return transport;
    }

    /**
     * Why {@code auto} chose Netty: the native provider's reason, or that it is not built in; null otherwise.
     *
     * @return the reason, or null.
     */
    public String fallbackReason()
    {
        return fallbackReason;
    }
}
