package dev.commandcenter.app.tip;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.engine.EventPublisher;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tip book a node gets from its configuration: off, saying what to configure, without an extended key, with tips
 * disabled or in a replay; on (a journal book) with an extended key; a wrong {@code tips} setting stops the start.
 */
class TipBookOffTest
{
    private final EventPublisher publisher = new TipBookTest.Journal();

    @TempDir
    Path dataDir;

    private TipBook book(final boolean replay, final Consumer<AppConfig> settings)
    {
        final AppConfig config = new AppConfig();
        config.wallet.network = "regtest";
        config.wallet.watch.xpubs = List.of(TipBookTest.TPUB);
        settings.accept(config);
        return TipBooks.create(config, dataDir, replay, publisher, SystemEpochClock.INSTANCE);
    }

    private static void assertOff(final TipBook book, final String reason)
    {
        assertThat(book.offReason()).isEqualTo(reason);
        final TipBook.Outcome outcome = book.reserve("ann", "gg", 5_000);
        assertThat(outcome.httpStatus()).isEqualTo(503);
        assertThat(outcome.reason()).isEqualTo(reason);
        assertThat(outcome.reservation()).isNull();
        assertThat(book.status("0".repeat(32))).isNull();
        assertThat(book.openReservations()).isZero();
        assertThat(book.capacity()).isEqualTo(20);
    }

    @Test
    void shouldBeOnWithAnExtendedKeyWatched()
    {
        final TipBook book = book(false, (config) -> {});
        assertThat(book).isInstanceOf(JournalTipBook.class);
        assertThat(book.offReason()).isNull();
    }

    @Test
    void shouldSayWhatToConfigureWhenOff()
    {
        assertOff(book(false, (config) -> config.wallet.watch.xpubs = List.of()),
            "no extended public key is watched: expected one in wallet.watch.xpubs, the tip page gives out fresh " +
            "addresses of it");
        assertOff(book(false, (config) -> config.tips.enabled = false),
            "the tip page is disabled: expected tips.enabled: true");
        assertOff(book(false, (config) -> config.wallet.source = "none"),
            "no wallet runs: expected wallet.source electrum with an extended public key in wallet.watch.xpubs");
        assertOff(book(false, (config) -> config.tips.keyIndex = 1),
            "tips.keyIndex 1 names no watched key: expected below 1, the count of wallet.watch.xpubs");
        assertOff(book(true, (config) -> {}), "a replay reserves no tip address: the tip page works on the live node");
    }

    @Test
    void shouldRefuseAWrongTipsSettingInOneLine()
    {
        assertThatThrownBy(() -> book(false, (config) -> config.tips.expiry = "soon"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("tips.expiry: unparseable duration 'soon': expected a whole number followed by s, m, h, d or w " +
                "(30s, 10m, 2h, 1d, 1w)");
        assertThatThrownBy(() -> book(false, (config) -> config.tips.maxSats = 10))
            .hasMessage("tips.maxSats: expected tips.minSats (1000) or more, got 10");
    }
}
