package dev.commandcenter.transport.aeron.output;

import dev.commandcenter.transport.aeron.AeronNode;
import dev.commandcenter.transport.aeron.AeronSettings;
import io.aeron.ExclusivePublication;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutputPublisherTest
{
    @TempDir
    Path dir;

    private AeronNode node;

    @AfterEach
    void tearDown()
    {
        CloseHelper.quietClose(node);
    }

    @Test
    void shouldRetryARefusedOfferForTheBoundCountingTheWaitThenDropAndReportIt()
    {
        final AeronSettings settings = new AeronSettings();
        settings.termLength = 64 * 1024;
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        node = AeronNode.embed(settings, dir.resolve("aeron").toString(), errors::add);
        // No subscriber and no spy: every offer is refused as not connected.
        final ExclusivePublication publication = node.aeron().addExclusivePublication(
            "aeron:udp?endpoint=localhost:" + OutputStreamTest.freeUdpPort(), 1003);
        final long[] nowNs = {0};
        final OutputPublisher publisher = new OutputPublisher(publication, 50, errors::add, () -> nowNs[0] += 10_000_000L);

        publisher.onOutput(new OutputStreamTest.FakeOutput().set(7, "alerts"), true);

        assertThat(publisher.published()).isZero();
        assertThat(publisher.dropped()).isEqualTo(1);
        assertThat(publisher.waitNs()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(publisher.lastOutputSequence()).isEqualTo(-1);
        assertThat(errors).singleElement().extracting(Throwable::getMessage).asString()
            .startsWith("aeron output stream refused output 7 of alerts (NOT_CONNECTED)")
            .endsWith("edges and the recording miss it");
    }
}
