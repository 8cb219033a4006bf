/**
 * Aeron ingress: events other processes publish into the engine's input ring, with back-pressure through Aeron's
 * flow control and acknowledgements once journaled (the client side is the {@code commandcenter-client} library).
 */
package dev.commandcenter.transport.aeron.ingress;
