/**
 * {@code commandcenter bench}: fixed-rate load against an embedded or a running engine (or the Node.js peer),
 * latency measured from each event's intended send time so a stall cannot hide (no coordinated omission),
 * per-stage latency from the engine's trace stamps, HdrHistogram outputs and plots; {@code bench compare}
 * puts two runs side by side.
 */
package dev.commandcenter.app.bench;
