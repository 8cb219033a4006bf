package dev.commandcenter.transport.electrum.client;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Fuzzes the reader of a server's newline-delimited stream with arbitrary bytes, delivered in arbitrary pieces
 * (as TCP may split them), against a line limit the fuzzer picks.
 * <p>
 * Invariant: the reader returns exactly the lines a plain split at {@code '\n'} gives (without one trailing
 * {@code '\r'}), fails with {@link LineReader.LineTooLongException} at the first line over the limit, and at the
 * end returns null on a line boundary or fails with {@link EOFException} inside a line, wherever the pieces split.
 */
class LineReaderFuzzTest
{
    @FuzzTest
    void shouldReadTheSameLinesWhereverTheStreamIsSplit(final FuzzedDataProvider data) throws IOException
    {
        final int maxLineLength = data.consumeInt(1, 96);
        final int[] pieces = new int[data.consumeInt(1, 16)];
        for (int i = 0; i < pieces.length; i++)
        {
            pieces[i] = data.consumeInt(1, 64);
        }
        final byte[] stream = data.consumeRemainingAsBytes();

        final LineReader reader = new LineReader(new PiecewiseStream(stream, pieces), maxLineLength);
        final List<byte[]> expected = split(stream);
        for (final byte[] line : expected)
        {
            if (line.length > maxLineLength)
            {
                try
                {
                    reader.readLine();
                    fail("a line of " + line.length + " bytes passed the limit of " + maxLineLength);
                }
                catch (final LineReader.LineTooLongException ex)
                {
                    assertThat(ex.getMessage()).contains(Integer.toString(maxLineLength));
                    return;
                }
            }
            final int length = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
            assertThat(reader.readLine()).isEqualTo(new String(line, 0, length, StandardCharsets.UTF_8));
        }

        final int tail = stream.length - lastNewline(stream) - 1;
        if (0 == tail)
        {
            assertThat(reader.readLine()).isNull();
        }
        else if (tail > maxLineLength)
        {
            try
            {
                reader.readLine();
                fail("an unterminated line of " + tail + " bytes passed the limit of " + maxLineLength);
            }
            catch (final LineReader.LineTooLongException ex)
            {
                assertThat(ex.getMessage()).contains(Integer.toString(maxLineLength));
            }
        }
        else
        {
            try
            {
                reader.readLine();
                fail("an unterminated line of " + tail + " bytes was returned");
            }
            catch (final EOFException ex)
            {
                assertThat(ex.getMessage()).isNotBlank();
            }
        }
    }

    private static List<byte[]> split(final byte[] stream)
    {
        final List<byte[]> lines = new ArrayList<>();
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (final byte b : stream)
        {
            if (b == '\n')
            {
                lines.add(line.toByteArray());
                line.reset();
            }
            else
            {
                line.write(b);
            }
        }
        return lines;
    }

    private static int lastNewline(final byte[] stream)
    {
        for (int i = stream.length - 1; i >= 0; i--)
        {
            if (stream[i] == '\n')
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * Hands out its bytes in pieces of the given sizes, in turn, as a socket may.
     */
    private static final class PiecewiseStream extends InputStream
    {
        private final byte[] bytes;
        private final int[] pieces;
        private int position;
        private int piece;

        PiecewiseStream(final byte[] bytes, final int[] pieces)
        {
            this.bytes = bytes;
            this.pieces = pieces;
        }

        public int read()
        {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        public int read(final byte[] buffer, final int offset, final int length)
        {
            if (position == bytes.length)
            {
                return -1;
            }
            final int count = Math.min(Math.min(length, pieces[piece++ % pieces.length]), bytes.length - position);
            System.arraycopy(bytes, position, buffer, offset, count);
            position += count;
            return count;
        }
    }
}
