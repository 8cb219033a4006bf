package dev.commandcenter.plugin.automation.rules;

import dev.commandcenter.plugin.host.EventFilters;

/**
 * A rule's trigger ({@code on:}), compiled.
 *
 * @param kind       which of the five triggers.
 * @param templateId the message type it reads: the event's for EVENT, ChatMessage for COMMAND, TransactionReceived
 *                   for GOAL and THRESHOLD, TimerFired for TIMER.
 * @param clause     EVENT: the {@code where} tests and {@code source}s (null for none).
 * @param command    COMMAND: the command, lower case, such as {@code !hydrate}.
 * @param permission COMMAND: 0 viewer, 1 moderator, 2 admin.
 * @param room       COMMAND: the room it listens to, or null for every room.
 * @param sats       GOAL, THRESHOLD: N.
 * @param per        GOAL: the period.
 * @param withinMs   THRESHOLD: the rolling window.
 * @param timer      TIMER: the timer's name.
 */
public record Trigger(
    Kind kind,
    int templateId,
    EventFilters.Clause clause,
    String command,
    int permission,
    String room,
    long sats,
    Period per,
    long withinMs,
    String timer)
{
    /** The five triggers. */
    public enum Kind
    {
        /** {@code event: TYPE}. */
        EVENT,
        /** {@code command: "!name"}. */
        COMMAND,
        /** {@code goal: {sats, per}}. */
        GOAL,
        /** {@code threshold: {sats, within}}. */
        THRESHOLD,
        /** {@code timer: NAME}. */
        TIMER
    }

    /** The period of a goal, and of a variable's reset. */
    public enum Period
    {
        /** A local day. */
        DAY,
        /** A local week, from Monday. */
        WEEK,
        /** A local month. */
        MONTH,
        /** Since the rules were loaded. */
        STREAM
    }

    /**
     * A short description for the state's rules list, such as {@code event TransactionReceived}.
     *
     * @return the description.
     */
    public String describe()
    {
        return switch (kind)
        {
            case EVENT -> "event " + dev.commandcenter.codecs.json.JsonView.instance().messageName(templateId);
            case COMMAND -> "command " + command;
            case GOAL -> "goal " + sats + " sats per " + per.name().toLowerCase(java.util.Locale.ROOT);
            case THRESHOLD -> "threshold " + sats + " sats within " + withinMs + "ms";
            case TIMER -> "timer " + timer;
        };
    }
}
