package dev.commandcenter.engine;

/**
 * What a producer does when the input ring is full.
 */
public enum BackPressurePolicy
{
    /** Wait for a free slot; nothing is dropped, the producer slows to the engine's pace. */
    BLOCK,
    /** Return {@link EventPublisher#REJECTED} at once and count the rejection. */
    REJECT
}
