package dev.commandcenter.app.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.app.plugins.EngineRestClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code commandcenter send TYPE key=value ...}: post one event into the engine running on a data dir, through its
 * {@code POST /api/events} with the data dir's admin token, and print its receipt (the event's engine sequence).
 * The body is typed and checked against the schema's fields of TYPE before anything is sent ({@link EventBody}):
 * a wrong type, field or value is a one-line usage error (exit 2); what the engine refuses is its one-line answer
 * (exit 1), as is an engine that does not run.
 */
@Command(name = "send", description = "Post one event into the running engine with the data dir's admin token: " +
    "send ChatMessage user=ann text='hello'.")
public final class SendCommand implements Callable<Integer>
{
    /** The path events are posted to. */
    static final String EVENTS_PATH = "/api/events";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "TYPE", description = "The event's message type, such as ChatMessage or " +
        "OverlayControl.")
    String type;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "key=value", description = "Its fields, as in the schema: " +
        "numbers (0 when left out), text (empty when left out), enum names and 64 hex digits for hashes (both required, " +
        "but yes/no flags are FALSE when left out).")
    List<String> fields;

    @Option(names = { "-h", "--help" }, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    /**
     * Build, check and post the event.
     *
     * @return 0 when the engine took it.
     */
    public Integer call()
    {
        final ObjectNode body;
        try
        {
            body = EventBody.build(type, fields);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage());
        }
        final EngineRestClient rest = EngineRestClient.connect(common.dataDir, TIMEOUT);
        final JsonNode answer = rest.send("POST", EVENTS_PATH, JSON.convertValue(body, new TypeReference<Map<String, Object>>()
        {
        }));
        final PrintWriter out = spec.commandLine().getOut();
        out.println("sent " + type + " (event " + answer.path("receipt").asLong() + ")");
        out.flush();
        return 0;
    }
}
