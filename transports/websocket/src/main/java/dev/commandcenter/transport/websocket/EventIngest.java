package dev.commandcenter.transport.websocket;

import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.agrona.ExpandableArrayBuffer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code POST /api/events}: one message in the JSON view, encoded and published into the engine with source
 * {@link Sources#REST}, answered 202 {@code {"receipt":N}}, or 400 (bad JSON, too long, invalid), or 503 (no
 * engine, ring full, journal halted, shutting down).
 * <p>
 * <b>Note:</b> shared by every connection. Publishing runs on the publish executor (virtual threads) so a
 * full input ring under the blocking policy never stalls an event loop; the connection stops reading until
 * the answer is written, so responses keep request order.
 */
final class EventIngest
{
    private final EventPublisher publisher;
    private final Executor publishExecutor;
    private final ServerErrorPath errorPath;
    private final ResponseSender sender;

    /**
     * @param publisher       the engine's publisher, or null when no engine is attached (503).
     * @param publishExecutor runs each publish off the event loop.
     * @param errorPath       where a failing publish is reported.
     * @param sender          writes the answer.
     */
    EventIngest(
        final EventPublisher publisher,
        final Executor publishExecutor,
        final ServerErrorPath errorPath,
        final ResponseSender sender)
    {
        this.publisher = publisher;
        this.publishExecutor = publishExecutor;
        this.errorPath = errorPath;
        this.sender = sender;
    }

    /**
     * Decode the posted event and publish it, answering on the channel when done.
     *
     * @param channel    of the request.
     * @param request    with the JSON body.
     * @param keepAlive  whether the connection stays open after the answer.
     * @param corsOrigin foreign origin to allow in the answer, or null.
     */
    void post(final Channel channel, final FullHttpRequest request, final boolean keepAlive, final String corsOrigin)
    {
        if (null == publisher)
        {
            sender.send(channel, HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "no engine attached: events cannot be published"), keepAlive, corsOrigin);
            return;
        }
        final String json = request.content().toString(StandardCharsets.UTF_8);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(512);
        final int length;
        try
        {
            length = JsonView.instance().fromJson(json, buffer, 0);
        }
        catch (final IllegalArgumentException ex)
        {
            sender.send(channel, HttpResponses.error(HttpResponseStatus.BAD_REQUEST, ex.getMessage()), keepAlive, corsOrigin);
            return;
        }
        if (length > EventPublisher.MAX_MESSAGE_LENGTH)
        {
            sender.send(channel, HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "message encodes to " + length +
                " bytes, at most " + EventPublisher.MAX_MESSAGE_LENGTH + " allowed"), keepAlive, corsOrigin);
            return;
        }

        // Stop reading this connection until the event is published, so responses keep request order.
        channel.config().setAutoRead(false);
        try
        {
            publishExecutor.execute(() -> publish(channel, buffer, length, keepAlive, corsOrigin));
        }
        catch (final RejectedExecutionException ex)
        {
            channel.config().setAutoRead(true);
            sender.send(channel, HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "server is shutting down"),
                keepAlive, corsOrigin);
        }
    }

    private void publish(
        final Channel channel,
        final ExpandableArrayBuffer buffer,
        final int length,
        final boolean keepAlive,
        final String corsOrigin)
    {
        FullHttpResponse response;
        try
        {
            final long result = publisher.publish(Sources.REST, buffer, 0, length);
            if (EventPublisher.REJECTED == result)
            {
                response = HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "ring full");
            }
            else if (EventPublisher.HALTED == result)
            {
                final String reason = publisher.haltReason();
                response = HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "journal halted: " + (null == reason ? "reason unknown" : reason));
            }
            else if (EventPublisher.INVALID == result)
            {
                response = HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "message rejected as invalid by the engine");
            }
            else
            {
                response = HttpResponses.json(HttpResponseStatus.ACCEPTED, Map.of("receipt", result));
            }
        }
        catch (final RuntimeException ex)
        {
            errorPath.onError(ex);
            response = HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "cannot publish: " + ex.getMessage());
        }
        sender.send(channel, response, keepAlive, corsOrigin);
        channel.eventLoop().execute(() -> channel.config().setAutoRead(true));
    }
}
