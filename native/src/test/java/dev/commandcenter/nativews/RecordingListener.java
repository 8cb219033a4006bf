package dev.commandcenter.nativews;

import dev.commandcenter.transport.websocket.wire.WireListener;
import dev.commandcenter.transport.websocket.wire.WireRequest;
import org.agrona.DirectBuffer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

/**
 * Records every event a transport tells, in order, and runs an optional reaction on the transport's thread.
 */
final class RecordingListener implements WireListener
{
    record Event(String kind, long connection, WireRequest request, String text, boolean flag, byte[] payload, int code)
    {
    }

    interface Reaction
    {
        void on(Event event);
    }

    final List<Event> events = new CopyOnWriteArrayList<>();
    volatile Reaction reaction = event -> {};

    private void add(final Event event)
    {
        events.add(event);
        reaction.on(event);
    }

    @Override
    public void onRequest(final long connection, final WireRequest request)
    {
        add(new Event("request", connection, request, null, false, null, 0));
    }

    @Override
    public void onOpen(final long connection, final WireRequest request, final String subprotocol)
    {
        add(new Event("open", connection, request, subprotocol, false, null, 0));
    }

    @Override
    public void onMessage(
        final long connection, final boolean binary, final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] payload = new byte[length];
        buffer.getBytes(offset, payload);
        add(new Event("message", connection, null, null, binary, payload, 0));
    }

    @Override
    public void onPong(final long connection)
    {
        add(new Event("pong", connection, null, null, false, null, 0));
    }

    @Override
    public void onWritabilityChanged(final long connection, final boolean writable)
    {
        add(new Event("writable", connection, null, null, writable, null, 0));
    }

    @Override
    public void onClosed(final long connection, final int code, final String reason)
    {
        add(new Event("closed", connection, null, reason, false, null, code));
    }

    List<Event> of(final String kind)
    {
        final List<Event> matching = new ArrayList<>();
        for (final Event event : events)
        {
            if (event.kind().equals(kind))
            {
                matching.add(event);
            }
        }
        return matching;
    }

    Event await(final String kind, final Predicate<Event> predicate)
    {
        final Event[] found = new Event[1];
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
        {
            for (final Event event : events)
            {
                if (event.kind().equals(kind) && predicate.test(event))
                {
                    found[0] = event;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    Event await(final String kind)
    {
        return await(kind, event -> true);
    }
}
