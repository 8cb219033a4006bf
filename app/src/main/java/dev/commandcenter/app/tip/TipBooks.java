package dev.commandcenter.app.tip;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.TimeArgs;
import org.agrona.concurrent.EpochClock;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * Creates the node's tip book from the configuration ({@code tips:} and {@code wallet:}): a {@link JournalTipBook}
 * rebuilt from the journal when a wallet watches an extended key, otherwise an {@link OffTipBook} saying what to
 * configure.
 */
public final class TipBooks
{
    private TipBooks()
    {
    }

    /**
     * The tip book of a node, before its web server and wallet start; the wallet binds itself to it when it runs.
     *
     * @param config    the application configuration.
     * @param dataDir   the data dir (its journal is read to rebuild the reservations).
     * @param replay    true for a replay, which reserves nothing.
     * @param publisher the engine's publisher.
     * @param clock     the clock of expiries.
     * @return the book.
     * @throws IllegalArgumentException naming a wrong {@code tips} setting and what was expected.
     */
    public static TipBook create(
        final AppConfig config, final Path dataDir, final boolean replay, final EventPublisher publisher,
        final EpochClock clock)
    {
        final AppConfig.Tips tips = config.tips;
        final AppConfig.Wallet wallet = config.wallet;
        final JournalTipBook.Settings settings = settings(tips, wallet.gapLimit);
        final String source = null == wallet.source ? "" : wallet.source.toLowerCase(Locale.ROOT);
        final String off;
        if (replay)
        {
            off = "a replay reserves no tip address: the tip page works on the live node";
        }
        else if (!tips.enabled)
        {
            off = "the tip page is disabled: expected tips.enabled: true";
        }
        else if ("none".equals(source))
        {
            off = "no wallet runs: expected wallet.source electrum with an extended public key in wallet.watch.xpubs";
        }
        else if ("electrum".equals(source) && wallet.watch.xpubs.isEmpty())
        {
            off = "no extended public key is watched: expected one in wallet.watch.xpubs, the tip page gives out " +
                "fresh addresses of it";
        }
        else if ("electrum".equals(source) && settings.keyIndex() >= wallet.watch.xpubs.size())
        {
            off = "tips.keyIndex " + settings.keyIndex() + " names no watched key: expected below " +
                wallet.watch.xpubs.size() + ", the count of wallet.watch.xpubs";
        }
        else
        {
            off = null;
        }
        if (null != off)
        {
            return new OffTipBook(off, settings.gapLimit());
        }
        final JournalTipBook book = new JournalTipBook(settings, publisher, clock, new SecureRandom());
        if (config.journal.enabled)
        {
            book.rebuild(dataDir.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME));
        }
        return book;
    }

    /**
     * The book's settings from the configuration.
     *
     * @param tips     the {@code tips:} section.
     * @param gapLimit {@code wallet.gapLimit}.
     * @return the validated settings.
     * @throws IllegalArgumentException naming a wrong setting and what was expected.
     */
    public static JournalTipBook.Settings settings(final AppConfig.Tips tips, final int gapLimit)
    {
        final long expiryMs;
        try
        {
            expiryMs = TimeArgs.parseDuration(tips.expiry).toMillis();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("tips.expiry: " + ex.getMessage(), ex);
        }
        return new JournalTipBook.Settings(tips.keyIndex, gapLimit, expiryMs, tips.minSats, tips.maxSats);
    }
}
