package dev.commandcenter.transport.electrum.internal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.transport.electrum.client.ElectrumClient;
import dev.commandcenter.transport.electrum.client.ElectrumException;
import dev.commandcenter.transport.electrum.client.HistoryItem;
import dev.commandcenter.transport.electrum.client.ServerAddress;
import dev.commandcenter.transport.electrum.client.TlsOptions;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the checks of a server's answers (protocol version, tip header, block header hex, history, balance) with
 * any JSON a hostile server could send as a result.
 * <p>
 * Invariant: every answer is either read into a value of the documented shape or refused with an
 * {@link ElectrumException} of kind {@link ElectrumException.Kind#PROTOCOL} whose message is one line of bounded
 * length (what the server sent is abbreviated, so a hostile server cannot flood the log).
 */
class ElectrumRepliesFuzzTest
{
    /** Longest refusal accepted: the fixed text, the server's address and an abbreviated quote. */
    private static final int MAX_MESSAGE_LENGTH = 400;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ServerSocket listener;
    private static final List<Socket> ACCEPTED = new CopyOnWriteArrayList<>();
    private static ElectrumClient client;

    @BeforeAll
    static void connect() throws Exception
    {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() ->
        {
            try
            {
                while (!listener.isClosed())
                {
                    ACCEPTED.add(listener.accept());
                }
            }
            catch (final IOException ignore)
            {
                // closed at the end of the class
            }
        });
        client = ElectrumClient.connect(new ServerAddress("127.0.0.1", listener.getLocalPort(), false),
            new ElectrumClient.Options(5_000, 1 << 20, SystemEpochClock.INSTANCE, TlsOptions.DEFAULT),
            new ElectrumClient.Listener()
            {
                public void onNotification(final ElectrumClient client, final String method, final JsonNode params)
                {
                }

                public void onClosed(final ElectrumClient client, final ElectrumException reason)
                {
                }
            });
    }

    @AfterAll
    static void close() throws IOException
    {
        client.close();
        listener.close();
        for (final Socket socket : ACCEPTED)
        {
            socket.close();
        }
    }

    @FuzzTest
    void shouldReadAnyAnswerOrRefuseItWithOneBoundedLine(final byte[] bytes)
    {
        final JsonNode result;
        try
        {
            result = MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
        }
        catch (final JsonProcessingException ex)
        {
            return; // the client refuses a line that is not JSON before any answer is read
        }
        if (null == result)
        {
            return;
        }
        final ServerAddress server = client.server();

        try
        {
            ElectrumReplies.checkVersion(server, result);
        }
        catch (final ElectrumException ex)
        {
            assertRefusal(ex);
        }

        try
        {
            assertThat(ElectrumReplies.tipHeight(server, result)).isNotNegative();
        }
        catch (final ElectrumException ex)
        {
            assertRefusal(ex);
        }

        try
        {
            assertThat(ElectrumReplies.headerHash(client, result.isTextual() ? result.asText() : result.toString()))
                .hasSize(32);
        }
        catch (final ElectrumException ex)
        {
            assertRefusal(ex);
        }

        try
        {
            for (final HistoryItem item : ElectrumReplies.history(client, "00".repeat(32), result, 10_000))
            {
                assertThat(item.txid()).matches("[0-9a-f]{64}");
            }
        }
        catch (final ElectrumException ex)
        {
            assertRefusal(ex);
        }

        try
        {
            ElectrumReplies.balance(client, result);
        }
        catch (final ElectrumException ex)
        {
            assertRefusal(ex);
        }
    }

    private static void assertRefusal(final ElectrumException ex)
    {
        assertThat(ex.kind()).isEqualTo(ElectrumException.Kind.PROTOCOL);
        assertThat(ex.getMessage()).as("message of %s", ex)
            .isNotBlank()
            .doesNotContain("\n", "\r")
            .hasSizeLessThanOrEqualTo(MAX_MESSAGE_LENGTH);
    }
}
