package dev.commandcenter.app.chat;

import dev.commandcenter.app.CommandCenterNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo's simulated viewers chat through the real gateway: their lines reach the chat feed as any viewer's do.
 */
@Timeout(90)
class DemoChatViewersTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldChatThroughTheGatewayOntoTheChatFeed() throws Exception
    {
        try (CommandCenterNode node = CommandCenterNode.start(ChatGatewayTest.config((c) -> {}), dataDir, null))
        {
            final ChatGatewayTest.Feed feed = ChatGatewayTest.Feed.open(node.webServer().baseUrl(),
                "/ws/chat?token=" + node.token());
            try (DemoChatViewers viewers = new DemoChatViewers(node.webServer().baseUrl(), node.chatToken(), 42, 40).start())
            {
                await().atMost(Duration.ofSeconds(30)).until(() -> feed.ofType("ChatLine").size() >= 3);
                assertThat(viewers.posted()).isPositive();
            }
            assertThat(feed.ofType("ChatLine")).allSatisfy((line) ->
            {
                assertThat(DemoChatViewers.NAMES).contains(line.get("user").asText());
                assertThat(line.get("role").asText()).isEqualTo("VIEWER");
            });
        }
    }
}
