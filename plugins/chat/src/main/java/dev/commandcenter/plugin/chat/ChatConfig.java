package dev.commandcenter.plugin.chat;

import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.PluginConfig;
import dev.commandcenter.engine.plugin.SnapshotCadence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static dev.commandcenter.plugin.chat.ChatPlugin.*;

/**
 * The chat plugin's configuration ({@code plugins.chat.*}), read and checked once: the plugin runs on it and the
 * gateway reads the same section to tell a chat page its limits ({@code GET /api/chat/session}).
 * <p>
 * <b>Note:</b> immutable and thread safe.
 */
public final class ChatConfig
{
    private final List<String> rooms;
    private final int historyLines;
    private final int maxGraphemes;
    private final int maxNameGraphemes;
    private final long slowModeMs;
    private final long repeatWindowMs;
    private final int maxCapsPercent;
    private final int maxEmoji;
    private final String streamerName;
    private final long paidMinSats;
    private final boolean[] acceptedSources;
    private final long snapshotEveryEvents;
    private final long snapshotMinIntervalMs;

    private ChatConfig(final PluginConfig config)
    {
        config.requireOnly(KNOWN_KEYS);
        rooms = rooms(config.asMap().get(ROOMS_KEY));
        historyLines = (int)range(config, HISTORY_LINES_KEY, HISTORY_LINES_DEFAULT, 1, HISTORY_LINES_MAX);
        maxGraphemes = (int)range(config, MAX_GRAPHEMES_KEY, MAX_GRAPHEMES_DEFAULT, 1, MAX_GRAPHEMES_MAX);
        maxNameGraphemes =
            (int)range(config, MAX_NAME_GRAPHEMES_KEY, MAX_NAME_GRAPHEMES_DEFAULT, 1, MAX_NAME_GRAPHEMES_MAX);
        slowModeMs = range(config, SLOW_MODE_MS_KEY, SLOW_MODE_MS_DEFAULT, 0, SLOW_MODE_MS_MAX);
        repeatWindowMs = range(config, REPEAT_WINDOW_MS_KEY, REPEAT_WINDOW_MS_DEFAULT, 0, REPEAT_WINDOW_MS_MAX);
        maxCapsPercent = (int)range(config, MAX_CAPS_PERCENT_KEY, MAX_CAPS_PERCENT_DEFAULT, 1, 100);
        maxEmoji = (int)range(config, MAX_EMOJI_KEY, MAX_EMOJI_DEFAULT, 0, MAX_GRAPHEMES_MAX);
        paidMinSats = range(config, PAID_MIN_SATS_KEY, PAID_MIN_SATS_DEFAULT, 1, Long.MAX_VALUE);
        snapshotEveryEvents =
            range(config, SNAPSHOT_EVERY_EVENTS_KEY, SNAPSHOT_EVERY_EVENTS_DEFAULT, 1, SNAPSHOT_EVERY_EVENTS_MAX);
        snapshotMinIntervalMs = range(config, SnapshotCadence.MIN_INTERVAL_MS_KEY,
            SnapshotCadence.MIN_INTERVAL_MS_DEFAULT, 0, SnapshotCadence.MIN_INTERVAL_MS_MAX);
        final String streamer = Neutralise.neutralise(config.getString(STREAMER_NAME_KEY, STREAMER_NAME_DEFAULT));
        final int streamerGraphemes = Neutralise.graphemes(streamer);
        if (streamerGraphemes < 1 || streamerGraphemes > maxNameGraphemes)
        {
            throw new IllegalArgumentException(key(STREAMER_NAME_KEY) + ": expected a display name of 1 to " +
                maxNameGraphemes + " characters, got '" + config.getString(STREAMER_NAME_KEY, "") + "'");
        }
        streamerName = streamer;
        acceptedSources = PluginConfig.acceptedSources(
            key(ACCEPT_PAYMENTS_FROM_KEY),
            Objects.requireNonNullElse(config.asMap().get(ACCEPT_PAYMENTS_FROM_KEY), ACCEPT_PAYMENTS_FROM_DEFAULT));
    }

    /**
     * Read and check the chat section of the configuration.
     *
     * @param config the {@code plugins.chat} section.
     * @return the configuration.
     * @throws IllegalArgumentException with one line naming the wrong key and what was expected.
     */
    public static ChatConfig from(final PluginConfig config)
    {
        return new ChatConfig(config);
    }

