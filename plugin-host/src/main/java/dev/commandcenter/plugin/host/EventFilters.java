package dev.commandcenter.plugin.host;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.Subscription;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Token;


import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Compiles the {@code subscribes} section of a descriptor into a {@link Subscription}: message types, each
 * with optional field tests ({@code amountSats >= 1000}, {@code state == CONNECTED}, {@code channel == "main"})
 * and an optional set of sources. Field tests are resolved against the schema's IR once, when compiled, and
 * then read the SBE bytes in place: no decoding, no allocation per event.
 * <p>
 * Filterable fields: numbers and enums of the message's root block, and its variable-length strings
 * (equality only). Fixed arrays such as hashes and fields inside repeating groups are not filterable.
 * <p>
 * <b>Note:</b> compiled filters are immutable and may be evaluated on any thread.
 */
public final class EventFilters
{
    /** What a field test must look like, for error messages. */
    public static final String EXPECTED_TEST = FieldTests.EXPECTED_TEST;

    private EventFilters()
    {
    }

    /**
     * Names of the event types of the schema (transport messages are never events, so never subscribed to).
     *
     * @return the names, sorted.
     */
    public static TreeSet<String> messageNames()
    {
        final TreeSet<String> names = new TreeSet<>();
        for (final List<Token> tokens : Holder.IR.messages())
        {
            if (MessageSchema.isEvent(tokens.get(0).id()))
            {
                names.add(tokens.get(0).name());
            }
        }
        return names;
    }

    /**
     * Template id of a message type by name.
     *
     * @param name as in the schema.
     * @return the template id, or -1 when there is no such type.
     */
    public static int templateId(final String name)
    {
        return JsonView.instance().templateId(name);
    }

    /**
     * Source id by name.
     *
     * @param name such as {@code wallet}.
     * @return the id, or -1 when there is no such source.
     */
    public static int sourceId(final String name)
    {
        for (int source = 1; source < 64; source++)
        {
            final String known = Sources.name(source);
            if ("unknown".equals(known))
            {
                break;
            }
            if (known.equals(name))
            {
                return source;
            }
        }
        return -1;
    }

    /**
     * Names of every source.
     *
     * @return the names in id order.
     */
    public static List<String> sourceNames()
    {
        final List<String> names = new ArrayList<>();
        for (int source = 1; source < 64 && !"unknown".equals(Sources.name(source)); source++)
        {
            names.add(Sources.name(source));
        }
        return names;
    }

    /**
     * Compile one subscription entry.
     *
     * @param templateId message type, or -1 for every type (then no field tests are allowed).
     * @param tests      field tests that must all hold.
     * @param sources    source ids admitted, empty for any.
     * @return the clause.
     * @throws IllegalArgumentException naming the test that is wrong and what was expected.
     */
    public static Clause clause(final int templateId, final List<String> tests, final List<Integer> sources)
    {
        long mask = 0;
        for (final int source : sources)
        {
            mask |= 1L << source;
        }
        final FieldTests.FieldTest[] compiled = new FieldTests.FieldTest[tests.size()];
        if (templateId < 0 && !tests.isEmpty())
        {
            throw new IllegalArgumentException("field tests need a message type, not '*'");
        }
        for (int i = 0; i < compiled.length; i++)
        {
            compiled[i] = FieldTests.parse(templateId, tests.get(i));
        }
        return new Clause(templateId, mask, compiled);
    }

    /**
     * A subscription admitting an event when any clause does.
     *
     * @param clauses the clauses.
     * @return the subscription.
     */
    public static Subscription subscription(final List<Clause> clauses)
    {
        int maxId = 0;
        boolean any = false;
        boolean filtered = false;
        for (final Clause clause : clauses)
        {
            maxId = Math.max(maxId, clause.templateId);
            any |= clause.templateId < 0;
            filtered |= clause.sourceMask != 0 || clause.tests.length > 0;
        }
        final List<Clause> anyClauses = new ArrayList<>();
        final List<List<Clause>> byId = new ArrayList<>();
        for (int i = 0; i <= maxId; i++)
        {
            byId.add(new ArrayList<>());
        }
        final TreeSet<Integer> ids = new TreeSet<>();
        for (final Clause clause : clauses)
        {
            if (clause.templateId < 0)
            {
                anyClauses.add(clause);
            }
            else
            {
                byId.get(clause.templateId).add(clause);
                ids.add(clause.templateId);
            }
        }
        final int[] idArray = ids.stream().mapToInt(Integer::intValue).toArray();
        if (!filtered)
        {
            return any ? Subscription.all() : Subscription.of(idArray);
        }
        final Clause[][] table = new Clause[maxId + 1][];
        for (int i = 0; i <= maxId; i++)
        {
            table[i] = byId.get(i).toArray(new Clause[0]);
        }
        final Clause[] anyTable = anyClauses.toArray(new Clause[0]);
        final Subscription.EventFilter filter = (event) ->
        {
            final int templateId = event.templateId();
            if (templateId < table.length)
            {
                for (final Clause clause : table[templateId])
                {
                    if (clause.test(event))
                    {
                        return true;
                    }
                }
            }
            for (final Clause clause : anyTable)
            {
                if (clause.test(event))
                {
                    return true;
                }
            }
            return false;
        };
        return any ? Subscription.all().where(filter) : Subscription.of(idArray).where(filter);
    }

    /** One subscription entry: a type (or any), admitted sources, and field tests that must all hold. */
    public static final class Clause
    {
        final int templateId;
        final long sourceMask;
        final FieldTests.FieldTest[] tests;

        Clause(final int templateId, final long sourceMask, final FieldTests.FieldTest[] tests)
        {
            this.templateId = templateId;
            this.sourceMask = sourceMask;
            this.tests = tests;
        }

        /**
         * Template id of the clause, -1 for any type.
         *
         * @return the template id.
         */
        public int templateId()
        {
            return templateId;
        }

        /**
         * Whether an event of this clause's type passes its source and field tests.
         *
         * @param event to test.
         * @return true when admitted.
         */
        public boolean test(final Event event)
        {
            if (0 != sourceMask && (event.source() < 0 || event.source() > 63 || 0 == (sourceMask & (1L << event.source()))))
            {
                return false;
            }
            for (final FieldTests.FieldTest test : tests)
            {
                if (!test.test(event.buffer(), event.offset(), event.length()))
                {
                    return false;
                }
            }
            return true;
        }
    }

    private static final class Holder
    {
        static final Ir IR = MessageSchema.ir();
    }
}
