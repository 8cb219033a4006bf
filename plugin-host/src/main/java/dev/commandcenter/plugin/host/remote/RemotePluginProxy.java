package dev.commandcenter.plugin.host.remote;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.PluginDoneDecoder;
import dev.commandcenter.codecs.sbe.PluginEmitDecoder;
import dev.commandcenter.codecs.sbe.PluginEventEncoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.HostHealth;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/**
 * The engine side of one remote slot: a {@link Plugin} registered in the engine like any other (same lifecycle,
 * filters, back-pressure policy, counters, health, quarantine) whose code runs in a plugin host out of process.
 * <p>
 * {@link #onEvent} copies the event into the {@link RetainedWindow}, sends it as a {@code PluginEvent} to the
 * attached host and waits, with an idle strategy on the slot's thread, for the host's {@code PluginDone} for it:
 * then it publishes the emits the Done carries through the slot's own {@link Emitter} (so the descriptor's
 * {@code permissions.emits} check applies and each output is tagged with the event it answers), counts a reported
 * failure towards quarantine (by throwing it) and frees the window. While no host is attached it waits too, so the
 * slot's back-pressure policy decides what the ring sees: {@code block} holds the ring, {@code detach} drops into
 * the slot's detached buffer. A host that attaches is sent the retained events after its {@code PluginWelcome}, so
 * an event is handled once across host restarts: a Done is applied whole or not at all.
 * <p>
 * Messages from the host arrive on the transport's thread ({@link HostSession}) and cross to the slot's thread
 * through a bounded inbox (an Agrona {@link ManyToOneRingBuffer}); emits outside {@code onEvent}
 * ({@code PluginEmit}) are published when the slot next handles an event.
 * <p>
 * <b>Note:</b> {@link #onStart}, {@link #onEvent} and {@link #onStop} run on the slot's thread; {@link #attached()},
 * {@link #lastAcknowledged()} and {@link #where()} may be read by any thread.
 */
public final class RemotePluginProxy implements Plugin
{
    /** Bytes of the inbox from the host: the largest message it takes is an eighth of it. */
    public static final int INBOX_BYTES = 1024 * 1024;

    /** Why a slot without a host is DISCONNECTED until one attaches. */
    public static final String WAITING = "waiting for a plugin host";

    private static final int INBOX_READ_LIMIT = 16;

    private final String id;
    private final String version;
    private final String configJson;
    private final RemotePlugins endpoint;
    private final RetainedWindow window;
    private final ManyToOneRingBuffer inbox;
    private final IdleStrategy idle;
    private final MessageHandler inboxHandler = this::onInboxMessage;
    private final UnsafeBuffer sendBuffer = new UnsafeBuffer(
        ByteBuffer.allocateDirect(EventPublisher.MAX_MESSAGE_LENGTH + 64));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final PluginEventEncoder eventEncoder = new PluginEventEncoder();
    private final PluginDoneDecoder doneDecoder = new PluginDoneDecoder();
    private final PluginEmitDecoder emitDecoder = new PluginEmitDecoder();
    final Object attachLock = new Object();

    private volatile HostSession attached;
    private volatile long lastAcknowledged = -1;
    private volatile String detachReason = WAITING;
    private volatile boolean closing;
    private volatile HostHealth health;

    private PluginContext context;
    private HostSession seen;
    private String failure;

