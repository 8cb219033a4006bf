package dev.commandcenter.transport.aeron.ingress;

import dev.commandcenter.codecs.sbe.IngressAckDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.transport.aeron.AeronNode;
import dev.commandcenter.transport.aeron.AeronSettings;
import io.aeron.Publication;
import io.aeron.Subscription;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class ClientSessionTest
{
    @TempDir
    Path dir;

    private AeronNode node;
    private Subscription acks;
    private Publication response;
    private final JournalPosition journal = new JournalPosition();
    private final List<long[]> received = new ArrayList<>();

    @BeforeEach
    void setUp()
    {
        final AeronSettings settings = new AeronSettings();
        settings.termLength = 64 * 1024;
        node = AeronNode.embed(settings, dir.toString(), Throwable::printStackTrace);
        acks = node.aeron().addSubscription("aeron:ipc", 99);
        response = node.aeron().addPublication("aeron:ipc", 99);
        await().atMost(Duration.ofSeconds(20)).until(response::isConnected);
    }

    @AfterEach
    void tearDown()
    {
        node.close();
    }

    @Test
    void shouldAcknowledgeOnlyWhatTheJournalPassedAndCoalesceWhenFull()
    {
        final ClientSession session = new ClientSession(7, "c", "aeron:ipc", response, 4);
        session.onConsumed(100, ClientSession.NO_RECEIPT);
        for (int i = 1; i <= 10; i++)
        {
            session.onConsumed(100 + i * 10, i);
        }
        assertThat(session.pending()).as("a fixed ring of 4 pairs").isEqualTo(4);

        assertThat(session.sendAcks(journal)).isEqualTo(1);
        assertThat(lastAck()).containsExactly(7, 100, -1);

        journal.journaled = 2;
        assertThat(session.sendAcks(journal)).isEqualTo(1);
        assertThat(lastAck()).containsExactly(7, 120, 2);

        journal.journaled = 9;
        assertThat(session.sendAcks(journal)).as("the coalesced newest pair waits for receipt 10").isZero();

        journal.journaled = 10;
        assertThat(session.sendAcks(journal)).isEqualTo(1);
        assertThat(lastAck()).containsExactly(7, 200, 10);
        assertThat(session.pending()).isZero();
        assertThat(session.sendAcks(journal)).as("nothing new, nothing sent").isZero();
    }

    private long[] lastAck()
    {
        final int before = received.size();
        await().atMost(Duration.ofSeconds(20)).until(() ->
        {
            acks.poll(this::onAck, 10);
            return received.size() > before;
        });
        return received.get(received.size() - 1);
    }

    private void onAck(final DirectBuffer buffer, final int offset, final int length, final io.aeron.logbuffer.Header header)
    {
        final IngressAckDecoder ack = new IngressAckDecoder()
            .wrapAndApplyHeader(buffer, offset, new MessageHeaderDecoder().wrap(buffer, offset));
        received.add(new long[] { ack.ingressSessionId(), ack.position(), ack.sequence() });
    }

    private static final class JournalPosition implements EventPublisher
    {
        volatile long journaled = -1;

        public long publish(final int source, final DirectBuffer buffer, final int offset, final int length)
        {
            throw new UnsupportedOperationException();
        }

        public <A> long publish(final int source, final MessageWriter<A> writer, final A arg)
        {
            throw new UnsupportedOperationException();
        }

        public boolean isJournaled(final long sequence)
        {
            return sequence >= 0 && sequence <= journaled;
        }
    }
}
