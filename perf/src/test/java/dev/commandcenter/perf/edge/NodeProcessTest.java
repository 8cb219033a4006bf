package dev.commandcenter.perf.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nodes' configs and shared secrets: Aeron only where the run needs it, loopback UDP ports of the run's own, the
 * tokens every node reads, and the one-line reason a node that would not start gives.
 */
class NodeProcessTest
{
    @Test
    void shouldTurnTheOutputStreamOnOnlyForTheEngineOfTheEdgeSetups()
    {
        final NodeProcess.Cluster cluster = NodeProcess.Cluster.create();

        final String oneNode = NodeProcess.engineConfig(cluster, 200, false, false);
        final String withEdges = NodeProcess.engineConfig(cluster, 200, true, true);
        final String withoutArchiveKey = NodeProcess.engineConfig(cluster, 200, true, false);

        assertThat(oneNode).doesNotContain("aeron:").contains("acceptWalletEventsOverRest: true")
            .contains("maxConnectionsPerAddress: 4096").doesNotContain(cluster.adminToken());
        assertThat(withEdges).contains("aeron:\n  enabled: true\n  termLength: 1048576\n  output:\n    enabled: true\n")
            .contains("    channel: \"" + cluster.outputChannel() + "\"\n").contains("    streamId: 1003\n")
            .contains("    " + NodeProcess.ARCHIVE_KEY + ": \"" + cluster.archiveControl() + "\"\n")
            .contains("    " + NodeProcess.STATUS_KEY + ": \"" + cluster.statusChannel() + "\"\n");
        assertThat(withoutArchiveKey).doesNotContain(NodeProcess.ARCHIVE_KEY).doesNotContain(NodeProcess.STATUS_KEY);
        assertThat(NodeProcess.engineConfig(cluster, 5000, false, false)).contains("maxConnections: 6024");
        assertThat(NodeProcess.edgeConfig(cluster, 3500, false)).contains("maxConnectionsPerAddress: 4524")
            .contains("termLength: 1048576").doesNotContain("enabled: true").doesNotContain("output:");
        assertThat(NodeProcess.edgeConfig(cluster, 10, true)).contains("aeron:\n  termLength: 1048576\n  output:\n    " +
            NodeProcess.ARCHIVE_KEY + ": \"" + cluster.archiveControl() + "\"\n    " + NodeProcess.STATUS_KEY + ": \"" +
            cluster.statusChannel() + "\"\n");
    }

    @Test
    void shouldGiveEachRunItsOwnLoopbackUdpPortsAndTokens()
    {
        final NodeProcess.Cluster first = NodeProcess.Cluster.create();
        final NodeProcess.Cluster second = NodeProcess.Cluster.create();

        assertThat(first.outputChannel())
            .matches("aeron:udp\\?control=127\\.0\\.0\\.1:\\d+\\|control-mode=dynamic\\|fc=max");
        assertThat(first.statusChannel()).matches("aeron:udp\\?endpoint=127\\.0\\.0\\.1:\\d+");
        assertThat(first.archiveControl()).matches("aeron:udp\\?endpoint=127\\.0\\.0\\.1:\\d+");
        assertThat(first.outputChannel()).isNotEqualTo(first.archiveControl().replace("endpoint", "control"));
        assertThat(first.adminToken()).hasSize(48).isNotEqualTo(first.overlayToken()).isNotEqualTo(second.adminToken());
    }

    @Test
    void shouldWriteTheSecretsStoreWithTheNamesTheNodesReadTheTokensBy() throws Exception
    {
        final NodeProcess.Cluster cluster = NodeProcess.Cluster.create();

        final JsonNode store = new ObjectMapper().readTree(NodeProcess.secrets(cluster));

        assertThat(store.path("adminToken").asText()).isEqualTo(cluster.adminToken());
        assertThat(store.path("overlayToken").asText()).isEqualTo(cluster.overlayToken());
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void shouldGiveTheLastLineOfANodeThatDidNotStartWithoutTheListOfKnownKeys()
    {
        final String config = Path.of("/tmp/commandcenter-edge-bench-1/engine.yaml").toString();

        final String reason = NodeProcess.lastWords(List.of("starting", "commandcenter: " + config +
            ": unknown key 'aeron.output.archiveControlChannel', expected one of [channel, enabled, streamId]", " "),
            config);

        assertThat(reason).isEqualTo("commandcenter: engine.yaml: unknown key 'aeron.output.archiveControlChannel'");
        assertThat(NodeProcess.lastWords(List.of(), config)).isEmpty();
        assertThat(NodeProcess.lastWords(List.of("commandcenter: Unmatched arguments from index 0: 'edge', '--engine'"),
            config)).isEqualTo("this build has no 'commandcenter edge' command (expected the edge nodes of issue #12)");
    }
}
