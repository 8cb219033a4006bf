/*
 * The libwebsockets service loop and its exchange with Java: events go out through a OneToOne ring, commands come
 * in through a ManyToOne ring (layouts in ccn_protocol.h). Everything here runs on the service thread except
 * ccn_start, ccn_wake and ccn_stop.
 */
#define _GNU_SOURCE
#include "ccn_shim.h"
#include "ccn_ring.h"
#include "ccn_command.h"
#include "ccn_protocol.h"

#include <libwebsockets.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <time.h>

#define CCN_COMMAND_READ_LIMIT 4096
#define CCN_WRITE_CHUNK (64 * 1024)
#define CCN_WRITE_BATCH (64 * 1024)
#define CCN_MAX_PATH 8192
#define CCN_TX_ENTRY_HEADER 8
#define CCN_TX_FRAMES 0
#define CCN_TX_TEXT 1
#define CCN_TX_BINARY 2
#define CCN_TX_PING 3

typedef struct ccn_bytes_stct
{
    uint8_t *data;
    size_t length;
    size_t capacity;
}
ccn_bytes_t;

typedef struct ccn_conn_stct
{
    struct lws *wsi;
    int64_t id;
    int32_t slot;
    int is_ws;

    /* HTTP request being collected and the response being written. */
    ccn_bytes_t body;
    int64_t body_expected;
    int awaiting_response;
    int rejecting;
    ccn_bytes_t out;
    size_t out_head_length;
    size_t out_position;
    int out_ready;
    int out_close_after;

    /* WebSocket message being joined. */
    ccn_bytes_t rx;

    /* Events that did not fit in the event ring: [type i32][length i32][payload] ... */
    ccn_bytes_t pending;
    size_t pending_position;
    int listed;
    struct ccn_conn_stct *next_stalled;

    /*
     * Send queue of entries [kind i32][length i32][bytes] from tx_position to tx.length: whole frames the server
     * encoded (written raw in batches; tx_done of the first entry's bytes are written), or a message or ping that
     * lws frames. tx_last is the offset of the last entry.
     */
    ccn_bytes_t tx;
    size_t tx_position;
    size_t tx_done;
    size_t tx_last;
    int64_t queued;
    int writable;

    int user_read;
    int rx_enabled;

    /* the peer's address and port, looked up with the connection's first request (keep-alive: once) */
    int peer_known;
    int32_t peer_port;
    char peer[64];

    int close_pending;
    int32_t close_code;
    uint8_t close_reason[CCN_MAX_CLOSE_REASON + 1];
    int32_t close_reason_length;
    int32_t closed_code;
    uint8_t closed_reason[CCN_MAX_CLOSE_REASON + 1];
    int32_t closed_reason_length;
    int gone;
}
ccn_conn_t;

typedef struct ccn_shim_stct
{
    struct lws_context *context;
    struct lws_vhost *vhost;
    pthread_t thread;
    ccn_ring_t events;
    ccn_ring_t commands;
    uint8_t *table;
    uint8_t *control;
    int64_t settings[CCN_SET_COUNT];
    int32_t slots;
    ccn_conn_t **conns;
    int32_t *free_slots;
    int32_t free_count;
    int64_t generation;
    int64_t open;
    ccn_conn_t *stalled;
    uint8_t *scratch;
    int32_t scratch_length;
    lws_sorted_usec_list_t retry_sul;
    int stopping;
    /* written (8 bytes) to wake Java's event poller when it waits; -1 when not created */
    int poller_fd;
    /* commands are being drained from inside an lws callback: answers wait for their writable callback */
    int draining_in_callback;
    struct lws_protocols protocols[6];
}
ccn_shim_t;

static ccn_shim_t *ccn_shim_of(struct lws *wsi)
{
    return (ccn_shim_t *)lws_context_user(lws_get_context(wsi));
}

static int ccn_bytes_reserve(ccn_bytes_t *bytes, size_t extra)
{
    const size_t required = bytes->length + extra;
    if (required <= bytes->capacity)
    {
        return 0;
    }
    size_t capacity = bytes->capacity < 256 ? 256 : bytes->capacity;
    while (capacity < required)
    {
        capacity *= 2;
    }
    uint8_t *data = realloc(bytes->data, capacity);
    if (NULL == data)
    {
        return -1;
    }
    bytes->data = data;
    bytes->capacity = capacity;
    return 0;
}

static int ccn_bytes_append(ccn_bytes_t *bytes, const void *src, size_t length)
{
    if (ccn_bytes_reserve(bytes, length) < 0)
    {
        return -1;
    }
    if (length > 0)
    {
        memcpy(bytes->data + bytes->length, src, length);
    }
    bytes->length += length;
    return 0;
}

static void ccn_bytes_free(ccn_bytes_t *bytes)
{
    free(bytes->data);
    bytes->data = NULL;
    bytes->length = 0;
    bytes->capacity = 0;
}

static _Atomic int64_t *ccn_slot_long(ccn_shim_t *shim, int32_t slot, int32_t offset)
{
    return (_Atomic int64_t *)(void *)(shim->table + (size_t)slot * CCN_SLOT_LENGTH + offset);
}

static _Atomic int32_t *ccn_control_int(ccn_shim_t *shim, int32_t offset)
{
    return (_Atomic int32_t *)(void *)(shim->control + offset);
}

static _Atomic int64_t *ccn_control_long(ccn_shim_t *shim, int32_t offset)
{
    return (_Atomic int64_t *)(void *)(shim->control + offset);
}

static ccn_conn_t *ccn_conn_by_id(ccn_shim_t *shim, int64_t id)
{
    const int64_t slot = id & 0xffffffffLL;
    if (id <= 0 || slot >= shim->slots)
    {
        return NULL;
    }
    ccn_conn_t *conn = shim->conns[slot];
    return (NULL != conn && conn->id == id && !conn->gone) ? conn : NULL;
}

static void ccn_set_rx(ccn_conn_t *conn)
{
    const int enable = conn->user_read && 0 == conn->pending.length && !conn->rejecting;
    if (!enable && !conn->is_ws && !conn->rejecting && (conn->awaiting_response || conn->out_ready))
    {
        /*
         * lws 4.1 gives no HTTP_WRITEABLE callback to an HTTP connection whose reading is stopped, so a response
         * asked for after the server stopped reading (as its request gate does before refusing) would never be
         * written. Stopping waits until the response is out.
         */
        return;
    }
    if (enable != conn->rx_enabled && NULL != conn->wsi)
    {
        conn->rx_enabled = enable;
        lws_rx_flow_control(conn->wsi, enable);
    }
}

static void ccn_schedule_retry(ccn_shim_t *shim);

static void ccn_list_stalled(ccn_shim_t *shim, ccn_conn_t *conn)
{
    if (!conn->listed)
    {
        conn->listed = 1;
        conn->next_stalled = shim->stalled;
        shim->stalled = conn;
        ccn_schedule_retry(shim);
    }
}

/*
 * An event is in the ring: wake Java's poller when it said it waits. Pairs with the poller's seq_cst store of its
 * flag and its re-check of the ring: either it sees the record, or this sees the flag (Dekker). One write per wait.
 */
static void ccn_events_written(ccn_shim_t *shim)
{
    _Atomic int32_t *sleeping = ccn_control_int(shim, CCN_CONTROL_POLLER_SLEEPING_OFFSET);
    atomic_thread_fence(memory_order_seq_cst);
    if (0 != atomic_load_explicit(sleeping, memory_order_relaxed) &&
        1 == atomic_exchange_explicit(sleeping, 0, memory_order_seq_cst))
    {
        const uint64_t one = 1;
        if (sizeof(one) == write(shim->poller_fd, &one, sizeof(one)))
        {
            atomic_fetch_add_explicit(ccn_control_long(shim, CCN_CONTROL_POLLER_WAKES_OFFSET), 1,
                memory_order_relaxed);
        }
    }
}

/* Write an event, or keep it in the connection's pending bytes (in order) when the ring is full. */
static int ccn_emit(ccn_shim_t *shim, ccn_conn_t *conn, int32_t type, const uint8_t *payload, int32_t length)
{
    if (0 == conn->pending.length && 0 == ccn_ring_write(&shim->events, type, payload, length))
    {
        ccn_events_written(shim);
        return 0;
    }

    if (length > shim->events.max_msg_length)
    {
        return -1;
    }

    uint8_t header[8];
    ccn_put_i32(header, type);
    ccn_put_i32(header + 4, length);
    if (ccn_bytes_append(&conn->pending, header, sizeof(header)) < 0 ||
        ccn_bytes_append(&conn->pending, payload, (size_t)length) < 0)
    {
        return -1;
    }
    ccn_set_rx(conn);
    ccn_list_stalled(shim, conn);
    return 0;
}

static void ccn_conn_free(ccn_conn_t *conn)
{
    ccn_bytes_free(&conn->tx);
    ccn_bytes_free(&conn->body);
    ccn_bytes_free(&conn->out);
    ccn_bytes_free(&conn->rx);
    ccn_bytes_free(&conn->pending);
    free(conn);
}

/* Flush pending events; returns 1 when the connection has nothing pending any more. */
static int ccn_flush_pending(ccn_shim_t *shim, ccn_conn_t *conn)
{
    while (conn->pending_position < conn->pending.length)
    {
        const uint8_t *p = conn->pending.data + conn->pending_position;
        const int32_t type = ccn_get_i32(p);
        const int32_t length = ccn_get_i32(p + 4);
        if (0 != ccn_ring_write(&shim->events, type, p + 8, length))
        {
            return 0;
        }
        ccn_events_written(shim);
        conn->pending_position += 8 + (size_t)length;
    }
    conn->pending.length = 0;
    conn->pending_position = 0;
    if (conn->pending.capacity > 1024 * 1024)
    {
        ccn_bytes_free(&conn->pending);
    }
    return 1;
}

