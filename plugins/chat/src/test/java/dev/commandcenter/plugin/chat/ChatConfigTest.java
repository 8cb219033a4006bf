package dev.commandcenter.plugin.chat;

import dev.commandcenter.engine.Sources;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatConfigTest
{
    @Test
    void shouldUseTheDocumentedDefaults()
    {
        final ChatConfig config = ChatConfig.from(Map.of());
        assertThat(config.rooms()).isEqualTo(ChatPlugin.ROOMS_DEFAULT).containsExactly("main");
        assertThat(config.historyLines()).isEqualTo(50);
        assertThat(config.maxGraphemes()).isEqualTo(300);
        assertThat(config.maxNameGraphemes()).isEqualTo(25);
        assertThat(config.slowModeMs()).isZero();
        assertThat(config.repeatWindowMs()).isEqualTo(30_000);
        assertThat(config.maxCapsPercent()).isEqualTo(70);
        assertThat(config.maxEmoji()).isEqualTo(12);
        assertThat(config.streamerName()).isEqualTo("streamer");
        assertThat(config.paidMinSats()).isEqualTo(1);
        assertThat(config.snapshotEveryEvents()).isEqualTo(500);
        assertThat(config.snapshotMinIntervalMs()).isEqualTo(1000);
        assertThat(config.acceptsPaymentsFrom(Sources.WALLET)).isTrue();
        assertThat(config.acceptsPaymentsFrom(Sources.REST)).isFalse();
    }

    @Test
    void shouldReadRoomsAsListOrCommaSeparatedNames()
    {
        assertThat(ChatConfig.from(Map.of("rooms", List.of("main", "games"))).rooms()).containsExactly("main", "games");
        assertThat(ChatConfig.from(Map.of("rooms", "main, vip")).rooms()).containsExactly("main", "vip");
        assertThat(ChatConfig.from(Map.of("acceptPaymentsFrom", List.of("wallet", "rest")))
            .acceptsPaymentsFrom(Sources.REST)).isTrue();
    }

    @Test
    void shouldRefuseBadValuesWithOneLineNamingTheKey()
    {
        assertThatThrownBy(() -> ChatConfig.from(Map.of("historyLines", 0)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("plugins.chat.historyLines: expected 1 to 500, got 0");
        assertThatThrownBy(() -> ChatConfig.from(Map.of("snapshotMinIntervalMs", 60_001)))
            .hasMessage("plugins.chat.snapshotMinIntervalMs: expected 0 to 60000, got 60001");
        assertThatThrownBy(() -> ChatConfig.from(Map.of("maxGraphemes", 2001)))
            .hasMessage("plugins.chat.maxGraphemes: expected 1 to 2000, got 2001");
        assertThatThrownBy(() -> ChatConfig.from(Map.of("maxNameGraphemes", 65)))
            .hasMessage("plugins.chat.maxNameGraphemes: expected 1 to 64, got 65");
        assertThatThrownBy(() -> ChatConfig.from(Map.of("rooms", List.of("Main Room"))))
            .hasMessageStartingWith("plugins.chat.rooms: expected room names of 1 to 32 lower-case");
        assertThatThrownBy(() -> ChatConfig.from(Map.of("rooms", List.of("a", "a"))))
            .hasMessage("plugins.chat.rooms: room 'a' is listed twice");
        assertThatThrownBy(() -> ChatConfig.from(Map.of("rooms", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q")))
            .hasMessage("plugins.chat.rooms: expected 1 to 16 rooms, got 17");
        assertThatThrownBy(() -> ChatConfig.from(Map.of("acceptPaymentsFrom", "bank")))
            .hasMessageStartingWith("plugins.chat.acceptPaymentsFrom: unknown source 'bank'");
        assertThatThrownBy(() -> ChatConfig.from(Map.of("streamerName", "\u200B")))
            .hasMessageStartingWith("plugins.chat.streamerName: expected a display name of 1 to 25 characters");
        assertThatThrownBy(() -> ChatConfig.from(Map.of("slowMode", 5)))
            .hasMessageStartingWith("plugins.chat: unknown key 'slowMode', expected one of [");
        assertThatThrownBy(() -> ChatConfig.from(Map.of("paidMinSats", 0)))
            .hasMessage("plugins.chat.paidMinSats: expected 1 to 9223372036854775807, got 0");
    }
}
