/*
 * Unit tests of the ring and command-record code, run under AddressSanitizer and UBSan by native/asan-test.
 */
#define _POSIX_C_SOURCE 200112L
#include "ccn_ring.h"
#include "ccn_command.h"
#include "ccn_protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

typedef struct
{
    int32_t expected_type[4096];
    int32_t expected_length[4096];
    uint32_t expected_seed[4096];
    int write_count;
    int read_count;
    int mismatches;
}
check_state_t;

static void fill(uint8_t *p, int32_t length, uint32_t seed)
{
    for (int32_t i = 0; i < length; i++)
    {
        p[i] = (uint8_t)(seed + (uint32_t)i * 7u);
    }
}

static void on_record(void *clientd, int32_t type, const uint8_t *msg, int32_t length)
{
    check_state_t *state = clientd;
    const int i = state->read_count++ % 4096;
    if (type != state->expected_type[i] || length != state->expected_length[i])
    {
        state->mismatches++;
        return;
    }
    for (int32_t j = 0; j < length; j++)
    {
        if (msg[j] != (uint8_t)(state->expected_seed[i] + (uint32_t)j * 7u))
        {
            state->mismatches++;
            return;
        }
    }
}

static uint8_t *new_ring(ccn_ring_t *ring, int32_t capacity)
{
    uint8_t *memory = NULL;
    if (0 != posix_memalign((void **)&memory, 64, (size_t)capacity + CCN_RB_TRAILER_LENGTH))
    {
        abort();
    }
    memset(memory, 0, (size_t)capacity + CCN_RB_TRAILER_LENGTH);
    CHECK(0 == ccn_ring_init(ring, memory, (size_t)capacity + CCN_RB_TRAILER_LENGTH));
    return memory;
}

static void should_round_trip_records_with_wrap_around(void)
{
    ccn_ring_t ring;
    uint8_t *memory = new_ring(&ring, 1024);
    check_state_t *state = calloc(1, sizeof(check_state_t));
    uint8_t payload[256];
    uint32_t x = 12345;

    for (int round = 0; round < 2000; round++)
    {
        int written = 0;
        for (;;)
        {
            x = x * 1103515245u + 12345u;
            const int32_t length = (int32_t)((x >> 8) % (uint32_t)(ring.max_msg_length + 1));
            const int32_t type = 1 + (int32_t)(x % 100);
            fill(payload, length, x);
            if (0 != ccn_ring_write(&ring, type, payload, length))
            {
                break;
            }
            const int i = state->write_count++ % 4096;
            state->expected_type[i] = type;
            state->expected_length[i] = length;
            state->expected_seed[i] = x;
            if (++written > 8)
            {
                break;
            }
        }
        int corrupt = 0;
        while (ccn_ring_read(&ring, on_record, state, 3, &corrupt) > 0 || ccn_ring_has_record(&ring))
        {
        }
        CHECK(0 == corrupt);
    }

    CHECK(state->write_count > 2000);
    CHECK(state->write_count == state->read_count);
    CHECK(0 == state->mismatches);
    CHECK(0 == ccn_ring_size(&ring));
    for (int32_t i = 0; i < ring.capacity; i++)
    {
        if (0 != memory[i])
        {
            CHECK(0 == memory[i]);
            break;
        }
    }
    free(state);
    free(memory);
}

static void should_refuse_records_above_max_length_and_when_full(void)
{
    ccn_ring_t ring;
    uint8_t *memory = new_ring(&ring, 256);
    uint8_t payload[64] = { 0 };
    CHECK(CCN_INSUFFICIENT_CAPACITY == ccn_ring_write(&ring, 1, payload, ring.max_msg_length + 1));
    CHECK(CCN_INSUFFICIENT_CAPACITY == ccn_ring_write(&ring, 1, payload, -1));
    CHECK(CCN_INSUFFICIENT_CAPACITY == ccn_ring_write(&ring, 0, payload, 1));
    int written = 0;
    while (0 == ccn_ring_write(&ring, 1, payload, ring.max_msg_length))
    {
        written++;
    }
    CHECK(written > 0 && written < 256 / 8);
    free(memory);
}

