package dev.commandcenter.transport.websocket.conformance;

import dev.commandcenter.transport.websocket.WebServer;
import dev.commandcenter.transport.websocket.wire.WireTransportProvider;
import org.junit.jupiter.api.Assumptions;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.fail;

/**
 * One backend the suite runs against: the Netty server {@link WebServer} launches by itself, or a wire transport
 * from a {@link WireTransportProvider} found with {@link ServiceLoader}, handed to the server with
 * {@link WebServer.Context#wireTransport}.
 * <p>
 * A provider found but unavailable fails every case with its reason, unless the system property
 * {@value #NATIVE_BUILT_PROP_NAME} is {@code false} (the build skipped the native backend), when the cases are
 * skipped with that reason.
 */
final class Backend
{
    /** Name of the backend {@link WebServer} runs without a wire transport. */
    static final String NETTY = "netty";
    /** System property: {@code false} when the native backend was not built, so an unavailable one is skipped. */
    static final String NATIVE_BUILT_PROP_NAME = "cc.native.built";
    /** System property: names of the backends to run, comma separated, e.g. {@code netty}; all found when unset. */
    static final String BACKENDS_PROP_NAME = "cc.conformance.backends";

    /**
     * Where a backend knowingly departs from the protocol the issue describes; the case asserts what the backend
     * does instead, so a change in either direction is noticed.
     */
    enum Deviation
    {
        /**
         * An upgrade that offers only unknown subprotocols is answered {@code 400} with the one-line JSON error
         * {@code unsupported subprotocol <offered>: expected cc.json.v1 or cc.sbe.v1}, before its token is checked,
         * where the protocol completes the handshake without a subprotocol and closes with 1002: libwebsockets 4.1
         * drops such an upgrade itself before the server can agree to none.
         */
        UNKNOWN_SUBPROTOCOLS_REFUSED_WITH_400,

        /**
         * A refusal before the session exists (a Host not allowed) on an upgrade is a close with 1008 and the
         * refusal's message after the {@code 101}, where the protocol answers the HTTP status ({@code 421}): the
         * transport answers the handshake before the server sees the request.
         */
        UPGRADE_REFUSAL_IS_A_CLOSE,

        /**
         * {@code ..} segments of a path are resolved by the transport (libwebsockets) before the server sees it, so
         * a traversal is served as the path it resolves to ({@code /plugins/alerts/../secret.txt} is
         * {@code /plugins/secret.txt}: 404), where the protocol answers {@code 400}. Nothing outside the web root
         * is reachable either way.
         */
        PATH_RESOLVED_BY_THE_TRANSPORT,

        /**
         * A client that sends a next request before the answer to one with a body (HTTP pipelining after a POST,
         * which RFC 9112 9.3.2 advises against) is dropped, without the answer to that request, where the protocol
         * answers every request in order: libwebsockets 4.1 repeats the body's completion over the bytes that follow
         * it while the answer is awaited. Pipelined requests without a body are answered in order by both.
         */
        PIPELINING_AFTER_A_BODY_DROPS_THE_CONNECTION
    }

    /** Name of the native libwebsockets backend's provider. */
    static final String NATIVE = "native";

    private final String name;
    private final WireTransportProvider provider;
    private final String problem;
    private final Set<Deviation> deviations;

    private Backend(
        final String name, final WireTransportProvider provider, final String problem, final Set<Deviation> deviations)
    {
        this.name = name;
        this.provider = provider;
        this.problem = problem;
        this.deviations = deviations;
    }

    /**
     * The backends to run: every one found, or those named by {@value #BACKENDS_PROP_NAME}; a name not found is a
     * backend that fails with the names that were found.
     *
     * @return the backends.
     */
    static List<Backend> selected()
    {
        final String names = System.getProperty(BACKENDS_PROP_NAME, "").trim();
        final List<Backend> found = all();
        if (names.isEmpty())
        {
            return found;
        }
        final List<Backend> selected = new ArrayList<>();
        for (final String name : names.split(","))
        {
            final Backend backend = found.stream().filter((candidate) -> candidate.name.equals(name.trim())).findFirst()
                .orElseGet(() -> new Backend(name.trim(), null, "not found; " + BACKENDS_PROP_NAME + " may name " +
                    String.join(", ", found.stream().map(Backend::name).toList()), EnumSet.noneOf(Deviation.class)));
            selected.add(backend);
        }
        return selected;
    }

