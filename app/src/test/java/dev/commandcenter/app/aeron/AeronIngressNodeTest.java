package dev.commandcenter.app.aeron;

import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.config.ConfigLoader;
import dev.commandcenter.client.CommandCenterClient;
import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(90)
class AeronIngressNodeTest
{
    @TempDir
    Path dataDir;

    private static AppConfig config(final boolean aeron)
    {
        final AppConfig config = ConfigLoader.parse(aeron ?
            "aeron:\n  enabled: true\n  termLength: 65536\n  ingress:\n    maxClients: 2\n" : "", "test");
        config.wallet.source = "none";
        config.websocket.enabled = false;
        return config;
    }

    @Test
    void shouldTakeEventsFromAnotherProcessIntoTheChronicleJournalWhenAeronIsOn()
    {
        try (CommandCenterNode node = CommandCenterNode.launch(
            new CommandCenterNode.Context().config(config(true)).dataDir(dataDir)))
        {
            assertThat(node.aeronNode()).isNotNull();
            assertThat(node.startLines()).contains("aeron ingress: aeron:ipc stream 1001");
            try (CommandCenterClient client = CommandCenterClient.connect(new CommandCenterClient.Context()
                .aeronDirectoryName(node.aeronNode().directory()).clientName("node-test")
                .connectTimeout(Duration.ofSeconds(30))))
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
                final ChatMessageEncoder chat = new ChatMessageEncoder();
                long position = 0;
                for (int i = 0; i < 20; i++)
                {
                    chat.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                        .messageId(i).channel("bridge").user("viewer").text("hello " + i);
                    position = client.publish(chat);
                    assertThat(position).isPositive();
                }
                assertThat(client.awaitJournaled(position, Duration.ofSeconds(30))).isTrue();
                assertThat(node.engine().readCounter(CounterType.EVENTS_JOURNALED, "")).isGreaterThanOrEqualTo(20);
                assertThat(node.engine().readCounter(CounterType.INGRESS_EVENTS, "")).isEqualTo(20);
                assertThat(node.engine().readCounter(CounterType.INGRESS_CLIENTS, "")).isEqualTo(1);
            }
        }
    }

    @Test
    void shouldStayOffUnlessEnabled()
    {
        try (CommandCenterNode node = CommandCenterNode.launch(
            new CommandCenterNode.Context().config(config(false)).dataDir(dataDir)))
        {
            assertThat(node.aeronNode()).isNull();
            assertThat(node.engine().readCounter(CounterType.INGRESS_EVENTS, "")).isEqualTo(-1);
            assertThat(node.startLines()).noneMatch(line -> line.startsWith("aeron"));
        }
    }

    @Test
    void shouldRefuseBadIngressSettingsWithOneLineNamingTheKey()
    {
        assertThatThrownBy(() -> ConfigLoader.parse("aeron:\n  ingress:\n    channel: tcp://nope\n", "cc.yaml"))
            .hasMessageContaining("'aeron.ingress.channel' expected an Aeron channel").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> ConfigLoader.parse("aeron:\n  ingress:\n    streamId: 0\n", "cc.yaml"))
            .hasMessageContaining("'aeron.ingress.streamId' expected a stream id of 1 or more, got 0");
        assertThatThrownBy(() -> ConfigLoader.parse("aeron:\n  ingress:\n    maxClients: 0\n", "cc.yaml"))
            .hasMessageContaining("'aeron.ingress.maxClients' expected 1..4096, got 0").hasMessageNotContaining("\n");
        assertThatThrownBy(() -> ConfigLoader.parse("aeron:\n  ingress:\n    fragmentLimit: 0\n", "cc.yaml"))
            .hasMessageContaining("'aeron.ingress.fragmentLimit' expected 1..4096, got 0");
        assertThat(ConfigLoader.parse("aeron:\n  ingress:\n    idle: busy-spin\n", "cc.yaml").aeron.ingress.idle)
            .hasToString("BUSY_SPIN");
    }
}
