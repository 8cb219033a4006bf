package dev.commandcenter.transport.aeron;

/**
 * The {@code aeron.output:} section: the engine's output stream that edge nodes subscribe to, its recording in an
 * embedded Aeron Archive, and the status channel edges report on.
 */
public final class OutputSettings
{
    /** Publish the output stream (when {@code aeron.enabled}). */
    public boolean enabled = true;
    /**
     * Channel of the output stream: UDP multi-destination-cast with a dynamic control endpoint by default, flow
     * control {@code max} so the fastest edge sets the pace and a slow one falls behind (and catches up from the
     * recording) rather than holding the engine back.
     */
    public String channel = "aeron:udp?control=localhost:40456|control-mode=dynamic|fc=max";
    /** Stream id of the output stream. */
    public int streamId = 1003;
    /** Longest time an output waits on a back-pressured stream before it is counted as dropped, milliseconds. */
    public long offerTimeoutMs = 5_000;
    /** Control channel of the embedded archive, where edges ask for replays. */
    public String archiveControlChannel = "aeron:udp?endpoint=localhost:8010";
    /** Stream id of the archive's control channel. */
    public int archiveControlStreamId = 10;
    /** Replication channel of the embedded archive. */
    public String archiveReplicationChannel = "aeron:udp?endpoint=localhost:0";
    /** Directory of the archive; empty: {@code <data-dir>/archive}. */
    public String archiveDir = "";
    /** Length of one recording segment file, bytes: a power of two, at least the term length. */
    public int segmentLength = 16 * 1024 * 1024;
    /**
     * Bytes of the recording kept for edges that start late or fall behind; older whole segments are purged
     * (checked every {@link #retentionCheckMs}). 0 keeps everything.
     */
    public long retainBytes = 256L * 1024 * 1024;
    /** Interval of the retention check, milliseconds. */
    public long retentionCheckMs = 10_000;
    /** Channel the engine subscribes to for the status edges report every second. */
    public String statusChannel = "aeron:udp?endpoint=localhost:40457";
    /** Stream id of the status channel. */
    public int statusStreamId = 1004;
    /** Most edges the engine keeps in its table; statuses of more are ignored and counted. */
    public int maxEdges = 64;

    /**
     * The first thing wrong with this section, or null.
     *
     * @param prefix the section's key, {@code aeron.output}.
     * @return a one-line problem naming the key, or null.
     */
    public String problem(final String prefix)
    {
        String problem = Channels.channelProblem(prefix + ".channel", channel);
        if (null == problem)
        {
            problem = Channels.streamIdProblem(prefix + ".streamId", streamId);
        }
        if (null == problem)
        {
            problem = Channels.channelProblem(prefix + ".archiveControlChannel", archiveControlChannel);
        }
        if (null == problem)
        {
            problem = Channels.streamIdProblem(prefix + ".archiveControlStreamId", archiveControlStreamId);
        }
        if (null == problem)
        {
            problem = Channels.channelProblem(prefix + ".archiveReplicationChannel", archiveReplicationChannel);
        }
        if (null == problem)
        {
            problem = Channels.channelProblem(prefix + ".statusChannel", statusChannel);
        }
        if (null == problem)
        {
            problem = Channels.streamIdProblem(prefix + ".statusStreamId", statusStreamId);
        }
        if (null == problem && null == archiveDir)
        {
            problem = "'" + prefix + ".archiveDir' expected a directory or nothing, got null";
        }
        if (null == problem && (segmentLength < 64 * 1024 || Integer.bitCount(segmentLength) != 1))
        {
            problem = "'" + prefix + ".segmentLength' expected a power of two of at least 65536, got " + segmentLength;
        }
        if (null == problem && retainBytes < 0)
        {
            problem = "'" + prefix + ".retainBytes' expected 0 (keep all) or more bytes, got " + retainBytes;
        }
        if (null == problem && retentionCheckMs < 100)
        {
            problem = "'" + prefix + ".retentionCheckMs' expected at least 100, got " + retentionCheckMs;
        }
        if (null == problem && offerTimeoutMs < 1)
        {
            problem = "'" + prefix + ".offerTimeoutMs' expected at least 1, got " + offerTimeoutMs;
        }
        if (null == problem && (maxEdges < 1 || maxEdges > 4096))
        {
            problem = "'" + prefix + ".maxEdges' expected 1 to 4096, got " + maxEdges;
        }
        return problem;
    }
}
