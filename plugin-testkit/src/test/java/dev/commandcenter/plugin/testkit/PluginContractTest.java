package dev.commandcenter.plugin.testkit;

import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;

import dev.commandcenter.engine.plugin.Messages;

import dev.commandcenter.engine.Event;
import dev.commandcenter.plugin.testkit.PluginContract;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class PluginContractTest
{
    @TestFactory
    List<DynamicTest> shouldHoldForEveryBuiltInPlugin()
    {
        final List<DynamicTest> tests = new ArrayList<>();
        for (final ServiceLoader.Provider<Plugin> provider : ServiceLoader.load(Plugin.class).stream().toList())
        {
            tests.add(DynamicTest.dynamicTest(provider.type().getSimpleName(),
                () -> PluginContract.assertSatisfied(provider, Map.of())));
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(2);
        return tests;
    }

    @Test
    void shouldReportAPluginThatThrowsOnAnEmptyMessage()
    {
        final List<String> violations = PluginContract.verify(() -> new Plugin()
        {
            public String id()
            {
                return "fragile";
            }

            public void onEvent(final Event event)
            {
                if (event.length() < 30)
                {
                    throw new IllegalStateException("too short");
                }
            }
        }, Map.of());

        assertThat(violations).isNotEmpty().allSatisfy(violation -> assertThat(violation)
            .contains("onEvent threw IllegalStateException: too short for a").contains("event"));
    }

    @Test
    void shouldReportAPluginWhoseOutputDependsOnTheWallClock()
    {
        final List<String> violations = PluginContract.verify(() -> new Plugin()
        {
            private PluginContext context;
            private final long created = System.nanoTime();

            public String id()
            {
                return "clocky";
            }

            public void onStart(final PluginContext context)
            {
                this.context = context;
            }

            public void onEvent(final Event event)
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
                context.emitter().emit(buffer, 0, Messages.chat(buffer, 0, created));
            }
        }, Map.of());

        assertThat(violations).singleElement().asString().contains("emitted different messages");
    }

    @Test
    void shouldReportABadIdVersionAndInvalidEmits()
    {
        assertThat(PluginContract.verify(() -> new Plugin()
        {
            public String id()
            {
                return "Bad Id";
            }

            public String version()
            {
                return "1";
            }

            public void onEvent(final Event event)
            {
            }
        }, Map.of())).containsExactly(
            "id 'Bad Id' is not lowercase letters, digits and dashes starting with a letter",
            "version '1' is not a semantic version such as 1.2.0");

        assertThat(PluginContract.verify(() -> new Plugin()
        {
            private PluginContext context;

            public String id()
            {
                return "garbage";
            }

            public void onStart(final PluginContext context)
            {
                this.context = context;
            }

            public void onEvent(final Event event)
            {
                context.emitter().emit(new UnsafeBuffer(new byte[16]), 0, 16);
            }
        }, Map.of())).anySatisfy(violation -> assertThat(violation).matches("first instance: emitted \\d+ invalid messages"));
    }
}
