package dev.commandcenter.nativews;

import dev.commandcenter.transport.websocket.wire.WireEvents;
import dev.commandcenter.transport.websocket.wire.WireListener;
import dev.commandcenter.transport.websocket.wire.WireRequest;
import dev.commandcenter.transport.websocket.wire.WireSettings;
import dev.commandcenter.transport.websocket.wire.WireTransport;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static dev.commandcenter.nativews.NativeProtocol.CMD_ABORT;
import static dev.commandcenter.nativews.NativeProtocol.CMD_BROADCAST;
import static dev.commandcenter.nativews.NativeProtocol.CMD_CLOSE;
import static dev.commandcenter.nativews.NativeProtocol.CMD_PING;
import static dev.commandcenter.nativews.NativeProtocol.CMD_FRAMES;
import static dev.commandcenter.nativews.NativeProtocol.CMD_READ;
import static dev.commandcenter.nativews.NativeProtocol.CMD_RESPONSE;
import static dev.commandcenter.nativews.NativeProtocol.CMD_SEND;
import static dev.commandcenter.nativews.NativeProtocol.CONTROL_CORRUPT_OFFSET;
import static dev.commandcenter.nativews.NativeProtocol.CONTROL_LENGTH;
import static dev.commandcenter.nativews.NativeProtocol.CONTROL_OPEN_OFFSET;
import static dev.commandcenter.nativews.NativeProtocol.CONTROL_PIPELINED_OFFSET;
import static dev.commandcenter.nativews.NativeProtocol.CONTROL_POLLER_FD_OFFSET;
import static dev.commandcenter.nativews.NativeProtocol.CONTROL_POLLER_SLEEPING_OFFSET;
import static dev.commandcenter.nativews.NativeProtocol.CONTROL_FD_TABLE_OFFSET;
import static dev.commandcenter.nativews.NativeProtocol.CONTROL_POLLER_WAKES_OFFSET;
import static dev.commandcenter.nativews.NativeProtocol.CONTROL_SLEEPING_OFFSET;
import static dev.commandcenter.nativews.NativeProtocol.EVT_CLOSED;
import static dev.commandcenter.nativews.NativeProtocol.EVT_MESSAGE;
import static dev.commandcenter.nativews.NativeProtocol.EVT_OPEN;
import static dev.commandcenter.nativews.NativeProtocol.EVT_PONG;
import static dev.commandcenter.nativews.NativeProtocol.EVT_REQUEST;
import static dev.commandcenter.nativews.NativeProtocol.EVT_WRITABILITY;
import static dev.commandcenter.nativews.NativeProtocol.ID_LENGTH;
import static dev.commandcenter.nativews.NativeProtocol.MAX_CLOSE_REASON;
import static dev.commandcenter.nativews.NativeProtocol.PING_PAYLOAD_LENGTH;
import static dev.commandcenter.nativews.NativeProtocol.REQUEST_FIXED_FIELDS;
import static dev.commandcenter.nativews.NativeProtocol.SET_CLOSE_TIMEOUT_MS;
import static dev.commandcenter.nativews.NativeProtocol.SET_COUNT;
import static dev.commandcenter.nativews.NativeProtocol.SET_HEADER_TIMEOUT_MS;
import static dev.commandcenter.nativews.NativeProtocol.SET_HIGH_WATER;
import static dev.commandcenter.nativews.NativeProtocol.SET_IDLE_TIMEOUT_MS;
import static dev.commandcenter.nativews.NativeProtocol.SET_LOW_WATER;
import static dev.commandcenter.nativews.NativeProtocol.SET_MAX_BODY;
import static dev.commandcenter.nativews.NativeProtocol.SET_MAX_CONNECTIONS;
import static dev.commandcenter.nativews.NativeProtocol.SET_MAX_FRAME;
import static dev.commandcenter.nativews.NativeProtocol.SET_MAX_HEADER;
import static dev.commandcenter.nativews.NativeProtocol.SET_MAX_QUEUED;
import static dev.commandcenter.nativews.NativeProtocol.SET_PORT;
import static dev.commandcenter.nativews.NativeProtocol.SET_SLOTS;
import static dev.commandcenter.nativews.NativeProtocol.SLOT_ID_OFFSET;
import static dev.commandcenter.nativews.NativeProtocol.SLOT_LENGTH;
import static dev.commandcenter.nativews.NativeProtocol.SLOT_QUEUED_OFFSET;

