package dev.commandcenter.plugin.automation.action;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class WebhookSenderTest
{
    private static final String SECRET = "s3cret-of-the-hub";
    private static final long NOW_MS = 1_800_000_000_123L;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final CachedEpochClock clock = new CachedEpochClock();
    private final TestCounters counters = new TestCounters();
    private final AtomicCounter retries =
        counters.allocator().allocate(dev.commandcenter.engine.counters.CounterType.AUTOMATION_WEBHOOK_RETRIES, "");
    private WebhookReceiver receiver;
    private WebhookSender sender;

    @BeforeEach
    void setUp() throws Exception
    {
        clock.update(NOW_MS);
        receiver = new WebhookReceiver(SECRET);
    }

    @AfterEach
    void tearDown()
    {
        if (null != sender)
        {
            sender.close();
        }
        receiver.close();
    }

    @Test
    void shouldDeliverASignedJsonBodyThatTheReceiverVerifies() throws Exception
    {
        sender = sender(Map.of("webhookSecret", SECRET));

        final WebhookSender.Result result = send(payload(receiver.url(), 5000, 3,
            "{\"rule\":\"big-tip\",\"amount\":75000,\"name\":\"ann \\\"the\\\" tipper\"}"), "42-1");

        assertThat(result.ok()).isTrue();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.status()).isEqualTo(200);
        assertThat(result.detail()).isEqualTo("webhook 'home-hub': HTTP 200");
        assertThat(receiver.deliveries()).hasSize(1);
        final WebhookReceiver.Delivery delivery = receiver.deliveries().get(0);
        assertThat(delivery.signatureValid()).isTrue();
        assertThat(delivery.contentType()).isEqualTo("application/json");
        assertThat(delivery.timestamp()).isEqualTo("1800000000");
        assertThat(delivery.deliveryId()).isEqualTo("42-1");
        assertThat(MAPPER.readTree(delivery.body())).isEqualTo(
            MAPPER.readTree("{\"rule\":\"big-tip\",\"amount\":75000,\"name\":\"ann \\\"the\\\" tipper\"}"));
        assertThat(retries.get()).isZero();
    }

    @Test
    void shouldLetTheReceiverDetectAWrongSecret() throws Exception
    {
        sender = sender(Map.of("webhookSecret", "not-the-hubs-secret"));

        final WebhookSender.Result result = send(payload(receiver.url(), 5000, 3, "{\"a\":1}"), "7-0");

        assertThat(receiver.deliveries()).hasSize(1);
        assertThat(receiver.deliveries().get(0).signatureValid()).isFalse();
        assertThat(result.ok()).isFalse();
        assertThat(result.status()).isEqualTo(401);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.detail()).isEqualTo("webhook 'home-hub': HTTP 401");
    }

    @Test
    void shouldRetryServerErrorsWithBackoffAndCountEveryRetry() throws Exception
    {
        sender = sender(Map.of("webhookSecret", SECRET));
        receiver.then(WebhookReceiver.Answer.status(500)).then(WebhookReceiver.Answer.status(503));

        final WebhookSender.Result result = send(payload(receiver.url(), 5000, 3, "{\"a\":1}"), "9-2");

        assertThat(result.ok()).isTrue();
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(result.detail()).isEqualTo("webhook 'home-hub': HTTP 200 after 3 attempts");
        assertThat(retries.get()).isEqualTo(2);
        assertThat(receiver.deliveries()).hasSize(3)
            .allSatisfy(delivery ->
            {
                assertThat(delivery.deliveryId()).isEqualTo("9-2");
                assertThat(delivery.signatureValid()).isTrue();
            });
    }

    @Test
    void shouldGiveUpAfterTheRetriesWithTheLastStatus() throws Exception
    {
        sender = sender(Map.of("webhookSecret", SECRET));
        for (int i = 0; i < 3; i++)
        {
            receiver.then(WebhookReceiver.Answer.status(502));
        }

        final WebhookSender.Result result = send(payload(receiver.url(), 5000, 2, "{\"a\":1}"), "9-0");

        assertThat(result.ok()).isFalse();
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(result.status()).isEqualTo(502);
        assertThat(result.detail()).isEqualTo("webhook 'home-hub': HTTP 502 after 3 attempts");
        assertThat(retries.get()).isEqualTo(2);
    }

    @Test
    void shouldFailAtOnceOnAClientError() throws Exception
    {
        sender = sender(Map.of("webhookSecret", SECRET));
        receiver.then(WebhookReceiver.Answer.status(400));

        final WebhookSender.Result result = send(payload(receiver.url(), 5000, 3, "{\"a\":1}"), "1-0");

        assertThat(result.ok()).isFalse();
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(result.status()).isEqualTo(400);
        assertThat(receiver.deliveries()).hasSize(1);
        assertThat(retries.get()).isZero();
    }

    @Test
    void shouldHonourRetryAfterOfTooManyRequestsOverTheBackoff() throws Exception
    {
        sender = new WebhookSender(new WebhookSender.Context()
            .secrets(Map.of("webhookSecret", SECRET)::get)
            .epochClock(clock)
            .retriesCounter(retries)
            .backoffInitialMs(30_000)
            .backoffMaxMs(30_000));
        receiver.then(new WebhookReceiver.Answer(429, "0", false, 0));

        final WebhookSender.Result result = sender.send("home-hub", payload(receiver.url(), 5000, 3, "{\"a\":1}"), "3-0")
            .get(20, TimeUnit.SECONDS);

        assertThat(result.ok()).isTrue();
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(retries.get()).isEqualTo(1);
    }

    @Test
    void shouldTimeOutAndRetryAReceiverThatNeverAnswers() throws Exception
    {
        sender = sender(Map.of("webhookSecret", SECRET));
        for (int i = 0; i < 3; i++)
        {
            receiver.then(new WebhookReceiver.Answer(200, null, true, 0));
        }

        final WebhookSender.Result result = send(payload(receiver.url(), 200, 2, "{\"a\":1}"), "5-0");

        assertThat(result.ok()).isFalse();
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(result.status()).isZero();
        assertThat(result.detail()).isEqualTo("webhook 'home-hub': no answer within 200 ms after 3 attempts");
        assertThat(retries.get()).isEqualTo(2);
        assertThat(receiver.deliveries()).hasSize(3);
    }

    @Test
    void shouldRetryARefusedConnectionAndNeverNameTheQueryString() throws Exception
    {
        sender = sender(Map.of("webhookSecret", SECRET));
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0))
        {
            closedPort = socket.getLocalPort();
        }

        final WebhookSender.Result result = send(
            payload("http://127.0.0.1:" + closedPort + "/hook?token=very-secret-token", 1000, 1, "{}"), "5-0");

        assertThat(result.ok()).isFalse();
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(result.detail()).startsWith("webhook 'home-hub': connection refused").doesNotContain("very-secret-token");
        assertThat(retries.get()).isEqualTo(1);
    }

    @Test
    void shouldFailAtOnceWhenTheSecretIsMissing() throws Exception
    {
        sender = sender(Map.of());

        final WebhookSender.Result result = send(payload(receiver.url(), 5000, 3, "{}"), "5-0");

        assertThat(result.ok()).isFalse();
        assertThat(result.attempts()).isZero();
        assertThat(result.detail()).isEqualTo("webhook 'home-hub': no secret 'webhookSecret' in the secrets store");
        assertThat(receiver.deliveries()).isEmpty();
    }

    @Test
    void shouldRefuseAUrlThatIsNotHttp() throws Exception
    {
        sender = sender(Map.of("webhookSecret", SECRET));

        final WebhookSender.Result result = send(payload("file:///etc/passwd", 5000, 3, "{}"), "5-0");

        assertThat(result.ok()).isFalse();
        assertThat(result.attempts()).isZero();
        assertThat(result.detail()).isEqualTo("webhook 'home-hub': expected an http or https URL, got 'file:///etc/passwd'");
    }

    @Test
    void shouldReadAHugeResponseBodyOnlyUpToItsBound() throws Exception
    {
        sender = sender(Map.of("webhookSecret", SECRET));
        final long huge = 1L << 30;
        receiver.then(new WebhookReceiver.Answer(200, null, false, huge));

        final WebhookSender.Result result = send(payload(receiver.url(), 5000, 3, "{}"), "5-0");

        assertThat(result.ok()).isTrue();
        assertThat(receiver.awaitStreamEnd(30)).as("the sender dropped the connection").isTrue();
        assertThat(receiver.streamedBytes()).isLessThan(64L << 20);
    }

    private WebhookSender sender(final Map<String, String> secrets)
    {
        return new WebhookSender(new WebhookSender.Context()
            .secrets(secrets::get)
            .epochClock(clock)
            .retriesCounter(retries)
            .backoffInitialMs(10)
            .backoffMaxMs(40));
    }

    private WebhookSender.Result send(final String payload, final String deliveryId) throws Exception
    {
        return sender.send("home-hub", payload, deliveryId).get(30, TimeUnit.SECONDS);
    }

    static String payload(final String url, final long timeoutMs, final int retries, final String body) throws Exception
    {
        final ObjectNode payload = MAPPER.createObjectNode();
        payload.put("url", url);
        payload.put("secret", "webhookSecret");
        payload.put("timeoutMs", timeoutMs);
        payload.put("retries", retries);
        payload.set("body", MAPPER.readTree(body));
        return payload.toString();
    }
}