static void ccn_flush_stalled(ccn_shim_t *shim)
{
    ccn_conn_t **link = &shim->stalled;
    while (NULL != *link)
    {
        ccn_conn_t *conn = *link;
        if (ccn_flush_pending(shim, conn))
        {
            *link = conn->next_stalled;
            conn->listed = 0;
            conn->next_stalled = NULL;
            if (conn->gone)
            {
                ccn_conn_free(conn);
            }
            else
            {
                ccn_set_rx(conn);
            }
        }
        else
        {
            break; /* the ring is full: keep the order, try again later */
        }
    }
}

static void ccn_retry_cb(lws_sorted_usec_list_t *sul)
{
    ccn_shim_t *shim = lws_container_of(sul, ccn_shim_t, retry_sul);
    ccn_flush_stalled(shim);
    if (NULL != shim->stalled)
    {
        ccn_schedule_retry(shim);
    }
}

static void ccn_schedule_retry(ccn_shim_t *shim)
{
    lws_sul_schedule(shim->context, 0, &shim->retry_sul, ccn_retry_cb, 1 * LWS_US_PER_MS);
}

static ccn_conn_t *ccn_conn_open(ccn_shim_t *shim, struct lws *wsi)
{
    ccn_conn_t *conn = lws_get_opaque_user_data(wsi);
    if (NULL != conn)
    {
        return conn;
    }
    if (0 == shim->free_count)
    {
        return NULL;
    }
    conn = calloc(1, sizeof(ccn_conn_t));
    if (NULL == conn)
    {
        return NULL;
    }
    const int32_t slot = shim->free_slots[--shim->free_count];
    conn->wsi = wsi;
    conn->slot = slot;
    conn->id = (++shim->generation << 32) | slot;
    conn->writable = 1;
    conn->user_read = 1;
    conn->rx_enabled = 1;
    conn->closed_code = 1006;
    shim->conns[slot] = conn;
    atomic_store_explicit(ccn_slot_long(shim, slot, CCN_SLOT_QUEUED_OFFSET), 0, memory_order_relaxed);
    atomic_store_explicit(ccn_slot_long(shim, slot, CCN_SLOT_ID_OFFSET), conn->id, memory_order_release);
    shim->open++;
    atomic_store_explicit(ccn_control_long(shim, CCN_CONTROL_OPEN_OFFSET), shim->open, memory_order_release);
    lws_set_opaque_user_data(wsi, conn);
    return conn;
}

static void ccn_conn_closed(ccn_shim_t *shim, struct lws *wsi)
{
    ccn_conn_t *conn = lws_get_opaque_user_data(wsi);
    if (NULL == conn)
    {
        return;
    }
    lws_set_opaque_user_data(wsi, NULL);
    conn->wsi = NULL;
    conn->gone = 1;
    atomic_store_explicit(ccn_slot_long(shim, conn->slot, CCN_SLOT_ID_OFFSET), 0, memory_order_release);
    shim->conns[conn->slot] = NULL;
    shim->free_slots[shim->free_count++] = conn->slot;
    shim->open--;
    atomic_store_explicit(ccn_control_long(shim, CCN_CONTROL_OPEN_OFFSET), shim->open, memory_order_release);

    ccn_bytes_free(&conn->tx);
    conn->tx_position = 0;
    ccn_bytes_free(&conn->body);
    ccn_bytes_free(&conn->out);
    ccn_bytes_free(&conn->rx);

    if (!shim->stopping)
    {
        uint8_t event[CCN_ID_LENGTH + 8 + CCN_MAX_CLOSE_REASON + 1];
        const int32_t code = conn->is_ws ? conn->closed_code : 0;
        const int32_t reason_length = conn->is_ws ? conn->closed_reason_length : 0;
        ccn_put_i64(event, conn->id);
        ccn_put_i32(event + 8, code);
        ccn_put_i32(event + 12, reason_length);
        memcpy(event + 16, conn->closed_reason, (size_t)reason_length);
        ccn_emit(shim, conn, CCN_EVT_CLOSED, event, 16 + reason_length);
    }

    if (!conn->listed)
    {
        ccn_conn_free(conn);
    }
}

/* Append [len i32][bytes] to the scratch record at *offset; returns -1 when it does not fit. */
static int ccn_put_field(ccn_shim_t *shim, int32_t *offset, const void *src, int32_t length)
{
    if (length < 0 || (int64_t)*offset + 4 + length > shim->scratch_length)
    {
        return -1;
    }
    ccn_put_i32(shim->scratch + *offset, length);
    if (length > 0)
    {
        memcpy(shim->scratch + *offset + 4, src, (size_t)length);
    }
    *offset += 4 + length;
    return 0;
}

static const struct
{
    enum lws_token_indexes token;
    const char *method;
}
ccn_methods[] =
{
    { WSI_TOKEN_GET_URI, "GET" },
    { WSI_TOKEN_POST_URI, "POST" },
    { WSI_TOKEN_OPTIONS_URI, "OPTIONS" },
    { WSI_TOKEN_PUT_URI, "PUT" },
    { WSI_TOKEN_PATCH_URI, "PATCH" },
    { WSI_TOKEN_DELETE_URI, "DELETE" },
    { WSI_TOKEN_HEAD_URI, "HEAD" },
    { WSI_TOKEN_CONNECT, "CONNECT" },
};

static const char *ccn_custom_headers[] =
{
    "last-event-id:", "x-request-id:", "x-csrf-token:", "x-api-key:", "sec-fetch-site:", "sec-fetch-mode:",
    "sec-fetch-dest:", "x-forwarded-proto:", "x-forwarded-host:"
};

/* Copy a header (all fragments) into the scratch record as a field. */
static int ccn_put_header_value(ccn_shim_t *shim, struct lws *wsi, int32_t *offset, enum lws_token_indexes token,
    int32_t length)
{
    if ((int64_t)*offset + 4 + length + 1 > shim->scratch_length)
    {
        return -1;
    }
    const int copied = lws_hdr_copy(wsi, (char *)shim->scratch + *offset + 4, length + 1, token);
    if (copied < 0)
    {
        return -1;
    }
    ccn_put_i32(shim->scratch + *offset, copied);
    *offset += 4 + copied;
    return 0;
}

/*
 * Build a REQUEST or OPEN record in the scratch buffer from the parsed head; returns its length or -1 when it
 * does not fit in a ring record.
 */
static int ccn_encode_argument(const char *in, int length, char *out);

static int32_t ccn_build_request(ccn_shim_t *shim, ccn_conn_t *conn, struct lws *wsi, const char *subprotocol,
    const uint8_t *body, int32_t body_length)
{
    int32_t offset = CCN_ID_LENGTH + 8;
    int32_t fields = CCN_REQUEST_FIXED_FIELDS;
    const char *method = "GET";
    enum lws_token_indexes uri_token = WSI_TOKEN_GET_URI;

    for (size_t i = 0; i < sizeof(ccn_methods) / sizeof(ccn_methods[0]); i++)
    {
        if (lws_hdr_total_length(wsi, ccn_methods[i].token) > 0)
        {
            method = ccn_methods[i].method;
            uri_token = ccn_methods[i].token;
            break;
        }
    }

    if (ccn_put_field(shim, &offset, method, (int32_t)strlen(method)) < 0)
    {
        return -1;
    }

    /*
     * uri: path, then '?' and the query arguments lws joined with '&'. lws hands each argument percent-decoded,
     * so each name and value is percent-encoded again (all but RFC 3986's unreserved characters): a decoded space,
     * '&', '=' or '%' must not reach the Java side's request line raw. Up to 3 bytes per byte of the arguments.
     */
    const int path_length = lws_hdr_total_length(wsi, uri_token);
    const int args_length = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_URI_ARGS);
    const int32_t uri_length = path_length + (args_length > 0 ? 1 + 3 * args_length : 0);
    if ((int64_t)offset + 4 + uri_length + 2 > shim->scratch_length)
    {
        return -1;
    }
    char *uri = (char *)shim->scratch + offset + 4;
    int written = lws_hdr_copy(wsi, uri, path_length + 1, uri_token);
    if (written < 0)
    {
        return -1;
    }
    if (args_length > 0)
    {
        /* lws keeps each argument as a fragment; joined with '&' as they were received */
        for (int fragment = 0; ; fragment++)
        {
            const int fragment_length = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, fragment);
            if (fragment_length <= 0 || written + 1 + fragment_length > uri_length)
            {
                break;
            }
            char *decoded = malloc((size_t)fragment_length + 1);
            if (NULL == decoded)
            {
                return -1;
            }
            const int copied = lws_hdr_copy_fragment(wsi, decoded, fragment_length + 1,
                WSI_TOKEN_HTTP_URI_ARGS, fragment);
            if (copied < 0)
            {
                free(decoded);
                return -1;
            }
            if (written + 1 + 3 * copied > uri_length)
            {
                free(decoded);
                break;
            }
            uri[written++] = 0 == fragment ? '?' : '&';
            written += ccn_encode_argument(decoded, copied, uri + written);
            free(decoded);
        }
    }
    ccn_put_i32(shim->scratch + offset, written);
    offset += 4 + written;

    /* remote address */
    if (!conn->peer_known)
    {
        conn->peer_known = 1;
        conn->peer_port = 0;
        conn->peer[0] = '\0';
        struct sockaddr_storage address;
        socklen_t address_length = sizeof(address);
        const lws_sockfd_type fd = lws_get_socket_fd(wsi);
        if (fd >= 0 && 0 == getpeername(fd, (struct sockaddr *)&address, &address_length))
        {
            if (AF_INET == address.ss_family)
            {
                const struct sockaddr_in *in4 = (const struct sockaddr_in *)&address;
                inet_ntop(AF_INET, &in4->sin_addr, conn->peer, sizeof(conn->peer));
                conn->peer_port = ntohs(in4->sin_port);
            }
            else if (AF_INET6 == address.ss_family)
            {
                const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&address;
                inet_ntop(AF_INET6, &in6->sin6_addr, conn->peer, sizeof(conn->peer));
                conn->peer_port = ntohs(in6->sin6_port);
            }
        }
    }
    const int32_t remote_port = conn->peer_port;
    if (ccn_put_field(shim, &offset, conn->peer, (int32_t)strlen(conn->peer)) < 0 ||
        ccn_put_field(shim, &offset, subprotocol, NULL == subprotocol ? 0 : (int32_t)strlen(subprotocol)) < 0 ||
        ccn_put_field(shim, &offset, body, body_length) < 0)
    {
        return -1;
    }

    for (int token = 0; token < WSI_TOKEN_COUNT; token++)
    {
        const int length = lws_hdr_total_length(wsi, (enum lws_token_indexes)token);
        if (length <= 0)
        {
            continue;
        }
        const char *name = (const char *)lws_token_to_string((enum lws_token_indexes)token);
        if (NULL == name)
        {
            continue;
        }
        const size_t name_length = strlen(name);
        if (name_length < 2 || ':' == name[0] || ':' != name[name_length - 1])
        {
            continue; /* request line tokens ("get ", "post "...) and HTTP/2 pseudo headers */
        }
        if (ccn_put_field(shim, &offset, name, (int32_t)name_length - 1) < 0 ||
            ccn_put_header_value(shim, wsi, &offset, (enum lws_token_indexes)token, length) < 0)
        {
            return -1;
        }
        fields += 2;
    }

    for (size_t i = 0; i < sizeof(ccn_custom_headers) / sizeof(ccn_custom_headers[0]); i++)
    {
        const char *name = ccn_custom_headers[i];
        const int name_length = (int)strlen(name);
        const int length = lws_hdr_custom_length(wsi, name, name_length);
        if (length <= 0)
        {
            continue;
        }
        if (ccn_put_field(shim, &offset, name, name_length - 1) < 0 ||
            (int64_t)offset + 4 + length + 1 > shim->scratch_length)
        {
            return -1;
        }
        const int copied = lws_hdr_custom_copy(wsi, (char *)shim->scratch + offset + 4, length + 1, name,
            name_length);
        if (copied < 0)
        {
            return -1;
        }
        ccn_put_i32(shim->scratch + offset, copied);
        offset += 4 + copied;
        fields += 2;
    }

    ccn_put_i64(shim->scratch, conn->id);
    ccn_put_i32(shim->scratch + 8, remote_port);
    ccn_put_i32(shim->scratch + 12, fields);
    return offset;
}

