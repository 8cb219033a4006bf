package dev.commandcenter.transport.websocket;

import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.NetworkStatusDecoder;
import dev.commandcenter.codecs.sbe.TransactionConfirmedDecoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.codecs.sbe.TransactionReorgedDecoder;
import dev.commandcenter.codecs.sbe.WalletBalanceDecoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.FastThreadLocal;
import org.agrona.ExpandableArrayBuffer;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * {@code POST /api/events}: one message in the JSON view, encoded and published into the engine with source
 * {@link Sources#REST}, answered 202 {@code {"receipt":N}}, or 400 (bad JSON, too long, invalid), or 422 (a wallet
 * event: those come from the wallet source only, unless {@link WebServer.Context#acceptWalletEventsOverRest(boolean)}
 * is on for benchmarks), or 503 (no engine, ring full, journal halted, shutting down).
 * <p>
 * <b>Note:</b> shared by every connection. An event is published on the event loop when the ring has room
 * ({@link EventPublisher#tryPublish}), so the answer needs no thread hand-off; when the ring is full under the
 * blocking policy the publish waits on the publish executor (virtual threads) instead, so it never stalls an
 * event loop, and the connection stops reading until that answer is written, so responses keep request order.
 */
final class EventIngest
{
    /** Set while a request of the connection waits on the executor for room in the ring. */
    private static final AttributeKey<Boolean> WAITING = AttributeKey.valueOf("cc.ingest.waiting");
    private static final FastThreadLocal<byte[]> BODY = new FastThreadLocal<>()
    {
        protected byte[] initialValue()
        {
            return new byte[1024];
        }
    };
    private static final FastThreadLocal<ExpandableArrayBuffer> ENCODED = new FastThreadLocal<>()
    {
        protected ExpandableArrayBuffer initialValue()
        {
            return new ExpandableArrayBuffer(512);
        }
    };

    private final EventPublisher publisher;
    private final Executor publishExecutor;
    private final ServerErrorPath errorPath;
    private final ResponseSender sender;
    private final boolean acceptWalletEvents;
    private final Refusals refusals;

    /**
     * @param publisher       the engine's publisher, or null when no engine is attached (503).
     * @param publishExecutor runs each publish off the event loop.
     * @param errorPath       where a failing publish is reported.
     * @param sender          writes the answer.
     * @param acceptWalletEvents whether wallet events may be posted (benchmarks only).
     * @param refusals        counts and logs refused wallet events.
     */
    EventIngest(
        final EventPublisher publisher,
        final Executor publishExecutor,
        final ServerErrorPath errorPath,
        final ResponseSender sender,
        final boolean acceptWalletEvents,
        final Refusals refusals)
    {
        this.acceptWalletEvents = acceptWalletEvents;
        this.refusals = refusals;
        this.publisher = publisher;
        this.publishExecutor = publishExecutor;
        this.errorPath = errorPath;
        this.sender = sender;
    }

    /**
     * This thread's copy of a posted body that is not on the heap (bodies are bounded by the server's request limit).
     */
    private static byte[] bodyScratch(final int length)
    {
        final byte[] scratch = BODY.get();
        if (scratch.length >= length)
        {
            return scratch;
        }
        final byte[] grown = new byte[Math.max(length, 2 * scratch.length)];
        BODY.set(grown);
        return grown;
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
        final ByteBuf content = request.content();
        final int bodyLength = content.readableBytes();
        final byte[] body;
        final int bodyOffset;
        if (content.hasArray())
        {
            body = content.array();
            bodyOffset = content.arrayOffset() + content.readerIndex();
        }
        else
        {
            body = bodyScratch(bodyLength);
            bodyOffset = 0;
            content.getBytes(content.readerIndex(), body, 0, bodyLength);
        }
        // This thread's buffer: the event is copied into the ring before post returns, or into a buffer of its own
        // when it must wait for room.
        final ExpandableArrayBuffer buffer = ENCODED.get();
        final int length;
        try
        {
            length = JsonView.instance().fromJson(body, bodyOffset, bodyLength, buffer, 0);
        }
        catch (final IllegalArgumentException ex)
        {
            sender.send(channel, HttpResponses.error(HttpResponseStatus.BAD_REQUEST, ex.getMessage()), keepAlive, corsOrigin);
            return;
        }
        final int templateId = buffer.getShort(MessageHeaderDecoder.templateIdEncodingOffset(), MessageHeaderDecoder.BYTE_ORDER) & 0xFFFF;
        if (!dev.commandcenter.codecs.MessageSchema.isEvent(templateId))
        {
            sender.send(channel, HttpResponses.error(HttpResponseStatus.UNPROCESSABLE_ENTITY, "type " +
                JsonView.instance().messageName(templateId) + " is a transport message, not an event: expected an " +
                "event type such as ChatMessage"), keepAlive, corsOrigin);
            return;
        }
        if (!acceptWalletEvents && isWalletMessage(templateId))
        {
            final String type = JsonView.instance().messageName(templateId);
            refusals.refused(Refusals.Reason.WALLET_EVENT_OVER_REST, channel.remoteAddress(), "posted " + type);
            sender.send(channel, HttpResponses.error(HttpResponseStatus.UNPROCESSABLE_ENTITY, "wallet event " + type +
                " cannot be posted over REST: wallet events come from the wallet source only"), keepAlive, corsOrigin);
            return;
        }
        if (length > EventPublisher.MAX_MESSAGE_LENGTH)
        {
            sender.send(channel, HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "message encodes to " + length +
                " bytes, at most " + EventPublisher.MAX_MESSAGE_LENGTH + " allowed"), keepAlive, corsOrigin);
            return;
        }

        // Published on the event loop when the ring has room (no thread hand-off); only when the policy would wait for
        // room does the publish move to the executor, with the connection's later requests behind it.
        final Attribute<Boolean> waiting = channel.attr(WAITING);
        if (!Boolean.TRUE.equals(waiting.get()))
        {
            final FullHttpResponse response = respond(() -> publisher.tryPublish(Sources.REST, buffer, 0, length));
            if (null != response)
            {
                sender.send(channel, response, keepAlive, corsOrigin);
                return;
            }
        }
        // Stop reading this connection until the event is published, so responses keep request order.
        waiting.set(Boolean.TRUE);
        ConnectionGuard.pause(channel, ConnectionGuard.AWAITING_RESPONSE);
        final ExpandableArrayBuffer held = new ExpandableArrayBuffer(length);
        held.putBytes(0, buffer, 0, length);
        try
        {
            publishExecutor.execute(() -> publish(channel, held, length, keepAlive, corsOrigin));
        }
        catch (final RejectedExecutionException ex)
        {
            waiting.set(Boolean.FALSE);
            ConnectionGuard.resume(channel, ConnectionGuard.AWAITING_RESPONSE);
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
        final FullHttpResponse response = respond(() -> publisher.publish(Sources.REST, buffer, 0, length));
        sender.send(channel, response, keepAlive, corsOrigin);
        channel.eventLoop().execute(() ->
        {
            channel.attr(WAITING).set(Boolean.FALSE);
            ConnectionGuard.resume(channel, ConnectionGuard.AWAITING_RESPONSE);
        });
    }

    /**
     * The answer to a publish: 202 with the receipt, or the error; null when it would have to wait for room.
     */
    private FullHttpResponse respond(final LongSupplier publish)
    {
        try
        {
            final long result = publish.getAsLong();
            if (EventPublisher.WOULD_WAIT == result)
            {
                return null;
            }
            if (EventPublisher.REJECTED == result)
            {
                return HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "ring full");
            }
            if (EventPublisher.HALTED == result)
            {
                final String reason = publisher.haltReason();
                return HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "journal halted: " + (null == reason ? "reason unknown" : reason));
            }
            if (EventPublisher.INVALID == result)
            {
                return HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "message rejected as invalid by the engine");
            }
            return HttpResponses.receipt(result);
        }
        catch (final RuntimeException ex)
        {
            errorPath.onError(ex);
            return HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "cannot publish: " + ex.getMessage());
        }
    }

    /**
     * Whether a message type is one only the wallet source reports: payments, confirmations, reorgs, balances and
     * the wallet's connection state.
     */
    static boolean isWalletMessage(final int templateId)
    {
        return TransactionReceivedDecoder.TEMPLATE_ID == templateId || TransactionConfirmedDecoder.TEMPLATE_ID == templateId ||
            TransactionReorgedDecoder.TEMPLATE_ID == templateId || WalletBalanceDecoder.TEMPLATE_ID == templateId ||
            NetworkStatusDecoder.TEMPLATE_ID == templateId;
    }
}
