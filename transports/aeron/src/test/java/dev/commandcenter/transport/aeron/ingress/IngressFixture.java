package dev.commandcenter.transport.aeron.ingress;

import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.transport.aeron.AeronNode;
import dev.commandcenter.transport.aeron.AeronSettings;
import dev.commandcenter.transport.aeron.IngressSettings;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real engine (in-memory journal that can be held shut, a plugin that can be held) with a real embedded media
 * driver and the ingress on it, for the ingress tests.
 */
final class IngressFixture implements AutoCloseable
{
    /** Small terms so several drivers fit and back-pressure comes soon. */
    static final int TERM_LENGTH = 64 * 1024;

    final GatedJournal journal = new GatedJournal();
    final HeldPlugin plugin = new HeldPlugin();
    final List<String> log = new CopyOnWriteArrayList<>();
    final AeronNode node;
    final Engine engine;
    final AeronIngress ingress;

    IngressFixture(final Path dir, final int inputRingSize, final IngressSettings settings)
    {
        final AeronSettings aeron = new AeronSettings();
        aeron.termLength = TERM_LENGTH;
        node = AeronNode.embed(aeron, dir.resolve("aeron").toString(), Throwable::printStackTrace);
        try
        {
            engine = Engine.launch(new Engine.Context()
                .dataDir(dir.resolve("engine"))
                .journal(journal)
                .plugin(plugin)
                .inputRingSize(inputRingSize));
            ingress = AeronIngress.launch(new AeronIngress.Context()
                .aeron(node.aeron())
                .settings(settings)
                .publisher(engine.publisher())
                .counters(engine.counters())
                .errorHandler(engine.errorHandler())
                .log(log::add));
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    public void close()
    {
        plugin.release();
        journal.open();
        CloseHelper.closeAll(ingress, engine, node);
    }

    static int encodeChat(final MutableDirectBuffer buffer, final long messageId, final String text)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new ChatMessageEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .messageId(messageId)
            .channel("ingress")
            .user("tester")
            .text(text)
            .encodedLength();
    }

    static long chatId(final DirectBuffer buffer, final int offset)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
        return new ChatMessageDecoder().wrapAndApplyHeader(buffer, offset, header).messageId();
    }

    static String chatText(final DirectBuffer buffer, final int offset)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
        final ChatMessageDecoder decoder = new ChatMessageDecoder().wrapAndApplyHeader(buffer, offset, header);
        decoder.channel();
        decoder.user();
        return decoder.text();
    }

    /** What a journal or plugin saw of one event. */
    record Seen(long sequence, int source, int templateId, long chatId, String text)
    {
        static Seen of(final Event event)
        {
            final boolean chat = event.templateId() == ChatMessageDecoder.TEMPLATE_ID;
            return new Seen(event.sequence(), event.source(), event.templateId(),
                chat ? IngressFixture.chatId(event.buffer(), event.offset()) : -1, chat ? IngressFixture.chatText(event.buffer(), event.offset()) : "");
        }
    }

    /** An in-memory journal whose appends can be held back, as a slow disk would. */
    static final class GatedJournal implements Journal
    {
        final List<Seen> entries = new CopyOnWriteArrayList<>();
        private volatile CountDownLatch gate = new CountDownLatch(0);

        void shut()
        {
            gate = new CountDownLatch(1);
        }

        void open()
        {
            gate.countDown();
        }

        public long nextSequence()
        {
            return 0;
        }

        public void append(final Event event)
        {
            try
            {
                if (!gate.await(60, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("journal gate held for a minute");
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            entries.add(Seen.of(event));
        }

        public void close()
        {
        }
    }

    /** A plugin recording every event, which can be held in onEvent so the input ring fills. */
    static final class HeldPlugin implements Plugin
    {
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        private volatile CountDownLatch gate = new CountDownLatch(0);

        void hold()
        {
            gate = new CountDownLatch(1);
        }

        void release()
        {
            gate.countDown();
        }

        public String id()
        {
            return "held";
        }

        public void onEvent(final Event event) throws Exception
        {
            gate.await(60, TimeUnit.SECONDS);
            seen.add(Seen.of(event));
        }
    }
}
