package dev.commandcenter.examples.bigtip;

import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedEncoder;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.plugin.testkit.PluginContract;
import dev.commandcenter.plugin.testkit.PluginHarness;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BigTipAlertPluginTest
{
    @Test
    void shouldKeepThePluginContract()
    {
        PluginContract.assertSatisfied(BigTipAlertPlugin::new, Map.of());
    }

    @Test
    void shouldTurnAPaymentIntoAnAlertWithTheMemo() throws Exception
    {
        try (PluginHarness harness = new PluginHarness(new BigTipAlertPlugin()).config(Map.of("title", "Wow")))
        {
            harness.start();
            harness.deliver(41, 1_700_000_000_123_000_000L, Sources.WALLET, BigTipAlertPluginTest::payment, 25_000L);

            assertEquals(1, harness.emitted().size());
            final String json = harness.emittedJson().get(0);
            assertTrue(json.contains("\"type\":\"OverlayAlert\""), json);
            assertTrue(json.contains("\"alertId\":41"), json);
            assertTrue(json.contains("\"amountSats\":25000"), json);
            assertTrue(json.contains("\"showAtEpochMs\":1700000000123"), json);
            assertTrue(json.contains("\"title\":\"Wow\""), json);
            assertTrue(json.contains("\"message\":\"great stream\""), json);
        }
    }

    @Test
    void shouldNameABadSetting()
    {
        final PluginHarness harness = new PluginHarness(new BigTipAlertPlugin()).config(Map.of("durationMs", 0));
        final Exception ex = assertThrows(IllegalArgumentException.class, harness::start);
        assertEquals("plugins.big-tip-alert.durationMs: expected 1 to 600000, got 0", ex.getMessage());
    }

    private static int payment(final MutableDirectBuffer buffer, final int offset, final Long amountSats)
    {
        final TransactionReceivedEncoder encoder = new TransactionReceivedEncoder()
            .wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder())
            .amountSats(amountSats)
            .height(0)
            .confirmations(0)
            .address("bc1qexample")
            .memo("great stream");
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
