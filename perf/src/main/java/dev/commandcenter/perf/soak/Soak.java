package dev.commandcenter.perf.soak;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code perf/soak}: the engine in its own process under an honest overlay load, first alone, then with every
 * attacker at once, for the same duration; reports honest frames expected and delivered, payment -> frame and
 * POST -> 202 latency, the engine's memory, descriptors and health over time, and what the attackers did.
 * Exits 1 when an honest frame was lost, 2 on a bad command line.
 */
public final class Soak
{
    /** The phase without attackers. */
    static final String HONEST = "honest";
    /** The phase with them. */
    static final String ATTACK = "attack";
    /** Bytes of each hostile Electrum notification: just under the wallet's default line bound of 1 MiB. */
    static final int ELECTRUM_NOTIFICATION_BYTES = 1_000_000;
    /** Bound of what a flooding attacker writes in a phase. */
    static final long FLOOD_MAX_BYTES = 256L << 20;
    /** Bound of the hostile Electrum server's notifications over a run. */
    static final long ELECTRUM_MAX_BYTES = 1L << 30;
    /** Slowloris connections. */
    static final int SLOWLORIS_CONNECTIONS = 500;
    /** Unauthenticated POSTs, their body size and how many at once. */
    static final int BODIES = 1_000;
    static final int BODY_BYTES = 64 * 1024;
    static final int BODIES_AT_ONCE = 16;
    /** Descriptors this process keeps for everything but the connection hog. */
    static final int FD_RESERVE = 2_000;
    private static final long CONNECT_WAIT_S = 180;
    private static final long RECOVERY_BOUND_NS = TimeUnit.SECONDS.toNanos(15);

    private Soak()
    {
    }

