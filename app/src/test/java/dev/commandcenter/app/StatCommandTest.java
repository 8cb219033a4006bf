package dev.commandcenter.app;

import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.counters.CountersFile;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class StatCommandTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldGroupCountersWithWebCountersTogetherAndResponsesInStatusOrder()
    {
        try (CountersFile file = CountersFile.create(dataDir.resolve(CountersFile.FILE_NAME), 32, 4096,
            ProcessHandle.current().pid(), System.currentTimeMillis()))
        {
            final CountersManager counters = new CountersManager(file.metadata(), file.values(), StandardCharsets.US_ASCII);
            counters.newCounter("events in", CounterType.EVENTS_IN.id()).set(5);
            counters.newCounter("http requests: 503", CounterType.HTTP_REQUESTS.id()).set(2);
            counters.newCounter("plugin processed: alerts", CounterType.PLUGIN_PROCESSED.id()).set(5);
            counters.newCounter("websocket clients", CounterType.WS_CLIENTS.id()).set(3);
            counters.newCounter("http requests: 200", CounterType.HTTP_REQUESTS.id()).set(40);
            counters.newCounter("journal bytes", CounterType.JOURNAL_BYTES.id()).set(640);
            counters.newCounter("websocket drops", CounterType.WS_DROPS.id()).set(7);
            counters.newCounter("web connections reset by peer", CounterType.WEB_PEER_RESETS.id()).set(1);
            counters.newCounter("wallet events", CounterType.WALLET_EVENTS.id()).set(1);
            counters.newCounter("something else", 9001).set(9);

            final CliTest.Result result = CliTest.run("stat", "--data-dir", dataDir.toString());

            assertThat(result.code()).isZero();
            final List<String> lines = Arrays.stream(result.out().split("\n"))
                .skip(2).map((line) -> line.replaceAll("\\s+", " ").strip()).toList();
            assertThat(lines).containsExactly(
                "[engine]",
                "0 events in 5",
                "[journal]",
                "5 journal bytes 640",
                "[plugins]",
                "2 plugin processed: alerts 5",
                "[web: websocket and http]",
                "3 websocket clients 3",
                "6 websocket drops 7",
                "4 http requests: 200 40",
                "1 http requests: 503 2",
                "7 web connections reset by peer 1",
                "[wallet]",
                "8 wallet events 1",
                "[other]",
                "9 something else 9",
                "obs: off");
        }
    }
}
