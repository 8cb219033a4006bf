package dev.commandcenter.persistence;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalCorruptionTest
{
    private static final long T0 = 1_795_600_000_000_000_000L;

    @TempDir
    Path dataDir;

    @Test
    void shouldReportSoundJournal()
    {
        final List<Long> indexes = writeJournal(50);

        final JournalVerify.Result result = JournalVerify.verify(journalDir());

        assertThat(result.isSound()).isTrue();
        assertThat(result.records()).isEqualTo(50);
        assertThat(result.describe()).isEqualTo("journal " + journalDir() + ": OK, 50 records in 1 cycle file, sequences 0 to 49");
        assertThat(indexes).hasSize(50);
    }

    @Test
    void shouldDetectCorruptBytesInLastRecordAndRefuseToAppend() throws IOException
    {
        final List<Long> indexes = writeJournal(20);
        final long lastIndex = indexes.get(19);
        final Location last = locate(lastIndex);
        overwrite(last.file(), last.payloadPosition() + JournalRecord.HEADER_LENGTH + 12, new byte[]{ 'X', 'X' });

        final Output output = new Output();
        final int exit = JournalVerify.run(journalDir(), output.out, output.err);

        assertThat(exit).isEqualTo(ToolExit.CORRUPT);
        assertThat(output.out()).startsWith("journal " + journalDir() + ": CORRUPT at index " +
            JournalRecord.formatIndex(lastIndex) + " (" + last.file().getFileName() + "): checksum mismatch");
        assertThat(output.out()).contains("the record is corrupt or truncated; 19 sound records before it");
        assertThat(output.out()).doesNotContain("\n");

        assertThatThrownBy(() -> ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
            .isInstanceOf(JournalException.class)
            .hasMessageStartingWith("cannot open journal " + journalDir() + " for append: journal record at index " +
                JournalRecord.formatIndex(lastIndex))
            .hasMessageContaining("checksum mismatch")
            .hasMessageNotContaining("\n");
    }

    @Test
    void shouldDetectCorruptLengthField() throws IOException
    {
        final List<Long> indexes = writeJournal(10);
        final Location location = locate(indexes.get(4));
        overwrite(location.file(), location.payloadPosition() + JournalRecord.LENGTH_OFFSET, new byte[]{ 0x7F, 0x01 });

        final JournalVerify.Result result = JournalVerify.verify(journalDir());

        assertThat(result.isSound()).isFalse();
        assertThat(result.badIndex()).isEqualTo(indexes.get(4));
        assertThat(result.records()).isEqualTo(4);
        assertThat(result.problem()).startsWith("message length field says 383 bytes but the document holds");
    }

    @Test
    void shouldDetectFileTruncatedInsideLastRecord() throws IOException
    {
        final List<Long> indexes = writeJournal(20);
        final Location last = locate(indexes.get(19));
        truncate(last.file(), last.payloadPosition() + JournalRecord.HEADER_LENGTH + 10);

        final JournalVerify.Result result = JournalVerify.verify(journalDir());

        assertThat(result.isSound()).isFalse();
        assertThat(result.badIndex()).isEqualTo(indexes.get(19));
        assertThat(result.records()).isEqualTo(19);
        assertThat(result.problem()).contains("checksum mismatch");
        assertThatThrownBy(() -> ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
            .isInstanceOf(JournalException.class)
            .hasMessageContaining(last.file().getFileName() + " is truncated");
    }

    @Test
    void shouldDetectFileTruncatedBetweenRecords() throws IOException
    {
        final List<Long> indexes = writeJournal(20);
        final Location cut = locate(indexes.get(15));
        final Location last = locate(indexes.get(19));
        truncate(cut.file(), cut.payloadPosition() - 4);

        final JournalVerify.Result result = JournalVerify.verify(journalDir());

        assertThat(result.isSound()).isFalse();
        assertThat(result.records()).isEqualTo(15);
        assertThat(result.badIndex()).isEqualTo(indexes.get(15));
        assertThat(result.problem()).endsWith("the file is truncated");
        assertThatThrownBy(() -> ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
            .isInstanceOf(JournalException.class)
            .hasMessage("cannot open journal " + journalDir() + " for append: journal " + journalDir() +
                " cannot be read: " + cut.file().getFileName() + " is truncated (its header says a record was " +
                "written at byte " + (last.payloadPosition() - 4) + ", the file holds " + (cut.payloadPosition() - 4) +
                " bytes); verify the journal for details");
    }

    @Test
    void shouldDetectFileTruncatedAcrossPages() throws IOException
    {
        final List<Long> indexes = writeJournal(3000);
        final Location cut = locate(indexes.get(1000));
        truncate(cut.file(), (cut.payloadPosition() & ~4095L) - 4096);

        final JournalVerify.Result result = JournalVerify.verify(journalDir());

        assertThat(result.isSound()).isFalse();
        assertThat(result.problem()).contains("truncated");
        assertThat(result.records()).isLessThan(1000);
        assertThat(result.badIndex()).isEqualTo(indexes.get((int)result.records()));
        assertThatThrownBy(() -> ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
            .isInstanceOf(JournalException.class)
            .hasMessageContaining("truncated")
            .hasMessageNotContaining("\n");
    }

    private Path journalDir()
    {
        return dataDir.resolve("journal");
    }

    private List<Long> writeJournal(final int count)
    {
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
        {
            for (int i = 0; i < count; i++)
            {
                journal.append(event.chat(i, T0 + i, i, "ivy", "message number " + i));
            }
        }
        final List<Long> indexes = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(journalDir()))
        {
            reader.forEach((record) -> indexes.add(record.index()));
        }
        return indexes;
    }

    private Location locate(final long index)
    {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(journalDir()).readOnly(true).build();
            ExcerptTailer tailer = queue.createTailer())
        {
            assertThat(tailer.moveToIndex(index)).isTrue();
            try (DocumentContext dc = tailer.readingDocument())
            {
                assertThat(dc.index()).isEqualTo(index);
                return new Location(tailer.currentFile().toPath(), dc.wire().bytes().readPosition());
            }
        }
    }

    private static void overwrite(final Path file, final long position, final byte[] bytes) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(bytes), position);
        }
    }

    private static void truncate(final Path file, final long length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(length);
        }
    }

    private record Location(Path file, long payloadPosition)
    {
    }

    static final class Output
    {
        private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

        String out()
        {
            return outBytes.toString(StandardCharsets.UTF_8).strip();
        }

        String err()
        {
            return errBytes.toString(StandardCharsets.UTF_8).strip();
        }
    }
}
