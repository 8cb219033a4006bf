package dev.commandcenter.app.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import dev.commandcenter.config.LabelledEnumDeserializer;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.ThreadingMode;
import dev.commandcenter.persistence.Durability;
import dev.commandcenter.persistence.RollCycleNames;
import dev.commandcenter.plugin.host.PluginsSettings;
import net.openhft.chronicle.queue.RollCycle;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The YAML configuration of {@code commandcenter run}, bound by {@link ConfigLoader}. Every key has a default,
 * so an empty file is a valid configuration; unknown keys are errors; closed sets are enums written as
 * lowercase labels with dashes ({@code busy-spin}, {@code page-cache}). The README documents each key.
 */
public final class AppConfig
{
    /** Engine rings and isolation. */
    public Engine engine = new Engine();
    /** Event journal. */
    public Journal journal = new Journal();
    /** Telemetry history. */
    public Telemetry telemetry = new Telemetry();
    /** HTTP and WebSocket server. */
    public WebSocket websocket = new WebSocket();
    /** Chat gateway: rate limits, bounds, filters file. */
    public Chat chat = new Chat();
    /** Wallet source. */
    public Wallet wallet = new Wallet();
    /** Automation: the rules file, the action executor's bounds, the bot's name. See docs/automation.md. */
    public Automation automation = new Automation();
    /** OBS WebSocket v5 connection of the automation's OBS actions: off unless {@code obs.url} is set. */
    public Obs obs = new Obs();
    /** The tip page ({@code /tip/}): fresh addresses of the creator's extended key for viewers. See docs/tips.md. */
    public Tips tips = new Tips();
    /**
     * Plugin settings: {@code dir}, {@code watchDebounceMs}, {@code defaults}, and one section per plugin id
     * holding hosting keys ({@code enabled}, {@code backPressure}, {@code lagLimit}, {@code stallTimeoutMs},
     * {@code quarantineAfterFailures}) plus the plugin's own keys. See docs/plugins.md.
     */
    public PluginsSettings plugins = PluginsSettings.NONE;
    /** Aeron transport: off unless enabled. See the configuration reference. */
    public dev.commandcenter.transport.aeron.AeronSettings aeron = new dev.commandcenter.transport.aeron.AeronSettings();

    /** Wait strategies of the rings, as named in {@code engine.waitStrategy}. */
    public enum WaitStrategy
    {
        /** Park until a publisher wakes the consumer: the default, no CPU while idle, kind to a small machine. */
        BLOCKING,
        /** Spin, then yield, then sleep briefly. */
        SLEEPING,
        /** Spin, then yield: lower latency, a busy core. */
        YIELDING,
        /** Spin: the lowest latency, a core each; an opt-in latency profile. */
        BUSY_SPIN;

        /**
         * The name the engine knows the strategy by.
         *
         * @return such as {@code busy-spin}.
         */
        public String label()
        {
            return LabelledEnumDeserializer.label(this);
        }
    }

    /** Binds {@code engine.backPressure}: {@code block} or {@code reject}, the policies of producers. */
    public static final class ProducerBackPressure extends LabelledEnumDeserializer<BackPressure>
    {
        private static final long serialVersionUID = 1L;

        /** Bind the producer values of {@link BackPressure}. */
        public ProducerBackPressure()
        {
            super(BackPressure.class, BackPressure.BLOCK, BackPressure.REJECT);
        }
    }

    /**
     * Binds {@code journal.rollCycle}: every roll cycle Chronicle Queue offers but its test cycles, the legacy
     * ones ({@code minutely}, {@code hourly}, {@code daily}) included, written lowercase with dashes or as
     * Chronicle names them ({@code FAST_DAILY}).
     */
    public static final class RollCycleName extends StdScalarDeserializer<RollCycle>
    {
        private static final long serialVersionUID = 1L;

        /** Bind roll cycle names. */
        public RollCycleName()
        {
            super(RollCycle.class);
        }

        /**
         * Read a roll cycle name.
         *
         * @param parser  at a scalar.
         * @param context the context.
         * @return the roll cycle.
         * @throws IOException when the name is none of Chronicle's roll cycles.
         */
        public RollCycle deserialize(final JsonParser parser, final DeserializationContext context) throws IOException
        {
            if (!parser.currentToken().isScalarValue() || parser.currentToken() == JsonToken.VALUE_NULL)
            {
                return (RollCycle)context.handleUnexpectedToken(handledType(), parser);
            }
            final String text = parser.getValueAsString();
            try
            {
                return RollCycleNames.of(text.trim().replace('-', '_'));
            }
            catch (final IllegalArgumentException ex)
            {
                final List<String> labels = new ArrayList<>();
                for (final String name : RollCycleNames.names())
                {
                    labels.add(name.toLowerCase(Locale.ROOT).replace('_', '-'));
                }
                throw InvalidFormatException.from(parser, "expected one of " + String.join(" | ", labels), text,
                    handledType());
            }
        }
    }