/* Prepare an HTTP response in conn->out: LWS_PRE, head, body; written on the next writable callback. */
static int ccn_prepare_response(ccn_conn_t *conn, struct lws *wsi, int32_t status, const uint8_t *headers,
    int32_t header_count, const char *text_body, const uint8_t *body, int32_t body_length, int close_after)
{
    size_t head_room = 512;
    const uint8_t *cursor = headers;
    int32_t remaining = header_count;
    const uint8_t *name;
    const uint8_t *value;
    int32_t name_length;
    int32_t value_length;
    while (ccn_response_next_header(&cursor, &remaining, &name, &name_length, &value, &value_length))
    {
        head_room += (size_t)name_length + (size_t)value_length + 8;
    }

    if (NULL != text_body)
    {
        body = (const uint8_t *)text_body;
        body_length = (int32_t)strlen(text_body);
    }

    conn->out.length = 0;
    if (ccn_bytes_reserve(&conn->out, LWS_PRE + head_room + (size_t)body_length) < 0)
    {
        return -1;
    }

    uint8_t *start = conn->out.data + LWS_PRE;
    uint8_t *p = start;
    uint8_t *end = start + head_room;
    char header_name[256];

    if (lws_add_http_header_status(wsi, (unsigned int)status, &p, end))
    {
        return -1;
    }
    if (p - start > 9 && 0 == memcmp(start, "HTTP/1.0 ", 9) && lws_hdr_total_length(wsi, WSI_TOKEN_UPGRADE) > 0)
    {
        /*
         * Refusing an upgrade, lws 4.1 has not yet recorded the request's version and says 1.0; Upgrade is an
         * HTTP/1.1 mechanism (RFC 6455 4.1 asks for 1.1), so the answer is 1.1, as clients expect.
         */
        start[7] = '1';
    }
    cursor = headers;
    remaining = header_count;
    while (ccn_response_next_header(&cursor, &remaining, &name, &name_length, &value, &value_length))
    {
        if (name_length <= 0 || name_length > (int32_t)sizeof(header_name) - 2)
        {
            continue;
        }
        for (int32_t i = 0; i < name_length; i++)
        {
            const char c = (char)name[i];
            header_name[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        header_name[name_length] = ':';
        header_name[name_length + 1] = '\0';
        if (0 == strcmp(header_name, "content-length:") || 0 == strcmp(header_name, "connection:"))
        {
            continue;
        }
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)header_name, value, value_length, &p, end))
        {
            return -1;
        }
    }
    if (close_after &&
        lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION, (const unsigned char *)"close", 5, &p, end))
    {
        return -1;
    }
    if (lws_add_http_header_content_length(wsi, (lws_filepos_t)body_length, &p, end) ||
        lws_finalize_http_header(wsi, &p, end))
    {
        return -1;
    }

    conn->out_head_length = (size_t)(p - start);
    if (body_length > 0)
    {
        memcpy(p, body, (size_t)body_length);
    }
    conn->out.length = LWS_PRE + conn->out_head_length + (size_t)body_length;
    conn->out_position = 0;
    conn->out_ready = 1;
    conn->out_close_after = close_after;
    lws_callback_on_writable(wsi);
    return 0;
}

/*
 * Answer now with a one-line body (413, 400, 404, 431): written at once, as the response is small; the connection
 * stops being read.
 */
static void ccn_reject(ccn_shim_t *shim, ccn_conn_t *conn, struct lws *wsi, int32_t status, const char *text)
{
    (void)shim;
    conn->rejecting = 1;
    conn->awaiting_response = 0;
    ccn_set_rx(conn);
    if (ccn_prepare_response(conn, wsi, status, NULL, 0, text, NULL, 0, 1) < 0 ||
        lws_write(wsi, conn->out.data + LWS_PRE, conn->out.length - LWS_PRE, LWS_WRITE_HTTP_HEADERS) < 0)
    {
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    }
    conn->out_ready = 0;
    conn->out.length = 0;
}

/* Append a [len i32][bytes] header field for ccn_prepare_response. */
static size_t ccn_put_header_field(uint8_t *p, const char *text)
{
    const int32_t length = (int32_t)strlen(text);
    ccn_put_i32(p, length);
    memcpy(p + 4, text, (size_t)length);
    return 4 + (size_t)length;
}

/*
 * Answer now with the server's own error shape: the status, a one-line JSON body {"error":"..."} (the message is
 * plain text without quotes or backslashes) and the headers of the server's error responses, then close.
 */
static void ccn_reject_json(ccn_shim_t *shim, ccn_conn_t *conn, struct lws *wsi, int32_t status, const char *message)
{
    (void)shim;
    static const char *headers[] =
    {
        "content-type", "application/json; charset=utf-8", "cache-control", "no-store",
        "x-content-type-options", "nosniff"
    };
    uint8_t fields[256];
    size_t length = 0;
    for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++)
    {
        length += ccn_put_header_field(fields + length, headers[i]);
    }
    char body[640];
    snprintf(body, sizeof(body), "{\"error\":\"%s\"}", message);

    conn->rejecting = 1;
    conn->awaiting_response = 0;
    ccn_set_rx(conn);
    if (ccn_prepare_response(conn, wsi, status, fields, (int32_t)(sizeof(headers) / sizeof(headers[0])), body, NULL,
        0, 1) < 0 ||
        lws_write(wsi, conn->out.data + LWS_PRE, conn->out.length - LWS_PRE, LWS_WRITE_HTTP_HEADERS) < 0)
    {
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    }
    conn->out_ready = 0;
    conn->out.length = 0;
}

/* A request body larger than the limit: 413 as the server's body aggregator answers it. */
static void ccn_reject_body_too_large(ccn_shim_t *shim, ccn_conn_t *conn, struct lws *wsi)
{
    char message[160];
    snprintf(message, sizeof(message), "request body larger than %lld bytes (websocket.maxRequestBodyLength)",
        (long long)shim->settings[CCN_SET_MAX_BODY]);
    ccn_reject_json(shim, conn, wsi, 413, message);
}

static void ccn_emit_request(ccn_shim_t *shim, ccn_conn_t *conn, struct lws *wsi)
{
    const int32_t length =
        ccn_build_request(shim, conn, wsi, NULL, conn->body.data, (int32_t)conn->body.length);
    ccn_bytes_free(&conn->body);
    if (length < 0 || length > shim->events.max_msg_length)
    {
        ccn_reject(shim, conn, wsi, 431, "request head too large for the event ring\n");
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, 1);
        return;
    }
    conn->awaiting_response = 1;
    if (ccn_emit(shim, conn, CCN_EVT_REQUEST, shim->scratch, length) < 0)
    {
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    }
}

