package dev.commandcenter.app.cli;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.Event;
import dev.commandcenter.plugin.host.EventFilters;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code tail} keeps: message types named with {@code --type} (checked against the schema's events and outputs)
 * and field tests given with {@code --filter}, compiled by the same parser as plugin subscriptions
 * ({@link EventFilters}), all of which must hold. With {@code --type}, every test must apply to every type named;
 * without it, the tests keep the types they apply to (a type that has no such field, or whose field the value does
 * not fit, is left out), and a test that applies to no type at all is an error.
 * <p>
 * <b>Note:</b> immutable once compiled; used by the journal reader and the feed listener at once.
 */
final class TailFilter
{
    private static final Pattern FIELD_NAME = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)");
    private static final Ir IR = MessageSchema.ir();

    private final boolean[] admitted = new boolean[MessageSchema.TEMPLATE_ID_LIMIT];
    private final EventFilters.Clause[] clauses = new EventFilters.Clause[MessageSchema.TEMPLATE_ID_LIMIT];
    private final boolean tested;

    private TailFilter(final boolean tested)
    {
        this.tested = tested;
    }

    /**
     * Compile the options.
     *
     * @param types   message names, or null or empty for every event and output type.
     * @param filters field tests that must all hold, or null or empty for none.
     * @return the filter.
     * @throws IllegalArgumentException in one line naming the unknown type (and the known ones) or the wrong test.
     */
    static TailFilter compile(final List<String> types, final List<String> filters)
    {
        final TreeSet<String> known = EventFilters.messageNames();
        final Set<String> named = new LinkedHashSet<>();
        for (final String type : null == types ? List.<String>of() : types)
        {
            final String name = type.strip();
            if (!known.contains(name))
            {
                throw new IllegalArgumentException("unknown message type '" + name + "' for --type: expected one of " +
                    String.join(", ", known));
            }
            named.add(name);
        }
        final List<String> tests = null == filters ? List.of() : filters;
        final TailFilter filter = new TailFilter(!tests.isEmpty());
        if (tests.isEmpty())
        {
            for (final String name : named.isEmpty() ? known : named)
            {
                filter.admitted[EventFilters.templateId(name)] = true;
            }
            return filter;
        }
        if (!named.isEmpty())
        {
            for (final String name : named)
            {
                final int templateId = EventFilters.templateId(name);
                filter.admitted[templateId] = true;
                filter.clauses[templateId] = EventFilters.clause(templateId, tests, List.of());
            }
            return filter;
        }

        final List<String> fieldNames = new ArrayList<>();
        for (final String test : tests)
        {
            final Matcher matcher = FIELD_NAME.matcher(null == test ? "" : test);
            // A test that does not even start with a field name is wrong for every type: say why, as a plugin hears it.
            fieldNames.add(matcher.lookingAt() ? matcher.group(1) : null);
        }
        IllegalArgumentException firstError = null;
        boolean any = false;
        for (final String name : known)
        {
            final int templateId = EventFilters.templateId(name);
            if (!hasFields(templateId, fieldNames))
            {
                continue;
            }
            try
            {
                filter.clauses[templateId] = EventFilters.clause(templateId, tests, List.of());
                filter.admitted[templateId] = true;
                any = true;
            }
            catch (final IllegalArgumentException ex)
            {
                firstError = null == firstError ? ex : firstError;
            }
        }
        if (!any)
        {
            if (null != firstError)
            {
                throw firstError;
            }
            if (fieldNames.contains(null))
            {
                EventFilters.clause(EventFilters.templateId(known.first()), tests, List.of());
            }
            throw new IllegalArgumentException("no event or output type has the fields of --filter " + tests +
                ": name the type with --type to see the fields it has");
        }
        return filter;
    }

    /**
     * Whether messages of a type may pass at all.
     *
     * @param templateId the message type.
     * @return true when it is among the kept types.
     */
    boolean admitsType(final int templateId)
    {
        return templateId >= 0 && templateId < admitted.length && admitted[templateId];
    }

    /**
     * Whether messages of a type must be looked at field by field.
     *
     * @param templateId the message type.
     * @return true when field tests apply to it.
     */
    boolean testsFields(final int templateId)
    {
        return tested && admitsType(templateId);
    }

    /**
     * Whether a message passes: a kept type, and every field test holds.
     *
     * @param event the message, SBE header included.
     * @return true when it is printed.
     */
    boolean admits(final Event event)
    {
        final int templateId = event.templateId();
        if (!admitsType(templateId))
        {
            return false;
        }
        final EventFilters.Clause clause = clauses[templateId];
        return null == clause || clause.test(event);
    }

    /**
     * Names of the kept types, for the start line.
     *
     * @return the names.
     */
    List<String> typeNames()
    {
        final List<String> names = new ArrayList<>();
        for (int id = 0; id < admitted.length; id++)
        {
            if (admitted[id])
            {
                names.add(JsonView.instance().messageName(id));
            }
        }
        return names;
    }

    private static boolean hasFields(final int templateId, final List<String> fieldNames)
    {
        final List<Token> tokens = IR.getMessage(templateId);
        for (final String fieldName : fieldNames)
        {
            if (null == fieldName)
            {
                continue;
            }
            boolean found = false;
            for (final Token token : tokens)
            {
                if ((token.signal() == Signal.BEGIN_FIELD || token.signal() == Signal.BEGIN_VAR_DATA) &&
                    token.name().equals(fieldName))
                {
                    found = true;
                    break;
                }
            }
            if (!found)
            {
                return false;
            }
        }
        return true;
    }
}
