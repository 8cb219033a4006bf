package dev.commandcenter.app.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The chat plugin's settings the gateway needs ({@code plugins.chat}): its rooms, history and length limits, the
 * initial slow mode and the streamer's name. The plugin validates them strictly at start; this view reads them
 * with the plugin's defaults and keeps a value it cannot read at its default, so the session route never fails.
 *
 * @param rooms            rooms, the first one the default.
 * @param historyLines     lines of history per room, what the chat feed retains for a joining viewer.
 * @param maxGraphemes     longest message, in user-perceived characters.
 * @param maxNameGraphemes longest display name.
 * @param slowModeMs       initial slow mode, 0 when off.
 * @param streamerName     the name the streamer posts as.
 */
public record ChatSettings(
    List<String> rooms, int historyLines, int maxGraphemes, int maxNameGraphemes, long slowModeMs, String streamerName)
{
    /** The room of a message with an empty channel. */
    public static final String DEFAULT_ROOM = "main";
    /** Default of {@code plugins.chat.historyLines}. */
    public static final int HISTORY_LINES_DEFAULT = 50;
    /** Default of {@code plugins.chat.maxGraphemes}. */
    public static final int MAX_GRAPHEMES_DEFAULT = 300;
    /** Default of {@code plugins.chat.maxNameGraphemes}. */
    public static final int MAX_NAME_GRAPHEMES_DEFAULT = 25;
    /** Default of {@code plugins.chat.streamerName}. */
    public static final String STREAMER_NAME_DEFAULT = "streamer";

    /**
     * The settings of a {@code plugins.chat} section.
     *
     * @param config the section's plugin keys; empty for the defaults.
     * @return the settings.
     */
    public static ChatSettings of(final Map<String, Object> config)
    {
        final List<String> rooms = new ArrayList<>();
        if (config.get("rooms") instanceof List<?> list)
        {
            for (final Object room : list)
            {
                if (room instanceof String name && !name.isBlank())
                {
                    rooms.add(name.trim());
                }
            }
        }
        if (rooms.isEmpty())
        {
            rooms.add(DEFAULT_ROOM);
        }
        final Object streamer = config.get("streamerName");
        return new ChatSettings(List.copyOf(rooms),
            (int)number(config, "historyLines", HISTORY_LINES_DEFAULT),
            (int)number(config, "maxGraphemes", MAX_GRAPHEMES_DEFAULT),
            (int)number(config, "maxNameGraphemes", MAX_NAME_GRAPHEMES_DEFAULT),
            number(config, "slowModeMs", 0),
            streamer instanceof String name && !name.isBlank() ? name.trim() : STREAMER_NAME_DEFAULT);
    }

    /**
     * The room a post names, or the default room.
     *
     * @param room the post's room, or null.
     * @return the room.
     */
    public String roomOf(final String room)
    {
        return null == room || room.isEmpty() ? DEFAULT_ROOM : room;
    }

    private static long number(final Map<String, Object> config, final String key, final long fallback)
    {
        final Object value = config.get(key);
        if (value instanceof Number number)
        {
            return number.longValue();
        }
        if (value instanceof String text)
        {
            try
            {
                return Long.parseLong(text.trim());
            }
            catch (final NumberFormatException ex)
            {
                return fallback;
            }
        }
        return fallback;
    }
}
