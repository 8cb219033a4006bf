package dev.commandcenter.app.bench;

/**
 * The stages of an overlay alert's path, each between two stamps of its trace: the engine stamps the first
 * five, the receiving client the last.
 */
enum Stage
{
    /** Input ring publish to journal append. */
    JOURNAL("ingress -> journaled"),
    /** Journaled to the plugin starting on it. */
    PLUGIN("journaled -> plugin"),
    /** The plugin handling it until it emitted the alert into the output ring. */
    OUTPUT("plugin -> output ring"),
    /** The output ring to the egress writing the frame. */
    EGRESS("output ring -> egress write"),
    /** The egress write to the client receiving the frame. */
    CLIENT("egress write -> client receive");

    private final String title;

    Stage(final String title)
    {
        this.title = title;
    }

    /**
     * Name in reports.
     *
     * @return such as {@code ingress -> journaled}.
     */
    String title()
    {
        return title;
    }
}
