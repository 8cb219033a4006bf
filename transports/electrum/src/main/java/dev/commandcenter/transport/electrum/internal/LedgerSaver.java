package dev.commandcenter.transport.electrum.internal;

import dev.commandcenter.transport.electrum.WalletLedger;
import dev.commandcenter.transport.electrum.WalletLedgerFile;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;

import java.nio.file.Path;

/**
 * Saves the wallet ledger to its file when it changed since the last save; a failed save is reported and
 * tried again after a delay, or at once when forced (on close).
 * <p>
 * <b>Note:</b> not thread safe; owned by the conductor's thread.
 */
final class LedgerSaver
{
    private static final long SAVE_RETRY_DELAY_MS = 1_000;

    private final WalletLedger ledger;
    private final Path ledgerFile;
    private final EpochClock clock;
    private final ErrorHandler errorHandler;
    private long savedLedgerVersion;
    private long nextLedgerSaveMs;

    /**
     * A saver for a ledger as it is now (its current version counts as saved).
     *
     * @param ledger       the ledger.
     * @param ledgerFile   its file, or null to keep it in memory only.
     * @param clock        clock of the retry delay.
     * @param errorHandler receives failed saves.
     */
    LedgerSaver(final WalletLedger ledger, final Path ledgerFile, final EpochClock clock, final ErrorHandler errorHandler)
    {
        this.ledger = ledger;
        this.ledgerFile = ledgerFile;
        this.clock = clock;
        this.errorHandler = errorHandler;
        this.savedLedgerVersion = ledger.version();
    }

    /**
     * Save the ledger if it changed and no retry delay is pending, or whatever the delay when forced.
     *
     * @param force true to ignore a pending retry delay.
     */
    void saveIfChanged(final boolean force)
    {
        if (null == ledgerFile || ledger.version() == savedLedgerVersion || (!force && clock.time() < nextLedgerSaveMs))
        {
            return;
        }
        try
        {
            savedLedgerVersion = WalletLedgerFile.save(ledger, ledgerFile);
            nextLedgerSaveMs = 0;
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
            nextLedgerSaveMs = clock.time() + SAVE_RETRY_DELAY_MS;
        }
    }
}
