/**
 * The stream overlay in the app: the admin's REST control of the stream bridge's alert queue
 * ({@code POST /api/stream/control}), which the dashboard's stream tab and {@code commandcenter overlay} use.
 */
package dev.commandcenter.app.stream;