    /** {@code engine:} section. */
    public static final class Engine
    {
        /** Slots in the input ring, a power of two. */
        public int inputRingSize = dev.commandcenter.engine.core.Engine.Context.INPUT_RING_SIZE_DEFAULT;
        /** Slots in the output ring, a power of two. */
        public int outputRingSize = dev.commandcenter.engine.core.Engine.Context.OUTPUT_RING_SIZE_DEFAULT;
        /** blocking | sleeping | yielding | busy-spin. */
        public WaitStrategy waitStrategy = WaitStrategy.BLOCKING;
        /** auto | dedicated | shared-plugins | shared: which engine stages share a thread. */
        public ThreadingMode threadingMode = dev.commandcenter.engine.core.Engine.Context.THREADING_MODE_DEFAULT;
        /**
         * thread | http-loop: where the engine's one thread of the {@code shared} mode runs; {@code http-loop} runs it
         * on the Netty event loop that reads REST requests, so a posted event wakes one thread, not two.
         */
        public String runOn = "thread";
        /** block | reject. */
        @JsonDeserialize(using = ProducerBackPressure.class)
        public BackPressure backPressure = BackPressure.BLOCK;
        /** Failures after which a plugin is quarantined. */
        public int quarantineAfterFailures = dev.commandcenter.engine.core.Engine.Context.QUARANTINE_AFTER_FAILURES_DEFAULT;
        /** Interval of the counters sampler, ms. */
        public long sampleIntervalMs = dev.commandcenter.engine.core.Engine.Context.SAMPLE_INTERVAL_MS_DEFAULT;
    }

    /** {@code journal:} section. */
    public static final class Journal
    {
        /** Journal every input event (turn off only for benchmarks). */
        public boolean enabled = true;
        /** Roll cycle of the journal files (fast-daily, fast-hourly, daily, hourly, minutely, ...). */
        @JsonDeserialize(using = RollCycleName.class)
        public RollCycle rollCycle = RollCycleNames.of(RollCycleNames.DEFAULT);
        /** page-cache | sync. */
        public Durability durability = Durability.PAGE_CACHE;
        /** forever, "N cycles", or a duration such as 7d or 12h. */
        public String retention = "forever";
    }

    /** {@code telemetry:} section. */
    public static final class Telemetry
    {
        /** Snapshot counters into the telemetry history. */
        public boolean enabled = true;
        /** Snapshot interval, ms. */
        public long intervalMs = 10_000;
    }

    /** {@code websocket:} section. */
    public static final class WebSocket
    {
        /** Serve overlays, feeds and REST. */
        public boolean enabled = true;
        /**
         * Which backend owns the sockets: auto (native libwebsockets when built in and able to run here, else Netty),
         * netty, or native (an error when it cannot run). The environment variable CC_NATIVE=0|1 overrides it.
         */
        public String backend = "auto";
        /** Address to bind; loopback unless you mean to expose it. */
        public String bind = "127.0.0.1";
        /** TCP port; 0 picks a free one. */
        public int port = 7300;
        /**
         * Overlay token (plugin pages' feeds, the index; what OBS URLs carry), at least 22 random characters;
         * empty: the one in the data dir's secrets store ({@code commandcenter token show}).
         */
        public String token = "";
        /**
         * Admin token (REST posting, health, metrics, plugin control), at least 22 random characters, different from
         * the overlay token; empty: the one in the data dir's secrets store.
         */
        public String adminToken = "";
        public String chatToken = "";
        public String moderatorToken = "";
        public List<String> trustedProxies = new ArrayList<>();
        /** Browser origins allowed besides the server's own. */
        public List<String> allowedOrigins = new ArrayList<>();
        /**
         * Host names the server answers to besides localhost, IP literals and the bind address (DNS rebinding guard).
         */
        public List<String> allowedHosts = new ArrayList<>();
        /** How long feeds opened with a rotated-out token stay open before they are closed with 1008, ms. */
        public long rotationGraceMs = 30_000;
        /** Accept wallet events (payments) posted over REST: for benchmarks only, never on a live stream. */
        public boolean acceptWalletEventsOverRest = false;
        /** Messages kept per feed for clients that connect later. */
        public int retain = 32;
        /** Outputs kept per feed for clients reconnecting with {@code ?since=<seq>}; older ones are reported as a gap. */
        public int resumeHistory = 1024;
        /**
         * Batch windows per feed ({@code all} or a plugin id), ms, 1 to 1000: clients of the feed that do not ask
         * otherwise with {@code ?batch=<ms>} ({@code batch=0} opts out) get the outputs of each window in one frame.
         */
        public Map<String, Integer> batching = new LinkedHashMap<>();
        /** Event loop threads for HTTP: REST, pages and upgrade requests, never behind fan-out writes. */
        public int httpThreads = 1;
        /** Event loop threads carrying upgraded WebSocket connections and their fan-out writes. */
        public int fanoutThreads = 1;
        /**
         * Upgraded WebSocket clients that stay on the HTTP loop instead of moving to a fan-out loop, the first N at any
         * time; -1 (the default): 4 when {@code engine.runOn} is {@code http-loop}, else 0.
         */
        public int httpLoopClients = -1;
        /** Open connections in all; more are closed at accept. 0: 4096, or 3/4 of the open file limit when lower. */
        public int maxConnections = 0;
        /** Open connections from one remote address; more are closed at accept. */
        public int maxConnectionsPerAddress = 256;
        /** Bytes queued for one connection that its client has not read; past it the connection is closed. */
        public int maxQueuedBytesPerConnection = 4 * 1024 * 1024;
        /** HTTP requests read from one connection and not yet answered; at the limit it reads no more. */
        public int maxPipelinedRequests = 16;
        /** Time for a request's headers to arrive, ms. */
        public long headerTimeoutMs = 10_000;
        /** Time for a request's body to arrive after its headers, ms. */
        public long bodyTimeoutMs = 10_000;
        /** Time a kept-alive HTTP connection may wait for its next request, ms. */
        public long idleTimeoutMs = 60_000;
        /** Interval of the server's WebSocket pings, ms; 0 sends none. */
        public long pingIntervalMs = 15_000;
        /** Ping intervals without a frame from a WebSocket client before it is closed with 1001. */
        public int missedPongs = 2;
        /** Pings, pongs and text pings a WebSocket client may send a second; more closes it with 1008. */
        public int maxControlFramesPerSecond = 20;
        /** Request body bytes being read at once, server wide; past it a request gets 503. */
        public long maxAggregatingBytes = 16L * 1024 * 1024;
    }

