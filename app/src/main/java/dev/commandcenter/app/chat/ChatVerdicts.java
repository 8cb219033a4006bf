package dev.commandcenter.app.chat;

import dev.commandcenter.codecs.sbe.ChatLineDecoder;
import dev.commandcenter.codecs.sbe.ChatRefusedDecoder;
import dev.commandcenter.codecs.sbe.ChatStateDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The chat plugin's verdicts on posted messages, read from the output ring: a {@code ChatLine} whose lineId is a
 * post's receipt (the engine sequence of its ChatMessage) shows it, a {@code ChatRefused} with that receipt refuses
 * it. A post waits here for its verdict ({@link #await}); a verdict that comes before its post starts waiting (the
 * plugin can be quicker than the publishing thread) is kept a short while in a bounded map of early verdicts. The
 * rooms' slow mode is tracked from {@code ChatState}, for the session route.
 * <p>
 * <b>Note:</b> {@link #onOutput} runs on the egress thread; the rest is thread safe.
 */
public final class ChatVerdicts implements EgressHandler
{
    /** Id of the chat plugin, whose outputs are read. */
    public static final String PLUGIN_ID = "chat";

    /** Early verdicts kept for posts not waiting yet. */
    static final int EARLY_VERDICTS = 1024;

    /**
     * What the plugin decided.
     *
     * @param receipt      engine sequence of the ChatMessage.
     * @param shown        true for a ChatLine.
     * @param refusal      the refusal's name, null when shown.
     * @param retryAfterMs for SLOW_MODE and TIMED_OUT, 0 otherwise.
     * @param reason       the plugin's one-line reason, null when shown.
     */
    public record Verdict(long receipt, boolean shown, String refusal, long retryAfterMs, String reason)
    {
    }

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final ChatLineDecoder line = new ChatLineDecoder();
    private final ChatRefusedDecoder refused = new ChatRefusedDecoder();
    private final ChatStateDecoder state = new ChatStateDecoder();
    private final Object lock = new Object();
    private final Map<Long, Consumer<Verdict>> pending = new HashMap<>();
    private final LinkedHashMap<Long, Verdict> early = new LinkedHashMap<>(64, 0.75f, false)
    {
        protected boolean removeEldestEntry(final Map.Entry<Long, Verdict> eldest)
        {
            return size() > EARLY_VERDICTS;
        }
    };
    private final Map<String, Long> slowModeMs = new ConcurrentHashMap<>();
    private final int maxPending;

    /**
     * @param maxPending posts that may wait at once ({@code chat.maxPendingVerdicts}).
     */
    public ChatVerdicts(final int maxPending)
    {
        this.maxPending = maxPending;
    }

    /**
     * Whether another post may wait: checked before publishing, so a full map refuses the post (503) instead of
     * publishing one nobody waits for.
     *
     * @return true when fewer than the maximum wait.
     */
    public boolean hasRoom()
    {
        synchronized (lock)
        {
            return pending.size() < maxPending;
        }
    }

    /**
     * Wait for the verdict on a receipt: the listener is called once, on the egress thread or at once when the
     * verdict came already.
     *
     * @param receipt  engine sequence of the published ChatMessage.
     * @param listener told of the verdict.
     */
    public void await(final long receipt, final Consumer<Verdict> listener)
    {
        final Verdict known;
        synchronized (lock)
        {
            known = early.remove(receipt);
            if (null == known)
            {
                pending.put(receipt, listener);
            }
        }
        if (null != known)
        {
            listener.accept(known);
        }
    }

    /**
     * Stop waiting for a receipt (its post timed out).
     *
     * @param receipt  the receipt.
     * @param listener the listener given to {@link #await}.
     * @return true when it was still waiting, so no verdict will be handed to it.
     */
    public boolean cancel(final long receipt, final Consumer<Verdict> listener)
    {
        synchronized (lock)
        {
            return pending.remove(receipt, listener);
        }
    }

    /**
     * Posts waiting now.
     *
     * @return the count.
     */
    public int pendingCount()
    {
        synchronized (lock)
        {
            return pending.size();
        }
    }

    /**
     * The slow mode of a room as the plugin last announced it.
     *
     * @param room the room.
     * @return ms between messages of a viewer, or -1 when no ChatState was seen for it.
     */
    public long slowModeMs(final String room)
    {
        return slowModeMs.getOrDefault(room, -1L);
    }

    /**
     * {@inheritDoc}
     */
    public void onOutput(final OutputEvent event, final boolean endOfBatch)
    {
        if (!PLUGIN_ID.equals(event.pluginId()))
        {
            return;
        }
        final int templateId = event.templateId();
        if (ChatLineDecoder.TEMPLATE_ID == templateId)
        {
            line.wrapAndApplyHeader(event.buffer(), event.offset(), header);
            decide(new Verdict(line.lineId(), true, null, 0, null));
        }
        else if (ChatRefusedDecoder.TEMPLATE_ID == templateId)
        {
            refused.wrapAndApplyHeader(event.buffer(), event.offset(), header);
            final long receipt = refused.receipt();
            final String refusal = String.valueOf(refused.refusal());
            final long retryAfterMs = refused.retryAfterMs();
            refused.skipChannel();
            decide(new Verdict(receipt, false, refusal, retryAfterMs, refused.reason()));
        }
        else if (ChatStateDecoder.TEMPLATE_ID == templateId)
        {
            state.wrapAndApplyHeader(event.buffer(), event.offset(), header);
            final long slow = state.slowModeMs();
            final String channel = state.channel();
            slowModeMs.put(channel.isEmpty() ? ChatSettings.DEFAULT_ROOM : channel, slow);
        }
    }

    private void decide(final Verdict verdict)
    {
        final Consumer<Verdict> listener;
        synchronized (lock)
        {
            listener = pending.remove(verdict.receipt());
            if (null == listener)
            {
                early.put(verdict.receipt(), verdict);
            }
        }
        if (null != listener)
        {
            listener.accept(verdict);
        }
    }
}
