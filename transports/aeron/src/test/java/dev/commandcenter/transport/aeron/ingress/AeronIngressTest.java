package dev.commandcenter.transport.aeron.ingress;

import dev.commandcenter.client.CommandCenterClient;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.IngressAckEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.transport.aeron.IngressSettings;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class AeronIngressTest
{
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void close() throws Exception
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            closeables.get(i).close();
        }
    }

    private IngressFixture fixture(final int inputRingSize, final IngressSettings settings)
    {
        final IngressFixture fixture = new IngressFixture(dir, inputRingSize, settings);
        closeables.add(fixture);
        return fixture;
    }

    private CommandCenterClient client(final IngressFixture fixture, final String name)
    {
        final CommandCenterClient client = CommandCenterClient.connect(new CommandCenterClient.Context()
            .aeronDirectoryName(fixture.node.directory())
            .clientName(name)
            .connectTimeout(BOUND));
        closeables.add(client);
        return client;
    }

    @Test
    void shouldPutPublishedEventsOnTheRingWithSourceAeronAndAcknowledgeThemJournaled()
    {
        final IngressFixture fixture = fixture(1024, new IngressSettings());
        final CommandCenterClient client = client(fixture, "chat-bridge");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        final ChatMessageEncoder encoder = new ChatMessageEncoder();
        final String longText = "x".repeat(3000);

        long position = 0;
        for (long id = 0; id < 100; id++)
        {
            encoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                .messageId(id).channel("ingress").user("tester").text(id == 50 ? longText : "line " + id);
            position = client.publish(encoder);
            assertThat(position).as("publish %d", id).isPositive();
        }

        assertThat(client.awaitJournaled(position, BOUND)).isTrue();
        assertThat(client.journaledPosition()).isGreaterThanOrEqualTo(position);
        assertThat(fixture.journal.entries).hasSize(100);
        assertThat(fixture.journal.entries).allSatisfy(seen -> assertThat(seen.source()).isEqualTo(Sources.AERON));
        assertThat(fixture.journal.entries).extracting(IngressFixture.Seen::chatId)
            .containsExactlyElementsOf(LongStream.range(0, 100).boxed().toList());
        assertThat(fixture.journal.entries.get(50).text()).as("a message longer than a frame").isEqualTo(longText);
        await().atMost(BOUND).until(() -> fixture.plugin.seen.size() == 100);
        assertThat(fixture.engine.readCounter(CounterType.INGRESS_EVENTS, "")).isEqualTo(100);
        assertThat(fixture.engine.readCounter(CounterType.INGRESS_CLIENTS, "")).isEqualTo(1);
        assertThat(fixture.log).anyMatch(line -> line.contains("client 'chat-bridge'") &&
            line.contains("session " + client.sessionId()));
    }

    @Test
    void shouldTakeEventsAndAcknowledgeThemOverUdpToo() throws Exception
    {
        final IngressSettings settings = new IngressSettings();
        settings.channel = "aeron:udp?endpoint=localhost:" + freeUdpPort();
        final IngressFixture fixture = fixture(1024, settings);
        final CommandCenterClient client = CommandCenterClient.connect(new CommandCenterClient.Context()
            .aeronDirectoryName(fixture.node.directory())
            .ingressChannel(settings.channel)
            .responseChannel("aeron:udp?endpoint=localhost:" + freeUdpPort())
            .clientName("udp-bridge")
            .connectTimeout(BOUND));
        closeables.add(client);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final ChatMessageEncoder encoder = new ChatMessageEncoder();

        long position = 0;
        for (long id = 0; id < 50; id++)
        {
            encoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                .messageId(id).channel("ingress").user("tester").text("line " + id);
            position = client.publish(encoder);
            assertThat(position).as("publish %d", id).isPositive();
        }

        assertThat(client.awaitJournaled(position, BOUND)).isTrue();
        assertThat(fixture.journal.entries).extracting(IngressFixture.Seen::chatId)
            .containsExactlyElementsOf(LongStream.range(0, 50).boxed().toList());
        assertThat(fixture.journal.entries).allSatisfy(seen -> assertThat(seen.source()).isEqualTo(Sources.AERON));
    }

    private static int freeUdpPort() throws java.io.IOException
    {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    @Test
    void shouldAcknowledgeOnlyOnceTheJournalHasTheEvents()
    {
        final IngressFixture fixture = fixture(1024, new IngressSettings());
        final CommandCenterClient client = client(fixture, "awaiter");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);

        fixture.journal.shut();
        final long first = client.publish(buffer, 0, IngressFixture.encodeChat(buffer, 1, "held back"));
        assertThat(first).isPositive();
        await().atMost(BOUND).until(() -> fixture.engine.readCounter(CounterType.INGRESS_EVENTS, "") == 1);

        assertThat(client.awaitJournaled(first, Duration.ofMillis(300))).as("acknowledged before journaled").isFalse();
        assertThat(fixture.journal.entries).isEmpty();
        assertThat(client.journaledPosition()).isLessThan(first);

        fixture.journal.open();
        assertThat(client.awaitJournaled(first, BOUND)).isTrue();
        assertThat(fixture.journal.entries).extracting(IngressFixture.Seen::chatId).containsExactly(1L);
        assertThat(client.journaledSequence()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void shouldSkipCountAndLogBadMessagesWithThePublishersSession()
    {
        final IngressFixture fixture = fixture(1024, new IngressSettings());
        final ExclusivePublication raw = fixture.node.aeron().addExclusivePublication("aeron:ipc", 1001);
        closeables.add(raw);
        await().atMost(BOUND).until(raw::isConnected);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);

        final int chatLength = IngressFixture.encodeChat(buffer, 7, "good");
        final UnsafeBuffer good = new UnsafeBuffer(new byte[chatLength]);
        good.putBytes(0, buffer, 0, chatLength);

        offer(raw, buffer, 4);                                      // shorter than a header
        IngressFixture.encodeChat(buffer, 1, "other schema");
        buffer.putShort(4, (short)42, MessageHeaderEncoder.BYTE_ORDER);
        offer(raw, buffer, chatLength);                             // another schema
        IngressFixture.encodeChat(buffer, 2, "from the future");
        buffer.putShort(6, (short)(MessageSchema.SCHEMA_VERSION + 1), MessageHeaderEncoder.BYTE_ORDER);
        offer(raw, buffer, chatLength);                             // newer version
        final int ackLength = MessageHeaderEncoder.ENCODED_LENGTH + new IngressAckEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).ingressSessionId(1).position(1).sequence(1)
            .encodedLength();
        offer(raw, buffer, ackLength);                              // not an event
        final int longLength = IngressFixture.encodeChat(buffer, 3, "y".repeat(5000));
        offer(raw, buffer, longLength);                             // too long for a slot
        offer(raw, good, chatLength);

        await().atMost(BOUND).until(() -> fixture.journal.entries.size() == 1);
        assertThat(fixture.journal.entries).extracting(IngressFixture.Seen::chatId).containsExactly(7L);
        assertThat(fixture.engine.readCounter(CounterType.INGRESS_BAD, "")).isEqualTo(5);
        assertThat(fixture.engine.readCounter(CounterType.INGRESS_EVENTS, "")).isEqualTo(1);
        final String session = "session " + raw.sessionId();
        assertThat(fixture.log).anyMatch(line -> line.contains(session) && line.contains("shorter than"));
        assertThat(fixture.log).anyMatch(line -> line.contains(session) && line.contains("schema id 42"));
        assertThat(fixture.log).anyMatch(line -> line.contains(session) && line.contains("newer"));
        assertThat(fixture.log).anyMatch(line -> line.contains(session) && line.contains("template id 21 is not an event"));
        assertThat(fixture.log).anyMatch(line -> line.contains(session) && line.contains("longer than"));
        assertThat(fixture.log).allMatch(line -> line.contains("aeron:ipc") || !line.contains("skipped"));
        await().atMost(BOUND).until(() -> fixture.plugin.seen.size() == 1);
        assertThat(fixture.plugin.seen).extracting(IngressFixture.Seen::templateId)
            .containsExactly(ChatMessageDecoder.TEMPLATE_ID);
    }

    @Test
    void shouldBackPressureThePublisherWhenTheRingIsFullAndLoseNothing()
    {
        final IngressFixture fixture = fixture(8, new IngressSettings());
        final CommandCenterClient client = client(fixture, "flood");
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int count = 3000;

        fixture.plugin.hold();
        int backPressured = 0;
        long position = 0;
        for (long id = 0; id < count; id++)
        {
            final int length = IngressFixture.encodeChat(buffer, id, "event " + id);
            long result;
            while ((result = client.offer(buffer, 0, length)) == Publication.BACK_PRESSURED ||
                Publication.ADMIN_ACTION == result)
            {
                backPressured += Publication.BACK_PRESSURED == result ? 1 : 0;
                if (fixture.engine.readCounter(CounterType.INGRESS_BACK_PRESSURED, "") > 0)
                {
                    fixture.plugin.release();
                }
                Thread.onSpinWait();
            }
            assertThat(result).as("offer %d", id).isPositive();
            position = result;
        }

        assertThat(backPressured).as("offers back-pressured").isPositive();
        assertThat(client.awaitJournaled(position, BOUND)).isTrue();
        await().atMost(BOUND).until(() -> fixture.plugin.seen.size() >= count);
        assertThat(fixture.plugin.seen).extracting(IngressFixture.Seen::chatId)
            .containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        assertThat(fixture.journal.entries).hasSize(count);
        assertThat(fixture.engine.readCounter(CounterType.INGRESS_BACK_PRESSURED, "")).isPositive();
        assertThat(fixture.engine.readCounter(CounterType.INGRESS_BAD, "")).isZero();
    }

    @Test
    void shouldRefuseClientsBeyondMaxClientsAndStillTakeTheirEvents()
    {
        final IngressSettings settings = new IngressSettings();
        settings.maxClients = 1;
        final IngressFixture fixture = fixture(1024, settings);
        client(fixture, "first");

        assertThatThrownBy(() -> client(fixture, "second"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("refused")
            .hasMessageContaining("maxClients (1)");
        assertThat(fixture.engine.readCounter(CounterType.INGRESS_CLIENTS_REFUSED, "")).isEqualTo(1);
        assertThat(fixture.engine.readCounter(CounterType.INGRESS_CLIENTS, "")).isEqualTo(1);
        assertThat(fixture.log).anyMatch(line -> line.contains("refused client 'second'"));
    }

    @Test
    void shouldForgetAClientThatWentAway()
    {
        final IngressFixture fixture = fixture(1024, new IngressSettings());
        final CommandCenterClient client = client(fixture, "leaving");
        assertThat(fixture.engine.readCounter(CounterType.INGRESS_CLIENTS, "")).isEqualTo(1);

        client.close();

        await().atMost(BOUND).until(() -> fixture.engine.readCounter(CounterType.INGRESS_CLIENTS, "") == 0);
        assertThat(fixture.log).anyMatch(line -> line.contains("client 'leaving'") && line.contains("went away"));
        client(fixture, "next");
        assertThat(fixture.engine.readCounter(CounterType.INGRESS_CLIENTS, "")).isEqualTo(1);
    }

    private static void offer(final Publication publication, final UnsafeBuffer buffer, final int length)
    {
        final long deadline = System.nanoTime() + BOUND.toNanos();
        while (publication.offer(buffer, 0, length) < 0)
        {
            assertThat(System.nanoTime() - deadline).as("offer within the bound").isNegative();
            Thread.onSpinWait();
        }
    }
}
