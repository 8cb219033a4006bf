/**
 * The built-in chat plugin: rooms with history, moderation (delete, time-out, ban, slow mode), word and link filters,
 * spam limits and paid messages, decided from journaled events only so a replay reproduces the chat feed; its web
 * pages are the viewers' chat page and the OBS chat overlay.
 */
package dev.commandcenter.plugin.chat;
