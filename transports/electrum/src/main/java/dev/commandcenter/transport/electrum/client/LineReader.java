package dev.commandcenter.transport.electrum.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads newline-delimited messages from a stream with a bound on the line length: a line longer
 * than the bound fails as soon as the bound is passed, without buffering the rest of it.
 * <p>
 * <b>Note:</b> not thread safe; one reader thread per stream.
 */
public final class LineReader
{
    private final InputStream in;
    private final int maxLineLength;
    private final byte[] chunk = new byte[16 * 1024];
    private byte[] line = new byte[1024];
    private int position;
    private int limit;

    /**
     * Thrown when a line exceeds the bound.
     */
    public static final class LineTooLongException extends IOException
    {
        private static final long serialVersionUID = 1L;

        /**
         * @param maxLineLength the bound that was passed.
         */
        public LineTooLongException(final int maxLineLength)
        {
            super("line longer than the " + maxLineLength + "-byte limit");
        }
    }

    /**
     * Reader over a stream.
     *
     * @param in            to read.
     * @param maxLineLength longest line accepted, in bytes, excluding the newline.
     */
    public LineReader(final InputStream in, final int maxLineLength)
    {
        this.in = in;
        this.maxLineLength = maxLineLength;
    }

    /**
     * Read the next line, without its terminating newline (and a carriage return before it).
     *
     * @return the line, or null at the end of the stream on a line boundary.
     * @throws LineTooLongException when the line exceeds the bound.
     * @throws EOFException         when the stream ends in the middle of a line.
     * @throws IOException          when reading fails.
     */
    public String readLine() throws IOException
    {
        int length = 0;
        while (true)
        {
            if (position == limit)
            {
                final int read = in.read(chunk);
                if (read < 0)
                {
                    if (0 == length)
                    {
                        return null;
                    }
                    throw new EOFException("stream ended in the middle of a line");
                }
                position = 0;
                limit = read;
            }
            final int start = position;
            while (position < limit && chunk[position] != '\n')
            {
                position++;
            }
            final int count = position - start;
            if ((long)length + count > maxLineLength)
            {
                throw new LineTooLongException(maxLineLength);
            }
            if (length + count > line.length)
            {
                line = Arrays.copyOf(line, Math.min(maxLineLength, Math.max(line.length * 2, length + count)));
            }
            System.arraycopy(chunk, start, line, length, count);
            length += count;
            if (position < limit)
            {
                position++;
                if (length > 0 && line[length - 1] == '\r')
                {
                    length--;
                }
                return new String(line, 0, length, StandardCharsets.UTF_8);
            }
        }
    }
}
