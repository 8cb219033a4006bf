package dev.commandcenter.persistence;

/**
 * How far an appended record has travelled towards the disk when the journaller acknowledges it
 * (when {@link dev.commandcenter.engine.EventPublisher#isJournaled(long)} turns true). The journaller
 * acknowledges a batch of events only after {@link ChronicleJournal#onBatchEnd()} returns.
 */
public enum Durability
{
    /**
     * Records are written into the memory-mapped cycle file, that is into the operating system's page
     * cache, and the kernel writes them to disk in its own time (on Linux within
     * {@code vm.dirty_expire_centisecs}, 30 s by default). An acknowledged record survives the death of
     * the process (kill -9, a JVM crash, running out of memory), because the page cache belongs to the
     * kernel, but not a power loss, kernel panic or hardware fault, which can lose roughly the last
     * writeback interval of records. Nothing is flushed on the append path.
     */
    PAGE_CACHE,

    /**
     * As {@link #PAGE_CACHE}, and at the end of every journaller batch the cycle file being written is
     * flushed with {@code fdatasync} ({@code FileChannel.force(false)}), which returns once the device
     * reports the file's dirty pages written: the batch's records and the queue's own header and index
     * pages, whether written through the mapping or not. When a batch rolls into a new cycle file the
     * previous file is flushed too, and the directory is flushed ({@code fsync}) once per new file so
     * its entry survives. An acknowledged record then survives a power loss, provided the device honours
     * flush requests (a drive with a volatile write cache that ignores them can still lose it). Costs
     * one flush per batch, whose time depends on the device; batching amortises it under load.
     */
    SYNC
}
