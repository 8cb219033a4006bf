package dev.commandcenter.engine.core.internal.slot;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdleStrategiesTest
{
    @Test
    void shouldMapEveryWaitStrategyNameToANewIdleStrategyPerAgent()
    {
        assertThat(IdleStrategies.of("blocking").get()).isInstanceOfSatisfying(ParkingIdleStrategy.class,
            (parking) -> assertThat(parking.maxParkNs()).isEqualTo(IdleStrategies.MAX_PARK_NS_DEFAULT));
        assertThat(IdleStrategies.of("sleeping").get()).isInstanceOf(BackoffIdleStrategy.class);
        assertThat(IdleStrategies.of("yielding").get()).isInstanceOf(YieldingIdleStrategy.class);
        assertThat(IdleStrategies.of("busy-spin").get()).isInstanceOf(BusySpinIdleStrategy.class);
        assertThat(IdleStrategies.of("blocking").get()).isNotSameAs(IdleStrategies.of("blocking").get());
    }

    @Test
    void shouldNameTheAcceptedNamesForAnUnknownOne()
    {
        assertThatThrownBy(() -> IdleStrategies.of("spinning")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("unknown wait strategy 'spinning', expected one of [blocking, sleeping, yielding, busy-spin]");
    }

    @Test
    void shouldRejectAMaxParkBelowTheMinimum()
    {
        System.setProperty(IdleStrategies.MAX_PARK_NS_PROP_NAME, "10");
        try
        {
            assertThatThrownBy(() -> IdleStrategies.of("blocking")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("commandcenter.slot.maxParkNs is '10', expected a whole number of nanoseconds of at " +
                    "least 1000");
        }
        finally
        {
            System.clearProperty(IdleStrategies.MAX_PARK_NS_PROP_NAME);
        }
    }
}
