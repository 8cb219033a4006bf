package dev.commandcenter.plugin.testkit;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.plugin.host.DescriptorParser;
import dev.commandcenter.plugin.host.SemanticVersion;
import org.agrona.concurrent.UnsafeBuffer;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The contract every plugin keeps, checked without an engine so a plugin's own tests (and the engine's, for
 * built-in plugins) can run it:
 * <ol>
 *     <li>a stable, valid id ({@code [a-z][a-z0-9-]*}) and a semantic version;</li>
 *     <li>a subscription;</li>
 *     <li>it starts with the given configuration and stops cleanly;</li>
 *     <li>it handles a message of every type in the schema, empty and filled, without throwing;</li>
 *     <li>everything it emits is a valid message;</li>
 *     <li>it is replayable: two fresh instances given the same events emit the same bytes, so a reload or a
 *     journal replay reproduces its output;</li>
 *     <li>it can be started again on a fresh instance after another stopped (reload).</li>
 * </ol>
 * <b>Note:</b> stateless.
 */
public final class PluginContract
{
    private static final long BASE_TIMESTAMP_NS = 1_700_000_000_000_000_000L;

    private PluginContract()
    {
    }

    /**
     * Check a plugin against the contract.
     *
     * @param factory makes fresh instances.
     * @param config  its configuration section.
     * @return the violations, empty when it keeps the contract.
     */
    public static List<String> verify(final Supplier<? extends Plugin> factory, final Map<String, ?> config)
    {
        final List<String> violations = new ArrayList<>();
        final Plugin first = factory.get();
        if (null == first)
        {
            violations.add("the factory made no instance");
            return violations;
        }
        final String id = first.id();
        if (null == id || !DescriptorParser.ID.matcher(id).matches())
        {
            violations.add("id '" + id + "' is not lowercase letters, digits and dashes starting with a letter");
        }
        if (!SemanticVersion.isValid(first.version()))
        {
            violations.add("version '" + first.version() + "' is not a semantic version such as 1.2.0");
        }
        if (null == first.subscription())
        {
            violations.add("subscription() returned null, expected a subscription (Subscription.all() for everything)");
        }
        final Plugin second = factory.get();
        if (null != id && (!id.equals(second.id()) || !String.valueOf(first.version()).equals(second.version())))
        {
            violations.add("two instances report different ids or versions: '" + id + "' " + first.version() +
                " and '" + second.id() + "' " + second.version());
        }
        if (!violations.isEmpty())
        {
            return violations;
        }
        final List<byte[]> events = sampleEvents();
        final List<byte[]> firstRun = run(first, config, events, violations, "first instance");
        final List<byte[]> secondRun = run(second, config, events, violations, "second instance");
        if (violations.isEmpty() && !sameBytes(firstRun, secondRun))
        {
            violations.add("two fresh instances given the same events emitted different messages (" + firstRun.size() +
                " and " + secondRun.size() + "): output must depend only on configuration and events (use event " +
                "timestamps, not the wall clock) so reloads and replays reproduce it");
        }
        return violations;
    }

    /**
     * Check a plugin and fail with every violation.
     *
     * @param factory makes fresh instances.
     * @param config  its configuration section.
     * @throws AssertionError listing the violations.
     */
    public static void assertSatisfied(final Supplier<? extends Plugin> factory, final Map<String, ?> config)
    {
        final List<String> violations = verify(factory, config);
        if (!violations.isEmpty())
        {
            throw new AssertionError("plugin breaks the contract:\n  " + String.join("\n  ", violations));
        }
    }

    /**
     * One message of every type in the schema, twice: once with zeroes and empty strings, once with zeroes and
     * one-character strings.
     *
     * @return encoded messages, header included.
     */
    public static List<byte[]> sampleEvents()
    {
        final List<byte[]> events = new ArrayList<>();
        for (final String text : new String[] { "", "x" })
        {
            for (final List<Token> tokens : Holder.IR.messages())
            {
                events.add(encode(tokens, text));
            }
        }
        return events;
    }

    private static byte[] encode(final List<Token> tokens, final String text)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        final Token begin = tokens.get(0);
        final int blockLength = begin.encodedLength();
        new MessageHeaderEncoder().wrap(buffer, 0).blockLength(blockLength).templateId(begin.id())
            .schemaId(MessageSchema.SCHEMA_ID).version(MessageSchema.SCHEMA_VERSION);
        int at = MessageSchema.HEADER_LENGTH + blockLength;
        for (int i = 1; i < tokens.size(); i++)
        {
            final Token token = tokens.get(i);
            if (token.signal() == Signal.BEGIN_GROUP)
            {
                buffer.putShort(at, (short)token.encodedLength(), ByteOrder.LITTLE_ENDIAN);
                buffer.putShort(at + 2, (short)0, ByteOrder.LITTLE_ENDIAN);
                at += 4;
                i += token.componentTokenCount() - 1;
            }
            else if (token.signal() == Signal.BEGIN_VAR_DATA)
            {
                final byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                buffer.putInt(at, bytes.length, ByteOrder.LITTLE_ENDIAN);
                buffer.putBytes(at + 4, bytes);
                at += 4 + bytes.length;
                i += token.componentTokenCount() - 1;
            }
            else if (token.signal() == Signal.BEGIN_FIELD)
            {
                i += token.componentTokenCount() - 1;
            }
        }
        return Arrays.copyOf(buffer.byteArray(), at);
    }

    private static List<byte[]> run(
        final Plugin plugin,
        final Map<String, ?> config,
        final List<byte[]> events,
        final List<String> violations,
        final String which)
    {
        final PluginHarness harness = new PluginHarness(plugin).config(config);
        try
        {
            harness.start();
        }
        catch (final Throwable ex)
        {
            violations.add(which + ": onStart threw " + describe(ex));
            return List.of();
        }
        long sequence = 0;
        for (final byte[] event : events)
        {
            try
            {
                harness.deliver(sequence, BASE_TIMESTAMP_NS + sequence * 1_000_000L, Sources.WALLET,
                    new UnsafeBuffer(event), 0, event.length);
            }
            catch (final Throwable ex)
            {
                violations.add(which + ": onEvent threw " + describe(ex) + " for a " + name(event) + " event; a plugin " +
                    "must handle any message it subscribes to, empty fields included");
            }
            sequence++;
        }
        if (harness.refused() > 0)
        {
            violations.add(which + ": emitted " + harness.refused() + " invalid messages");
        }
        try
        {
            harness.stop();
        }
        catch (final Throwable ex)
        {
            violations.add(which + ": onStop threw " + describe(ex));
        }
        return harness.emitted();
    }

    private static String name(final byte[] event)
    {
        final int templateId = MessageSchema.templateId(new UnsafeBuffer(event), 0);
        for (final List<Token> tokens : Holder.IR.messages())
        {
            if (tokens.get(0).id() == templateId)
            {
                return tokens.get(0).name();
            }
        }
        return "template " + templateId;
    }

    private static boolean sameBytes(final List<byte[]> a, final List<byte[]> b)
    {
        if (a.size() != b.size())
        {
            return false;
        }
        for (int i = 0; i < a.size(); i++)
        {
            if (!Arrays.equals(a.get(i), b.get(i)))
            {
                return false;
            }
        }
        return true;
    }

    private static String describe(final Throwable ex)
    {
        return ex.getClass().getSimpleName() + (null == ex.getMessage() ? "" : ": " + ex.getMessage());
    }

    private static final class Holder
    {
        static final uk.co.real_logic.sbe.ir.Ir IR = MessageSchema.ir();
    }
}
