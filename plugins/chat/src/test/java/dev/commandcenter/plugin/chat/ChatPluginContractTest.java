package dev.commandcenter.plugin.chat;

import dev.commandcenter.plugin.testkit.PluginContract;
import org.junit.jupiter.api.Test;

import java.util.Map;

class ChatPluginContractTest
{
    @Test
    void shouldSatisfyThePluginContract()
    {
        PluginContract.assertSatisfied(ChatPlugin::new, Map.of());
    }
}
