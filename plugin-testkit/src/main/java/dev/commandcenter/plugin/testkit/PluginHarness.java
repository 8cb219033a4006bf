package dev.commandcenter.plugin.testkit;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.MutableEvent;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginConfig;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.Subscription;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * Runs one plugin without an engine, for its unit tests: gives it a configuration, a fixed clock and an
 * emitter that keeps what it emits, and delivers events as the engine would (subscription first, one at a
 * time, valid only during the call). Emits are checked like the engine checks them.
 * <pre>{@code
 * try (PluginHarness harness = new PluginHarness(new MyPlugin()).config(Map.of("title", "Hi")))
 * {
 *     harness.start();
 *     harness.deliver(0, 1_000_000L, Sources.WALLET, buffer, 0, length);
 *     assertThat(harness.emittedJson()).containsExactly("{\"type\":\"OverlayAlert\",...}");
 * }
 * }</pre>
 * <b>Note:</b> not thread safe, like a plugin's own thread.
 */
public final class PluginHarness implements PluginContext, Emitter, AutoCloseable
{
    /** Largest message an emit may carry, as in the engine. */
    public static final int MAX_MESSAGE_LENGTH = 4096;

    private final Plugin plugin;
    private final MutableEvent view = new MutableEvent();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MAX_MESSAGE_LENGTH]);
    private final List<byte[]> emitted = new ArrayList<>();
    private PluginConfig config;
    private final MemoryPluginStorage storage = new MemoryPluginStorage();
    private EpochClock epochClock = new CachedEpochClock();
    private BitSet permitted;
    private Subscription subscription;
    private boolean started;
    private int refused;

    /**
     * Wrap a plugin.
     *
     * @param plugin to run.
     */
    public PluginHarness(final Plugin plugin)
    {
        this.plugin = plugin;
        this.config = new PluginConfig(plugin.id(), Map.of(), storage);
    }

    /**
     * The plugin's configuration section.
     *
     * @param values the settings.
     * @return this.
     */
    public PluginHarness config(final Map<String, ?> values)
    {
        this.config = new PluginConfig(plugin.id(), values, storage);
        return this;
    }

    /**
     * The clock the plugin is given.
     *
     * @param clock the clock; a {@link CachedEpochClock} at 0 by default.
     * @return this.
     */
    public PluginHarness epochClock(final EpochClock clock)
    {
        this.epochClock = clock;
        return this;
    }

    /**
     * Refuse emits of other message types, as the engine does for a descriptor's {@code permissions.emits}.
     *
     * @param templateIds permitted types.
     * @return this.
     */
    public PluginHarness permitEmits(final int... templateIds)
    {
        permitted = new BitSet();
        for (final int templateId : templateIds)
        {
            permitted.set(templateId);
        }
        return this;
    }

    /**
     * Start the plugin.
     *
     * @throws Exception what the plugin's start throws.
     */
    public void start() throws Exception
    {
        subscription = plugin.subscription();
        if (null == subscription)
        {
            throw new IllegalStateException("plugin '" + plugin.id() + "' returned no subscription");
        }
        plugin.onStart(this);
        started = true;
    }

    /**
     * Deliver a copy of an encoded event, if the plugin's subscription admits it.
     *
     * @param sequence    engine sequence.
     * @param timestampNs event time.
     * @param source      one of the sources.
     * @param buffer      holding the message, header included.
     * @param offset      of the header.
     * @param length      of the message.
     * @return true if delivered, false if the subscription did not admit it.
     * @throws Exception what the plugin throws.
     */
    public boolean deliver(
        final long sequence,
        final long timestampNs,
        final int source,
        final DirectBuffer buffer,
        final int offset,
        final int length) throws Exception
    {
        if (!started)
        {
            throw new IllegalStateException("start the plugin first");
        }
        view.buffer.putBytes(0, buffer, offset, length);
        view.sequence = sequence;
        view.timestampNs = timestampNs;
        view.source = source;
        view.length = length;
        if (!subscription.admits(view))
        {
            return false;
        }
        plugin.onEvent(view);
        return true;
    }

    /**
     * Encode an event and deliver it.
     *
     * @param sequence    engine sequence.
     * @param timestampNs event time.
     * @param source      one of the sources.
     * @param writer      encodes the message.
     * @param arg         passed to the writer.
     * @param <A>         type of the argument.
     * @return true if delivered.
     * @throws Exception what the plugin throws.
     */
    public <A> boolean deliver(
        final long sequence,
        final long timestampNs,
        final int source,
        final MessageWriter<A> writer,
        final A arg) throws Exception
    {
        final int length = writer.write(scratch, 0, arg);
        return deliver(sequence, timestampNs, source, scratch, 0, length);
    }

    /**
     * Stop the plugin.
     */
    public void stop()
    {
        if (started)
        {
            started = false;
            plugin.onStop();
        }
    }

    /**
     * Messages emitted so far, each a copy of its SBE bytes.
     *
     * @return the messages in emit order.
     */
    public List<byte[]> emitted()
    {
        return emitted;
    }

    /**
     * Messages emitted so far, as their JSON view.
     *
     * @return the JSON texts in emit order.
     */
    public List<String> emittedJson()
    {
        final List<String> json = new ArrayList<>();
        for (final byte[] message : emitted)
        {
            json.add(JsonView.instance().toJson(new UnsafeBuffer(message), 0));
        }
        return json;
    }

    /**
     * Emits refused: invalid, too long, or of a type not permitted.
     *
     * @return the count.
     */
    public int refused()
    {
        return refused;
    }

    /**
     * Forget the emitted messages.
     */
    public void clear()
    {
        emitted.clear();
        refused = 0;
    }

    /**
     * The plugin.
     *
     * @return the plugin.
     */
    public Plugin plugin()
    {
        return plugin;
    }

    public PluginConfig config()
    {
        return config;
    }

    public Emitter emitter()
    {
        return this;
    }

    public EpochClock epochClock()
    {
        return epochClock;
    }

    public boolean emit(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > MAX_MESSAGE_LENGTH || null != MessageSchema.validate(buffer, offset, length) ||
            (null != permitted && !permitted.get(MessageSchema.templateId(buffer, offset))))
        {
            refused++;
            return false;
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        emitted.add(copy);
        return true;
    }

    public <A> boolean emit(final MessageWriter<A> writer, final A arg)
    {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[MAX_MESSAGE_LENGTH]);
        final int length = writer.write(out, 0, arg);
        return emit(out, 0, length);
    }

    public void close()
    {
        stop();
    }
}
