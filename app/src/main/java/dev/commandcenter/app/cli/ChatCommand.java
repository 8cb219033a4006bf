package dev.commandcenter.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.app.chat.ChatClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code commandcenter chat ban|unban|timeout|delete|slow|clear|say|tip}: moderate the chat of the engine running on a
 * data dir from the terminal, as the streamer, through its chat gateway with the admin token of the data dir. Each
 * action is an event in the journal, as one from the moderator page is.
 */
@Command(name = "chat", description = "Moderate the chat of a running engine, or post as the streamer.",
    subcommands = {
        ChatCommand.Ban.class, ChatCommand.Unban.class, ChatCommand.Timeout.class, ChatCommand.Delete.class,
        ChatCommand.Slow.class, ChatCommand.Clear.class, ChatCommand.Say.class, ChatCommand.Tip.class
    })
public final class ChatCommand implements Runnable
{
    @Spec
    private CommandSpec spec;

    /**
     * Without a subcommand: print the usage.
     */
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every chat command shares. */
    abstract static class Action implements Callable<Integer>
    {
        @Mixin
        CommonOptions common;

        @Option(names = "--room", paramLabel = "ROOM", description = "The room; the default room when left out.")
        String room;

        @Spec
        CommandSpec spec;

        abstract Map<String, Object> body();

        abstract String done(long receipt);

        public Integer call()
        {
            final Map<String, Object> body = body();
            if (null != room)
            {
                body.put("room", room);
            }
            final long receipt = ChatClient.connect(common.dataDir).moderate(body);
            final PrintWriter out = spec.commandLine().getOut();
            out.println(done(receipt));
            out.flush();
            return 0;
        }

