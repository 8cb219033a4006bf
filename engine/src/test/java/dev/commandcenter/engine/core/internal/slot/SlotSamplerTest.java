package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.core.PluginSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sampler's health transitions, with sample times stepped by the test.
 */
class SlotSamplerTest
{
    private final SlotFixture fixture = new SlotFixture("p", 3);
    private final SlotSampler sampler = new SlotSampler(fixture.res);
    private final PluginSpec spec = new PluginSpec("p").instance(new RecordingPlugin("p")).stallTimeoutMs(100)
        .lagLimit(4);

    @Test
    void shouldStallAPluginThatMadeNoProgressForItsStallTimeoutAndRecoverWhenItMoves()
    {
        final Delivery delivery = running(spec);
        fixture.sequence.set(5);

        sampler.sample(1_000, 3, delivery, 8);
        sampler.sample(1_099, 3, delivery, 8);
        assertThat(fixture.health.state()).isEqualTo(PluginState.RUNNING);
        sampler.sample(1_100, 3, delivery, 8);
        assertThat(fixture.health.state()).isEqualTo(PluginState.STALLED);
        assertThat(fixture.health.reason())
            .isEqualTo("no progress for 100 ms with 3 events waiting (stallTimeoutMs 100)");

        fixture.sequence.set(6);
        sampler.sample(1_200, 2, delivery, 8);
        assertThat(fixture.health.state()).isEqualTo(PluginState.RUNNING);
        assertThat(fixture.counters.lag.get()).isEqualTo(2);
    }

    @Test
    void shouldStartCountingProgressAfreshForANewActivation()
    {
        final Delivery before = running(spec);
        fixture.sequence.set(5);
        sampler.sample(1_000, 3, before, 8);

        fixture.health.apply(HealthTransition.STARTING, "starting");
        final Delivery after = running(spec);
        sampler.sample(1_150, 3, after, 8);

        assertThat(fixture.health.state()).isEqualTo(PluginState.RUNNING);
        sampler.sample(1_250, 3, after, 8);
        assertThat(fixture.health.state()).isEqualTo(PluginState.STALLED);
    }

    @Test
    void shouldDegradeABlockingPluginBeyondItsLagLimitAndCatchUpWithinIt()
    {
        final Delivery delivery = running(spec);

        sampler.sample(1_000, 5, delivery, 0);
        assertThat(fixture.health.state()).isEqualTo(PluginState.DEGRADED);
        assertThat(fixture.health.reason())
            .isEqualTo("lag 5 exceeds lagLimit 4: holding the ring back (backPressure block)");

        sampler.sample(1_010, 4, delivery, 0);
        assertThat(fixture.health.state()).isEqualTo(PluginState.RUNNING);
    }

    private Delivery running(final PluginSpec runSpec)
    {
        final PluginActivation activation = new PluginActivation(fixture.res, runSpec, true, true);
        final Delivery delivery = new InlineDelivery(activation, fixture.sequence);
        delivery.open();
        assertThat(fixture.health.state()).isEqualTo(PluginState.RUNNING);
        return delivery;
    }
}
