package dev.commandcenter.app;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.tip.JournalTipBook;
import dev.commandcenter.app.tip.TipBook;
import dev.commandcenter.codecs.sbe.NetworkStatusDecoder;
import dev.commandcenter.codecs.sbe.TransactionConfirmedDecoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.codecs.sbe.TransactionReorgedDecoder;
import dev.commandcenter.codecs.sbe.WalletBalanceDecoder;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.JournalReader;
import dev.commandcenter.persistence.JournalRecord;
import dev.commandcenter.transport.electrum.ElectrumWalletSource;
import dev.commandcenter.transport.electrum.WalletLedger;
import dev.commandcenter.transport.electrum.WalletLedgerFile;
import dev.commandcenter.transport.electrum.sim.DemoWallet;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the configured wallet source: the Electrum client against the user's servers, or against the
 * embedded simulator (the demo). The wallet's ledger (what was already announced) is loaded from its
 * own file in the data dir, so a restart announces no payment twice whatever the journal's retention
 * and with the journal off; a data dir without a ledger file yet is migrated once, by rebuilding the
 * ledger from the journal and saving it.
 */
final class WalletSources
{
    /**
     * Where wallet events come from ({@code wallet.source}).
     */
    enum Kind
    {
        /** The user's Electrum servers. */
        ELECTRUM,
        /** The embedded simulator with simulated tips (the demo). */
        SIMULATOR,
        /** No wallet. */
        NONE;

        /**
         * Parse a configured name.
         *
         * @param name electrum, simulator or none.
         * @return the kind.
         * @throws IllegalArgumentException naming the value and what was expected.
         */
        static Kind parse(final String name)
        {
            for (final Kind kind : values())
            {
                if (kind.name().equalsIgnoreCase(name))
                {
                    return kind;
                }
            }
            throw new IllegalArgumentException("wallet.source: '" + name + "': expected electrum, simulator or none");
        }
    }

    private WalletSources()
    {
    }

    /**
     * Start the configured wallet source, or none.
     *
     * @param config       application configuration.
     * @param dataDir      data dir holding the journal and the wallet ledger file.
     * @param engine       the running engine: its publisher, error handler and counters are used.
     * @param errorHandler the node's own handler; not used directly, as the engine's error handler (the one
     *                     error path the wallet reports to) already forwards to it.
     * @param notifyRoute  the web server's route of the daemon's notify callback, or null when the server does not
     *                     run (then {@code wallet.notify.enabled} is refused).
     * @param baseUrl      the web server's base URL for the notify URL shown to the user, or null.
     * @param tipBook      the tip page's reservations: the wallet asks it for each new payment's memo, and a
     *                     {@link JournalTipBook} is bound to the running wallet's watch list and synced flag.
     * @return the running source, or null when none is configured.
     * @throws IllegalArgumentException when notify is enabled without the web server.
     */
    static WalletSourceHandle start(
        final AppConfig config,
        final Path dataDir,
        final Engine engine,
        final ErrorHandler errorHandler,
        final WalletNotifyRoute notifyRoute,
        final String baseUrl,
        final TipBook tipBook)
    {
        final AppConfig.Wallet wallet = config.wallet;
        final Kind kind = Kind.parse(wallet.source);
        if (kind == Kind.NONE ||
            (kind == Kind.ELECTRUM && wallet.watch.addresses.isEmpty() && wallet.watch.xpubs.isEmpty()))
        {
            return null;
        }

        // The simulator's chain is new on every start: what an earlier run announced is not on it, so its
        // ledger starts empty and is not saved (a saved one would report every earlier payment vanished).
        final Path ledgerFile = kind == Kind.SIMULATOR ? null : WalletLedgerFile.in(dataDir);
        final WalletLedger ledger = kind == Kind.SIMULATOR ? new WalletLedger() : loadLedger(ledgerFile,
            config.journal.enabled ? dataDir.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME) : null);

        final ElectrumWalletSource.Context ctx = new ElectrumWalletSource.Context()
            .publisher(engine.publisher())
            .errorHandler(engine.errorHandler())
            .counterAllocator(engine.counters())
            .ledger(ledger)
            .ledgerFile(ledgerFile)
            .gapLimit(wallet.gapLimit)
            .confirmations(wallet.confirmations)
            .requestTimeoutMs(wallet.electrum.requestTimeoutMs)
            .keepaliveIntervalMs(wallet.electrum.keepaliveIntervalMs)
            .maxLineLength(wallet.electrum.maxLineLength)
            .maxHistoryItems(wallet.electrum.maxHistoryItems)
            .maxRequestsInFlight(wallet.electrum.maxRequestsInFlight)
            .maxTransactionBytes(wallet.electrum.maxTransactionBytes)
            .txCacheBytes(wallet.electrum.txCacheBytes)
            .headerWindow(wallet.electrum.headerWindow)
            .maxReorgDepth(wallet.electrum.maxReorgDepth)
            .headersPerRequest(wallet.electrum.headersPerRequest)
            .backoff(wallet.electrum.backoff.minMs, wallet.electrum.backoff.maxMs)
            .pinnedCertSha256(wallet.electrum.tls.pinnedCertSha256)
            .allowInsecureTls(wallet.electrum.tls.allowInsecure)
            .notifyEnabled(wallet.notify.enabled)
            .paymentMemos(tipBook);
        if (wallet.notify.enabled && null == notifyRoute)
        {
            throw new IllegalArgumentException("wallet.notify.enabled: true needs the web server, which serves " +
                WalletNotifyRoute.PATH + ": expected websocket.enabled: true, or wallet.notify.enabled: false");
        }
        if (null != wallet.notify.token && !wallet.notify.token.isEmpty())
        {
            ctx.notifyToken(wallet.notify.token);
        }
        if (null != wallet.electrum.tls.trustStore && !wallet.electrum.tls.trustStore.isEmpty())
        {
            ctx.trustStore(Path.of(wallet.electrum.tls.trustStore), wallet.electrum.tls.trustStorePassword);
        }
        DemoWallet demo = null;
        if (kind == Kind.SIMULATOR)
        {
            demo = DemoWallet.start(wallet.simulatorSeed, engine.errorHandler());
            demo.configure(ctx);
        }
        else
        {
            ctx.network(wallet.network).servers(wallet.electrum.servers)
                .addresses(wallet.watch.addresses).xpubs(wallet.watch.xpubs);
        }

