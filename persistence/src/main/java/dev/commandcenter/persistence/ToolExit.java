package dev.commandcenter.persistence;

/**
 * Exit codes of the journal and telemetry tools.
 */
public final class ToolExit
{
    /** The tool did what was asked. */
    public static final int OK = 0;
    /** Bad input: a missing or foreign directory, an unknown type or metric, an unreadable journal. */
    public static final int ERROR = 1;
    /** The journal or telemetry history holds no record that passes the filters. */
    public static final int NO_EVENTS = 2;
    /** Verification found a truncated or corrupt record. */
    public static final int CORRUPT = 3;

    private ToolExit()
    {
    }
}
