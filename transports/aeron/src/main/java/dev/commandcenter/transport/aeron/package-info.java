/**
 * The Aeron transport: a media driver (embedded by default, or external), ingress of events published by other
 * processes, links to plugins hosted out of process, and the engine's output stream for edge nodes.
 */
package dev.commandcenter.transport.aeron;
