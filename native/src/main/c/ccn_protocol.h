/*
 * Record types and layouts exchanged with Java through the two rings, the shared connection table and the
 * control block. Java mirrors every constant here in NativeProtocol; a test checks them against
 * ccn_protocol_constant(). All integers are little-endian; every payload starts with the connection id (int64).
 */
#ifndef CCN_PROTOCOL_H
#define CCN_PROTOCOL_H

#define CCN_ABI_VERSION 3

/* Events, C -> Java (OneToOne ring). */
#define CCN_EVT_REQUEST 1     /* id, remote port i32, field count i32, fields [len i32, bytes]:
                                 method, uri, remote host, subprotocol, body, then header name/value pairs */
#define CCN_EVT_OPEN 2        /* same layout as REQUEST; subprotocol empty when none was agreed, body empty */
#define CCN_EVT_MESSAGE 3     /* id, binary i32, reserved i32, payload */
#define CCN_EVT_PONG 4        /* id */
#define CCN_EVT_WRITABILITY 5 /* id, writable i32, reserved i32 */
#define CCN_EVT_CLOSED 6      /* id, code i32, reason length i32, reason */

/* Commands, Java -> C (ManyToOne ring). */
#define CCN_CMD_RESPONSE 1 /* id, status i32, close after i32, header count i32, body length i32,
                              header names and values [len i32, bytes] alternating, body */
#define CCN_CMD_SEND 2     /* id, binary i32, reserved i32, payload */
#define CCN_CMD_PING 3     /* id */
#define CCN_CMD_CLOSE 4    /* id, code i32, reason length i32, reason */
#define CCN_CMD_ABORT 5    /* id */
#define CCN_CMD_READ 6     /* id, read i32, reserved i32 */
#define CCN_CMD_FRAMES 7   /* id, reserved i32, reserved i32, whole unmasked server frames as the server encoded them */
#define CCN_CMD_BROADCAST 8 /* 0 i64, connection count i32 (>= 1), reserved i32, connection ids [i64], whole unmasked
                               server frames: the same frames for each of the connections, in the order given */

#define CCN_ID_LENGTH 8
#define CCN_REQUEST_FIXED_FIELDS 5
#define CCN_MAX_CLOSE_REASON 123
#define CCN_PING_PAYLOAD_LENGTH 6 /* a ping frame counts 2 + 6 queued bytes */

/*
 * Shared connection table: one slot of 16 bytes per connection (id i64 release-stored, queued bytes i64: whole
 * frames, header included, as Java adds them for SEND and PING and the shim subtracts them once written).
 */
#define CCN_SLOT_LENGTH 16
#define CCN_SLOT_ID_OFFSET 0
#define CCN_SLOT_QUEUED_OFFSET 8

/* Control block shared with Java. */
#define CCN_CONTROL_LENGTH 64
#define CCN_CONTROL_SLEEPING_OFFSET 0  /* i32: 1 while the service thread waits in poll */
#define CCN_CONTROL_STOP_OFFSET 4      /* i32: 1 asks the service thread to stop */
#define CCN_CONTROL_HEARTBEAT_OFFSET 8 /* i64: loop iterations, for liveness */
#define CCN_CONTROL_CORRUPT_OFFSET 16  /* i64: command records rejected as malformed */
#define CCN_CONTROL_OPEN_OFFSET 24     /* i64: connections open now */
#define CCN_CONTROL_PIPELINED_OFFSET 32 /* i64: connections dropped for pipelining after a request with a body */
#define CCN_CONTROL_POLLER_SLEEPING_OFFSET 40 /* i32: 1 while Java's event poller waits on the poller fd */
#define CCN_CONTROL_POLLER_FD_OFFSET 44       /* i32: the eventfd the service thread writes to wake the poller */
#define CCN_CONTROL_POLLER_WAKES_OFFSET 48    /* i64: wake-ups the service thread wrote to the poller fd */
#define CCN_CONTROL_FD_TABLE_OFFSET 56        /* i64: descriptors libwebsockets' socket table is indexed by (the
                                                 open-file limit), 0 when it searches the table on every event */

/*
 * The largest open-file limit for which libwebsockets gets a socket table indexed by descriptor (16 bytes of
 * table per possible descriptor: 16 MiB at this limit). Above it the table is bounded by the connection slots, and
 * libwebsockets then finds a socket's connection by scanning that table on every socket event.
 */
#define CCN_FD_TABLE_MAX (1L << 20)

/* Settings passed to ccn_start as an array of int64 at these indexes. */
#define CCN_SET_PORT 0
#define CCN_SET_MAX_FRAME 1
#define CCN_SET_MAX_BODY 2
#define CCN_SET_MAX_HEADER 3
#define CCN_SET_MAX_QUEUED 4
#define CCN_SET_HIGH_WATER 5
#define CCN_SET_LOW_WATER 6
#define CCN_SET_MAX_CONNECTIONS 7
#define CCN_SET_HEADER_TIMEOUT_MS 8
#define CCN_SET_IDLE_TIMEOUT_MS 9
#define CCN_SET_CLOSE_TIMEOUT_MS 10
#define CCN_SET_SLOTS 11
#define CCN_SET_COUNT 12

#endif
