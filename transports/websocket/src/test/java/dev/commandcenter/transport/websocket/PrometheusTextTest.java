package dev.commandcenter.transport.websocket;

import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusTextTest
{
    private final TestCounters counters = new TestCounters();
    private final CounterAllocator allocator = counters.allocator();

    @Test
    void shouldRenderNothingForAnEmptyCountersFile()
    {
        assertThat(PrometheusText.render(counters.manager)).isEmpty();
    }

    @Test
    void shouldRenderCountersAndGaugesWithHelpAndTypeOncePerFamily()
    {
        allocator.allocate(CounterType.EVENTS_IN, "").set(42);
        allocator.allocate(CounterType.PLUGIN_PROCESSED, "alerts").set(7);
        allocator.allocate(CounterType.WS_CLIENTS, "").set(3);
        allocator.allocate(CounterType.PLUGIN_PROCESSED, "stream-bridge").set(9);
        allocator.allocate(CounterType.HTTP_REQUESTS, "503").set(2);
        allocator.allocate(CounterType.EGRESS_LAG, "websocket").set(0);

        assertThat(PrometheusText.render(counters.manager)).isEqualTo(
            "# HELP commandcenter_events_in_total events in\n" +
            "# TYPE commandcenter_events_in_total counter\n" +
            "commandcenter_events_in_total 42\n" +
            "# HELP commandcenter_plugin_processed_total plugin processed\n" +
            "# TYPE commandcenter_plugin_processed_total counter\n" +
            "commandcenter_plugin_processed_total{plugin=\"alerts\"} 7\n" +
            "commandcenter_plugin_processed_total{plugin=\"stream-bridge\"} 9\n" +
            "# HELP commandcenter_egress_lag_events egress lag\n" +
            "# TYPE commandcenter_egress_lag_events gauge\n" +
            "commandcenter_egress_lag_events{egress=\"websocket\"} 0\n" +
            "# HELP commandcenter_websocket_clients websocket clients\n" +
            "# TYPE commandcenter_websocket_clients gauge\n" +
            "commandcenter_websocket_clients 3\n" +
            "# HELP commandcenter_http_requests_total http requests\n" +
            "# TYPE commandcenter_http_requests_total counter\n" +
            "commandcenter_http_requests_total{code=\"503\"} 2\n");
    }

    @Test
    void shouldShowNanosecondValuesInSeconds()
    {
        allocator.allocate(CounterType.PLUGIN_P99_NS, "alerts").set(1_500);
        allocator.allocate(CounterType.PLUGIN_P99_NS, "chat").set(0);
        allocator.allocate(CounterType.JOURNAL_FLUSH_NS, "").set(2_000_000_000L);

        assertThat(PrometheusText.render(counters.manager)).isEqualTo(
            "# HELP commandcenter_plugin_latency_p99_seconds plugin latency p99 in seconds\n" +
            "# TYPE commandcenter_plugin_latency_p99_seconds gauge\n" +
            "commandcenter_plugin_latency_p99_seconds{plugin=\"alerts\"} 0.0000015\n" +
            "commandcenter_plugin_latency_p99_seconds{plugin=\"chat\"} 0\n" +
            "# HELP commandcenter_journal_flush_seconds_total journal flush time in seconds\n" +
            "# TYPE commandcenter_journal_flush_seconds_total counter\n" +
            "commandcenter_journal_flush_seconds_total 2\n");
    }

    @Test
    void shouldEscapeLabelValuesAndPutExtraWordsInDetail()
    {
        allocator.allocate(CounterType.PLUGIN_ERRORS, "we\"ird\\id").set(1);
        allocator.allocate(CounterType.PLUGIN_STATUS, "alerts 1.2.0 QUARANTINED - said \"no\"").set(5);
        allocator.allocate(CounterType.WS_DROPS, "extra").set(4);

        assertThat(PrometheusText.render(counters.manager)).isEqualTo(
            "# HELP commandcenter_plugin_errors_total plugin errors\n" +
            "# TYPE commandcenter_plugin_errors_total counter\n" +
            "commandcenter_plugin_errors_total{plugin=\"we\\\"ird\\\\id\"} 1\n" +
            "# HELP commandcenter_plugin_status plugin status\n" +
            "# TYPE commandcenter_plugin_status gauge\n" +
            "commandcenter_plugin_status{plugin=\"alerts\",detail=\"1.2.0 QUARANTINED - said \\\"no\\\"\"} 5\n" +
            "# HELP commandcenter_websocket_drops_total websocket drops\n" +
            "# TYPE commandcenter_websocket_drops_total counter\n" +
            "commandcenter_websocket_drops_total{detail=\"extra\"} 4\n");
    }

    @Test
    void shouldEscapeBackslashQuoteAndLineFeed()
    {
        assertThat(PrometheusText.escapeLabelValue("a\\b\"c\nd")).isEqualTo("a\\\\b\\\"c\\nd");
        assertThat(PrometheusText.escapeHelp("a\\b\"c\nd")).isEqualTo("a\\\\b\"c\\nd");
        assertThat(PrometheusText.escapeLabelValue("plain")).isEqualTo("plain");
    }

    @Test
    void shouldRenderCountersOfUnknownTypesAsOneGaugeFamily()
    {
        counters.manager.newCounter("custom \"thing\"", 9001).set(12);
        allocator.allocate(CounterType.ERRORS, "").set(1);

        assertThat(PrometheusText.render(counters.manager)).isEqualTo(
            "# HELP commandcenter_errors_total errors\n" +
            "# TYPE commandcenter_errors_total counter\n" +
            "commandcenter_errors_total 1\n" +
            "# HELP commandcenter_counter counters of a type this build does not know, by type id and label\n" +
            "# TYPE commandcenter_counter gauge\n" +
            "commandcenter_counter{type_id=\"9001\",label=\"custom \\\"thing\\\"\"} 12\n");
    }

    @Test
    void shouldSumCountersThatWouldBeTheSameSeriesAndSkipFreedOnes()
    {
        allocator.allocate(CounterType.WS_FRAMES_SENT, "").set(5);
        allocator.allocate(CounterType.WS_FRAMES_SENT, "").set(6);
        allocator.allocate(CounterType.WS_BYTES_SENT, "").close();

        assertThat(PrometheusText.render(counters.manager)).isEqualTo(
            "# HELP commandcenter_websocket_frames_sent_total websocket frames sent\n" +
            "# TYPE commandcenter_websocket_frames_sent_total counter\n" +
            "commandcenter_websocket_frames_sent_total 11\n");
    }

    @Test
    void shouldNameEveryTypeByPrometheusConventions()
    {
        final Set<String> names = new HashSet<>();
        for (final CounterType type : CounterType.values())
        {
            final String name = type.prometheusName();
            assertThat(name).as(type.name()).matches("commandcenter_[a-z0-9_]+");
            assertThat(names.add(name)).as("unique " + name).isTrue();
            assertThat(name.endsWith("_total")).as(type.name() + " is a counter").isEqualTo(type.kind() == CounterType.Kind.COUNTER);
            assertThat(name.contains("_seconds")).as(type.name() + " is in seconds").isEqualTo(type.isNanoseconds());
            assertThat(name).doesNotContain("_ns");
        }
    }
}
