package dev.commandcenter.perf;

import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.ThreadingMode;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.Event;
import dev.commandcenter.persistence.ChronicleJournal;
import org.agrona.IoUtil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The engine as a ring peer: three trivial plugins, each a {@link PeerConsumer}, behind the journaller
 * (no journal, or a {@link ChronicleJournal} in a fresh temporary directory), in a given threading mode and
 * wait strategy. The producer publishes a copy of the message with the engine's blocking back-pressure.
 */
public final class EnginePeer implements RingPeer
{
    private final PeerMessage message = new PeerMessage();
    private final PeerConsumer[] consumers = new PeerConsumer[CONSUMERS];
    private final Path dataDir;
    private final Engine engine;
    private final EventPublisher publisher;

    /**
     * Launch the engine.
     *
     * @param mode         threading mode.
     * @param waitStrategy wait strategy name.
     * @param journaled    true for a Chronicle journal, false for none.
     */
    public EnginePeer(final ThreadingMode mode, final String waitStrategy, final boolean journaled)
    {
        try
        {
            dataDir = Files.createTempDirectory("cc-ring-peers");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final Engine.Context ctx = new Engine.Context()
            .dataDir(dataDir)
            .journal(journaled ? ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)) : Journal.NONE)
            .threadingMode(mode)
            .waitStrategy(waitStrategy)
            .inputRingSize(CAPACITY);
        for (int i = 0; i < CONSUMERS; i++)
        {
            consumers[i] = new PeerConsumer();
            ctx.plugin(new ConsumerPlugin("peer-" + i, consumers[i]));
        }
        engine = Engine.launch(ctx);
        publisher = engine.publisher();
    }

    /**
     * {@inheritDoc}
     */
    public void publish()
    {
        final long result = publisher.publish(Sources.WALLET, message.buffer, 0, message.length);
        if (result < 0)
        {
            throw new IllegalStateException("engine refused the event: " + result + ", expected a sequence (halt: " +
                engine.haltReason() + ")");
        }
    }

    /**
     * {@inheritDoc}
     */
    public void awaitSeen(final long events)
    {
        RingPeer.awaitSeen(consumers, events);
    }

    /**
     * {@inheritDoc}
     */
    public long checksum()
    {
        return RingPeer.checksum(consumers);
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        engine.close();
        IoUtil.delete(dataDir.toFile(), true);
    }

    /** A trivial plugin: hands every event to its consumer. */
    static final class ConsumerPlugin implements Plugin
    {
        private final String id;
        private final PeerConsumer consumer;

        ConsumerPlugin(final String id, final PeerConsumer consumer)
        {
            this.id = id;
            this.consumer = consumer;
        }

        public String id()
        {
            return id;
        }

        public void onEvent(final Event event)
        {
            consumer.onMessage(event.buffer(), event.offset());
        }
    }
}
