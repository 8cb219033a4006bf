package dev.commandcenter.app.dashboard;

import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.codecs.sbe.NetworkStatusDecoder;
import dev.commandcenter.codecs.sbe.TransactionConfirmedDecoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.codecs.sbe.TransactionReorgedDecoder;
import dev.commandcenter.codecs.sbe.WalletBalanceDecoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.Recovery;
import dev.commandcenter.engine.plugin.Subscription;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * The built-in {@value #ID} plugin: the wallet's events as outputs, so the dashboard follows them on
 * {@code /ws/wallet} (retained, and resumed with {@code ?since=} like every feed). It emits each
 * {@code TransactionReceived}, {@code TransactionConfirmed}, {@code TransactionReorged}, {@code WalletBalance} and
 * {@code NetworkStatus} unchanged, and keeps the wallet's last {@value #FAILOVERS_KEPT} changes of connection state or
 * server (from its {@code NetworkStatus} events, which the wallet publishes on every change) for
 * {@code GET /api/wallet}; it reads them back from the journal's tail when it starts.
 * <p>
 * <b>Note:</b> events are handled on the plugin's thread and nothing is allocated per event: a change is copied into a
 * slot of a fixed ring. {@link #failovers()} may be called from any thread.
 */
public final class WalletFeedPlugin implements Plugin
{
    /** Plugin id: its feed is {@code /ws/wallet}. */
    public static final String ID = "wallet";
    /** Version of the plugin. */
    public static final String VERSION = "1.0.0";
    /** Changes of state or server kept, newest first in {@link #failovers()}. */
    public static final int FAILOVERS_KEPT = 20;
    /** Bytes kept of a server or a reason; longer ones are cut there. */
    public static final int MAX_TEXT_BYTES = 512;
    /** Journal events read back at start to find the last changes. */
    public static final long RECOVERY_MAX_EVENTS = 100_000;

    private static final Subscription SUBSCRIPTION = Subscription.of(
        TransactionReceivedDecoder.TEMPLATE_ID,
        TransactionConfirmedDecoder.TEMPLATE_ID,
        TransactionReorgedDecoder.TEMPLATE_ID,
        WalletBalanceDecoder.TEMPLATE_ID,
        NetworkStatusDecoder.TEMPLATE_ID);

    /**
     * One change of the wallet's connection.
     *
     * @param atEpochMs when the wallet reported it (the event's time).
     * @param state     CONNECTED, DEGRADED or DISCONNECTED.
     * @param server    the server in use or last tried.
     * @param reason    why, one line.
     */
    public record Failover(long atEpochMs, String state, String server, String reason)
    {
    }

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final NetworkStatusDecoder status = new NetworkStatusDecoder();
    private final long[] atEpochMs = new long[FAILOVERS_KEPT];
    private final short[] states = new short[FAILOVERS_KEPT];
    private final UnsafeBuffer[] servers = new UnsafeBuffer[FAILOVERS_KEPT];
    private final int[] serverLengths = new int[FAILOVERS_KEPT];
    private final UnsafeBuffer[] reasons = new UnsafeBuffer[FAILOVERS_KEPT];
    private final int[] reasonLengths = new int[FAILOVERS_KEPT];
    private final UnsafeBuffer server = new UnsafeBuffer(new byte[MAX_TEXT_BYTES]);
    private final UnsafeBuffer reason = new UnsafeBuffer(new byte[MAX_TEXT_BYTES]);
    private Emitter emitter;
    private int count;
    private int next;

    /**
     * Create the plugin; it needs no configuration.
     */
    public WalletFeedPlugin()
    {
        for (int i = 0; i < FAILOVERS_KEPT; i++)
        {
            servers[i] = new UnsafeBuffer(new byte[MAX_TEXT_BYTES]);
            reasons[i] = new UnsafeBuffer(new byte[MAX_TEXT_BYTES]);
        }
    }

    /**
     * {@inheritDoc}
     */
    public String id()
    {
        return ID;
    }

    /**
     * {@inheritDoc}
     */
    public String version()
    {
        return VERSION;
    }

    /**
     * The wallet's payment, balance and connection events.
     *
     * @return the subscription.
     */
    public Subscription subscription()
    {
        return SUBSCRIPTION;
    }

    /**
     * The journal's tail, so the failover history outlives a restart.
     *
     * @return {@link Recovery#journal(long)} of {@value #RECOVERY_MAX_EVENTS} events.
     */
    public Recovery recovery()
    {
        return Recovery.journal(RECOVERY_MAX_EVENTS);
    }

    /**
     * {@inheritDoc}
     */
    public void onStart(final PluginContext context)
    {
        emitter = context.emitter();
        synchronized (this)
        {
            count = 0;
            next = 0;
        }
    }

    /**
     * Emit the event unchanged; remember a change of connection state or server.
     *
     * @param event a wallet event.
     */
    public void onEvent(final Event event)
    {
        if (NetworkStatusDecoder.TEMPLATE_ID == event.templateId())
        {
            onStatus(event);
        }
        emitter.emit(event.buffer(), event.offset(), event.length());
    }

    /**
     * The last changes of the wallet's connection state or server, newest first.
     *
     * @return at most {@value #FAILOVERS_KEPT} changes, a copy.
     */
    public synchronized List<Failover> failovers()
    {
        final List<Failover> list = new ArrayList<>(count);
        for (int i = 1; i <= count; i++)
        {
            final int slot = Math.floorMod(next - i, FAILOVERS_KEPT);
            final NetworkState state = NetworkState.get(states[slot]);
            list.add(new Failover(atEpochMs[slot], null == state ? "UNKNOWN" : state.name(),
                servers[slot].getStringWithoutLengthUtf8(0, serverLengths[slot]),
                reasons[slot].getStringWithoutLengthUtf8(0, reasonLengths[slot])));
        }
        return list;
    }

    private void onStatus(final Event event)
    {
        header.wrap(event.buffer(), event.offset());
        status.wrap(event.buffer(), event.offset() + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
            header.version());
        final short state = status.stateRaw();
        final int serverLength = copyText(status.serverLength(), server);
        status.getServer(server, 0, serverLength);
        final int reasonLength = copyText(status.reasonLength(), reason);
        status.getReason(reason, 0, reasonLength);
        if (count > 0)
        {
            final int last = Math.floorMod(next - 1, FAILOVERS_KEPT);
            if (states[last] == state && sameBytes(servers[last], serverLengths[last], server, serverLength))
            {
                return;
            }
        }
        synchronized (this)
        {
            atEpochMs[next] = event.timestampNs() / 1_000_000L;
            states[next] = state;
            servers[next].putBytes(0, server, 0, serverLength);
            serverLengths[next] = serverLength;
            reasons[next].putBytes(0, reason, 0, reasonLength);
            reasonLengths[next] = reasonLength;
            next = (next + 1) % FAILOVERS_KEPT;
            count = Math.min(count + 1, FAILOVERS_KEPT);
        }
    }

    private static int copyText(final int length, final UnsafeBuffer into)
    {
        return Math.min(length, into.capacity());
    }

    private static boolean sameBytes(
        final UnsafeBuffer a, final int aLength, final UnsafeBuffer b, final int bLength)
    {
        if (aLength != bLength)
        {
            return false;
        }
        for (int i = 0; i < aLength; i++)
        {
            if (a.getByte(i) != b.getByte(i))
            {
                return false;
            }
        }
        return true;
    }
}
