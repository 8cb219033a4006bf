package dev.commandcenter.plugin.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.sbe.ChatAction;
import dev.commandcenter.codecs.sbe.ChatRole;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.Recovery;
import dev.commandcenter.plugin.testkit.MemoryPluginStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.commandcenter.plugin.chat.ChatFixture.T0_MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class ChatSnapshotTest
{
    private static final Map<String, Object> CONFIG = Map.of("historyLines", 5, "slowModeMs", 2000,
        "snapshotEveryEvents", 1000);

    @Test
    void shouldFindNoSnapshotOnAFreshStart() throws Exception
    {
        try (ChatFixture chat = new ChatFixture(CONFIG))
        {
            assertThat(chat.plugin().restoreSnapshot(chat.harness())).isEqualTo(Recovery.NO_SNAPSHOT);
        }
    }

    @Test
    void shouldWriteTheSnapshotWhenItStopsAndRestoreTheSameState() throws Exception
    {
        final byte[] snapshot;
        final List<String> recoveredBefore;
        final long next;
        try (ChatFixture chat = new ChatFixture(CONFIG))
        {
            ChatPluginTest.script(chat, 0);
            next = chat.nextSequence();
            chat.take();
            chat.plugin().onRecovered(chat.harness());
            recoveredBefore = chat.harness().emittedJson();
            chat.harness().stop();
            snapshot = chat.harness().storage().read(ChatPlugin.SNAPSHOT_ENTRY);
        }
        final JsonNode root = new ObjectMapper().readTree(snapshot);
        assertThat(root.get("format").asInt()).isEqualTo(ChatPlugin.SNAPSHOT_FORMAT);
        assertThat(root.get("nextSequence").asLong()).isEqualTo(next);
        assertThat(root.get("bannedNames").toString()).contains("viewer3");

        try (ChatFixture restored = new ChatFixture(CONFIG))
        {
            restored.harness().storage().write(ChatPlugin.SNAPSHOT_ENTRY, snapshot);
            assertThat(restored.plugin().restoreSnapshot(restored.harness())).isEqualTo(next);
            restored.plugin().onRecovered(restored.harness());
            final List<String> recovered = restored.harness().emittedJson();
            assertThat(recovered).isEqualTo(recoveredBefore);
            assertThat(recovered).anySatisfy(json -> assertThat(json).contains("\"history\":\"TRUE\""));
            assertThat(restored.plugin().filters().words()).containsExactly("darn");
            restored.take();

            final long banned = restored.say(T0_MS + 30_000, "viewer3", "back");
            assertThat(restored.one().get("refusal").asText()).isEqualTo("BANNED");
            restored.pay(T0_MS + 30_000, Sources.WALLET, 10_000, 9, "Zed: hello");
            assertThat(restored.take()).as("payment seen before the restart").isEmpty();
            assertThat(banned).isPositive();
        }
    }

    @Test
    void shouldContinueExactlyAsAnUninterruptedRun() throws Exception
    {
        final List<byte[]> uninterrupted;
        try (ChatFixture chat = new ChatFixture(CONFIG))
        {
            ChatPluginTest.script(chat, 0);
            chat.harness().clear();
            tail(chat);
            uninterrupted = new ArrayList<>(chat.harness().emitted());
        }

        final byte[] snapshot;
        try (ChatFixture chat = new ChatFixture(CONFIG))
        {
            ChatPluginTest.script(chat, 0);
            chat.harness().stop();
            snapshot = chat.harness().storage().read(ChatPlugin.SNAPSHOT_ENTRY);
        }
        try (ChatFixture restored = new ChatFixture(CONFIG))
        {
            restored.harness().storage().write(ChatPlugin.SNAPSHOT_ENTRY, snapshot);
            restored.nextSequence(restored.plugin().restoreSnapshot(restored.harness()));
            tail(restored);
            final List<byte[]> resumed = restored.harness().emitted();
            assertThat(resumed).hasSameSizeAs(uninterrupted);
            for (int i = 0; i < resumed.size(); i++)
            {
                assertThat(resumed.get(i)).as("output %d", i).isEqualTo(uninterrupted.get(i));
            }
        }
    }

    private static void tail(final ChatFixture chat) throws Exception
    {
        chat.post(T0_MS + 20_500, ChatRole.VIEWER, 1, "", "viewer1", "message 19");
        chat.post(T0_MS + 20_600, ChatRole.VIEWER, 3, "", "someone", "key of viewer2 timed out");
        chat.post(T0_MS + 20_700, ChatRole.VIEWER, 4, "", "viewer3", "banned");
        chat.moderate(T0_MS + 20_800, ChatAction.DELETE, ChatRole.MODERATOR, "", "", 118, 0);
        chat.plugin().onRecovered(chat.harness());
    }

    @Test
    void shouldWriteASnapshotEverySoManyEvents() throws Exception
    {
        try (ChatFixture chat = new ChatFixture(Map.of("snapshotEveryEvents", 3)))
        {
            chat.say(T0_MS, "ann", "one");
            chat.say(T0_MS, "ann", "two");
            assertThat(chat.harness().storage().read(ChatPlugin.SNAPSHOT_ENTRY)).isNull();
            chat.say(T0_MS, "ann", "three");
            final JsonNode root = new ObjectMapper().readTree(chat.harness().storage().read(ChatPlugin.SNAPSHOT_ENTRY));
            assertThat(root.get("nextSequence").asLong()).isEqualTo(chat.nextSequence());
            assertThat(root.get("rooms").get(0).get("history")).hasSize(3);
            // Written from the event thread without waiting for the disk.
            assertThat(((MemoryPluginStorage)chat.harness().storage()).latestWrites()).isEqualTo(1);
        }
    }

    @Test
    void shouldWriteNoTwoSnapshotsCloserThanTheMinimumIntervalOfEventTime() throws Exception
    {
        try (ChatFixture chat = new ChatFixture(Map.of("snapshotEveryEvents", 3)))
        {
            final MemoryPluginStorage storage = (MemoryPluginStorage)chat.harness().storage();
            for (int i = 0; i < 30; i++)
            {
                chat.say(T0_MS + i, "ann", "line " + i);
            }
            assertThat(storage.latestWrites()).isEqualTo(1);
            chat.say(T0_MS + 1_002, "ann", "a second later");
            assertThat(storage.latestWrites()).isEqualTo(2);
        }
    }

    @Test
    void shouldWriteEverySoManyEventsWithAZeroInterval() throws Exception
    {
        try (ChatFixture chat = new ChatFixture(Map.of("snapshotEveryEvents", 3, "snapshotMinIntervalMs", 0)))
        {
            for (int i = 0; i < 30; i++)
            {
                chat.say(T0_MS + i, "ann", "line " + i);
            }
            assertThat(((MemoryPluginStorage)chat.harness().storage()).latestWrites()).isEqualTo(10);
        }
    }

    @Test
    void shouldStartEmptyWhenTheSnapshotIsUnreadable() throws Exception
    {
        try (ChatFixture chat = new ChatFixture(CONFIG))
        {
            chat.harness().storage().write(ChatPlugin.SNAPSHOT_ENTRY,
                "{\"format\":99}".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> chat.plugin().restoreSnapshot(chat.harness()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("chat-state.json: cannot be restored: format 99, expected 1 or 2");
            chat.plugin().onRecovered(chat.harness());
            assertThat(chat.take()).extracting(node -> node.get("type").asText()).containsExactly("ChatState");
        }
    }
}
