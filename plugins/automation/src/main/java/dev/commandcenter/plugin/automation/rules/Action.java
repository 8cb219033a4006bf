package dev.commandcenter.plugin.automation.rules;

import dev.commandcenter.codecs.sbe.MediaKind;

/**
 * One action of a rule, compiled. Which fields matter depends on {@link #kind()}.
 *
 * @param kind        what it does.
 * @param title       ALERT: the title.
 * @param text        ALERT: the text; CHAT: the line; OBS text form is in {@code data}.
 * @param sound       ALERT: a sound's URL.
 * @param image       ALERT: an image's URL.
 * @param url         MEDIA: the media's URL.
 * @param mediaKind   MEDIA: audio, video or image.
 * @param volume      MEDIA: 0..100.
 * @param durationMs  ALERT, MEDIA: how long it shows; WAIT: how long it holds.
 * @param room        CHAT: the room, empty for the default one.
 * @param webhook     WEBHOOK: the webhook of the file.
 * @param body        WEBHOOK: the body, or null for the default {@code {rule, fireId, event}}.
 * @param requestType OBS: the request type, such as {@code SetCurrentProgramScene}.
 * @param data        OBS: the request data.
 * @param variable    SET, ADD: the variable.
 * @param value       SET, ADD: the value.
 */
public record Action(
    Kind kind,
    Template title,
    Template text,
    Template sound,
    Template image,
    Template url,
    MediaKind mediaKind,
    int volume,
    long durationMs,
    String room,
    WebhookSpec webhook,
    JsonTemplate body,
    String requestType,
    JsonTemplate data,
    String variable,
    Template value)
{
    /** What an action does. */
    public enum Kind
    {
        /** An overlay alert. */
        ALERT,
        /** Overlay media. */
        MEDIA,
        /** A chat line as the bot (executor). */
        CHAT,
        /** A signed HTTP POST (executor). */
        WEBHOOK,
        /** An OBS request (executor). */
        OBS,
        /** Hold the fire and its queue (executor). */
        WAIT,
        /** Set a variable. */
        SET,
        /** Add to a number variable. */
        ADD;

        /**
         * Whether the executor performs it.
         *
         * @return true for CHAT, WEBHOOK, OBS and WAIT.
         */
        public boolean external()
        {
            return this == CHAT || this == WEBHOOK || this == OBS || this == WAIT;
        }
    }

    static Action of(final Kind kind)
    {
        return new Action(kind, null, null, null, null, null, null, 0, 0, null, null, null, null, null, null, null);
    }
}
