package dev.commandcenter.transport.electrum.client;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LineReaderTest
{
    @Test
    void shouldSplitLinesAndDropCarriageReturns() throws IOException
    {
        final LineReader reader = reader("{\"a\":1}\r\n\n{\"b\":\"é\"}\n", 64);

        assertThat(reader.readLine()).isEqualTo("{\"a\":1}");
        assertThat(reader.readLine()).isEmpty();
        assertThat(reader.readLine()).isEqualTo("{\"b\":\"é\"}");
        assertThat(reader.readLine()).isNull();
    }

    @Test
    void shouldAcceptALineOfExactlyTheLimitAndRejectOneByteMore() throws IOException
    {
        final LineReader reader = reader("x".repeat(32) + "\n" + "y".repeat(33) + "\n", 32);

        assertThat(reader.readLine()).hasSize(32);
        assertThatThrownBy(reader::readLine)
            .isInstanceOf(LineReader.LineTooLongException.class)
            .hasMessage("line longer than the 32-byte limit");
    }

    @Test
    void shouldRejectAnOverlongLineThatSpansManyReads()
    {
        final LineReader reader = reader("z".repeat(100_000), 50_000);

        assertThatThrownBy(reader::readLine).isInstanceOf(LineReader.LineTooLongException.class);
    }

    @Test
    void shouldFailWhenTheStreamEndsMidLine()
    {
        assertThatThrownBy(() -> reader("{\"partial\":", 64).readLine()).isInstanceOf(EOFException.class);
    }

    private static LineReader reader(final String text, final int max)
    {
        return new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
    }
}
