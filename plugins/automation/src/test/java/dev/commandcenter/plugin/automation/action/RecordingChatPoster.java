package dev.commandcenter.plugin.automation.action;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A chat poster that keeps the lines it was given, in order, as the app's would publish them; it can be told to
 * refuse, as a full input ring does.
 */
final class RecordingChatPoster implements ChatPoster
{
    /**
     * One posted line.
     */
    record Line(String room, String text)
    {
    }

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private volatile boolean refuse;

    public boolean post(final String room, final String text)
    {
        if (refuse)
        {
            return false;
        }
        lines.add(new Line(room, text));
        return true;
    }

    void refuse(final boolean refuse)
    {
        this.refuse = refuse;
    }

    List<String> texts()
    {
        return lines.stream().map(Line::text).toList();
    }

    List<Line> lines()
    {
        return lines;
    }
}
