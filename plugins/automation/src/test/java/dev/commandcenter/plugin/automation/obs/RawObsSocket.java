package dev.commandcenter.plugin.automation.obs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bare WebSocket to the simulator for tests of the protocol itself: it sends what the test writes and queues what
 * arrives, so a test can send what a well-behaved client never would.
 */
final class RawObsSocket implements AutoCloseable
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final WebSocket webSocket;

    RawObsSocket(final String url)
    {
        webSocket = http.newWebSocketBuilder().subprotocols(ObsSimulator.SUBPROTOCOL)
            .buildAsync(URI.create(url), new WebSocket.Listener()
            {
                private final StringBuilder text = new StringBuilder();

                public CompletionStage<?> onText(final WebSocket ws, final CharSequence data, final boolean last)
                {
                    text.append(data);
                    if (last)
                    {
                        try
                        {
                            messages.add(MAPPER.readTree(text.toString()));
                        }
                        catch (final Exception ex)
                        {
                            closed.completeExceptionally(ex);
                        }
                        text.setLength(0);
                    }
                    ws.request(1);
                    return null;
                }

                public CompletionStage<?> onClose(final WebSocket ws, final int statusCode, final String reason)
                {
                    closed.complete(statusCode + " " + reason);
                    return null;
                }

                public void onError(final WebSocket ws, final Throwable error)
                {
                    closed.complete("error " + error);
                }
            }).join();
    }

    JsonNode next() throws InterruptedException
    {
        final JsonNode message = messages.poll(5, TimeUnit.SECONDS);
        if (null == message)
        {
            throw new AssertionError("no message from the simulator within 5 s");
        }
        return message;
    }

    void send(final String text)
    {
        webSocket.sendText(text, true).join();
    }

    void sendBinary()
    {
        webSocket.sendBinary(ByteBuffer.wrap(new byte[]{1, 2, 3}), true).join();
    }

    String closeReason() throws Exception
    {
        return closed.get(5, TimeUnit.SECONDS);
    }

    /** Read Hello, answer Identify (with the authentication for {@code password}) and read Identified. */
    JsonNode identify(final String password, final int eventSubscriptions) throws Exception
    {
        sendIdentify(password, eventSubscriptions);
        return next();
    }

    /** Read Hello and answer Identify (with the authentication for {@code password} when asked). */
    void sendIdentify(final String password, final int eventSubscriptions) throws Exception
    {
        final JsonNode hello = next();
        final JsonNode auth = hello.path("d").path("authentication");
        final StringBuilder identify = new StringBuilder("{\"op\":1,\"d\":{\"rpcVersion\":1,\"eventSubscriptions\":")
            .append(eventSubscriptions);
        if (!auth.isMissingNode())
        {
            identify.append(",\"authentication\":\"")
                .append(authentication(password, auth.get("salt").asText(), auth.get("challenge").asText())).append('"');
        }
        send(identify.append("}}").toString());
    }

    static String authentication(final String password, final String salt, final String challenge) throws Exception
    {
        final MessageDigest sha = MessageDigest.getInstance("SHA-256");
        final String secret = Base64.getEncoder().encodeToString(sha.digest((password + salt).getBytes(StandardCharsets.UTF_8)));
        return Base64.getEncoder().encodeToString(sha.digest((secret + challenge).getBytes(StandardCharsets.UTF_8)));
    }

    public void close()
    {
        webSocket.abort();
        http.shutdownNow();
    }
}