        static Map<String, Object> of(final Object... keysAndValues)
        {
            final Map<String, Object> body = new LinkedHashMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2)
            {
                if (null != keysAndValues[i + 1])
                {
                    body.put((String)keysAndValues[i], keysAndValues[i + 1]);
                }
            }
            return body;
        }
    }

    /** {@code chat ban NAME [--for 10m] [--reason R]}. */
    @Command(name = "ban", description = "Ban a viewer (for ever, or --for a time as a time-out) and remove their lines.")
    static final class Ban extends Action
    {
        @Parameters(index = "0", paramLabel = "NAME", description = "The viewer's display name.")
        String name;

        @Option(names = "--for", paramLabel = "DURATION", description = "A time-out instead of a ban: 10s, 5m, 1h.")
        String duration;

        @Option(names = "--reason", paramLabel = "REASON", description = "Why, shown to moderators.")
        String reason;

        Map<String, Object> body()
        {
            return null == duration ? of("action", "ban", "target", name, "reason", reason) :
                of("action", "timeout", "target", name, "durationMs", ChatClient.parseDuration(duration), "reason", reason);
        }

        String done(final long receipt)
        {
            return (null == duration ? "banned " : "timed out ") + name + (null == duration ? "" : " for " + duration) +
                " (event " + receipt + ")";
        }
    }

    /** {@code chat unban NAME}. */
    @Command(name = "unban", description = "Lift a viewer's ban.")
    static final class Unban extends Action
    {
        @Parameters(index = "0", paramLabel = "NAME", description = "The viewer's display name.")
        String name;

        Map<String, Object> body()
        {
            return of("action", "unban", "target", name);
        }

        String done(final long receipt)
        {
            return "unbanned " + name + " (event " + receipt + ")";
        }
    }

    /** {@code chat timeout NAME DURATION}. */
    @Command(name = "timeout", description = "Time a viewer out: no posting for DURATION (10s, 5m, 1h).")
    static final class Timeout extends Action
    {
        @Parameters(index = "0", paramLabel = "NAME", description = "The viewer's display name.")
        String name;

        @Parameters(index = "1", paramLabel = "DURATION", description = "How long: 10s, 5m, 1h.")
        String duration;

        @Option(names = "--reason", paramLabel = "REASON", description = "Why, shown to moderators.")
        String reason;

        Map<String, Object> body()
        {
            return of("action", "timeout", "target", name, "durationMs", ChatClient.parseDuration(duration), "reason", reason);
        }

        String done(final long receipt)
        {
            return "timed out " + name + " for " + duration + " (event " + receipt + ")";
        }
    }

    /** {@code chat delete LINE}. */
    @Command(name = "delete", description = "Delete one line by its lineId.")
    static final class Delete extends Action
    {
        @Parameters(index = "0", paramLabel = "LINE", description = "The lineId of the line.")
        long lineId;

        Map<String, Object> body()
        {
            return of("action", "delete", "lineId", lineId);
        }

        String done(final long receipt)
        {
            return "deleted line " + lineId + " (event " + receipt + ")";
        }
    }

    /** {@code chat slow 10s|off}. */
    @Command(name = "slow", description = "Slow mode: a viewer may post once every DURATION (10s, 1m), or off.")
    static final class Slow extends Action
    {
        @Parameters(index = "0", paramLabel = "DURATION|off", description = "Time between a viewer's messages, or off.")
        String duration;

        Map<String, Object> body()
        {
            return of("action", "slow", "durationMs", "off".equalsIgnoreCase(duration.trim()) ? 0L :
                ChatClient.parseDuration(duration));
        }

        String done(final long receipt)
        {
            return ("off".equalsIgnoreCase(duration.trim()) ? "slow mode off" : "slow mode: one message every " + duration) +
                " (event " + receipt + ")";
        }
    }

    /** {@code chat clear}. */
    @Command(name = "clear", description = "Clear the room: every line off the screen and out of the history.")
    static final class Clear extends Action
    {
        Map<String, Object> body()
        {
            return of("action", "clear");
        }

        String done(final long receipt)
        {
            return "cleared the chat (event " + receipt + ")";
        }
    }

    /** {@code chat say TEXT}: post as the streamer. */
    @Command(name = "say", description = "Post a message as the streamer.")
    static final class Say implements Callable<Integer>
    {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", arity = "1..*", paramLabel = "TEXT", description = "The message.")
        java.util.List<String> words;

        @Spec
        CommandSpec spec;

        public Integer call()
        {
            final ChatClient client = ChatClient.connect(common.dataDir);
            final String streamer = client.session().path("streamerName").asText("streamer");
            final JsonNode answer = client.say(streamer, String.join(" ", words));
            final PrintWriter out = spec.commandLine().getOut();
            out.println(answer.path("pending").asBoolean() ? "posted as " + streamer + ", not shown yet (event " +
                answer.path("receipt").asLong() + ")" : "posted as " + streamer + " (line " + answer.path("lineId").asLong() + ")");
            out.flush();
            return 0;
        }
    }

    /** {@code chat tip TXID --name NAME --message TEXT [--room R]}: the memo of a payment, shown with it. */
    @Command(name = "tip", description = "Post the name and message of a payment: it shows in chat as a paid line " +
        "with the payment's amount, whether the payment arrived before or arrives after.")
    static final class Tip implements Callable<Integer>
    {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", paramLabel = "TXID", description = "The payment's transaction id (64 hex digits).")
        String txid;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The tipper's display name.")
        String name;

        @Option(names = "--message", required = true, paramLabel = "TEXT", description = "The message.")
        String message;

        @Option(names = "--room", paramLabel = "ROOM", description = "The room; the default room when left out.")
        String room;

        @Spec
        CommandSpec spec;

        public Integer call()
        {
            final long receipt = ChatClient.connect(common.dataDir).tip(txid, name, message, room);
            final PrintWriter out = spec.commandLine().getOut();
            out.println("tip memo for " + txid + " posted (event " + receipt + "): it shows with its payment");
            out.flush();
            return 0;
        }
    }
}
