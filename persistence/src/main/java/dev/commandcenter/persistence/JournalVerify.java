package dev.commandcenter.persistence;

import dev.commandcenter.persistence.internal.QueueFiles;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.CloseHelper;
import org.agrona.collections.Int2ObjectHashMap;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Walks every record of a journal, read-only, and checks it: the Chronicle document can be read,
 * the record's framing (magic, record version, length field against the document length), its
 * CRC-32C checksum, the SBE message header (schema id, version, block length, known template) and
 * that sequences continue without gaps or repeats. It also compares each cycle file with the write
 * position its header records, so a file cut short is reported even where the cut falls between
 * records. It stops at the first bad record and names its index.
 */
public final class JournalVerify
{
    private static final int CHRONICLE_HEADER_LENGTH = 4;
    private static final int MAX_ATTEMPTS = 3;

    private JournalVerify()
    {
    }

    /**
     * What {@link #verify(Path)} found.
     *
     * @param journalDir    the journal.
     * @param cycleFiles    number of cycle files.
     * @param records       sound records read before the first problem (all of them when sound).
     * @param firstSequence sequence of the first record, -1 when none.
     * @param lastSequence  sequence of the last sound record, -1 when none.
     * @param badIndex      Chronicle index of the first bad record, -1 when sound or unknown.
     * @param badFile       name of the cycle file holding it, or null.
     * @param problem       what is wrong, one line, or null when the journal is sound.
     */
    public record Result(
        Path journalDir,
        int cycleFiles,
        long records,
        long firstSequence,
        long lastSequence,
        long badIndex,
        String badFile,
        String problem)
    {
        /**
         * Whether every record is sound.
         *
         * @return true when no problem was found.
         */
        public boolean isSound()
        {
            return null == problem;
        }

        /**
         * The verdict as one line.
         *
         * @return such as {@code journal /data/journal: OK, 12 records in 1 cycle file, sequences 0 to 11}.
         */
        public String describe()
        {
            final String files = cycleFiles + (1 == cycleFiles ? " cycle file" : " cycle files");
            if (isSound())
            {
                return "journal " + journalDir + ": OK, " + records + " records in " + files +
                    (records > 0 ? ", sequences " + firstSequence + " to " + lastSequence : "");
            }
            final String where = badIndex >= 0 ?
                " at index " + JournalRecord.formatIndex(badIndex) + (null != badFile ? " (" + badFile + ")" : "") : "";
            return "journal " + journalDir + ": CORRUPT" + where + ": " + problem + "; " + records +
                " sound records before it";
        }
    }

    /**
     * Verify a journal.
     *
     * @param journalDir directory of the cycle files.
     * @return the result; sound or naming the first bad record.
     * @throws JournalException when the directory is missing or foreign.
     */
    public static Result verify(final Path journalDir)
    {
        QueueFiles.requireQueueDir(journalDir, "journal");
        final List<Path> files = QueueFiles.cycleFiles(journalDir);
        return files.isEmpty() ? new Result(journalDir, 0, 0, -1, -1, -1, null, null) : new Walk(journalDir, files.size()).run();
    }

    /**
     * Verify a journal and print the verdict as one line.
     *
     * @param journalDir directory of the cycle files.
     * @param out        receives the verdict.
     * @param err        receives a one-line message when the journal cannot be verified at all.
     * @return {@link ToolExit#OK} when sound, {@link ToolExit#CORRUPT} naming the first bad index, or
     * {@link ToolExit#ERROR} for a missing or foreign directory.
     */
    public static int run(final Path journalDir, final PrintStream out, final PrintStream err)
    {
        final Result result;
        try
        {
            result = verify(journalDir);
        }
        catch (final JournalException ex)
        {
            err.println(ex.getMessage());
            return ToolExit.ERROR;
        }
        out.println(result.describe());
        out.flush();
        return result.isSound() ? ToolExit.OK : ToolExit.CORRUPT;
    }

    /** One pass over the journal. */
    private static final class Walk
    {
        private final Path dir;
        private final int cycleFiles;
        private final JournalRecord record = new JournalRecord();
        private final Int2ObjectHashMap<long[]> lastHeaderByCycle = new Int2ObjectHashMap<>();
        private long records;
        private long firstSequence = -1;
        private long lastSequence = -1;
        private long lastIndex = -1;
        private String currentFile;

        Walk(final Path dir, final int cycleFiles)
        {
            this.dir = dir;
            this.cycleFiles = cycleFiles;
        }

