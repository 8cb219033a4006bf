package dev.commandcenter.transport.websocket.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.commandcenter.transport.websocket.conformance.ConformanceServer.ADMIN_TOKEN;
import static dev.commandcenter.transport.websocket.conformance.ConformanceServer.OVERLAY_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The same protocol seen by an independent client: Python's {@code websockets} (Debian's python3-websockets) runs
 * {@code conformance/python_client.py} as a child process against each backend, and its report (one JSON line per
 * case) is checked here, the seqs against a JDK client observing the same outputs.
 */
@Timeout(90)
class PythonClientConformanceTest
{
    /** Debian's interpreter: the one with Debian's websockets, whatever python3 comes first on the PATH. */
    static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final long PROCESS_TIMEOUT_S = 60;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MISSING = "the independent client needs /usr/bin/python3 with the websockets module: " +
        "install the Debian package python3-websockets (.ci/run does)";

    @TempDir
    Path dataDir;

    static List<Backend> backends()
    {
        return Backend.selected();
    }

    @BeforeAll
    static void requirePythonWebsockets() throws Exception
    {
        if (!Files.isExecutable(PYTHON))
        {
            fail(MISSING + "; " + PYTHON + " is missing");
        }
        final Process check = new ProcessBuilder(PYTHON.toString(), "-c", "import websockets")
            .redirectErrorStream(true).start();
        final boolean exited = check.waitFor(PROCESS_TIMEOUT_S, TimeUnit.SECONDS);
        if (!exited)
        {
            check.destroyForcibly();
        }
        if (!exited || 0 != check.exitValue())
        {
            fail(MISSING + "; " + new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()
                .lines().reduce((first, second) -> second).orElse("import websockets failed"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldSubscribeResumeAndBeRefusedLikeTheJdkClient(final Backend backend) throws Exception
    {
        backend.requireAvailable();
        try (ConformanceServer server = new ConformanceServer(backend, dataDir, 0, 16, (ctx) -> {}))
        {
            final WsClient observer = server.subscribe("/ws/all?token=" + ADMIN_TOKEN);
            final long[] amounts = { 31_001, 31_002, 31_003 };

            final Map<String, JsonNode> cases = runPython(server, amounts);

            final Map<Long, JsonNode> observed = new HashMap<>();
            for (int i = 0; i < amounts.length; i++)
            {
                final JsonNode node = MAPPER.readTree(observer.nextText());
                observed.put(node.get("amountSats").asLong(), node);
            }
            assertThat(observed).containsOnlyKeys(amounts[0], amounts[1], amounts[2]);

            final JsonNode subscribe = ok(cases, "subscribe");
            assertThat(subscribe.get("subprotocol").asText()).isEqualTo("cc.json.v1");
            assertThat(subscribe.get("status").asInt()).isEqualTo(202);
            assertThat(subscribe.get("type").asText()).isEqualTo("OverlayAlert");
            assertThat(subscribe.get("amount").asLong()).isEqualTo(amounts[0]);
            assertThat(subscribe.get("sequence").asLong()).isEqualTo(subscribe.get("receipt").asLong());
            assertThat(subscribe.get("seq").asLong()).isEqualTo(observed.get(amounts[0]).get("seq").asLong());

            final JsonNode resume = ok(cases, "resume");
            assertThat(resume.get("amounts").toString()).isEqualTo("[" + amounts[1] + "," + amounts[2] + "]");
            assertThat(resume.get("seqs").toString()).isEqualTo("[" + observed.get(amounts[1]).get("seq").asLong() + "," +
                observed.get(amounts[2]).get("seq").asLong() + "]");
            assertThat(resume.get("next").asText()).as("no duplicate after the resumed outputs").isEqualTo("python-sentinel");

            final JsonNode badToken = ok(cases, "bad-token");
            assertThat(badToken.path("code").asInt()).as("%s", badToken).isEqualTo(1008);
            assertThat(badToken.path("reason").asText()).isEqualTo("unauthorized: missing or invalid token");

            final JsonNode unknown = ok(cases, "unknown-subprotocol");
            if (backend.deviates(Backend.Deviation.UNKNOWN_SUBPROTOCOLS_REFUSED_WITH_400))
            {
                assertThat(unknown.path("status").asInt()).as("%s", unknown).isEqualTo(400);
            }
            else
            {
                assertThat(unknown.path("code").asInt()).as("%s", unknown).isEqualTo(1002);
                assertThat(unknown.path("reason").asText()).startsWith("unsupported subprotocol cc.bogus.v1");
                assertThat(unknown.path("subprotocol").isNull()).as("no subprotocol answered").isTrue();
            }

            final JsonNode ping = ok(cases, "ping");
            assertThat(ping.get("pong").asBoolean()).isTrue();
            assertThat(ping.get("text").asText()).isEqualTo("pong");
        }
    }

    /**
     * Run the Python client to its end, bounded, and parse its report: one JSON object a line, by case.
     */
    private Map<String, JsonNode> runPython(final ConformanceServer server, final long[] amounts) throws Exception
    {
        final Path script = Path.of(PythonClientConformanceTest.class.getResource("/conformance/python_client.py").toURI());
        final Path stdout = dataDir.resolve("python.out");
        final Path stderr = dataDir.resolve("python.err");
        final Process process = new ProcessBuilder(PYTHON.toString(), script.toString(), String.valueOf(server.port()),
            OVERLAY_TOKEN, ADMIN_TOKEN, String.valueOf(amounts[0]), String.valueOf(amounts[1]), String.valueOf(amounts[2]))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
        if (!process.waitFor(PROCESS_TIMEOUT_S, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("the Python client did not finish within " + PROCESS_TIMEOUT_S + " s; it printed: " + read(stdout) +
                read(stderr));
        }
        assertThat(process.exitValue()).as("exit status of the Python client; stderr: %s", read(stderr)).isZero();
        final Map<String, JsonNode> cases = new LinkedHashMap<>();
        for (final String line : Files.readAllLines(stdout, StandardCharsets.UTF_8))
        {
            final JsonNode node = MAPPER.readTree(line);
            cases.put(node.get("case").asText(), node);
        }
        assertThat(cases).containsOnlyKeys("subscribe", "resume", "bad-token", "unknown-subprotocol", "ping");
        return cases;
    }

    private static JsonNode ok(final Map<String, JsonNode> cases, final String name)
    {
        final JsonNode node = cases.get(name);
        assertThat(node.has("error")).as("Python case %s failed: %s", name, node.path("error").asText()).isFalse();
        return node;
    }

    private static String read(final Path file) throws IOException
    {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
