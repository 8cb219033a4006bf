/*
 * Agrona ring-buffer protocol; see ccn_ring.h. Memory orders follow Agrona 2.4.1: putLongRelease is a release
 * store, getIntVolatile/getLongVolatile are acquire loads (sequentially consistent in Java; acquire is what the
 * protocol needs), putIntOpaque is a relaxed atomic store, plain puts are plain stores.
 */
#include "ccn_ring.h"

#include <stdatomic.h>
#include <string.h>

#define CCN_ALIGN(v, a) (((v) + ((a) - 1)) & ~((a) - 1))

static inline _Atomic int64_t *ccn_long_at(uint8_t *buffer, int32_t index)
{
    return (_Atomic int64_t *)(void *)(buffer + index);
}

static inline _Atomic int32_t *ccn_int_at(uint8_t *buffer, int32_t index)
{
    return (_Atomic int32_t *)(void *)(buffer + index);
}

static inline int64_t ccn_get_long(uint8_t *buffer, int32_t index)
{
    return atomic_load_explicit(ccn_long_at(buffer, index), memory_order_relaxed);
}

static inline void ccn_put_long(uint8_t *buffer, int32_t index, int64_t value)
{
    atomic_store_explicit(ccn_long_at(buffer, index), value, memory_order_relaxed);
}

int ccn_ring_init(ccn_ring_t *ring, uint8_t *buffer, size_t length)
{
    if (NULL == buffer || length <= CCN_RB_TRAILER_LENGTH || length > (size_t)INT32_MAX)
    {
        return -1;
    }

    const int32_t capacity = (int32_t)(length - CCN_RB_TRAILER_LENGTH);
    if (capacity < 64 || 0 != (capacity & (capacity - 1)) || 0 != (((uintptr_t)buffer) & 7u))
    {
        return -1;
    }

    ring->buffer = buffer;
    ring->capacity = capacity;
    ring->max_msg_length = capacity >> 3;
    return 0;
}

static int32_t ccn_claim_capacity(ccn_ring_t *ring, int32_t record_length)
{
    uint8_t *buffer = ring->buffer;
    const int32_t capacity = ring->capacity;
    const int32_t aligned_record_length = CCN_ALIGN(record_length, CCN_RECORD_ALIGNMENT);
    const int32_t required_capacity = aligned_record_length + CCN_RECORD_HEADER_LENGTH;
    const int32_t tail_index = capacity + CCN_RB_TAIL_POSITION_OFFSET;
    const int32_t head_cache_index = capacity + CCN_RB_HEAD_CACHE_POSITION_OFFSET;
    const int32_t head_index_pos = capacity + CCN_RB_HEAD_POSITION_OFFSET;
    const int32_t mask = capacity - 1;

    int64_t head = ccn_get_long(buffer, head_cache_index);
    const int64_t tail = ccn_get_long(buffer, tail_index);
    const int32_t available_capacity = capacity - (int32_t)(tail - head);

    if (required_capacity > available_capacity)
    {
        head = atomic_load_explicit(ccn_long_at(buffer, head_index_pos), memory_order_acquire);
        if (required_capacity > (capacity - (int32_t)(tail - head)))
        {
            return CCN_INSUFFICIENT_CAPACITY;
        }
        ccn_put_long(buffer, head_cache_index, head);
    }

    int32_t padding = 0;
    const int32_t record_index = (int32_t)tail & mask;
    const int32_t to_buffer_end_length = capacity - record_index;
    int32_t write_index = record_index;
    int64_t next_tail = tail + aligned_record_length;

    if (aligned_record_length == to_buffer_end_length)
    {
        atomic_store_explicit(ccn_long_at(buffer, tail_index), next_tail, memory_order_release);
        ccn_put_long(buffer, 0, 0); /* pre-zero the next record header */
        return record_index;
    }
    else if (required_capacity > to_buffer_end_length)
    {
        write_index = 0;
        int32_t head_index = (int32_t)head & mask;
        if (required_capacity > head_index)
        {
            head = atomic_load_explicit(ccn_long_at(buffer, head_index_pos), memory_order_acquire);
            head_index = (int32_t)head & mask;
            if (required_capacity > head_index)
            {
                write_index = CCN_INSUFFICIENT_CAPACITY;
                next_tail = tail;
            }
            ccn_put_long(buffer, head_cache_index, head);
        }
        padding = to_buffer_end_length;
        next_tail += padding;
    }

    atomic_store_explicit(ccn_long_at(buffer, tail_index), next_tail, memory_order_release);

    if (0 != padding)
    {
        ccn_put_long(buffer, 0, 0);
        atomic_store_explicit(ccn_int_at(buffer, record_index + 4), CCN_PADDING_MSG_TYPE_ID, memory_order_relaxed);
        atomic_store_explicit(ccn_int_at(buffer, record_index), padding, memory_order_release);
    }

    if (CCN_INSUFFICIENT_CAPACITY != write_index)
    {
        ccn_put_long(buffer, write_index + aligned_record_length, 0); /* pre-zero the next record header */
    }

    return write_index;
}

