package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.engine.Journal;

import java.util.function.LongSupplier;

/**
 * What a plugin slot needs to recover a plugin's state at start ({@link dev.commandcenter.engine.plugin.Recovery}):
 * the engine's journal to read back, whether the engine allows recovery at all (a replay does not), and how to find
 * the engine sequence of the first event a new activation is offered.
 *
 * @param journal       the engine's journal, read with {@link Journal#read} on the plugin's thread.
 * @param enabled       false to start every plugin empty (replay).
 * @param firstSequence engine sequence of the first event published into the ring (the journal's next sequence when
 *                      the engine started).
 * @param nextSequence  the engine sequence the next journaled event gets, for a slot that joins a running ring.
 */
public record SlotRecovery(Journal journal, boolean enabled, long firstSequence, LongSupplier nextSequence)
{
    /** No recovery: nothing to read. */
    public static final SlotRecovery NONE = new SlotRecovery(Journal.NONE, false, 0, () -> 0);
}
