package dev.commandcenter.nativews;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The shim library {@code libccnative.so} bound with the FFM API: found at the path in system property or
 * environment variable {@value #LIBRARY_PROP_NAME}, else extracted from this jar to a temporary file deleted on exit.
 * When it cannot be used, {@link #unavailableReason()} says why in one line.
 * <p>
 * <b>Note:</b> immutable after construction; the method handles are thread safe.
 */
public final class NativeLibrary
{
    /** System property, then environment variable, naming a library file to use instead of the jar's. */
    public static final String LIBRARY_PROP_NAME = "CC_NATIVE_LIBRARY";

    /** Where the build puts the library in the jar. */
    public static final String RESOURCE = "/native/linux-x86_64/libccnative.so";

    /** What the build recorded about the native build. */
    public static final String BUILD_RESOURCE = "/dev/commandcenter/nativews/native-build.properties";

    /** The libwebsockets soname the shim links against. */
    public static final String LWS_SONAME = "libwebsockets.so.17";

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    private static final Object SHARED_LOCK = new Object();
    private static NativeLibrary shared;

    private final String unavailableReason;
    private final String version;
    private final MethodHandle protocolConstant;
    private final MethodHandle start;
    private final MethodHandle wake;
    private final MethodHandle stop;
    private final MethodHandle pollerWait;
    private final MethodHandle pollerKick;
    private final MethodHandle testProduce;
    private final MethodHandle testEcho;

    private NativeLibrary(
        final String unavailableReason,
        final String version,
        final MethodHandle protocolConstant,
        final MethodHandle start,
        final MethodHandle wake,
        final MethodHandle stop,
        final MethodHandle pollerWait,
        final MethodHandle pollerKick,
        final MethodHandle testProduce,
        final MethodHandle testEcho)
    {
        this.unavailableReason = unavailableReason;
        this.version = version;
        this.protocolConstant = protocolConstant;
        this.start = start;
        this.wake = wake;
        this.stop = stop;
        this.pollerWait = pollerWait;
        this.pollerKick = pollerKick;
        this.testProduce = testProduce;
        this.testEcho = testEcho;
    }

    /**
     * The library for this process, loaded once: from {@value #LIBRARY_PROP_NAME} when set, else from the jar.
     *
     * @return the library, possibly unavailable.
     */
    public static NativeLibrary shared()
    {
        synchronized (SHARED_LOCK)
        {
            if (null == shared)
            {
                shared = load(configuredPath());
            }
            return shared;
        }
    }

    /**
     * The path named by {@value #LIBRARY_PROP_NAME} (system property first, then environment), or null.
     *
     * @return the path text, or null when neither is set or both are blank.
     */
    public static String configuredPath()
    {
        final String property = System.getProperty(LIBRARY_PROP_NAME);
        if (null != property && !property.isBlank())
        {
            return property;
        }
        final String env = System.getenv(LIBRARY_PROP_NAME);
        return null == env || env.isBlank() ? null : env;
    }

    /**
     * Whether the build produced the library, and why not when it did not, as recorded in the jar.
     *
     * @return the recorded properties ({@code cc.native.built}, {@code cc.native.reason}); empty when absent.
     */
    public static Properties buildRecord()
    {
        final Properties properties = new Properties();
        try (InputStream in = NativeLibrary.class.getResourceAsStream(BUILD_RESOURCE))
        {
            if (null != in)
            {
                properties.load(in);
            }
        }
        catch (final IOException ignore)
        {
            // an unreadable record reads as "not recorded"
        }
        return properties;
    }

    /**
     * Load a library: from the given path, or from the jar when the path is null.
     *
     * @param path library file, or null for the jar's.
     * @return the library, possibly unavailable with the reason.
     */
    @SuppressWarnings("restricted") // binding the shim is what this class is for
    public static NativeLibrary load(final String path)
    {
        final String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        final String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        final Path file;
        if (null != path)
        {
            file = Path.of(path);
            if (!Files.isRegularFile(file))
            {
                return unavailable("library missing: " + LIBRARY_PROP_NAME + " names " + path + ", which is not a file");
            }
        }
        else
        {
            if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64")))
            {
                return unavailable("library missing: no native build for " + os + "-" + arch +
                    " (only linux-x86_64 is built)");
            }
            try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE))
            {
                if (null == in)
                {
                    final String why = buildRecord().getProperty("cc.native.reason", "the build did not record why");
                    return unavailable("library missing: libccnative.so was not built into this jar (" + why + ")");
                }
                file = Files.createTempFile("libccnative", ".so");
                file.toFile().deleteOnExit();
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final IOException ex)
            {
                return unavailable("library missing: could not extract libccnative.so to a temporary file: " + ex);
            }
        }

        final Arena arena = Arena.global();
        try
        {
            SymbolLookup.libraryLookup(LWS_SONAME, arena);
        }
        catch (final IllegalArgumentException ex)
        {
            return unavailable("dlopen failed: " + LWS_SONAME + " is not installed (Debian package libwebsockets17)");
        }

        final SymbolLookup lookup;
        try
        {
            lookup = SymbolLookup.libraryLookup(file, arena);
        }
        catch (final IllegalArgumentException ex)
        {
            return unavailable("dlopen failed: " + file + ": " + ex.getMessage());
        }

        final Linker linker = Linker.nativeLinker();
        try
        {
            final MethodHandle abiVersion = bind(linker, lookup, "ccn_abi_version", FunctionDescriptor.of(JAVA_INT));
            final MethodHandle lwsVersion = bind(linker, lookup, "ccn_lws_version", FunctionDescriptor.of(ADDRESS));
            final MethodHandle protocolConstant =
                bind(linker, lookup, "ccn_protocol_constant", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            final MethodHandle start = bind(linker, lookup, "ccn_start", FunctionDescriptor.of(
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                JAVA_INT));
            final MethodHandle wake = bind(linker, lookup, "ccn_wake", FunctionDescriptor.ofVoid(ADDRESS));
            final MethodHandle stop = bind(linker, lookup, "ccn_stop", FunctionDescriptor.ofVoid(ADDRESS));
            final MethodHandle pollerWait =
                bind(linker, lookup, "ccn_poller_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
            final MethodHandle pollerKick = bind(linker, lookup, "ccn_poller_kick", FunctionDescriptor.ofVoid(JAVA_INT));
            final MethodHandle testProduce = bind(linker, lookup, "ccn_test_produce",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT));
            final MethodHandle testEcho = bind(linker, lookup, "ccn_test_echo",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG));

            final int abi = (int)abiVersion.invokeExact();
            if (NativeProtocol.ABI_VERSION != abi)
            {
                return unavailable("shim self-check failed: library layout version " + abi + ", expected " +
                    NativeProtocol.ABI_VERSION);
            }

            final MemorySegment text = (MemorySegment)lwsVersion.invokeExact();
            final String raw = text.reinterpret(256).getString(0);
            final Matcher matcher = VERSION.matcher(raw.trim());
            if (!matcher.find())
            {
                return unavailable("libwebsockets version unreadable: '" + raw + "', expected 4.1 or later");
            }
            final int major = Integer.parseInt(matcher.group(1));
            final int minor = Integer.parseInt(matcher.group(2));
            if (major < 4 || (4 == major && minor < 1))
            {
                return unavailable("libwebsockets " + matcher.group(0) + " is too old: expected 4.1 or later");
            }

            return new NativeLibrary(
                null, "libwebsockets " + matcher.group(0), protocolConstant, start, wake, stop, pollerWait, pollerKick,
                testProduce, testEcho);
        }
        catch (final MissingSymbolException ex)
        {
            return unavailable("symbol missing: " + ex.getMessage() + " in " + file);
        }
        catch (final Throwable ex)
        {
            return unavailable("shim self-check failed: " + ex);
        }
    }

    @SuppressWarnings("restricted")
    private static MethodHandle bind(
        final Linker linker, final SymbolLookup lookup, final String name, final FunctionDescriptor descriptor)
    {
        final MemorySegment symbol = lookup.find(name).orElseThrow(() -> new MissingSymbolException(name));
        return linker.downcallHandle(symbol, descriptor);
    }

    private static NativeLibrary unavailable(final String reason)
    {
        return new NativeLibrary(reason, null, null, null, null, null, null, null, null, null);
    }

    /**
     * Why the library cannot be used, in one line, or null when it can.
     *
     * @return the reason, or null.
     */
    public String unavailableReason()
    {
        return unavailableReason;
    }

    /**
     * @return e.g. {@code libwebsockets 4.1.6}, or null when unavailable.
     */
    public String version()
    {
        return version;
    }

    /**
     * A constant as the library defines it, for checking {@link NativeProtocol} against it.
     *
     * @param name the C name, e.g. {@code CCN_EVT_OPEN}.
     * @return the value, or {@link Integer#MIN_VALUE} when the library does not know the name.
     */
    public int protocolConstant(final String name)
    {
        try (Arena arena = Arena.ofConfined())
        {
            return (int)protocolConstant.invokeExact(arena.allocateFrom(name));
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("ccn_protocol_constant failed", ex);
        }
    }

    MemorySegment start(
        final MemorySegment bindAddress,
        final MemorySegment settings,
        final MemorySegment eventRing,
        final MemorySegment commandRing,
        final MemorySegment table,
        final MemorySegment control,
        final MemorySegment boundPort,
        final MemorySegment error)
    {
        try
        {
            return (MemorySegment)start.invokeExact(
                bindAddress, settings, eventRing, eventRing.byteSize(), commandRing, commandRing.byteSize(), table,
                control, boundPort, error, (int)error.byteSize());
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("ccn_start failed", ex);
        }
    }

    void wake(final MemorySegment handle)
    {
        try
        {
            wake.invokeExact(handle);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("ccn_wake failed", ex);
        }
    }

    /**
     * Wait until the service thread writes the poller's eventfd, or the timeout passes.
     *
     * @param fd        the eventfd from the control block.
     * @param timeoutMs longest wait.
     * @return true when woken by a write, false on the timeout.
     */
    boolean pollerWait(final int fd, final int timeoutMs)
    {
        try
        {
            return 1 == (int)pollerWait.invokeExact(fd, timeoutMs);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("ccn_poller_wait failed", ex);
        }
    }

    /**
     * Wake a poller waiting on the eventfd.
     *
     * @param fd the eventfd from the control block.
     */
    void pollerKick(final int fd)
    {
        try
        {
            pollerKick.invokeExact(fd);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("ccn_poller_kick failed", ex);
        }
    }

    void stop(final MemorySegment handle)
    {
        try
        {
            stop.invokeExact(handle);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("ccn_stop failed", ex);
        }
    }

    /**
     * Test support: the library writes count pseudo-random records (xorshift64 from seed) into a OneToOne ring.
     *
     * @param ring       the ring's memory, capacity plus trailer.
     * @param seed       xorshift seed.
     * @param count      records to write.
     * @param maxLength  largest payload.
     * @return records written before the ring was full.
     */
    public int testProduce(final MemorySegment ring, final long seed, final int count, final int maxLength)
    {
        try
        {
            return (int)testProduce.invokeExact(ring, ring.byteSize(), seed, count, maxLength);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("ccn_test_produce failed", ex);
        }
    }

    /**
     * Test support: the library reads every record of a ManyToOne ring and writes each to a OneToOne ring.
     *
     * @param from ManyToOne ring memory.
     * @param to   OneToOne ring memory.
     * @return records echoed, or negative when a record was malformed or did not fit.
     */
    public int testEcho(final MemorySegment from, final MemorySegment to)
    {
        try
        {
            return (int)testEcho.invokeExact(from, from.byteSize(), to, to.byteSize());
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("ccn_test_echo failed", ex);
        }
    }

    private static final class MissingSymbolException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        MissingSymbolException(final String name)
        {
            super(name, null, false, false);
        }
    }
}
