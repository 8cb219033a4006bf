package dev.commandcenter.persistence;

import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CrashSafetyTest
{
    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldKeepEveryAcknowledgedEventThroughKillDashNine() throws Exception
    {
        killAfterAcknowledgements(Durability.PAGE_CACHE);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldKeepEveryAcknowledgedEventThroughKillDashNineInSyncMode() throws Exception
    {
        killAfterAcknowledgements(Durability.SYNC);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldRecoverFromProcessKilledInsideAWrite() throws Exception
    {
        final Process child = start("torn", dataDir.toString(), "25");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
        {
            assertThat(lines.readLine()).isEqualTo("torn");
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        finally
        {
            child.destroyForcibly();
        }

        final Path journalDir = dataDir.resolve("journal");
        assertThat(JournalVerify.verify(journalDir).records()).isEqualTo(25);
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
        {
            assertThat(journal.nextSequence()).isEqualTo(25);
            journal.append(event.chat(25, 2_000L, 25, "after", "recovered"));
        }
        final JournalVerify.Result result = JournalVerify.verify(journalDir);
        assertThat(result.isSound()).as(result.describe()).isTrue();
        assertThat(result.records()).isEqualTo(26);
        try (JournalReader reader = JournalReader.open(journalDir))
        {
            final JournalRecord last = reader.readLast();
            assertThat(last.sequence()).isEqualTo(25);
            assertThat(TestEvent.chatMessageId(last.buffer(), last.offset())).isEqualTo(25);
            assertThat(last.timestampNs()).isEqualTo(2_000L);
        }
    }

    private void killAfterAcknowledgements(final Durability durability) throws Exception
    {
        final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        final Process child = start("publish", dataDir.toString(), durability.name());
        final Thread reader = Thread.ofPlatform().daemon().start(() ->
        {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = lines.readLine()))
                {
                    acknowledged.add(Long.parseLong(line.trim()));
                }
            }
            catch (final IOException | NumberFormatException ignore)
            {
                // the child died mid-line
            }
        });
        try
        {
            await().atMost(60, TimeUnit.SECONDS).until(() -> acknowledged.size() >= 500 || !child.isAlive());
            assertThat(child.isAlive()).as("child still running").isTrue();
            child.toHandle().destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(TimeUnit.SECONDS.toMillis(30));
        }
        finally
        {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(500);

        final Map<Long, Integer> timesJournaled = new HashMap<>();
        final List<Long> sequences = new ArrayList<>();
        try (JournalReader journal = JournalReader.open(dataDir.resolve("journal")))
        {
            journal.forEach((record) ->
            {
                sequences.add(record.sequence());
                timesJournaled.merge(TestEvent.chatMessageId(record.buffer(), record.offset()), 1, Integer::sum);
            });
        }
        for (final long id : acknowledged)
        {
            assertThat(timesJournaled.get(id)).as("times message %d was journaled", id).isEqualTo(1);
        }
        assertThat(timesJournaled.values()).containsOnly(1);
        for (int i = 0; i < sequences.size(); i++)
        {
            assertThat(sequences.get(i)).as("sequence of record %d", i).isEqualTo(i);
        }
        final long lastSequence = sequences.getLast();
        assertThat(JournalVerify.verify(dataDir.resolve("journal")).isSound()).isTrue();

        try (Engine engine = Engine.launch(new Engine.Context().dataDir(dataDir)
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir).durability(durability)))))
        {
            assertThat(engine.nextSequence()).isEqualTo(lastSequence + 1);
            final TestEvent event = new TestEvent().chat(0, 0, -1, "restart", "after the crash");
            final long receipt = engine.publisher().publish(Sources.CLI, event.buffer, 0, event.length);
            assertThat(receipt).isNotEqualTo(EventPublisher.REJECTED).isNotEqualTo(EventPublisher.INVALID);
            await().atMost(10, TimeUnit.SECONDS).until(() -> engine.publisher().isJournaled(receipt));
        }
        try (JournalReader journal = JournalReader.open(dataDir.resolve("journal")))
        {
            final JournalRecord last = journal.readLast();
            assertThat(last.sequence()).isEqualTo(lastSequence + 1);
            assertThat(TestEvent.chatMessageId(last.buffer(), last.offset())).isEqualTo(-1);
        }
    }

    private Process start(final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-opens") || argument.startsWith("--add-exports") ||
                argument.startsWith("--enable-native-access") || argument.startsWith("--sun-misc-unsafe-memory-access") ||
                argument.startsWith("-D"))
            {
                command.add(argument);
            }
        }
        command.add("-Xmx128m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(CrashChild.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
            .redirectError(dataDir.resolve("child.err").toFile())
            .start();
    }
}