static void should_stop_at_corrupt_lengths(void)
{
    ccn_ring_t ring;
    uint8_t *memory = new_ring(&ring, 256);
    check_state_t *state = calloc(1, sizeof(check_state_t));
    const int32_t lengths[] = { 3, 257, 1 << 30, 7 };
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++)
    {
        memset(memory, 0, 256 + CCN_RB_TRAILER_LENGTH);
        ccn_put_i32(memory, lengths[i]);
        ccn_put_i32(memory + 4, 1);
        int corrupt = 0;
        CHECK(0 == ccn_ring_read(&ring, on_record, state, 10, &corrupt));
        CHECK(1 == corrupt);
    }
    CHECK(0 == state->read_count);
    CHECK(CCN_INSUFFICIENT_CAPACITY == -2);
    CHECK(-1 == ccn_ring_init(&ring, memory, 300 + CCN_RB_TRAILER_LENGTH));
    free(state);
    free(memory);
}

typedef struct
{
    int calls;
    int64_t id;
    int32_t a;
    int32_t length;
}
sink_state_t;

static void s_response(void *c, int64_t id, int32_t status, int close_after, const uint8_t *headers,
    int32_t header_count, const uint8_t *body, int32_t body_length)
{
    sink_state_t *s = c;
    s->calls++;
    s->id = id;
    s->a = status;
    s->length = body_length;
    (void)close_after;
    (void)body;
    const uint8_t *cursor = headers;
    int32_t remaining = header_count;
    const uint8_t *name;
    const uint8_t *value;
    int32_t nl;
    int32_t vl;
    while (ccn_response_next_header(&cursor, &remaining, &name, &nl, &value, &vl))
    {
        CHECK(nl >= 0 && vl >= 0);
    }
}

static void s_send(void *c, int64_t id, int binary, const uint8_t *p, int32_t length)
{
    sink_state_t *s = c;
    s->calls++;
    s->id = id;
    s->a = binary;
    s->length = length;
    (void)p;
}

static void s_ping(void *c, int64_t id) { sink_state_t *s = c; s->calls++; s->id = id; }
static void s_abort(void *c, int64_t id) { sink_state_t *s = c; s->calls++; s->id = id; }
static void s_read(void *c, int64_t id, int r) { sink_state_t *s = c; s->calls++; s->id = id; s->a = r; }
static void s_close(void *c, int64_t id, int32_t code, const uint8_t *r, int32_t rl)
{
    sink_state_t *s = c;
    s->calls++;
    s->id = id;
    s->a = code;
    s->length = rl;
    (void)r;
}

static void s_frames(void *c, int64_t id, const uint8_t *p, int32_t length)
{
    sink_state_t *s = c;
    s->calls++;
    s->id = id;
    s->length = length;
    (void)p;
}

static void s_broadcast(void *c, const uint8_t *ids, int32_t count, const uint8_t *p, int32_t length)
{
    sink_state_t *s = c;
    s->calls++;
    s->id = ccn_get_i64(ids + (size_t)(count - 1) * CCN_ID_LENGTH);
    s->a = count;
    s->length = length;
    (void)p;
}

static const ccn_command_sink_t sink =
{
    s_response, s_send, s_ping, s_close, s_abort, s_read, s_frames, s_broadcast
};

