package dev.commandcenter.app.dashboard;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.transport.electrum.ElectrumWalletSource;
import dev.commandcenter.transport.electrum.WalletLedger;
import dev.commandcenter.transport.websocket.HttpApi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/wallet} (admin): the wallet's snapshot for the dashboard, which then follows {@code /ws/wallet}.
 * <pre>
 * {"enabled":true,"network":"regtest","state":"CONNECTED","server":"tcp://...","tipHeight":812,"reason":"...",
 *  "balance":{"confirmedSats":...,"unconfirmedSats":...},
 *  "payments":[{"txid":"...","address":"...","amountSats":...,"height":...,"confirmations":...,"memo":"..."}],
 *  "failovers":[{"atEpochMs":...,"state":"DISCONNECTED","server":"...","reason":"..."}]}
 * </pre>
 * The status is the wallet source's; the balance (whole wallet) and the payments are its ledger's, what it has
 * announced: the newest {@value #MAX_PAYMENTS} first (unconfirmed ones, then by height), with confirmations counted
 * from the tip it knows. The failovers are the {@code wallet} plugin's, newest first. Without a wallet:
 * {@code {"enabled":false,"reason":"..."}}.
 * <p>
 * <b>Note:</b> thread safe; answers on the event loop (everything it reads is in memory).
 */
public final class WalletRoute implements HttpApi.Route
{
    /** Path of the route. */
    public static final String PATH = "/api/wallet";
    /** Most payments in an answer. */
    public static final int MAX_PAYMENTS = 50;

    private final Supplier<ElectrumWalletSource> source;
    private final Supplier<WalletFeedPlugin> feed;
    private final String disabledReason;

    /**
     * @param source         the running wallet source, or a supplier of null while there is none.
     * @param feed           the running {@code wallet} plugin (its failovers), or a supplier of null.
     * @param disabledReason why there is no wallet, when the source supplies null.
     */
    public WalletRoute(
        final Supplier<ElectrumWalletSource> source, final Supplier<WalletFeedPlugin> feed, final String disabledReason)
    {
        this.source = source;
        this.feed = feed;
        this.disabledReason = disabledReason;
    }

    /**
     * Why a node has no wallet, for the answer without one.
     *
     * @param config the node's configuration.
     * @param replay whether the node replays a journal.
     * @return one line naming the setting.
     */
    public static String offReason(final AppConfig config, final boolean replay)
    {
        if (replay)
        {
            return "a replay runs no wallet";
        }
        if ("none".equalsIgnoreCase(config.wallet.source))
        {
            return "no wallet is configured (wallet.source: none)";
        }
        return "the wallet watches nothing: expected wallet.watch.addresses or wallet.watch.xpubs (or wallet.source: " +
            "simulator for the demo)";
    }

    /**
     * {@inheritDoc}
     */
    public void handle(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        if (Routes.accept(request, responder, PATH, "GET"))
        {
            responder.respond(200, view());
        }
    }

    /**
     * The answer's body.
     *
     * @return the JSON-serialisable map.
     */
    public Map<String, Object> view()
    {
        final Map<String, Object> view = new LinkedHashMap<>();
        final ElectrumWalletSource wallet = source.get();
        if (null == wallet)
        {
            view.put("enabled", false);
            view.put("reason", disabledReason);
            return view;
        }
        final ElectrumWalletSource.Status status = wallet.status();
        final WalletLedger ledger = wallet.ledger();
        final int tipHeight = Math.max(status.tipHeight(), ledger.tipHeight());
        view.put("enabled", true);
        view.put("network", wallet.network().id());
        view.put("state", status.state().name());
        view.put("server", status.server());
        view.put("tipHeight", tipHeight);
        view.put("reason", status.reason());
        final WalletLedger.Balance total = ledger.balance(WalletLedger.WALLET_TOTAL);
        final Map<String, Object> balance = new LinkedHashMap<>();
        balance.put("confirmedSats", total.confirmedSats());
        balance.put("unconfirmedSats", total.unconfirmedSats());
        view.put("balance", balance);
        view.put("payments", payments(ledger, tipHeight));
        final List<Map<String, Object>> failovers = new ArrayList<>();
        final WalletFeedPlugin plugin = feed.get();
        if (null != plugin)
        {
            for (final WalletFeedPlugin.Failover failover : plugin.failovers())
            {
                final Map<String, Object> one = new LinkedHashMap<>();
                one.put("atEpochMs", failover.atEpochMs());
                one.put("state", failover.state());
                one.put("server", failover.server());
                one.put("reason", failover.reason());
                failovers.add(one);
            }
        }
        view.put("failovers", failovers);
        return view;
    }

    private static List<Map<String, Object>> payments(final WalletLedger ledger, final int tipHeight)
    {
        final List<WalletLedger.Entry> entries = new ArrayList<>();
        for (final String scriptHash : ledger.scriptHashes())
        {
            entries.addAll(ledger.entries(scriptHash));
        }
        // Later announced first within a height; unconfirmed (height 0) before every mined one.
        Collections.reverse(entries);
        entries.sort(Comparator.comparingLong(WalletRoute::recency).reversed());
        final List<Map<String, Object>> payments = new ArrayList<>(Math.min(entries.size(), MAX_PAYMENTS));
        for (int i = 0; i < entries.size() && i < MAX_PAYMENTS; i++)
        {
            final WalletLedger.Entry entry = entries.get(i);
            final Map<String, Object> one = new LinkedHashMap<>();
            one.put("txid", entry.txid());
            one.put("address", entry.address());
            one.put("amountSats", entry.amountSats());
            one.put("height", entry.height());
            one.put("confirmations", entry.height() > 0 && tipHeight >= entry.height() ?
                Math.max(entry.confirmations(), tipHeight - entry.height() + 1) : entry.confirmations());
            one.put("memo", entry.memo());
            payments.add(one);
        }
        return payments;
    }

    private static long recency(final WalletLedger.Entry entry)
    {
        return entry.height() <= 0 ? Long.MAX_VALUE : entry.height();
    }
}
