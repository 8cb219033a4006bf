package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.codecs.sbe.PluginState;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static dev.commandcenter.codecs.sbe.PluginState.DEGRADED;
import static dev.commandcenter.codecs.sbe.PluginState.DISCONNECTED;
import static dev.commandcenter.codecs.sbe.PluginState.FAILED;
import static dev.commandcenter.codecs.sbe.PluginState.LOADED;
import static dev.commandcenter.codecs.sbe.PluginState.QUARANTINED;
import static dev.commandcenter.codecs.sbe.PluginState.RUNNING;
import static dev.commandcenter.codecs.sbe.PluginState.STALLED;
import static dev.commandcenter.codecs.sbe.PluginState.STOPPED;
import static dev.commandcenter.engine.core.internal.slot.HealthTransition.CATCH_UP;
import static dev.commandcenter.engine.core.internal.slot.HealthTransition.DEGRADE;
import static dev.commandcenter.engine.core.internal.slot.HealthTransition.DISABLED;
import static dev.commandcenter.engine.core.internal.slot.HealthTransition.DISCONNECT;
import static dev.commandcenter.engine.core.internal.slot.HealthTransition.HOST_STALL;
import static dev.commandcenter.engine.core.internal.slot.HealthTransition.LOAD_FAILED;
import static dev.commandcenter.engine.core.internal.slot.HealthTransition.QUARANTINE;
import static dev.commandcenter.engine.core.internal.slot.HealthTransition.RECONNECT;
import static dev.commandcenter.engine.core.internal.slot.HealthTransition.RECOVER;
import static dev.commandcenter.engine.core.internal.slot.HealthTransition.STALL;
import static dev.commandcenter.engine.core.internal.slot.HealthTransition.STARTED;
import static dev.commandcenter.engine.core.internal.slot.HealthTransition.STARTING;
import static dev.commandcenter.engine.core.internal.slot.HealthTransition.START_FAILED;
import static dev.commandcenter.engine.core.internal.slot.HealthTransition.STOP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walks every state of a slot's health with every transition, legal and illegal.
 */
class HealthTransitionTest
{
    private static final List<PluginState> STATES = List.of(LOADED, RUNNING, DEGRADED, STALLED, QUARANTINED, STOPPED,
        FAILED, DISCONNECTED);

    /** Where each transition leads from each state; a state absent from a row means the transition is illegal. */
    private static final Map<HealthTransition, Map<PluginState, PluginState>> EXPECTED = new EnumMap<>(Map.ofEntries(
        Map.entry(LOAD_FAILED, Map.of(LOADED, FAILED, FAILED, FAILED)),
        Map.entry(STARTING, Map.of(LOADED, LOADED, RUNNING, LOADED, DEGRADED, LOADED, STALLED, LOADED,
            QUARANTINED, LOADED, STOPPED, LOADED, FAILED, LOADED, DISCONNECTED, LOADED)),
        Map.entry(STARTED, Map.of(LOADED, RUNNING)),
        Map.entry(START_FAILED, Map.of(LOADED, FAILED)),
        Map.entry(DISABLED, Map.of(LOADED, STOPPED)),
        Map.entry(QUARANTINE, Map.of(RUNNING, QUARANTINED, DEGRADED, QUARANTINED, STALLED, QUARANTINED)),
        Map.entry(STOP, Map.of(LOADED, STOPPED, RUNNING, STOPPED, DEGRADED, STOPPED, STALLED, STOPPED,
            QUARANTINED, STOPPED, STOPPED, STOPPED, DISCONNECTED, STOPPED)),
        Map.entry(STALL, Map.of(RUNNING, STALLED, DEGRADED, STALLED)),
        Map.entry(RECOVER, Map.of(STALLED, RUNNING)),
        Map.entry(DEGRADE, Map.of(RUNNING, DEGRADED, DEGRADED, DEGRADED)),
        Map.entry(CATCH_UP, Map.of(DEGRADED, RUNNING)),
        Map.entry(HOST_STALL, Map.of(RUNNING, STALLED, DEGRADED, STALLED)),
        Map.entry(DISCONNECT, Map.of(RUNNING, DISCONNECTED, DEGRADED, DISCONNECTED, STALLED, DISCONNECTED,
            DISCONNECTED, DISCONNECTED)),
        Map.entry(RECONNECT, Map.of(STALLED, RUNNING, DISCONNECTED, RUNNING))));

