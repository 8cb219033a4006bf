/*
 * libFuzzer target: arbitrary bytes become the record area of a command ring (lengths, types, ids, truncated and
 * negative lengths, unknown types, garbage positions) and go through the same consumer and decoder the service
 * thread runs. Anything the sanitizers flag, or a decoded command reaching past its record, is a finding.
 */
#include "ccn_ring.h"
#include "ccn_command.h"
#include "ccn_protocol.h"

#include <stdlib.h>
#include <string.h>

#define FUZZ_CAPACITY 4096

typedef struct
{
    const uint8_t *record;
    int32_t length;
    uint64_t sum;
}
fuzz_state_t;

static void touch(fuzz_state_t *state, const uint8_t *p, int32_t length)
{
    if (length < 0 || p < state->record || p + length > state->record + state->length)
    {
        abort(); /* the decoder handed out bytes outside the record */
    }
    for (int32_t i = 0; i < length; i++)
    {
        state->sum += p[i];
    }
}

static void f_response(void *c, int64_t id, int32_t status, int close_after, const uint8_t *headers,
    int32_t header_count, const uint8_t *body, int32_t body_length)
{
    fuzz_state_t *state = c;
    state->sum += (uint64_t)id + (uint64_t)status + (uint64_t)close_after;
    const uint8_t *cursor = headers;
    int32_t remaining = header_count;
    const uint8_t *name;
    const uint8_t *value;
    int32_t name_length;
    int32_t value_length;
    while (ccn_response_next_header(&cursor, &remaining, &name, &name_length, &value, &value_length))
    {
        touch(state, name, name_length);
        touch(state, value, value_length);
    }
    touch(state, body, body_length);
}

static void f_send(void *c, int64_t id, int binary, const uint8_t *p, int32_t length)
{
    fuzz_state_t *state = c;
    state->sum += (uint64_t)id + (uint64_t)binary;
    touch(state, p, length);
}

static void f_ping(void *c, int64_t id) { ((fuzz_state_t *)c)->sum += (uint64_t)id; }
static void f_abort(void *c, int64_t id) { ((fuzz_state_t *)c)->sum += (uint64_t)id; }
static void f_read(void *c, int64_t id, int r) { ((fuzz_state_t *)c)->sum += (uint64_t)id + (uint64_t)r; }

static void f_close(void *c, int64_t id, int32_t code, const uint8_t *reason, int32_t reason_length)
{
    fuzz_state_t *state = c;
    state->sum += (uint64_t)id + (uint64_t)code;
    if (reason_length > CCN_MAX_CLOSE_REASON)
    {
        abort();
    }
    touch(state, reason, reason_length);
}

static void f_frames(void *c, int64_t id, const uint8_t *p, int32_t length)
{
    fuzz_state_t *state = c;
    state->sum += (uint64_t)id;
    touch(state, p, length);
}

static void f_broadcast(void *c, const uint8_t *ids, int32_t count, const uint8_t *p, int32_t length)
{
    fuzz_state_t *state = c;
    for (int32_t i = 0; i < count; i++)
    {
        state->sum += (uint64_t)ccn_get_i64(ids + (size_t)i * CCN_ID_LENGTH);
    }
    touch(state, p, length);
}

static const ccn_command_sink_t sink =
{
    f_response, f_send, f_ping, f_close, f_abort, f_read, f_frames, f_broadcast
};

static void on_record(void *clientd, int32_t type, const uint8_t *msg, int32_t length)
{
    fuzz_state_t *state = clientd;
    /* copy to an exact-size allocation so ASan catches any read past the record */
    uint8_t *copy = malloc(length > 0 ? (size_t)length : 1);
    memcpy(copy, msg, (size_t)length);
    state->record = copy;
    state->length = length;
    ccn_command_decode(type, copy, length, &sink, state);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t *memory = NULL;
    if (NULL == memory)
    {
        memory = aligned_alloc(64, FUZZ_CAPACITY + CCN_RB_TRAILER_LENGTH);
    }
    memset(memory, 0, FUZZ_CAPACITY + CCN_RB_TRAILER_LENGTH);

    /* first 2 bytes: head position; the rest fills the record area from there */
    uint16_t head = 0;
    if (size >= 2)
    {
        head = (uint16_t)((data[0] | (data[1] << 8)) & (FUZZ_CAPACITY - 1) & ~7);
        data += 2;
        size -= 2;
    }
    size_t to_copy = size > FUZZ_CAPACITY ? FUZZ_CAPACITY : size;
    size_t first = FUZZ_CAPACITY - head;
    if (to_copy <= first)
    {
        memcpy(memory + head, data, to_copy);
    }
    else
    {
        memcpy(memory + head, data, first);
        memcpy(memory, data + first, to_copy - first);
    }
    int64_t head_position = head;
    memcpy(memory + FUZZ_CAPACITY + CCN_RB_HEAD_POSITION_OFFSET, &head_position, sizeof(head_position));

    ccn_ring_t ring;
    if (ccn_ring_init(&ring, memory, FUZZ_CAPACITY + CCN_RB_TRAILER_LENGTH) < 0)
    {
        abort();
    }
    fuzz_state_t state = { NULL, 0, 0 };
    for (int i = 0; i < 64; i++)
    {
        int corrupt = 0;
        const int read = ccn_ring_read(&ring, on_record, &state, 16, &corrupt);
        if (corrupt || (0 == read && !ccn_ring_has_record(&ring)))
        {
            break;
        }
    }
    return 0;
}
