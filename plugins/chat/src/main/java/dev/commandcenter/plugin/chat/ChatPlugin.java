package dev.commandcenter.plugin.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.ChatAction;
import dev.commandcenter.codecs.sbe.ChatFiltersDecoder;
import dev.commandcenter.codecs.sbe.ChatLineDecoder;
import dev.commandcenter.codecs.sbe.ChatLineEncoder;
import dev.commandcenter.codecs.sbe.ChatLineKind;
import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.ChatModerationDecoder;
import dev.commandcenter.codecs.sbe.ChatRefusal;
import dev.commandcenter.codecs.sbe.ChatRefusedEncoder;
import dev.commandcenter.codecs.sbe.ChatRemovalScope;
import dev.commandcenter.codecs.sbe.ChatRemovedEncoder;
import dev.commandcenter.codecs.sbe.ChatRole;
import dev.commandcenter.codecs.sbe.ChatStateEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TipMemoDecoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.Lru;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.PluginStorage;
import dev.commandcenter.engine.plugin.Recovery;
import dev.commandcenter.engine.plugin.SnapshotCadence;
import dev.commandcenter.engine.plugin.Subscription;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chat: turns posted {@code ChatMessage}s into {@code ChatLine}s or {@code ChatRefused}s, applies moderation
 * ({@code ChatModeration}: delete, time-out, ban, unban, slow mode, clear) with {@code ChatRemoved} and
 * {@code ChatState}, takes its word and link filters from {@code ChatFilters} events, shows payments that carry a memo
 * (their own, or a {@code TipMemo} posted apart, which wins and may come before or after the payment) as paid lines,
 * and keeps the last lines of every room as history.
 * <p>
 * It decides from journaled events and their timestamps only, never a wall clock or a random number, so replaying a
 * journal reproduces the chat feed byte for byte. Names and texts are neutralised ({@link Neutralise}) before any
 * check; lengths are counted in graphemes. Every memory of viewers (names, address keys, bans, time-outs, repeats,
 * payments) is bounded and forgets the least recently used first.
 * <p>
 * State survives a restart: the plugin declares {@link Recovery#snapshot(long)}, writes a JSON snapshot
 * ({@value #SNAPSHOT_ENTRY}) to its storage every {@code snapshotEveryEvents} handled events (no two closer than
 * {@code snapshotMinIntervalMs} of event time, default 1,000: {@link SnapshotCadence}) and when it stops, and
 * after recovery re-announces every room's {@code ChatState} and history lines (marked {@code history}).
 * <p>
 * Configuration keys ({@code plugins.chat.*}) and their defaults are the {@code *_KEY} and {@code *_DEFAULT}
 * constants below; {@link ChatConfig} reads them. Its pages are served from {@link #webResourceRoot()} at
 * {@code /plugins/chat/} and listen on {@code /ws/chat}.
 * <p>
 * <b>Note:</b> all state is owned by the plugin's thread.
 */
public final class ChatPlugin implements Plugin
{
    /** Plugin id, used in configuration, URLs and counters. */
    public static final String ID = "chat";
    /** Class path folder of the chat page and the chat overlay. */
    public static final String WEB_RESOURCE_ROOT = "chat/web";
    /** The room a message with an empty channel goes to. */
    public static final String DEFAULT_ROOM = "main";
    /** Name of the snapshot entry in the plugin's storage. */
    public static final String SNAPSHOT_ENTRY = "chat-state.json";
    /** Format version of the snapshot written; format 1 (before tip memos) is still read. */
    public static final int SNAPSHOT_FORMAT = 2;
    /** Most events read back from the journal at start. */
    public static final long RECOVERY_MAX_EVENTS = 100_000;

    /** Key: the rooms, a list or comma-separated names. */
    public static final String ROOMS_KEY = "rooms";
    /** Default rooms: the one default room. */
    public static final List<String> ROOMS_DEFAULT = List.of(DEFAULT_ROOM);
    /** Most rooms. */
    public static final int MAX_ROOMS = 16;
    /** Key: lines kept per room and sent to a joining client. */
    public static final String HISTORY_LINES_KEY = "historyLines";
    /** Default lines kept per room. */
    public static final int HISTORY_LINES_DEFAULT = 50;
    /** Most lines kept per room. */
    public static final int HISTORY_LINES_MAX = 500;
    /** Key: longest message in graphemes. */
    public static final String MAX_GRAPHEMES_KEY = "maxGraphemes";
    /** Default longest message. */
    public static final int MAX_GRAPHEMES_DEFAULT = 300;
    /** Largest value of {@value #MAX_GRAPHEMES_KEY}. */
    public static final int MAX_GRAPHEMES_MAX = 2000;
    /** Key: longest display name in graphemes. */
    public static final String MAX_NAME_GRAPHEMES_KEY = "maxNameGraphemes";
    /** Default longest display name. */
    public static final int MAX_NAME_GRAPHEMES_DEFAULT = 25;
    /** Largest value of {@value #MAX_NAME_GRAPHEMES_KEY}. */
    public static final int MAX_NAME_GRAPHEMES_MAX = 64;
    /** Key: slow mode at start, milliseconds between two lines of a viewer (0 for off). */
    public static final String SLOW_MODE_MS_KEY = "slowModeMs";
    /** Default slow mode: off. */
    public static final long SLOW_MODE_MS_DEFAULT = 0;
    /** Longest slow mode: one day. */
    public static final long SLOW_MODE_MS_MAX = 86_400_000L;
    /** Key: how long the same text from the same name is refused as repeated (0 for off). */
    public static final String REPEAT_WINDOW_MS_KEY = "repeatWindowMs";
    /** Default repeat window. */
    public static final long REPEAT_WINDOW_MS_DEFAULT = 30_000;
    /** Longest repeat window: one day. */
    public static final long REPEAT_WINDOW_MS_MAX = 86_400_000L;
    /** Key: largest share of capital letters, in percent. */
    public static final String MAX_CAPS_PERCENT_KEY = "maxCapsPercent";
    /** Default largest share of capital letters. */
    public static final int MAX_CAPS_PERCENT_DEFAULT = 70;
    /** The caps limit applies to messages with at least this many letters. */
    public static final int CAPS_MIN_LETTERS = 12;
    /** Key: most emoji in a message. */
    public static final String MAX_EMOJI_KEY = "maxEmoji";
    /** Default most emoji. */
    public static final int MAX_EMOJI_DEFAULT = 12;
    /** Key: the streamer's display name, which only an admin may post under. */
    public static final String STREAMER_NAME_KEY = "streamerName";
    /** Default streamer name. */
    public static final String STREAMER_NAME_DEFAULT = "streamer";
    /** Key: smallest payment whose memo shows as a paid message, in satoshis. */
    public static final String PAID_MIN_SATS_KEY = "paidMinSats";
    /** Default smallest paid message. */
    public static final long PAID_MIN_SATS_DEFAULT = 1;
    /** Key: sources whose payments become paid messages, a list or comma-separated source names. */
    public static final String ACCEPT_PAYMENTS_FROM_KEY = "acceptPaymentsFrom";
    /** Default: payments the wallet reported, nothing else. */
    public static final String ACCEPT_PAYMENTS_FROM_DEFAULT = "wallet";
    /** Key: handled events between two snapshots. */
    public static final String SNAPSHOT_EVERY_EVENTS_KEY = "snapshotEveryEvents";
    /** Default events between two snapshots. */
    public static final long SNAPSHOT_EVERY_EVENTS_DEFAULT = 500;
    /** Largest value of {@value #SNAPSHOT_EVERY_EVENTS_KEY}. */
    public static final long SNAPSHOT_EVERY_EVENTS_MAX = 10_000_000;

    /** Longest message in UTF-8 bytes, whatever its graphemes. */
    public static final int TEXT_MAX_BYTES = 2048;
    /** Longest display name in UTF-8 bytes. */
    public static final int NAME_MAX_BYTES = 256;
    /** Longest moderation reason shown, in graphemes. */
    public static final int REASON_MAX_GRAPHEMES = 200;
    /** Longest time-out: fourteen days. */
    public static final long TIMEOUT_MS_MAX = 14L * 86_400_000L;
    /** Viewers remembered (names and address keys) for slow mode, repeats and keys of a name. */
    public static final int VIEWERS_CAPACITY = 4096;
    /** Bans remembered; the oldest is forgotten beyond. */
    public static final int BANS_CAPACITY = 4096;
    /** Address keys remembered per display name, the most recent first. */
    public static final int KEYS_PER_NAME = 4;
    /** Payments remembered so that a payment reported twice shows once. */
    public static final int PAYMENTS_CAPACITY = 8192;
    /** Name of paid messages whose memo names nobody. */
    public static final String ANONYMOUS = "anonymous";
    /** Tip memos kept waiting for their payment; the least recently posted is forgotten beyond. */
    public static final int PENDING_MEMOS_CAPACITY = 1024;
    /** How long a tip memo waits for its payment, in event time: one day. */
    public static final long PENDING_MEMO_MS = 86_400_000L;
    /** Accepted payments without a memo kept waiting for a tip memo; the oldest is forgotten beyond. */
    public static final int PENDING_PAYMENTS_CAPACITY = 1024;
    /** How long a payment without a memo waits for a tip memo, in event time: one hour. */
    public static final long PENDING_PAYMENT_MS = 3_600_000L;

    static final List<String> KNOWN_KEYS = List.of(ROOMS_KEY, HISTORY_LINES_KEY, MAX_GRAPHEMES_KEY,
        MAX_NAME_GRAPHEMES_KEY, SLOW_MODE_MS_KEY, REPEAT_WINDOW_MS_KEY, MAX_CAPS_PERCENT_KEY, MAX_EMOJI_KEY,
        STREAMER_NAME_KEY, PAID_MIN_SATS_KEY, ACCEPT_PAYMENTS_FROM_KEY, SNAPSHOT_EVERY_EVENTS_KEY,
        SnapshotCadence.MIN_INTERVAL_MS_KEY);

    private static final Set<String> RESERVED_NAMES = Set.of("moderator", "system");
    private static final System.Logger LOGGER = System.getLogger(ChatPlugin.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_MESSAGE_LENGTH = 4096;

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ChatMessageDecoder messageDecoder = new ChatMessageDecoder();
    private final ChatModerationDecoder moderationDecoder = new ChatModerationDecoder();
    private final ChatFiltersDecoder filtersDecoder = new ChatFiltersDecoder();
    private final TransactionReceivedDecoder receivedDecoder = new TransactionReceivedDecoder();
    private final TipMemoDecoder memoDecoder = new TipMemoDecoder();
    private final ChatLineDecoder lineDecoder = new ChatLineDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ChatLineEncoder lineEncoder = new ChatLineEncoder();
    private final ChatRefusedEncoder refusedEncoder = new ChatRefusedEncoder();
    private final ChatRemovedEncoder removedEncoder = new ChatRemovedEncoder();
    private final ChatStateEncoder stateEncoder = new ChatStateEncoder();
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[MAX_MESSAGE_LENGTH]);
    private final UnsafeBuffer lineView = new UnsafeBuffer(new byte[0]);
    private final StringBuilder hex = new StringBuilder(128);

    private final Map<String, Room> rooms = new LinkedHashMap<>();
    private final Lru<String, Long> lastShownByName = new Lru<>(VIEWERS_CAPACITY);
    private final Lru<Long, Long> lastShownByKey = new Lru<>(VIEWERS_CAPACITY);
    private final Lru<String, Said> lastSaid = new Lru<>(VIEWERS_CAPACITY);
    private final Lru<String, long[]> keysByName = new Lru<>(VIEWERS_CAPACITY);
    private final Lru<String, Long> timedOutNames = new Lru<>(VIEWERS_CAPACITY);
    private final Lru<Long, Long> timedOutKeys = new Lru<>(VIEWERS_CAPACITY);
    private final Lru<String, Boolean> bannedNames = new Lru<>(BANS_CAPACITY);
    private final Lru<Long, String> bannedKeys = new Lru<>(BANS_CAPACITY * KEYS_PER_NAME);
    private final Lru<String, Boolean> seenPayments = new Lru<>(PAYMENTS_CAPACITY);
    private final Lru<String, Boolean> paidTxids = new Lru<>(PAYMENTS_CAPACITY);
    private final Lru<String, Memo> pendingMemos = new Lru<>(PENDING_MEMOS_CAPACITY);
    private final Lru<String, Payment> pendingPayments = new Lru<>(PENDING_PAYMENTS_CAPACITY);

    private PluginContext context;
    private PluginStorage storage;
    private Emitter emitter;
    private ChatConfig config;
    private String streamerFolded;
    private ChatFilterSet filters = ChatFilterSet.defaults();
    private long nextSequence;
    private SnapshotCadence snapshotCadence =
        new SnapshotCadence(SNAPSHOT_EVERY_EVENTS_DEFAULT, SnapshotCadence.MIN_INTERVAL_MS_DEFAULT);
    private boolean snapshotFailed;
    private long ignoredModerations;
    private long ignoredPayments;
    private long ignoredMemos;
    private long rejectedFilters;

    /**
     * Create the plugin; configuration is read in {@link #onStart(PluginContext)}.
     */
    public ChatPlugin()
    {
    }

    /**
     * {@inheritDoc}
     */
    public String id()
    {
        return ID;
    }

    /**
     * {@code ChatMessage}, {@code ChatModeration}, {@code ChatFilters} and {@code TransactionReceived}.
     *
     * @return the subscription.
     */
    public Subscription subscription()
    {
        return Subscription.of(ChatMessageDecoder.TEMPLATE_ID, ChatModerationDecoder.TEMPLATE_ID,
            ChatFiltersDecoder.TEMPLATE_ID, TransactionReceivedDecoder.TEMPLATE_ID, TipMemoDecoder.TEMPLATE_ID);
    }

    /**
     * A snapshot, then at most {@value #RECOVERY_MAX_EVENTS} events of the journal.
     *
     * @return the declaration.
     */
    public Recovery recovery()
    {
        return Recovery.snapshot(RECOVERY_MAX_EVENTS);
    }

    /**
     * The chat page ({@code index.html}) and the OBS chat overlay ({@code overlay.html}).
     *
     * @return {@value #WEB_RESOURCE_ROOT}.
     */
    public String webResourceRoot()
    {
        return WEB_RESOURCE_ROOT;
    }

    /**
     * Read and check the configuration and start with empty rooms and the default filters.
     *
     * @param context of this plugin.
     * @throws IllegalArgumentException with a one-line message naming the wrong key and what was expected.
     */
    public void onStart(final PluginContext context)
    {
        config = ChatConfig.from(context.config());
        snapshotCadence = new SnapshotCadence(config.snapshotEveryEvents(), config.snapshotMinIntervalMs());
        this.context = context;
        emitter = context.emitter();
        streamerFolded = Neutralise.fold(config.streamerName());
        storage = storageOf(context);
        reset();
    }

    /**
     * Handle one chat message, moderation action, filter set, payment or tip memo.
     *
     * @param event a subscribed event.
     */
    public void onEvent(final Event event)
    {
        final long atMs = Math.floorDiv(event.timestampNs(), 1_000_000L);
        switch (event.templateId())
        {
            case ChatMessageDecoder.TEMPLATE_ID -> onMessage(event, atMs);
            case ChatModerationDecoder.TEMPLATE_ID -> onModeration(event, atMs);
            case ChatFiltersDecoder.TEMPLATE_ID -> onFilters(event);
            case TransactionReceivedDecoder.TEMPLATE_ID -> onPayment(event, atMs);
            case TipMemoDecoder.TEMPLATE_ID -> onTipMemo(event, atMs);
            default ->
            {
                return;
            }
        }
        nextSequence = event.sequence() + 1;
        if (snapshotCadence.onEvent(event.timestampNs()) && !context.recovering())
        {
            writeSnapshot(false);
        }
    }

    /**
     * Restore the snapshot written by an earlier run, if there is one.
     *
     * @param context of this plugin.
     * @return the first sequence the snapshot does not cover, or {@link Recovery#NO_SNAPSHOT}.
     * @throws IllegalStateException when the snapshot cannot be read; the state is then empty.
     */
    public long restoreSnapshot(final PluginContext context)
    {
        final byte[] bytes = context.storage().read(SNAPSHOT_ENTRY);
        if (null == bytes)
        {
            return Recovery.NO_SNAPSHOT;
        }
        try
        {
            return restore(MAPPER.readTree(bytes));
        }
        catch (final IOException | RuntimeException ex)
        {
            reset();
            throw new IllegalStateException(SNAPSHOT_ENTRY + ": cannot be restored: " + oneLine(ex), ex);
        }
    }

    /**
     * Re-announce the recovered state: one {@code ChatState} per room, then its history lines marked {@code history}.
     *
     * @param context of this plugin.
     */
    public void onRecovered(final PluginContext context)
    {
        for (final Room room : rooms.values())
        {
            emitState(room);
            for (final Line line : room.history)
            {
                out.putBytes(0, line.bytes);
                lineEncoder.wrap(out, MessageHeaderEncoder.ENCODED_LENGTH).history(BooleanType.TRUE);
                emitter.emit(out, 0, line.bytes.length);
            }
        }
    }

    /**
     * Write the snapshot.
     */
    public void onStop()
    {
        if (null != context)
        {
            writeSnapshot(true);
        }
    }

    /**
     * Moderation events ignored: a viewer's role, an unknown room or action, a target that may not be acted on.
     * <p>
     * <b>Note:</b> written by the plugin's thread.
     *
     * @return the count since start.
     */
    public long ignoredModerations()
    {
        return ignoredModerations;
    }

    /**
     * Payments ignored because their source is not accepted.
     * <p>
     * <b>Note:</b> written by the plugin's thread.
     *
     * @return the count since start.
     */
    public long ignoredPayments()
    {
        return ignoredPayments;
    }

    /**
     * Tip memos ignored: a second memo for the same payment, a memo for a payment already shown as a paid line, an
     * unknown room or nothing left of the text after neutralising.
     * <p>
     * <b>Note:</b> written by the plugin's thread.
     *
     * @return the count since start.
     */
    public long ignoredMemos()
    {
        return ignoredMemos;
    }

    /**
     * {@code ChatFilters} events whose filter set did not parse; the previous set stayed in force.
     * <p>
     * <b>Note:</b> written by the plugin's thread.
     *
     * @return the count since start.
     */
    public long rejectedFilters()
    {
        return rejectedFilters;
    }

    /**
     * The filter set in force.
     *
     * @return the filters.
     */
    public ChatFilterSet filters()
    {
        return filters;
    }

    int trackedViewers()
    {
        return lastShownByName.size() + lastShownByKey.size() + lastSaid.size() + keysByName.size() +
            timedOutNames.size() + timedOutKeys.size();
    }

    int pendingMemos()
    {
        return pendingMemos.size();
    }

    int pendingPayments()
    {
        return pendingPayments.size();
    }

    int trackedBans()
    {
        return bannedNames.size() + bannedKeys.size();
    }

    private void onMessage(final Event event, final long atMs)
    {
        final ChatMessageDecoder decoder =
            messageDecoder.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
        final long receipt = event.sequence();
        final long messageId = decoder.messageId();
        final ChatRole role = role(decoder.roleRaw());
        final long viewerKey = decoder.viewerKey();
        final String channel = decoder.channel();
        final String user = decoder.user();
        final String rawText = decoder.text();

        final Room room = rooms.get(channel.isEmpty() ? DEFAULT_ROOM : channel);
        if (null == room)
        {
            final String shown = clip(Neutralise.neutralise(channel), 32);
            refuse(receipt, messageId, ChatRefusal.INVALID, 0, shown, "unknown room '" + shown +
                "', expected one of " + String.join(", ", config.rooms()));
            return;
        }

        final String name = Neutralise.neutralise(user);
        final int nameGraphemes = Neutralise.graphemes(name);
        if (0 == nameGraphemes)
        {
            refuse(receipt, messageId, ChatRefusal.INVALID, 0, room.name,
                "display name missing: expected 1 to " + config.maxNameGraphemes() + " characters");
            return;
        }
        if (nameGraphemes > config.maxNameGraphemes() || utf8Length(name) > NAME_MAX_BYTES)
        {
            refuse(receipt, messageId, ChatRefusal.INVALID, 0, room.name, "display name too long: " + nameGraphemes +
                " characters, at most " + config.maxNameGraphemes());
            return;
        }
        final String folded = Neutralise.fold(name);
        if (folded.equals(streamerFolded) && ChatRole.ADMIN != role)
        {
            refuse(receipt, messageId, ChatRefusal.NOT_ALLOWED, 0, room.name, "that name belongs to the streamer");
            return;
        }
        if (RESERVED_NAMES.contains(folded))
        {
            refuse(receipt, messageId, ChatRefusal.NOT_ALLOWED, 0, room.name, "that name is reserved");
            return;
        }

        if (bannedNames.containsKey(folded) || (0 != viewerKey && bannedKeys.containsKey(viewerKey)))
        {
            refuse(receipt, messageId, ChatRefusal.BANNED, 0, room.name, "banned from this chat");
            return;
        }
        final long until = Math.max(timedOutUntil(timedOutNames, folded, atMs), timedOutUntil(timedOutKeys,
            0 == viewerKey ? null : viewerKey, atMs));
        if (until > atMs)
        {
            refuse(receipt, messageId, ChatRefusal.TIMED_OUT, until - atMs, room.name,
                "timed out: wait " + seconds(until - atMs) + " s");
            return;
        }
        rememberKey(folded, viewerKey);

        final String text = Neutralise.neutralise(rawText);
        if (text.isEmpty())
        {
            refuse(receipt, messageId, ChatRefusal.INVALID, 0, room.name, "empty message");
            return;
        }
        final int graphemes = Neutralise.graphemes(text);
        if (graphemes > config.maxGraphemes())
        {
            refuse(receipt, messageId, ChatRefusal.TOO_LONG, 0, room.name,
                "message too long: " + graphemes + " characters, at most " + config.maxGraphemes());
            return;
        }
        final int bytes = utf8Length(text);
        if (bytes > TEXT_MAX_BYTES)
        {
            refuse(receipt, messageId, ChatRefusal.TOO_LONG, 0, room.name,
                "message too long: " + bytes + " bytes, at most " + TEXT_MAX_BYTES);
            return;
        }

        final String foldedText = Neutralise.fold(text);
        if (ChatRole.MODERATOR != role && ChatRole.ADMIN != role)
        {
            if (refusedAsViewer(receipt, messageId, room, name, folded, viewerKey, text, foldedText, atMs))
            {
                return;
            }
        }
        else if (ChatRole.MODERATOR == role && ChatFilterSet.Links.BLOCK == filters.links() &&
            filters.hasDisallowedLink(text))
        {
            refuse(receipt, messageId, ChatRefusal.BLOCKED_LINK, 0, room.name, "links are not allowed in this chat");
            return;
        }

        lastShownByName.put(folded, atMs);
        if (0 != viewerKey)
        {
            lastShownByKey.put(viewerKey, atMs);
        }
        lastSaid.put(folded, new Said(hash(foldedText), atMs));
        showLine(room, receipt, messageId, atMs, 0, ChatLineKind.MESSAGE, role, name, folded, text);
    }

    private boolean refusedAsViewer(
        final long receipt,
        final long messageId,
        final Room room,
        final String name,
        final String folded,
        final long viewerKey,
        final String text,
        final String foldedText,
        final long atMs)
    {
        if (room.slowModeMs > 0)
        {
            final Long byName = lastShownByName.get(folded);
            final Long byKey = 0 == viewerKey ? null : lastShownByKey.get(viewerKey);
            final long last = Math.max(null == byName ? Long.MIN_VALUE : byName, null == byKey ? Long.MIN_VALUE : byKey);
            if (Long.MIN_VALUE != last && atMs - last < room.slowModeMs)
            {
                final long wait = last + room.slowModeMs - atMs;
                refuse(receipt, messageId, ChatRefusal.SLOW_MODE, wait, room.name,
                    "slow mode: wait " + seconds(wait) + " s");
                return true;
            }
        }
        if (filters.hasBlockedWord(name))
        {
            refuse(receipt, messageId, ChatRefusal.BLOCKED_WORD, 0, room.name, "that name contains a blocked word");
            return true;
        }
        if (filters.hasBlockedWord(text))
        {
            refuse(receipt, messageId, ChatRefusal.BLOCKED_WORD, 0, room.name, "that message contains a blocked word");
            return true;
        }
        if (filters.matchesPattern(text))
        {
            refuse(receipt, messageId, ChatRefusal.BLOCKED_WORD, 0, room.name,
                "that message matches a blocked pattern");
            return true;
        }
        if (ChatFilterSet.Links.ALLOW != filters.links() && filters.hasDisallowedLink(name))
        {
            refuse(receipt, messageId, ChatRefusal.BLOCKED_LINK, 0, room.name, "that name contains a link");
            return true;
        }
        if (ChatFilterSet.Links.ALLOW != filters.links() && filters.hasDisallowedLink(text))
        {
            refuse(receipt, messageId, ChatRefusal.BLOCKED_LINK, 0, room.name,
                ChatFilterSet.Links.BLOCK == filters.links() ?
                "links are not allowed in this chat" : "only moderators may post links here");
            return true;
        }
        if (config.repeatWindowMs() > 0)
        {
            final Said said = lastSaid.get(folded);
            if (null != said && said.textHash == hash(foldedText) && atMs - said.atMs < config.repeatWindowMs())
            {
                refuse(receipt, messageId, ChatRefusal.REPEATED, 0, room.name,
                    "same message again within " + seconds(config.repeatWindowMs()) + " s: say something new");
                return true;
            }
        }
        int letters = 0;
        int capitals = 0;
        for (int i = 0; i < text.length(); )
        {
            final int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetter(cp))
            {
                letters++;
                if (Character.isUpperCase(cp))
                {
                    capitals++;
                }
            }
        }
        if (letters >= CAPS_MIN_LETTERS && capitals * 100L > (long)config.maxCapsPercent() * letters)
        {
            refuse(receipt, messageId, ChatRefusal.SPAM, 0, room.name,
                "too many capital letters: at most " + config.maxCapsPercent() + "%");
            return true;
        }
        final int emoji = countEmoji(text);
        if (emoji > config.maxEmoji())
        {
            refuse(receipt, messageId, ChatRefusal.SPAM, 0, room.name,
                "too many emoji: " + emoji + ", at most " + config.maxEmoji());
            return true;
        }
        return false;
    }

    private void onModeration(final Event event, final long atMs)
    {
        final ChatModerationDecoder decoder =
            moderationDecoder.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
        final short actionRaw = decoder.actionRaw();
        final long lineId = decoder.lineId();
        final long durationMs = decoder.durationMs();
        final ChatRole role = role(decoder.roleRaw());
        final String channel = decoder.channel();
        final String target = clip(Neutralise.neutralise(decoder.target()), MAX_NAME_GRAPHEMES_MAX);
        decoder.skipActor();
        final String reason = clip(Neutralise.neutralise(decoder.reason()), REASON_MAX_GRAPHEMES);

        final Room room = rooms.get(channel.isEmpty() ? DEFAULT_ROOM : channel);
        if ((ChatRole.MODERATOR != role && ChatRole.ADMIN != role) || null == room || actionRaw < 0 ||
            actionRaw > ChatAction.CLEAR.value())
        {
            ignoredModerations++;
            return;
        }
        final ChatAction action = ChatAction.get(actionRaw);
        final String targetFolded = Neutralise.fold(target);
        switch (action)
        {
            case DELETE ->
            {
                Room found = room;
                for (final Room candidate : rooms.values())
                {
                    final Line line = candidate.find(lineId);
                    if (null != line)
                    {
                        if (ChatRole.ADMIN == line.role && ChatRole.MODERATOR == role)
                        {
                            ignoredModerations++;
                            return;
                        }
                        candidate.history.remove(line);
                        found = candidate;
                        break;
                    }
                }
                emitRemoved(ChatRemovalScope.LINE, lineId, action, 0, found.name, "", reason);
            }
            case TIMEOUT, BAN ->
            {
                if (target.isEmpty() || targetFolded.equals(streamerFolded) ||
                    (ChatAction.TIMEOUT == action && durationMs <= 0))
                {
                    ignoredModerations++;
                    return;
                }
                final long[] keys = keysByName.get(targetFolded);
                final long until;
                if (ChatAction.TIMEOUT == action)
                {
                    until = atMs + Math.min(durationMs, TIMEOUT_MS_MAX);
                    timedOutNames.put(targetFolded, until);
                    if (null != keys)
                    {
                        for (final long key : keys)
                        {
                            timedOutKeys.put(key, until);
                        }
                    }
                }
                else
                {
                    until = 0;
                    bannedNames.put(targetFolded, Boolean.TRUE);
                    if (null != keys)
                    {
                        for (final long key : keys)
                        {
                            bannedKeys.put(key, targetFolded);
                        }
                    }
                }
                for (final Room each : rooms.values())
                {
                    each.history.removeIf(line -> line.foldedUser.equals(targetFolded));
                    emitRemoved(ChatRemovalScope.VIEWER, 0, action, until, each.name, target, reason);
                }
            }
            case UNBAN ->
            {
                if (target.isEmpty())
                {
                    ignoredModerations++;
                    return;
                }
                bannedNames.remove(targetFolded);
                bannedKeys.values().removeIf(targetFolded::equals);
                final long[] keys = keysByName.get(targetFolded);
                timedOutNames.remove(targetFolded);
                if (null != keys)
                {
                    for (final long key : keys)
                    {
                        timedOutKeys.remove(key);
                    }
                }
            }
            case SLOW ->
            {
                room.slowModeMs = Math.max(0, Math.min(durationMs, SLOW_MODE_MS_MAX));
                emitState(room);
            }
            case CLEAR ->
            {
                room.history.clear();
                emitRemoved(ChatRemovalScope.ROOM, 0, action, 0, room.name, "", reason);
            }
            default -> ignoredModerations++;
        }
    }

    private void onFilters(final Event event)
    {
        final ChatFiltersDecoder decoder =
            filtersDecoder.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
        final String json = decoder.filtersJson();
        final String origin = clip(Neutralise.neutralise(decoder.origin()), 120);
        try
        {
            filters = ChatFilterSet.fromJson(json);
        }
        catch (final IllegalArgumentException ex)
        {
            rejectedFilters++;
            if (!context.recovering())
            {
                LOGGER.log(System.Logger.Level.WARNING, "chat filters from '" + origin + "' (event " +
                    event.sequence() + ") ignored, the previous set stays: " + ex.getMessage());
            }
        }
    }

    private void onPayment(final Event event, final long atMs)
    {
        if (!config.acceptsPaymentsFrom(event.source()))
        {
            ignoredPayments++;
            return;
        }
        final TransactionReceivedDecoder decoder =
            receivedDecoder.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
        final long amountSats = decoder.amountSats();
        if (amountSats < config.paidMinSats())
        {
            return;
        }
        final String key = paymentKey(event.buffer(), decoder.offset());
        final String txid = key.substring(0, 2 * TransactionReceivedDecoder.txidEncodingLength());
        decoder.skipAddress();
        final String memo = Neutralise.neutralise(decoder.memo());
        if (seenPayments.containsKey(key) || paidTxids.containsKey(txid))
        {
            return;
        }
        forgetExpired(atMs);

        final Memo posted = pendingMemos.remove(txid);
        if (null != posted)
        {
            showPaid(posted.room, key, txid, event.sequence(), atMs, amountSats, posted.name, posted.text);
            return;
        }
        if (memo.isEmpty())
        {
            if (!pendingPayments.containsKey(txid))
            {
                pendingPayments.put(txid, new Payment(key, amountSats, atMs));
            }
            return;
        }

        String name = ANONYMOUS;
        String text = memo;
        final int colon = memo.indexOf(':');
        if (colon > 0)
        {
            final String candidate = Neutralise.neutralise(memo.substring(0, colon));
            final String rest = Neutralise.neutralise(memo.substring(colon + 1));
            if (!rest.isEmpty() && validPaidName(candidate))
            {
                name = candidate;
                text = rest;
            }
        }
        showPaid(rooms.values().iterator().next(), key, txid, event.sequence(), atMs, amountSats, name, text);
    }

    private void onTipMemo(final Event event, final long atMs)
    {
        final TipMemoDecoder decoder = memoDecoder.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
        hex.setLength(0);
        appendHex(event.buffer(), decoder.offset() + TipMemoDecoder.txidEncodingOffset(),
            TipMemoDecoder.txidEncodingLength());
        final String txid = hex.toString();
        final String channel = decoder.channel();
        final String user = Neutralise.neutralise(decoder.user());
        final String text = Neutralise.neutralise(decoder.text());
        final Room room = rooms.get(channel.isEmpty() ? DEFAULT_ROOM : channel);
        forgetExpired(atMs);
        // A name without a message still names the tipper (the tip page lets a viewer leave the message out).
        if (null == room || (text.isEmpty() && user.isEmpty()) || paidTxids.containsKey(txid) ||
            pendingMemos.containsKey(txid))
        {
            ignoredMemos++;
            return;
        }
        final String name = validPaidName(user) ? user : ANONYMOUS;
        final Payment payment = pendingPayments.remove(txid);
        if (null == payment)
        {
            pendingMemos.put(txid, new Memo(room, name, text, atMs));
            return;
        }
        showPaid(room, payment.key, txid, event.sequence(), atMs, payment.amountSats, name, text);
    }

    private void showPaid(
        final Room room,
        final String key,
        final String txid,
        final long lineId,
        final long atMs,
        final long amountSats,
        final String name,
        final String text)
    {
        seenPayments.put(key, Boolean.TRUE);
        paidTxids.put(txid, Boolean.TRUE);
        pendingPayments.remove(txid);
        showLine(room, lineId, 0, atMs, amountSats, ChatLineKind.PAID, ChatRole.VIEWER, name, Neutralise.fold(name),
            fit(filters.mask(text), config.maxGraphemes(), TEXT_MAX_BYTES));
    }

    private boolean validPaidName(final String candidate)
    {
        final String candidateFolded = Neutralise.fold(candidate);
        final int graphemes = Neutralise.graphemes(candidate);
        return graphemes >= 1 && graphemes <= config.maxNameGraphemes() &&
            utf8Length(candidate) <= NAME_MAX_BYTES && !RESERVED_NAMES.contains(candidateFolded) &&
            !candidateFolded.equals(streamerFolded) && !filters.hasBlockedWord(candidate) &&
            (ChatFilterSet.Links.ALLOW == filters.links() || !filters.hasDisallowedLink(candidate));
    }

    private void forgetExpired(final long atMs)
    {
        // Both maps are only ever put or removed, never read in place, so their order is the order of event time.
        final Iterator<Memo> memos = pendingMemos.values().iterator();
        while (memos.hasNext() && memos.next().atMs + PENDING_MEMO_MS <= atMs)
        {
            memos.remove();
        }
        final Iterator<Payment> payments = pendingPayments.values().iterator();
        while (payments.hasNext() && payments.next().atMs + PENDING_PAYMENT_MS <= atMs)
        {
            payments.remove();
        }
    }

    private void showLine(
        final Room room,
        final long lineId,
        final long messageId,
        final long atMs,
        final long amountSats,
        final ChatLineKind kind,
        final ChatRole role,
        final String name,
        final String folded,
        final String text)
    {
        lineEncoder.wrapAndApplyHeader(out, 0, headerEncoder)
            .lineId(lineId)
            .messageId(messageId)
            .atEpochMs(atMs)
            .amountSats(amountSats)
            .kind(kind)
            .role(role)
            .history(BooleanType.FALSE)
            .channel(room.name)
            .user(name)
            .text(text);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + lineEncoder.encodedLength();
        final byte[] bytes = new byte[length];
        out.getBytes(0, bytes);
        room.add(new Line(bytes, lineId, folded, role), config.historyLines());
        emit(length);
    }

    private void refuse(
        final long receipt,
        final long messageId,
        final ChatRefusal refusal,
        final long retryAfterMs,
        final String channel,
        final String reason)
    {
        refusedEncoder.wrapAndApplyHeader(out, 0, headerEncoder)
            .receipt(receipt)
            .messageId(messageId)
            .refusal(refusal)
            .retryAfterMs(retryAfterMs)
            .channel(channel)
            .reason(reason);
        emit(MessageHeaderEncoder.ENCODED_LENGTH + refusedEncoder.encodedLength());
    }

    private void emitRemoved(
        final ChatRemovalScope scope,
        final long lineId,
        final ChatAction action,
        final long untilEpochMs,
        final String channel,
        final String user,
        final String reason)
    {
        removedEncoder.wrapAndApplyHeader(out, 0, headerEncoder)
            .scope(scope)
            .lineId(lineId)
            .action(action)
            .untilEpochMs(untilEpochMs)
            .channel(channel)
            .user(user)
            .reason(reason);
        emit(MessageHeaderEncoder.ENCODED_LENGTH + removedEncoder.encodedLength());
    }

    private void emitState(final Room room)
    {
        stateEncoder.wrapAndApplyHeader(out, 0, headerEncoder)
            .slowModeMs(room.slowModeMs)
            .maxGraphemes(config.maxGraphemes())
            .historyLines(config.historyLines())
            .channel(room.name);
        emit(MessageHeaderEncoder.ENCODED_LENGTH + stateEncoder.encodedLength());
    }

    private void emit(final int length)
    {
        // During recovery the engine drops emits anyway; skipping them keeps recovery to state changes only.
        if (!context.recovering())
        {
            emitter.emit(out, 0, length);
        }
    }

    private void rememberKey(final String folded, final long viewerKey)
    {
        if (0 == viewerKey)
        {
            return;
        }
        final long[] keys = keysByName.get(folded);
        if (null == keys)
        {
            keysByName.put(folded, new long[]{ viewerKey });
            return;
        }
        if (keys[0] == viewerKey)
        {
            return;
        }
        int at = keys.length;
        for (int i = 0; i < keys.length; i++)
        {
            if (keys[i] == viewerKey)
            {
                at = i;
            }
        }
        final long[] updated = new long[Math.min(KEYS_PER_NAME, at == keys.length ? keys.length + 1 : keys.length)];
        updated[0] = viewerKey;
        int j = 1;
        for (int i = 0; i < keys.length && j < updated.length; i++)
        {
            if (i != at)
            {
                updated[j++] = keys[i];
            }
        }
        keysByName.put(folded, updated);
    }

    private static <K> long timedOutUntil(final Lru<K, Long> timeouts, final K key, final long atMs)
    {
        if (null == key)
        {
            return Long.MIN_VALUE;
        }
        final Long until = timeouts.get(key);
        if (null == until)
        {
            return Long.MIN_VALUE;
        }
        if (until <= atMs)
        {
            timeouts.remove(key);
        }
        return until;
    }

    private String paymentKey(final DirectBuffer buffer, final int messageOffset)
    {
        hex.setLength(0);
        appendHex(buffer, messageOffset + TransactionReceivedDecoder.txidEncodingOffset(),
            TransactionReceivedDecoder.txidEncodingLength());
        appendHex(buffer, messageOffset + TransactionReceivedDecoder.scriptHashEncodingOffset(),
            TransactionReceivedDecoder.scriptHashEncodingLength());
        return hex.toString();
    }

    private void appendHex(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            final int b = buffer.getByte(offset + i) & 0xFF;
            hex.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
        }
    }

    private void reset()
    {
        rooms.clear();
        for (final String name : config.rooms())
        {
            rooms.put(name, new Room(name, config.slowModeMs()));
        }
        lastShownByName.clear();
        lastShownByKey.clear();
        lastSaid.clear();
        keysByName.clear();
        timedOutNames.clear();
        timedOutKeys.clear();
        bannedNames.clear();
        bannedKeys.clear();
        seenPayments.clear();
        paidTxids.clear();
        pendingMemos.clear();
        pendingPayments.clear();
        filters = ChatFilterSet.defaults();
        nextSequence = 0;
        snapshotCadence.reset();
    }

    /**
     * Save the state: every so many events off this thread ({@link PluginStorage#writeLatest}, so the events behind
     * it do not wait for the disk), at stop with a write that has landed when it returns.
     */
    private void writeSnapshot(final boolean landed)
    {
        snapshotCadence.taken();
        if (null == storage)
        {
            return;
        }
        try
        {
            final byte[] bytes = MAPPER.writeValueAsBytes(snapshot());
            if (landed)
            {
                storage.write(SNAPSHOT_ENTRY, bytes);
            }
            else
            {
                storage.writeLatest(SNAPSHOT_ENTRY, bytes, bytes.length);
            }
            snapshotFailed = false;
        }
        catch (final IllegalStateException | IOException ex)
        {
            if (!snapshotFailed)
            {
                LOGGER.log(System.Logger.Level.WARNING, "chat snapshot not written, a restart would start from an " +
                    "older one or from the journal: " + oneLine(ex));
            }
            snapshotFailed = true;
        }
    }

    private static PluginStorage storageOf(final PluginContext context)
    {
        try
        {
            return context.storage();
        }
        catch (final IllegalStateException ex)
        {
            LOGGER.log(System.Logger.Level.WARNING,
                "chat has no storage, no snapshots are written: " + oneLine(ex));
            return null;
        }
    }

    ObjectNode snapshot()
    {
        final ObjectNode root = MAPPER.createObjectNode();
        root.put("format", SNAPSHOT_FORMAT);
        root.put("nextSequence", nextSequence);
        root.put("filters", filters.toJson());
        final ArrayNode roomArray = root.putArray("rooms");
        for (final Room room : rooms.values())
        {
            final ObjectNode node = roomArray.addObject();
            node.put("name", room.name);
            node.put("slowModeMs", room.slowModeMs);
            final ArrayNode history = node.putArray("history");
            for (final Line line : room.history)
            {
                history.add(Base64.getEncoder().encodeToString(line.bytes));
            }
        }
        putLongs(root.putArray("lastShownByName"), lastShownByName);
        putLongs(root.putArray("lastShownByKey"), lastShownByKey);
        final ArrayNode said = root.putArray("lastSaid");
        lastSaid.forEach((name, value) -> said.addArray().add(name).add(value.textHash).add(value.atMs));
        final ArrayNode keys = root.putArray("keysByName");
        keysByName.forEach((name, values) ->
        {
            final ArrayNode entry = keys.addArray().add(name);
            for (final long key : values)
            {
                entry.add(key);
            }
        });
        putLongs(root.putArray("timedOutNames"), timedOutNames);
        putLongs(root.putArray("timedOutKeys"), timedOutKeys);
        final ArrayNode banned = root.putArray("bannedNames");
        bannedNames.keySet().forEach(banned::add);
        final ArrayNode bannedKeyArray = root.putArray("bannedKeys");
        bannedKeys.forEach((key, name) -> bannedKeyArray.addArray().add(key).add(name));
        final ArrayNode payments = root.putArray("seenPayments");
        seenPayments.keySet().forEach(payments::add);
        final ArrayNode paid = root.putArray("paidTxids");
        paidTxids.keySet().forEach(paid::add);
        final ArrayNode memos = root.putArray("pendingMemos");
        pendingMemos.forEach((txid, memo) ->
            memos.addArray().add(txid).add(memo.room.name).add(memo.name).add(memo.text).add(memo.atMs));
        final ArrayNode waiting = root.putArray("pendingPayments");
        pendingPayments.forEach((txid, payment) ->
            waiting.addArray().add(txid).add(payment.key).add(payment.amountSats).add(payment.atMs));
        return root;
    }

    private static <K> void putLongs(final ArrayNode array, final Map<K, Long> map)
    {
        map.forEach((key, value) ->
        {
            final ArrayNode entry = array.addArray();
            if (key instanceof Long number)
            {
                entry.add(number);
            }
            else
            {
                entry.add(String.valueOf(key));
            }
            entry.add(value);
        });
    }

    private long restore(final JsonNode root)
    {
        reset();
        final int format = root.path("format").asInt(-1);
        if (SNAPSHOT_FORMAT != format && 1 != format)
        {
            throw new IllegalStateException("format " + format + ", expected 1 or " + SNAPSHOT_FORMAT);
        }
        filters = ChatFilterSet.fromJson(root.path("filters").asText());
        for (final JsonNode node : root.path("rooms"))
        {
            final Room room = rooms.get(node.path("name").asText());
            if (null == room)
            {
                continue;
            }
            room.slowModeMs = node.path("slowModeMs").asLong();
            for (final JsonNode encoded : node.path("history"))
            {
                final byte[] bytes = Base64.getDecoder().decode(encoded.asText());
                lineView.wrap(bytes);
                final ChatLineDecoder decoder = lineDecoder.wrapAndApplyHeader(lineView, 0, headerDecoder);
                final long lineId = decoder.lineId();
                final ChatRole role = role(decoder.roleRaw());
                decoder.skipChannel();
                final String user = decoder.user();
                room.add(new Line(bytes, lineId, Neutralise.fold(user), role), config.historyLines());
            }
        }
        for (final JsonNode entry : root.path("lastShownByName"))
        {
            lastShownByName.put(entry.get(0).asText(), entry.get(1).asLong());
        }
        for (final JsonNode entry : root.path("lastShownByKey"))
        {
            lastShownByKey.put(entry.get(0).asLong(), entry.get(1).asLong());
        }
        for (final JsonNode entry : root.path("lastSaid"))
        {
            lastSaid.put(entry.get(0).asText(), new Said(entry.get(1).asLong(), entry.get(2).asLong()));
        }
        for (final JsonNode entry : root.path("keysByName"))
        {
            final long[] keys = new long[Math.min(KEYS_PER_NAME, entry.size() - 1)];
            for (int i = 0; i < keys.length; i++)
            {
                keys[i] = entry.get(i + 1).asLong();
            }
            keysByName.put(entry.get(0).asText(), keys);
        }
        for (final JsonNode entry : root.path("timedOutNames"))
        {
            timedOutNames.put(entry.get(0).asText(), entry.get(1).asLong());
        }
        for (final JsonNode entry : root.path("timedOutKeys"))
        {
            timedOutKeys.put(entry.get(0).asLong(), entry.get(1).asLong());
        }
        for (final JsonNode entry : root.path("bannedNames"))
        {
            bannedNames.put(entry.asText(), Boolean.TRUE);
        }
        for (final JsonNode entry : root.path("bannedKeys"))
        {
            bannedKeys.put(entry.get(0).asLong(), entry.get(1).asText());
        }
        for (final JsonNode entry : root.path("seenPayments"))
        {
            seenPayments.put(entry.asText(), Boolean.TRUE);
            if (1 == format)
            {
                // Format 1 knew no tip memos: every payment it remembers was shown as a paid line.
                paidTxids.put(entry.asText().substring(0, 2 * TransactionReceivedDecoder.txidEncodingLength()),
                    Boolean.TRUE);
            }
        }
        for (final JsonNode entry : root.path("paidTxids"))
        {
            paidTxids.put(entry.asText(), Boolean.TRUE);
        }
        for (final JsonNode entry : root.path("pendingMemos"))
        {
            final Room room = rooms.get(entry.get(1).asText());
            if (null != room)
            {
                pendingMemos.put(entry.get(0).asText(),
                    new Memo(room, entry.get(2).asText(), entry.get(3).asText(), entry.get(4).asLong()));
            }
        }
        for (final JsonNode entry : root.path("pendingPayments"))
        {
            pendingPayments.put(entry.get(0).asText(),
                new Payment(entry.get(1).asText(), entry.get(2).asLong(), entry.get(3).asLong()));
        }
        nextSequence = root.path("nextSequence").asLong(0);
        return nextSequence;
    }

    private int countEmoji(final String text)
    {
        int count = 0;
        boolean inEmoji = false;
        for (int i = 0; i < text.length(); )
        {
            final int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (0x200D == cp)
            {
                continue;
            }
            if (Neutralise.isEmoji(cp))
            {
                if (!inEmoji)
                {
                    count++;
                }
                inEmoji = true;
                if (cp >= 0x1F1E6 && cp <= 0x1F1FF && i < text.length())
                {
                    final int next = text.codePointAt(i);
                    if (next >= 0x1F1E6 && next <= 0x1F1FF)
                    {
                        i += Character.charCount(next);
                    }
                }
                inEmoji = i < text.length() && 0x200D == text.codePointAt(i);
            }
            else
            {
                inEmoji = false;
            }
        }
        return count;
    }

    private static ChatRole role(final short raw)
    {
        return switch (raw)
        {
            case 1 -> ChatRole.MODERATOR;
            case 2 -> ChatRole.ADMIN;
            case 3 -> ChatRole.BOT;
            case 4 -> ChatRole.SYSTEM;
            default -> ChatRole.VIEWER;
        };
    }

    private static String fit(final String text, final int maxGraphemes, final int maxBytes)
    {
        String fitted = Neutralise.truncate(text, maxGraphemes);
        int graphemes = Neutralise.graphemes(fitted);
        while (utf8Length(fitted) > maxBytes && graphemes > 0)
        {
            graphemes = graphemes * 3 / 4;
            fitted = Neutralise.truncate(fitted, graphemes);
        }
        return fitted;
    }

    private static String clip(final String text, final int maxGraphemes)
    {
        return fit(text, maxGraphemes, 4 * maxGraphemes);
    }

    private static int utf8Length(final String text)
    {
        int length = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < 0x80)
            {
                length++;
            }
            else if (c < 0x800)
            {
                length += 2;
            }
            else if (Character.isHighSurrogate(c))
            {
                length += 4;
                i++;
            }
            else
            {
                length += 3;
            }
        }
        return length;
    }

    private static long hash(final String text)
    {
        // 64-bit FNV-1a over the UTF-16 units: a stable value across runs, so a restored snapshot compares alike.
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++)
        {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    private static long seconds(final long ms)
    {
        return (ms + 999) / 1000;
    }

    private static String oneLine(final Exception ex)
    {
        final String message = null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage();
        return message.replace('\n', ' ').replace('\r', ' ');
    }

    private static final class Room
    {
        private final String name;
        private final ArrayDeque<Line> history = new ArrayDeque<>();
        private long slowModeMs;

        Room(final String name, final long slowModeMs)
        {
            this.name = name;
            this.slowModeMs = slowModeMs;
        }

        void add(final Line line, final int historyLines)
        {
            history.addLast(line);
            while (history.size() > historyLines)
            {
                history.removeFirst();
            }
        }

        Line find(final long lineId)
        {
            final Iterator<Line> lines = history.descendingIterator();
            while (lines.hasNext())
            {
                final Line line = lines.next();
                if (line.lineId == lineId)
                {
                    return line;
                }
            }
            return null;
        }
    }

    private record Line(byte[] bytes, long lineId, String foldedUser, ChatRole role)
    {
    }

    private record Memo(Room room, String name, String text, long atMs)
    {
    }

    private record Payment(String key, long amountSats, long atMs)
    {
    }

    private record Said(long textHash, long atMs)
    {
    }
}