static int ccn_write_response(ccn_conn_t *conn, struct lws *wsi)
{
    if (!conn->out_ready)
    {
        return 0;
    }

    uint8_t *start = conn->out.data + LWS_PRE;
    const size_t total = conn->out.length - LWS_PRE;
    if (0 == conn->out_position && total <= CCN_WRITE_CHUNK)
    {
        /* Headers and body in one send: HTTP/1 writes both raw; lws buffers what the socket does not take. */
        if (lws_write(wsi, start, total, LWS_WRITE_HTTP_HEADERS) < 0)
        {
            return -1;
        }
        conn->out_position = total;
    }
    else if (0 == conn->out_position)
    {
        if (lws_write(wsi, start, conn->out_head_length, LWS_WRITE_HTTP_HEADERS) < 0)
        {
            return -1;
        }
        conn->out_position = conn->out_head_length;
    }

    while (conn->out_position < total && !lws_send_pipe_choked(wsi))
    {
        size_t length = total - conn->out_position;
        if (length > CCN_WRITE_CHUNK)
        {
            length = CCN_WRITE_CHUNK;
        }
        const int final = conn->out_position + length == total;
        if (lws_write(wsi, start + conn->out_position, length, final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) < 0)
        {
            return -1;
        }
        conn->out_position += length;
    }

    if (conn->out_position < total || lws_partial_buffered(wsi))
    {
        lws_callback_on_writable(wsi);
        return 0;
    }

    conn->out_ready = 0;
    conn->out.length = 0;
    if (conn->out.capacity > 256 * 1024)
    {
        ccn_bytes_free(&conn->out);
    }
    if (conn->out_close_after || conn->rejecting)
    {
        return -1;
    }
    if (lws_http_transaction_completed(wsi))
    {
        return -1;
    }
    ccn_set_rx(conn); /* a stop asked while the response was pending applies now */
    return 0;
}

static void ccn_emit_writability(ccn_shim_t *shim, ccn_conn_t *conn, int writable)
{
    uint8_t event[16];
    ccn_put_i64(event, conn->id);
    ccn_put_i32(event + 8, writable);
    ccn_put_i32(event + 12, 0);
    conn->writable = writable;
    ccn_emit(shim, conn, CCN_EVT_WRITABILITY, event, sizeof(event));
}

/*
 * Length of the server frame at frame, as the server's frame encoder wrote its header (unmasked), or 0 when the
 * available bytes do not hold a whole one. Only reads headers: the shim composes none.
 */
static size_t ccn_frame_length(const uint8_t *frame, size_t available)
{
    if (available < 2 || 0 != (frame[1] & 0x80))
    {
        return 0;
    }
    const uint8_t length7 = frame[1] & 0x7f;
    size_t header = 2;
    size_t payload = length7;
    if (126 == length7)
    {
        if (available < 4)
        {
            return 0;
        }
        header = 4;
        payload = ((size_t)frame[2] << 8) | frame[3];
    }
    else if (127 == length7)
    {
        if (available < 10 || 0 != (frame[2] | frame[3] | frame[4] | frame[5]))
        {
            return 0;
        }
        header = 10;
        payload = ((size_t)frame[6] << 24) | ((size_t)frame[7] << 16) | ((size_t)frame[8] << 8) | frame[9];
    }
    return header + payload > available ? 0 : header + payload;
}

/* Bytes a message of this payload length counts in the queued bytes (its frame as lws writes it); Java counts the same. */
static int64_t ccn_frame_overhead(int32_t length)
{
    return length < 126 ? 2 : (length < 65536 ? 4 : 10);
}

static int ccn_write_queue(ccn_shim_t *shim, ccn_conn_t *conn, struct lws *wsi)
{
    /*
     * Entries go out in order. Frames the server encoded go out as raw bytes (lws writes LWS_WRITE_HTTP untouched on
     * a ws connection) in batches of whole frames: one send for many small messages instead of one each, and lws can
     * put a pong or close frame of its own between two batches, never inside a frame. Messages and pings are framed
     * by lws itself. What the socket does not take lws keeps and sends before anything else.
     */
    while (conn->tx_position < conn->tx.length && !lws_partial_buffered(wsi))
    {
        uint8_t *entry = conn->tx.data + conn->tx_position;
        const int32_t kind = ccn_get_i32(entry);
        const size_t entry_length = (size_t)ccn_get_i32(entry + 4);
        uint8_t *payload = entry + CCN_TX_ENTRY_HEADER;
        int64_t written;
        int entry_done = 1;
        if (CCN_TX_FRAMES == kind)
        {
            uint8_t *from = payload + conn->tx_done;
            const size_t available = entry_length - conn->tx_done;
            /* whole frames (checked when queued): a batch is cut at a frame boundary only past CCN_WRITE_BATCH */
            size_t length = available <= CCN_WRITE_BATCH ? available : 0;
            while (length < available)
            {
                size_t frame = ccn_frame_length(from + length, available - length);
                if (0 == frame)
                {
                    frame = available - length; /* checked whole when queued: not reached */
                }
                if (length > 0 && length + frame > CCN_WRITE_BATCH)
                {
                    break;
                }
                length += frame;
            }
            if (lws_write(wsi, from, length, LWS_WRITE_HTTP) < 0)
            {
                return -1;
            }
            conn->tx_done += length;
            entry_done = conn->tx_done == entry_length;
            written = (int64_t)length;
        }
        else
        {
            const enum lws_write_protocol protocol = CCN_TX_TEXT == kind ? LWS_WRITE_TEXT :
                (CCN_TX_BINARY == kind ? LWS_WRITE_BINARY : LWS_WRITE_PING);
            if (lws_write(wsi, payload, entry_length, protocol) < 0)
            {
                return -1;
            }
            written = ccn_frame_overhead((int32_t)entry_length) + (int64_t)entry_length;
        }
        if (entry_done)
        {
            conn->tx_position += CCN_TX_ENTRY_HEADER + entry_length;
            conn->tx_done = 0;
        }
        conn->queued -= written;
        atomic_fetch_sub_explicit(ccn_slot_long(shim, conn->slot, CCN_SLOT_QUEUED_OFFSET), written,
            memory_order_release);
        /* lws_send_pipe_choked polls the socket: asked only when there is more to write */
        if (conn->tx_position < conn->tx.length && lws_send_pipe_choked(wsi))
        {
            break;
        }
    }

    if (conn->tx_position == conn->tx.length)
    {
        conn->tx.length = LWS_PRE;
        conn->tx_position = LWS_PRE;
        conn->tx_done = 0;
        if (conn->tx.capacity > 4 * 1024 * 1024)
        {
            ccn_bytes_free(&conn->tx);
            conn->tx_position = 0;
        }
    }

    if (!conn->writable && conn->queued < shim->settings[CCN_SET_LOW_WATER])
    {
        ccn_emit_writability(shim, conn, 1);
    }

    if (conn->tx_position < conn->tx.length || lws_partial_buffered(wsi))
    {
        lws_callback_on_writable(wsi);
        return 0;
    }

    if (conn->close_pending)
    {
        lws_close_reason(wsi, (enum lws_close_status)conn->close_code, conn->close_reason,
            (size_t)conn->close_reason_length);
        conn->closed_code = conn->close_code;
        memcpy(conn->closed_reason, conn->close_reason, (size_t)conn->close_reason_length);
        conn->closed_reason_length = conn->close_reason_length;
        return -1;
    }
    return 0;
}

/*
 * Queue an entry: frames the server encoded (joined to the last entry when it holds frames too), or a message or
 * ping for lws to frame. accounted is what Java added to the connection's queued bytes for it.
 */
static void ccn_enqueue(
    ccn_shim_t *shim, ccn_conn_t *conn, int32_t kind, const uint8_t *payload, int32_t length, int64_t accounted)
{
    const int was_empty = NULL == conn->tx.data || conn->tx.length <= conn->tx_position;
    if (NULL == conn->tx.data || conn->tx.length < LWS_PRE || was_empty)
    {
        /* lws frames a message in the LWS_PRE bytes before its payload: the queue starts after them */
        conn->tx.length = LWS_PRE;
        conn->tx_position = LWS_PRE;
        conn->tx_done = 0;
    }
    else if (conn->tx_position + conn->tx_done - LWS_PRE > (conn->tx.capacity >> 1))
    {
        /* compact: keep the unsent entries at the front */
        if (conn->tx_done > 0)
        {
            /* the first entry's frames are partly written: it starts again at its first unwritten byte */
            const size_t start = conn->tx_position + conn->tx_done;
            const int32_t kind = ccn_get_i32(conn->tx.data + conn->tx_position);
            const int32_t remaining = ccn_get_i32(conn->tx.data + conn->tx_position + 4) - (int32_t)conn->tx_done;
            ccn_put_i32(conn->tx.data + start, kind);
            ccn_put_i32(conn->tx.data + start + 4, remaining);
            if (conn->tx_last == conn->tx_position)
            {
                conn->tx_last = start;
            }
            conn->tx_position = start;
            conn->tx_done = 0;
        }
        const size_t unsent = conn->tx.length - conn->tx_position;
        const size_t shift = conn->tx_position - LWS_PRE;
        memmove(conn->tx.data + LWS_PRE, conn->tx.data + conn->tx_position, unsent);
        conn->tx_position = LWS_PRE;
        conn->tx.length = LWS_PRE + unsent;
        conn->tx_last -= shift;
    }

    const int join = !was_empty && CCN_TX_FRAMES == kind && CCN_TX_FRAMES == ccn_get_i32(conn->tx.data + conn->tx_last);
    if (ccn_bytes_reserve(&conn->tx, (join ? 0 : CCN_TX_ENTRY_HEADER) + (size_t)length) < 0)
    {
        atomic_fetch_sub_explicit(ccn_slot_long(shim, conn->slot, CCN_SLOT_QUEUED_OFFSET), accounted,
            memory_order_release);
        return;
    }
    if (join)
    {
        uint8_t *last = conn->tx.data + conn->tx_last;
        ccn_put_i32(last + 4, ccn_get_i32(last + 4) + length);
    }
    else
    {
        conn->tx_last = conn->tx.length;
        ccn_put_i32(conn->tx.data + conn->tx.length, kind);
        ccn_put_i32(conn->tx.data + conn->tx.length + 4, length);
        conn->tx.length += CCN_TX_ENTRY_HEADER;
    }
    if (length > 0)
    {
        memcpy(conn->tx.data + conn->tx.length, payload, (size_t)length);
    }
    conn->tx.length += (size_t)length;
    conn->queued += accounted;

    if (conn->writable && conn->queued > shim->settings[CCN_SET_HIGH_WATER])
    {
        ccn_emit_writability(shim, conn, 0);
    }
    if (was_empty)
    {
        /* a queue with bytes in it already asked; the writable callback asks again while bytes remain */
        lws_callback_on_writable(conn->wsi);
    }
}

