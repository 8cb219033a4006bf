package dev.commandcenter.perf.soak;

import java.util.List;

/**
 * What one phase measured.
 *
 * @param name       of the phase.
 * @param honest     the honest load's figures.
 * @param engine     the engine process's samples and health.
 * @param attackers  the attackers that ran (none in the honest phase).
 * @param engineAlive whether the engine still ran at the phase's end.
 * @param recoveryS  seconds until {@code /api/health} answered again after the attackers stopped (0 when it never
 *                   failed then), or -1 when it did not within the bound.
 */
record PhaseResult(
    String name,
    BenchSummary honest,
    EngineSampler.PhaseTotals engine,
    List<Attacker> attackers,
    boolean engineAlive,
    double recoveryS)
{
}
