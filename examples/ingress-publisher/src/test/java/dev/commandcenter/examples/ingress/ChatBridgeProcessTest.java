package dev.commandcenter.examples.ingress;

import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.transport.aeron.AeronNode;
import dev.commandcenter.transport.aeron.AeronSettings;
import dev.commandcenter.transport.aeron.IngressSettings;
import dev.commandcenter.transport.aeron.ingress.AeronIngress;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chat bridge as a separate JVM publishing into an engine in this JVM (a real engine, a real embedded media
 * driver, the Aeron ingress) while the engine's input ring is held full: the bridge is back-pressured, and once
 * the engine moves again every line arrives, in order, exactly once, and is journaled.
 */
@Timeout(120)
class ChatBridgeProcessTest
{
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final int LINES = 3000;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final HeldPlugin plugin = new HeldPlugin();
    private AeronNode node;
    private Engine engine;
    private AeronIngress ingress;

    @AfterEach
    void close()
    {
        processes.forEach(Process::destroyForcibly);
        for (final Process process : processes)
        {
            try
            {
                process.waitFor(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        plugin.release();
        CloseHelper.closeAll(ingress, engine, node);
    }

    private void startEngine(final int inputRingSize)
    {
        final AeronSettings aeron = new AeronSettings();
        aeron.termLength = 64 * 1024;
        node = AeronNode.embed(aeron, dir.resolve("aeron").toString(), Throwable::printStackTrace);
        engine = Engine.launch(new Engine.Context().dataDir(dir.resolve("engine")).journal(Journal.NONE)
            .plugin(plugin).inputRingSize(inputRingSize));
        ingress = AeronIngress.launch(new AeronIngress.Context().aeron(node.aeron()).settings(new IngressSettings())
            .publisher(engine.publisher()).counters(engine.counters()).errorHandler(engine.errorHandler()));
    }

    @Test
    void shouldBackPressureABridgeInAnotherProcessAndLoseNothing() throws Exception
    {
        startEngine(8);
        final Path input = dir.resolve("chat.txt");
        Files.write(input, IntStream.range(0, LINES).mapToObj(i -> "viewer" + (i % 7) + ": line " + i).toList());
        plugin.hold();

        final List<String> output = new CopyOnWriteArrayList<>();
        final Process bridge = start(output, "--aeron-dir", node.directory(), "--file", input.toString(),
            "--timeout-seconds", "60");

        await().atMost(BOUND).until(() -> output.stream().anyMatch(line -> line.startsWith("back-pressured at line")));
        assertThat(plugin.seen.size()).as("held: the ring holds a few at most").isLessThan(16);
        assertThat(engine.readCounter(CounterType.INGRESS_BACK_PRESSURED, "")).isPositive();
        plugin.release();

        assertThat(bridge.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).as("bridge exits; output %s", output).isTrue();
        assertThat(bridge.exitValue()).as("exit code; output %s", output).isZero();
        assertThat(output).anyMatch(line -> line.startsWith("journaled " + LINES + " lines"));
        await().atMost(BOUND).until(() -> plugin.seen.size() >= LINES);
        assertThat(plugin.seen).containsExactlyElementsOf(
            IntStream.range(0, LINES).mapToObj(i -> "viewer" + (i % 7) + ": line " + i).toList());
        assertThat(plugin.sources).containsOnly(Sources.AERON);
        assertThat(engine.readCounter(CounterType.INGRESS_EVENTS, "")).isEqualTo(LINES);
        assertThat(engine.readCounter(CounterType.INGRESS_BAD, "")).isZero();
    }

    @Test
    void shouldSayClearlyWhenNoEngineListens() throws Exception
    {
        final AeronSettings aeron = new AeronSettings();
        aeron.termLength = 64 * 1024;
        node = AeronNode.embed(aeron, dir.resolve("aeron").toString(), Throwable::printStackTrace);
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream previous = System.err;
        final int exit;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try
        {
            exit = new picocli.CommandLine(new ChatBridge(System.out)).execute(
                "--aeron-dir", node.directory(), "--file", dir.toString(), "--timeout-seconds", "1");
        }
        finally
        {
            System.setErr(previous);
        }
        assertThat(exit).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no engine subscribed to aeron:ipc stream 1001");
    }

    private Process start(final List<String> output, final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("--enable-native-access") ||
                argument.startsWith("-D") || argument.startsWith("--sun-misc"))
            {
                command.add(argument);
            }
        }
        command.addAll(List.of("-Xmx128m", "-cp", System.getProperty("java.class.path"), ChatBridge.class.getName()));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(process);
        Thread.ofVirtual().start(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                for (String line; null != (line = in.readLine()); )
                {
                    output.add(line);
                }
            }
            catch (final java.io.IOException ignore)
            {
                // the process ended
            }
        });
        return process;
    }

    /** Records each chat line as {@code user: text}; can be held so the input ring fills. */
    static final class HeldPlugin implements Plugin
    {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final List<Integer> sources = new CopyOnWriteArrayList<>();
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final ChatMessageDecoder chat = new ChatMessageDecoder();
        private volatile CountDownLatch gate = new CountDownLatch(0);

        void hold()
        {
            gate = new CountDownLatch(1);
        }

        void release()
        {
            gate.countDown();
        }

        public String id()
        {
            return "held";
        }

        public void onEvent(final Event event) throws Exception
        {
            gate.await(60, TimeUnit.SECONDS);
            if (event.templateId() == ChatMessageDecoder.TEMPLATE_ID)
            {
                chat.wrapAndApplyHeader(event.buffer(), event.offset(), header.wrap(event.buffer(), event.offset()));
                chat.channel();
                seen.add(chat.user() + ": " + chat.text());
                sources.add(event.source());
            }
        }
    }
}