    RemotePluginProxy(
        final String id,
        final String version,
        final String configJson,
        final int windowCapacity,
        final IdleStrategy idle,
        final RemotePlugins endpoint)
    {
        this.id = id;
        this.version = version;
        this.configJson = configJson;
        this.window = new RetainedWindow(windowCapacity);
        this.idle = idle;
        this.endpoint = endpoint;
        this.inbox = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(INBOX_BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /**
     * {@inheritDoc}
     */
    public String id()
    {
        return id;
    }

    /**
     * {@inheritDoc}
     */
    public String version()
    {
        return version;
    }

    /**
     * Take the context; the slot's health is reported through it from now on.
     *
     * @param context of the slot.
     */
    public void onStart(final PluginContext context)
    {
        this.context = context;
        closing = false;
        if (context instanceof HostHealth hostHealth)
        {
            health = hostHealth;
        }
    }

    /**
     * Send the event to the host and wait for its Done (or for a host to attach), then apply it.
     *
     * @param event valid only during the call.
     * @throws RemotePluginException when the host reports that the plugin threw.
     */
    public void onEvent(final Event event)
    {
        if (event.length() > EventPublisher.MAX_MESSAGE_LENGTH)
        {
            endpoint.countOversize();
            return;
        }
        pump();
        window.add(event);
        final HostSession current = seen;
        if (null != current)
        {
            send(current, event.sequence(), event.timestampNs(), event.source(), event.buffer(), event.offset(),
                event.length());
        }
        while (!window.isEmpty() && !closing)
        {
            idle.idle(pump());
        }
        idle.reset();
        final String reported = failure;
        if (null != reported)
        {
            failure = null;
            throw new RemotePluginException(id, reported);
        }
    }

    /**
     * Stop waiting: the slot is shutting down.
     */
    public void onStop()
    {
        closing = true;
    }

    /**
     * The host attached now, or null.
     *
     * @return the session.
     */
    public HostSession attached()
    {
        return attached;
    }

    /**
     * Last sequence acknowledged by a host's Done; -1 when none.
     *
     * @return the sequence.
     */
    public long lastAcknowledged()
    {
        return lastAcknowledged;
    }

    /**
     * Where the plugin runs, for {@code plugins list}.
     *
     * @return such as {@code aeron session 12 (java pid 4242 on studio)} or {@code process (no host attached)}.
     */
    public String where()
    {
        final HostSession current = attached;
        return null == current ? "process (no host attached)" : current.describe();
    }

    String configJson()
    {
        return configJson;
    }

    String detachReason()
    {
        return detachReason;
    }

    HostHealth health()
    {
        return health;
    }

    boolean offerToInbox(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        return inbox.write(templateId, buffer, offset, length);
    }

    int maxInboxMessage()
    {
        return inbox.maxMsgLength();
    }

    void attach(final HostSession session)
    {
        attached = session;
        final HostHealth current = health;
        if (null != current)
        {
            current.hostAttached();
        }
    }

    boolean detach(final HostSession session, final String reason)
    {
        synchronized (attachLock)
        {
            if (attached != session)
            {
                return false;
            }
            attached = null;
            detachReason = reason;
            // Under the lock, like attach's report: a host attaching right after is never reported gone.
            final HostHealth current = health;
            if (null != current)
            {
                current.hostDisconnected(reason);
            }
        }
        return true;
    }

    /**
     * Report the slot DISCONNECTED if it still has no host. Under the attach lock: a duty cycle that saw no host just
     * before one attached does not undo the attach's report.
     */
    void reportDetached()
    {
        synchronized (attachLock)
        {
            final HostHealth current = health;
            if (null == attached && null != current)
            {
                current.hostDisconnected(detachReason);
            }
        }
    }

    /**
     * Report the host the caller saw as attached, or as stalled, if it is still the one attached. Under the attach
     * lock: a duty cycle that saw a host just before it detached does not undo the detach's report.
     *
     * @param seen        the host the caller saw attached.
     * @param stallReason why it counts as stalled, or null when it does not.
     */
    void reportAttached(final HostSession seen, final String stallReason)
    {
        synchronized (attachLock)
        {
            final HostHealth current = health;
            if (attached != seen || null == current)
            {
                return;
            }
            if (null == stallReason)
            {
                current.hostAttached();
            }
            else
            {
                current.hostStalled(stallReason);
            }
        }
    }

    void close()
    {
        closing = true;
    }

    private int pump()
    {
        int work = inbox.read(inboxHandler, INBOX_READ_LIMIT);
        final HostSession current = attached;
        if (current != seen)
        {
            seen = current;
            if (null != current)
            {
                // A new host: everything it has not acknowledged, in order, after its welcome.
                final RetainedWindow retained = window;
                for (int i = 0, size = retained.size(); i < size; i++)
                {
                    send(current, retained.sequenceAt(i), retained.timestampAt(i), retained.sourceAt(i),
                        retained.buffer(), retained.offsetAt(i), retained.lengthAt(i));
                }
                work++;
            }
        }
        return work;
    }

    private void send(
        final HostSession session,
        final long sequence,
        final long timestampNs,
        final int source,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        eventEncoder.wrapAndApplyHeader(sendBuffer, 0, headerEncoder)
            .sequence(sequence)
            .timestampNs(timestampNs)
            .source(source)
            .putMessage(buffer, offset, length);
        final int encodedLength = MessageHeaderEncoder.ENCODED_LENGTH + eventEncoder.encodedLength();
        while (!closing)
        {
            final int result = session.offer(sendBuffer, 0, encodedLength);
            if (RemoteLink.SENT == result)
            {
                break;
            }
            if (RemoteLink.CLOSED == result || attached != session)
            {
                // The next host is sent the window again.
                break;
            }
            idle.idle(inbox.read(inboxHandler, INBOX_READ_LIMIT));
        }
        idle.reset();
    }

    private void onInboxMessage(final int templateId, final DirectBuffer buffer, final int offset, final int length)
    {
        final int bodyOffset = offset + MessageSchema.HEADER_LENGTH;
        final int blockLength = buffer.getShort(offset, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int version = buffer.getShort(offset + 6, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (PluginDoneDecoder.TEMPLATE_ID == templateId)
        {
            final PluginDoneDecoder done = doneDecoder.wrap(buffer, bodyOffset, blockLength, version);
            final long sequence = done.sequence();
            if (!window.holds(sequence))
            {
                // Already acknowledged (or never sent): its emits were published once, not again.
                endpoint.countStaleDone();
                return;
            }
            final Emitter emitter = context.emitter();
            for (final PluginDoneDecoder.EmitsDecoder emit : done.emits())
            {
                final int messageLength = emit.messageLength();
                emitter.emit(buffer, done.limit() + PluginDoneDecoder.EmitsDecoder.messageHeaderLength(),
                    messageLength);
                emit.skipMessage();
            }
            if (done.failureLength() > 0)
            {
                failure = done.failure();
            }
            window.acknowledge(sequence);
            lastAcknowledged = sequence;
        }
        else if (PluginEmitDecoder.TEMPLATE_ID == templateId)
        {
            final PluginEmitDecoder emit = emitDecoder.wrap(buffer, bodyOffset, blockLength, version);
            final Emitter emitter = context.emitter();
            for (final PluginEmitDecoder.EmitsDecoder message : emit.emits())
            {
                final int messageLength = message.messageLength();
                emitter.emit(buffer, emit.limit() + PluginEmitDecoder.EmitsDecoder.messageHeaderLength(),
                    messageLength);
                message.skipMessage();
            }
        }
    }
}
