package dev.commandcenter.plugin.host;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.commandcenter.codecs.MessageSchema;
import uk.co.real_logic.sbe.ir.Signal;
import uk.co.real_logic.sbe.ir.Token;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the subscription filter compiler ({@code where:} field tests of a descriptor) and the compiled tests.
 * <p>
 * Invariants: a field test either compiles or is refused with an {@link IllegalArgumentException} whose message
 * is one non-empty line; a compiled clause evaluates any event bytes (truncated, lying about lengths) to true or
 * false without throwing, since it runs on the engine's ring for every event.
 */
class EventFiltersFuzzTest
{
    private static final String[] OPS = { "==", "!=", ">", ">=", "<", "<=", "=", "=>", "" };
    private static final List<Integer> TEMPLATE_IDS = new ArrayList<>();
    private static final List<List<String>> FIELD_NAMES = new ArrayList<>();

    static
    {
        for (final List<Token> tokens : MessageSchema.ir().messages())
        {
            TEMPLATE_IDS.add(tokens.get(0).id());
            final List<String> fields = new ArrayList<>();
            for (final Token token : tokens)
            {
                if (Signal.BEGIN_FIELD == token.signal() || Signal.BEGIN_VAR_DATA == token.signal() ||
                    Signal.BEGIN_GROUP == token.signal())
                {
                    fields.add(token.name());
                }
            }
            FIELD_NAMES.add(fields);
        }
    }

    @FuzzTest
    void shouldCompileAnyFieldTestOrRejectItWithOneLine(final FuzzedDataProvider data)
    {
        final int message = data.consumeInt(-1, TEMPLATE_IDS.size() - 1);
        final int templateId = message < 0 ? -1 : TEMPLATE_IDS.get(message);
        final List<String> tests = new ArrayList<>();
        for (int i = 0, count = data.consumeInt(0, 3); i < count; i++)
        {
            if (message >= 0 && data.consumeBoolean())
            {
                final List<String> fields = FIELD_NAMES.get(message);
                tests.add(fields.get(data.consumeInt(0, fields.size() - 1)) + " " + data.pickValue(OPS) + " " +
                    data.consumeString(40));
            }
            else
            {
                tests.add(data.consumeString(80));
            }
        }
        final List<Integer> sources = new ArrayList<>();
        final List<String> sourceNames = EventFilters.sourceNames();
        for (int i = 0, count = data.consumeInt(0, 2); i < count; i++)
        {
            sources.add(EventFilters.sourceId(sourceNames.get(data.consumeInt(0, sourceNames.size() - 1))));
        }
        final int source = data.consumeInt(0, 63);
        final byte[] event = data.consumeRemainingAsBytes();

        final EventFilters.Clause clause;
        try
        {
            clause = EventFilters.clause(templateId, tests, sources);
        }
        catch (final IllegalArgumentException ex)
        {
            assertThat(ex.getMessage()).as("message of %s", ex).isNotBlank().doesNotContain("\n", "\r");
            return;
        }
        assertThat(clause.templateId()).isEqualTo(templateId);
        clause.test(FuzzEvents.of(event, source));
        EventFilters.subscription(List.of(clause)).admits(FuzzEvents.of(event, source));
    }
}
