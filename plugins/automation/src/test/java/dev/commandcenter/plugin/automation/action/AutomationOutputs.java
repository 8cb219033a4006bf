package dev.commandcenter.plugin.automation.action;

import dev.commandcenter.codecs.sbe.AutomationActionEncoder;
import dev.commandcenter.codecs.sbe.AutomationActionKind;
import dev.commandcenter.codecs.sbe.AutomationFiredEncoder;
import dev.commandcenter.codecs.sbe.AutomationOutcome;
import dev.commandcenter.codecs.sbe.AutomationStateEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Outputs of the automation plugin as the output ring carries them: SBE messages made with the generated encoders,
 * handed to an egress handler as {@link OutputEvent}s, one output sequence after another.
 */
final class AutomationOutputs
{
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final AutomationActionEncoder action = new AutomationActionEncoder();
    private final AutomationFiredEncoder fired = new AutomationFiredEncoder();
    private final AutomationStateEncoder state = new AutomationStateEncoder();
    private long outputSequence;

    /**
     * One step of a fire.
     */
    record Step(AutomationActionKind kind, long durationMs, String target, String payload)
    {
        static Step chat(final String text)
        {
            return new Step(AutomationActionKind.CHAT, 0, "", text);
        }

        static Step waitMs(final long durationMs)
        {
            return new Step(AutomationActionKind.WAIT, durationMs, "", "");
        }

        static Step obs(final String requestType, final String dataJson)
        {
            return new Step(AutomationActionKind.OBS, 0, requestType, dataJson);
        }

        static Step webhook(final String name, final String payloadJson)
        {
            return new Step(AutomationActionKind.WEBHOOK, 0, name, payloadJson);
        }
    }

    /**
     * The outputs of one fire: its AutomationFired, then one AutomationAction per step, from a plugin.
     */
    List<OutputEvent> fire(
        final String pluginId, final long fireId, final String ruleId, final String queue, final Step... steps)
    {
        final List<OutputEvent> outputs = new ArrayList<>();
        final UnsafeBuffer firedBuffer = new UnsafeBuffer(new byte[512]);
        fired.wrapAndApplyHeader(firedBuffer, 0, header)
            .fireId(fireId)
            .atEpochMs(1_800_000_000_000L + fireId)
            .outcome(AutomationOutcome.FIRED)
            .actions(steps.length)
            .retryAfterMs(0)
            .ruleId(ruleId)
            .user("ann")
            .summary("TransactionReceived amountSats=75000");
        outputs.add(new Output(pluginId, outputSequence++, fireId, AutomationFiredEncoder.TEMPLATE_ID, firedBuffer,
            MessageHeaderEncoder.ENCODED_LENGTH + fired.encodedLength()));
        for (int i = 0; i < steps.length; i++)
        {
            outputs.add(action(pluginId, fireId, ruleId, queue, i, steps.length, steps[i]));
        }
        return outputs;
    }

    /**
     * One AutomationAction output.
     */
    OutputEvent action(
        final String pluginId,
        final long fireId,
        final String ruleId,
        final String queue,
        final int step,
        final int steps,
        final Step what)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        action.wrapAndApplyHeader(buffer, 0, header)
            .fireId(fireId)
            .step(step)
            .steps(steps)
            .kind(what.kind())
            .durationMs(what.durationMs())
            .ruleId(ruleId)
            .queue(queue)
            .target(what.target())
            .payload(what.payload());
        return new Output(pluginId, outputSequence++, fireId, AutomationActionEncoder.TEMPLATE_ID, buffer,
            MessageHeaderEncoder.ENCODED_LENGTH + action.encodedLength());
    }

    /**
     * A skipped fire: an AutomationFired with a cooldown outcome and no actions.
     */
    OutputEvent skipped(final long fireId, final String ruleId, final AutomationOutcome outcome, final long retryAfterMs)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        fired.wrapAndApplyHeader(buffer, 0, header)
            .fireId(fireId)
            .atEpochMs(1_800_000_000_000L + fireId)
            .outcome(outcome)
            .actions(0)
            .retryAfterMs(retryAfterMs)
            .ruleId(ruleId)
            .user("bob")
            .summary("ChatMessage text=!hydrate");
        return new Output(AutomationExecutor.PLUGIN_ID, outputSequence++, fireId, AutomationFiredEncoder.TEMPLATE_ID,
            buffer, MessageHeaderEncoder.ENCODED_LENGTH + fired.encodedLength());
    }

    /**
     * An AutomationState output.
     */
    OutputEvent state(final int loaded, final String variablesJson)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        state.wrapAndApplyHeader(buffer, 0, header)
            .rulesLoaded(loaded)
            .rulesRejected(0)
            .rulesJson("[]")
            .variablesJson(variablesJson)
            .errors("")
            .origin("rules.yaml");
        return new Output(AutomationExecutor.PLUGIN_ID, outputSequence++, 0, AutomationStateEncoder.TEMPLATE_ID, buffer,
            MessageHeaderEncoder.ENCODED_LENGTH + state.encodedLength());
    }

    /**
     * Hand outputs to a handler, the last of them ending the batch.
     */
    static void deliver(final EgressHandler handler, final List<OutputEvent> outputs)
    {
        for (int i = 0; i < outputs.size(); i++)
        {
            handler.onOutput(outputs.get(i), i == outputs.size() - 1);
        }
    }

    private record Output(
        String pluginId, long outputSequence, long inputSequence, int templateId, DirectBuffer buffer, int length)
        implements OutputEvent
    {
        public long timestampNs()
        {
            return (1_800_000_000_000L + inputSequence) * 1_000_000L;
        }

        public int offset()
        {
            return 0;
        }
    }
}