    /**
     * Run the soak.
     *
     * @param args see {@link SoakOptions#USAGE}.
     */
    public static void main(final String[] args)
    {
        final PrintWriter console = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        final Path root = Path.of(System.getProperty("soak.root", ".")).toAbsolutePath().normalize();
        final SoakOptions options;
        try
        {
            options = SoakOptions.parse(args, root, LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("perf/soak: " + ex.getMessage());
            System.exit(2);
            return;
        }
        int exit;
        try
        {
            exit = run(options, console);
        }
        catch (final RuntimeException ex)
        {
            System.err.println("perf/soak: " + ex.getMessage());
            exit = 1;
        }
        System.exit(exit);
    }

    /**
     * Run both phases and write the report.
     *
     * @param options what to run.
     * @param console where progress and the summary go.
     * @return 0 when no honest frame was lost, else 1.
     */
    static int run(final SoakOptions options, final PrintWriter console)
    {
        try
        {
            Files.createDirectories(options.out());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create " + options.out() + ": " + ex.getMessage(), ex);
        }
        console.println("perf/soak: " + options.clients() + " clients x " + options.rate() + " payments/s, phases '" +
            HONEST + "' then '" + ATTACK + "' of " + options.duration().toMillis() / 1000.0 + " s each after a " +
            options.ramp().toMillis() / 1000.0 + " s ramp; attackers " + labels(options) + "; report in " + options.out());
        HostileElectrumServer electrum = null;
        EngineProcess engine = null;
        EngineSampler sampler = null;
        final List<Attacker> attackers = new ArrayList<>();
        try
        {
            if (options.attackers().contains(AttackerKind.ELECTRUM))
            {
                electrum = new HostileElectrumServer(ELECTRUM_NOTIFICATION_BYTES, ELECTRUM_MAX_BYTES, 100);
            }
            engine = EngineProcess.start(options.root(), options.out(), null == electrum ? null : electrum.url(),
                options.clients() + 512, console);
            final EngineProcess started = engine;
            final HostileElectrumServer server = electrum;
            final Thread kill = new Thread(() ->
            {
                attackers.forEach(Attacker::close);
                if (null != server)
                {
                    server.shutdown();
                }
                started.close();
            }, "soak-shutdown");
            Runtime.getRuntime().addShutdownHook(kill);
            final InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), engine.port());
            sampler = new EngineSampler(engine.pid(), options.out().resolve("engine-gc.log"),
                new HealthProbe(target, engine.token()), TimeUnit.MILLISECONDS.toNanos(options.sampleEvery().toMillis()),
                options.out().resolve("samples.csv"), console);
            final List<PhaseResult> results = new ArrayList<>();
            results.add(phase(HONEST, options, engine, sampler, List.of(), console));
            attackers.addAll(attackers(options, target, engine.overlayToken(), electrum, console));
            results.add(phase(ATTACK, options, engine, sampler, attackers, console));
            sampler.close();
            final String summary = SoakReport.summary(options, results, engine);
            SoakReport.write(options.out(), summary, results);
            console.println();
            console.print(summary);
            console.println("report in " + options.out());
            console.flush();
            try
            {
                Runtime.getRuntime().removeShutdownHook(kill);
            }
            catch (final IllegalStateException ignore)
            {
                // shutting down already
            }
            long lost = 0;
            for (final PhaseResult result : results)
            {
                lost += result.honest().lost();
            }
            return 0 == lost ? 0 : 1;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start the hostile Electrum server: " + ex.getMessage(), ex);
        }
        finally
        {
            attackers.forEach(Attacker::close);
            if (null != sampler)
            {
                sampler.close();
            }
            if (null != electrum)
            {
                electrum.shutdown();
            }
            if (null != engine)
            {
                engine.close();
            }
        }
    }

    private static String labels(final SoakOptions options)
    {
        final List<String> labels = new ArrayList<>();
        for (final AttackerKind kind : options.attackerList())
        {
            labels.add(kind.label());
        }
        return labels.isEmpty() ? "none" : String.join(",", labels);
    }

    private static List<Attacker> attackers(
        final SoakOptions options,
        final InetSocketAddress target,
        final String token,
        final HostileElectrumServer electrum,
        final PrintWriter console)
    {
        final List<Attacker> attackers = new ArrayList<>();
        for (final AttackerKind kind : options.attackerList())
        {
            attackers.add(switch (kind)
            {
                case PIPELINER -> new Pipeliner(target, FLOOD_MAX_BYTES, 1_000);
                case PINGER -> new PingFlooder(target, token, FLOOD_MAX_BYTES, 1_000);
                case SLOWLORIS -> new Slowloris(target, SLOWLORIS_CONNECTIONS);
                case HOG -> hog(options, target, console);
                case ELECTRUM -> electrum;
                case BODIES -> new UnauthenticatedBodies(target, BODIES, BODY_BYTES, BODIES_AT_ONCE);
            });
        }
        return attackers;
    }

    private static ConnectionHog hog(final SoakOptions options, final InetSocketAddress target, final PrintWriter console)
    {
        final long limit = openFilesLimit();
        int cap = options.hogMax();
        String reason = "--hog-max";
        if (limit > 0 && limit - FD_RESERVE < cap)
        {
            cap = (int)Math.max(0, limit - FD_RESERVE);
            reason = "this process's open-file limit " + limit + " less " + FD_RESERVE + " kept for the rest";
            console.println("perf/soak: the connection hog is capped at " + cap + " connections (" + reason + ")");
        }
        return new ConnectionHog(target, cap, reason);
    }

    /**
     * This process's soft limit of open files.
     *
     * @return the limit, or -1 when unknown.
     */
    static long openFilesLimit()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/self/limits")))
            {
                if (line.startsWith("Max open files"))
                {
                    final String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // not Linux
        }
        return -1;
    }

    private static PhaseResult phase(
        final String name,
        final SoakOptions options,
        final EngineProcess engine,
        final EngineSampler sampler,
        final List<Attacker> attackers,
        final PrintWriter console)
    {
        console.println("== phase '" + name + "': connecting " + options.clients() + " honest clients" +
            (attackers.isEmpty() ? "" : ", then " + attackers.size() + " attacker(s)"));
        final EngineSampler.PhaseTotals totals = sampler.phase(name);
        final BenchSummary honest;
        try (HonestLoad load = HonestLoad.start(options, engine, options.out().resolve(name), console))
        {
            boolean connected = false;
            try
            {
                load.connected().get(CONNECT_WAIT_S, TimeUnit.SECONDS);
                connected = true;
            }
            catch (final ExecutionException | TimeoutException ex)
            {
                console.println("perf/soak: the honest clients did not connect: " +
                    AbstractAttacker.message(null == ex.getCause() ? ex : ex.getCause()));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            if (connected)
            {
                for (final Attacker attacker : attackers)
                {
                    console.println("  attacker " + attacker.kind().label() + ": " + attacker.describe());
                    attacker.start();
                }
            }
            honest = load.await();
        }
        for (final Attacker attacker : attackers)
        {
            attacker.close();
        }
        final double recoveryS = attackers.isEmpty() ? 0 : recovery(engine);
        sampler.endPhase(totals);
        console.println("== phase '" + name + "' done: " + honest.received() + " of " + honest.expected() +
            " frames delivered" + (engine.alive() ? "" : "; the engine process exited with " + engine.exitCode()));
        return new PhaseResult(name, honest, totals, List.copyOf(attackers), engine.alive(), recoveryS);
    }

    private static double recovery(final EngineProcess engine)
    {
        final HealthProbe probe = new HealthProbe(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), engine.port()), engine.token());
        final long startNs = System.nanoTime();
        while (System.nanoTime() - startNs < RECOVERY_BOUND_NS && engine.alive())
        {
            if (probe.probe(EngineSampler.HEALTH_TIMEOUT_MS) >= 0)
            {
                return (System.nanoTime() - startNs) / 1e9;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        return -1;
    }
}
