package dev.commandcenter.app.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedEncoder;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.Sources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tip memos posted to {@code POST /api/chat/tips} on a real node with the real chat plugin: a memo and its payment
 * meet in either order and show as one paid line on the chat feed; only the admin token may post one.
 */
@Timeout(90)
class ChatTipsTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final MessageWriter<Object[]> PAYMENT = (buffer, offset, payment) ->
        MessageHeaderEncoder.ENCODED_LENGTH + new TransactionReceivedEncoder()
            .wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder())
            .amountSats((Long)payment[1])
            .height(0)
            .confirmations(0)
            .putTxid(HexFormat.of().parseHex((String)payment[0]), 0, 32)
            .putScriptHash(new byte[32], 0, 32)
            .address("bcrt1qtipmemo")
            .memo("")
            .encodedLength();

    @TempDir
    Path dataDir;

    private CommandCenterNode node;
    private HttpClient client;

    @AfterEach
    void tearDown()
    {
        if (null != client)
        {
            client.close();
        }
        if (null != node)
        {
            node.close();
        }
    }

    private static String txid(final int n)
    {
        return String.format("%064x", 0x7100L + n);
    }

    @Test
    void shouldShowAMemoPostedBeforeItsPaymentAsOnePaidLine() throws Exception
    {
        node = CommandCenterNode.start(ChatGatewayTest.config((c) -> {}), dataDir, null);
        final ChatGatewayTest.Feed feed = ChatGatewayTest.Feed.open(node.webServer().baseUrl(),
            "/ws/chat?token=" + node.chatToken());

        final HttpResponse<String> posted = tip(node.adminToken(),
            "{\"txid\":\"" + txid(1) + "\",\"name\":\"ann\",\"message\":\"gg <b>well</b> played\",\"room\":\"main\"}");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        assertThat(MAPPER.readTree(posted.body()).get("receipt").asLong()).isNotNegative();
        final long payment = pay(txid(1), 42_000);

        final JsonNode line = feed.awaitType("ChatLine");
        assertPaid(line, 42_000, "ann", "gg <b>well</b> played");
        assertThat(line.get("lineId").asLong()).isEqualTo(payment);
        assertOnePaidLine(feed);
    }

    @Test
    void shouldShowAMemoPostedAfterItsPaymentAsOnePaidLine() throws Exception
    {
        node = CommandCenterNode.start(ChatGatewayTest.config((c) -> {}), dataDir, null);
        final ChatGatewayTest.Feed feed = ChatGatewayTest.Feed.open(node.webServer().baseUrl(),
            "/ws/chat?token=" + node.chatToken());
        pay(txid(2), 5_000);

        final HttpResponse<String> posted = tip(node.adminToken(),
            "{\"txid\":\"" + txid(2).toUpperCase() + "\",\"name\":\"bob\",\"message\":\"thanks!\"}");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        final long receipt = MAPPER.readTree(posted.body()).get("receipt").asLong();

        final JsonNode line = feed.awaitType("ChatLine");
        assertPaid(line, 5_000, "bob", "thanks!");
        assertThat(line.get("lineId").asLong()).isEqualTo(receipt);
        assertOnePaidLine(feed);
    }

    @Test
    void shouldRefuseChatAndModeratorTokensAndBadInputWithOneLine() throws Exception
    {
        node = CommandCenterNode.start(ChatGatewayTest.config((c) -> {}), dataDir, null);
        final String good = "{\"txid\":\"" + txid(3) + "\",\"name\":\"ann\",\"message\":\"gg\"}";

        assertThat(tip(node.chatToken(), good).statusCode()).isEqualTo(403);
        assertThat(tip(node.moderatorToken(), good).statusCode()).isEqualTo(403);
        assertThat(tip(node.token(), good).statusCode()).isEqualTo(403);

        assertBad("{\"txid\":\"" + txid(3) + "\",\"name\":\"ann\",\"message\":\"gg\",\"amountSats\":5}",
            "unknown key 'amountSats': expected txid, name, message, room");
        assertBad("{\"txid\":\"abc\",\"name\":\"ann\",\"message\":\"gg\"}",
            "txid: expected 64 hex digits, got 3 characters");
        assertBad("{\"txid\":\"" + "zz".repeat(32) + "\",\"name\":\"ann\",\"message\":\"gg\"}",
            "txid: expected 64 hex digits, got '" + "zz".repeat(20) + "...'");
        assertBad("{\"txid\":\"" + txid(3) + "\",\"name\":\"ann\"}", "message: expected a non-empty string, got none");
        assertBad("{\"txid\":\"" + txid(3) + "\",\"name\":\"\",\"message\":\"gg\"}",
            "name: expected a non-empty string, got a blank one");
        assertBad("{\"txid\":\"" + txid(3) + "\",\"name\":\"ann\",\"message\":\"gg\",\"room\":\"lobby\"}",
            "room: expected one of main, got 'lobby'");
        assertBad("{\"txid\":\"" + txid(3) + "\",\"name\":\"ann\",\"message\":\"" + "x".repeat(3001) + "\"}",
            "message too long: 3001 bytes, at most 3000");
    }

    private void assertBad(final String json, final String error) throws Exception
    {
        final HttpResponse<String> response = tip(node.adminToken(), json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(MAPPER.readTree(response.body()).get("error").asText()).isEqualTo(error);
    }

    private static void assertPaid(final JsonNode line, final long amountSats, final String user, final String text)
    {
        assertThat(line.get("kind").asText()).isEqualTo("PAID");
        assertThat(line.get("amountSats").asLong()).isEqualTo(amountSats);
        assertThat(line.get("channel").asText()).isEqualTo("main");
        assertThat(line.get("user").asText()).isEqualTo(user);
        assertThat(line.get("text").asText()).isEqualTo(text);
    }

    private void assertOnePaidLine(final ChatGatewayTest.Feed feed) throws Exception
    {
        // A chat message after the tip comes through the same plugin: once it shows, the tip's lines all have.
        final HttpResponse<String> marker = client().send(HttpRequest.newBuilder(
                URI.create(node.webServer().baseUrl() + ChatGateway.MESSAGES_PATH))
            .header("Authorization", "Bearer " + node.chatToken())
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"viewer\",\"text\":\"after the tip\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(marker.statusCode()).as(marker.body()).isEqualTo(200);
        feed.awaitNth("ChatLine", 2);
        assertThat(feed.ofType("ChatLine")).filteredOn(line -> "PAID".equals(line.get("kind").asText())).hasSize(1);
    }

    private long pay(final String txid, final long sats)
    {
        return pay(node, txid, sats);
    }

    static long pay(final CommandCenterNode node, final String txid, final long sats)
    {
        final long receipt = node.engine().publisher().publish(Sources.WALLET, PAYMENT, new Object[]{ txid, sats });
        await().atMost(Duration.ofSeconds(20)).until(() -> node.engine().publisher().isJournaled(receipt));
        return receipt;
    }

    private HttpResponse<String> tip(final String token, final String json) throws Exception
    {
        return client().send(HttpRequest.newBuilder(URI.create(node.webServer().baseUrl() + ChatGateway.TIPS_PATH))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpClient client()
    {
        if (null == client)
        {
            client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        }
        return client;
    }
}