    /** {@code wallet:} section. */
    /**
     * The {@code chat:} section: the chat gateway's rate limits, bounds and filters file (the chat plugin's own
     * settings are under {@code plugins.chat}).
     */
    public static final class Chat
    {
        public double postsPerSecondPerConnection = 1;
        public int burstPerConnection = 5;
        public double postsPerSecondPerAddress = 3;
        public int burstPerAddress = 15;
        public int maxTrackedAddresses = 10_000;
        public int maxPendingVerdicts = 1024;
        public long verdictTimeoutMs = 2000;
        public String filtersFile = "";
    }

    /** {@code automation:} section. */
    public static final class Automation
    {
        /** Run the automation: the rules file, its timers and the action executor. */
        public boolean enabled = true;
        /** The rules file (YAML or JSON), reloaded when it changes; empty: none. */
        public String rules = "";
        /** Fires one queue holds; past it a new fire is dropped, counted and recorded as an outcome. */
        public int maxQueuedFires = 100;
        /** Action outcomes kept for {@code GET /api/automation}. */
        public int outcomes = 200;
        /** The name the automation's chat lines are posted under. */
        public String botName = "bot";
    }

    /** {@code tips:} section: the public tip page and its reservations of receive addresses. */
    public static final class Tips
    {
        /** Serve the tip page and its API; it still says why it is off when no extended key is watched. */
        public boolean enabled = true;
        /** The creator's name, shown on the page ("Tip NAME"); empty: "the streamer". */
        public String creator = "";
        /** The goal shown on the page: a title (empty: no goal) and its target in sats. */
        public Goal goal = new Goal();
        /** Smallest amount a viewer may choose, in sats (the stream bridge's own minimum still decides alerts). */
        public long minSats = 1_000;
        /** Largest amount a viewer may choose, in sats. */
        public long maxSats = 100_000_000;
        /** How long an unpaid reservation holds its address, such as 30m; then its index is given out again. */
        public String expiry = "30m";
        /** Which watched extended key (wallet.watch.xpubs, from 0) the addresses come from. */
        public int keyIndex = 0;
        /** Longest display name, in user-perceived characters. */
        public int maxNameGraphemes = 32;
        /** Longest message, in user-perceived characters. */
        public int maxMessageGraphemes = 200;
        /** Reservations a remote address may make a minute (a token bucket), and its burst. */
        public double reservationsPerMinutePerAddress = 4;
        public int reservationBurstPerAddress = 4;
        /** Status polls a remote address may make a second (a token bucket), and its burst. */
        public double pollsPerSecondPerAddress = 2;
        public int pollBurstPerAddress = 10;
        /** Remote addresses tracked for the limits at most; the least recent is forgotten past it. */
        public int maxTrackedAddresses = 10_000;
    }