static const uint8_t ccn_ping_payload[CCN_PING_PAYLOAD_LENGTH] = { 'c', 'c', 'p', 'i', 'n', 'g' };

/* Command sink: the service thread carries out what Java asked. */
static void ccn_on_response(void *clientd, int64_t id, int32_t status, int close_after,
    const uint8_t *headers, int32_t header_count, const uint8_t *body, int32_t body_length)
{
    ccn_shim_t *shim = clientd;
    ccn_conn_t *conn = ccn_conn_by_id(shim, id);
    if (NULL == conn || conn->is_ws || !conn->awaiting_response || NULL == conn->wsi)
    {
        return; /* gone, or not waiting for an answer: dropped */
    }
    conn->awaiting_response = 0;
    /*
     * Written now (from the service loop, not inside another connection's callback) rather than from the next
     * writable callback: an answer the socket takes whole completes the transaction without another pass of the
     * loop. What the socket does not take is written from the writable callback.
     */
    if (ccn_prepare_response(conn, conn->wsi, status, headers, header_count, NULL, body, body_length,
        close_after) < 0 || (!shim->draining_in_callback && ccn_write_response(conn, conn->wsi) < 0))
    {
        lws_set_timeout(conn->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    }
}

static void ccn_on_send(void *clientd, int64_t id, int binary, const uint8_t *payload, int32_t length)
{
    ccn_shim_t *shim = clientd;
    ccn_conn_t *conn = ccn_conn_by_id(shim, id);
    const int64_t accounted = ccn_frame_overhead(length) + length;
    if (NULL == conn || !conn->is_ws || conn->close_pending)
    {
        if (NULL != conn)
        {
            atomic_fetch_sub_explicit(ccn_slot_long(shim, conn->slot, CCN_SLOT_QUEUED_OFFSET), accounted,
                memory_order_release);
        }
        return;
    }
    ccn_enqueue(shim, conn, binary ? CCN_TX_BINARY : CCN_TX_TEXT, payload, length, accounted);
}

/* Whether the bytes are whole unmasked server frames, back to back. */
static int ccn_whole_frames(const uint8_t *frames, int32_t length)
{
    size_t checked = 0;
    while (checked < (size_t)length)
    {
        const size_t frame = ccn_frame_length(frames + checked, (size_t)length - checked);
        if (0 == frame)
        {
            return 0;
        }
        checked += frame;
    }
    return 1;
}

static void ccn_on_frames(void *clientd, int64_t id, const uint8_t *frames, int32_t length)
{
    ccn_shim_t *shim = clientd;
    ccn_conn_t *conn = ccn_conn_by_id(shim, id);
    if (NULL == conn)
    {
        return;
    }
    const int whole = ccn_whole_frames(frames, length);
    if (!whole || !conn->is_ws || conn->close_pending)
    {
        if (!whole)
        {
            atomic_fetch_add_explicit(ccn_control_long(shim, CCN_CONTROL_CORRUPT_OFFSET), 1, memory_order_relaxed);
        }
        atomic_fetch_sub_explicit(ccn_slot_long(shim, conn->slot, CCN_SLOT_QUEUED_OFFSET), length,
            memory_order_release);
        return;
    }
    ccn_enqueue(shim, conn, CCN_TX_FRAMES, frames, length, length);
}

/*
 * The same frames for many connections: checked once, then queued on each connection as its own FRAMES command
 * would be. Java added the frames' length to the queued bytes of every id in the record.
 */
static void ccn_on_broadcast(void *clientd, const uint8_t *ids, int32_t count, const uint8_t *frames, int32_t length)
{
    ccn_shim_t *shim = clientd;
    const int whole = ccn_whole_frames(frames, length);
    if (!whole)
    {
        atomic_fetch_add_explicit(ccn_control_long(shim, CCN_CONTROL_CORRUPT_OFFSET), 1, memory_order_relaxed);
    }
    for (int32_t i = 0; i < count; i++)
    {
        ccn_conn_t *conn = ccn_conn_by_id(shim, ccn_get_i64(ids + (size_t)i * CCN_ID_LENGTH));
        if (NULL == conn)
        {
            continue;
        }
        if (!whole || !conn->is_ws || conn->close_pending)
        {
            atomic_fetch_sub_explicit(ccn_slot_long(shim, conn->slot, CCN_SLOT_QUEUED_OFFSET), length,
                memory_order_release);
            continue;
        }
        ccn_enqueue(shim, conn, CCN_TX_FRAMES, frames, length, length);
    }
}

static void ccn_on_ping(void *clientd, int64_t id)
{
    ccn_shim_t *shim = clientd;
    ccn_conn_t *conn = ccn_conn_by_id(shim, id);
    if (NULL == conn)
    {
        return;
    }
    const int64_t accounted = 2 + CCN_PING_PAYLOAD_LENGTH;
    if (conn->is_ws && !conn->close_pending)
    {
        /* lws 4.1 does not report an empty pong, so pings carry a payload for the peer to echo */
        ccn_enqueue(shim, conn, CCN_TX_PING, ccn_ping_payload, CCN_PING_PAYLOAD_LENGTH, accounted);
    }
    else
    {
        atomic_fetch_sub_explicit(ccn_slot_long(shim, conn->slot, CCN_SLOT_QUEUED_OFFSET), accounted,
            memory_order_release);
    }
}

static void ccn_on_close(void *clientd, int64_t id, int32_t code, const uint8_t *reason, int32_t reason_length)
{
    ccn_shim_t *shim = clientd;
    ccn_conn_t *conn = ccn_conn_by_id(shim, id);
    if (NULL == conn || conn->close_pending || NULL == conn->wsi)
    {
        return;
    }
    if (!conn->is_ws)
    {
        lws_set_timeout(conn->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        return;
    }
    conn->close_pending = 1;
    conn->close_code = code;
    conn->close_reason_length = reason_length;
    memcpy(conn->close_reason, reason, (size_t)reason_length);
    /* lws 4.1 exports only whole-second timeouts */
    lws_set_timeout(conn->wsi, PENDING_TIMEOUT_USER_OK,
        (int)((shim->settings[CCN_SET_CLOSE_TIMEOUT_MS] + 999) / 1000));
    lws_callback_on_writable(conn->wsi);
}

static void ccn_on_abort(void *clientd, int64_t id)
{
    ccn_shim_t *shim = clientd;
    ccn_conn_t *conn = ccn_conn_by_id(shim, id);
    if (NULL != conn && NULL != conn->wsi)
    {
        lws_set_timeout(conn->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    }
}

static void ccn_on_read(void *clientd, int64_t id, int read)
{
    ccn_shim_t *shim = clientd;
    ccn_conn_t *conn = ccn_conn_by_id(shim, id);
    if (NULL != conn)
    {
        conn->user_read = read;
        ccn_set_rx(conn);
    }
}

static const ccn_command_sink_t ccn_sink =
{
    ccn_on_response, ccn_on_send, ccn_on_ping, ccn_on_close, ccn_on_abort, ccn_on_read, ccn_on_frames,
    ccn_on_broadcast
};

static void ccn_command_handler(void *clientd, int32_t msg_type_id, const uint8_t *msg, int32_t length)
{
    ccn_shim_t *shim = clientd;
    if (ccn_command_decode(msg_type_id, msg, length, &ccn_sink, shim) < 0)
    {
        atomic_fetch_add_explicit(ccn_control_long(shim, CCN_CONTROL_CORRUPT_OFFSET), 1, memory_order_relaxed);
    }
}

static int ccn_drain_commands(ccn_shim_t *shim)
{
    int total = 0;
    while (total < CCN_COMMAND_READ_LIMIT)
    {
        int corrupt = 0;
        const int read = ccn_ring_read(
            &shim->commands, ccn_command_handler, shim, CCN_COMMAND_READ_LIMIT - total, &corrupt);
        if (corrupt)
        {
            atomic_fetch_add_explicit(ccn_control_long(shim, CCN_CONTROL_CORRUPT_OFFSET), 1, memory_order_relaxed);
            break;
        }
        total += read;
        if (0 == read && !ccn_ring_has_record(&shim->commands))
        {
            break;
        }
    }
    return total;
}

/*
 * Whether the upgrade offers a subprotocol this server speaks; when it offers only others, *offered is set and
 * the offered names are written to names (joined with ", ", as the server's refusal names them).
 */
static int ccn_offers_known_subprotocol(struct lws *wsi, int *offered, char *names, size_t names_length)
{
    char list[512];
    const int length = lws_hdr_copy(wsi, list, sizeof(list), WSI_TOKEN_PROTOCOL);
    *offered = length != 0;
    names[0] = '\0';
    if (length <= 0)
    {
        return 0;
    }
    size_t used = 0;
    char *save = NULL;
    for (char *token = strtok_r(list, ", ", &save); NULL != token; token = strtok_r(NULL, ", ", &save))
    {
        if (0 == strcmp(token, "cc.json.v1") || 0 == strcmp(token, "cc.sbe.v1") ||
            0 == strcmp(token, "cc.plugin.json.v1") || 0 == strcmp(token, "cc.plugin.sbe.v1"))
        {
            return 1;
        }
        for (char *c = token; '\0' != *c; c++)
        {
            if ('"' == *c || '\\' == *c || (unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
            {
                *c = '?'; /* the name goes into a JSON string */
            }
        }
        const int written = snprintf(names + used, names_length - used, "%s%s", 0 == used ? "" : ", ", token);
        if (written < 0 || (size_t)written >= names_length - used)
        {
            break;
        }
        used += (size_t)written;
    }
    return 0;
}

static int ccn_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
    (void)user;
    ccn_shim_t *shim = NULL == wsi ? NULL : ccn_shim_of(wsi);
    ccn_conn_t *conn;

    switch (reason)
    {
        case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:
            if (shim->stopping || 0 == shim->free_count ||
                (shim->settings[CCN_SET_MAX_CONNECTIONS] > 0 && shim->open >= shim->settings[CCN_SET_MAX_CONNECTIONS]))
            {
                return 1;
            }
            return 0;

        case LWS_CALLBACK_HTTP_BIND_PROTOCOL:
            if (NULL == ccn_conn_open(shim, wsi))
            {
                return -1;
            }
            return 0;

        case LWS_CALLBACK_HTTP:
        {
            conn = ccn_conn_open(shim, wsi);
            if (NULL == conn)
            {
                return -1;
            }
            conn->body.length = 0;
            conn->body_expected = 0;
            conn->rejecting = 0;
            const int cl_length = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH);
            const int chunked = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0;
            if (cl_length > 0)
            {
                char number[32];
                if (lws_hdr_copy(wsi, number, sizeof(number), WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0)
                {
                    conn->body_expected = strtoll(number, NULL, 10);
                }
            }
            if (conn->body_expected > shim->settings[CCN_SET_MAX_BODY])
            {
                ccn_reject_body_too_large(shim, conn, wsi);
                lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, 1);
                return 0;
            }
            if (conn->body_expected > 0 || chunked)
            {
                return 0; /* the body follows: LWS_CALLBACK_HTTP_BODY, then _COMPLETION */
            }
            ccn_emit_request(shim, conn, wsi);
            return 0;
        }

        case LWS_CALLBACK_HTTP_BODY:
            conn = lws_get_opaque_user_data(wsi);
            if (NULL == conn || conn->rejecting)
            {
                return 0;
            }
            if ((int64_t)(conn->body.length + len) > shim->settings[CCN_SET_MAX_BODY])
            {
                ccn_reject_body_too_large(shim, conn, wsi);
                lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, 1);
                return 0;
            }
            if (ccn_bytes_append(&conn->body, in, len) < 0)
            {
                return -1;
            }
            return 0;

        case LWS_CALLBACK_HTTP_BODY_COMPLETION:
            conn = lws_get_opaque_user_data(wsi);
            if (NULL == conn || conn->rejecting)
            {
                return 0;
            }
            if (conn->awaiting_response || conn->out_ready)
            {
                /*
                 * Bytes of a next request follow a request with a body that is not answered yet: lws 4.1 completes
                 * that body again for every pass over them and corrupts its state when the answer comes between
                 * two passes. A client pipelining after a request with a body (which RFC 9112 9.3.2 advises
                 * against) is dropped: the request was handed over once and may have taken effect; its answer is
                 * not sent.
                 */
                atomic_fetch_add_explicit(ccn_control_long(shim, CCN_CONTROL_PIPELINED_OFFSET), 1,
                    memory_order_relaxed);
                return -1;
            }
            ccn_emit_request(shim, conn, wsi);
            return 0;

        case LWS_CALLBACK_HTTP_WRITEABLE:
            conn = lws_get_opaque_user_data(wsi);
            if (NULL == conn)
            {
                return 0;
            }
            return ccn_write_response(conn, wsi);

        case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        {
            conn = ccn_conn_open(shim, wsi);
            if (NULL == conn)
            {
                return -1;
            }
            /* lws_hdr_copy fails on a buffer shorter than the whole path, so the buffer fits the longest head */
            char path[CCN_MAX_PATH + 1];
            const int path_length = lws_hdr_copy(wsi, path, sizeof(path), WSI_TOKEN_GET_URI);
            if (NULL != in && 0 == strcasecmp((const char *)in, "h2c"))
            {
                /* HTTP/2 is not offered: serve the request as HTTP/1.1, as if the upgrade was not asked for */
                if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 ||
                    lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0)
                {
                    ccn_reject(shim, conn, wsi, 400, "h2c upgrade with a body: expected HTTP/1.1 without Upgrade\n");
                    return -1;
                }
                /*
                 * lws would switch to HTTP/2 on return 0 and closes after the transaction on return 1, so the
                 * answer is awaited here (bounded), written, and the connection closes after it.
                 */
                conn->rejecting = 0;
                shim->draining_in_callback = 1;
                ccn_emit_request(shim, conn, wsi);
                const lws_usec_t deadline = lws_now_usecs() + 2 * LWS_US_PER_SEC;
                while (conn->awaiting_response && !conn->out_ready && lws_now_usecs() < deadline)
                {
                    ccn_flush_stalled(shim);
                    if (0 == ccn_drain_commands(shim))
                    {
                        const struct timespec pause = { 0, 20000 };
                        nanosleep(&pause, NULL);
                    }
                }
                shim->draining_in_callback = 0;
                if (conn->out_ready)
                {
                    conn->out_ready = 0;
                    if (lws_write(wsi, conn->out.data + LWS_PRE, conn->out.length - LWS_PRE,
                        LWS_WRITE_HTTP_HEADERS) < 0)
                    {
                        return -1;
                    }
                    conn->out.length = 0;
                }
                conn->awaiting_response = 0;
                return 1;
            }
            if (NULL == in || 0 != strcasecmp((const char *)in, "websocket"))
            {
                ccn_reject(shim, conn, wsi, 400, "unsupported upgrade: expected websocket\n");
                return -1;
            }
            if (path_length < 4 || 0 != strncmp(path, "/ws/", 4))
            {
                ccn_reject(shim, conn, wsi, 404, "no websocket endpoint here: expected a path under /ws/\n");
                return -1;
            }
            int offered = 0;
            char names[256];
            if (!ccn_offers_known_subprotocol(wsi, &offered, names, sizeof(names)) && offered)
            {
                /* lws 4.1 drops an upgrade that offers only unknown subprotocols: refused here, as the server words it */
                char message[384];
                snprintf(message, sizeof(message), "unsupported subprotocol %s: expected cc.json.v1 or cc.sbe.v1",
                    names);
                ccn_reject_json(shim, conn, wsi, 400, message);
                return -1;
            }
            return 0;
        }

        case LWS_CALLBACK_ESTABLISHED:
        {
            conn = ccn_conn_open(shim, wsi);
            if (NULL == conn)
            {
                return -1;
            }
            conn->is_ws = 1;
            const struct lws_protocols *protocol = lws_get_protocol(wsi);
            const char *subprotocol = (NULL != protocol && NULL != protocol->name &&
                0 != strcmp(protocol->name, shim->protocols[0].name)) ? protocol->name : NULL;
            const int32_t length = ccn_build_request(shim, conn, wsi, subprotocol, NULL, 0);
            if (length < 0 || length > shim->events.max_msg_length)
            {
                conn->closed_code = 1009;
                lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, (unsigned char *)"upgrade head too large", 22);
                return -1;
            }
            ccn_emit(shim, conn, CCN_EVT_OPEN, shim->scratch, length);
            return 0;
        }

        case LWS_CALLBACK_RECEIVE:
        {
            conn = lws_get_opaque_user_data(wsi);
            if (NULL == conn)
            {
                return -1;
            }
            if (0 == conn->rx.length)
            {
                if (ccn_bytes_reserve(&conn->rx, CCN_ID_LENGTH + 8) < 0)
                {
                    return -1;
                }
                conn->rx.length = CCN_ID_LENGTH + 8;
            }
            if ((int64_t)(conn->rx.length - 16 + len) > shim->settings[CCN_SET_MAX_FRAME])
            {
                static const char text[] = "message too big";
                conn->closed_code = 1009;
                memcpy(conn->closed_reason, text, sizeof(text) - 1);
                conn->closed_reason_length = sizeof(text) - 1;
                lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, (unsigned char *)text, sizeof(text) - 1);
                return -1;
            }
            if (ccn_bytes_append(&conn->rx, in, len) < 0)
            {
                return -1;
            }
            if (lws_is_final_fragment(wsi) && 0 == lws_remaining_packet_payload(wsi))
            {
                ccn_put_i64(conn->rx.data, conn->id);
                ccn_put_i32(conn->rx.data + 8, lws_frame_is_binary(wsi) ? 1 : 0);
                ccn_put_i32(conn->rx.data + 12, 0);
                const int result = ccn_emit(shim, conn, CCN_EVT_MESSAGE, conn->rx.data, (int32_t)conn->rx.length);
                conn->rx.length = 0;
                if (conn->rx.capacity > 1024 * 1024)
                {
                    ccn_bytes_free(&conn->rx);
                }
                if (result < 0)
                {
                    return -1;
                }
            }
            return 0;
        }

        case LWS_CALLBACK_RECEIVE_PONG:
        {
            conn = lws_get_opaque_user_data(wsi);
            if (NULL != conn)
            {
                uint8_t event[8];
                ccn_put_i64(event, conn->id);
                ccn_emit(shim, conn, CCN_EVT_PONG, event, sizeof(event));
            }
            return 0;
        }

        case LWS_CALLBACK_SERVER_WRITEABLE:
            conn = lws_get_opaque_user_data(wsi);
            if (NULL == conn)
            {
                return 0;
            }
            return ccn_write_queue(shim, conn, wsi);

        case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
            conn = lws_get_opaque_user_data(wsi);
            if (NULL != conn && !conn->close_pending)
            {
                const uint8_t *payload = in;
                if (len >= 2)
                {
                    conn->closed_code = (payload[0] << 8) | payload[1];
                    size_t reason_length = len - 2;
                    if (reason_length > CCN_MAX_CLOSE_REASON)
                    {
                        reason_length = CCN_MAX_CLOSE_REASON;
                    }
                    memcpy(conn->closed_reason, payload + 2, reason_length);
                    conn->closed_reason_length = (int32_t)reason_length;
                }
                else
                {
                    conn->closed_code = 1005;
                }
            }
            return 0;

        case LWS_CALLBACK_CLOSED:
        case LWS_CALLBACK_CLOSED_HTTP:
        case LWS_CALLBACK_WSI_DESTROY:
            ccn_conn_closed(shim, wsi);
            return 0;

        default:
            return 0;
    }
}

