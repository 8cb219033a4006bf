package dev.commandcenter.plugin.automation.action;

/**
 * Where the executor's CHAT actions go: the app publishes a {@code ChatMessage} event with role {@code BOT} into the
 * input ring (journaled; the chat plugin shows it as any other line). A BOT line never triggers a chat command.
 */
@FunctionalInterface
public interface ChatPoster
{
    /**
     * Post a line as the automation's bot.
     *
     * @param room the room, empty for the default one.
     * @param text the text, templates already filled in.
     * @return false when it could not be published now (input ring full, engine stopping): the action fails.
     */
    boolean post(String room, String text);
}
