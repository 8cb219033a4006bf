package dev.commandcenter.perf.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The soak's summary (Markdown, also printed) and {@code attackers.csv}.
 */
final class SoakReport
{
    private SoakReport()
    {
    }

    /**
     * Write {@code summary.md} and {@code attackers.csv}.
     *
     * @param out     the report directory.
     * @param summary the summary text.
     * @param results the phases.
     */
    static void write(final Path out, final String summary, final List<PhaseResult> results)
    {
        final StringBuilder csv = new StringBuilder(
            "phase,attacker,connected,refused,closed_by_server,peak_open,bytes_sent,bytes_received,requests,answers,note\n");
        for (final PhaseResult result : results)
        {
            for (final Attacker attacker : result.attackers())
            {
                final AttackStats s = attacker.stats();
                csv.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%d,%d,%d,%d,%d,\"%s\"%n", result.name(),
                    attacker.kind().label(), s.connected.get(), s.refused.get(), s.closedByServer.get(), s.peakOpen.get(),
                    s.bytesSent.get(), s.bytesReceived.get(), s.requests.get(), s.answers.get(),
                    s.note().replace('"', '\'')));
            }
        }
        try
        {
            Files.writeString(out.resolve("summary.md"), summary, StandardCharsets.UTF_8);
            Files.writeString(out.resolve("attackers.csv"), csv.toString(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the report in " + out + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * The summary.
     *
     * @param options of the run.
     * @param results the phases.
     * @param engine  the engine.
     * @return Markdown.
     */
    static String summary(final SoakOptions options, final List<PhaseResult> results, final EngineProcess engine)
    {
        final StringBuilder md = new StringBuilder();
        md.append("# perf/soak ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append("\n\n");
        md.append(String.format(Locale.ROOT, "Engine `commandcenter run` (pid %d) on 127.0.0.1; %d honest overlay " +
            "clients x %d payments/s (REST), phases of %.1f s after a %.1f s ramp; %d cores, load average %.2f at the " +
            "end.%n%n", engine.pid(), options.clients(), options.rate(), options.duration().toMillis() / 1e3,
            options.ramp().toMillis() / 1e3, Runtime.getRuntime().availableProcessors(),
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));

        md.append("## Honest clients\n\n");
        md.append("| phase | frames expected | delivered | lost | p50 ms | p99 ms | p99.9 ms | max ms | POST -> 202 p99 ms |" +
            " send errors |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (final PhaseResult r : results)
        {
            final BenchSummary h = r.honest();
            md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | **%,d** | %s | %s | %s | %s | %s | %,d%s |%n",
                r.name(), h.expected(), h.received(), h.lost(), ms(h.p50Ms()), ms(h.p99Ms()), ms(h.p999Ms()),
                ms(h.maxMs()), ms(h.post202P99Ms()), h.sendErrors(),
                h.firstError().isEmpty() ? "" : " (" + h.firstError().replace('|', '/') + ")"));
        }

        md.append("\n## Engine process\n\n");
        md.append("| phase | max RSS MB | max open fds | max heap after GC MB | GC pauses | longest pause ms |" +
            " /api/health within 1 s | slowest ms | first failure at s | health again after attack s | alive at end |\n" +
            "|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (final PhaseResult r : results)
        {
            final EngineSampler.PhaseTotals e = r.engine();
            md.append(String.format(Locale.ROOT, "| %s | %s | %,d | %s | %d | %s | %d / %d | %s | %s | %s | %s |%n",
                r.name(), e.maxRssKb < 0 ? "-" : String.format(Locale.ROOT, "%.0f", e.maxRssKb / 1024.0), e.maxFds,
                e.maxHeapAfterGcMb < 0 ? "-" : Long.toString(e.maxHeapAfterGcMb),
                Math.max(0, e.gcPausesAtEnd - e.gcPausesAtStart), ms(e.maxGcPauseMs), e.healthOk, e.healthProbes,
                ms(e.healthMaxMs), e.firstHealthFailureS < 0 ? "-" : String.format(Locale.ROOT, "%.1f", e.firstHealthFailureS),
                r.attackers().isEmpty() ? "-" : r.recoveryS() < 0 ? "not within 15 s" :
                String.format(Locale.ROOT, "%.1f", r.recoveryS()), r.engineAlive() ? "yes" : "**no**"));
        }
        md.append("\nSamples every ").append(options.sampleEvery().toMillis() / 1000.0)
            .append(" s in `samples.csv` (RSS, fds, threads, heap after the last GC, health probes).\n");

        for (final PhaseResult r : results)
        {
            if (r.attackers().isEmpty())
            {
                continue;
            }
            md.append("\n## Attackers (phase ").append(r.name()).append(")\n\n");
            md.append("| attacker | connected | refused / failed | closed by the engine | peak open | MiB sent | " +
                "requests / frames | answers | note |\n|---|---|---|---|---|---|---|---|---|\n");
            for (final Attacker attacker : r.attackers())
            {
                final AttackStats s = attacker.stats();
                String note = s.note();
                if (attacker instanceof UnauthenticatedBodies bodies)
                {
                    note = "statuses " + bodies.statuses() + (note.isEmpty() ? "" : "; " + note);
                }
                else if (attacker instanceof HostileElectrumServer electrum)
                {
                    note = electrum.historiesUnanswered() + " get_history left unanswered" +
                        (note.isEmpty() ? "" : "; " + note);
                }
                md.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %.1f | %,d | %,d | %s |%n",
                    attacker.kind().label(), s.connected.get(), s.refused.get(), s.closedByServer.get(),
                    s.peakOpen.get(), s.bytesSent.get() / 1048576.0, s.requests.get(), s.answers.get(),
                    note.replace('|', '/')));
            }
            md.append('\n');
            for (final Attacker attacker : r.attackers())
            {
                md.append("- ").append(attacker.kind().label()).append(": ").append(attacker.describe()).append('\n');
            }
        }

        long lost = 0;
        for (final PhaseResult r : results)
        {
            lost += r.honest().lost();
        }
        md.append("\n**").append(0 == lost ? "PASS" : "FAIL").append("**: ").append(String.format(Locale.ROOT, "%,d", lost))
            .append(" honest frames lost.\n");
        return md.toString();
    }

    private static String ms(final double value)
    {
        return Double.isNaN(value) || value < 0 ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }
}
