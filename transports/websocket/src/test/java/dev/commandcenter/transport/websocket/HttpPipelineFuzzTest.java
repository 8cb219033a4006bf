package dev.commandcenter.transport.websocket;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.channel.embedded.EmbeddedChannel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes a connection of the web server with arbitrary bytes as requests (REST, pages, metrics, WebSocket upgrades),
 * through the server's own pipeline on an {@link EmbeddedChannel}, delivered in pieces of a size derived from the
 * input.
 * <p>
 * Invariants: nothing is thrown out of the pipeline, the server reports no error (bad input is the client's fault),
 * and no response is a 500; bodies over the configured limit get 413 instead of being buffered.
 */
class HttpPipelineFuzzTest
{

    @FuzzTest
    void shouldAnswerAnyRequestBytesWithoutServerError(final byte[] request)
    {
        // A server per input: the egress keeps a fan-out loop per event loop, and each embedded channel has its own.
        final EmbeddedServer server = new EmbeddedServer();
        final EmbeddedChannel channel = server.connect();
        try
        {
            EmbeddedServer.feed(channel, request, piece(request));
            channel.runPendingTasks();
            channel.checkException();
        }
        finally
        {
            channel.finishAndReleaseAll();
        }
        assertThat(server.statuses).as("statuses answered").doesNotContain(500);
        assertThat(server.errors()).as("errors reported").isEmpty();
    }

    /**
     * Size of the pieces the request arrives in: varies with the input, from single bytes to all at once.
     */
    static int piece(final byte[] bytes)
    {
        if (0 == bytes.length)
        {
            return 1;
        }
        final int choice = ((bytes[bytes.length - 1] & 0xFF) * 31 + bytes.length) % 10;
        return 0 == choice ? bytes.length : 1 + choice * choice * 7 % 97;
    }
}
