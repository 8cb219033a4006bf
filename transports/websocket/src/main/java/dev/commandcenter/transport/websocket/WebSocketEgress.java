package dev.commandcenter.transport.websocket;

import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fans the engine's output ring out to WebSocket clients. On the egress thread each output is
 * rendered once, as JSON text (while a live client of its feed takes its type in JSON) and as raw SBE bytes (plus
 * a JSON variant with the stage stamps, only while a {@code ?trace=1} client takes it), and each rendering is
 * encoded once into a pooled buffer holding the whole WebSocket frame by Netty's frame encoder ({@link FrameEncoder}),
 * kept in the retained ring of its plugin's feed and of the {@value #ALL_FEED} feed, and queued for every
 * subscribed channel in the ring of the channel's event loop ({@link FanoutLoop}). At the end of each batch
 * each event loop with queued writes gets ONE task that writes a duplicate of the shared frame to each of its
 * channels and flushes them. Writes never block: a channel that is not writable misses the message (a counted
 * drop) and, after the {@link WebServer.Context#slowConsumerDropLimit(int) drop limit} in a row, is closed
 * with 1013.
 * <p>
 * A client that batches ({@code batch=<ms>}, or the {@link #batchWindows(Map) window of its feed}) is queued the
 * same shared frames, whatever its writability; its event loop copies their payloads into the client's
 * {@link SessionBatch} and sends each window's outputs as one frame, judging writability per batch frame.
 * <p>
 * Clients, frames and bytes sent, drops and 1013 closes are counters in the engine's counters file
 * ({@link CounterType#WS_CLIENTS} ... {@link CounterType#WS_MESSAGES_BATCHED}), allocated through the
 * {@link WebServer.Context#counters(CounterAllocator) allocator of the web server} when the server
 * launches: the egress is built before the engine, and it has no clients to count before a server serves
 * it. Until then, and once the engine has shut down (its counters file unmapped), it counts into counters
 * of its own, so the getters keep working.
 * <pre>{@code
 * WebSocketEgress egress = new WebSocketEgress(32);
 * Engine engine = Engine.launch(new Engine.Context().egress("websocket", egress) ...);
 * WebServer server = WebServer.launch(new WebServer.Context().egress(egress).eventPublisher(engine.publisher()) ...);
 * }</pre>
 * <b>Note:</b> {@link #onOutput(OutputEvent, boolean)} is called by one egress thread; the getters
 * are thread safe. Subscriptions from the server's event loops and the egress thread share a lock held
 * while one output is rendered and queued (nothing in it blocks), so a new subscriber gets the retained
 * messages, written on its event loop, and then every live one, queued to the same event loop after them,
 * with no gap and no duplicate. A retained message kept without its JSON is rendered under that lock on the
 * subscriber's event loop, with the renderer, frame encoder and frame buffers of the egress thread, which the lock
 * hands from one thread to the other.
 */
public final class WebSocketEgress implements EgressHandler
{
    /** Default number of messages each feed keeps for clients that connect later. */
    public static final int RETAIN_PER_FEED_DEFAULT = 32;

    /** Name of the feed that carries the output of every plugin. */
    public static final String ALL_FEED = "all";

    /** Writes to one channel within a batch after which it is flushed without waiting for the batch end. */
    static final int FLUSH_EVERY = 16;

    /** Outputs within one batch after which the queued writes are handed to the event loops anyway. */
    static final int PUBLISH_EVERY = 16;

    /** Frame buffers kept for reuse beyond those the retained rings hold. */
    private static final int FRAME_BUFFERS_SPARE = 4096;

    /** Initial capacity of a frame buffer, enough for a typical overlay message and its header. */
    private static final int FRAME_BUFFER_MIN_CAPACITY = 512;
    /** A live session of the feed takes the output in JSON (as JSON or traced frames). */
    private static final int WANTS_JSON = 1;
    /** A live session of the feed takes the output in SBE. */
    private static final int WANTS_SBE = 2;

    private final Object lock = new Object();
    private final int retainPerFeed;
    private final int resumeHistory;
    private long lastOutputSequence = -1;
    private final ByteBufAllocator allocator;
    private final JsonRenderer renderer = new JsonRenderer(JsonView.instance());
    private final ReusableBuffers frameBuffers;
    private final FrameEncoder frames;
    private final Payload jsonPayload = new Payload();
    private final Payload tracedPayload = new Payload();
    private final Payload sbePayload = new Payload();
    private final Map<String, EgressFeed> feeds = new HashMap<>();
    private final EgressFeed allFeed;
    private final EpochNanoClock clock;
    private FanoutLoop[] loops = new FanoutLoop[4];
    private int loopCount;
    private FanoutLoop[] pendingLoops = new FanoutLoop[4];
    private int pendingLoopCount;
    private int unpublishedOutputs;
    private int jsonEntries;
    private int tracedEntries;
    private int sbeEntries;
    private final DirectFanout directJson = new DirectFanout();
    private final DirectFanout directTraced = new DirectFanout();
    private final DirectFanout directSbe = new DirectFanout();
    private String lastPluginId;
    private EgressFeed lastFeed;
    /** An output's SBE message, copied from a retained frame to render its JSON late. */
    private final ExpandableArrayBuffer retainedMessage = new ExpandableArrayBuffer(512);

    private final Map<String, Integer> batchWindows = new HashMap<>();
    private final Map<String, Integer> retainOverrides = new HashMap<>();
    private int connectedClients;
    private boolean waiting;
    private final AtomicLong outputs = new AtomicLong();
    private volatile EgressCounters counters = EgressCounters.detached(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    private boolean bound;

    /**
     * An egress keeping {@link #RETAIN_PER_FEED_DEFAULT} messages per feed.
     */
    public WebSocketEgress()
    {
        this(RETAIN_PER_FEED_DEFAULT);
    }

    /**
     * An egress keeping the given number of messages per feed, rendering into Netty's pooled allocator (whose
     * retained duplicates are recycled, so a write allocates nothing).
     *
     * @param retainPerFeed messages each feed keeps and replays to a new subscriber first; 0 for none.
     * @throws IllegalArgumentException when negative.
     */
    public WebSocketEgress(final int retainPerFeed)
    {
        this(retainPerFeed, PooledByteBufAllocator.DEFAULT);
    }

    /**
     * An egress keeping the given numbers of messages per feed for new subscribers and for resuming clients,
     * rendering into Netty's pooled allocator.
     *
     * @param retainPerFeed messages each feed replays to a new subscriber first; 0 for none.
     * @param resumeHistory messages each feed keeps for clients resuming with {@code since=}; 0 for none.
     * @throws IllegalArgumentException when either is negative.
     */
    public WebSocketEgress(final int retainPerFeed, final int resumeHistory)
    {
        this(retainPerFeed, resumeHistory, PooledByteBufAllocator.DEFAULT, new SystemEpochNanoClock());
    }

    /**
     * An egress keeping the given number of messages per feed, rendering into the given allocator.
     *
     * @param retainPerFeed messages each feed keeps and replays to a new subscriber first; 0 for none.
     * @param allocator     for the rendered buffers, normally pooled.
     * @throws IllegalArgumentException when retainPerFeed is negative.
     */
    public WebSocketEgress(final int retainPerFeed, final ByteBufAllocator allocator)
    {
        this(retainPerFeed, allocator, new SystemEpochNanoClock());
    }

    /**
     * An egress keeping the given number of messages per feed, rendering into the given allocator and stamping
     * traced frames with the given clock.
     *
     * @param retainPerFeed messages each feed keeps and replays to a new subscriber first; 0 for none.
     * @param allocator     for the rendered buffers, normally pooled.
     * @param clock         epoch nanoseconds for the {@code egressNs} stamp of traced frames.
     * @throws IllegalArgumentException when retainPerFeed is negative.
     */
    public WebSocketEgress(final int retainPerFeed, final ByteBufAllocator allocator, final EpochNanoClock clock)
    {
        this(retainPerFeed, retainPerFeed, allocator, clock);
    }

    /**
     * An egress keeping the given number of messages per feed for new subscribers and for resuming clients.
     *
     * @param retainPerFeed messages each feed replays to a new subscriber first; 0 for none.
     * @param resumeHistory messages each feed keeps for clients resuming with {@code since=}; 0 for none
     *                      (the feed keeps the larger of both).
     * @param allocator     for the rendered buffers, normally pooled.
     * @param clock         epoch nanoseconds for the {@code egressNs} stamp of traced frames.
     * @throws IllegalArgumentException when retainPerFeed or resumeHistory is negative.
     */
    public WebSocketEgress(
        final int retainPerFeed, final int resumeHistory, final ByteBufAllocator allocator, final EpochNanoClock clock)
    {
        this.clock = clock;
        if (retainPerFeed < 0)
        {
            throw new IllegalArgumentException("websocket.retain: expected 0 or more, got " + retainPerFeed);
        }
        if (resumeHistory < 0)
        {
            throw new IllegalArgumentException("websocket.resumeHistory: expected 0 or more, got " + resumeHistory);
        }
        this.retainPerFeed = retainPerFeed;
        this.resumeHistory = resumeHistory;
        this.allocator = allocator;
        // Frame buffers are reused rather than freed: the egress thread is not Netty's, whose recycler would not pool
        // the buffer objects, so each output would leave two behind.
        this.frameBuffers = new ReusableBuffers(
            allocator, 4 * Math.max(retainPerFeed, resumeHistory) + FRAME_BUFFERS_SPARE, FRAME_BUFFER_MIN_CAPACITY);
        this.frames = new FrameEncoder(frameBuffers.allocator());
        this.allFeed = new EgressFeed(ALL_FEED, retainPerFeed, resumeHistory);
    }

    /**
     * Messages each feed keeps for clients resuming with {@code since=}.
     *
     * @return the count.
     */
    public int resumeHistory()
    {
        return resumeHistory;
    }

    /**
     * Clients that resumed with {@code since=}.
     *
     * @return the count.
     */
    public long resumesServed()
    {
        return counters.resumes.get();
    }

    /**
     * Gap messages sent to resuming clients whose {@code since=} was older than the history.
     *
     * @return the count.
     */
    public long gapsSent()
    {
        return counters.gaps.get();
    }

    /**
     * Batch frames sent to clients that batch.
     *
     * @return the count.
     */
    public long batchesSent()
    {
        return counters.batchesSent.get();
    }

    /**
     * Messages sent inside batch frames.
     *
     * @return the count.
     */
    public long messagesBatched()
    {
        return counters.messagesBatched.get();
    }

    /**
     * Batch the outputs of feeds for their clients that do not say otherwise with {@code batch=}: a client of a
     * feed with a window gets the outputs of each window in one frame ({@code batch=0} opts out). Replaces the
     * windows set before; takes effect for clients that subscribe afterwards.
     *
     * @param windows feed name ({@value #ALL_FEED} or a plugin id) to window in ms, 1 to 1000; 0 for none.
     * @return this.
     * @throws IllegalArgumentException naming the feed when a name is blank or a window is out of range.
     */
    public WebSocketEgress batchWindows(final Map<String, Integer> windows)
    {
        final Map<String, Integer> checked = new HashMap<>();
        for (final Map.Entry<String, Integer> entry : windows.entrySet())
        {
            final String feed = entry.getKey();
            final Integer window = entry.getValue();
            if (null == feed || feed.isBlank())
            {
                throw new IllegalArgumentException("websocket.batching: expected feed names such as all or stream-bridge, " +
                    "got a blank one");
            }
            if (null == window || window < 0 || window > SessionBatch.MAX_WINDOW_MS)
            {
                throw new IllegalArgumentException("websocket.batching." + feed + ": expected a window of 1 to " +
                    SessionBatch.MAX_WINDOW_MS + " ms (0: none), got " + window);
            }
            if (window > 0)
            {
                checked.put(feed, window);
            }
        }
        synchronized (lock)
        {
            batchWindows.clear();
            batchWindows.putAll(checked);
        }
        return this;
    }

    /**
     * Keep more (or fewer) messages for new subscribers of some feeds than {@link #retainPerFeed()}: the chat feed
     * keeps its history this way, so a joining viewer gets the last lines. Set before the feeds first emit;
     * a feed already created keeps its ring.
     *
     * @param retains feed name (a plugin id) to messages replayed to a new subscriber, 0 or more.
     * @return this.
     * @throws IllegalArgumentException naming the feed when a name is blank or a count is negative.
     */
    public WebSocketEgress retainOverrides(final Map<String, Integer> retains)
    {
        final Map<String, Integer> checked = new HashMap<>();
        for (final Map.Entry<String, Integer> entry : retains.entrySet())
        {
            final String feed = entry.getKey();
            final Integer retain = entry.getValue();
            if (null == feed || feed.isBlank() || ALL_FEED.equals(feed))
            {
                throw new IllegalArgumentException("websocket feed retention: expected plugin feed names such as chat, " +
                    "got '" + feed + "'");
            }
            if (null == retain || retain < 0)
            {
                throw new IllegalArgumentException("websocket feed retention of " + feed + ": expected 0 or more, got " +
                    retain);
            }
            checked.put(feed, retain);
        }
        synchronized (lock)
        {
            retainOverrides.clear();
            retainOverrides.putAll(checked);
        }
        return this;
    }

    /**
     * Messages a feed replays to a new subscriber: its override, else {@link #retainPerFeed()}.
     *
     * @param feed name.
     * @return the count.
     */
    public int retainOf(final String feed)
    {
        synchronized (lock)
        {
            return retainOverrides.getOrDefault(feed, retainPerFeed);
        }
    }

    /**
     * Batch window of a feed for clients that do not choose one.
     *
     * @param feed name.
     * @return ms, 0 when the feed does not batch.
     */
    public int batchWindowMs(final String feed)
    {
        synchronized (lock)
        {
            return batchWindows.getOrDefault(feed, 0);
        }
    }

    /**
     * Messages each feed keeps for new subscribers.
     *
     * @return the count.
     */
    public int retainPerFeed()
    {
        return retainPerFeed;
    }

    /**
     * WebSocket clients currently subscribed to a feed.
     *
     * @return the number of subscribed clients.
     */
    public int connectedClients()
    {
        return (int)counters.clients.get();
    }

    /**
     * Outputs handed to this egress by the engine.
     *
     * @return the count.
     */
    public long outputs()
    {
        return outputs.get();
    }

    /**
     * Frames queued to clients, retained replays included.
     *
     * @return the count.
     */
    public long messagesSent()
    {
        return counters.framesSent.get();
    }

    /**
     * Payload bytes of the frames queued to clients.
     *
     * @return the count.
     */
    public long bytesSent()
    {
        return counters.bytesSent.get();
    }

    /**
     * Messages not sent to a client because its channel was not writable.
     *
     * @return the count.
     */
    public long drops()
    {
        return counters.drops.get();
    }

    /**
     * Clients closed with 1013 because they stayed unwritable past the drop limit.
     *
     * @return the count.
     */
    public long slowConsumerCloses()
    {
        return counters.slowCloses.get();
    }

    /**
     * Move the client, frame, byte, drop and 1013 counts into counters allocated from the engine's counters
     * file. Called by {@link WebServer} when it launches; the counts so far carry over.
     *
     * @param allocator of the engine's counters.
     * @throws IllegalStateException when another web server already serves this egress.
     */
    void bindCounters(final CounterAllocator allocator)
    {
        synchronized (lock)
        {
            if (bound)
            {
                throw new IllegalStateException("websocket egress: already served by another web server");
            }
            final EgressCounters attached = EgressCounters.allocate(allocator);
            attached.copyFrom(counters);
            counters = attached;
            bound = true;
        }
    }

    /**
     * Free the counters of a web server that failed to launch, counting in counters of its own again.
     */
    void unbindCounters()
    {
        synchronized (lock)
        {
            if (bound)
            {
                final EgressCounters attached = counters;
                detach();
                attached.close();
                bound = false;
            }
        }
    }

    /**
     * Whether a feed exists: {@value #ALL_FEED}, or a plugin that has emitted since start.
     *
     * @param feed name.
     * @return true when known.
     */
    public boolean hasFeed(final String feed)
    {
        synchronized (lock)
        {
            return ALL_FEED.equals(feed) || feeds.containsKey(feed);
        }
    }

    /**
     * Plugin feeds seen so far, sorted.
     *
     * @return the plugin ids that have emitted.
     */
    public SortedSet<String> pluginFeeds()
    {
        synchronized (lock)
        {
            return new TreeSet<>(feeds.keySet());
        }
    }

    /**
     * Clients subscribed now to each feed that has any or has had output: {@value #ALL_FEED} and every plugin feed.
     *
     * @return feed name to clients, sorted by name, a copy.
     */
    public SortedMap<String, Integer> clientsPerFeed()
    {
        synchronized (lock)
        {
            final SortedMap<String, Integer> clients = new TreeMap<>();
            clients.put(ALL_FEED, allFeed.sessions.length);
            for (final EgressFeed feed : feeds.values())
            {
                clients.put(feed.name, feed.sessions.length);
            }
            return clients;
        }
    }

    /**
     * Render, retain and queue one output for its subscribers; hand the queued writes to the event loops at the
     * end of the batch (and every {@link #PUBLISH_EVERY} outputs within a long one), one task per event loop.
     *
     * @param event      valid only during the call.
     * @param endOfBatch true when no more outputs are ready now.
     */
    public void onOutput(final OutputEvent event, final boolean endOfBatch)
    {
        synchronized (lock)
        {
            try
            {
                publish(event);
            }
            finally
            {
                if (endOfBatch || ++unpublishedOutputs >= PUBLISH_EVERY)
                {
                    publishLoops();
                }
            }
        }
    }

    /**
     * Ready for an output when every fan-out loop on another thread has room in its ring for a frame to each client
     * (at most the ring's capacity): else the queued frames are handed to the loops now and the output waits on the
     * engine's output ring until they have drained, where before the frames that did not fit were dropped. A loop
     * on the calling thread is drained in place when full ({@code drainAndOffer}).
     *
     * @param event the output about to be given.
     * @return whether it can be fanned out now.
     */
    public boolean ready(final OutputEvent event)
    {
        synchronized (lock)
        {
            final int entries = Math.min(connectedClients, FanoutLoop.CAPACITY);
            // A wait is counted once however many duty cycles it spans.
            for (int i = 0; i < loopCount; i++)
            {
                final FanoutLoop loop = loops[i];
                if (!loop.hasRoom(entries) && !loop.eventLoop.inEventLoop())
                {
                    publishLoops();
                    if (!waiting)
                    {
                        waiting = true;
                        counters.fanoutWaits.increment();
                    }
                    return false;
                }
            }
            waiting = false;
            return true;
        }
    }

    /**
     * Outputs held on the engine's output ring until a fan-out loop had room for a frame to each client.
     *
     * @return the count.
     */
    public long fanoutWaits()
    {
        return counters.fanoutWaits.get();
    }

    /**
     * The engine's run of outputs ended on one this egress was not given: hand the queued writes to the event
     * loops now rather than with the next output.
     */
    public void onBatchEnd()
    {
        synchronized (lock)
        {
            publishLoops();
        }
    }

    /**
     * Release the retained messages when the engine stops.
     */
    public void onShutdown()
    {
        synchronized (lock)
        {
            // The engine unmaps its counters file after this: keep counting, in counters of our own.
            detach();
            publishLoops();
            allFeed.retained.clear();
            for (final EgressFeed feed : feeds.values())
            {
                feed.retained.clear();
            }
            jsonPayload.free();
            tracedPayload.free();
            sbePayload.free();
            frameBuffers.close();
            for (int i = 0; i < loopCount; i++)
            {
                loops[i].close();
            }
        }
    }

    /**
     * The counters counted into now; event loops closing batches count into them too.
     */
    EgressCounters counters()
    {
        return counters;
    }

    private void detach()
    {
        counters = counters.detachedCopy();
    }

    private void publish(final OutputEvent event)
    {
        outputs.lazySet(outputs.get() + 1);
        final EgressFeed feed = pluginFeed(event.pluginId());
        final long outputSequence = event.outputSequence();
        if (outputSequence > lastOutputSequence)
        {
            lastOutputSequence = outputSequence;
        }
        final boolean retain = allFeed.retained.capacity() > 0 || feed.retained.capacity() > 0;
        final int templateId = event.templateId();
        // With no client taking SBE subscribed, only a JSON taker is worth looking for.
        final int enough = feed.sbeSessions > 0 || allFeed.sbeSessions > 0 ? WANTS_JSON | WANTS_SBE : WANTS_JSON;
        final int wanted = wanted(allFeed, templateId, enough, wanted(feed, templateId, enough, 0));
        if (!retain && 0 == wanted)
        {
            return;
        }

        ByteBuf json = null;
        ByteBuf traced = null;
        ByteBuf sbe = null;
        try
        {
            int jsonLength = 0;
            int tracedLength = 0;
            int sbeLength = 0;
            // JSON only when a live client takes it; a retained entry without it gets it when a client asks.
            final boolean renderJson = 0 != (wanted & WANTS_JSON);
            if (renderJson)
            {
                renderer.renderJson(event, jsonPayload.take());
                jsonLength = jsonPayload.buffer.readableBytes();
            }
            if (renderJson && (feed.tracedSessions > 0 || allFeed.tracedSessions > 0))
            {
                renderer.renderTraced(jsonPayload.buffer, event, clock.nanoTime(), tracedPayload.take());
                tracedLength = tracedPayload.buffer.readableBytes();
            }
            // The retained ring copies the SBE message itself: a frame is made only for live clients taking SBE.
            if (0 != (wanted & WANTS_SBE))
            {
                JsonRenderer.copySbe(event, sbePayload.take());
                sbeLength = sbePayload.buffer.readableBytes();
            }
            if (jsonLength > 0)
            {
                json = jsonPayload.text(frames);
            }
            if (tracedLength > 0)
            {
                traced = tracedPayload.text(frames);
            }
            if (sbeLength > 0)
            {
                sbe = sbePayload.binary(frames);
            }
            if (retain)
            {
                final long inputSequence = event.inputSequence();
                final long timestampNs = event.timestampNs();
                final String pluginId = event.pluginId();
                final DirectBuffer message = event.buffer();
                final int offset = event.offset();
                final int length = event.length();
                feed.retained.add(outputSequence, inputSequence, timestampNs, pluginId, templateId, json, jsonLength,
                    message, offset, length);
                allFeed.retained.add(outputSequence, inputSequence, timestampNs, pluginId, templateId, json, jsonLength,
                    message, offset, length);
            }
            jsonEntries = 0;
            tracedEntries = 0;
            sbeEntries = 0;
            fanOut(feed, outputSequence, templateId, json, jsonLength, traced, tracedLength, sbe, sbeLength);
            fanOut(allFeed, outputSequence, templateId, json, jsonLength, traced, tracedLength, sbe, sbeLength);
            // Before the frames are released: the transport reads them in place.
            directJson.send(json, jsonLength, counters);
            directTraced.send(traced, tracedLength, counters);
            directSbe.send(sbe, sbeLength, counters);
            // Each queued entry owns a reference; taken before any event loop can see an entry.
            takeReferences(json, traced, sbe);
        }
        finally
        {
            // Nothing added and not sent may outlive the frames (only when the fan-out threw).
            directJson.clear();
            directTraced.clear();
            directSbe.clear();
            release(json);
            release(traced);
            release(sbe);
        }
    }

    /**
     * Take the references owed by the entries queued for the output being fanned out so far, before an event loop
     * can see them: at the end of the output, or before its own loop's ring is drained in the middle of it.
     */
    private void takeReferences(final ByteBuf json, final ByteBuf traced, final ByteBuf sbe)
    {
        if (jsonEntries > 0)
        {
            json.retain(jsonEntries);
            jsonEntries = 0;
        }
        if (tracedEntries > 0)
        {
            traced.retain(tracedEntries);
            tracedEntries = 0;
        }
        if (sbeEntries > 0)
        {
            sbe.retain(sbeEntries);
            sbeEntries = 0;
        }
    }

    /**
     * When the egress runs on the event loop of a full ring (the engine's cycle on the HTTP loop), write what the ring
     * holds now and queue the frame again; no other thread would drain it while this one fills it.
     */
    private boolean drainAndOffer(
        final FanoutLoop loop,
        final WebSocketSession session,
        final ByteBuf frame,
        final long outputSequence,
        final ByteBuf json,
        final ByteBuf traced,
        final ByteBuf sbe)
    {
        if (!loop.eventLoop.inEventLoop())
        {
            return false;
        }
        takeReferences(json, traced, sbe);
        loop.drainHere();
        return loop.offer(session, frame, outputSequence);
    }

    /**
     * The formats in which a live session of a feed takes an output of a type, or-ed into those found so far:
     * {@link #WANTS_JSON} (a traced session's frame is made from the JSON) and {@link #WANTS_SBE}. The sessions are
     * looked at only until every format in {@code enough} is found.
     */
    private static int wanted(final EgressFeed feed, final int templateId, final int enough, final int wantedSoFar)
    {
        int wanted = wantedSoFar;
        final WebSocketSession[] sessions = feed.sessions;
        for (int i = 0, length = sessions.length; i < length && (wanted & enough) != enough; i++)
        {
            final WebSocketSession session = sessions[i];
            if (!session.closing && session.accepts(templateId))
            {
                wanted |= session.sbe ? WANTS_SBE : WANTS_JSON;
            }
        }
        return wanted;
    }

    /**
     * The SBE frame of a retained entry, made now for a client that takes SBE and resumes or subscribes.
     */
    private ByteBuf retainedSbe(final RetainedMessages retained, final int i)
    {
        final int sbeLength = retained.sbeLength(i);
        final ByteBuf payload = allocator.buffer(sbeLength);
        payload.writeBytes(retained.sbe(i), 0, sbeLength);
        return frames.binary(payload);
    }

    /**
     * The JSON frame of a retained entry, rendered now from its SBE message and kept in the entry when no live client
     * took the output in JSON when it was published.
     */
    private ByteBuf retainedJson(final RetainedMessages retained, final int i)
    {
        final ByteBuf json = retained.json(i);
        if (null != json)
        {
            return json;
        }
        final int sbeLength = retained.sbeLength(i);
        final ExpandableArrayBuffer message = retainedMessage;
        message.putBytes(0, retained.sbe(i), 0, sbeLength);
        renderer.renderJson(retained.inputSequence(i), retained.timestampNs(i), retained.pluginId(i),
            retained.sequence(i), message, 0, sbeLength, jsonPayload.take());
        final int jsonLength = jsonPayload.buffer.readableBytes();
        final ByteBuf frame = jsonPayload.text(frames);
        retained.json(i, frame, jsonLength);
        return frame;
    }

    private static void release(final ByteBuf buffer)
    {
        if (null != buffer)
        {
            buffer.release();
        }
    }

    private void fanOut(
        final EgressFeed feed,
        final long outputSequence,
        final int templateId,
        final ByteBuf json,
        final int jsonLength,
        final ByteBuf traced,
        final int tracedLength,
        final ByteBuf sbe,
        final int sbeLength)
    {
        final WebSocketSession[] sessions = feed.sessions;
        if (0 == sessions.length)
        {
            return;
        }
        final EgressCounters counters = this.counters;
        int sent = 0;
        long bytes = 0;
        for (final WebSocketSession session : sessions)
        {
            if (session.closing || !session.accepts(templateId))
            {
                continue;
            }
            final Channel channel = session.channel();
            // A batching session is judged per batch frame, on its event loop, when the batch is sent.
            final boolean batching = null != session.batch;
            final WireChannel direct = session.direct;
            if (null != direct && channel.isWritable())
            {
                // Handed to the transport once for all of the output's direct clients, after this loop.
                if (session.sbe)
                {
                    directSbe.add(session, direct, sbe, sbeLength, counters);
                }
                else if (session.trace)
                {
                    directTraced.add(session, direct, traced, tracedLength, counters);
                }
                else
                {
                    directJson.add(session, direct, json, jsonLength, counters);
                }
            }
            else if (null == direct && (batching || channel.isWritable()))
            {
                final ByteBuf frame;
                if (session.sbe)
                {
                    frame = sbe;
                }
                else if (session.trace)
                {
                    frame = traced;
                }
                else
                {
                    frame = json;
                }
                final FanoutLoop loop = session.fanoutLoop;
                if (loop.offer(session, frame, outputSequence) ||
                    drainAndOffer(loop, session, frame, outputSequence, json, traced, sbe))
                {
                    session.consecutiveDrops = 0;
                    final int length;
                    if (session.sbe)
                    {
                        sbeEntries++;
                        length = sbeLength;
                    }
                    else if (session.trace)
                    {
                        tracedEntries++;
                        length = tracedLength;
                    }
                    else
                    {
                        jsonEntries++;
                        length = jsonLength;
                    }
                    // A batch frame is counted when its event loop sends it.
                    if (!batching)
                    {
                        bytes += length;
                        sent++;
                    }
                    if (!loop.pending)
                    {
                        loop.pending = true;
                        pendingLoops[pendingLoopCount++] = loop;
                    }
                }
                else
                {
                    // The event loop is a whole ring behind: a drop, but not the client's fault.
                    counters.drops.increment();
                }
            }
            else if (channel.isActive())
            {
                counters.drops.increment();
                if (++session.consecutiveDrops > session.dropLimit)
                {
                    session.closing = true;
                    counters.slowCloses.increment();
                    remove(feed, session);
                    session.closeSlowConsumer();
                }
            }
        }
        if (sent > 0)
        {
            counters.framesSent.getAndAdd(sent);
            counters.bytesSent.getAndAdd(bytes);
        }
    }

    private void publishLoops()
    {
        unpublishedOutputs = 0;
        final FanoutLoop[] pendingLoops = this.pendingLoops;
        for (int i = 0, count = pendingLoopCount; i < count; i++)
        {
            final FanoutLoop loop = pendingLoops[i];
            pendingLoops[i] = null;
            loop.pending = false;
            loop.publish();
        }
        pendingLoopCount = 0;
    }

    private EgressFeed pluginFeed(final String pluginId)
    {
        if (pluginId == lastPluginId)
        {
            return lastFeed;
        }
        EgressFeed feed = feeds.get(pluginId);
        if (null == feed)
        {
            feed = new EgressFeed(pluginId, retainOverrides.getOrDefault(pluginId, retainPerFeed), resumeHistory);
            feeds.put(pluginId, feed);
        }
        lastPluginId = pluginId;
        lastFeed = feed;
        return feed;
    }

    private FanoutLoop fanoutLoop(final EventLoop eventLoop)
    {
        for (int i = 0; i < loopCount; i++)
        {
            if (loops[i].eventLoop == eventLoop)
            {
                return loops[i];
            }
        }
        final FanoutLoop loop = new FanoutLoop(eventLoop);
        if (loopCount == loops.length)
        {
            loops = Arrays.copyOf(loops, loopCount * 2);
            pendingLoops = Arrays.copyOf(pendingLoops, loopCount * 2);
        }
        loops[loopCount++] = loop;
        return loop;
    }

    /**
     * Subscribe a session to its feed: replay the feed's retained messages (or, when it resumes with
     * {@code since=}, every kept message after that sequence, preceded by a gap message when older ones were
     * evicted), then deliver live ones. Called on the session's event loop once its handshake is complete: the
     * replay is written right away, and live messages are queued to the same event loop after it.
     *
     * @return null when subscribed, else why the session's {@code since=} is refused.
     */
    String subscribe(final WebSocketSession session)
    {
        synchronized (lock)
        {
            final EgressFeed feed = ALL_FEED.equals(session.feed) ? allFeed : pluginFeed(session.feed);
            final Channel channel = session.channel();
            final RetainedMessages retained = feed.retained;
            final long since = session.since;
            int first = Math.max(0, retained.size() - feed.retain);
            int sent = 0;
            long bytes = 0;
            if (since >= 0)
            {
                if (since > lastOutputSequence)
                {
                    return "since " + since + " is ahead of the newest output " + lastOutputSequence +
                        ": reconnect without since (the server may have restarted)";
                }
                first = retained.size();
                for (int i = 0, size = retained.size(); i < size; i++)
                {
                    if (retained.sequence(i) > since)
                    {
                        first = i;
                        break;
                    }
                }
                if (retained.lastEvictedSequence() > since || (0 == retained.capacity() && lastOutputSequence > since))
                {
                    final long from = first < retained.size() ? retained.sequence(first) : lastOutputSequence + 1;
                    final String gap = "{\"type\":\"gap\",\"missed\":" + (from - since - 1) + ",\"from\":" + from + "}";
                    channel.write(new TextWebSocketFrame(gap), channel.voidPromise());
                    sent++;
                    bytes += gap.length();
                    counters.gaps.increment();
                }
                counters.resumes.increment();
            }
            session.fanoutLoop = fanoutLoop(channel.eventLoop());
            for (int i = first, size = retained.size(); i < size; i++)
            {
                if (session.accepts(retained.templateId(i)))
                {
                    final ByteBuf frame = session.sbe ? retainedSbe(retained, i) : retainedJson(retained, i).retainedDuplicate();
                    channel.write(frame, channel.voidPromise());
                    sent++;
                    bytes += session.sbe ? retained.sbeLength(i) : retained.jsonLength(i);
                }
            }
            final EgressCounters counters = this.counters;
            counters.framesSent.getAndAdd(sent);
            counters.bytesSent.getAndAdd(bytes);
            // Flushed once counted: the epoll transport writes to the socket in the flush, so the client may read the
            // replay before this thread gets past it.
            channel.flush();

            final int batchMs = session.batchMs >= 0 ? session.batchMs : batchWindows.getOrDefault(session.feed, 0);
            session.batch = batchMs > 0 ? new SessionBatch(session, this, batchMs) : null;
            // The replay above has been handed to the transport (flushed on this event loop); live frames may follow
            // from the egress thread straight to it.
            session.direct = null == session.batch && channel instanceof WireChannel wire && wire.transport().broadcasts() ?
                wire : null;
            feed.add(session);
            counters.clients.setRelease(++connectedClients);
            return null;
        }
    }

    /**
     * The sessions subscribed to a feed now, for tests.
     */
    WebSocketSession[] sessions(final String feedName)
    {
        synchronized (lock)
        {
            final EgressFeed feed = ALL_FEED.equals(feedName) ? allFeed : feeds.get(feedName);
            return null == feed ? new WebSocketSession[0] : feed.sessions.clone();
        }
    }

    /**
     * Remove a session from its feed, if still there. Called when its channel closes.
     */
    void unsubscribe(final WebSocketSession session)
    {
        synchronized (lock)
        {
            final EgressFeed feed = ALL_FEED.equals(session.feed) ? allFeed : feeds.get(session.feed);
            if (null != feed)
            {
                remove(feed, session);
            }
        }
    }

    private void remove(final EgressFeed feed, final WebSocketSession session)
    {
        if (feed.remove(session))
        {
            counters.clients.setRelease(--connectedClients);
        }
    }

    /**
     * A payload buffer the egress thread renders into output after output. The frame encoder copies a small payload
     * behind the frame header, so the buffer is reused; a large one becomes part of the frame itself, and the next
     * output takes a new buffer.
     */
    private final class Payload
    {
        ByteBuf buffer;

        /**
         * The buffer, empty.
         */
        ByteBuf take()
        {
            if (null == buffer)
            {
                buffer = allocator.buffer(1024);
            }
            return buffer.clear();
        }

        ByteBuf text(final FrameEncoder frames)
        {
            try
            {
                return frames.text(buffer.retain());
            }
            finally
            {
                keepUnlessShared();
            }
        }

        ByteBuf binary(final FrameEncoder frames)
        {
            try
            {
                return frames.binary(buffer.retain());
            }
            finally
            {
                keepUnlessShared();
            }
        }

        void free()
        {
            if (null != buffer)
            {
                buffer.release();
                buffer = null;
            }
        }

        private void keepUnlessShared()
        {
            if (buffer.refCnt() > 1)
            {
                free();
            }
        }
    }
}