        final ElectrumWalletSource source;
        try
        {
            source = ElectrumWalletSource.launch(ctx);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(demo);
            throw ex;
        }
        if (tipBook instanceof JournalTipBook book)
        {
            book.bindWallet(source.watchList(), source::historySynced);
        }
        if (wallet.notify.enabled)
        {
            notifyRoute.source(source);
        }
        return new Handle(source, demo, wallet.notify.enabled ? notifyRoute : null, baseUrl);
    }

    /**
     * The ledger saved in the data dir; without a ledger file yet (a data dir of an earlier version, or a
     * new one), the ledger rebuilt from what the journal still holds, saved at once so the migration
     * happens once.
     *
     * @param ledgerFile the wallet ledger file.
     * @param journalDir the journal, or null when journaling is off.
     * @return the ledger.
     * @throws IllegalStateException naming the ledger file when it is unreadable.
     */
    static WalletLedger loadLedger(final Path ledgerFile, final Path journalDir)
    {
        if (Files.exists(ledgerFile))
        {
            return WalletLedgerFile.load(ledgerFile);
        }
        final WalletLedger ledger = new WalletLedger();
        if (null != journalDir)
        {
            rebuild(ledger, journalDir);
        }
        WalletLedgerFile.save(ledger, ledgerFile);
        return ledger;
    }

    /**
     * Feed every journaled wallet event to the ledger, so what was emitted before is not emitted again.
     *
     * @param ledger     to rebuild.
     * @param journalDir the journal.
     * @return events fed.
     */
    static long rebuild(final WalletLedger ledger, final Path journalDir)
    {
        if (!Files.isDirectory(journalDir))
        {
            return 0;
        }
        long count = 0;
        try (JournalReader reader = JournalReader.open(journalDir).types(List.of(
            "TransactionReceived", "TransactionConfirmed", "TransactionReorged", "WalletBalance", "NetworkStatus")))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                if (record.source() == Sources.WALLET && isWalletMessage(record.templateId()))
                {
                    ledger.replayJournaled(record.buffer(), record.offset(), record.length());
                    count++;
                }
            }
        }
        return count;
    }

    private static boolean isWalletMessage(final int templateId)
    {
        return templateId == TransactionReceivedDecoder.TEMPLATE_ID || templateId == TransactionConfirmedDecoder.TEMPLATE_ID ||
            templateId == TransactionReorgedDecoder.TEMPLATE_ID || templateId == WalletBalanceDecoder.TEMPLATE_ID ||
            templateId == NetworkStatusDecoder.TEMPLATE_ID;
    }

    private record Handle(ElectrumWalletSource source, DemoWallet demo, WalletNotifyRoute notifyRoute, String baseUrl)
        implements WalletSourceHandle
    {
        public Map<String, String> urls()
        {
            final Map<String, String> urls = new LinkedHashMap<>();
            if (null != demo)
            {
                urls.put("electrum simulator", demo.serverUrl());
            }
            final String notifyUrl = null == baseUrl ? null : source.notifyUrl(baseUrl, WalletNotifyRoute.PATH);
            if (null != notifyUrl)
            {
                urls.put("electrum notify", notifyUrl);
            }
            return urls;
        }

        public Object status()
        {
            final ElectrumWalletSource.Status status = source.status();
            final Map<String, Object> view = new LinkedHashMap<>();
            view.put("state", status.state().name());
            view.put("server", status.server());
            view.put("tipHeight", status.tipHeight());
            view.put("reason", status.reason());
            view.put("watchedScripts", status.watchedScripts());
            view.put("eventsPublished", status.eventsPublished());
            view.put("conductorRestarts", status.conductorRestarts());
            view.put("historySynced", source.historySynced());
            return view;
        }

        public void close()
        {
            if (null != notifyRoute)
            {
                notifyRoute.source(null);
            }
            CloseHelper.quietClose(source);
            CloseHelper.quietClose(demo);
        }
    }
}
