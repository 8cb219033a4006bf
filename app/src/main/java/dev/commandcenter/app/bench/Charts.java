package dev.commandcenter.app.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Rectangle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.List;
import java.util.Locale;

/**
 * The plots of a report, drawn with JFreeChart: the percentile spectrum (latency by percentile on a log axis of
 * 1 / (1 - percentile), as HdrHistogram's plotter draws it) and latency over time; PNG, or SVG through JFreeSVG.
 * <p>
 * <b>Note:</b> runs AWT headless unless {@code java.awt.headless} says otherwise, so it works without a display.
 */
final class Charts
{
    /** Image formats of the plots. */
    enum Format
    {
        /** Portable Network Graphics. */
        PNG,
        /** Scalable Vector Graphics. */
        SVG;

        /**
         * The file extension.
         *
         * @return {@code png} or {@code svg}.
         */
        String extension()
        {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Parse a format name.
         *
         * @param name {@code png} or {@code svg}, any case.
         * @return the format.
         * @throws IllegalArgumentException naming the value and the accepted names.
         */
        static Format parse(final String name)
        {
            final String value = null == name ? "" : name.trim().toLowerCase(Locale.ROOT);
            for (final Format format : values())
            {
                if (format.extension().equals(value))
                {
                    return format;
                }
            }
            throw new IllegalArgumentException("unknown format '" + name + "', expected png or svg");
        }
    }

    /**
     * One curve of a percentile plot.
     *
     * @param name      in the legend.
     * @param histogram latencies in nanoseconds.
     */
    record Curve(String name, Histogram histogram)
    {
    }

    private static final int WIDTH = 960;
    private static final int HEIGHT = 560;
    private static final int TICKS_PER_HALF_DISTANCE = 5;
    private static final Color[] COLOURS = {
        new Color(0x1f, 0x77, 0xb4), new Color(0xd6, 0x27, 0x28), new Color(0x2c, 0xa0, 0x2c), new Color(0xff, 0x7f, 0x0e) };

    static
    {
        if (null == System.getProperty("java.awt.headless"))
        {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts()
    {
    }

    /**
     * Plot latency by percentile, one curve per histogram.
     *
     * @param file   the image file.
     * @param format PNG or SVG.
     * @param title  of the plot.
     * @param curves the histograms.
     */
    static void percentiles(final Path file, final Format format, final String title, final List<Curve> curves)
    {
        final XYSeriesCollection data = new XYSeriesCollection();
        for (final Curve curve : curves)
        {
            final XYSeries series = new XYSeries(curve.name(), false, true);
            final long total = curve.histogram().getTotalCount();
            double lastX = 1.0;
            for (final HistogramIterationValue value : curve.histogram().percentiles(TICKS_PER_HALF_DISTANCE))
            {
                final double percentile = value.getPercentileLevelIteratedTo();
                // The top value sits at 100%, x = infinity: plot it at 1 / (1 - (n - 1) / n) = n, or where the
                // curve got to when that is further.
                final double x = percentile >= 100.0 ? Math.max(lastX, Math.max(2.0, total)) :
                    100.0 / (100.0 - percentile);
                series.add(x, value.getValueIteratedTo() / 1e6);
                lastX = x;
                if (percentile >= 100.0)
                {
                    break;
                }
            }
            data.addSeries(series);
        }
        final LogAxis xAxis = new LogAxis("percentile");
        xAxis.setBase(10);
        xAxis.setSmallestValue(1);
        xAxis.setTickUnit(new NumberTickUnit(1.0), false, true);
        xAxis.setMinorTickMarksVisible(true);
        xAxis.setNumberFormatOverride(new PercentileFormat());
        final NumberAxis yAxis = new NumberAxis("latency (ms)");
        draw(file, format, new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot(data, xAxis, yAxis), true));
    }

    /**
     * Plot latency over time: p50, p99 and max of each reporting interval.
     *
     * @param file      the image file.
     * @param format    PNG or SVG.
     * @param title     of the plot.
     * @param intervals the points.
     */
    static void timeline(
        final Path file, final Format format, final String title, final List<BenchResult.Interval> intervals)
    {
        final XYSeries p50 = new XYSeries("p50", false, true);
        final XYSeries p99 = new XYSeries("p99", false, true);
        final XYSeries max = new XYSeries("max", false, true);
        for (final BenchResult.Interval interval : intervals)
        {
            if (interval.count() > 0)
            {
                p50.add(interval.seconds(), interval.p50Ns() / 1e6);
                p99.add(interval.seconds(), interval.p99Ns() / 1e6);
                max.add(interval.seconds(), interval.maxNs() / 1e6);
            }
        }
        final XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(p50);
        data.addSeries(p99);
        data.addSeries(max);
        final NumberAxis xAxis = new NumberAxis("time (s)");
        xAxis.setAutoRangeIncludesZero(true);
        final NumberAxis yAxis = new NumberAxis("latency (ms)");
        draw(file, format, new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot(data, xAxis, yAxis), true));
    }

    private static XYPlot plot(final XYSeriesCollection data, final org.jfree.chart.axis.ValueAxis xAxis,
        final NumberAxis yAxis)
    {
        final XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < data.getSeriesCount(); i++)
        {
            renderer.setSeriesPaint(i, COLOURS[i % COLOURS.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2.0f));
        }
        final XYPlot plot = new XYPlot(data, xAxis, yAxis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return plot;
    }

    private static void draw(final Path file, final Format format, final JFreeChart chart)
    {
        chart.setBackgroundPaint(Color.WHITE);
        try
        {
            if (Format.PNG == format)
            {
                ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
            }
            else
            {
                final SVGGraphics2D graphics = new SVGGraphics2D(WIDTH, HEIGHT);
                chart.draw(graphics, new Rectangle(0, 0, WIDTH, HEIGHT));
                Files.writeString(file, graphics.getSVGDocument(), StandardCharsets.UTF_8);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file + ": " + ex.getMessage(), ex);
        }
    }

    /** Labels a tick at x = 1 / (1 - p) with p: 10 is 90%, 1000 is 99.9%. */
    private static final class PercentileFormat extends NumberFormat
    {
        private static final long serialVersionUID = 1L;
        private final DecimalFormat decimal = new DecimalFormat("0.#########");

        public StringBuffer format(final double number, final StringBuffer toAppendTo, final FieldPosition pos)
        {
            return toAppendTo.append(decimal.format(100.0 - 100.0 / number)).append('%');
        }

        public StringBuffer format(final long number, final StringBuffer toAppendTo, final FieldPosition pos)
        {
            return format((double)number, toAppendTo, pos);
        }

        public Number parse(final String source, final ParsePosition parsePosition)
        {
            return null;
        }
    }
}
