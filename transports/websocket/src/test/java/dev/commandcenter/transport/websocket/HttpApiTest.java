package dev.commandcenter.transport.websocket;

import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class HttpApiTest
{
    @TempDir
    Path dataDir;

    private Fixture fixture;

    @AfterEach
    void close()
    {
        CloseHelper.quietClose(fixture);
    }

    @Test
    void shouldRouteAPrefixWithTheServersTokenOrTheRoutesOwnCheckAndAnswerFromAnotherThread() throws Exception
    {
        final CountDownLatch slow = new CountDownLatch(1);
        fixture = new Fixture(dataDir, WebSocketEgress.RETAIN_PER_FEED_DEFAULT, (ctx) -> {}, (ctx) -> ctx
            .apiRoute("/api/things", true, (request, responder) -> Thread.ofVirtual().start(() ->
            {
                if (request.path().endsWith("/slow"))
                {
                    awaitQuietly(slow);
                }
                responder.respond(200, Map.of("path", request.path(), "method", request.method(),
                    "body", new String(request.body()), "loopback", request.remoteAddress().getAddress().isLoopbackAddress()));
            }))
            .apiRoute("/api/open/door", false, (request, responder) ->
                responder.respond("knock".equals(request.parameter("secret")) ? 200 : 401, Map.of("error", "who?"))));

        assertThat(fixture.get("/api/things").statusCode()).isEqualTo(401);
        final HttpResponse<String> thing = fixture.http.send(HttpRequest.newBuilder(fixture.http("/api/things/a?token=" +
            Fixture.TOKEN)).POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(thing.statusCode()).isEqualTo(200);
        assertThat(thing.body()).contains("\"path\":\"/api/things/a\"").contains("\"method\":\"POST\"")
            .contains("\"body\":\"hello\"").contains("\"loopback\":true");

        final var pending = fixture.http.sendAsync(HttpRequest.newBuilder(fixture.http("/api/things/slow?token=" +
            Fixture.TOKEN)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(fixture.get("/api/health?token=" + Fixture.TOKEN).statusCode()).isEqualTo(200);
        slow.countDown();
        assertThat(pending.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

        assertThat(fixture.get("/api/open/door?secret=knock").statusCode()).isEqualTo(200);
        assertThat(fixture.get("/api/open/door?secret=guess").statusCode()).isEqualTo(401);
        assertThat(fixture.get("/api/thingsmore?token=" + Fixture.TOKEN).statusCode()).isEqualTo(404);
        assertThat(fixture.get("/api/open?token=" + Fixture.TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRefuseAPrefixOutsideTheApi()
    {
        assertThatThrownBy(() -> new WebServer.Context().apiRoute("/plugins/x", true, (request, responder) -> {}))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("api route: expected a prefix such as /api/name and a route, got '/plugins/x'");
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(20, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
