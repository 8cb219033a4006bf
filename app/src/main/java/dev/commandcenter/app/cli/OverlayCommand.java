package dev.commandcenter.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.app.plugins.EngineRestClient;
import dev.commandcenter.app.stream.StreamControlRoute;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code commandcenter overlay pause|resume|skip|replay-last|test}: the stream overlay's alert queue from the
 * terminal. Each posts {@code POST /api/stream/control} to the engine running on the data dir with its admin token,
 * as the dashboard's buttons do; the change is an {@code OverlayControl} event in the journal, from actor
 * {@value #ACTOR}.
 */
@Command(name = "overlay", description = "Pause, resume, skip, replay or test the stream overlay's alerts.",
    subcommands = {
        OverlayCommand.Pause.class, OverlayCommand.Resume.class, OverlayCommand.Skip.class,
        OverlayCommand.ReplayLast.class, OverlayCommand.Test.class
    })
public final class OverlayCommand implements Runnable
{
    /** The actor the terminal's controls carry. */
    public static final String ACTOR = "cli";

    @Spec
    private CommandSpec spec;

    /**
     * Without a subcommand: print the usage.
     */
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A command that posts one control to the running engine. */
    abstract static class Control implements Callable<Integer>
    {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        private final String action;
        private final String done;

        Control(final String action, final String done)
        {
            this.action = action;
            this.done = done;
        }

        public Integer call()
        {
            final JsonNode answer = EngineRestClient.connect(common.dataDir, Duration.ofSeconds(10))
                .send("POST", StreamControlRoute.CONTROL_PATH, Map.of("action", action, "actor", ACTOR));
            final PrintWriter out = spec.commandLine().getOut();
            out.println(done + " (event " + answer.path("receipt").asLong() + ")");
            out.flush();
            return 0;
        }
    }

    /** {@code overlay pause}. */
    @Command(name = "pause", description = "Hold new alerts until resume (those already showing go on).")
    static final class Pause extends Control
    {
        Pause()
        {
            super("pause", "alerts paused");
        }
    }

    /** {@code overlay resume}. */
    @Command(name = "resume", description = "Show the held alerts one after another, and new ones again.")
    static final class Resume extends Control
    {
        Resume()
        {
            super("resume", "alerts resumed");
        }
    }

    /** {@code overlay skip}. */
    @Command(name = "skip", description = "End the alert showing now; the next one follows at once.")
    static final class Skip extends Control
    {
        Skip()
        {
            super("skip", "alert skipped");
        }
    }

    /** {@code overlay replay-last}. */
    @Command(name = "replay-last", description = "Show the last payment alert again, after those queued.")
    static final class ReplayLast extends Control
    {
        ReplayLast()
        {
            super("replay-last", "last alert replayed");
        }
    }

    /** {@code overlay test}. */
    @Command(name = "test", description = "Show a test alert, after those queued.")
    static final class Test extends Control
    {
        Test()
        {
            super("test-alert", "test alert sent");
        }
    }
}
