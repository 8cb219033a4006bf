/*
 * Command record decoding; layouts in ccn_protocol.h.
 */
#include "ccn_command.h"
#include "ccn_protocol.h"

#include <stddef.h>

int ccn_command_decode(
    int32_t msg_type_id, const uint8_t *msg, int32_t length, const ccn_command_sink_t *sink, void *clientd)
{
    if (NULL == msg || length < CCN_ID_LENGTH)
    {
        return -1;
    }

    const int64_t id = ccn_get_i64(msg);

    switch (msg_type_id)
    {
        case CCN_CMD_RESPONSE:
        {
            if (length < CCN_ID_LENGTH + 16)
            {
                return -1;
            }
            const int32_t status = ccn_get_i32(msg + 8);
            const int32_t close_after = ccn_get_i32(msg + 12);
            const int32_t header_count = ccn_get_i32(msg + 16);
            const int32_t body_length = ccn_get_i32(msg + 20);
            if (status < 100 || status > 999 || header_count < 0 || (header_count & 1) != 0 || body_length < 0)
            {
                return -1;
            }

            int32_t offset = CCN_ID_LENGTH + 16;
            for (int32_t i = 0; i < header_count; i++)
            {
                if (length - offset < 4)
                {
                    return -1;
                }
                const int32_t field_length = ccn_get_i32(msg + offset);
                offset += 4;
                if (field_length < 0 || field_length > length - offset)
                {
                    return -1;
                }
                offset += field_length;
            }

            if (body_length != length - offset)
            {
                return -1;
            }

            sink->response(clientd, id, status, 0 != close_after, msg + CCN_ID_LENGTH + 16, header_count,
                msg + offset, body_length);
            return 0;
        }

        case CCN_CMD_SEND:
        {
            if (length < CCN_ID_LENGTH + 8)
            {
                return -1;
            }
            const int32_t binary = ccn_get_i32(msg + 8);
            sink->send(clientd, id, 0 != binary, msg + 16, length - 16);
            return 0;
        }

        case CCN_CMD_PING:
            sink->ping(clientd, id);
            return 0;

        case CCN_CMD_CLOSE:
        {
            if (length < CCN_ID_LENGTH + 8)
            {
                return -1;
            }
            const int32_t code = ccn_get_i32(msg + 8);
            const int32_t reason_length = ccn_get_i32(msg + 12);
            if (code < 1000 || code > 4999 || reason_length < 0 || reason_length > CCN_MAX_CLOSE_REASON ||
                reason_length != length - 16)
            {
                return -1;
            }
            sink->close(clientd, id, code, msg + 16, reason_length);
            return 0;
        }

        case CCN_CMD_ABORT:
            sink->abort(clientd, id);
            return 0;

        case CCN_CMD_READ:
            if (length < CCN_ID_LENGTH + 4)
            {
                return -1;
            }
            sink->read(clientd, id, 0 != ccn_get_i32(msg + 8));
            return 0;

        case CCN_CMD_FRAMES:
            if (length < CCN_ID_LENGTH + 8)
            {
                return -1;
            }
            sink->frames(clientd, id, msg + 16, length - 16);
            return 0;

        case CCN_CMD_BROADCAST:
        {
            if (length < CCN_ID_LENGTH + 8)
            {
                return -1;
            }
            const int32_t count = ccn_get_i32(msg + 8);
            if (count < 1 || count > (length - 16) / CCN_ID_LENGTH)
            {
                return -1;
            }
            const int32_t frames_length = length - 16 - count * CCN_ID_LENGTH;
            if (frames_length < 1)
            {
                return -1;
            }
            sink->broadcast(clientd, msg + 16, count, msg + 16 + count * CCN_ID_LENGTH, frames_length);
            return 0;
        }

        default:
            return -1;
    }
}

int ccn_response_next_header(const uint8_t **cursor, int32_t *remaining_pairs,
    const uint8_t **name, int32_t *name_length, const uint8_t **value, int32_t *value_length)
{
    if (*remaining_pairs < 2)
    {
        return 0;
    }
    const uint8_t *p = *cursor;
    *name_length = ccn_get_i32(p);
    *name = p + 4;
    p += 4 + *name_length;
    *value_length = ccn_get_i32(p);
    *value = p + 4;
    p += 4 + *value_length;
    *cursor = p;
    *remaining_pairs -= 2;
    return 1;
}
