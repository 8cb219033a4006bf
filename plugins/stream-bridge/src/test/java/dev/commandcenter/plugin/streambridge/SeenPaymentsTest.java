package dev.commandcenter.plugin.streambridge;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SeenPaymentsTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);

    @Test
    void shouldRememberByTxidAndScriptHashTogether()
    {
        final SeenPayments seen = new SeenPayments(16);

        assertThat(add(seen, 1, 1)).isTrue();
        assertThat(add(seen, 1, 1)).isFalse();
        assertThat(add(seen, 1, 2)).isTrue();
        assertThat(add(seen, 2, 1)).isTrue();
        assertThat(contains(seen, 2, 2)).isFalse();
        assertThat(seen.size()).isEqualTo(3);
    }

    @Test
    void shouldForgetTheOldestWhenFull()
    {
        final SeenPayments seen = new SeenPayments(3);
        add(seen, 1, 0);
        add(seen, 2, 0);
        add(seen, 3, 0);

        assertThat(add(seen, 4, 0)).isTrue();

        assertThat(seen.size()).isEqualTo(3);
        assertThat(contains(seen, 1, 0)).isFalse();
        assertThat(contains(seen, 2, 0)).isTrue();
        assertThat(contains(seen, 3, 0)).isTrue();
        assertThat(contains(seen, 4, 0)).isTrue();
        assertThat(add(seen, 1, 0)).isTrue();
        assertThat(contains(seen, 2, 0)).isFalse();
    }

    @Test
    void shouldAgreeWithABoundedFifoSetOverManyOperations()
    {
        final int capacity = 37;
        final SeenPayments seen = new SeenPayments(capacity);
        final ArrayDeque<String> order = new ArrayDeque<>();
        final Set<String> model = new HashSet<>();
        final Random random = new Random(42);

        for (int i = 0; i < 20_000; i++)
        {
            final int txid = random.nextInt(120);
            final int script = random.nextInt(3);
            final String key = txid + "/" + script;
            final boolean expectedNew = !model.contains(key);
            if (expectedNew)
            {
                if (model.size() == capacity)
                {
                    model.remove(order.removeFirst());
                }
                model.add(key);
                order.addLast(key);
            }

            assertThat(add(seen, txid, script)).as("add %s at step %d", key, i).isEqualTo(expectedNew);
            assertThat(seen.size()).isEqualTo(model.size());
        }
        for (int txid = 0; txid < 120; txid++)
        {
            for (int script = 0; script < 3; script++)
            {
                assertThat(contains(seen, txid, script)).as("contains %d/%d", txid, script)
                    .isEqualTo(model.contains(txid + "/" + script));
            }
        }
    }

    private boolean add(final SeenPayments seen, final int txid, final int script)
    {
        load(txid, script);
        return seen.add(buffer, 0, 32);
    }

    private boolean contains(final SeenPayments seen, final int txid, final int script)
    {
        load(txid, script);
        return seen.contains(buffer, 0, 32);
    }

    private void load(final int txid, final int script)
    {
        // keys that differ only in their last byte, to exercise full-key comparison
        final byte[] tx = new byte[32];
        final byte[] sh = HexFormat.of().parseHex("ab".repeat(32));
        tx[31] = (byte)txid;
        sh[31] = (byte)script;
        buffer.putBytes(0, tx);
        buffer.putBytes(32, sh);
    }
}
