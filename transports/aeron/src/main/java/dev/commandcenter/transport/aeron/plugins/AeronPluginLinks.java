package dev.commandcenter.transport.aeron.plugins;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.PluginHelloDecoder;
import dev.commandcenter.plugin.host.remote.RemoteLink;
import dev.commandcenter.plugin.host.remote.RemoteLinkHandler;
import dev.commandcenter.plugin.host.remote.RemotePluginEndpoint;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Aeron transport of the remote plugin protocol, engine side: an {@link Agent} that polls the subscription on
 * {@code aeron.plugins.channel}/{@code streamId} where plugin hosts publish. Each new publisher session (an
 * {@link Image}) must first say {@code PluginHello}; its {@code responseChannel}/{@code responseStreamId} get an
 * {@link ExclusivePublication}, and once that is connected the session becomes a {@link RemoteLink} handed to the
 * {@link RemotePluginEndpoint} (the hello first, then every message of the session). An image that goes
 * unavailable closes its link at once (the slot is DISCONNECTED); a link the endpoint closes stops being read and
 * its publication is closed, which the host sees as the engine going away.
 * <p>
 * Bounds: at most {@code maxPendingSessions} sessions between hello and a connected response publication (more are
 * ignored and counted), each for at most {@code helloTimeoutMs}; a first message that is not a hello is counted and
 * the session ignored.
 * <p>
 * <b>Note:</b> {@link #doWork()} and the image handlers run on the agent's thread; {@link RemoteLink#close} may be
 * called from any thread (it is applied on the agent's thread).
 */
public final class AeronPluginLinks implements Agent
{
    private static final int FRAGMENT_LIMIT = 16;

    private final Aeron aeron;
    private final String channel;
    private final int streamId;
    private final RemotePluginEndpoint endpoint;
    private final EpochClock clock;
    private final int maxPendingSessions;
    private final long helloTimeoutMs;
    private final Int2ObjectHashMap<Session> sessions = new Int2ObjectHashMap<>();
    private final Queue<Session> closing = new ConcurrentLinkedQueue<>();
    private final FragmentAssembler assembler = new FragmentAssembler(this::onFragment);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final PluginHelloDecoder helloDecoder = new PluginHelloDecoder();
    private final List<Session> scratch = new ArrayList<>();
    private final AtomicLong ignored = new AtomicLong();
    private Subscription subscription;

    /**
     * A link poller; nothing is subscribed until {@link #onStart()}.
     *
     * @param aeron              the node's client.
     * @param channel            where hosts publish ({@code aeron.plugins.channel}).
     * @param streamId           their stream id ({@code aeron.plugins.streamId}).
     * @param endpoint           where links go.
     * @param clock              for the hello timeout.
     * @param maxPendingSessions most sessions waiting for their response publication.
     * @param helloTimeoutMs     longest wait for a hello's response publication to connect.
     */
    public AeronPluginLinks(
        final Aeron aeron,
        final String channel,
        final int streamId,
        final RemotePluginEndpoint endpoint,
        final EpochClock clock,
        final int maxPendingSessions,
        final long helloTimeoutMs)
    {
        this.aeron = aeron;
        this.channel = channel;
        this.streamId = streamId;
        this.endpoint = endpoint;
        this.clock = clock;
        this.maxPendingSessions = maxPendingSessions;
        this.helloTimeoutMs = helloTimeoutMs;
    }

    /**
     * {@inheritDoc}
     */
    public void onStart()
    {
        subscription = aeron.addSubscription(channel, streamId, this::onAvailable, this::onUnavailable);
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int work = subscription.poll(assembler, FRAGMENT_LIMIT);
        Session session;
        while (null != (session = closing.poll()))
        {
            work++;
            session.finish();
        }
        if (!sessions.isEmpty())
        {
            final long nowMs = clock.time();
            scratch.clear();
            scratch.addAll(sessions.values());
            for (final Session pending : scratch)
            {
                if (null != pending.publication && null == pending.handler)
                {
                    if (pending.publication.isConnected())
                    {
                        pending.attach();
                        work++;
                    }
                    else if (nowMs - pending.helloMs > helloTimeoutMs)
                    {
                        ignored.incrementAndGet();
                        pending.close("response publication to " + pending.responseChannel + " not connected within " +
                            helloTimeoutMs + " ms");
                        work++;
                    }
                }
            }
        }
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        for (final Session session : new ArrayList<>(sessions.values()))
        {
            session.close("engine shutting down");
            session.finish();
        }
        CloseHelper.quietClose(subscription);
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "cc-aeron-plugins";
    }

    /**
     * Sessions ignored: a first message that is not a hello, too many waiting, a response that never connected.
     *
     * @return the count.
     */
    public long ignoredSessions()
    {
        return ignored.get();
    }

    /**
     * Sessions known now (waiting or attached).
     *
     * @return the count.
     */
    public int sessionCount()
    {
        return sessions.size();
    }

    private void onAvailable(final Image image)
    {
        sessions.put(image.sessionId(), new Session(image.sessionId()));
    }

    private void onUnavailable(final Image image)
    {
        final Session session = sessions.get(image.sessionId());
        if (null != session)
        {
            session.lost("aeron image unavailable (the host's publication closed or timed out)");
        }
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final Session session = sessions.get(header.sessionId());
        if (null == session || session.closed)
        {
            return;
        }
        if (null != session.handler)
        {
            session.handler.onMessage(buffer, offset, length);
            return;
        }
        if (null != session.publication)
        {
            // Messages before the response publication connected (the host waits for the welcome; only a heartbeat).
            return;
        }
        session.hello(buffer, offset, length);
    }

    private int pendingCount()
    {
        int count = 0;
        for (final Session session : sessions.values())
        {
            if (null != session.publication && null == session.handler)
            {
                count++;
            }
        }
        return count;
    }

    /**
     * One publisher session of a host, as a link.
     */
    private final class Session implements RemoteLink
    {
        private final int sessionId;
        private ExclusivePublication publication;
        private RemoteLinkHandler handler;
        private byte[] hello;
        private String responseChannel;
        private long helloMs;
        private volatile boolean closed;
        private volatile String closeReason;
        private boolean finished;

        Session(final int sessionId)
        {
            this.sessionId = sessionId;
        }

        void hello(final DirectBuffer buffer, final int offset, final int length)
        {
            try
            {
                if (length < MessageSchema.HEADER_LENGTH)
                {
                    throw new IllegalStateException("too short");
                }
                headerDecoder.wrap(buffer, offset);
                if (headerDecoder.schemaId() != MessageSchema.SCHEMA_ID ||
                    headerDecoder.templateId() != PluginHelloDecoder.TEMPLATE_ID)
                {
                    throw new IllegalStateException("not a PluginHello");
                }
                if (pendingCount() >= maxPendingSessions)
                {
                    throw new IllegalStateException("too many sessions waiting");
                }
                helloDecoder.wrap(buffer, offset + MessageSchema.HEADER_LENGTH, headerDecoder.blockLength(),
                    headerDecoder.version());
                helloDecoder.protocolVersion();
                final int responseStreamId = helloDecoder.responseStreamId();
                helloDecoder.skipPluginId();
                helloDecoder.skipHost();
                final String channelOfHost = helloDecoder.responseChannel();
                if (helloDecoder.limit() > offset + length)
                {
                    throw new IllegalStateException("cut short");
                }
                hello = new byte[length];
                buffer.getBytes(offset, hello);
                responseChannel = channelOfHost;
                helloMs = clock.time();
                publication = aeron.addExclusivePublication(channelOfHost, responseStreamId);
            }
            catch (final RuntimeException ex)
            {
                ignored.incrementAndGet();
                closed = true;
                sessions.remove(sessionId);
                CloseHelper.quietClose(publication);
            }
        }

        void attach()
        {
            handler = endpoint.attach(this);
            final byte[] bytes = hello;
            hello = null;
            if (!closed)
            {
                handler.onMessage(new org.agrona.concurrent.UnsafeBuffer(bytes), 0, bytes.length);
            }
        }

        void lost(final String reason)
        {
            if (null == closeReason)
            {
                closeReason = reason;
            }
            closed = true;
            finish();
        }

        void finish()
        {
            if (finished)
            {
                return;
            }
            finished = true;
            sessions.remove(sessionId);
            CloseHelper.quietClose(publication);
            final RemoteLinkHandler current = handler;
            if (null != current)
            {
                current.onClosed(closeReason);
            }
        }

        public int offer(final DirectBuffer buffer, final int offset, final int length)
        {
            if (closed)
            {
                return CLOSED;
            }
            final long result = publication.offer(buffer, offset, length);
            if (result > 0)
            {
                return SENT;
            }
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                return CLOSED;
            }
            return BACK_PRESSURED;
        }

        public void close(final String reason)
        {
            if (!closed)
            {
                closeReason = reason;
                closed = true;
                closing.add(this);
            }
        }

        public String transport()
        {
            return "aeron";
        }

        public String describe()
        {
            return "aeron session " + sessionId;
        }
    }
}
