/**
 * Command Center client library: what a producer in another process (a chat bridge, a Lightning node adapter)
 * embeds to publish events into an engine over Aeron and await their journaling. Depends on the codecs and the
 * Aeron client only.
 */
package dev.commandcenter.client;
