/**
 * The native WebSocket backend: a C shim over libwebsockets, bound with the FFM API, exchanging records with Java
 * through Agrona ring buffers in shared memory; {@link dev.commandcenter.nativews.NativeWireTransport} implements the
 * web server's wire seam and {@link dev.commandcenter.nativews.NativeWireTransportProvider} registers it.
 */
package dev.commandcenter.nativews;