    /**
     * Every backend: Netty, then each provider on the class path in the order {@link ServiceLoader} finds them.
     *
     * @return the backends, Netty first.
     */
    static List<Backend> all()
    {
        final List<Backend> backends = new ArrayList<>();
        backends.add(new Backend(NETTY, null, null, EnumSet.noneOf(Deviation.class)));
        try
        {
            for (final WireTransportProvider provider : ServiceLoader.load(WireTransportProvider.class))
            {
                backends.add(of(provider));
            }
        }
        catch (final ServiceConfigurationError ex)
        {
            backends.add(new Backend("broken-provider", null, "cannot load a WireTransportProvider: " + ex.getMessage(),
                EnumSet.noneOf(Deviation.class)));
        }
        return backends;
    }

    /**
     * The backend of a wire transport provider, asking it once whether it can run here.
     *
     * @param provider the provider.
     * @return the backend.
     */
    static Backend of(final WireTransportProvider provider)
    {
        final Set<Deviation> deviations = NATIVE.equals(provider.name()) ?
            EnumSet.of(
                Deviation.UNKNOWN_SUBPROTOCOLS_REFUSED_WITH_400,
                Deviation.UPGRADE_REFUSAL_IS_A_CLOSE,
                Deviation.PATH_RESOLVED_BY_THE_TRANSPORT,
                Deviation.PIPELINING_AFTER_A_BODY_DROPS_THE_CONNECTION) :
            EnumSet.noneOf(Deviation.class);
        return new Backend(provider.name(), provider, provider.unavailableReason(), deviations);
    }

    /**
     * @return the backend's name, as the suite's display names show it.
     */
    String name()
    {
        return name;
    }

    /**
     * Whether this backend knowingly departs from the protocol in one respect.
     *
     * @param deviation the respect.
     * @return true when it does.
     */
    boolean deviates(final Deviation deviation)
    {
        return deviations.contains(deviation);
    }

    /**
     * Fail (or skip, when the native backend was not built) a case run on a backend that cannot run here.
     */
    void requireAvailable()
    {
        if (null == problem)
        {
            return;
        }
        final String message = "websocket backend " + name + " cannot run here: " + problem;
        if (null != provider && !nativeBuilt())
        {
            Assumptions.abort(message + " (skipped: " + NATIVE_BUILT_PROP_NAME + "=false)");
        }
        fail(message);
    }

    /**
     * Whether the native backend was built: the system property when set, else what the native module's build
     * recorded in its jar ({@code native-build.properties}); false when neither says.
     */
    static boolean nativeBuilt()
    {
        final String property = System.getProperty(NATIVE_BUILT_PROP_NAME, "");
        if (!property.isBlank())
        {
            return Boolean.parseBoolean(property.trim());
        }
        try (java.io.InputStream in = Backend.class.getClassLoader()
            .getResourceAsStream("dev/commandcenter/nativews/native-build.properties"))
        {
            if (null == in)
            {
                return false;
            }
            final java.util.Properties recorded = new java.util.Properties();
            recorded.load(in);
            return Boolean.parseBoolean(recorded.getProperty(NATIVE_BUILT_PROP_NAME, "false").trim());
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /**
     * Make a server context serve through this backend.
     *
     * @param ctx the server's context, not concluded.
     * @return the context.
     */
    WebServer.Context apply(final WebServer.Context ctx)
    {
        requireAvailable();
        if (null != provider)
        {
            ctx.wireTransport(provider.create());
        }
        return ctx;
    }

    @Override
    public String toString()
    {
        return null == provider || null == problem ? name : name + " (unavailable)";
    }
}