/**
 * The libwebsockets backend: the C shim runs the lws service loop on its own thread and exchanges records with this
 * class through two rings in off-heap memory, in Agrona's layout: events (C produces, a {@link OneToOneRingBuffer}
 * read here by a poller {@link Agent}) and commands (any thread here produces into a {@link ManyToOneRingBuffer},
 * C consumes). A shared table of connection slots holds each open connection's id and the bytes queued for it, so
 * {@link #send} answers {@link #GONE} or {@link #FULL} without a call into C; a shared "sleeping" flag lets a
 * producer wake the service thread only when it waits in poll. The other way, the poller spins and yields briefly
 * when the event ring is empty, then says so in a second flag and waits on an eventfd that the service thread writes
 * once after its next event ({@link PollerIdleStrategy}): an event reaches Java in one thread wake-up, not after a
 * park of up to a millisecond. When the server asks for the events ({@link #hostEvents()}), there is no poller
 * thread: the server's event loop reads the ring and waits on the same eventfd ({@link HostedEvents}), so a request
 * goes from the service thread to the loop that answers it in one wake-up.
 * <p>
 * <b>Note:</b> {@link #start} and {@link #close()} are called by one thread; the other methods are thread safe and
 * never block. The listener is called on the poller thread, or in {@link WireEvents#poll()}.
 */
public final class NativeWireTransport implements WireTransport
{
    /** System property: bytes of the command ring's record area (a power of two). */
    public static final String COMMAND_RING_BYTES_PROP_NAME = "cc.native.commandRingBytes";

    /** Default command ring: 16 MiB, so one command holds up to 2 MiB. */
    public static final int COMMAND_RING_BYTES_DEFAULT = 16 * 1024 * 1024;

    /** Connection slots when {@link WireSettings#maxConnections()} sets no limit. */
    public static final int UNLIMITED_SLOTS = 65536;

    private static final int EVENT_RING_MIN_BYTES = 1024 * 1024;
    private static final int ERROR_LENGTH = 512;

    private final NativeLibrary library;
    private final IdleStrategy idleStrategy;
    private final ErrorHandler errorHandler;
    private final AtomicInteger activeCalls = new AtomicInteger();
    private volatile boolean running;

    private Arena arena;
    private MemorySegment handle;
    private UnsafeBuffer commandBuffer;
    private UnsafeBuffer table;
    private UnsafeBuffer control;
    private ManyToOneRingBuffer commands;
    private AgentRunner pollerRunner;
    private PollerIdleStrategy pollerIdle;
    private HostedEvents hosted;
    private int slots;
    private long maxQueuedBytes;
    private boolean closed;

    /**
     * A transport on the given library, its poller waiting on the shim's eventfd when idle.
     *
     * @param library the loaded shim; must be available.
     */
    public NativeWireTransport(final NativeLibrary library)
    {
        this(library, null, Throwable::printStackTrace);
    }

