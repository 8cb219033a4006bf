package dev.commandcenter.plugin.automation.obs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An OBS Studio with obs-websocket 5.x, simulated over a real WebSocket on 127.0.0.1 for tests: it speaks the real
 * protocol (subprotocol {@code obswebsocket.json}; Hello with or without the authentication challenge, checked as OBS
 * checks it; Identify validation; Identified; Reidentify; Request and RequestBatch; Events to subscribed sessions) over
 * a small scene collection.
 * <p>
 * <b>Default state</b> ({@link #reset()} returns to it): scenes {@code Main} (items {@code Webcam} id 1,
 * {@code Last tipper} id 2), {@code Celebration} ({@code Confetti} id 1, <em>disabled</em>, {@code Intro video} id 2)
 * and {@code BRB} ({@code Last tipper} id 1); current program scene {@code Main}; inputs {@code Mic} and
 * {@code Desktop Audio} (audio, unmuted), {@code Webcam}, {@code Last tipper} (a text source, settings
 * {@code {"text":""}}), {@code Confetti} (an image), {@code Intro video} (a media source with audio, stopped); hotkeys
 * {@code OBSBasic.StartStreaming}, {@code OBSBasic.StopStreaming}, {@code OBSBasic.StartRecording},
 * {@code OBSBasic.StopRecording}, {@code OBSBasic.Screenshot}, {@code OBSBasic.TransitionStudioMode},
 * {@code ReplayBuffer.Save}.
 * <p>
 * <b>Requests</b>: GetVersion, GetSceneList, GetCurrentProgramScene, SetCurrentProgramScene (emits
 * CurrentProgramSceneChanged), GetSceneItemId, GetSceneItemList, SetSceneItemEnabled (emits
 * SceneItemEnableStateChanged), GetSceneItemEnabled, GetInputList, SetInputMute and ToggleInputMute (emit
 * InputMuteStateChanged), GetInputMute, SetInputSettings (overlay by default; emits InputSettingsChanged),
 * GetInputSettings, TriggerMediaInputAction (emits MediaInputActionTriggered), GetMediaInputStatus, GetHotkeyList,
 * TriggerHotkeyByName. An unknown type answers 204, a missing field 300 ("Your request is missing the `sceneName`
 * field."), a field of the wrong type 401, an unknown scene, input or scene item 600 ("No source was found by the name
 * of `X`."), muting an input without audio 604. RequestBatch runs serially and honours {@code haltOnFailure}.
 * <p>
 * <b>Protocol errors</b> close the session with obs-websocket's codes: 4002 a message that is not JSON (or a binary
 * frame), 4003 a missing field of Identify or Request, 4006 an unknown op, 4007 a message before Identify, 4008 a second
 * Identify, 4009 a missing or wrong authentication, 4010 an rpcVersion other than 1. {@link #stop()} closes sessions
 * with 1001 and stops listening; {@link #restart()} listens again on the same port with the same state.
 * <p>
 * <b>For the application's tests</b>: point {@code obs.url} at {@link #url()} and put {@link #password()} under the
 * secret {@code obsPassword}; await {@link #clients()} {@code == 1} for the client to be identified. The client of
 * this project sends {@code GetVersion} after each identification, so filter {@link #requests()} by type rather than
 * expecting an exact list. Read the effect of actions with {@link #currentScene()}, {@link #sceneItemEnabled},
 * {@link #inputMuted}, {@link #inputSettings}, {@link #mediaState}, {@link #hotkeysTriggered()}; make one fail with
 * {@link #failNext}, slow with {@link #delayNext}; take OBS down with {@link #stop()} and back with {@link #restart()}.
 * <p>
 * <b>Note:</b> thread safe; Netty runs the sessions on one event loop thread.
 */
public final class ObsSimulator implements AutoCloseable
{
    /** The subprotocol of JSON text messages. */
    public static final String SUBPROTOCOL = "obswebsocket.json";
    /** What {@code GetVersion} answers as {@code obsVersion}. */
    public static final String OBS_VERSION = SimulatedObs.OBS_VERSION;
    /** What Hello and {@code GetVersion} answer as {@code obsWebSocketVersion}. */
    public static final String OBS_WEBSOCKET_VERSION = SimulatedObs.OBS_WEBSOCKET_VERSION;
    /** {@code EventSubscription::All}: every category but the high-volume events; used when Identify names none. */
    public static final int EVENT_SUBSCRIPTION_ALL = 0x7FF;

    private record Failure(int code, String comment)
    {
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final Object lock = new Object();
    private final SimulatedObs obs = new SimulatedObs(mapper);
    private final SecureRandom random = new SecureRandom();
    private final EventLoopGroup group;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final List<ObsRequest> requests = new ArrayList<>();
    private final Map<String, ArrayDeque<Failure>> failures = new HashMap<>();
    private final Map<String, ArrayDeque<Long>> delays = new HashMap<>();
    private final List<Runnable> heldAnswers = new ArrayList<>();
    private boolean holding;
    private int identifications;
    private String lastIdentify;
    private volatile String password;
    private volatile Channel serverChannel;
    private volatile boolean closed;
    private volatile int port;

    private ObsSimulator(final String password)
    {
        this.password = null == password || password.isEmpty() ? null : password;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("obs-simulator", true), NioIoHandler.newFactory());
    }

    /**
     * Start a simulated OBS on an ephemeral port of 127.0.0.1.
     *
     * @param password the obs-websocket password, or null (or empty) for a server without authentication.
     * @return the running simulator.
     */
    public static ObsSimulator start(final String password)
    {
        final ObsSimulator simulator = new ObsSimulator(password);
        try
        {
            simulator.bind(0);
        }
        catch (final RuntimeException ex)
        {
            simulator.close();
            throw ex;
        }
        return simulator;
    }

    /**
     * The port it listens on (the same after {@link #restart()}).
     *
     * @return the port.
     */
    public int port()
    {
        return port;
    }

    /**
     * The URL a client connects to, such as {@code ws://127.0.0.1:40123}.
     *
     * @return the URL.
     */
    public String url()
    {
        return "ws://127.0.0.1:" + port;
    }

    /**
     * The password it asks for.
     *
     * @return the password, or null when it asks for none.
     */
    public String password()
    {
        return password;
    }

    /**
     * Change the password (or turn authentication off with null), as a streamer does in OBS's settings; sessions
     * already identified stay, new connections use it.
     *
     * @param password the new password, or null.
     */
    public void password(final String password)
    {
        this.password = null == password || password.isEmpty() ? null : password;
    }

    /**
     * Whether it is listening.
     *
     * @return false after {@link #stop()} until {@link #restart()}.
     */
    public boolean running()
    {
        final Channel channel = serverChannel;
        return null != channel && channel.isActive();
    }

    /**
     * Stop listening and close every session with 1001 "Server stopping." (as OBS does when it quits). The state stays.
     */
    public void stop()
    {
        final Channel channel = serverChannel;
        serverChannel = null;
        if (null != channel)
        {
            channel.close().syncUninterruptibly();
        }
        closeAll(1001, "Server stopping.");
        for (final Channel child : channels)
        {
            boolean session = false;
            for (final Session s : sessions)
            {
                session |= s.channel == child;
            }
            if (!session)
            {
                // Still in the HTTP upgrade: nothing to say, just hang up.
                child.close();
            }
        }
    }

    /**
     * Listen again on the same port after {@link #stop()}.
     *
     * @throws IllegalStateException if it is running or closed, or the port cannot be bound.
     */
    public void restart()
    {
        if (closed || running())
        {
            throw new IllegalStateException("OBS simulator: restart expected a stopped simulator");
        }
        bind(port);
    }

    /**
     * Stop for good and free the event loop.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            stop();
        }
        finally
        {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Drop every connection at once, without a close frame (a crashed OBS, a network cut).
     */
    public void disconnectAll()
    {
        for (final Session session : sessions)
        {
            session.channel.close();
        }
    }

    /**
     * Close every session with a close frame.
     *
     * @param code   such as 4011 (SessionInvalidated, the Kick of OBS's session list).
     * @param reason the close reason.
     */
    public void closeAll(final int code, final String reason)
    {
        for (final Session session : sessions)
        {
            session.close(code, reason);
        }
    }

    /**
     * Identified sessions connected now.
     *
     * @return the count.
     */
    public int clients()
    {
        int count = 0;
        for (final Session session : sessions)
        {
            count += session.identified ? 1 : 0;
        }
        return count;
    }

    /**
     * Successful identifications since start (each reconnection of a client adds one).
     *
     * @return the count.
     */
    public int identifications()
    {
        synchronized (lock)
        {
            return identifications;
        }
    }

    /**
     * The data of the last successful Identify (rpcVersion, authentication, eventSubscriptions).
     *
     * @return its JSON, or null before the first.
     */
    public String lastIdentify()
    {
        synchronized (lock)
        {
            return lastIdentify;
        }
    }

    /**
     * Every request received, in order (a batch's requests one by one), type and requestData (null for none).
     *
     * @return a copy.
     */
    public List<ObsRequest> requests()
    {
        synchronized (lock)
        {
            return List.copyOf(requests);
        }
    }

    /**
     * The requests of one type received, in order.
     *
     * @param requestType such as {@code SetCurrentProgramScene}.
     * @return a copy.
     */
    public List<ObsRequest> requests(final String requestType)
    {
        synchronized (lock)
        {
            return requests.stream().filter(r -> r.requestType().equals(requestType)).toList();
        }
    }

    /**
     * Forget the requests received so far.
     */
    public void clearRequests()
    {
        synchronized (lock)
        {
            requests.clear();
        }
    }

    /**
     * Answer the next request of a type with an error and without performing it.
     *
     * @param requestType such as {@code SetCurrentProgramScene}.
     * @param code        the status code, such as 600 or 702.
     * @param comment     the comment.
     */
    public void failNext(final String requestType, final int code, final String comment)
    {
        synchronized (lock)
        {
            failures.computeIfAbsent(requestType, k -> new ArrayDeque<>()).add(new Failure(code, comment));
        }
    }

    /**
     * Perform and answer the next request of a type only after a delay (scheduled on the event loop), as a busy OBS
     * would; the answer of a delay longer than the client's timeout arrives after the client gave up.
     *
     * @param requestType such as {@code GetVersion}.
     * @param delayMs     the delay.
     */
    public void delayNext(final String requestType, final long delayMs)
    {
        synchronized (lock)
        {
            delays.computeIfAbsent(requestType, k -> new ArrayDeque<>()).add(delayMs);
        }
    }

    /**
     * Record requests and batches but hold them, unperformed and unanswered, until {@link #releaseAnswers()}.
     */
    public void holdAnswers()
    {
        synchronized (lock)
        {
            holding = true;
        }
    }

    /**
     * Perform and answer the held requests in the order they came, and stop holding.
     */
    public void releaseAnswers()
    {
        final List<Runnable> held;
        synchronized (lock)
        {
            holding = false;
            held = new ArrayList<>(heldAnswers);
            heldAnswers.clear();
        }
        group.next().execute(() -> held.forEach(Runnable::run));
    }

    /**
     * Send an event to the identified sessions subscribed to its intent.
     *
     * @param eventType     such as {@code StreamStateChanged}.
     * @param eventIntent   its category bit, such as 64 (Outputs).
     * @param eventDataJson a JSON object, or null.
     */
    public void emitEvent(final String eventType, final int eventIntent, final String eventDataJson)
    {
        final ObjectNode data = null == eventDataJson ? null : (ObjectNode)parse(eventDataJson);
        broadcast(List.of(new SimulatedObs.Event(eventType, eventIntent, data)));
    }

    /**
     * Send a raw text message to every identified session, split into frames (a text frame and continuations).
     *
     * @param text      the message.
     * @param fragments how many frames, 1 or more.
     */
    public void sendRaw(final String text, final int fragments)
    {
        for (final Session session : sessions)
        {
            if (session.identified)
            {
                session.sendFragmented(text, fragments);
            }
        }
    }

    /**
     * The current program scene.
     *
     * @return its name.
     */
    public String currentScene()
    {
        synchronized (lock)
        {
            return obs.currentScene();
        }
    }

    /**
     * Whether an input is muted.
     *
     * @param inputName such as {@code Mic}.
     * @return the mute state, or null for an unknown input.
     */
    public Boolean inputMuted(final String inputName)
    {
        synchronized (lock)
        {
            return obs.inputMuted(inputName);
        }
    }

    /**
     * An input's settings.
     *
     * @param inputName such as {@code Last tipper}.
     * @return its settings as JSON, such as {@code {"text":"alice"}}, or null for an unknown input.
     */
    public String inputSettings(final String inputName)
    {
        synchronized (lock)
        {
            return obs.inputSettings(inputName);
        }
    }

    /**
     * A media input's state.
     *
     * @param inputName such as {@code Intro video}.
     * @return such as {@code OBS_MEDIA_STATE_PLAYING}, or null for an unknown input.
     */
    public String mediaState(final String inputName)
    {
        synchronized (lock)
        {
            return obs.mediaState(inputName);
        }
    }

    /**
     * Whether a source is shown in a scene.
     *
     * @param sceneName  such as {@code Celebration}.
     * @param sourceName such as {@code Confetti}.
     * @return the first such item's enabled state, or null when the scene has no such item.
     */
    public Boolean sceneItemEnabled(final String sceneName, final String sourceName)
    {
        synchronized (lock)
        {
            return obs.sceneItemEnabled(sceneName, sourceName);
        }
    }

    /**
     * The hotkeys triggered by name, in order.
     *
     * @return a copy.
     */
    public List<String> hotkeysTriggered()
    {
        synchronized (lock)
        {
            return obs.hotkeysTriggered();
        }
    }

    /**
     * Back to the default scene collection; forget requests, failures, delays and held answers.
     */
    public void reset()
    {
        synchronized (lock)
        {
            obs.reset();
            requests.clear();
            failures.clear();
            delays.clear();
            heldAnswers.clear();
            holding = false;
        }
    }

    private void bind(final int bindPort)
    {
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                protected void initChannel(final SocketChannel channel)
                {
                    channels.add(channel);
                    final WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                        .websocketPath("/")
                        .checkStartsWith(true)
                        .subprotocols(SUBPROTOCOL)
                        .decoderConfig(WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(64 << 20).build())
                        .build();
                    channel.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(65536))
                        .addLast(new WebSocketServerProtocolHandler(config))
                        .addLast(new WebSocketFrameAggregator(64 << 20))
                        .addLast(new Session(channel));
                }
            });
        try
        {
            final Channel channel = bootstrap.bind("127.0.0.1", bindPort).sync().channel();
            port = ((InetSocketAddress)channel.localAddress()).getPort();
            serverChannel = channel;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("OBS simulator: interrupted binding 127.0.0.1:" + bindPort, ex);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("OBS simulator: cannot bind 127.0.0.1:" + bindPort + ": " + ex.getMessage(), ex);
        }
    }

    private JsonNode parse(final String json)
    {
        try
        {
            return mapper.readTree(json);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException("OBS simulator: expected JSON, got " + json, ex);
        }
    }

    private void broadcast(final List<SimulatedObs.Event> events)
    {
        for (final SimulatedObs.Event event : events)
        {
            final ObjectNode d = mapper.createObjectNode()
                .put("eventType", event.eventType())
                .put("eventIntent", event.eventIntent());
            if (null != event.eventData())
            {
                d.set("eventData", event.eventData());
            }
            for (final Session session : sessions)
            {
                if (session.identified && 0 != (session.eventSubscriptions & event.eventIntent()))
                {
                    session.send(5, d);
                }
            }
        }
    }

    private static String sha256Base64(final String text)
    {
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private String randomBase64()
    {
        final byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** One client connection; its handler runs on the event loop. */
    private final class Session extends SimpleChannelInboundHandler<WebSocketFrame>
    {
        private final Channel channel;
        private volatile boolean identified;
        private volatile int eventSubscriptions;
        private String salt;
        private String challenge;
        private String expectedPassword;

        private Session(final Channel channel)
        {
            this.channel = channel;
        }

        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception
        {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete)
            {
                sessions.add(this);
                final ObjectNode hello = mapper.createObjectNode()
                    .put("obsWebSocketVersion", OBS_WEBSOCKET_VERSION)
                    .put("rpcVersion", 1);
                expectedPassword = password;
                if (null != expectedPassword)
                {
                    salt = randomBase64();
                    challenge = randomBase64();
                    hello.putObject("authentication").put("challenge", challenge).put("salt", salt);
                }
                send(0, hello);
            }
            super.userEventTriggered(ctx, evt);
        }

        public void channelInactive(final ChannelHandlerContext ctx) throws Exception
        {
            sessions.remove(this);
            identified = false;
            super.channelInactive(ctx);
        }

        protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame)
        {
            if (frame instanceof BinaryWebSocketFrame)
            {
                close(4002, "Binary messages are not supported with the JSON subprotocol.");
                return;
            }
            if (!(frame instanceof TextWebSocketFrame text))
            {
                return;
            }
            final JsonNode message;
            try
            {
                message = mapper.readTree(text.text());
            }
            catch (final JsonProcessingException ex)
            {
                close(4002, "Unable to decode the message as JSON.");
                return;
            }
            if (null == message || !message.isObject() || !message.path("op").isInt())
            {
                close(4006, "Your message is missing an `op` number.");
                return;
            }
            final int op = message.get("op").asInt();
            final JsonNode d = message.path("d");
            if (!d.isObject())
            {
                close(4003, "Your message is missing its `d` object.");
                return;
            }
            if (!identified && 1 != op)
            {
                close(4007, "The session has not been identified yet.");
                return;
            }
            switch (op)
            {
                case 1 -> identify(d);
                case 3 ->
                {
                    eventSubscriptions = d.path("eventSubscriptions").asInt(EVENT_SUBSCRIPTION_ALL);
                    send(2, mapper.createObjectNode().put("negotiatedRpcVersion", 1));
                }
                case 6 -> request(d);
                case 8 -> batch(d);
                default -> close(4006, "Unknown OpCode: " + op);
            }
        }

        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }

        private void identify(final JsonNode d)
        {
            if (identified)
            {
                close(4008, "You are already Identified with the obs-websocket server.");
                return;
            }
            final JsonNode rpcVersion = d.get("rpcVersion");
            if (null == rpcVersion)
            {
                close(4003, "Your payload's data is missing an `rpcVersion`.");
                return;
            }
            if (!rpcVersion.isInt())
            {
                close(4004, "Your `rpcVersion` is not a number.");
                return;
            }
            if (1 != rpcVersion.asInt())
            {
                close(4010, "Your requested RPC version (" + rpcVersion.asInt() + ") is not supported.");
                return;
            }
            if (null != expectedPassword)
            {
                final JsonNode authentication = d.get("authentication");
                if (null == authentication || !authentication.isTextual())
                {
                    close(4009, "Your payload's data is missing an `authentication` string, however authentication " +
                        "is required.");
                    return;
                }
                final String expected = sha256Base64(sha256Base64(expectedPassword + salt) + challenge);
                if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    authentication.asText().getBytes(StandardCharsets.US_ASCII)))
                {
                    close(4009, "Authentication failed.");
                    return;
                }
            }
            final JsonNode subscriptions = d.get("eventSubscriptions");
            if (null != subscriptions && !subscriptions.isInt())
            {
                close(4004, "Your `eventSubscriptions` is not a number.");
                return;
            }
            eventSubscriptions = null == subscriptions ? EVENT_SUBSCRIPTION_ALL : subscriptions.asInt();
            synchronized (lock)
            {
                identifications++;
                lastIdentify = d.toString();
            }
            identified = true;
            send(2, mapper.createObjectNode().put("negotiatedRpcVersion", 1));
        }

        private void request(final JsonNode d)
        {
            final JsonNode type = d.get("requestType");
            final JsonNode id = d.get("requestId");
            if (null == type || !type.isTextual() || null == id)
            {
                close(4003, "Your request is missing a `requestType` or `requestId`.");
                return;
            }
            final JsonNode data = d.get("requestData");
            final Runnable answer = () ->
            {
                final ObjectNode response = perform(type.asText(), data);
                response.set("requestId", id);
                send(7, response);
            };
            final Long delayMs;
            synchronized (lock)
            {
                requests.add(new ObsRequest(type.asText(), null == data || data.isNull() ? null : data.toString()));
                final ArrayDeque<Long> typeDelays = delays.get(type.asText());
                delayMs = null == typeDelays ? null : typeDelays.poll();
                if (holding)
                {
                    heldAnswers.add(answer);
                    return;
                }
            }
            if (null == delayMs)
            {
                answer.run();
            }
            else
            {
                channel.eventLoop().schedule(answer, delayMs, TimeUnit.MILLISECONDS);
            }
        }

        private void batch(final JsonNode d)
        {
            final JsonNode id = d.get("requestId");
            final JsonNode list = d.get("requests");
            if (null == id || null == list || !list.isArray())
            {
                close(4003, "Your request batch is missing a `requestId` or a `requests` array.");
                return;
            }
            final boolean haltOnFailure = d.path("haltOnFailure").asBoolean(false);
            final Runnable answer = () ->
            {
                final ObjectNode response = mapper.createObjectNode();
                response.set("requestId", id);
                final ArrayNode results = response.putArray("results");
                for (final JsonNode request : list)
                {
                    final ObjectNode result = perform(request.path("requestType").asText(""), request.get("requestData"));
                    if (request.has("requestId"))
                    {
                        result.set("requestId", request.get("requestId"));
                    }
                    results.add(result);
                    if (haltOnFailure && !result.path("requestStatus").path("result").asBoolean())
                    {
                        break;
                    }
                }
                send(9, response);
            };
            synchronized (lock)
            {
                for (final JsonNode request : list)
                {
                    final JsonNode data = request.get("requestData");
                    requests.add(new ObsRequest(request.path("requestType").asText(""),
                        null == data || data.isNull() ? null : data.toString()));
                }
                if (holding)
                {
                    heldAnswers.add(answer);
                    return;
                }
            }
            answer.run();
        }

        private ObjectNode perform(final String requestType, final JsonNode data)
        {
            final SimulatedObs.Result result;
            synchronized (lock)
            {
                final ArrayDeque<Failure> typeFailures = failures.get(requestType);
                final Failure failure = null == typeFailures ? null : typeFailures.poll();
                result = null != failure ? new SimulatedObs.Result(failure.code(), failure.comment(), null, List.of()) :
                    requestType.isEmpty() ?
                    new SimulatedObs.Result(203, "Your request is missing a `requestType`.", null, List.of()) :
                    obs.perform(requestType, data);
            }
            final ObjectNode response = mapper.createObjectNode().put("requestType", requestType);
            final ObjectNode status = response.putObject("requestStatus")
                .put("result", result.ok())
                .put("code", result.code());
            if (null != result.comment())
            {
                status.put("comment", result.comment());
            }
            if (null != result.responseData())
            {
                response.set("responseData", result.responseData());
            }
            broadcast(result.events());
            return response;
        }

        private void send(final int op, final ObjectNode d)
        {
            final ObjectNode message = mapper.createObjectNode().put("op", op);
            message.set("d", d);
            channel.writeAndFlush(new TextWebSocketFrame(message.toString()));
        }

        private void sendFragmented(final String text, final int fragments)
        {
            final int count = Math.max(1, Math.min(fragments, text.length()));
            final int size = (text.length() + count - 1) / count;
            for (int start = 0, i = 0; start < text.length(); start += size, i++)
            {
                final String part = text.substring(start, Math.min(text.length(), start + size));
                final boolean last = start + size >= text.length();
                channel.write(0 == i ? new TextWebSocketFrame(last, 0, part) : new ContinuationWebSocketFrame(last, 0, part));
            }
            channel.flush();
        }

        private void close(final int code, final String reason)
        {
            identified = false;
            channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
