package dev.commandcenter.app.bench;

import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedEncoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.Sources;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.NanoClock;

/**
 * Publishes each event straight into the engine's input ring, encoding the payment in its slot; the time to
 * the publish returning is recorded as the time to acceptance.
 * <p>
 * <b>Note:</b> one per sending thread; nothing is allocated per event.
 */
final class InProcessSender implements FixedRateSchedule.Sender
{
    private static final MessageWriter<InProcessSender> WRITER = InProcessSender::write;
    private static final byte[] EMPTY_HASH = new byte[PaymentIds.TXID_LENGTH];

    private final EventPublisher publisher;
    private final LatencyRecorder recorder;
    private final NanoClock clock;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final TransactionReceivedEncoder encoder = new TransactionReceivedEncoder();
    private long index;

    /**
     * @param publisher the engine's publisher.
     * @param recorder  of this phase.
     * @param clock     the schedule's clock.
     */
    InProcessSender(final EventPublisher publisher, final LatencyRecorder recorder, final NanoClock clock)
    {
        this.publisher = publisher;
        this.recorder = recorder;
        this.clock = clock;
    }

    public void send(final long index, final long intendedNs)
    {
        this.index = index;
        recorder.onSent();
        final long result = publisher.publish(Sources.CLI, WRITER, this);
        if (result < 0)
        {
            recorder.onSendError(index, EventPublisher.REJECTED == result ? "ring full" :
                EventPublisher.HALTED == result ? "journal halted: " + publisher.haltReason() : "invalid message");
        }
        else
        {
            recorder.onAccepted(index, clock.nanoTime());
        }
    }

    private static int write(final MutableDirectBuffer buffer, final int offset, final InProcessSender sender)
    {
        final TransactionReceivedEncoder encoder = sender.encoder
            .wrapAndApplyHeader(buffer, offset, sender.headerEncoder)
            .amountSats(RestSender.AMOUNT_SATS)
            .height(0)
            .confirmations(0);
        PaymentIds.write(buffer, encoder.offset() + TransactionReceivedEncoder.txidEncodingOffset(),
            sender.recorder.tag(), sender.index);
        encoder.putScriptHash(EMPTY_HASH, 0, PaymentIds.TXID_LENGTH)
            .address("bcrt1qbench")
            .memo("bench");
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
