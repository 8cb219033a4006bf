package dev.commandcenter.engine;

import dev.commandcenter.engine.plugin.PluginConfig;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourcesTest
{
    private static final String KEY = "plugins.test.acceptPaymentsFrom";

    @Test
    void shouldMapNamesToIdsAndBack()
    {
        for (int source = Sources.WALLET; source <= Sources.ENGINE; source++)
        {
            assertThat(Sources.id(Sources.name(source))).isEqualTo(source);
        }
        assertThat(Sources.id("unknown")).isZero();
        assertThat(Sources.id("mystery")).isZero();
    }

    @Test
    void shouldAcceptCommaSeparatedNames()
    {
        final boolean[] accepted = PluginConfig.acceptedSources(KEY, "wallet, rest");

        assertThat(accepted).hasSize(Sources.MAX_ID + 1);
        assertThat(acceptedIds(accepted)).containsExactly(Sources.WALLET, Sources.REST);
    }

    @Test
    void shouldAcceptAListOfNames()
    {
        final boolean[] accepted = PluginConfig.acceptedSources(KEY, List.of("cli", " engine "));

        assertThat(acceptedIds(accepted)).containsExactly(Sources.CLI, Sources.ENGINE);
    }

    @Test
    void shouldRefuseAnUnknownSourceNamingTheKey()
    {
        assertThatThrownBy(() -> PluginConfig.acceptedSources(KEY, "wallet,bank"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(KEY + ": unknown source 'bank', expected wallet, websocket, aeron, timer, cli, rest or engine");
        assertThatThrownBy(() -> PluginConfig.acceptedSources(KEY, "unknown"))
            .hasMessageContaining("unknown source 'unknown'");
        assertThatThrownBy(() -> PluginConfig.acceptedSources(KEY, ""))
            .hasMessageContaining("unknown source ''");
    }

    @Test
    void shouldRefuseAValueThatIsNeitherStringNorList()
    {
        assertThatThrownBy(() -> PluginConfig.acceptedSources(KEY, 42))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(KEY + ": expected source names such as wallet or [wallet, rest], got '42'");
    }

    private static List<Integer> acceptedIds(final boolean[] accepted)
    {
        final List<Integer> ids = new ArrayList<>();
        for (int source = 0; source < accepted.length; source++)
        {
            if (accepted[source])
            {
                ids.add(source);
            }
        }
        return ids;
    }
}