static void *ccn_service(void *arg)
{
    ccn_shim_t *shim = arg;
    _Atomic int32_t *sleeping = ccn_control_int(shim, CCN_CONTROL_SLEEPING_OFFSET);
    _Atomic int32_t *stop = ccn_control_int(shim, CCN_CONTROL_STOP_OFFSET);
    _Atomic int64_t *heartbeat = ccn_control_long(shim, CCN_CONTROL_HEARTBEAT_OFFSET);

    while (0 == atomic_load_explicit(stop, memory_order_acquire))
    {
        atomic_fetch_add_explicit(heartbeat, 1, memory_order_relaxed);
        const int work = ccn_drain_commands(shim);
        if (NULL != shim->stalled)
        {
            ccn_flush_stalled(shim);
        }

        if (work > 0)
        {
            lws_service(shim->context, -1); /* poll without waiting */
            continue;
        }

        /* Java wakes us only when it sees this flag after its ring write (both sides fence seq_cst). */
        atomic_store_explicit(sleeping, 1, memory_order_seq_cst);
        atomic_thread_fence(memory_order_seq_cst);
        if (ccn_ring_has_record(&shim->commands) || 0 != atomic_load_explicit(stop, memory_order_acquire))
        {
            atomic_store_explicit(sleeping, 0, memory_order_relaxed);
            continue;
        }
        lws_service(shim->context, 0);
        atomic_store_explicit(sleeping, 0, memory_order_release);
    }

    shim->stopping = 1;
    lws_sul_cancel(&shim->retry_sul);
    lws_context_destroy(shim->context);
    shim->context = NULL;
    return NULL;
}

