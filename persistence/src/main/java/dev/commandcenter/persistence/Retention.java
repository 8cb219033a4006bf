package dev.commandcenter.persistence;

import dev.commandcenter.persistence.internal.QueueFiles;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.RollingResourcesCache;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How long a queue keeps its cycle files: forever, the newest N cycle files, or the cycles that
 * ended less than a duration ago. Older cycle files are deleted when the queue opens and each time
 * it rolls to a new cycle; the cycle being written is never deleted.
 * <p>
 * <b>Note:</b> immutable.
 */
public final class Retention
{
    /** Keep every cycle file. */
    public static final Retention FOREVER = new Retention(0, null);

    private static final int SUFFIX_LENGTH = QueueFiles.CYCLE_SUFFIX.length();

    private final int keepCycles;
    private final Duration keepFor;

    private Retention(final int keepCycles, final Duration keepFor)
    {
        this.keepCycles = keepCycles;
        this.keepFor = keepFor;
    }

    /**
     * Keep the newest {@code count} cycle files, the one being written included.
     *
     * @param count 1 or more.
     * @return the retention.
     */
    public static Retention keepCycles(final int count)
    {
        if (count < 1)
        {
            throw new IllegalArgumentException("retention: expected to keep 1 or more cycles, got " + count);
        }
        return new Retention(count, null);
    }

    /**
     * Keep the cycles that ended less than {@code duration} ago.
     *
     * @param duration positive.
     * @return the retention.
     */
    public static Retention keepFor(final Duration duration)
    {
        if (null == duration || duration.isNegative() || duration.isZero())
        {
            throw new IllegalArgumentException("retention: expected a positive duration, got " + duration);
        }
        return new Retention(0, duration);
    }

    /**
     * Parse a retention: {@code forever}, a duration such as {@code 7d} or {@code 12h}, or a count
     * of cycle files such as {@code 10 cycles}.
     *
     * @param value the text.
     * @return the retention.
     * @throws IllegalArgumentException naming the value and the accepted forms.
     */
    public static Retention parse(final String value)
    {
        final String text = null == value ? "" : value.trim().toLowerCase(Locale.ROOT);
        if ("forever".equals(text))
        {
            return FOREVER;
        }
        if (text.endsWith("cycles") || text.endsWith("cycle"))
        {
            final String digits = text.substring(0, text.lastIndexOf("cycle")).trim();
            try
            {
                return keepCycles(Integer.parseInt(digits));
            }
            catch (final IllegalArgumentException ignore)
            {
                // reported below
            }
        }
        else
        {
            try
            {
                return keepFor(TimeArgs.parseDuration(text));
            }
            catch (final IllegalArgumentException ignore)
            {
                // reported below
            }
        }
        throw new IllegalArgumentException("unparseable retention '" + value +
            "': expected forever, a duration (12h, 7d, 4w) or a number of cycle files (10 cycles)");
    }

    /**
     * Whether every cycle file is kept.
     *
     * @return true for {@link #FOREVER}.
     */
    public boolean isForever()
    {
        return 0 == keepCycles && null == keepFor;
    }

    /**
     * Number of cycle files kept.
     *
     * @return the count, or 0 when not retained by count.
     */
    public int keepCycles()
    {
        return keepCycles;
    }

    /**
     * How long ended cycles are kept.
     *
     * @return the duration, or null when not retained by age.
     */
    public Duration keepFor()
    {
        return keepFor;
    }

    /**
     * Which cycle files this retention lets go. The newest file is always kept.
     *
     * @param cycleFiles oldest first, as {@link QueueFiles#cycleFiles(Path)} lists them.
     * @param rollCycle  of the queue, to tell when a cycle ended.
     * @param nowMs      epoch milliseconds.
     * @return the files to delete, oldest first.
     */
    public List<Path> expired(final List<Path> cycleFiles, final RollCycle rollCycle, final long nowMs)
    {
        final List<Path> expired = new ArrayList<>();
        final int candidates = cycleFiles.size() - 1;
        if (isForever() || candidates <= 0)
        {
            return expired;
        }
        if (keepCycles > 0)
        {
            for (int i = 0, excess = cycleFiles.size() - keepCycles; i < excess; i++)
            {
                expired.add(cycleFiles.get(i));
            }
            return expired;
        }
        final RollingResourcesCache names = new RollingResourcesCache(rollCycle, 0, File::new, File::getName);
        final long keepFromMs = nowMs - keepFor.toMillis();
        for (int i = 0; i < candidates; i++)
        {
            final Path file = cycleFiles.get(i);
            final String fileName = file.getFileName().toString();
            final String name = fileName.substring(0, fileName.length() - SUFFIX_LENGTH);
            final long cycleEndMs;
            try
            {
                cycleEndMs = ((long)names.parseCount(name) + 1) * rollCycle.lengthInMillis();
            }
            catch (final RuntimeException ex)
            {
                continue;
            }
            if (cycleEndMs <= keepFromMs)
            {
                expired.add(file);
            }
        }
        return expired;
    }

    /**
     * Text form, as {@link #parse(String)} reads it.
     *
     * @return such as {@code forever}, {@code 10 cycles} or {@code 604800s}.
     */
    public String toString()
    {
        if (isForever())
        {
            return "forever";
        }
        return keepCycles > 0 ? keepCycles + " cycles" : keepFor.toSeconds() + "s";
    }
}
