package dev.commandcenter.nativews;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class RingInteropTest
{
    @Test
    void shouldReadBackEveryRecordTheShimWritesIncludingWrapAround()
    {
        final NativeLibrary library = NativeTestSupport.library();
        final int capacity = 4096;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment segment = arena.allocate(capacity + RingBufferDescriptor.TRAILER_LENGTH, 64);
            final OneToOneRingBuffer ring = new OneToOneRingBuffer(
                new UnsafeBuffer(segment.address(), (int)segment.byteSize()));
            final int maxLength = ring.maxMsgLength();
            long records = 0;
            long paddingSeen = 0;

            for (int batch = 0; batch < 500; batch++)
            {
                final long seed = 0x9E3779B97F4A7C15L * (batch + 1);
                final int written = library.testProduce(segment, seed, 7, maxLength);
                assertThat(written).isPositive();
                final long tailBefore = ring.producerPosition();
                final List<byte[]> read = new ArrayList<>();
                final List<Integer> types = new ArrayList<>();
                while (read.size() < written)
                {
                    ring.read((type, buffer, index, length) ->
                    {
                        final byte[] bytes = new byte[length];
                        buffer.getBytes(index, bytes);
                        read.add(bytes);
                        types.add(type);
                    });
                }

                long x = seed | 1;
                for (int i = 0; i < written; i++)
                {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    final int type = 1 + (int)(x & 0xff);
                    final int length = (int)Long.remainderUnsigned(x >>> 8, maxLength + 1);
                    assertThat(types.get(i)).as("type of record %d in batch %d", i, batch).isEqualTo(type);
                    final byte[] expected = new byte[length];
                    for (int j = 0; j < length; j++)
                    {
                        expected[j] = (byte)(i * 31 + j);
                    }
                    assertThat(read.get(i)).as("record %d in batch %d", i, batch).isEqualTo(expected);
                }
                records += written;
                paddingSeen += (tailBefore / capacity);
                assertThat(ring.consumerPosition()).isEqualTo(ring.producerPosition());
            }
            assertThat(records).isEqualTo(3500);
            assertThat(ring.producerPosition()).as("wrapped many times").isGreaterThan(50L * capacity);
            assertThat(paddingSeen).isPositive();
        }
    }

    @Test
    void shouldEchoRecordsJavaWritesThroughTheShimsManyToOneConsumer()
    {
        final NativeLibrary library = NativeTestSupport.library();
        final int capacity = 8192;
        final Random random = new Random(42);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment from = arena.allocate(capacity + RingBufferDescriptor.TRAILER_LENGTH, 64);
            final MemorySegment to = arena.allocate(capacity * 2 + RingBufferDescriptor.TRAILER_LENGTH, 64);
            final ManyToOneRingBuffer commands = new ManyToOneRingBuffer(
                new UnsafeBuffer(from.address(), (int)from.byteSize()));
            final OneToOneRingBuffer echoes = new OneToOneRingBuffer(new UnsafeBuffer(to.address(), (int)to.byteSize()));
            final UnsafeBuffer source = new UnsafeBuffer(new byte[capacity]);

            int total = 0;
            for (int batch = 0; batch < 400; batch++)
            {
                final List<byte[]> sent = new ArrayList<>();
                final List<Integer> sentTypes = new ArrayList<>();
                for (int i = 0; i < 5; i++)
                {
                    final int length = random.nextInt(commands.maxMsgLength() + 1);
                    final byte[] bytes = new byte[length];
                    random.nextBytes(bytes);
                    source.putBytes(0, bytes);
                    final int type = 1 + random.nextInt(1000);
                    if (!commands.write(type, source, 0, length))
                    {
                        break;
                    }
                    sent.add(bytes);
                    sentTypes.add(type);
                }
                final int echoed = library.testEcho(from, to);
                assertThat(echoed).isEqualTo(sent.size());
                final List<byte[]> got = new ArrayList<>();
                final List<Integer> gotTypes = new ArrayList<>();
                echoes.read((type, buffer, index, length) ->
                {
                    final byte[] bytes = new byte[length];
                    buffer.getBytes(index, bytes);
                    got.add(bytes);
                    gotTypes.add(type);
                });
                echoes.read((type, buffer, index, length) ->
                {
                    final byte[] bytes = new byte[length];
                    buffer.getBytes(index, bytes);
                    got.add(bytes);
                    gotTypes.add(type);
                });
                assertThat(gotTypes).isEqualTo(sentTypes);
                assertThat(got).containsExactlyElementsOf(sent);
                assertThat(commands.consumerPosition()).isEqualTo(commands.producerPosition());
                total += echoed;
            }
            assertThat(total).isGreaterThan(1000);
            assertThat(commands.producerPosition()).isGreaterThan(20L * capacity);
            final byte[] records = new byte[capacity];
            from.asSlice(0, capacity).asByteBuffer().get(records);
            assertThat(records).as("the consumer zeroes what it read, as Agrona's ManyToOne consumer does")
                .containsOnly((byte)0);
        }
    }

    @Test
    void shouldAgreeWithTheShimOnEverySharedConstant() throws IllegalAccessException
    {
        final NativeLibrary library = NativeTestSupport.library();
        int checked = 0;
        for (final Field field : NativeProtocol.class.getFields())
        {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == int.class)
            {
                assertThat(library.protocolConstant("CCN_" + field.getName()))
                    .as(field.getName()).isEqualTo(field.getInt(null));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(30);
        assertThat(library.protocolConstant("CCN_RB_TAIL_POSITION_OFFSET"))
            .isEqualTo(RingBufferDescriptor.TAIL_POSITION_OFFSET);
        assertThat(library.protocolConstant("CCN_RB_HEAD_CACHE_POSITION_OFFSET"))
            .isEqualTo(RingBufferDescriptor.HEAD_CACHE_POSITION_OFFSET);
        assertThat(library.protocolConstant("CCN_RB_HEAD_POSITION_OFFSET"))
            .isEqualTo(RingBufferDescriptor.HEAD_POSITION_OFFSET);
        assertThat(library.protocolConstant("CCN_RB_CORRELATION_COUNTER_OFFSET"))
            .isEqualTo(RingBufferDescriptor.CORRELATION_COUNTER_OFFSET);
        assertThat(library.protocolConstant("CCN_RB_CONSUMER_HEARTBEAT_OFFSET"))
            .isEqualTo(RingBufferDescriptor.CONSUMER_HEARTBEAT_OFFSET);
        assertThat(library.protocolConstant("CCN_RB_TRAILER_LENGTH")).isEqualTo(RingBufferDescriptor.TRAILER_LENGTH);
        assertThat(library.protocolConstant("CCN_RECORD_HEADER_LENGTH")).isEqualTo(RecordDescriptor.HEADER_LENGTH);
        assertThat(library.protocolConstant("CCN_RECORD_ALIGNMENT")).isEqualTo(RecordDescriptor.ALIGNMENT);
        assertThat(library.protocolConstant("CCN_PADDING_MSG_TYPE_ID")).isEqualTo(-1);
        assertThat(library.protocolConstant("CCN_NO_SUCH_THING")).isEqualTo(Integer.MIN_VALUE);
    }
}