    /**
     * Read and check the chat section of the configuration, given as plain values.
     *
     * @param values the {@code plugins.chat} section; null reads as empty.
     * @return the configuration.
     * @throws IllegalArgumentException with one line naming the wrong key and what was expected.
     */
    public static ChatConfig from(final Map<String, ?> values)
    {
        return new ChatConfig(new PluginConfig(ID, null == values ? Map.of() : values));
    }

    /**
     * The rooms, the default room first.
     *
     * @return room names.
     */
    public List<String> rooms()
    {
        return rooms;
    }

    /**
     * Lines kept per room and sent to a joining client.
     *
     * @return 1 to {@value ChatPlugin#HISTORY_LINES_MAX}.
     */
    public int historyLines()
    {
        return historyLines;
    }

    /**
     * Longest message in graphemes.
     *
     * @return 1 to {@value ChatPlugin#MAX_GRAPHEMES_MAX}.
     */
    public int maxGraphemes()
    {
        return maxGraphemes;
    }

    /**
     * Longest display name in graphemes.
     *
     * @return 1 to {@value ChatPlugin#MAX_NAME_GRAPHEMES_MAX}.
     */
    public int maxNameGraphemes()
    {
        return maxNameGraphemes;
    }

    /**
     * Slow mode at start, in every room.
     *
     * @return milliseconds between two lines of a viewer, 0 for off.
     */
    public long slowModeMs()
    {
        return slowModeMs;
    }

    /**
     * How long the same text from the same name is refused as repeated.
     *
     * @return milliseconds, 0 for off.
     */
    public long repeatWindowMs()
    {
        return repeatWindowMs;
    }

    /**
     * Largest share of capital letters in a message of {@value ChatPlugin#CAPS_MIN_LETTERS} letters or more.
     *
     * @return percent, 100 for no limit.
     */
    public int maxCapsPercent()
    {
        return maxCapsPercent;
    }

    /**
     * Most emoji in a message.
     *
     * @return the count.
     */
    public int maxEmoji()
    {
        return maxEmoji;
    }

    /**
     * The streamer's display name, neutralised: nobody but an admin may post under it.
     *
     * @return the name.
     */
    public String streamerName()
    {
        return streamerName;
    }

    /**
     * Smallest payment whose memo shows as a paid message.
     *
     * @return satoshis.
     */
    public long paidMinSats()
    {
        return paidMinSats;
    }

    /**
     * Whether payments from a source become paid messages.
     *
     * @param source an event source id.
     * @return true when accepted.
     */
    public boolean acceptsPaymentsFrom(final int source)
    {
        return source >= 0 && source <= Sources.MAX_ID && acceptedSources[source];
    }

    /**
     * How often the plugin writes its snapshot.
     *
     * @return handled events between two snapshots.
     */
    public long snapshotEveryEvents()
    {
        return snapshotEveryEvents;
    }

    /**
     * Least event time between two snapshots ({@link SnapshotCadence}).
     *
     * @return milliseconds, 0 for a snapshot every {@link #snapshotEveryEvents()}.
     */
    public long snapshotMinIntervalMs()
    {
        return snapshotMinIntervalMs;
    }

    private static long range(
        final PluginConfig config, final String name, final long defaultValue, final long min, final long max)
    {
        final long value = config.getLong(name, defaultValue);
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(
                key(name) + ": expected " + min + " to " + max + ", got " + value);
        }
        return value;
    }

    private static List<String> rooms(final Object value)
    {
        final List<String> names = PluginConfig.names(
            key(ROOMS_KEY), null == value ? DEFAULT_ROOM : value, "a list of room names such as [main, games]");
        if (names.isEmpty() || names.size() > MAX_ROOMS)
        {
            throw new IllegalArgumentException(
                key(ROOMS_KEY) + ": expected 1 to " + MAX_ROOMS + " rooms, got " + names.size());
        }
        final List<String> rooms = new ArrayList<>(names.size());
        for (final String raw : names)
        {
            final String name = raw.trim();
            if (!name.matches("[a-z0-9][a-z0-9_-]{0,31}"))
            {
                throw new IllegalArgumentException(key(ROOMS_KEY) + ": expected room names of 1 to 32 lower-case " +
                    "letters, digits, '-' or '_', got '" + name + "'");
            }
            if (rooms.contains(name))
            {
                throw new IllegalArgumentException(key(ROOMS_KEY) + ": room '" + name + "' is listed twice");
            }
            rooms.add(name);
        }
        return List.copyOf(rooms);
    }

    static String key(final String name)
    {
        return "plugins." + ID + "." + name;
    }
}
