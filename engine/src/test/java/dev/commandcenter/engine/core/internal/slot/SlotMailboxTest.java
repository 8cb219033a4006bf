package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.engine.core.PluginSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SlotMailboxTest
{
    private final SlotMailbox mailbox = new SlotMailbox();

    @Test
    void shouldHoldOneCommandUntilItIsCompleted()
    {
        final SlotCommand first = SlotCommand.swap(new PluginSpec("p"), true);
        final SlotCommand second = SlotCommand.shutdown();

        assertThat(mailbox.peek()).isNull();
        assertThat(mailbox.offer(first)).isTrue();
        assertThat(mailbox.offer(second)).isFalse();
        assertThat(mailbox.hasCommand()).isTrue();
        assertThat(mailbox.peek()).isSameAs(first);
        assertThat(mailbox.peek()).isSameAs(first);

        mailbox.complete(first, 7);

        assertThat(first.result()).isCompletedWithValue(7L);
        assertThat(mailbox.peek()).isNull();
        assertThat(mailbox.hasCommand()).isFalse();
        assertThat(mailbox.offer(second)).isTrue();
        assertThat(mailbox.peek()).isSameAs(second);
    }
}
