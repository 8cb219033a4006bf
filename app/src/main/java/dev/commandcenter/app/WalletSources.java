package dev.commandcenter.app;

import dev.commandcenter.app.config.AppConfig;
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
import dev.commandcenter.transport.electrum.DemoWallet;
import dev.commandcenter.transport.electrum.ElectrumWalletSource;
import dev.commandcenter.transport.electrum.WalletLedger;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the configured wallet source: the Electrum client against the user's servers, or against the
 * embedded simulator (the demo). Before it starts, the wallet ledger is rebuilt from the journal so a
 * restart emits no payment twice.
 */
final class WalletSources
{
    private WalletSources()
    {
    }

    static WalletSourceHandle start(
        final AppConfig config,
        final Path dataDir,
        final Engine engine,
        final ErrorHandler errorHandler)
    {
        final AppConfig.Wallet wallet = config.wallet;
        if ("none".equals(wallet.source) ||
            ("electrum".equals(wallet.source) && wallet.watch.addresses.isEmpty() && wallet.watch.xpubs.isEmpty()))
        {
            return null;
        }

        final WalletLedger ledger = new WalletLedger();
        if (config.journal.enabled)
        {
            rebuild(ledger, dataDir.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME));
        }

        final ElectrumWalletSource.Context ctx = new ElectrumWalletSource.Context()
            .publisher(engine.publisher())
            .ledger(ledger)
            .gapLimit(wallet.gapLimit)
            .confirmations(wallet.confirmations)
            .requestTimeoutMs(wallet.electrum.requestTimeoutMs)
            .keepaliveIntervalMs(wallet.electrum.keepaliveIntervalMs)
            .maxLineLength(wallet.electrum.maxLineLength)
            .backoff(wallet.electrum.backoff.minMs, wallet.electrum.backoff.maxMs)
            .pinnedCertSha256(wallet.electrum.tls.pinnedCertSha256)
            .allowInsecureTls(wallet.electrum.tls.allowInsecure)
            .notifyEnabled(wallet.notify.enabled)
            .notifyBindAddress(wallet.notify.bindAddress)
            .notifyPort(wallet.notify.port);
        if (null != wallet.notify.token && !wallet.notify.token.isEmpty())
        {
            ctx.notifyToken(wallet.notify.token);
        }
        if (null != wallet.electrum.tls.trustStore && !wallet.electrum.tls.trustStore.isEmpty())
        {
            ctx.trustStore(Path.of(wallet.electrum.tls.trustStore), wallet.electrum.tls.trustStorePassword);
        }
        if (null != errorHandler)
        {
            ctx.errorHandler(errorHandler);
        }

        DemoWallet demo = null;
        if ("simulator".equals(wallet.source))
        {
            demo = DemoWallet.start(wallet.simulatorSeed);
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
        return new Handle(source, demo);
    }

    /**
     * Feed every journaled wallet event to the ledger, so what was emitted before is not emitted again.
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

    private record Handle(ElectrumWalletSource source, DemoWallet demo) implements WalletSourceHandle
    {
        public Map<String, String> urls()
        {
            final Map<String, String> urls = new LinkedHashMap<>();
            if (null != demo)
            {
                urls.put("electrum simulator", demo.serverUrl());
            }
            if (source.notifyPort() > 0)
            {
                urls.put("electrum notify", source.notifyUrl());
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
            return view;
        }

        public void close()
        {
            CloseHelper.quietClose(source);
            CloseHelper.quietClose(demo);
        }
    }
}
