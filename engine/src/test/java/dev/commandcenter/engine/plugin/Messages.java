package dev.commandcenter.engine.plugin;

import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.codecs.sbe.NetworkStatusEncoder;
import dev.commandcenter.codecs.sbe.OverlayAlertEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedEncoder;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Encoders and capture helpers for plugin tests.
 */
public final class Messages
{
    public static final MessageWriter<Long> CHAT = Messages::chat;
    public static final MessageWriter<Long> PAYMENT = Messages::payment;
    public static final MessageWriter<String> CHAT_TEXT = Messages::chatText;
    public static final MessageWriter<NetworkState> NETWORK = Messages::network;
    public static final MessageWriter<Long> ALERT = Messages::alert;

    private Messages()
    {
    }

    public static int chat(final MutableDirectBuffer buffer, final int offset, final Long id)
    {
        final ChatMessageEncoder encoder = new ChatMessageEncoder().wrapAndApplyHeader(buffer, offset,
            new MessageHeaderEncoder()).messageId(id).channel("main").user("u").text("message " + id);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    public static int chatText(final MutableDirectBuffer buffer, final int offset, final String text)
    {
        final ChatMessageEncoder encoder = new ChatMessageEncoder().wrapAndApplyHeader(buffer, offset,
            new MessageHeaderEncoder()).messageId(1).channel(text.startsWith("#") ? text : "main").user("u").text(text);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    public static int payment(final MutableDirectBuffer buffer, final int offset, final Long amountSats)
    {
        final TransactionReceivedEncoder encoder = new TransactionReceivedEncoder().wrapAndApplyHeader(buffer, offset,
            new MessageHeaderEncoder()).amountSats(amountSats).height(0).confirmations(0).address("bc1q").memo("m");
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    public static int network(final MutableDirectBuffer buffer, final int offset, final NetworkState state)
    {
        final NetworkStatusEncoder encoder = new NetworkStatusEncoder().wrapAndApplyHeader(buffer, offset,
            new MessageHeaderEncoder()).state(state).tipHeight(1).server("s").reason("");
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    public static int alert(final MutableDirectBuffer buffer, final int offset, final Long id)
    {
        final OverlayAlertEncoder encoder = new OverlayAlertEncoder().wrapAndApplyHeader(buffer, offset,
            new MessageHeaderEncoder()).alertId(id).amountSats(1).showAtEpochMs(0).durationMs(1).queued(0)
            .delayMs(0).title("t").message("m").sound("").image("");
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    public static long chatId(final DirectBuffer buffer, final int offset)
    {
        return new ChatMessageDecoder().wrapAndApplyHeader(buffer, offset, new MessageHeaderDecoder()).messageId();
    }

    public static String chatText(final DirectBuffer buffer, final int offset)
    {
        final ChatMessageDecoder decoder = new ChatMessageDecoder().wrapAndApplyHeader(buffer, offset,
            new MessageHeaderDecoder());
        decoder.skipChannel();
        decoder.skipUser();
        return decoder.text();
    }

    /** One output as seen by an egress. */
    public record Output(String pluginId, long inputSequence, String type, long chatId, String text)
    {
    }

    /** Keeps every output it is given. */
    public static final class CapturingEgress implements EgressHandler
    {
        public final List<Output> outputs = new CopyOnWriteArrayList<>();

        public void onOutput(final OutputEvent event, final boolean endOfBatch)
        {
            final String type = JsonView.instance().messageName(event.templateId());
            final boolean chat = event.templateId() == ChatMessageDecoder.TEMPLATE_ID;
            outputs.add(new Output(event.pluginId(), event.inputSequence(), type,
                chat ? chatId(event.buffer(), event.offset()) : -1, chat ? chatText(event.buffer(), event.offset()) : ""));
        }

        public List<Output> from(final String pluginId)
        {
            return outputs.stream().filter((output) -> output.pluginId().equals(pluginId)).toList();
        }
    }
}
