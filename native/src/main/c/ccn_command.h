/*
 * Decoding of command records read from the command ring. Every length and count in a record is checked against
 * the record's length before anything is read, so a malformed record is rejected, never trusted.
 */
#ifndef CCN_COMMAND_H
#define CCN_COMMAND_H

#include <stdint.h>

/* What a decoded command asks for; the shim implements it, the tests and the fuzzer record it. */
typedef struct ccn_command_sink_stct
{
    void (*response)(void *clientd, int64_t id, int32_t status, int close_after,
        const uint8_t *headers, int32_t header_count, const uint8_t *body, int32_t body_length);
    void (*send)(void *clientd, int64_t id, int binary, const uint8_t *payload, int32_t length);
    void (*ping)(void *clientd, int64_t id);
    void (*close)(void *clientd, int64_t id, int32_t code, const uint8_t *reason, int32_t reason_length);
    void (*abort)(void *clientd, int64_t id);
    void (*read)(void *clientd, int64_t id, int read);
    void (*frames)(void *clientd, int64_t id, const uint8_t *frames, int32_t length);
    /* ids: count connection ids (int64, unaligned), each read with ccn_get_i64 */
    void (*broadcast)(void *clientd, const uint8_t *ids, int32_t count, const uint8_t *frames, int32_t length);
}
ccn_command_sink_t;

/* Decode one record and call the sink; returns 0, or -1 when the record is malformed (nothing is called). */
int ccn_command_decode(
    int32_t msg_type_id, const uint8_t *msg, int32_t length, const ccn_command_sink_t *sink, void *clientd);

/*
 * Step through the header pairs of a RESPONSE already validated by ccn_command_decode: *cursor starts at the
 * headers pointer; returns 1 with name and value set, 0 after the last pair.
 */
int ccn_response_next_header(const uint8_t **cursor, int32_t *remaining_pairs,
    const uint8_t **name, int32_t *name_length, const uint8_t **value, int32_t *value_length);

static inline int32_t ccn_get_i32(const uint8_t *p)
{
    int32_t v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

static inline int64_t ccn_get_i64(const uint8_t *p)
{
    int64_t v;
    __builtin_memcpy(&v, p, sizeof(v));
    return v;
}

static inline void ccn_put_i32(uint8_t *p, int32_t v)
{
    __builtin_memcpy(p, &v, sizeof(v));
}

static inline void ccn_put_i64(uint8_t *p, int64_t v)
{
    __builtin_memcpy(p, &v, sizeof(v));
}

#endif
