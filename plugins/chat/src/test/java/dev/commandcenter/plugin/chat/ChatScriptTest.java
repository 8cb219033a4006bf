package dev.commandcenter.plugin.chat;

import dev.commandcenter.plugin.testkit.NodeScriptTests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the chat pages' behaviour tests ({@code src/test/js/chat-model.test.js}) with Node's test runner
 * against the pages on the class path (the plugin's {@code chat/web} resources). Skipped where Node is not
 * installed.
 */
@Timeout(90)
class ChatScriptTest
{
    @Test
    void shouldPassTheChatPagesBehaviourTests() throws IOException, InterruptedException, URISyntaxException
    {
        assumeTrue(NodeScriptTests.nodeAvailable(), "node is not installed");
        final URL script = ChatScriptTest.class.getClassLoader().getResource("chat/web/chat-model.js");
        assertThat(script).isNotNull();
        final Path tests = Path.of("src", "test", "js", "chat-model.test.js");
        assertThat(tests).exists();

        final NodeScriptTests.Result result = NodeScriptTests.run(tests,
            Map.of("CHAT_WEB", Path.of(script.toURI()).getParent().toString()), Duration.ofSeconds(60));

        assertThat(result.finished()).as("node test run finished in time").isTrue();
        assertThat(result.passed()).as(result.output()).isTrue();
    }
}
