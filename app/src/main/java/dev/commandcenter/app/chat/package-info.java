/**
 * The chat gateway: the REST routes viewers and moderators post chat and moderation through, their rate limits,
 * the verdicts of the chat plugin matched to waiting posts, and the filters file.
 */
package dev.commandcenter.app.chat;