static void should_decode_commands_and_reject_malformed_ones(void)
{
    uint8_t msg[128];
    sink_state_t s;

    memset(&s, 0, sizeof(s));
    ccn_put_i64(msg, 42);
    ccn_put_i32(msg + 8, 200);
    ccn_put_i32(msg + 12, 1);
    ccn_put_i32(msg + 16, 2);
    ccn_put_i32(msg + 20, 3);
    ccn_put_i32(msg + 24, 1);
    msg[28] = 'a';
    ccn_put_i32(msg + 29, 2);
    msg[33] = 'b';
    msg[34] = 'c';
    memcpy(msg + 35, "xyz", 3);
    CHECK(0 == ccn_command_decode(CCN_CMD_RESPONSE, msg, 38, &sink, &s));
    CHECK(1 == s.calls && 42 == s.id && 200 == s.a && 3 == s.length);
    CHECK(-1 == ccn_command_decode(CCN_CMD_RESPONSE, msg, 37, &sink, &s));
    ccn_put_i32(msg + 29, 100);
    CHECK(-1 == ccn_command_decode(CCN_CMD_RESPONSE, msg, 38, &sink, &s));
    ccn_put_i32(msg + 29, -5);
    CHECK(-1 == ccn_command_decode(CCN_CMD_RESPONSE, msg, 38, &sink, &s));
    CHECK(1 == s.calls);

    ccn_put_i32(msg + 8, 1);
    CHECK(0 == ccn_command_decode(CCN_CMD_SEND, msg, 20, &sink, &s));
    CHECK(2 == s.calls && 4 == s.length && 1 == s.a);
    CHECK(-1 == ccn_command_decode(CCN_CMD_SEND, msg, 15, &sink, &s));

    ccn_put_i32(msg + 8, 1000);
    ccn_put_i32(msg + 12, 2);
    CHECK(0 == ccn_command_decode(CCN_CMD_CLOSE, msg, 18, &sink, &s));
    CHECK(3 == s.calls && 1000 == s.a && 2 == s.length);
    CHECK(-1 == ccn_command_decode(CCN_CMD_CLOSE, msg, 19, &sink, &s));
    ccn_put_i32(msg + 12, -1);
    CHECK(-1 == ccn_command_decode(CCN_CMD_CLOSE, msg, 15, &sink, &s));
    ccn_put_i32(msg + 8, 5);
    CHECK(-1 == ccn_command_decode(CCN_CMD_CLOSE, msg, 16, &sink, &s));

    CHECK(0 == ccn_command_decode(CCN_CMD_PING, msg, 8, &sink, &s));
    CHECK(0 == ccn_command_decode(CCN_CMD_ABORT, msg, 8, &sink, &s));
    CHECK(0 == ccn_command_decode(CCN_CMD_READ, msg, 12, &sink, &s));
    CHECK(-1 == ccn_command_decode(CCN_CMD_READ, msg, 11, &sink, &s));
    CHECK(-1 == ccn_command_decode(99, msg, 16, &sink, &s));
    CHECK(-1 == ccn_command_decode(CCN_CMD_PING, msg, 7, &sink, &s));
    CHECK(-1 == ccn_command_decode(CCN_CMD_PING, NULL, 8, &sink, &s));
    CHECK(6 == s.calls);

    CHECK(0 == ccn_command_decode(CCN_CMD_FRAMES, msg, 16 + 3, &sink, &s));
    CHECK(7 == s.calls && 3 == s.length);
    CHECK(-1 == ccn_command_decode(CCN_CMD_FRAMES, msg, 15, &sink, &s));
    CHECK(7 == s.calls);

    /* BROADCAST: 0, count 2, reserved, ids 42 and 43, then 3 bytes of frames */
    ccn_put_i64(msg, 0);
    ccn_put_i32(msg + 8, 2);
    ccn_put_i32(msg + 12, 0);
    ccn_put_i64(msg + 16, 42);
    ccn_put_i64(msg + 24, 43);
    CHECK(0 == ccn_command_decode(CCN_CMD_BROADCAST, msg, 32 + 3, &sink, &s));
    CHECK(8 == s.calls && 2 == s.a && 43 == s.id && 3 == s.length);
    /* no frame bytes after the ids, ids past the record's end, no ids, a negative count, too short for a count */
    CHECK(-1 == ccn_command_decode(CCN_CMD_BROADCAST, msg, 32, &sink, &s));
    CHECK(-1 == ccn_command_decode(CCN_CMD_BROADCAST, msg, 30, &sink, &s));
    ccn_put_i32(msg + 8, 0);
    CHECK(-1 == ccn_command_decode(CCN_CMD_BROADCAST, msg, 35, &sink, &s));
    ccn_put_i32(msg + 8, -1);
    CHECK(-1 == ccn_command_decode(CCN_CMD_BROADCAST, msg, 35, &sink, &s));
    ccn_put_i32(msg + 8, INT32_MAX);
    CHECK(-1 == ccn_command_decode(CCN_CMD_BROADCAST, msg, 35, &sink, &s));
    CHECK(-1 == ccn_command_decode(CCN_CMD_BROADCAST, msg, 15, &sink, &s));
    CHECK(8 == s.calls);
}

int main(void)
{
    should_round_trip_records_with_wrap_around();
    should_refuse_records_above_max_length_and_when_full();
    should_stop_at_corrupt_lengths();
    should_decode_commands_and_reject_malformed_ones();
    if (failures > 0)
    {
        fprintf(stderr, "ccn_ring_test: %d check(s) failed\n", failures);
        return 1;
    }
    printf("ccn_ring_test: all checks passed\n");
    return 0;
}
