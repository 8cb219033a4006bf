/*
 * Agrona ring buffers in C: the same memory layout and the same claim, commit and read protocol as Agrona 2.4.1's
 * OneToOneRingBuffer (this side produces events, Java consumes) and ManyToOneRingBuffer (Java threads produce
 * commands, this side consumes), so the Java side uses Agrona's classes unchanged.
 *
 * Layout: capacity bytes of records (a power of two) followed by a trailer of 768 bytes:
 *
 *   capacity +   0 .. 127   padding
 *   capacity + 128          tail position (int64)
 *   capacity + 256          head cache position (int64)
 *   capacity + 384          head position (int64)
 *   capacity + 512          correlation counter (int64)
 *   capacity + 640          consumer heartbeat (int64)
 *
 * Record: length int32 (header included, negative while being written), type int32, payload; records start on
 * 8-byte boundaries; type -1 is padding to the end of the buffer.
 */
#ifndef CCN_RING_H
#define CCN_RING_H

#include <stdint.h>
#include <stddef.h>

#define CCN_CACHE_LINE_LENGTH 64
#define CCN_RB_TAIL_POSITION_OFFSET (CCN_CACHE_LINE_LENGTH * 2)
#define CCN_RB_HEAD_CACHE_POSITION_OFFSET (CCN_CACHE_LINE_LENGTH * 4)
#define CCN_RB_HEAD_POSITION_OFFSET (CCN_CACHE_LINE_LENGTH * 6)
#define CCN_RB_CORRELATION_COUNTER_OFFSET (CCN_CACHE_LINE_LENGTH * 8)
#define CCN_RB_CONSUMER_HEARTBEAT_OFFSET (CCN_CACHE_LINE_LENGTH * 10)
#define CCN_RB_TRAILER_LENGTH (CCN_CACHE_LINE_LENGTH * 12)

#define CCN_RECORD_HEADER_LENGTH 8
#define CCN_RECORD_ALIGNMENT 8
#define CCN_PADDING_MSG_TYPE_ID (-1)
#define CCN_INSUFFICIENT_CAPACITY (-2)

/* A ring buffer over memory owned by someone else (the Java side allocates it). */
typedef struct ccn_ring_stct
{
    uint8_t *buffer;
    int32_t capacity;
    int32_t max_msg_length;
}
ccn_ring_t;

/* Wrap length bytes (capacity + trailer); returns 0, or -1 when the capacity is not a power of two >= 64. */
int ccn_ring_init(ccn_ring_t *ring, uint8_t *buffer, size_t length);

/*
 * OneToOne producer: claim room for a record of msg_length payload bytes; returns the payload's offset in
 * ring->buffer, or CCN_INSUFFICIENT_CAPACITY (also for a length above max_msg_length or below zero).
 */
int32_t ccn_ring_try_claim(ccn_ring_t *ring, int32_t msg_type_id, int32_t msg_length);

/* OneToOne producer: publish a claimed record (release store of its length). */
void ccn_ring_commit(ccn_ring_t *ring, int32_t payload_offset);

/* OneToOne producer: claim, copy and commit; returns 0, or CCN_INSUFFICIENT_CAPACITY. */
int ccn_ring_write(ccn_ring_t *ring, int32_t msg_type_id, const void *src, int32_t length);

/* Called with each record a consumer reads: type, payload and its length. */
typedef void (*ccn_ring_handler_t)(void *clientd, int32_t msg_type_id, const uint8_t *msg, int32_t length);

/*
 * ManyToOne consumer: read up to limit records from the head to the end of the contiguous block, zero what was
 * consumed and advance the head (release store). A record whose length cannot be right (shorter than a header
 * or reaching past the buffer end) stops the read and sets *corrupt to 1 instead of trusting it.
 */
int ccn_ring_read(ccn_ring_t *ring, ccn_ring_handler_t handler, void *clientd, int limit, int *corrupt);

/* Bytes between head and tail as seen now. */
int32_t ccn_ring_size(const ccn_ring_t *ring);

/* True when the record at the head is committed (a consumer would read something or skip padding). */
int ccn_ring_has_record(const ccn_ring_t *ring);

#endif