    /** {@code tips.goal:} a goal shown on the tip page. */
    public static final class Goal
    {
        /** Title such as "New microphone"; empty: no goal shown. */
        public String title = "";
        /** Target in sats. */
        public long sats = 0;
    }

    /** {@code obs:} section. */
    public static final class Obs
    {
        /** obs-websocket URL such as ws://127.0.0.1:4455; empty: no OBS connection. */
        public String url = "";
        /** Key of the secrets store that holds the OBS WebSocket password (never the password itself). */
        public String passwordKey = "obsPassword";
        /** Time OBS has to answer a request, ms. */
        public long requestTimeoutMs = 5_000;
        /** First reconnect delay, ms (doubling). */
        public long reconnectMinMs = 1_000;
        /** Longest reconnect delay, ms. */
        public long reconnectMaxMs = 30_000;
    }

    public static final class Wallet
    {
        /** electrum (your servers) | simulator (embedded Electrum simulator, as in the demo) | none. */
        public String source = "electrum";
        /** mainnet | testnet | signet | regtest. */
        public String network = "mainnet";
        /**
         * mempool | confirmed: whether alerts (the stream bridge's {@code alertOn}, unless its section sets it) come
         * when a payment is first seen, on the server's word, or only once a merkle proof backs it.
         */
        public String alertOn = "mempool";
        /** Electrum servers. */
        public Electrum electrum = new Electrum();
        /** What to watch. */
        public Watch watch = new Watch();
        /** Unused addresses to derive ahead on each xpub chain. */
        public int gapLimit = 20;
        /** Confirmation updates are reported up to this depth. */
        public int confirmations = 6;
        /** Electrum wallet daemon notifications. */
        public Notify notify = new Notify();
        /** Seed of the simulator's payment stream (source: simulator). */
        public long simulatorSeed = 42;
    }

    /** {@code wallet.electrum:} section. */
    public static final class Electrum
    {
        /** Server URLs, tcp://host:port or ssl://host:port, tried in order with failover. */
        public List<String> servers = new ArrayList<>();
        /** Request timeout, ms. */
        public long requestTimeoutMs = 30_000;
        /** Keepalive ping interval, ms. */
        public long keepaliveIntervalMs = 60_000;
        /** Longest response line accepted, bytes. */
        public int maxLineLength = 1024 * 1024;
        /** Longest script history accepted; a longer one marks the server faulty. */
        public int maxHistoryItems = 10_000;
        /** Requests awaiting an answer at once; the rest wait their turn. */
        public int maxRequestsInFlight = 32;
        /** Largest transaction accepted, raw bytes; a larger one marks the server faulty. */
        public int maxTransactionBytes = 400_000;
        /** Raw bytes of fetched transactions kept for reuse. */
        public long txCacheBytes = 16L * 1024 * 1024;
        /** Validated block headers kept (SPV); payments first seen deeper than this stay unverified. */
        public int headerWindow = 2016;
        /** Deepest fork a replacing chain may have; deeper ones are refused as lies. */
        public int maxReorgDepth = 100;
        /** Most headers asked for in one blockchain.block.headers request (fewer if the line limit needs it). */
        public int headersPerRequest = 2016;
        /** Reconnect backoff bounds. */
        public Backoff backoff = new Backoff();
        /** TLS trust. */
        public Tls tls = new Tls();
    }

    /** {@code wallet.electrum.backoff:} section. */
    public static final class Backoff
    {
        /** First reconnect delay, ms (jittered, doubling). */
        public long minMs = 1_000;
        /** Longest reconnect delay, ms. */
        public long maxMs = 60_000;
    }

    /** {@code wallet.electrum.tls:} section. */
    public static final class Tls
    {
        /** Trust store (PKCS12/JKS) instead of the JDK's, or empty. */
        public String trustStore = "";
        /** Its password. */
        public String trustStorePassword = "";
        /** SHA-256 fingerprints (hex) of server certificates to trust even if self-signed. */
        public List<String> pinnedCertSha256 = new ArrayList<>();
        /** Accept any certificate (not recommended). */
        public boolean allowInsecure = false;
    }

    /** {@code wallet.watch:} section. */
    public static final class Watch
    {
        /** Addresses of any standard type for the configured network. */
        public List<String> addresses = new ArrayList<>();
        /** Extended public keys (xpub/ypub/zpub, tpub/upub/vpub). */
        public List<String> xpubs = new ArrayList<>();
    }

    /** {@code wallet.notify:} section. */
    public static final class Notify
    {
        /** Accept the Electrum wallet daemon's notify POSTs at the web server's /api/wallet/notify. */
        public boolean enabled = false;
        /** Token in the notify URL; random when empty. */
        public String token = "";
    }
}
