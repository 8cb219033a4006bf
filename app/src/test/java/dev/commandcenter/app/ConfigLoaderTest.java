package dev.commandcenter.app;

import dev.commandcenter.engine.BackPressure;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.config.ConfigException;
import dev.commandcenter.app.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest
{
    @TempDir
    Path dir;

    @Test
    void shouldAcceptEveryRollCycleChronicleOffersLegacyOnesIncluded() throws Exception
    {
        assertThat(ConfigLoader.load(write("journal:\n  rollCycle: MINUTELY\n")).journal.rollCycle.toString())
            .isEqualTo("MINUTELY");
        assertThat(ConfigLoader.load(write("journal:\n  rollCycle: hourly\n")).journal.rollCycle.toString())
            .isEqualTo("HOURLY");
        assertThat(ConfigLoader.load(write("journal:\n  rollCycle: five-minutely\n")).journal.rollCycle.toString())
            .isEqualTo("FIVE_MINUTELY");
    }

    @Test
    void shouldReadEveryDocumentedSection() throws Exception
    {
        final Path file = write("""
            engine:
              inputRingSize: 1024
              outputRingSize: 512
              waitStrategy: sleeping
              threadingMode: shared-plugins
              backPressure: reject
              quarantineAfterFailures: 3
              sampleIntervalMs: 250
            journal:
              rollCycle: FAST_HOURLY
              durability: sync
              retention: 7d
            telemetry:
              intervalMs: 5000
            websocket:
              backend: netty
              bind: 127.0.0.1
              port: 0
              token: secret-token-for-tests
              allowedOrigins: ["http://localhost:8080"]
              retain: 8
            wallet:
              network: regtest
              electrum:
                servers: ["tcp://127.0.0.1:50001", "ssl://example.org:50002"]
              watch:
                addresses: ["bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"]
                xpubs: []
            plugins:
              stream-bridge:
                minAmountSats: 5000
            """);

        final AppConfig config = ConfigLoader.load(file);

        assertThat(config.engine.inputRingSize).isEqualTo(1024);
        assertThat(config.engine.backPressure).isEqualTo(dev.commandcenter.engine.BackPressure.REJECT);
        assertThat(config.engine.waitStrategy).isEqualTo(AppConfig.WaitStrategy.SLEEPING);
        assertThat(config.engine.threadingMode).isEqualTo(dev.commandcenter.engine.ThreadingMode.SHARED_PLUGINS);
        assertThat(config.journal.durability).isEqualTo(dev.commandcenter.persistence.Durability.SYNC);
        assertThat(config.journal.rollCycle).isEqualTo(net.openhft.chronicle.queue.RollCycles.FAST_HOURLY);
        assertThat(config.websocket.allowedOrigins).containsExactly("http://localhost:8080");
        assertThat(config.websocket.backend).isEqualTo("netty");
        assertThat(config.wallet.electrum.servers).hasSize(2);
        assertThat(config.wallet.watch.addresses).hasSize(1);
        assertThat(config.plugins.section("stream-bridge").config()).isEqualTo(java.util.Map.of("minAmountSats", 5000));
    }

    @Test
    void shouldAcceptAnEmptyFile() throws Exception
    {
        final AppConfig config = ConfigLoader.load(write(""));

        assertThat(config.websocket.port).isEqualTo(7300);
        assertThat(config.websocket.bind).isEqualTo("127.0.0.1");
        assertThat(config.websocket.backend).isEqualTo("auto");
    }

    @Test
    void shouldNameAnUnknownKeyItsLineAndTheKnownKeys() throws Exception
    {
        final Path file = write("engine:\n  inputRingSzie: 1024\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(file + ": unknown key 'engine.inputRingSzie' (line 2)")
            .hasMessageContaining("expected one of [")
            .hasMessageContaining("inputRingSize");
    }

    @Test
    void shouldNameAWrongType() throws Exception
    {
        assertThatThrownBy(() -> ConfigLoader.load(write("websocket:\n  port: lots\n")))
            .hasMessageContaining("'websocket.port' (line 2) expected a whole number, got 'lots'");
        assertThatThrownBy(() -> ConfigLoader.load(write("journal:\n  enabled: maybe\n")))
            .hasMessageContaining("'journal.enabled'").hasMessageContaining("expected true or false");
        assertThatThrownBy(() -> ConfigLoader.load(write("wallet:\n  watch:\n    addresses: bcrt1q\n")))
            .hasMessageContaining("'wallet.watch.addresses'").hasMessageContaining("expected a list");
    }

    @Test
    void shouldGiveTheStreamBridgeTheWalletsAlertOnUnlessItsSectionSetsIt() throws Exception
    {
        final AppConfig confirmed = ConfigLoader.load(write("wallet:\n  alertOn: confirmed\n"));
        assertThat(confirmed.plugins.withPluginDefault("stream-bridge", "alertOn", confirmed.wallet.alertOn)
            .section("stream-bridge").config()).containsEntry("alertOn", "confirmed");

        final AppConfig own = ConfigLoader.load(write(
            "wallet:\n  alertOn: confirmed\nplugins:\n  stream-bridge:\n    alertOn: mempool\n    minAmountSats: 5\n"));
        assertThat(own.plugins.withPluginDefault("stream-bridge", "alertOn", own.wallet.alertOn)
            .section("stream-bridge").config()).containsEntry("alertOn", "mempool").containsEntry("minAmountSats", 5);

        assertThat(ConfigLoader.load(write("")).wallet.alertOn).isEqualTo("mempool");
    }

    @Test
    void shouldReadTheBatchWindowsOfFeedsAndRefuseOnesOutOfRange() throws Exception
    {
        final AppConfig config = ConfigLoader.load(write("websocket:\n  batching:\n    all: 50\n    stream-bridge: 0\n"));

        assertThat(config.websocket.batching).containsExactly(
            java.util.Map.entry("all", 50), java.util.Map.entry("stream-bridge", 0));
        assertThat(ConfigLoader.load(write("")).websocket.batching).isEmpty();
        assertThatThrownBy(() -> ConfigLoader.load(write("websocket:\n  batching:\n    all: 1001\n")))
            .hasMessageEndingWith("'websocket.batching.all' expected 0..1000, got 1001");
        assertThatThrownBy(() -> ConfigLoader.load(write("websocket:\n  batching:\n    chat: -1\n")))
            .hasMessageEndingWith("'websocket.batching.chat' expected 0..1000, got -1");
        assertThatThrownBy(() -> ConfigLoader.load(write("websocket:\n  batching:\n    all:\n")))
            .hasMessageEndingWith("'websocket.batching.all' expected a window of 1..1000 ms (0: none), got nothing");
        assertThatThrownBy(() -> ConfigLoader.load(write("websocket:\n  batching:\n    all: soon\n")))
            .hasMessageContaining("websocket.batching");
    }

    @Test
    void shouldNameABadValueAndWhatWasExpected() throws Exception
    {
        assertThatThrownBy(() -> ConfigLoader.load(write("engine:\n  backPressure: drop\n")))
            .hasMessageEndingWith("'engine.backPressure' (line 2) expected one of block | reject, got 'drop'");
        assertThatThrownBy(() -> ConfigLoader.load(write("engine:\n  inputRingSize: 1000\n")))
            .hasMessageContaining("'engine.inputRingSize' expected a power of two");
        assertThatThrownBy(() -> ConfigLoader.load(write("websocket:\n  port: 70000\n")))
            .hasMessageContaining("'websocket.port' expected 0..65535, got 70000");
        assertThatThrownBy(() -> ConfigLoader.load(write("websocket:\n  backend: lws\n")))
            .isInstanceOf(ConfigException.class)
            .hasMessageEndingWith("'websocket.backend' expected one of auto | netty | native, got 'lws'");
        assertThatThrownBy(() -> ConfigLoader.load(write("engine:\n  runOn: event-loop\n")))
            .isInstanceOf(ConfigException.class)
            .hasMessageEndingWith("'engine.runOn' expected one of thread | http-loop, got 'event-loop'");
        assertThatThrownBy(() -> ConfigLoader.load(write("wallet:\n  network: moonnet\n")))
            .hasMessageContaining("'wallet.network' expected one of mainnet | testnet | signet | regtest");
        assertThatThrownBy(() -> ConfigLoader.load(write("wallet:\n  alertOn: blocks\n")))
            .hasMessageContaining("'wallet.alertOn' expected one of mempool | confirmed, got 'blocks'");
        assertThatThrownBy(() -> ConfigLoader.load(write("journal:\n  retention: someday\n")))
            .hasMessageContaining("retention");
        assertThatThrownBy(() -> ConfigLoader.load(write("wallet:\n  watch:\n    addresses: [x]\n")))
            .hasMessageContaining("'wallet.electrum.servers' is empty");
        assertThatThrownBy(() -> ConfigLoader.load(write("plugins:\n  stream-bridge:\n    enabled: yes please\n")))
            .hasMessageContaining("'plugins.stream-bridge.enabled' (line 3) expected true or false");
    }

    @Test
    void shouldBindClosedSetsAsEnumsWrittenInLowercaseWithDashes() throws Exception
    {
        final AppConfig config = ConfigLoader.load(write("""
            engine:
              waitStrategy: busy-spin
            journal:
              rollCycle: fast-hourly
              durability: page-cache
            plugins:
              defaults:
                backPressure: detach
              tips:
                backPressure: block
                lagLimit: 64
                minAmountSats: 1000
            """));

        assertThat(config.engine.waitStrategy).isEqualTo(AppConfig.WaitStrategy.BUSY_SPIN);
        assertThat(config.engine.waitStrategy.label()).isEqualTo("busy-spin");
        assertThat(config.journal.rollCycle).isEqualTo(net.openhft.chronicle.queue.RollCycles.FAST_HOURLY);
        assertThat(config.journal.durability).isEqualTo(dev.commandcenter.persistence.Durability.PAGE_CACHE);
        assertThat(config.plugins.defaults().backPressure()).isEqualTo(dev.commandcenter.engine.BackPressure.DETACH);
        assertThat(config.plugins.section("tips").lagLimit()).isEqualTo(64);
        assertThat(config.plugins.section("tips").config()).containsExactly(java.util.Map.entry("minAmountSats", 1000));
    }

    @Test
    void shouldRefuseAValueOutsideAClosedSetListingTheAllowedOnes() throws Exception
    {
        assertThatThrownBy(() -> ConfigLoader.load(write("engine:\n  backPressure: detach\n")))
            .hasMessageEndingWith("'engine.backPressure' (line 2) expected one of block | reject, got 'detach'");
        assertThatThrownBy(() -> ConfigLoader.load(write("plugins:\n  tips:\n    backPressure: reject\n")))
            .hasMessageEndingWith("'plugins.tips.backPressure' (line 3) expected one of block | detach, got 'reject'");
        assertThatThrownBy(() -> ConfigLoader.load(write("engine:\n  waitStrategy: spin\n")))
            .hasMessageEndingWith("'engine.waitStrategy' (line 2) expected one of blocking | sleeping | yielding | " +
                "busy-spin, got 'spin'");
        assertThatThrownBy(() -> ConfigLoader.load(write("engine:\n  threadingMode: pooled\n")))
            .hasMessageEndingWith("'engine.threadingMode' (line 2) expected one of auto | dedicated | shared-plugins | " +
                "shared, got 'pooled'");
        assertThatThrownBy(() -> ConfigLoader.load(write("journal:\n  durability: page_cache_please\n")))
            .hasMessageEndingWith("'journal.durability' (line 2) expected one of page-cache | sync, got 'page_cache_please'");
        assertThatThrownBy(() -> ConfigLoader.load(write("journal:\n  rollCycle: fortnightly\n")))
            .hasMessageContaining("'journal.rollCycle' (line 2) expected one of ")
            .hasMessageContaining("fast-daily")
            .hasMessageContaining("minutely")
            .satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("test"));
        assertThatThrownBy(() -> ConfigLoader.load(write("plugins:\n  defaults:\n    lagLimit: 0\n")))
            .hasMessageEndingWith("'plugins.defaults.lagLimit' (line 3) expected a whole number of 1 or more, got '0'");
        assertThatThrownBy(() -> ConfigLoader.load(write("plugins:\n  defaults:\n    colour: red\n")))
            .hasMessageContaining("unknown key 'plugins.defaults.colour' (line 3), expected one of [backPressure, ");
    }

    @Test
    void shouldReportMalformedYamlWithItsLine() throws Exception
    {
        assertThatThrownBy(() -> ConfigLoader.load(write("engine:\n  inputRingSize: 1\n  waitStrategy: \"blocking\n")))
            .hasMessageContaining("not valid YAML (line");
    }

    @Test
    void shouldReportAMissingFile()
    {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml")))
            .hasMessageContaining("nope.yaml not found (expected a YAML file)");
    }

    @Test
    void shouldReportADirectoryGivenAsTheFile() throws Exception
    {
        final Path folder = Files.createDirectory(dir.resolve("config.yaml"));

        assertThatThrownBy(() -> ConfigLoader.load(folder))
            .hasMessage("config file " + folder + " is a directory (expected a YAML file)");
    }

    @Test
    void shouldMessagesBeOneLine() throws Exception
    {
        final Path file = write("engine:\n  inputRingSzie: 1\n");
        try
        {
            ConfigLoader.load(file);
        }
        catch (final ConfigException ex)
        {
            assertThat(ex.getMessage()).doesNotContain("\n");
            return;
        }
        throw new AssertionError("expected a ConfigException");
    }

    private Path write(final String yaml) throws Exception
    {
        final Path file = Files.createTempFile(dir, "config", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
