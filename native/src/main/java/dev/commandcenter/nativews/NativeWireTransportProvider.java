package dev.commandcenter.nativews;

import dev.commandcenter.transport.websocket.wire.WireTransport;
import dev.commandcenter.transport.websocket.wire.WireTransportProvider;

/**
 * Finds the libwebsockets backend for {@link java.util.ServiceLoader} under the name {@code native}; it is
 * available when the shim library loads (see {@link NativeLibrary}) and says in one line why not otherwise.
 * <p>
 * <b>Note:</b> thread safe; the library is loaded on first use.
 */
public final class NativeWireTransportProvider implements WireTransportProvider
{
    private final String libraryPath;
    private final boolean useShared;
    private NativeLibrary library;

    /**
     * The provider {@link java.util.ServiceLoader} creates: library from {@value NativeLibrary#LIBRARY_PROP_NAME}
     * or from the jar.
     */
    public NativeWireTransportProvider()
    {
        this.libraryPath = null;
        this.useShared = true;
    }

    /**
     * A provider of a given library file, for developers and tests.
     *
     * @param libraryPath the library file.
     */
    public NativeWireTransportProvider(final String libraryPath)
    {
        this.libraryPath = libraryPath;
        this.useShared = false;
    }

    private synchronized NativeLibrary library()
    {
        if (null == library)
        {
            library = useShared ? NativeLibrary.shared() : NativeLibrary.load(libraryPath);
        }
        return library;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String name()
    {
        return "native";
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String unavailableReason()
    {
        return library().unavailableReason();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String version()
    {
        return library().version();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public WireTransport create()
    {
        final String reason = unavailableReason();
        if (null != reason)
        {
            throw new IllegalStateException(reason);
        }
        return new NativeWireTransport(library());
    }
}
