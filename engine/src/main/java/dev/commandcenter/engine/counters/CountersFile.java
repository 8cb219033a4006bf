package dev.commandcenter.engine.counters;

import org.agrona.BitUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * A memory-mapped file holding the engine's counters and distinct error log, readable live by
 * another process (like Aeron's CnC file). Layout:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Version (written last)                       |
 *  +---------------------------------------------------------------+
 *  |                  Metadata Buffer Length                       |
 *  +---------------------------------------------------------------+
 *  |                  Values Buffer Length                         |
 *  +---------------------------------------------------------------+
 *  |                  Error Log Length                             |
 *  +---------------------------------------------------------------+
 *  |                  PID                                          |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Start Timestamp (epoch ms)                   |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Heartbeat (epoch ms, release/volatile)       |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  ... pad to HEADER_LENGTH                     |
 *  +---------------------------------------------------------------+
 *  |                  Counters Metadata Buffer                    ...
 *  +---------------------------------------------------------------+
 *  |                  Counters Values Buffer                      ...
 *  +---------------------------------------------------------------+
 *  |                  Distinct Error Log                          ...
 *  +---------------------------------------------------------------+
 * </pre>
 * <b>Note:</b> one writer (the engine); any number of readers.
 */
public final class CountersFile implements AutoCloseable
{
    /** File name inside the data dir. */
    public static final String FILE_NAME = "counters.dat";
    /** Format version; a reader refuses any other. */
    public static final int VERSION = 1;
    /** Offset of the version field. */
    public static final int VERSION_OFFSET = 0;
    /** Offset of the metadata buffer length. */
    public static final int METADATA_LENGTH_OFFSET = 4;
    /** Offset of the values buffer length. */
    public static final int VALUES_LENGTH_OFFSET = 8;
    /** Offset of the error log length. */
    public static final int ERROR_LOG_LENGTH_OFFSET = 12;
    /** Offset of the writer's pid. */
    public static final int PID_OFFSET = 16;
    /** Offset of the start timestamp. */
    public static final int START_TIMESTAMP_OFFSET = 24;
    /** Offset of the heartbeat timestamp. */
    public static final int HEARTBEAT_OFFSET = 32;
    /** Header length, two cache lines. */
    public static final int HEADER_LENGTH = 2 * BitUtil.CACHE_LINE_LENGTH;

    private final MappedByteBuffer mapped;
    private final UnsafeBuffer header;
    private final UnsafeBuffer metadata;
    private final UnsafeBuffer values;
    private final UnsafeBuffer errorLog;

    private CountersFile(final MappedByteBuffer mapped)
    {
        this.mapped = mapped;
        final UnsafeBuffer all = new UnsafeBuffer(mapped);
        final int metadataLength = all.getIntVolatile(METADATA_LENGTH_OFFSET);
        final int valuesLength = all.getInt(VALUES_LENGTH_OFFSET);
        final int errorLogLength = all.getInt(ERROR_LOG_LENGTH_OFFSET);
        header = new UnsafeBuffer(all, 0, HEADER_LENGTH);
        metadata = new UnsafeBuffer(all, HEADER_LENGTH, metadataLength);
        values = new UnsafeBuffer(all, HEADER_LENGTH + metadataLength, valuesLength);
        errorLog = new UnsafeBuffer(all, HEADER_LENGTH + metadataLength + valuesLength, errorLogLength);
    }

    /**
     * Create (or replace) the counters file for a starting engine.
     *
     * @param file           to create.
     * @param maxCounters    how many counters it can hold.
     * @param errorLogLength bytes for the distinct error log.
     * @param pid            of the engine.
     * @param nowMs          start time.
     * @return the mapped file, with its version written last.
     */
    public static CountersFile create(
        final Path file, final int maxCounters, final int errorLogLength, final long pid, final long nowMs)
    {
        final int metadataLength = maxCounters * CountersReader.METADATA_LENGTH;
        final int valuesLength = maxCounters * CountersReader.COUNTER_LENGTH;
        final long total = (long)HEADER_LENGTH + metadataLength + valuesLength + errorLogLength;
        IoUtil.deleteIfExists(file.toFile());
        final MappedByteBuffer mapped = mapNewPrivateFile(file, total);
        final UnsafeBuffer all = new UnsafeBuffer(mapped);
        all.putInt(METADATA_LENGTH_OFFSET, metadataLength);
        all.putInt(VALUES_LENGTH_OFFSET, valuesLength);
        all.putInt(ERROR_LOG_LENGTH_OFFSET, errorLogLength);
        all.putLong(PID_OFFSET, pid);
        all.putLong(START_TIMESTAMP_OFFSET, nowMs);
        all.putLongRelease(HEARTBEAT_OFFSET, nowMs);
        all.putIntRelease(VERSION_OFFSET, VERSION);
        return new CountersFile(mapped);
    }

    /**
     * Create and map a zero-filled file readable and writable by its owner only (0600) from the start: the counters
     * and the error log (which may quote what clients sent) are not for other users of the machine.
     */
    private static MappedByteBuffer mapNewPrivateFile(final Path file, final long length)
    {
        final FileAttribute<?>[] attributes = file.getFileSystem().supportedFileAttributeViews().contains("posix") ?
            new FileAttribute<?>[]{ PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")) } :
            new FileAttribute<?>[0];
        try (FileChannel channel = FileChannel.open(file,
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE), attributes))
        {
            IoUtil.fill(channel, 0, length, (byte)0);
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create the counters file " + file + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Map an existing counters file for reading.
     *
     * @param file to map.
     * @return the mapped file.
     * @throws IllegalStateException when the file is missing or of another version.
     */
    public static CountersFile open(final Path file)
    {
        if (!Files.isRegularFile(file))
        {
            throw new IllegalStateException("no counters file at " + file + ": is an engine running with this --data-dir?");
        }
        final File f = file.toFile();
        if (f.length() < HEADER_LENGTH)
        {
            throw new IllegalStateException(file + " is too short to be a counters file");
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(f, "counters");
        final int version = new UnsafeBuffer(mapped).getIntVolatile(VERSION_OFFSET);
        if (version != VERSION)
        {
            IoUtil.unmap(mapped);
            throw new IllegalStateException(file + " has counters format version " + version + ", expected " + VERSION);
        }
        return new CountersFile(mapped);
    }

    /**
     * Buffer of counter metadata.
     *
     * @return the buffer.
     */
    public AtomicBuffer metadata()
    {
        return metadata;
    }

    /**
     * Buffer of counter values.
     *
     * @return the buffer.
     */
    public AtomicBuffer values()
    {
        return values;
    }

    /**
     * Buffer of the distinct error log.
     *
     * @return the buffer.
     */
    public AtomicBuffer errorLog()
    {
        return errorLog;
    }

    /**
     * A reader over the counters.
     *
     * @return a new reader.
     */
    public CountersReader reader()
    {
        return new CountersReader(metadata, values);
    }

    /**
     * Pid of the engine that wrote the file.
     *
     * @return the pid.
     */
    public long pid()
    {
        return header.getLong(PID_OFFSET);
    }

    /**
     * When the engine started.
     *
     * @return epoch ms.
     */
    public long startTimestampMs()
    {
        return header.getLong(START_TIMESTAMP_OFFSET);
    }

    /**
     * Last heartbeat of the engine.
     *
     * @return epoch ms.
     */
    public long heartbeatMs()
    {
        return header.getLongVolatile(HEARTBEAT_OFFSET);
    }

    /**
     * Record that the engine is alive.
     *
     * @param nowMs epoch ms.
     */
    public void heartbeat(final long nowMs)
    {
        header.putLongRelease(HEARTBEAT_OFFSET, nowMs);
    }

    public void close()
    {
        IoUtil.unmap(mapped);
    }
}
