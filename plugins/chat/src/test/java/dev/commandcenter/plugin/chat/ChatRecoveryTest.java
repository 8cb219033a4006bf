package dev.commandcenter.plugin.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.ChatRole;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.PluginConfig;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.plugin.testkit.PluginHarness;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.commandcenter.plugin.chat.ChatFixture.T0_MS;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ChatRecoveryTest
{
    private final ChatPlugin plugin = new ChatPlugin();
    private final PluginHarness harness = new PluginHarness(plugin).config(Map.of("snapshotEveryEvents", 2));
    private final RecoveringContext context = new RecoveringContext(harness);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final TestEvent event = new TestEvent();

    @Test
    void shouldOnlyChangeStateWhileRecoveringThenReannounceIt() throws Exception
    {
        plugin.onStart(context);
        context.recovering = true;
        post(10, T0_MS, "ann", "from the journal");
        post(11, T0_MS + 1, "bob", "also from the journal");
        post(12, T0_MS + 2, "streamer", "refused: not an admin");
        assertThat(harness.emitted()).isEmpty();
        assertThat(harness.storage().read(ChatPlugin.SNAPSHOT_ENTRY)).as("no snapshot while recovering").isNull();

        context.recovering = false;
        plugin.onRecovered(context);
        final ObjectMapper mapper = new ObjectMapper();
        final List<JsonNode> out = new ArrayList<>();
        for (final String json : harness.emittedJson())
        {
            out.add(mapper.readTree(json));
        }
        assertThat(out).extracting(node -> node.get("type").asText())
            .containsExactly("ChatState", "ChatLine", "ChatLine");
        assertThat(out.get(1).get("lineId").asLong()).isEqualTo(10);
        assertThat(out.get(1).get("history").asText()).isEqualTo("TRUE");
        assertThat(out.get(2).get("text").asText()).isEqualTo("also from the journal");

        harness.clear();
        post(13, T0_MS + 3, "carl", "live");
        assertThat(harness.emittedJson()).singleElement().asString().contains("\"history\":\"FALSE\"");
        assertThat(harness.storage().read(ChatPlugin.SNAPSHOT_ENTRY)).as("snapshot once live").isNotNull();
    }

    private void post(final long sequence, final long atMs, final String name, final String text) throws Exception
    {
        final ChatMessageEncoder encoder = new ChatMessageEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .messageId(sequence)
            .role(ChatRole.VIEWER)
            .viewerKey(0)
            .channel("")
            .user(name)
            .text(text);
        event.sequence = sequence;
        event.timestampNs = atMs * 1_000_000L;
        event.length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        plugin.onEvent(event);
    }

    private final class TestEvent implements Event
    {
        long sequence;
        long timestampNs;
        int length;

        public long sequence()
        {
            return sequence;
        }

        public long timestampNs()
        {
            return timestampNs;
        }

        public int source()
        {
            return Sources.REST;
        }

        public int templateId()
        {
            return ChatMessageEncoder.TEMPLATE_ID;
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
            return length;
        }
    }

    private static final class RecoveringContext implements PluginContext
    {
        private final PluginHarness harness;
        boolean recovering;

        RecoveringContext(final PluginHarness harness)
        {
            this.harness = harness;
        }

        public PluginConfig config()
        {
            return harness.config();
        }

        public Emitter emitter()
        {
            return harness;
        }

        public EpochClock epochClock()
        {
            return harness.epochClock();
        }

        public boolean recovering()
        {
            return recovering;
        }
    }
}
