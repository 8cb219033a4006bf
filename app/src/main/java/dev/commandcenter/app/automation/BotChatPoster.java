package dev.commandcenter.app.automation;

import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.ChatRole;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.plugin.automation.action.ChatPoster;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The executor's CHAT actions as chat lines: a {@code ChatMessage} with role {@code BOT}, user
 * {@code automation.botName}, source engine, published into the input ring (journaled; the chat plugin shows it as
 * any other line, and a BOT line never triggers a chat command).
 * <p>
 * <b>Note:</b> thread safe; posts are serialised on one encoding buffer, and a post never waits for room in the ring:
 * a full ring (or a line too long for one event) fails the action.
 */
public final class BotChatPoster implements ChatPoster
{
    private final EventPublisher publisher;
    private final String botName;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ChatMessageEncoder encoder = new ChatMessageEncoder();

    /**
     * @param publisher the engine's input ring.
     * @param botName   the name the lines are posted under.
     */
    public BotChatPoster(final EventPublisher publisher, final String botName)
    {
        this.publisher = publisher;
        this.botName = botName;
    }

    /**
     * {@inheritDoc}
     */
    public synchronized boolean post(final String room, final String text)
    {
        final int roomBytes = null == room ? 0 : room.length() * 3;
        if (null == text || roomBytes + text.length() * 3 + botName.length() * 3 >
            EventPublisher.MAX_MESSAGE_LENGTH - MessageHeaderEncoder.ENCODED_LENGTH - 64)
        {
            return false;
        }
        encoder.wrapAndApplyHeader(buffer, 0, header).messageId(0).role(ChatRole.BOT).viewerKey(0);
        encoder.channel(null == room ? "" : room).user(botName).text(text);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        // Never waits: the executor that posts must not hold up the output ring behind a full input ring.
        return publisher.tryPublish(Sources.ENGINE, buffer, 0, length) >= 0;
    }
}