int32_t ccn_ring_try_claim(ccn_ring_t *ring, int32_t msg_type_id, int32_t msg_length)
{
    if (msg_type_id < 1 || msg_length < 0 || msg_length > ring->max_msg_length)
    {
        return CCN_INSUFFICIENT_CAPACITY;
    }

    const int32_t record_length = msg_length + CCN_RECORD_HEADER_LENGTH;
    const int32_t record_index = ccn_claim_capacity(ring, record_length);
    if (CCN_INSUFFICIENT_CAPACITY == record_index)
    {
        return CCN_INSUFFICIENT_CAPACITY;
    }

    atomic_store_explicit(ccn_int_at(ring->buffer, record_index), -record_length, memory_order_relaxed);
    atomic_store_explicit(ccn_int_at(ring->buffer, record_index + 4), msg_type_id, memory_order_relaxed);
    return record_index + CCN_RECORD_HEADER_LENGTH;
}

void ccn_ring_commit(ccn_ring_t *ring, int32_t payload_offset)
{
    const int32_t record_index = payload_offset - CCN_RECORD_HEADER_LENGTH;
    _Atomic int32_t *length_field = ccn_int_at(ring->buffer, record_index);
    const int32_t record_length = atomic_load_explicit(length_field, memory_order_relaxed);
    atomic_store_explicit(length_field, -record_length, memory_order_release);
}

int ccn_ring_write(ccn_ring_t *ring, int32_t msg_type_id, const void *src, int32_t length)
{
    const int32_t offset = ccn_ring_try_claim(ring, msg_type_id, length);
    if (offset < 0)
    {
        return CCN_INSUFFICIENT_CAPACITY;
    }
    if (length > 0)
    {
        memcpy(ring->buffer + offset, src, (size_t)length);
    }
    ccn_ring_commit(ring, offset);
    return 0;
}

int ccn_ring_read(ccn_ring_t *ring, ccn_ring_handler_t handler, void *clientd, int limit, int *corrupt)
{
    uint8_t *buffer = ring->buffer;
    const int32_t capacity = ring->capacity;
    const int32_t head_position_index = capacity + CCN_RB_HEAD_POSITION_OFFSET;
    const int64_t head = ccn_get_long(buffer, head_position_index);
    const int32_t head_index = (int32_t)head & (capacity - 1);
    const int32_t contiguous_block_length = capacity - head_index;
    int32_t bytes_read = 0;
    int messages_read = 0;

    while (bytes_read < contiguous_block_length && messages_read < limit)
    {
        const int32_t record_index = head_index + bytes_read;
        const int32_t record_length =
            atomic_load_explicit(ccn_int_at(buffer, record_index), memory_order_acquire);
        if (record_length <= 0)
        {
            break;
        }

        if (record_length < CCN_RECORD_HEADER_LENGTH ||
            record_length > contiguous_block_length - bytes_read)
        {
            if (NULL != corrupt)
            {
                *corrupt = 1;
            }
            break;
        }

        bytes_read += CCN_ALIGN(record_length, CCN_RECORD_ALIGNMENT);

        const int32_t msg_type_id =
            atomic_load_explicit(ccn_int_at(buffer, record_index + 4), memory_order_relaxed);
        if (CCN_PADDING_MSG_TYPE_ID == msg_type_id)
        {
            continue;
        }

        handler(clientd, msg_type_id, buffer + record_index + CCN_RECORD_HEADER_LENGTH,
            record_length - CCN_RECORD_HEADER_LENGTH);
        ++messages_read;
    }

    if (bytes_read > 0)
    {
        memset(buffer + head_index, 0, (size_t)bytes_read);
        atomic_store_explicit(ccn_long_at(buffer, head_position_index), head + bytes_read, memory_order_release);
    }

    return messages_read;
}

int32_t ccn_ring_size(const ccn_ring_t *ring)
{
    uint8_t *buffer = ring->buffer;
    const int32_t capacity = ring->capacity;
    const int64_t head =
        atomic_load_explicit(ccn_long_at(buffer, capacity + CCN_RB_HEAD_POSITION_OFFSET), memory_order_acquire);
    const int64_t tail =
        atomic_load_explicit(ccn_long_at(buffer, capacity + CCN_RB_TAIL_POSITION_OFFSET), memory_order_acquire);
    const int64_t size = tail - head;
    return size < 0 ? 0 : (size > capacity ? capacity : (int32_t)size);
}

int ccn_ring_has_record(const ccn_ring_t *ring)
{
    uint8_t *buffer = ring->buffer;
    const int32_t capacity = ring->capacity;
    const int64_t head =
        atomic_load_explicit(ccn_long_at(buffer, capacity + CCN_RB_HEAD_POSITION_OFFSET), memory_order_relaxed);
    const int32_t head_index = (int32_t)head & (capacity - 1);
    return atomic_load_explicit(ccn_int_at(buffer, head_index), memory_order_acquire) > 0;
}