int32_t ccn_abi_version(void)
{
    return CCN_ABI_VERSION;
}

const char *ccn_lws_version(void)
{
    return lws_get_library_version();
}

int32_t ccn_protocol_constant(const char *name)
{
#define CCN_CONSTANT(n) if (0 == strcmp(name, #n)) { return n; }
    CCN_CONSTANT(CCN_ABI_VERSION)
    CCN_CONSTANT(CCN_EVT_REQUEST)
    CCN_CONSTANT(CCN_EVT_OPEN)
    CCN_CONSTANT(CCN_EVT_MESSAGE)
    CCN_CONSTANT(CCN_EVT_PONG)
    CCN_CONSTANT(CCN_EVT_WRITABILITY)
    CCN_CONSTANT(CCN_EVT_CLOSED)
    CCN_CONSTANT(CCN_CMD_RESPONSE)
    CCN_CONSTANT(CCN_CMD_SEND)
    CCN_CONSTANT(CCN_CMD_PING)
    CCN_CONSTANT(CCN_CMD_CLOSE)
    CCN_CONSTANT(CCN_CMD_ABORT)
    CCN_CONSTANT(CCN_CMD_READ)
    CCN_CONSTANT(CCN_CMD_FRAMES)
    CCN_CONSTANT(CCN_CMD_BROADCAST)
    CCN_CONSTANT(CCN_ID_LENGTH)
    CCN_CONSTANT(CCN_REQUEST_FIXED_FIELDS)
    CCN_CONSTANT(CCN_MAX_CLOSE_REASON)
    CCN_CONSTANT(CCN_PING_PAYLOAD_LENGTH)
    CCN_CONSTANT(CCN_SLOT_LENGTH)
    CCN_CONSTANT(CCN_SLOT_ID_OFFSET)
    CCN_CONSTANT(CCN_SLOT_QUEUED_OFFSET)
    CCN_CONSTANT(CCN_CONTROL_LENGTH)
    CCN_CONSTANT(CCN_CONTROL_SLEEPING_OFFSET)
    CCN_CONSTANT(CCN_CONTROL_STOP_OFFSET)
    CCN_CONSTANT(CCN_CONTROL_HEARTBEAT_OFFSET)
    CCN_CONSTANT(CCN_CONTROL_CORRUPT_OFFSET)
    CCN_CONSTANT(CCN_CONTROL_OPEN_OFFSET)
    CCN_CONSTANT(CCN_CONTROL_PIPELINED_OFFSET)
    CCN_CONSTANT(CCN_CONTROL_POLLER_SLEEPING_OFFSET)
    CCN_CONSTANT(CCN_CONTROL_POLLER_FD_OFFSET)
    CCN_CONSTANT(CCN_CONTROL_POLLER_WAKES_OFFSET)
    CCN_CONSTANT(CCN_CONTROL_FD_TABLE_OFFSET)
    CCN_CONSTANT(CCN_FD_TABLE_MAX)
    CCN_CONSTANT(CCN_SET_PORT)
    CCN_CONSTANT(CCN_SET_MAX_FRAME)
    CCN_CONSTANT(CCN_SET_MAX_BODY)
    CCN_CONSTANT(CCN_SET_MAX_HEADER)
    CCN_CONSTANT(CCN_SET_MAX_QUEUED)
    CCN_CONSTANT(CCN_SET_HIGH_WATER)
    CCN_CONSTANT(CCN_SET_LOW_WATER)
    CCN_CONSTANT(CCN_SET_MAX_CONNECTIONS)
    CCN_CONSTANT(CCN_SET_HEADER_TIMEOUT_MS)
    CCN_CONSTANT(CCN_SET_IDLE_TIMEOUT_MS)
    CCN_CONSTANT(CCN_SET_CLOSE_TIMEOUT_MS)
    CCN_CONSTANT(CCN_SET_SLOTS)
    CCN_CONSTANT(CCN_SET_COUNT)
    CCN_CONSTANT(CCN_RB_TAIL_POSITION_OFFSET)
    CCN_CONSTANT(CCN_RB_HEAD_CACHE_POSITION_OFFSET)
    CCN_CONSTANT(CCN_RB_HEAD_POSITION_OFFSET)
    CCN_CONSTANT(CCN_RB_CORRELATION_COUNTER_OFFSET)
    CCN_CONSTANT(CCN_RB_CONSUMER_HEARTBEAT_OFFSET)
    CCN_CONSTANT(CCN_RB_TRAILER_LENGTH)
    CCN_CONSTANT(CCN_RECORD_HEADER_LENGTH)
    CCN_CONSTANT(CCN_RECORD_ALIGNMENT)
    CCN_CONSTANT(CCN_PADDING_MSG_TYPE_ID)
#undef CCN_CONSTANT
    return INT32_MIN;
}

static void ccn_error(char *error, int32_t error_length, const char *text)
{
    if (NULL != error && error_length > 0)
    {
        snprintf(error, (size_t)error_length, "%s", text);
    }
}

static void ccn_free_shim(ccn_shim_t *shim)
{
    if (NULL == shim)
    {
        return;
    }
    ccn_conn_t *conn = shim->stalled;
    while (NULL != conn)
    {
        ccn_conn_t *next = conn->next_stalled;
        if (conn->gone)
        {
            ccn_conn_free(conn);
        }
        conn = next;
    }
    if (NULL != shim->conns)
    {
        for (int32_t i = 0; i < shim->slots; i++)
        {
            if (NULL != shim->conns[i])
            {
                ccn_conn_free(shim->conns[i]);
            }
        }
    }
    free(shim->conns);
    free(shim->free_slots);
    free(shim->scratch);
    if (shim->poller_fd >= 0)
    {
        close(shim->poller_fd);
    }
    free(shim);
}

