package dev.commandcenter.plugin.host.remote;

import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.PluginDoneEncoder;
import dev.commandcenter.codecs.sbe.PluginEventDecoder;
import dev.commandcenter.codecs.sbe.PluginGoodbyeDecoder;
import dev.commandcenter.codecs.sbe.PluginHeartbeatDecoder;
import dev.commandcenter.codecs.sbe.PluginHeartbeatEncoder;
import dev.commandcenter.codecs.sbe.PluginHelloEncoder;
import dev.commandcenter.codecs.sbe.PluginWelcomeDecoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A plugin host of the tests, in process: a {@link RemoteLink} pair where the engine's sends land in a queue and a
 * host thread answers each {@code PluginEvent} with a {@code PluginDone} echoing the event's message as its emit
 * (or with a failure), as the transport's thread would call the endpoint's handler.
 */
final class TestHost implements RemoteLink, AutoCloseable
{
    final List<Long> eventsSeen = new CopyOnWriteArrayList<>();
    final List<String> goodbyes = new CopyOnWriteArrayList<>();
    volatile long resumeAfter = Long.MIN_VALUE;
    volatile String welcomeConfig;
    volatile int heartbeats;
    volatile boolean answering = true;
    volatile String failWith;
    volatile String closedReason;

    private final String name;
    private final BlockingQueue<byte[]> toHost = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;
    private volatile RemoteLinkHandler handler;
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(8192);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();

    TestHost(final String name)
    {
        this.name = name;
        this.thread = new Thread(this::run, "test-host-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * Connect to an endpoint and say hello.
     */
    TestHost connect(final RemotePluginEndpoint endpoint, final String pluginId, final int protocolVersion)
    {
        handler = endpoint.attach(this);
        thread.start();
        final PluginHelloEncoder hello = new PluginHelloEncoder().wrapAndApplyHeader(out, 0, headerEncoder)
            .protocolVersion(protocolVersion).responseStreamId(0).pluginId(pluginId).host("test " + name)
            .responseChannel("");
        deliver(MessageHeaderEncoder.ENCODED_LENGTH + hello.encodedLength());
        return this;
    }

    void heartbeat(final long lastDone)
    {
        final PluginHeartbeatEncoder beat = new PluginHeartbeatEncoder().wrapAndApplyHeader(out, 0, headerEncoder)
            .epochMs(0).lastDone(lastDone);
        deliver(MessageHeaderEncoder.ENCODED_LENGTH + beat.encodedLength());
    }

    void sendRaw(final byte[] bytes)
    {
        handler.onMessage(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    /**
     * The link is lost (as a transport reports a killed host).
     */
    void kill()
    {
        answering = false;
        close("link lost");
    }

    public int offer(final DirectBuffer buffer, final int offset, final int length)
    {
        if (closed.get())
        {
            return CLOSED;
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        toHost.add(copy);
        return SENT;
    }

    public void close(final String reason)
    {
        if (closed.compareAndSet(false, true))
        {
            closedReason = reason;
            thread.interrupt();
            final RemoteLinkHandler current = handler;
            if (null != current)
            {
                current.onClosed(reason);
            }
        }
    }

    public String transport()
    {
        return "test";
    }

    public String describe()
    {
        return "test link " + name;
    }

    public void close()
    {
        close("test over");
    }

    boolean isClosed()
    {
        return closed.get();
    }

    private synchronized void deliver(final int length)
    {
        if (!closed.get())
        {
            handler.onMessage(out, 0, length);
        }
    }

    private void run()
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final PluginEventDecoder event = new PluginEventDecoder();
        final PluginWelcomeDecoder welcome = new PluginWelcomeDecoder();
        final PluginGoodbyeDecoder goodbye = new PluginGoodbyeDecoder();
        final UnsafeBuffer message = new UnsafeBuffer(new byte[0]);
        while (!closed.get())
        {
            final byte[] bytes;
            try
            {
                bytes = toHost.poll(10, TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            if (null == bytes)
            {
                continue;
            }
            final UnsafeBuffer in = new UnsafeBuffer(bytes);
            header.wrap(in, 0);
            final int body = MessageHeaderDecoder.ENCODED_LENGTH;
            switch (header.templateId())
            {
                case PluginWelcomeDecoder.TEMPLATE_ID ->
                {
                    welcome.wrap(in, body, header.blockLength(), header.version());
                    resumeAfter = welcome.resumeAfter();
                    welcome.pluginId();
                    welcomeConfig = welcome.configJson();
                }
                case PluginHeartbeatDecoder.TEMPLATE_ID -> heartbeats++;
                case PluginGoodbyeDecoder.TEMPLATE_ID ->
                {
                    goodbye.wrap(in, body, header.blockLength(), header.version());
                    goodbyes.add((goodbye.refused() == BooleanType.TRUE ? "refused: " : "") + goodbye.reason());
                }
                case PluginEventDecoder.TEMPLATE_ID ->
                {
                    event.wrap(in, body, header.blockLength(), header.version());
                    final long sequence = event.sequence();
                    event.wrapMessage(message);
                    if (!answering)
                    {
                        continue;
                    }
                    eventsSeen.add(sequence);
                    synchronized (this)
                    {
                        final PluginDoneEncoder done = new PluginDoneEncoder().wrapAndApplyHeader(out, 0, headerEncoder)
                            .sequence(sequence);
                        final String failure = failWith;
                        if (null == failure)
                        {
                            done.emitsCount(1).next().putMessage(message, 0, message.capacity());
                            done.failure("");
                        }
                        else
                        {
                            done.emitsCount(0);
                            done.failure(failure);
                        }
                        deliver(MessageHeaderEncoder.ENCODED_LENGTH + done.encodedLength());
                    }
                }
                default ->
                {
                }
            }
        }
    }
}