    @Test
    void shouldMoveOnlyAlongTheTableAndIgnoreEveryIllegalTransition()
    {
        int legal = 0;
        int illegal = 0;
        for (final HealthTransition transition : HealthTransition.values())
        {
            for (final PluginState from : STATES)
            {
                final SlotFixture fixture = new SlotFixture("p", 3);
                final SlotHealth health = healthIn(fixture, from);
                final PluginState expected = EXPECTED.get(transition).get(from);

                final boolean changed = health.apply(transition, "why " + transition);

                if (null == expected)
                {
                    assertThat(changed).as("%s from %s is illegal", transition, from).isFalse();
                    assertThat(health.state()).as("%s from %s", transition, from).isEqualTo(from);
                    assertThat(transition.isLegalFrom(from)).isFalse();
                    illegal++;
                }
                else
                {
                    assertThat(changed).as("%s from %s", transition, from).isTrue();
                    assertThat(health.state()).as("%s from %s", transition, from).isEqualTo(expected);
                    assertThat(fixture.counters.state.get()).isEqualTo(expected.value());
                    legal++;
                }
            }
        }
        assertThat(legal).isEqualTo(37);
        assertThat(illegal).isEqualTo(HealthTransition.values().length * STATES.size() - 37);
    }

    @Test
    void shouldListTheStatesEachStateMayMoveTo()
    {
        assertThat(HealthTransition.allowedNext(LOADED)).isEqualTo(EnumSet.of(FAILED, LOADED, RUNNING, STOPPED));
        assertThat(HealthTransition.allowedNext(RUNNING))
            .isEqualTo(EnumSet.of(LOADED, QUARANTINED, STOPPED, STALLED, DEGRADED, DISCONNECTED));
        assertThat(HealthTransition.allowedNext(FAILED)).isEqualTo(EnumSet.of(FAILED, LOADED));
        assertThat(HealthTransition.allowedNext(QUARANTINED)).isEqualTo(EnumSet.of(LOADED, STOPPED));
        assertThat(HealthTransition.allowedNext(STOPPED)).isEqualTo(EnumSet.of(LOADED, STOPPED));
    }

    @Test
    void shouldHoldAStallOrDisconnectSetForAHostUntilItIsBack()
    {
        final SlotFixture fixture = new SlotFixture("p", 3);
        final SlotHealth health = healthIn(fixture, RUNNING);

        assertThat(health.apply(HOST_STALL, "host silent for 200 ms")).isTrue();
        assertThat(health.apply(RECOVER, "")).isFalse();
        assertThat(health.state()).isEqualTo(STALLED);
        assertThat(health.apply(DISCONNECT, "link closed")).isTrue();
        assertThat(health.apply(RECOVER, "")).isFalse();
        assertThat(health.reason()).isEqualTo("link closed");

        assertThat(health.apply(RECONNECT, "")).isTrue();
        assertThat(health.state()).isEqualTo(RUNNING);
        assertThat(health.apply(STALL, "no progress")).isTrue();
        assertThat(health.apply(RECOVER, "")).isTrue();
        assertThat(health.state()).isEqualTo(RUNNING);
    }

    @Test
    void shouldKeepTheQuarantineReasonWhenAQuarantinedPluginStops()
    {
        final SlotFixture fixture = new SlotFixture("p", 3);
        final SlotHealth health = healthIn(fixture, QUARANTINED);

        health.apply(STOP, "");

        assertThat(health.state()).isEqualTo(STOPPED);
        assertThat(health.reason()).isEqualTo("quarantined after 3 failures");
    }

    @Test
    void shouldChangeNothingForTheSameStateAndReasonButTakeANewReason()
    {
        final SlotFixture fixture = new SlotFixture("p", 3);
        final SlotHealth health = healthIn(fixture, RUNNING);

        assertThat(health.apply(DEGRADE, "lag 10")).isTrue();
        assertThat(health.apply(DEGRADE, "lag 10")).isFalse();
        assertThat(health.apply(DEGRADE, "lag 20")).isTrue();

        assertThat(health.reason()).isEqualTo("lag 20");
        assertThat(new CountersReader(fixture.countersManager.metaDataBuffer(), fixture.countersManager.valuesBuffer())
            .getCounterLabel(fixture.counters.status.id())).isEqualTo("plugin status: p 1.0 DEGRADED - lag 20");
    }

    private static SlotHealth healthIn(final SlotFixture fixture, final PluginState state)
    {
        final SlotHealth health = fixture.health;
        switch (state)
        {
            case LOADED ->
            {
            }
            case RUNNING -> health.apply(STARTED, "");
            case DEGRADED ->
            {
                health.apply(STARTED, "");
                health.apply(DEGRADE, "lag");
            }
            case STALLED ->
            {
                health.apply(STARTED, "");
                health.apply(STALL, "no progress");
            }
            case QUARANTINED ->
            {
                health.apply(STARTED, "");
                health.apply(QUARANTINE, "quarantined after 3 failures");
            }
            case STOPPED -> health.apply(DISABLED, "disabled");
            case FAILED -> health.apply(START_FAILED, "start failed");
            case DISCONNECTED ->
            {
                health.apply(STARTED, "");
                health.apply(DISCONNECT, "waiting for a plugin host");
            }
            default -> throw new IllegalArgumentException("no path to " + state);
        }
        assertThat(health.state()).isEqualTo(state);
        return health;
    }
}
