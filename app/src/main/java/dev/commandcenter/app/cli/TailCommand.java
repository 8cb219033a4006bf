package dev.commandcenter.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.JournalException;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code commandcenter tail}: the live events and outputs of the engine running on a data dir, merged into one stream
 * as they arrive. Events come from the data dir's journal, followed read-only from its end ({@link JournalTail}, an
 * agent on its own thread); outputs from the engine's {@code /ws/all} feed with the data dir's admin token
 * ({@link OutputFeed}). Both hand what the {@link TailFilter} keeps to a bounded {@link TailQueue}, which this
 * command's thread prints ({@link TailPrinter}): a table on a terminal, JSON lines when piped or with {@code --json}.
 * With no engine running, the journal's events are still followed and one line says why outputs are not; with no
 * journal either, it is a one-line error (exit 1). A wrong {@code --type} or {@code --filter} is a usage error
 * (exit 2). It runs until Ctrl-C or SIGTERM, or until {@code --limit} messages are printed.
 */
@Command(name = "tail", description = "Follow the live events and outputs of the running engine: a table on a " +
    "terminal, JSON lines when piped.")
public final class TailCommand implements Callable<Integer>
{
    private static final long POLL_MS = 100;
    private static final long STOP_WAIT_MS = 2000;

    @Mixin
    CommonOptions common;

    @Option(names = "--type", paramLabel = "T", split = ",",
        description = "Only these message types, such as ChatMessage,ChatLine.")
    List<String> types;

    @Option(names = "--filter", paramLabel = "EXPR", description = "Only messages whose field passes the test, as in " +
        "plugin subscriptions: 'amountSats >= 50000', 'state != CONNECTED', \"user == 'ann'\". Repeat for more tests; " +
        "all must hold.")
    List<String> filters;

    @Option(names = "--json", description = "JSON lines even on a terminal (one object per message with kind, seq, " +
        "timestamp, then the message's JSON view).")
    boolean json;

    @Option(names = "--events-only", description = "Only the journal's events.")
    boolean eventsOnly;

    @Option(names = "--outputs-only", description = "Only the engine's outputs.")
    boolean outputsOnly;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
        description = "Stop after printing N messages. Default: run until Ctrl-C.")
    long limit;

    @Option(names = { "-h", "--help" }, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    private volatile boolean stopping;

    /**
     * Follow, print, and stop on Ctrl-C, SIGTERM, {@code --limit} or a failure.
     *
     * @return 0 when stopped, 1 on a failure.
     */
    public Integer call()
    {
        final TailFilter filter = usage();
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final TailQueue queue = new TailQueue();
        final Path journalDir = common.dataDir.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME);

        JournalTail journal = null;
        OutputFeed feed = null;
        AgentRunner runner = null;
        final CountDownLatch finished = new CountDownLatch(1);
        final Thread hook = new Thread(() -> stop(finished), "commandcenter-tail-stop");
        try
        {
            if (!outputsOnly && Files.isDirectory(journalDir))
            {
                journal = JournalTail.open(journalDir, filter, queue);
            }
            String feedProblem = null;
            if (!eventsOnly)
            {
                try
                {
                    feed = OutputFeed.connect(common.dataDir, filter, queue);
                }
                catch (final IllegalStateException ex)
                {
                    feedProblem = ex.getMessage();
                }
            }
            final String noJournal = "no journal at " + journalDir + " (expected a data dir written by demo or run)";
            if (null == journal && null == feed)
            {
                throw new IllegalStateException(eventsOnly ? noJournal : outputsOnly ? feedProblem :
                    "nothing to tail: " + noJournal + ", and " + feedProblem);
            }
            if (null != feedProblem)
            {
                err.println("commandcenter: tail: outputs unavailable, following events only: " + feedProblem);
            }
            if (null == journal && !outputsOnly)
            {
                err.println("commandcenter: tail: events unavailable, following outputs only: " + noJournal);
            }
            err.println("commandcenter: tail: following " + (null == journal ? "" : "the events of " + journalDir) +
                (null != journal && null != feed ? " and " : "") + (null == feed ? "" : "the outputs of " + feed.url()) +
                " (Ctrl-C stops)");
            err.flush();

            if (null != journal)
            {
                runner = new AgentRunner(new BackoffIdleStrategy(10, 10, 1_000, 5_000_000),
                    (ex) -> queue.fail("reading the journal failed: " + Console.describe(ex)), null, journal);
                AgentRunner.startOnThread(runner, (task) ->
                {
                    final Thread thread = new Thread(task, "commandcenter-tail-journal");
                    thread.setDaemon(true);
                    return thread;
                });
            }
            Runtime.getRuntime().addShutdownHook(hook);
            final boolean table = !json && stdoutIsTerminal();
            return print(queue, new TailPrinter(out, table, table ? TailPrinter.terminalWidth() : 0), feed,
                null == journal, err);
        }
        catch (final JournalException ex)
        {
            throw new IllegalStateException(ex.getMessage(), ex);
        }
        finally
        {
            CloseHelper.quietCloseAll(runner, feed);
            if (null == runner && null != journal)
            {
                journal.onClose();
            }
            finished.countDown();
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException ignore)
            {
                // shutting down: the hook is running and waits for this
            }
            err.flush();
        }
    }

    private TailFilter usage()
    {
        if (eventsOnly && outputsOnly)
        {
            throw new ParameterException(spec.commandLine(), "--events-only and --outputs-only exclude each other: " +
                "expected one of them, or neither for both");
        }
        if (limit < 0)
        {
            throw new ParameterException(spec.commandLine(), "--limit: expected 0 (no limit) or more, got " + limit);
        }
        try
        {
            return TailFilter.compile(types, filters);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), (ex.getMessage().contains("--type") ? "" : "--filter: ") +
                ex.getMessage());
        }
    }

    private int print(
        final TailQueue queue, final TailPrinter printer, final OutputFeed feed, final boolean outputsAlone,
        final PrintWriter err)
    {
        long printed = 0;
        long reportedDrops = 0;
        int code = 0;
        try
        {
            while (!stopping)
            {
                final ObjectNode message = queue.poll(POLL_MS);
                if (null != message)
                {
                    printer.print(message);
                    if (limit > 0 && ++printed >= limit)
                    {
                        break;
                    }
                }
                for (String note = queue.nextNote(); null != note; note = queue.nextNote())
                {
                    err.println(note);
                    err.flush();
                }
                final long dropped = queue.dropped();
                if (dropped > reportedDrops && queue.isEmpty())
                {
                    err.println(dropsLine(dropped - reportedDrops));
                    err.flush();
                    reportedDrops = dropped;
                }
                if (null != queue.failure())
                {
                    err.println("commandcenter: " + queue.failure());
                    code = 1;
                    break;
                }
                if (outputsAlone && feed.ended() && queue.isEmpty())
                {
                    code = 1;
                    break;
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (queue.dropped() > reportedDrops)
        {
            err.println(dropsLine(queue.dropped() - reportedDrops));
        }
        err.flush();
        return code;
    }

    private void stop(final CountDownLatch finished)
    {
        stopping = true;
        try
        {
            finished.await(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static String dropsLine(final long dropped)
    {
        return "commandcenter: tail: dropped " + dropped + " message" + (1 == dropped ? "" : "s") +
            ": the terminal did not keep up (at most " + TailQueue.CAPACITY + " wait to be printed)";
    }

    private static boolean stdoutIsTerminal()
    {
        final java.io.Console console = System.console();
        return Console.out() == System.out && null != console && console.isTerminal();
    }
}
