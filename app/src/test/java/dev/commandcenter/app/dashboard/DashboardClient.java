package dev.commandcenter.app.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What the dashboard page does, for the route tests: REST requests with a token, and a feed recording its messages.
 */
final class DashboardClient implements AutoCloseable
{
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    DashboardClient(final String baseUrl)
    {
        this.baseUrl = baseUrl;
    }

    HttpResponse<String> get(final String path, final String token) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).GET()
            .timeout(Duration.ofSeconds(30));
        if (null != token)
        {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(final String path, final String token, final String body) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(final String path, final String token) throws Exception
    {
        final HttpResponse<String> response = get(path, token);
        if (200 != response.statusCode())
        {
            throw new AssertionError(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    Feed feed(final String pathAndQuery) throws Exception
    {
        return new Feed(http, baseUrl.replaceFirst("^http", "ws") + pathAndQuery);
    }

    public void close()
    {
        // An open feed would keep close() waiting.
        http.shutdownNow();
    }

    /**
     * A WebSocket feed recording its text frames as JSON.
     */
    static final class Feed implements WebSocket.Listener, AutoCloseable
    {
        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket socket;

        Feed(final HttpClient http, final String url) throws Exception
        {
            socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(url), this).get(10, TimeUnit.SECONDS);
        }

        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            partial.append(data);
            if (last)
            {
                try
                {
                    messages.add(JSON.readTree(partial.toString()));
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        List<JsonNode> ofType(final String type)
        {
            return messages.stream().filter((message) -> type.equals(message.path("type").asText())).toList();
        }

        public void close()
        {
            socket.abort();
        }
    }
}
