package dev.commandcenter.nativews;

import dev.commandcenter.transport.websocket.wire.WireSettings;
import dev.commandcenter.transport.websocket.wire.WireTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fan-out rate of the native backend: one sender thread, N loopback clients reading as fast as they can. A sample
 * to run by hand (not a test): {@code java ... FanoutSample [clients] [payload] [seconds] [frames|send]}. With
 * {@code frames} (the default, as the server's egress does) one binary frame is encoded once by Netty's encoder and
 * handed to every client with {@link WireTransport#sendFrames}; with {@code send} each message is given with
 * {@link WireTransport#send} and framed by libwebsockets.
 */
final class FanoutSample
{
    private FanoutSample()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int clients = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        final int payloadLength = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        final int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        final boolean frames = args.length <= 3 || "frames".equals(args[3]);
        final RecordingListener listener = new RecordingListener();
        try (NativeWireTransport transport = new NativeWireTransport(NativeLibrary.shared()))
        {
            final InetSocketAddress address = transport.start(new WireSettings(
                "127.0.0.1", 0, 65536, 65536, 8192, 4 << 20, 256 << 10, 128 << 10, 0, 10_000, 60_000, 2_000),
                listener);
            final AtomicLong received = new AtomicLong();
            final List<RawClient> raw = new ArrayList<>();
            for (int i = 0; i < clients; i++)
            {
                final RawClient client = new RawClient(address);
                client.upgrade("/ws/all", null);
                raw.add(client);
                Thread.ofVirtual().start(() ->
                {
                    final byte[] buffer = new byte[64 * 1024];
                    final InputStream in = client.in;
                    try
                    {
                        int n;
                        while ((n = in.read(buffer)) > 0)
                        {
                            received.addAndGet(n);
                        }
                    }
                    catch (final Exception ignore)
                    {
                        // closed
                    }
                });
            }
            while (listener.of("open").size() < clients)
            {
                Thread.onSpinWait();
            }
            final long[] ids = listener.of("open").stream().mapToLong(RecordingListener.Event::connection).toArray();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[payloadLength]);
            final EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
            encoder.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[payloadLength])));
            final ByteBuf encoded = Unpooled.buffer();
            for (ByteBuf part = encoder.readOutbound(); null != part; part = encoder.readOutbound())
            {
                encoded.writeBytes(part);
                part.release();
            }
            encoder.finishAndReleaseAll();
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[encoded.readableBytes()]);
            encoded.readBytes(frame.byteArray());
            final long end = System.nanoTime() + seconds * 1_000_000_000L;
            long sent = 0;
            long full = 0;
            while (System.nanoTime() < end)
            {
                boolean any = false;
                for (final long id : ids)
                {
                    final int result = frames ?
                        transport.sendFrames(id, frame, 0, frame.capacity()) :
                        transport.send(id, true, payload, 0, payloadLength);
                    if (WireTransport.SENT == result)
                    {
                        sent++;
                        any = true;
                    }
                    else
                    {
                        full++;
                    }
                }
                if (!any)
                {
                    Thread.yield(); // every queue is full: leave the cores to the shim and the readers
                }
            }
            System.out.printf("native (%s): %d clients, %d-byte messages: sent %.0f msg/s, delivered %.0f msg/s, FULL %d%n",
                frames ? "frames" : "send", clients, payloadLength, sent / (double)seconds,
                received.get() / (double)frame.capacity() / seconds, full);
            for (final RawClient client : raw)
            {
                client.close();
            }
        }
    }
}