void *ccn_start(const char *bind_address, const int64_t *settings,
    uint8_t *event_ring, int64_t event_ring_length, uint8_t *command_ring, int64_t command_ring_length,
    uint8_t *table, uint8_t *control, int32_t *bound_port, char *error, int32_t error_length)
{
    ccn_shim_t *shim = calloc(1, sizeof(ccn_shim_t));
    if (NULL == shim)
    {
        ccn_error(error, error_length, "out of memory");
        return NULL;
    }
    memcpy(shim->settings, settings, sizeof(shim->settings));
    shim->poller_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (shim->poller_fd < 0)
    {
        ccn_error(error, error_length, "could not create the poller's eventfd");
        free(shim);
        return NULL;
    }
    if (ccn_ring_init(&shim->events, event_ring, (size_t)event_ring_length) < 0 ||
        ccn_ring_init(&shim->commands, command_ring, (size_t)command_ring_length) < 0)
    {
        ccn_error(error, error_length, "ring length: expected a power of two plus the 768-byte trailer");
        close(shim->poller_fd);
        free(shim);
        return NULL;
    }
    shim->table = table;
    shim->control = control;
    atomic_store_explicit(ccn_control_int(shim, CCN_CONTROL_POLLER_FD_OFFSET), shim->poller_fd, memory_order_release);
    shim->slots = (int32_t)settings[CCN_SET_SLOTS];
    shim->conns = calloc((size_t)shim->slots, sizeof(ccn_conn_t *));
    shim->free_slots = calloc((size_t)shim->slots, sizeof(int32_t));
    shim->scratch_length = shim->events.max_msg_length;
    shim->scratch = malloc((size_t)shim->scratch_length);
    if (NULL == shim->conns || NULL == shim->free_slots || NULL == shim->scratch)
    {
        ccn_error(error, error_length, "out of memory");
        ccn_free_shim(shim);
        return NULL;
    }
    for (int32_t i = 0; i < shim->slots; i++)
    {
        shim->free_slots[i] = shim->slots - 1 - i;
    }
    shim->free_count = shim->slots;

    shim->protocols[0].name = "cc-default";
    shim->protocols[0].callback = ccn_callback;
    shim->protocols[1].name = "cc.json.v1";
    shim->protocols[1].callback = ccn_callback;
    shim->protocols[2].name = "cc.sbe.v1";
    shim->protocols[2].callback = ccn_callback;
    /* the remote plugin protocol's route (/ws/plugins/remote): the server checks which path takes which */
    shim->protocols[3].name = "cc.plugin.json.v1";
    shim->protocols[3].callback = ccn_callback;
    shim->protocols[4].name = "cc.plugin.sbe.v1";
    shim->protocols[4].callback = ccn_callback;
    for (int i = 0; i < 5; i++)
    {
        shim->protocols[i].rx_buffer_size = 16 * 1024;
    }

    /* libwebsockets logs nothing unless CC_NATIVE_LWS_LOG names its level bits (1 errors, 3 with warnings...) */
    const char *log_level = getenv("CC_NATIVE_LWS_LOG");
    lws_set_log_level(NULL == log_level ? 0 : atoi(log_level), NULL);

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof(info));
    info.port = (int)settings[CCN_SET_PORT];
    info.iface = bind_address;
    info.protocols = shim->protocols;
    info.user = shim;
    info.options = LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_DISABLE_IPV6;
    if (NULL != bind_address && NULL != strchr(bind_address, ':'))
    {
        info.options &= ~(uint64_t)LWS_SERVER_OPTION_DISABLE_IPV6;
    }
    const int64_t max_header = settings[CCN_SET_MAX_HEADER];
    info.max_http_header_data = (unsigned short)(max_header > 65535 ? 65535 : (max_header < 256 ? 256 : max_header));
    info.timeout_secs = (unsigned int)((settings[CCN_SET_HEADER_TIMEOUT_MS] + 999) / 1000);
    info.keepalive_timeout = (int)((settings[CCN_SET_IDLE_TIMEOUT_MS] + 999) / 1000);
    info.timeout_secs_ah_idle = info.timeout_secs;
    /*
     * libwebsockets looks a socket's connection up by indexing a table with the descriptor, a table as large as the
     * open-file limit. Given an fd_limit_per_thread below that limit, it sizes the table by it instead and then
     * scans the table for the socket on every event: a cost that grows with the connections (7 % of this thread at
     * 1,000 clients). So the limit is left to the open-file limit while that keeps the table small, and set to the
     * connection slots only above that.
     */
    const long open_max = sysconf(_SC_OPEN_MAX);
    if (open_max > 0 && open_max <= CCN_FD_TABLE_MAX)
    {
        atomic_store_explicit(ccn_control_long(shim, CCN_CONTROL_FD_TABLE_OFFSET), (int64_t)open_max,
            memory_order_release);
    }
    else
    {
        info.fd_limit_per_thread = (unsigned int)shim->slots + 64;
    }
    info.pt_serv_buf_size = 64 * 1024;
    info.count_threads = 1;

    shim->context = lws_create_context(&info);
    if (NULL == shim->context)
    {
        char text[256];
        snprintf(text, sizeof(text), "could not bind %s:%lld (libwebsockets could not create its context)",
            NULL == bind_address ? "*" : bind_address, (long long)settings[CCN_SET_PORT]);
        ccn_error(error, error_length, text);
        ccn_free_shim(shim);
        return NULL;
    }
    shim->vhost = lws_get_vhost_by_name(shim->context, "default");
    const int port = NULL == shim->vhost ? -1 : lws_get_vhost_listen_port(shim->vhost);
    if (port <= 0)
    {
        char text[256];
        snprintf(text, sizeof(text), "could not bind %s:%lld", NULL == bind_address ? "*" : bind_address,
            (long long)settings[CCN_SET_PORT]);
        ccn_error(error, error_length, text);
        lws_context_destroy(shim->context);
        ccn_free_shim(shim);
        return NULL;
    }
    *bound_port = port;

    if (0 != pthread_create(&shim->thread, NULL, ccn_service, shim))
    {
        ccn_error(error, error_length, "could not start the service thread");
        lws_context_destroy(shim->context);
        ccn_free_shim(shim);
        return NULL;
    }
    pthread_setname_np(shim->thread, "cc-native-lws");
    return shim;
}

int32_t ccn_poller_wait(int32_t fd, int32_t timeout_ms)
{
    struct pollfd waiting = { .fd = fd, .events = POLLIN, .revents = 0 };
    if (poll(&waiting, 1, timeout_ms) <= 0)
    {
        return 0;
    }
    uint64_t count;
    return sizeof(count) == read(fd, &count, sizeof(count)) ? 1 : 0;
}

void ccn_poller_kick(int32_t fd)
{
    const uint64_t one = 1;
    if (sizeof(one) != write(fd, &one, sizeof(one)))
    {
        /* the counter is at its maximum: the poller is woken already */
    }
}

void ccn_wake(void *handle)
{
    ccn_shim_t *shim = handle;
    if (NULL != shim && NULL != shim->context)
    {
        lws_cancel_service(shim->context);
    }
}

void ccn_stop(void *handle)
{
    ccn_shim_t *shim = handle;
    if (NULL == shim)
    {
        return;
    }
    atomic_store_explicit(ccn_control_int(shim, CCN_CONTROL_STOP_OFFSET), 1, memory_order_seq_cst);
    lws_cancel_service(shim->context);
    pthread_join(shim->thread, NULL);
    ccn_free_shim(shim);
}

int32_t ccn_test_produce(uint8_t *ring_buffer, int64_t ring_length, int64_t seed, int32_t count, int32_t max_length)
{
    ccn_ring_t ring;
    if (ccn_ring_init(&ring, ring_buffer, (size_t)ring_length) < 0)
    {
        return -1;
    }
    uint64_t x = (uint64_t)seed | 1u;
    uint8_t payload[65536];
    if (max_length > (int32_t)sizeof(payload))
    {
        max_length = (int32_t)sizeof(payload);
    }
    for (int32_t i = 0; i < count; i++)
    {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        const int32_t type = 1 + (int32_t)(x & 0xff);
        const int32_t length = (int32_t)((x >> 8) % (uint64_t)(max_length + 1));
        for (int32_t j = 0; j < length; j++)
        {
            payload[j] = (uint8_t)(i * 31 + j);
        }
        if (0 != ccn_ring_write(&ring, type, payload, length))
        {
            return i;
        }
    }
    return count;
}

typedef struct ccn_echo_stct
{
    ccn_ring_t *to;
    int32_t failed;
}
ccn_echo_t;

static void ccn_echo_handler(void *clientd, int32_t msg_type_id, const uint8_t *msg, int32_t length)
{
    ccn_echo_t *echo = clientd;
    if (0 != ccn_ring_write(echo->to, msg_type_id, msg, length))
    {
        echo->failed++;
    }
}

int32_t ccn_test_echo(uint8_t *from, int64_t from_length, uint8_t *to, int64_t to_length)
{
    ccn_ring_t from_ring;
    ccn_ring_t to_ring;
    if (ccn_ring_init(&from_ring, from, (size_t)from_length) < 0 || ccn_ring_init(&to_ring, to, (size_t)to_length) < 0)
    {
        return -1;
    }
    ccn_echo_t echo = { &to_ring, 0 };
    int32_t total = 0;
    int corrupt = 0;
    int read;
    while ((read = ccn_ring_read(&from_ring, ccn_echo_handler, &echo, INT32_MAX, &corrupt)) > 0 ||
        ccn_ring_has_record(&from_ring))
    {
        total += read;
        if (corrupt)
        {
            return -2;
        }
    }
    return echo.failed > 0 || corrupt ? -2 : total;
}

/**
 * Percent-encode one decoded query argument, {@code name=value} (the first '=' kept as the separator), into
 * {@code out}, which has room for 3 bytes per input byte. Returns the bytes written.
 */
static int ccn_encode_argument(const char *in, int length, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    int written = 0;
    int separator_seen = 0;
    for (int i = 0; i < length; i++)
    {
        const unsigned char c = (unsigned char)in[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            '-' == c || '.' == c || '_' == c || '~' == c)
        {
            out[written++] = (char)c;
        }
        else if ('=' == c && !separator_seen)
        {
            separator_seen = 1;
            out[written++] = '=';
        }
        else
        {
            out[written++] = '%';
            out[written++] = hex[c >> 4];
            out[written++] = hex[c & 0x0F];
        }
    }
    return written;
}


