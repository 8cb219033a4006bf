package dev.commandcenter.app.tip;

import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.agrona.ErrorHandler;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo's simulated viewer: pays each tip page reservation, exactly its address and amount, a few seconds after it
 * is made, through the demo wallet's Electrum simulator, so the whole path (reservation, payment, the alert with the
 * viewer's name and message, the paid chat line, the page's "Payment seen") shows with nothing configured.
 * <p>
 * <b>Note:</b> the book's listener only schedules the payment; it is made on a thread of this viewer's own.
 */
public final class DemoTipViewer implements AutoCloseable
{
    /** How long the simulated viewer takes to pay a reservation, in milliseconds. */
    public static final long PAY_AFTER_MS_DEFAULT = 4_000;

    private final ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("cc-demo-tip-viewer").factory());
    private final ElectrumSimulator simulator;
    private final long payAfterMs;
    private final ErrorHandler errorHandler;
    private volatile boolean closed;

    private DemoTipViewer(final ElectrumSimulator simulator, final long payAfterMs, final ErrorHandler errorHandler)
    {
        this.simulator = simulator;
        this.payAfterMs = payAfterMs;
        this.errorHandler = errorHandler;
    }

    /**
     * Pay every reservation of a book from now on.
     *
     * @param book         the node's tip book.
     * @param simulator    the demo wallet's simulator.
     * @param payAfterMs   how long after a reservation its payment is made.
     * @param errorHandler told of a payment that fails.
     * @return the viewer; close it to stop paying.
     */
    public static DemoTipViewer start(
        final TipBook book, final ElectrumSimulator simulator, final long payAfterMs, final ErrorHandler errorHandler)
    {
        final DemoTipViewer viewer = new DemoTipViewer(simulator, payAfterMs, errorHandler);
        book.onReserved(viewer::onReserved);
        return viewer;
    }

    private void onReserved(final TipBook.Reservation reservation)
    {
        if (closed)
        {
            return;
        }
        final String address = reservation.address();
        final long sats = reservation.amountSats();
        try
        {
            executor.schedule(() -> pay(address, sats), payAfterMs, TimeUnit.MILLISECONDS);
        }
        catch (final RuntimeException ex)
        {
            // Closed meanwhile: the demo is stopping.
        }
    }

    private void pay(final String address, final long sats)
    {
        try
        {
            simulator.pay(address, sats, null);
        }
        catch (final RuntimeException ex)
        {
            if (!closed)
            {
                errorHandler.onError(ex);
            }
        }
    }

    /**
     * Stop paying.
     */
    public void close()
    {
        closed = true;
        executor.shutdownNow();
    }
}
