package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.plugin.Subscription;

import dev.commandcenter.engine.plugin.Messages;

import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.plugin.host.DescriptorParser;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventFiltersTest
{
    private static final Subscription SUBSCRIPTION = DescriptorParser.parse("plugin.yaml", """
        id: filtered
        version: 1.0.0
        engine: "^1.0.0"
        subscribes:
          - type: TransactionReceived
            where: amountSats >= 1000
          - type: NetworkStatus
            where: state != CONNECTED
          - type: ChatMessage
            where: "channel == '#vip'"
            source: [websocket, cli]
        """, false).subscription();

    @Test
    void shouldTestNumberFieldsInPlace()
    {
        assertThat(admits(Messages.PAYMENT, 999L, Sources.WALLET)).isFalse();
        assertThat(admits(Messages.PAYMENT, 1000L, Sources.WALLET)).isTrue();
        assertThat(admits(Messages.PAYMENT, 5_000_000L, Sources.WALLET)).isTrue();
    }

    @Test
    void shouldTestEnumFieldsByName()
    {
        assertThat(admits(Messages.NETWORK, NetworkState.CONNECTED, Sources.WALLET)).isFalse();
        assertThat(admits(Messages.NETWORK, NetworkState.DISCONNECTED, Sources.WALLET)).isTrue();
    }

    @Test
    void shouldTestStringFieldsAndSources()
    {
        assertThat(admits(Messages.CHAT_TEXT, "#vip", Sources.WEBSOCKET)).isTrue();
        assertThat(admits(Messages.CHAT_TEXT, "#vip", Sources.CLI)).isTrue();
        assertThat(admits(Messages.CHAT_TEXT, "#vip", Sources.REST)).isFalse();
        assertThat(admits(Messages.CHAT_TEXT, "#vipx", Sources.WEBSOCKET)).isFalse();
        assertThat(admits(Messages.CHAT_TEXT, "hello", Sources.WEBSOCKET)).isFalse();
    }

    @Test
    void shouldNotAdmitTypesNotSubscribed()
    {
        assertThat(admits(Messages.ALERT, 1L, Sources.ENGINE)).isFalse();
    }

    @Test
    void shouldAdmitEveryTypeForAStar()
    {
        final Subscription all = DescriptorParser.parse("plugin.yaml", """
            id: all
            version: 1.0.0
            engine: "^1.0.0"
            subscribes:
              - type: "*"
                source: wallet
            """, false).subscription();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int length = Messages.alert(buffer, 0, 1L);

        assertThat(all.admits(event(buffer, length, Sources.WALLET))).isTrue();
        assertThat(all.admits(event(buffer, length, Sources.REST))).isFalse();
    }

    private static <A> boolean admits(final MessageWriter<A> writer, final A arg, final int source)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        final int length = writer.write(buffer, 0, arg);
        return SUBSCRIPTION.admits(event(buffer, length, source));
    }

    private static Event event(final DirectBuffer buffer, final int length, final int source)
    {
        return new Event()
        {
            public long sequence()
            {
                return 0;
            }

            public long timestampNs()
            {
                return 0;
            }

            public int source()
            {
                return source;
            }

            public int templateId()
            {
                return dev.commandcenter.codecs.MessageSchema.templateId(buffer, 0);
            }

            public DirectBuffer buffer()
            {
                return buffer;
            }

            public int offset()
            {
                return 0;
            }

            public int length()
            {
                return length;
            }
        };
    }

}