    /**
     * A transport on the given library.
     *
     * @param library      the loaded shim; must be available.
     * @param idleStrategy how the poller waits when no event arrived, or null to wait on the shim's eventfd
     *                     ({@link PollerIdleStrategy}).
     * @param errorHandler told of a listener's exceptions.
     */
    public NativeWireTransport(
        final NativeLibrary library, final IdleStrategy idleStrategy, final ErrorHandler errorHandler)
    {
        this.library = Objects.requireNonNull(library, "library");
        if (null != library.unavailableReason())
        {
            throw new IllegalStateException(library.unavailableReason());
        }
        this.idleStrategy = idleStrategy;
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
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
    public String version()
    {
        return library.version();
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public InetSocketAddress start(final WireSettings settings, final WireListener listener) throws IOException
    {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(listener, "listener");
        if (null != handle || closed)
        {
            throw new IllegalStateException("transport already started; create a new one");
        }

        final long largestEvent = Math.max(
            (long)settings.maxFrameLength(), (long)settings.maxRequestBodyLength() + 2L * settings.maxHeaderBytes()) +
            4096;
        final int eventCapacity = ringCapacity(largestEvent * 8, EVENT_RING_MIN_BYTES, "event ring");
        final int commandCapacity = ringCapacity(
            Long.getLong(COMMAND_RING_BYTES_PROP_NAME, COMMAND_RING_BYTES_DEFAULT), 64 * 1024,
            COMMAND_RING_BYTES_PROP_NAME);
        slots = settings.maxConnections() > 0 ? settings.maxConnections() : UNLIMITED_SLOTS;
        maxQueuedBytes = settings.maxQueuedBytesPerConnection();

        arena = Arena.ofShared();
        boolean started = false;
        try
        {
            final int trailer = RingBufferDescriptor.TRAILER_LENGTH;
            final MemorySegment eventSegment = arena.allocate(eventCapacity + trailer, 4096);
            final MemorySegment commandSegment = arena.allocate(commandCapacity + trailer, 4096);
            final MemorySegment tableSegment = arena.allocate((long)slots * SLOT_LENGTH, 64);
            final MemorySegment controlSegment = arena.allocate(CONTROL_LENGTH, 64);

            final UnsafeBuffer eventBuffer = new UnsafeBuffer(eventSegment.address(), (int)eventSegment.byteSize());
            commandBuffer = new UnsafeBuffer(commandSegment.address(), (int)commandSegment.byteSize());
            table = new UnsafeBuffer(tableSegment.address(), (int)tableSegment.byteSize());
            control = new UnsafeBuffer(controlSegment.address(), (int)controlSegment.byteSize());
            final OneToOneRingBuffer events = new OneToOneRingBuffer(eventBuffer);
            commands = new ManyToOneRingBuffer(commandBuffer);

            final MemorySegment settingsSegment = arena.allocate(ValueLayout.JAVA_LONG, SET_COUNT);
            settingsSegment.setAtIndex(ValueLayout.JAVA_LONG, SET_PORT, settings.port());
            settingsSegment.setAtIndex(ValueLayout.JAVA_LONG, SET_MAX_FRAME, settings.maxFrameLength());
            settingsSegment.setAtIndex(ValueLayout.JAVA_LONG, SET_MAX_BODY, settings.maxRequestBodyLength());
            settingsSegment.setAtIndex(ValueLayout.JAVA_LONG, SET_MAX_HEADER, settings.maxHeaderBytes());
            settingsSegment.setAtIndex(ValueLayout.JAVA_LONG, SET_MAX_QUEUED, settings.maxQueuedBytesPerConnection());
            settingsSegment.setAtIndex(ValueLayout.JAVA_LONG, SET_HIGH_WATER, settings.highWaterMark());
            settingsSegment.setAtIndex(ValueLayout.JAVA_LONG, SET_LOW_WATER, settings.lowWaterMark());
            settingsSegment.setAtIndex(ValueLayout.JAVA_LONG, SET_MAX_CONNECTIONS, settings.maxConnections());
            settingsSegment.setAtIndex(ValueLayout.JAVA_LONG, SET_HEADER_TIMEOUT_MS, settings.headerTimeoutMs());
            settingsSegment.setAtIndex(ValueLayout.JAVA_LONG, SET_IDLE_TIMEOUT_MS, settings.idleTimeoutMs());
            settingsSegment.setAtIndex(ValueLayout.JAVA_LONG, SET_CLOSE_TIMEOUT_MS, settings.closeTimeoutMs());
            settingsSegment.setAtIndex(ValueLayout.JAVA_LONG, SET_SLOTS, slots);

            final MemorySegment bindAddress = arena.allocateFrom(settings.bindAddress());
            final MemorySegment boundPort = arena.allocate(ValueLayout.JAVA_INT);
            final MemorySegment error = arena.allocate(ERROR_LENGTH);

            final MemorySegment shim = library.start(
                bindAddress, settingsSegment, eventSegment, commandSegment, tableSegment, controlSegment, boundPort,
                error);
            if (MemorySegment.NULL.equals(shim))
            {
                throw new IOException(error.getString(0));
            }

            handle = shim;
            if (null != hosted)
            {
                hosted.start(new EventPoller(events, listener), events);
                running = true;
            }
            else
            {
                running = true;
                pollerIdle = null == idleStrategy ? new PollerIdleStrategy(library, events, control) : null;
                pollerRunner = new AgentRunner(
                    null == idleStrategy ? pollerIdle : idleStrategy, errorHandler, null,
                    new EventPoller(events, listener));
                AgentRunner.startOnThread(pollerRunner);
            }
            started = true;
            return new InetSocketAddress(settings.bindAddress(), boundPort.get(ValueLayout.JAVA_INT, 0));
        }
        finally
        {
            if (!started)
            {
                arena.close();
                arena = null;
            }
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * The events are then read by the caller's thread, which waits on the shim's eventfd as the poller thread would;
     * a listener's exception goes to the error handler and the next event is read.
     *
     * @throws IllegalStateException when the transport has started or closed already.
     */
    @Override
    public WireEvents hostEvents()
    {
        if (null != handle || closed)
        {
            throw new IllegalStateException("hostEvents: expected before start, the transport has started or closed");
        }
        if (null == hosted)
        {
            hosted = new HostedEvents();
        }
        return hosted;
    }

    private static int ringCapacity(final long wanted, final int minimum, final String what)
    {
        final long capacity = Math.max(minimum, wanted);
        if (capacity > (1 << 30))
        {
            throw new IllegalArgumentException(what + ": " + capacity + " bytes, expected at most " + (1 << 30));
        }
        return BitUtil.findNextPositivePowerOfTwo((int)capacity);
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int respond(
        final long connection,
        final int status,
        final String[] headers,
        final DirectBuffer body,
        final int offset,
        final int length,
        final boolean closeAfter)
    {
        if ((headers.length & 1) != 0)
        {
            throw new IllegalArgumentException("headers: expected names and values in pairs, got " + headers.length);
        }
        if (status < 100 || status > 999)
        {
            throw new IllegalArgumentException("status: expected 100..999, got " + status);
        }
        if (!enter())
        {
            return GONE;
        }
        try
        {
            if (!isOpen(connection))
            {
                return GONE;
            }
            final byte[][] encoded = new byte[headers.length][];
            int recordLength = 24 + length;
            for (int i = 0; i < headers.length; i++)
            {
                encoded[i] = headers[i].getBytes(StandardCharsets.ISO_8859_1);
                recordLength += 4 + encoded[i].length;
            }
            if (recordLength > commands.maxMsgLength())
            {
                return FULL;
            }
            final int index = commands.tryClaim(CMD_RESPONSE, recordLength);
            if (index < 0)
            {
                return FULL;
            }
            final UnsafeBuffer buffer = commandBuffer;
            buffer.putLong(index, connection, ByteOrder.LITTLE_ENDIAN);
            buffer.putInt(index + 8, status, ByteOrder.LITTLE_ENDIAN);
            buffer.putInt(index + 12, closeAfter ? 1 : 0, ByteOrder.LITTLE_ENDIAN);
            buffer.putInt(index + 16, headers.length, ByteOrder.LITTLE_ENDIAN);
            buffer.putInt(index + 20, length, ByteOrder.LITTLE_ENDIAN);
            int position = index + 24;
            for (final byte[] field : encoded)
            {
                buffer.putInt(position, field.length, ByteOrder.LITTLE_ENDIAN);
                buffer.putBytes(position + 4, field);
                position += 4 + field.length;
            }
            if (length > 0)
            {
                buffer.putBytes(position, body, offset, length);
            }
            commands.commit(index);
            wakeIfSleeping();
            return SENT;
        }
        finally
        {
            exit();
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int send(
        final long connection, final boolean binary, final DirectBuffer buffer, final int offset, final int length)
    {
        // queued bytes counted as the whole frame libwebsockets will write
        return queue(connection, CMD_SEND, binary ? 1 : 0, buffer, offset, length, frameLength(length));
    }

    /**
     * {@inheritDoc}
     * <p>
     * The frames are copied into the command ring once and queued by the shim as they are; it writes them raw, in
     * batches of whole frames, and checks that the bytes are whole unmasked frames (else it drops them and counts
     * the command as malformed).
     */
    @Override
    public int sendFrames(final long connection, final DirectBuffer frames, final int offset, final int length)
    {
        return queue(connection, CMD_FRAMES, 0, frames, offset, length, length);
    }

    /**
     * {@inheritDoc}
     * <p>
     * True: {@link #broadcastFrames} copies the frames into the command ring once for up to thousands of
     * connections, and the shim queues them on each.
     */
    @Override
    public boolean broadcasts()
    {
        return true;
    }

    /**
     * {@inheritDoc}
     * <p>
     * One BROADCAST command holds the ids of every connection that takes the frames (several commands when the ids
     * do not fit in one record) and the frames once; the shim checks them once and queues them on each connection
     * as a FRAMES command would. A connection is {@link #FULL} when its queued bytes are at the limit or the
     * command ring has no room, {@link #GONE} when it is not open.
     */
    @Override
    public int broadcastFrames(
        final long[] connections,
        final int count,
        final DirectBuffer frames,
        final int offset,
        final int length,
        final int[] results)
    {
        if (!enter())
        {
            Arrays.fill(results, 0, count, GONE);
            return 0;
        }
        try
        {
            if (length <= 0)
            {
                Arrays.fill(results, 0, count, SENT); // nothing to queue
                return count;
            }
            final int maxIds = (commands.maxMsgLength() - 16 - length) / ID_LENGTH;
            if (maxIds < 1)
            {
                Arrays.fill(results, 0, count, FULL); // the frames alone do not fit in a command
                return 0;
            }
            final UnsafeBuffer command = commandBuffer;
            int sent = 0;
            int i = 0;
            while (i < count)
            {
                final int start = i;
                int accepted = 0;
                for (; i < count && accepted < maxIds; i++)
                {
                    final int result = admit(connections[i]);
                    results[i] = result;
                    if (SENT == result)
                    {
                        accepted++;
                    }
                }
                if (0 == accepted)
                {
                    continue;
                }
                final int index = commands.tryClaim(CMD_BROADCAST, 16 + accepted * ID_LENGTH + length);
                if (index < 0)
                {
                    for (int j = start; j < i; j++)
                    {
                        if (SENT == results[j])
                        {
                            results[j] = FULL;
                        }
                    }
                    continue;
                }
                command.putLong(index, 0, ByteOrder.LITTLE_ENDIAN);
                command.putInt(index + 8, accepted, ByteOrder.LITTLE_ENDIAN);
                command.putInt(index + 12, 0, ByteOrder.LITTLE_ENDIAN);
                int at = index + 16;
                for (int j = start; j < i; j++)
                {
                    if (SENT == results[j])
                    {
                        final long connection = connections[j];
                        // added before the commit, so the service thread's subtraction never comes first
                        table.getAndAddLong(slotOf(connection) * SLOT_LENGTH + SLOT_QUEUED_OFFSET, length);
                        command.putLong(at, connection, ByteOrder.LITTLE_ENDIAN);
                        at += ID_LENGTH;
                    }
                }
                command.putBytes(at, frames, offset, length);
                commands.commit(index);
                sent += accepted;
            }
            if (sent > 0)
            {
                wakeIfSleeping();
            }
            return sent;
        }
        finally
        {
            exit();
        }
    }

    /**
     * Whether a connection takes more frames now: {@link #SENT} when open and below its queued-bytes limit.
     */
    private int admit(final long connection)
    {
        final int slot = slotOf(connection);
        if (slot < 0)
        {
            return GONE;
        }
        final int slotOffset = slot * SLOT_LENGTH;
        if (table.getLongVolatile(slotOffset + SLOT_ID_OFFSET) != connection)
        {
            return GONE;
        }
        return table.getLongVolatile(slotOffset + SLOT_QUEUED_OFFSET) >= maxQueuedBytes ? FULL : SENT;
    }

    /**
     * Copy one SEND or FRAMES command into the command ring: the connection id, a flag, a reserved int, then the
     * bytes; the bytes it will queue are added to the connection's count before the commit, so the service
     * thread's subtraction never comes first.
     */
    private int queue(
        final long connection,
        final int type,
        final int flag,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long queuedBytes)
    {
        if (!enter())
        {
            return GONE;
        }
        try
        {
            final int admitted = admit(connection);
            if (SENT != admitted)
            {
                return admitted;
            }
            final int slotOffset = slotOf(connection) * SLOT_LENGTH;
            final int recordLength = 16 + length;
            if (recordLength > commands.maxMsgLength())
            {
                return FULL;
            }
            final int index = commands.tryClaim(type, recordLength);
            if (index < 0)
            {
                return FULL;
            }
            table.getAndAddLong(slotOffset + SLOT_QUEUED_OFFSET, queuedBytes);
            final UnsafeBuffer command = commandBuffer;
            command.putLong(index, connection, ByteOrder.LITTLE_ENDIAN);
            command.putInt(index + 8, flag, ByteOrder.LITTLE_ENDIAN);
            command.putInt(index + 12, 0, ByteOrder.LITTLE_ENDIAN);
            if (length > 0)
            {
                command.putBytes(index + 16, buffer, offset, length);
            }
            commands.commit(index);
            wakeIfSleeping();
            return SENT;
        }
        finally
        {
            exit();
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int ping(final long connection)
    {
        if (!enter())
        {
            return GONE;
        }
        try
        {
            final int slot = slotOf(connection);
            if (slot < 0 || table.getLongVolatile(slot * SLOT_LENGTH + SLOT_ID_OFFSET) != connection)
            {
                return GONE;
            }
            final int index = commands.tryClaim(CMD_PING, 8);
            if (index < 0)
            {
                return FULL;
            }
            table.getAndAddLong(slot * SLOT_LENGTH + SLOT_QUEUED_OFFSET, 2 + PING_PAYLOAD_LENGTH);
            commandBuffer.putLong(index, connection, ByteOrder.LITTLE_ENDIAN);
            commands.commit(index);
            wakeIfSleeping();
            return SENT;
        }
        finally
        {
            exit();
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void close(final long connection, final int code, final String reason)
    {
        if (!enter())
        {
            return;
        }
        try
        {
            final byte[] text = truncatedUtf8(null == reason ? "" : reason, MAX_CLOSE_REASON);
            final int index = commands.tryClaim(CMD_CLOSE, 16 + text.length);
            if (index < 0)
            {
                return;
            }
            commandBuffer.putLong(index, connection, ByteOrder.LITTLE_ENDIAN);
            commandBuffer.putInt(index + 8, code, ByteOrder.LITTLE_ENDIAN);
            commandBuffer.putInt(index + 12, text.length, ByteOrder.LITTLE_ENDIAN);
            commandBuffer.putBytes(index + 16, text);
            commands.commit(index);
            wakeIfSleeping();
        }
        finally
        {
            exit();
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void abort(final long connection)
    {
        if (!enter())
        {
            return;
        }
        try
        {
            smallCommand(CMD_ABORT, connection, 0, 8);
        }
        finally
        {
            exit();
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void read(final long connection, final boolean read)
    {
        if (!enter())
        {
            return;
        }
        try
        {
            smallCommand(CMD_READ, connection, read ? 1 : 0, 16);
        }
        finally
        {
            exit();
        }
    }

    /**
     * Connections open now, as the service thread counts them.
     *
     * @return open connections, or 0 when not running.
     */
    public long openConnections()
    {
        return controlLong(CONTROL_OPEN_OFFSET);
    }

    /**
     * Connections dropped because their client sent a next request before the answer to one with a body (HTTP
     * pipelining after a request with a body, which libwebsockets 4.1 cannot serve when the answer comes later).
     *
     * @return the count, or 0 when not running.
     */
    public long pipeliningDrops()
    {
        return controlLong(CONTROL_PIPELINED_OFFSET);
    }

    /**
     * Command records the service thread rejected as malformed (0 unless something wrote garbage).
     *
     * @return the count, or 0 when not running.
     */
    public long malformedCommands()
    {
        return controlLong(CONTROL_CORRUPT_OFFSET);
    }

    /**
     * A counter of the control block, read while the transport runs.
     */
    private long controlLong(final int offset)
    {
        if (!enter())
        {
            return 0;
        }
        try
        {
            return control.getLongVolatile(offset);
        }
        finally
        {
            exit();
        }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        running = false;
        if (null != hosted && null != handle)
        {
            // a loop waiting on the eventfd holds a call open: let it return before the eventfd closes
            library.pollerKick(control.getIntVolatile(CONTROL_POLLER_FD_OFFSET));
        }
        while (activeCalls.get() != 0)
        {
            Thread.onSpinWait();
        }
        // The poller first: it may wait on the shim's eventfd, which stopping the shim closes.
        if (null != pollerRunner)
        {
            if (null != pollerIdle)
            {
                pollerIdle.close();
            }
            pollerRunner.close();
            pollerRunner = null;
        }
        if (null != handle)
        {
            library.stop(handle);
            handle = null;
        }
        if (null != arena)
        {
            arena.close();
            arena = null;
        }
    }

    private boolean enter()
    {
        activeCalls.getAndIncrement();
        if (!running)
        {
            activeCalls.getAndDecrement();
            return false;
        }
        return true;
    }

    private void exit()
    {
        activeCalls.getAndDecrement();
    }

    private int slotOf(final long connection)
    {
        final long slot = connection & 0xFFFF_FFFFL;
        return connection <= 0 || slot >= slots ? -1 : (int)slot;
    }

    private boolean isOpen(final long connection)
    {
        final int slot = slotOf(connection);
        return slot >= 0 && table.getLongVolatile(slot * SLOT_LENGTH + SLOT_ID_OFFSET) == connection;
    }

    private boolean smallCommand(final int type, final long connection, final int value, final int length)
    {
        final int index = commands.tryClaim(type, length);
        if (index < 0)
        {
            return false;
        }
        commandBuffer.putLong(index, connection, ByteOrder.LITTLE_ENDIAN);
        if (length >= 16)
        {
            commandBuffer.putInt(index + 8, value, ByteOrder.LITTLE_ENDIAN);
            commandBuffer.putInt(index + 12, 0, ByteOrder.LITTLE_ENDIAN);
        }
        commands.commit(index);
        wakeIfSleeping();
        return true;
    }

    /**
     * Times the service thread woke the event poller from its wait on the eventfd.
     *
     * @return the count since start, 0 before.
     */
    public long pollerWakes()
    {
        return controlLong(CONTROL_POLLER_WAKES_OFFSET);
    }

    /**
     * The descriptors libwebsockets' socket table is indexed by: the process's open-file limit, so finding a socket's
     * connection is one lookup. 0 when that limit is over {@link NativeProtocol#FD_TABLE_MAX}: the table is then
     * bounded by the connection slots and searched on every socket event.
     *
     * @return the table's size in descriptors, or 0 when it is searched; 0 before start.
     */
    public long fdTableSize()
    {
        return controlLong(CONTROL_FD_TABLE_OFFSET);
    }

    /**
     * Whether the event poller waits on the shim's eventfd now.
     *
     * @return true while it waits.
     */
    boolean pollerWaiting()
    {
        return null != control && 1 == control.getIntVolatile(CONTROL_POLLER_SLEEPING_OFFSET);
    }

    private void wakeIfSleeping()
    {
        // pairs with the service thread's seq_cst store of "sleeping" and its re-check of the ring
        VarHandle.fullFence();
        if (1 == control.getIntVolatile(CONTROL_SLEEPING_OFFSET) &&
            control.compareAndSetInt(CONTROL_SLEEPING_OFFSET, 1, 0))
        {
            library.wake(handle);
        }
    }

    /**
     * Bytes a server frame with this payload takes in the send queue: header (2, 4 or 10 bytes) and payload.
     *
     * @param payloadLength of the message.
     * @return the frame's length.
     */
    static long frameLength(final int payloadLength)
    {
        return payloadLength + (payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10);
    }

    static byte[] truncatedUtf8(final String text, final int maxBytes)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes)
        {
            return bytes;
        }
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80)
        {
            end--;
        }
        return Arrays.copyOf(bytes, end);
    }

    /**
     * The events read by a thread of the server's: {@link #poll()} reads up to a batch of the ring; {@link #await}
     * looks at the ring and the caller's work while it spins and yields briefly, as the poller thread does (at 1
     * client, waiting at once cost the service thread and the loop more per request), then says so in the
     * shared "poller sleeping" flag, fences, checks the ring and the caller's own work once more and waits on the
     * shim's eventfd, which the service thread writes once after its next event, and {@link #wake()}
     * writes once when it finds the flag set (each side clears the flag before it writes, so a wait takes one
     * write). Every call holds the transport open ({@code enter}), so {@link #close()} waits for it and the rings and
     * the eventfd are never used after they are freed.
     */
    final class HostedEvents implements WireEvents
    {
        private volatile EventPoller poller;
        private RingBuffer ring;
        private int fd;

        void start(final EventPoller poller, final RingBuffer ring)
        {
            this.ring = ring;
            this.fd = control.getIntVolatile(CONTROL_POLLER_FD_OFFSET);
            this.poller = poller;
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public int poll()
        {
            final EventPoller poller = this.poller;
            if (null == poller || !enter())
            {
                return -1;
            }
            try
            {
                return poller.doWork();
            }
            catch (final Throwable ex)
            {
                errorHandler.onError(ex);
                return 1;
            }
            finally
            {
                exit();
            }
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public void await(final long timeoutNs, final BooleanSupplier idle)
        {
            if (timeoutNs <= 0 || null == poller || !enter())
            {
                return;
            }
            try
            {
                // as the poller thread does: an event that follows soon is read without a wait on the eventfd
                for (int i = 0; i < PollerIdleStrategy.SPINS + PollerIdleStrategy.YIELDS; i++)
                {
                    if (ring.producerPosition() != ring.consumerPosition() || !idle.getAsBoolean())
                    {
                        return;
                    }
                    if (i < PollerIdleStrategy.SPINS)
                    {
                        Thread.onSpinWait();
                    }
                    else
                    {
                        Thread.yield();
                    }
                }
                control.putIntVolatile(CONTROL_POLLER_SLEEPING_OFFSET, 1);
                VarHandle.fullFence();
                if (ring.producerPosition() == ring.consumerPosition() && idle.getAsBoolean())
                {
                    final long timeoutMs = TimeUnit.NANOSECONDS.toMillis(timeoutNs) + (0 == timeoutNs % 1_000_000L ? 0 : 1);
                    library.pollerWait(fd, (int)Math.min(Integer.MAX_VALUE, timeoutMs));
                }
                control.putIntVolatile(CONTROL_POLLER_SLEEPING_OFFSET, 0);
            }
            finally
            {
                exit();
            }
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public void wake()
        {
            if (null == poller || !enter())
            {
                return;
            }
            try
            {
                // pairs with the waiter's fence between its flag and its last look at its work
                VarHandle.fullFence();
                if (1 == control.getIntVolatile(CONTROL_POLLER_SLEEPING_OFFSET) &&
                    control.compareAndSetInt(CONTROL_POLLER_SLEEPING_OFFSET, 1, 0))
                {
                    library.pollerKick(fd);
                }
            }
            finally
            {
                exit();
            }
        }
    }

    /**
     * How the poller waits for events: a few spins and yields, then it sets the shared "poller sleeping" flag, fences,
     * checks the event ring once more and waits on the shim's eventfd, which the service thread writes once after it
     * next writes an event and sees the flag (both sides fence, so one of them sees the other's write). The wait
     * times out after {@value #WAIT_TIMEOUT_MS} ms as a safety net. {@link #close()} wakes it for good.
     */
    static final class PollerIdleStrategy implements IdleStrategy
    {
        static final int SPINS = 10;
        static final int YIELDS = 5;
        static final int WAIT_TIMEOUT_MS = 100;

        private final NativeLibrary library;
        private final RingBuffer events;
        private final UnsafeBuffer control;
        private final int fd;
        private volatile boolean closing;
        private int idles;

        PollerIdleStrategy(final NativeLibrary library, final RingBuffer events, final UnsafeBuffer control)
        {
            this.library = library;
            this.events = events;
            this.control = control;
            this.fd = control.getIntVolatile(CONTROL_POLLER_FD_OFFSET);
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public void idle(final int workCount)
        {
            if (workCount > 0)
            {
                idles = 0;
            }
            else
            {
                idle();
            }
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public void idle()
        {
            if (idles < SPINS)
            {
                idles++;
                Thread.onSpinWait();
            }
            else if (idles < SPINS + YIELDS)
            {
                idles++;
                Thread.yield();
            }
            else
            {
                await();
            }
        }

        private void await()
        {
            control.putIntVolatile(CONTROL_POLLER_SLEEPING_OFFSET, 1);
            VarHandle.fullFence();
            if (events.producerPosition() == events.consumerPosition() && !closing)
            {
                library.pollerWait(fd, WAIT_TIMEOUT_MS);
            }
            control.putIntVolatile(CONTROL_POLLER_SLEEPING_OFFSET, 0);
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public void reset()
        {
            idles = 0;
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public String alias()
        {
            return "native-poller";
        }

        void close()
        {
            closing = true;
            library.pollerKick(fd);
        }
    }

    /**
     * Reads the event ring on its own thread and tells the listener.
     */
    static final class EventPoller implements Agent, MessageHandler
    {
        private static final int READ_LIMIT = 64;

        private final RingBuffer events;
        private final WireListener listener;
        private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

        EventPoller(final RingBuffer events, final WireListener listener)
        {
            this.events = events;
            this.listener = listener;
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public int doWork()
        {
            return events.read(this, READ_LIMIT);
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public String roleName()
        {
            return "cc-native-poller";
        }

        /**
         * {@inheritDoc}
         */
        @Override
        public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            final long connection = buffer.getLong(index, ByteOrder.LITTLE_ENDIAN);
            switch (msgTypeId)
            {
                case EVT_MESSAGE ->
                {
                    final boolean binary = 0 != buffer.getInt(index + 8, ByteOrder.LITTLE_ENDIAN);
                    listener.onMessage(connection, binary, buffer, index + 16, length - 16);
                }
                case EVT_REQUEST -> listener.onRequest(connection, decodeRequest(buffer, index, length, null));
                case EVT_OPEN ->
                {
                    final String[] subprotocol = new String[1];
                    final WireRequest request = decodeRequest(buffer, index, length, subprotocol);
                    listener.onOpen(connection, request, subprotocol[0]);
                }
                case EVT_PONG -> listener.onPong(connection);
                case EVT_WRITABILITY ->
                    listener.onWritabilityChanged(connection, 0 != buffer.getInt(index + 8, ByteOrder.LITTLE_ENDIAN));
                case EVT_CLOSED ->
                {
                    final int code = buffer.getInt(index + 8, ByteOrder.LITTLE_ENDIAN);
                    final int reasonLength = buffer.getInt(index + 12, ByteOrder.LITTLE_ENDIAN);
                    listener.onClosed(connection, code, buffer.getStringWithoutLengthUtf8(index + 16, reasonLength));
                }
                default ->
                {
                    // unknown event types are ignored: a newer shim may tell more than this side knows
                }
            }
        }

        private WireRequest decodeRequest(
            final DirectBuffer buffer, final int index, final int length, final String[] subprotocol)
        {
            view.wrap(buffer, index, length);
            final int remotePort = view.getInt(8, ByteOrder.LITTLE_ENDIAN);
            final int fieldCount = view.getInt(12, ByteOrder.LITTLE_ENDIAN);
            int position = 16;

            final String[] fixed = new String[4];
            byte[] body = new byte[0];
            for (int i = 0; i < REQUEST_FIXED_FIELDS; i++)
            {
                final int fieldLength = view.getInt(position, ByteOrder.LITTLE_ENDIAN);
                if (4 == i)
                {
                    body = new byte[fieldLength];
                    view.getBytes(position + 4, body);
                }
                else
                {
                    fixed[i] = view.getStringWithoutLengthAscii(position + 4, fieldLength);
                }
                position += 4 + fieldLength;
            }

            final String[] headers = new String[fieldCount - REQUEST_FIXED_FIELDS];
            for (int i = 0; i < headers.length; i++)
            {
                final int fieldLength = view.getInt(position, ByteOrder.LITTLE_ENDIAN);
                final byte[] bytes = new byte[fieldLength];
                view.getBytes(position + 4, bytes);
                headers[i] = new String(bytes, StandardCharsets.ISO_8859_1);
                position += 4 + fieldLength;
            }

            if (null != subprotocol)
            {
                subprotocol[0] = fixed[3].isEmpty() ? null : fixed[3];
            }

            InetSocketAddress remote = null;
            if (!fixed[2].isEmpty())
            {
                try
                {
                    remote = new InetSocketAddress(InetAddress.ofLiteral(fixed[2]), remotePort);
                }
                catch (final IllegalArgumentException ignore)
                {
                    // an address the shim could not format stays unknown
                }
            }
            return new WireRequest(fixed[0], fixed[1], headers, body, remote);
        }
    }
}
