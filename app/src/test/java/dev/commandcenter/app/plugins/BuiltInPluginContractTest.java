package dev.commandcenter.app.plugins;

import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.plugin.testkit.PluginContract;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugin contract, run against every built-in plugin the application ships.
 */
class BuiltInPluginContractTest
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
        assertThat(tests).isNotEmpty();
        return tests;
    }
}
