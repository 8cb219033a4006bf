/**
 * The dashboard's server side: the built-in {@code wallet} plugin whose feed ({@code /ws/wallet}) carries the wallet's
 * events, and the admin REST routes the page reads its snapshots from ({@code /api/wallet}, {@code /api/feeds},
 * {@code /api/counters}, {@code /api/telemetry}, {@code /api/errors}, {@code /api/automation/dry-run}); see
 * {@code docs/dashboard.md}.
 */
package dev.commandcenter.app.dashboard;