        Result run()
        {
            final SingleChronicleQueue queue;
            try
            {
                queue = JournalReader.openReadOnly(dir, "journal");
            }
            catch (final JournalException ex)
            {
                return bad(-1, ex.getMessage());
            }
            ExcerptTailer tailer = null;
            try
            {
                tailer = queue.createTailer();
                tailer.singleThreadedCheckDisabled(true);
                Result result = walk(tailer);
                for (int attempt = 0; null == result; attempt++)
                {
                    final Result checked = checkWritePositions(queue);
                    if (checked.isSound() || attempt == MAX_ATTEMPTS)
                    {
                        return checked;
                    }
                    // An engine appending while we verify moves write positions on: read on and check again.
                    final long recordsBefore = records;
                    result = walk(tailer);
                    if (null == result && records == recordsBefore)
                    {
                        return checked;
                    }
                }
                return result;
            }
            catch (final InternalError ex)
            {
                return bad(lastIndex < 0 ? -1 : lastIndex + 1,
                    "cannot read past the end of " + (null == currentFile ? "a cycle file" : currentFile) +
                    ": the file is truncated");
            }
            catch (final RuntimeException | AssertionError ex)
            {
                return bad(lastIndex < 0 ? -1 : lastIndex + 1, "Chronicle cannot read the next document: " +
                    QueueFiles.describe(ex));
            }
            finally
            {
                CloseHelper.quietCloseAll(tailer, queue);
            }
        }

        private Result walk(final ExcerptTailer tailer)
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument(true))
                {
                    if (!dc.isPresent())
                    {
                        return null;
                    }
                    final File file = tailer.currentFile();
                    currentFile = null == file ? null : file.getName();
                    final Bytes<?> bytes = dc.wire().bytes();
                    final int cycle = tailer.cycle();
                    long[] lastHeader = lastHeaderByCycle.get(cycle);
                    if (null == lastHeader)
                    {
                        lastHeader = new long[]{ -1, -1 };
                        lastHeaderByCycle.put(cycle, lastHeader);
                    }
                    lastHeader[0] = Math.max(lastHeader[0], bytes.readPosition() - CHRONICLE_HEADER_LENGTH);
                    if (!dc.isData())
                    {
                        continue;
                    }
                    final long index = dc.index();
                    lastHeader[1] = index;
                    final long documentLength = bytes.readRemaining();
                    bytes.read(record.copyTarget(), 0, (int)Math.min(documentLength, JournalRecord.MAX_RECORD_LENGTH));
                    final String problem = record.decodeInPlace(index, (int)Math.min(documentLength, Integer.MAX_VALUE));
                    if (null != problem)
                    {
                        return bad(index, problem);
                    }
                    final long sequence = record.sequence();
                    if (records > 0 && sequence != lastSequence + 1)
                    {
                        return bad(index, "sequence " + sequence + " follows " + lastSequence + " (expected " +
                            (lastSequence + 1) + "): records are missing or repeated");
                    }
                    if (0 == records)
                    {
                        firstSequence = sequence;
                    }
                    lastSequence = sequence;
                    lastIndex = index;
                    records++;
                }
            }
        }

        private Result checkWritePositions(final SingleChronicleQueue queue)
        {
            for (final Path file : QueueFiles.cycleFiles(dir))
            {
                currentFile = file.getFileName().toString();
                final int cycle = cycleOf(queue, file);
                if (Integer.MIN_VALUE == cycle)
                {
                    continue;
                }
                final SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
                if (null == store)
                {
                    continue;
                }
                try
                {
                    final long writePosition = store.writePosition();
                    final long[] lastHeader = lastHeaderByCycle.get(cycle);
                    final long lastRead = null == lastHeader ? -1 : lastHeader[0];
                    if (writePosition > lastRead)
                    {
                        final long afterIndex = null == lastHeader || lastHeader[1] < 0 ?
                            queue.rollCycle().toIndex(cycle, 0) : lastHeader[1] + 1;
                        return bad(afterIndex, "the last readable document starts at byte " + Math.max(lastRead, 0) +
                            " but the file's header says one was written at byte " + writePosition +
                            ": the file is truncated");
                    }
                }
                finally
                {
                    queue.closeStore(store);
                }
            }
            return new Result(dir, cycleFiles, records, firstSequence, lastSequence, -1, null, null);
        }

        private static int cycleOf(final SingleChronicleQueue queue, final Path file)
        {
            final String fileName = file.getFileName().toString();
            final String name = fileName.substring(0, fileName.length() - QueueFiles.CYCLE_SUFFIX.length());
            try
            {
                return new net.openhft.chronicle.queue.impl.RollingResourcesCache(
                    queue.rollCycle(), queue.epoch(), File::new, File::getName).parseCount(name);
            }
            catch (final RuntimeException ex)
            {
                return Integer.MIN_VALUE;
            }
        }

        private Result bad(final long index, final String problem)
        {
            return new Result(dir, cycleFiles, records, firstSequence, lastSequence, index, currentFile, problem);
        }
    }
}
