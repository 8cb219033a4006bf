package dev.commandcenter.transport.aeron;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.nio.file.Path;

/**
 * A process's connection to Aeron: an embedded media driver in a directory of its own (the default) or an external
 * driver named by its directory, and the {@link Aeron} client every Aeron feature of the process shares.
 * <p>
 * <b>Note:</b> the client is thread safe; {@link #close()} closes the client, then the embedded driver.
 */
public final class AeronNode implements AutoCloseable
{
    /** Directory name of an embedded driver under the data dir. */
    public static final String EMBEDDED_DIR_NAME = "aeron";

    private final MediaDriver driver;
    private final Aeron aeron;
    private final String directory;

    private AeronNode(final MediaDriver driver, final Aeron aeron, final String directory)
    {
        this.driver = driver;
        this.aeron = aeron;
        this.directory = directory;
    }

    /**
     * Connect to the external driver of {@code settings.dir}, or embed one in {@code <dataDir>/aeron}.
     *
     * @param settings     the {@code aeron:} section.
     * @param dataDir      the process's data dir.
     * @param errorHandler where the driver's and client's errors go.
     * @return the node, open.
     */
    public static AeronNode launch(final AeronSettings settings, final Path dataDir, final ErrorHandler errorHandler)
    {
        if (!settings.dir.isEmpty())
        {
            return connect(settings.dir, errorHandler);
        }
        return embed(settings, dataDir.resolve(EMBEDDED_DIR_NAME).toAbsolutePath().toString(), errorHandler);
    }

    /**
     * Embed a media driver in a directory, deleted on start and on close.
     *
     * @param settings     threading, idle strategy and term length.
     * @param directory    the driver's directory.
     * @param errorHandler where errors go.
     * @return the node, open.
     */
    public static AeronNode embed(final AeronSettings settings, final String directory, final ErrorHandler errorHandler)
    {
        final MediaDriver.Context driverCtx = new MediaDriver.Context()
            .aeronDirectoryName(directory)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(settings.threading)
            .sharedIdleStrategy(idle(settings.idle))
            .conductorIdleStrategy(idle(settings.idle))
            .senderIdleStrategy(idle(settings.idle))
            .receiverIdleStrategy(idle(settings.idle))
            .sharedNetworkIdleStrategy(idle(settings.idle))
            .ipcTermBufferLength(settings.termLength)
            .publicationTermBufferLength(settings.termLength)
            .errorHandler(errorHandler);
        final MediaDriver driver = MediaDriver.launch(driverCtx);
        try
        {
            final Aeron aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(driver.aeronDirectoryName())
                .errorHandler(errorHandler));
            return new AeronNode(driver, aeron, driver.aeronDirectoryName());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    /**
     * Connect to an external driver.
     *
     * @param directory    its directory.
     * @param errorHandler where the client's errors go.
     * @return the node, open.
     */
    public static AeronNode connect(final String directory, final ErrorHandler errorHandler)
    {
        final Aeron aeron = Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(directory)
            .errorHandler(errorHandler));
        return new AeronNode(null, aeron, directory);
    }

    /**
     * A new idle strategy of the named kind.
     *
     * @param idle the kind.
     * @return the strategy.
     */
    public static IdleStrategy idle(final AeronSettings.Idle idle)
    {
        return switch (idle)
        {
            case BACKOFF -> new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
            case SLEEPING -> new SleepingMillisIdleStrategy(1);
            case YIELDING -> new YieldingIdleStrategy();
            case BUSY_SPIN -> new BusySpinIdleStrategy();
        };
    }

    /**
     * The client shared by the process's Aeron features.
     *
     * @return the client.
     */
    public Aeron aeron()
    {
        return aeron;
    }

    /**
     * The driver's directory, what other processes of this machine pass to reach it.
     *
     * @return the directory.
     */
    public String directory()
    {
        return directory;
    }

    /**
     * Whether the driver runs in this process.
     *
     * @return true when embedded.
     */
    public boolean embedded()
    {
        return null != driver;
    }

    /**
     * The embedded driver's context, for features such as an archive that run beside it.
     *
     * @return the context, or null when the driver is external.
     */
    public MediaDriver.Context driverContext()
    {
        return null == driver ? null : driver.context();
    }

    /** Close the client, then an embedded driver. */
    public void close()
    {
        CloseHelper.closeAll(aeron, driver);
    }
}
