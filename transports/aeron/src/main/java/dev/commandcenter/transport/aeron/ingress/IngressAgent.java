package dev.commandcenter.transport.aeron.ingress;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.IngressHelloDecoder;
import dev.commandcenter.codecs.sbe.IngressRefusedEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.counters.CounterType;
import io.aeron.Aeron;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Takes events other processes publish on the ingress stream into the engine's input ring, and acknowledges to the
 * clients that said hello how far their events are journaled.
 * <p>
 * Each message on the stream (reassembled when it spans frames) is one SBE event with its header, the same bytes
 * REST and WebSocket producers post, and goes into the ring with source {@link Sources#AERON}. When the ring cannot
 * take it the handler returns {@link ControlledFragmentHandler.Action#ABORT}: the message stays in the image, the
 * agent idles, and once the subscriber's window is used up the publisher's {@code offer} returns
 * {@link Publication#BACK_PRESSURED}. Nothing is dropped. Messages that are not events of this schema are skipped,
 * counted ({@link CounterType#INGRESS_BAD}) and logged, rate-limited, with the publisher's session and source.
 * <p>
 * An {@code IngressHello} names a response channel and stream: the agent then owes that client
 * {@code IngressAck}s carrying the highest stream position all of whose events are journaled. At most
 * {@code maxClients} clients at once; a further hello is refused with an {@code IngressRefused}, counted and logged.
 * <p>
 * <b>Note:</b> runs on one thread (an {@link org.agrona.concurrent.AgentRunner} or an invoker); allocates nothing
 * per event in steady state (hellos, refusals and log lines do).
 */
public final class IngressAgent implements Agent, ControlledFragmentHandler
{
    /** Acknowledgement pairs a client session holds before it coalesces them. */
    public static final int PENDING_ACKS = 256;
    /** How often sessions whose publisher went away are looked for. */
    static final long SWEEP_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How long a refusal is offered to a client that cannot be reached before it is given up. */
    static final long REFUSAL_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final int MAX_REFUSALS = 8;
    private static final long LOG_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_NAME_LENGTH = 256;

    private final Aeron aeron;
    private final String channel;
    private final int streamId;
    private final int maxClients;
    private final int fragmentLimit;
    private final EventPublisher publisher;
    private final NanoClock clock;
    private final IngressLog log;
    private final AtomicCounter events;
    private final AtomicCounter bad;
    private final AtomicCounter backPressured;
    private final AtomicCounter clients;
    private final AtomicCounter refusedClients;
    private final ControlledFragmentAssembler assembler = new ControlledFragmentAssembler(this);
    private final Int2ObjectHashMap<ClientSession> sessions = new Int2ObjectHashMap<>();
    private final ArrayList<ClientSession> sessionList = new ArrayList<>();
    private final Refusal[] refusals = new Refusal[MAX_REFUSALS];
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final IngressHelloDecoder helloDecoder = new IngressHelloDecoder();
    private Subscription subscription;
    private long nextSweepNs;
    private boolean aborted;

    /**
     * Create the agent; the subscription is added in {@link #onStart()}.
     *
     * @param ctx the concluded context.
     */
    IngressAgent(final AeronIngress.Context ctx)
    {
        aeron = ctx.aeron();
        channel = ctx.settings().channel;
        streamId = ctx.settings().streamId;
        maxClients = ctx.settings().maxClients;
        fragmentLimit = ctx.settings().fragmentLimit;
        publisher = ctx.publisher();
        clock = ctx.nanoClock();
        log = new IngressLog(ctx.log(), LOG_INTERVAL_NS, clock.nanoTime());
        events = ctx.counters().allocate(CounterType.INGRESS_EVENTS, "");
        bad = ctx.counters().allocate(CounterType.INGRESS_BAD, "");
        backPressured = ctx.counters().allocate(CounterType.INGRESS_BACK_PRESSURED, "");
        clients = ctx.counters().allocate(CounterType.INGRESS_CLIENTS, "");
        refusedClients = ctx.counters().allocate(CounterType.INGRESS_CLIENTS_REFUSED, "");
        for (int i = 0; i < MAX_REFUSALS; i++)
        {
            refusals[i] = new Refusal();
        }
    }

    /** Subscribe to the ingress stream. */
    public void onStart()
    {
        subscription = aeron.addSubscription(channel, streamId);
        nextSweepNs = clock.nanoTime() + SWEEP_INTERVAL_NS;
    }

    /**
     * Take what the stream holds, send acknowledgements, and now and then forget clients that went away.
     *
     * @return work done.
     */
    public int doWork()
    {
        aborted = false;
        int work = subscription.controlledPoll(assembler, fragmentLimit);
        for (int i = 0, size = sessionList.size(); i < size; i++)
        {
            work += sessionList.get(i).sendAcks(publisher);
        }
        final long nowNs = clock.nanoTime();
        if (nowNs - nextSweepNs >= 0)
        {
            nextSweepNs = nowNs + SWEEP_INTERVAL_NS;
            work += sweep(nowNs);
        }
        // An aborted poll made no progress: report no work so the runner idles before the ring is tried again.
        return aborted && 0 == work ? 0 : work;
    }

    /** Close every response publication and the subscription. */
    public void onClose()
    {
        for (final ClientSession session : sessionList)
        {
            CloseHelper.quietClose(session.response());
        }
        sessionList.clear();
        sessions.clear();
        clients.setRelease(0);
        for (final Refusal refusal : refusals)
        {
            refusal.clear();
        }
        CloseHelper.quietClose(subscription);
        CloseHelper.quietCloseAll(events, bad, backPressured, clients, refusedClients);
    }

    /**
     * The agent's name.
     *
     * @return {@code aeron-ingress}.
     */
    public String roleName()
    {
        return "aeron-ingress";
    }

    /**
     * One message of the stream, reassembled.
     *
     * @param buffer holding it.
     * @param offset of its SBE header.
     * @param length of the message.
     * @param header of its (last) frame: session and position.
     * @return {@link Action#ABORT} when the ring is full, else {@link Action#CONTINUE}.
     */
    public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final int sessionId = header.sessionId();
        if (length < MessageSchema.HEADER_LENGTH)
        {
            return skip(sessionId, header, 1, "a message of " + length + " bytes is shorter than the " +
                MessageSchema.HEADER_LENGTH + "-byte SBE header");
        }
        final String problem = MessageSchema.validate(buffer, offset, length);
        if (null != problem)
        {
            return skip(sessionId, header, problem.startsWith("schema version") ? 8 : 2, problem);
        }
        final int templateId = MessageSchema.templateId(buffer, offset);
        if (IngressHelloDecoder.TEMPLATE_ID == templateId)
        {
            onHello(buffer, offset, length, header);
            return Action.CONTINUE;
        }
        if (!MessageSchema.isEvent(templateId))
        {
            return skip(sessionId, header, 3, "template id " + templateId + " is not an event (expected 1.." +
                (MessageSchema.FIRST_TRANSPORT_TEMPLATE_ID - 1) + " or " + MessageSchema.FIRST_SECOND_RANGE_TEMPLATE_ID +
                ".." + (MessageSchema.TEMPLATE_ID_LIMIT - 1) + ")");
        }
        if (length > EventPublisher.MAX_MESSAGE_LENGTH)
        {
            return skip(sessionId, header, 4, "a message of " + length + " bytes is longer than the " +
                EventPublisher.MAX_MESSAGE_LENGTH + " an event may be");
        }

        final long receipt = publisher.tryPublish(Sources.AERON, buffer, offset, length);
        if (receipt >= 0)
        {
            events.incrementRelease();
            final ClientSession session = sessions.get(sessionId);
            if (null != session)
            {
                session.onConsumed(header.position(), receipt);
            }
            return Action.CONTINUE;
        }
        if (EventPublisher.INVALID == receipt)
        {
            return skip(sessionId, header, 5, "the engine found the event invalid");
        }
        // WOULD_WAIT, REJECTED (a reject policy) or HALTED: never drop; leave it in the image for the next try.
        backPressured.incrementRelease();
        aborted = true;
        return Action.ABORT;
    }

    /**
     * Clients acknowledged at present.
     *
     * @return how many.
     */
    public int clientCount()
    {
        return sessionList.size();
    }

    private void onHello(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final int sessionId = header.sessionId();
        if (sessions.containsKey(sessionId))
        {
            sessions.get(sessionId).onConsumed(header.position(), ClientSession.NO_RECEIPT);
            return;
        }
        final String responseChannel;
        final int responseStreamId;
        final String clientName;
        try
        {
            headerDecoder.wrap(buffer, offset);
            helloDecoder.wrapAndApplyHeader(buffer, offset, headerDecoder);
            if (MessageSchema.HEADER_LENGTH + helloDecoder.sbeBlockLength() > length)
            {
                skip(sessionId, header, 6, "an IngressHello cut short at " + length + " bytes");
                return;
            }
            responseStreamId = helloDecoder.responseStreamId();
            clientName = limited(helloDecoder.clientName());
            responseChannel = limited(helloDecoder.responseChannel());
        }
        catch (final RuntimeException ex)
        {
            skip(sessionId, header, 6, "an IngressHello that does not decode (" + ex.getMessage() + ")");
            return;
        }
        if (helloDecoder.limit() > offset + length)
        {
            skip(sessionId, header, 6, "an IngressHello whose strings run past its " + length + " bytes");
            return;
        }
        final String source = sourceIdentity(header);
        if (sessionList.size() >= maxClients)
        {
            refusedClients.incrementRelease();
            final String reason = "the engine has its aeron.ingress.maxClients (" + maxClients +
                ") clients: events are accepted, not acknowledged";
            log.write("aeron ingress: refused client '" + clientName + "' (session " + sessionId + " from " +
                source + "): " + reason);
            refuse(sessionId, responseChannel, responseStreamId, reason, source);
            return;
        }
        final Publication response;
        try
        {
            response = aeron.addPublication(responseChannel, responseStreamId);
        }
        catch (final RuntimeException ex)
        {
            skip(sessionId, header, 7, "an IngressHello whose response channel '" + responseChannel +
                "' stream " + responseStreamId + " cannot be published to (" + ex.getMessage() + ")");
            return;
        }
        final ClientSession session = new ClientSession(sessionId, clientName, source, response, PENDING_ACKS);
        sessions.put(sessionId, session);
        sessionList.add(session);
        clients.setRelease(sessionList.size());
        session.onConsumed(header.position(), ClientSession.NO_RECEIPT);
        log.write("aeron ingress: client '" + clientName + "' (session " + sessionId + " from " + source +
            ") acknowledged on " + responseChannel + " stream " + responseStreamId);
    }

    private void refuse(
        final int sessionId, final String responseChannel, final int responseStreamId, final String reason,
        final String source)
    {
        for (final Refusal refusal : refusals)
        {
            if (null == refusal.publication)
            {
                try
                {
                    refusal.publication = aeron.addPublication(responseChannel, responseStreamId);
                    refusal.length = refusal.encode(sessionId, reason);
                    refusal.deadlineNs = clock.nanoTime() + REFUSAL_TIMEOUT_NS;
                }
                catch (final RuntimeException ex)
                {
                    log.write("aeron ingress: cannot tell session " + sessionId + " from " + source +
                        " it was refused (" + ex.getMessage() + ")");
                }
                return;
            }
        }
    }

    private int sweep(final long nowNs)
    {
        int work = 0;
        for (int i = sessionList.size() - 1; i >= 0; i--)
        {
            final ClientSession session = sessionList.get(i);
            if (null == subscription.imageBySessionId(session.sessionId()))
            {
                sessionList.remove(i);
                sessions.remove(session.sessionId());
                assembler.freeSessionBuffer(session.sessionId());
                CloseHelper.quietClose(session.response());
                log.write("aeron ingress: client '" + session.clientName() + "' (session " + session.sessionId() +
                    " from " + session.sourceIdentity() + ") went away");
                work++;
            }
        }
        clients.setRelease(sessionList.size());
        for (final Refusal refusal : refusals)
        {
            if (null != refusal.publication)
            {
                if (refusal.publication.offer(refusal.buffer, 0, refusal.length) > 0 || nowNs - refusal.deadlineNs >= 0)
                {
                    refusal.clear();
                    work++;
                }
            }
        }
        return work;
    }

    private Action skip(final int sessionId, final Header header, final int kind, final String problem)
    {
        bad.incrementRelease();
        final ClientSession session = sessions.get(sessionId);
        if (null != session)
        {
            session.onConsumed(header.position(), ClientSession.NO_RECEIPT);
        }
        if (log.admit(((long)sessionId << 8) | kind, clock.nanoTime()))
        {
            log.write("aeron ingress: skipped a bad message from session " + sessionId + " (" +
                sourceIdentity(header) + (null == session ? "" : ", client '" + session.clientName() + "'") +
                ") at position " + header.position() + ": " + problem);
        }
        return Action.CONTINUE;
    }

    private String sourceIdentity(final Header header)
    {
        final Object context = header.context();
        final Image image = context instanceof Image ? (Image)context : subscription.imageBySessionId(header.sessionId());
        return null == image ? "unknown source" : image.sourceIdentity();
    }

    private static String limited(final String text)
    {
        return text.length() > MAX_NAME_LENGTH ? text.substring(0, MAX_NAME_LENGTH) : text;
    }

    private static final class Refusal
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        private Publication publication;
        private int length;
        private long deadlineNs;

        int encode(final int sessionId, final String reason)
        {
            return MessageHeaderEncoder.ENCODED_LENGTH + new IngressRefusedEncoder()
                .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                .ingressSessionId(sessionId)
                .reason(reason)
                .encodedLength();
        }

        void clear()
        {
            CloseHelper.quietClose(publication);
            publication = null;
        }
    }
}
