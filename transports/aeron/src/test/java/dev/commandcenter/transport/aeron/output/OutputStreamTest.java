package dev.commandcenter.transport.aeron.output;

import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.transport.aeron.AeronNode;
import dev.commandcenter.transport.aeron.AeronSettings;
import dev.commandcenter.transport.aeron.edge.EdgeSubscriber;
import io.aeron.archive.client.AeronArchive;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OutputStreamTest
{
    @TempDir
    Path engineDir;
    @TempDir
    Path edgeDir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private AeronSettings settings;
    private AeronNode engineNode;
    private OutputStream stream;

    @BeforeEach
    void setUp() throws IOException
    {
        settings = new AeronSettings();
        settings.enabled = true;
        settings.termLength = 64 * 1024;
        settings.output.channel = "aeron:udp?control=localhost:" + freeUdpPort() + "|control-mode=dynamic|fc=max";
        settings.output.archiveControlChannel = "aeron:udp?endpoint=localhost:" + freeUdpPort();
        settings.output.statusChannel = "aeron:udp?endpoint=localhost:" + freeUdpPort();
        settings.output.segmentLength = 64 * 1024;
        settings.output.retainBytes = 0;
        engineNode = AeronNode.embed(settings, engineDir.resolve("aeron").toString(), errors::add);
        closeables.add(engineNode);
    }

    @AfterEach
    void tearDown()
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
    }

    @Test
    void shouldRecordOutputsSoALateEdgeReplaysThemAndMergesIntoTheLiveStream()
    {
        launchStream();
        final OutputPublisher publisher = stream.publisher();
        final FakeOutput output = new FakeOutput();
        for (int i = 0; i < 200; i++)
        {
            publisher.onOutput(output.set(i, i % 2 == 0 ? "alerts" : "chat"), i == 199);
        }
        assertThat(publisher.published()).isEqualTo(200);
        assertThat(publisher.dropped()).isZero();

        final Collector collector = new Collector();
        final EdgeSubscriber edge = startEdge(collector, "edge-a");
        await().atMost(Duration.ofSeconds(30)).until(edge::isLive);
        for (int i = 200; i < 400; i++)
        {
            publisher.onOutput(output.set(i, "alerts"), i == 399);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> collector.sequences.size() == 400);
        assertThat(collector.sequences).isEqualTo(range(0, 400));
        assertThat(collector.plugins.get(1)).isEqualTo("chat");
        assertThat(collector.payloads.get(399)).isEqualTo(399);
        assertThat(edge.lastOutputSequence()).isEqualTo(399);
        assertThat(edge.duplicatesSkipped()).isZero();
    }

    @Test
    void shouldSkipOutputSequencesAlreadyDeliveredWhenTheStreamRepeatsThem()
    {
        launchStream();
        final OutputPublisher publisher = stream.publisher();
        final FakeOutput output = new FakeOutput();
        for (int i = 0; i < 10; i++)
        {
            publisher.onOutput(output.set(i, "alerts"), false);
        }
        for (int i = 5; i < 15; i++)
        {
            publisher.onOutput(output.set(i, "alerts"), false);
        }
        final Collector collector = new Collector();
        final EdgeSubscriber edge = startEdge(collector, "edge-b");

        await().atMost(Duration.ofSeconds(30)).until(() -> collector.sequences.size() == 15);
        assertThat(collector.sequences).isEqualTo(range(0, 15));
        await().atMost(Duration.ofSeconds(10)).until(() -> edge.duplicatesSkipped() == 5);
    }

    @Test
    void shouldShowEdgesThatReportStatusAndDropThemWhenSilent()
    {
        settings.output.maxEdges = 1;
        launchStream();
        final Collector collector = new Collector();
        startEdge(collector, "edge-c");
        final EdgeSubscriber second = startEdge(new Collector(), "edge-d");

        await().atMost(Duration.ofSeconds(20)).until(() -> stream.edges().size() == 1 && stream.edgesIgnored() > 0);
        assertThat(stream.edges().get(0).id()).isIn("edge-c", "edge-d");
        assertThat(second.merges()).isPositive();
    }

    @Test
    void shouldPurgeRecordedSegmentsBeyondTheRetentionAndReplayFromTheOldestRetained()
    {
        settings.output.retainBytes = 64 * 1024;
        settings.output.retentionCheckMs = 100;
        launchStream();
        final OutputPublisher publisher = stream.publisher();
        final FakeOutput output = new FakeOutput();
        for (int i = 0; i < 6_000; i++)
        {
            publisher.onOutput(output.set(i, "alerts"), false);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> log.stream().anyMatch((line) -> line.contains("purged")));
        final Collector collector = new Collector();
        final EdgeSubscriber edge = startEdge(collector, "edge-e");
        await().atMost(Duration.ofSeconds(30)).until(() -> !collector.sequences.isEmpty() &&
            collector.sequences.get(collector.sequences.size() - 1) == 5_999);
        assertThat(collector.sequences.get(0)).isPositive();
        assertThat(collector.sequences).isSorted().doesNotHaveDuplicates();
        assertThat(log).anyMatch((line) -> line.contains("oldest the engine retains"));
        await().atMost(Duration.ofSeconds(30)).until(edge::isLive);
    }

    @Test
    void shouldFailWithOneLineWhenTheArchiveIsUnreachable()
    {
        final AeronNode edgeNode = AeronNode.embed(settings, edgeDir.resolve("aeron").toString(), errors::add);
        closeables.add(edgeNode);
        final EdgeSubscriber edge = new EdgeSubscriber(new EdgeSubscriber.Context()
            .aeron(edgeNode.aeron())
            .engineChannel(settings.output.channel)
            .archiveControlChannel(settings.output.archiveControlChannel)
            .connectTimeoutMs(500)
            .handler(new Collector()));

        assertThatThrownBy(edge::connect)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("cannot reach the engine's archive at " + settings.output.archiveControlChannel)
            .message().doesNotContain("\n");
    }

    @Test
    void shouldRefuseAnEngineChannelWithoutAControlEndpoint()
    {
        assertThatThrownBy(() -> new EdgeSubscriber(new EdgeSubscriber.Context()
            .aeron(engineNode.aeron())
            .engineChannel("aeron:udp?endpoint=localhost:1234")
            .archiveControlChannel(settings.output.archiveControlChannel)
            .handler(new Collector())))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("--engine expected a UDP channel with the engine's control endpoint");
    }

    private void launchStream()
    {
        stream = OutputStream.launch(engineNode, settings, engineDir, errors::add, log::add);
        closeables.add(stream);
        stream.start((type, suffix) -> new org.agrona.concurrent.status.AtomicCounter(
            new UnsafeBuffer(ByteBuffer.allocateDirect(1024)), 0));
        assertThat(stream.recordingId()).isNotEqualTo(AeronArchive.NULL_POSITION);
    }

    private EdgeSubscriber startEdge(final EgressHandler handler, final String id)
    {
        final AeronNode edgeNode = AeronNode.embed(settings, edgeDir.resolve(id).toString(), errors::add);
        closeables.add(edgeNode);
        final EdgeSubscriber edge = new EdgeSubscriber(new EdgeSubscriber.Context()
            .aeron(edgeNode.aeron())
            .engineChannel(settings.output.channel)
            .streamId(settings.output.streamId)
            .archiveControlChannel(settings.output.archiveControlChannel)
            .statusChannel(settings.output.statusChannel)
            .edgeId(id)
            .handler(handler)
            .errorHandler(errors::add)
            .log(log::add));
        edge.connect();
        final AgentRunner runner = new AgentRunner(new SleepingMillisIdleStrategy(1), errors::add, null, edge);
        AgentRunner.startOnThread(runner);
        closeables.add(runner);
        return edge;
    }

    private static List<Long> range(final int from, final int to)
    {
        final List<Long> list = new ArrayList<>();
        for (long i = from; i < to; i++)
        {
            list.add(i);
        }
        return list;
    }

    static int freeUdpPort()
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static final class Collector implements EgressHandler
    {
        final List<Long> sequences = new CopyOnWriteArrayList<>();
        final List<String> plugins = new CopyOnWriteArrayList<>();
        final List<Integer> payloads = new CopyOnWriteArrayList<>();

        public void onOutput(final OutputEvent event, final boolean endOfBatch)
        {
            plugins.add(event.pluginId());
            payloads.add(event.buffer().getInt(event.offset() + 8));
            sequences.add(event.outputSequence());
        }
    }

    static final class FakeOutput implements OutputEvent
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        private long sequence;
        private String pluginId;

        FakeOutput set(final long sequence, final String pluginId)
        {
            this.sequence = sequence;
            this.pluginId = pluginId;
            buffer.putShort(2, (short)6);
            buffer.putInt(8, (int)sequence);
            return this;
        }

        public long outputSequence()
        {
            return sequence;
        }

        public long inputSequence()
        {
            return sequence;
        }

        public long timestampNs()
        {
            return 1L;
        }

        public String pluginId()
        {
            return pluginId;
        }

        public int templateId()
        {
            return 6;
        }

        public DirectBuffer buffer()
        {
            return buffer;
        }

        public int offset()
        {
            return 0;
        }

        public int length()
        {
            return 16;
        }
    }
}
