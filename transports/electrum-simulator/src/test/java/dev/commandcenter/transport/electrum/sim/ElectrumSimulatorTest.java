package dev.commandcenter.transport.electrum.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.transport.electrum.ScriptHashes;
import dev.commandcenter.transport.electrum.WalletNetwork;
import dev.commandcenter.transport.electrum.WatchList;
import dev.commandcenter.transport.electrum.client.HistoryItem;
import org.agrona.concurrent.CachedEpochClock;
import org.bitcoinj.base.Sha256Hash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class ElectrumSimulatorTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ADDRESS = "bcrt1qn7d2x7272lznt5hhk9s07q3cqnrqljnwladrd3";

    private final CachedEpochClock clock = new CachedEpochClock();
    private ElectrumSimulator simulator;
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;
    private int nextId = 1;

    @BeforeEach
    void setUp() throws Exception
    {
        clock.update(1_700_000_000_000L);
        simulator = ElectrumSimulator.start(new ElectrumSimulator.Context().clock(clock).blockIntervalMs(600_000));
        socket = new Socket("127.0.0.1", simulator.port());
        socket.setSoTimeout(10_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    @AfterEach
    void tearDown() throws Exception
    {
        socket.close();
        simulator.close();
    }

    @Test
    void shouldSpeakProtocol14AndRequireServerVersionFirst() throws Exception
    {
        assertThat(request("server.ping").get("error").get("message").asText())
            .isEqualTo("server.version must be the first request");
        final JsonNode version = request("server.version", "commandcenter", "1.4");
        assertThat(version.get("result").get(1).asText()).isEqualTo("1.4");
        assertThat(request("server.version", "commandcenter", "1.4").has("error")).isTrue();
        assertThat(request("server.features").get("result").get("hash_function").asText()).isEqualTo("sha256");
        assertThat(request("no.such.method").get("error").get("code").asInt()).isEqualTo(ElectrumSimulator.METHOD_NOT_FOUND);
        send("{not json");
        assertThat(MAPPER.readTree(in.readLine()).get("error").get("code").asInt()).isEqualTo(-32700);
    }

    @Test
    void shouldRefuseAnUnsupportedProtocolRange() throws Exception
    {
        final JsonNode response = request("server.version", "old", List.of("1.0", "1.2"));
        assertThat(response.get("error").get("message").asText()).startsWith("unsupported protocol version");
        assertThat(request("server.version", "new", List.of("1.2", "1.6")).get("result").get(1).asText()).isEqualTo("1.4");
    }

    @Test
    void shouldServeAChainOfLinkedHeadersAndMineOnSchedule() throws Exception
    {
        request("server.version", "commandcenter", "1.4");
        final JsonNode tip = request("blockchain.headers.subscribe").get("result");
        assertThat(tip.get("height").asInt()).isEqualTo(100);
        final byte[] header100 = HexFormat.of().parseHex(tip.get("hex").asText());
        final byte[] header99 = HexFormat.of().parseHex(request("blockchain.block.header", 99).get("result").asText());
        assertThat(Arrays.copyOfRange(header100, 4, 36)).isEqualTo(Sha256Hash.hashTwice(header99));

        assertThat(simulator.tick()).isZero();
        clock.advance(600_000);
        assertThat(simulator.tick()).isEqualTo(1);
        final JsonNode notification = MAPPER.readTree(in.readLine());
        assertThat(notification.get("method").asText()).isEqualTo("blockchain.headers.subscribe");
        assertThat(notification.get("params").get(0).get("height").asInt()).isEqualTo(101);
    }

    @Test
    void shouldNotifyStatusChangesAndOrderHistoryAsTheProtocolSays() throws Exception
    {
        request("server.version", "commandcenter", "1.4");
        final String scriptHash = WatchList.parseAddress(ADDRESS, WalletNetwork.REGTEST).scriptHash();
        assertThat(request("blockchain.scripthash.subscribe", scriptHash).get("result").isNull()).isTrue();

        final ElectrumSimulator.Payment first = simulator.pay(ADDRESS, 1_000, null);
        final JsonNode notification = MAPPER.readTree(in.readLine());
        assertThat(notification.get("method").asText()).isEqualTo("blockchain.scripthash.subscribe");
        assertThat(notification.get("params").get(0).asText()).isEqualTo(scriptHash);
        assertThat(notification.get("params").get(1).asText()).isEqualTo(simulator.status(scriptHash));

        simulator.mine(1);
        final ElectrumSimulator.Payment second = simulator.pay(ADDRESS, 2_000, null);
        final ElectrumSimulator.Payment third = simulator.pay(ADDRESS, 3_000, null);
        final List<HistoryItem> history = simulator.history(scriptHash);
        final List<String> mempool = List.of(second.txid(), third.txid()).stream().sorted().toList();
        assertThat(history).containsExactly(new HistoryItem(first.txid(), 101),
            new HistoryItem(mempool.get(0), 0), new HistoryItem(mempool.get(1), 0));
        assertThat(simulator.status(scriptHash)).isEqualTo(ScriptHashes.status(history));
        final JsonNode balance = request("blockchain.scripthash.get_balance", scriptHash);
        // drain notifications sent before the response
        assertThat(balance.get("result").get("confirmed").asLong()).isEqualTo(1_000);
        assertThat(balance.get("result").get("unconfirmed").asLong()).isEqualTo(5_000);
    }

    @Test
    void shouldReplaceBlocksInAReorg()
    {
        final String scriptHash = WatchList.parseAddress(ADDRESS, WalletNetwork.REGTEST).scriptHash();
        final ElectrumSimulator.Payment kept = simulator.pay(ADDRESS, 1_000, null);
        simulator.mine(1);
        final ElectrumSimulator.Payment dropped = simulator.pay(ADDRESS, 2_000, null);
        simulator.mine(1);
        final String tipBefore = simulator.tipHash();

        assertThat(simulator.reorg(1, false)).containsExactly(dropped.txid());
        assertThat(simulator.height()).isEqualTo(103);
        assertThat(simulator.tipHash()).isNotEqualTo(tipBefore);
        assertThat(simulator.heightOf(dropped.txid())).isEqualTo(-1);
        assertThat(simulator.history(scriptHash)).containsExactly(new HistoryItem(kept.txid(), 101));

        assertThat(simulator.reorg(3, true)).containsExactly(kept.txid());
        assertThat(simulator.heightOf(kept.txid())).isZero();
        assertThatThrownBy(() -> simulator.reorg(0, true)).hasMessageStartingWith("reorg depth: expected 1 to");
        assertThatThrownBy(() -> simulator.payScript(new byte[]{ 0x51 }, 0, null))
            .hasMessage("payment amount: expected 1 sat or more, got 0");
    }

    private JsonNode request(final String method, final Object... params) throws Exception
    {
        final int id = nextId++;
        send(MAPPER.writeValueAsString(java.util.Map.of("jsonrpc", "2.0", "id", id, "method", method, "params", List.of(params))));
        while (true)
        {
            final JsonNode node = MAPPER.readTree(in.readLine());
            if (node.has("id") && node.get("id").asInt() == id)
            {
                return node;
            }
        }
    }

    private void send(final String line) throws Exception
    {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
