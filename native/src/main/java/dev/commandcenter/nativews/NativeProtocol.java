package dev.commandcenter.nativews;

/**
 * Record types and layouts shared with the C shim ({@code ccn_protocol.h}); a test checks each constant against the
 * library's own. Every record payload starts with the connection id (int64, little-endian).
 * <pre>
 * Events, C to Java (OneToOne ring):
 *   REQUEST / OPEN  id, remote port i32, field count i32, fields [length i32, bytes]: method, uri, remote host,
 *                   subprotocol (empty for none), body, then header names and values alternating
 *   MESSAGE         id, binary i32, reserved i32, payload
 *   PONG            id
 *   WRITABILITY     id, writable i32, reserved i32
 *   CLOSED          id, code i32, reason length i32, reason
 * Commands, Java to C (ManyToOne ring):
 *   RESPONSE        id, status i32, close after i32, header count i32, body length i32, headers [length i32,
 *                   bytes] alternating names and values, body
 *   SEND            id, binary i32, reserved i32, payload (queued as a whole frame: header and payload)
 *   PING / ABORT    id
 *   CLOSE           id, code i32, reason length i32, reason
 *   READ            id, read i32, reserved i32
 * </pre>
 */
public final class NativeProtocol
{
    /** Version of this layout; the library must report the same. */
    public static final int ABI_VERSION = 3;

    /** Event: a whole HTTP request. */
    public static final int EVT_REQUEST = 1;
    /** Event: a WebSocket handshake completed. */
    public static final int EVT_OPEN = 2;
    /** Event: a whole WebSocket message. */
    public static final int EVT_MESSAGE = 3;
    /** Event: a pong arrived. */
    public static final int EVT_PONG = 4;
    /** Event: the send queue crossed a water mark. */
    public static final int EVT_WRITABILITY = 5;
    /** Event: the connection is gone. */
    public static final int EVT_CLOSED = 6;

    /** Command: answer an HTTP request. */
    public static final int CMD_RESPONSE = 1;
    /** Command: queue a WebSocket message. */
    public static final int CMD_SEND = 2;
    /** Command: send a ping. */
    public static final int CMD_PING = 3;
    /** Command: start the close handshake. */
    public static final int CMD_CLOSE = 4;
    /** Command: drop the connection now. */
    public static final int CMD_ABORT = 5;
    /** Command: stop or resume reading. */
    public static final int CMD_READ = 6;
    /** Command: whole unmasked server frames as the server's encoder wrote them, queued as they are. */
    public static final int CMD_FRAMES = 7;
    /** Command: the same whole frames for several connections (0, count, reserved, connection ids, frames). */
    public static final int CMD_BROADCAST = 8;

    /** Bytes of a connection id in a record. */
    public static final int ID_LENGTH = 8;
    /** Fields before the headers in a REQUEST or OPEN event. */
    public static final int REQUEST_FIXED_FIELDS = 5;
    /** Longest close reason in bytes. */
    public static final int MAX_CLOSE_REASON = 123;

    /** Payload of the pings the shim sends (lws 4.1 does not report empty pongs); a ping queues 2 + this bytes. */
    public static final int PING_PAYLOAD_LENGTH = 6;

    /** Bytes per connection slot in the shared table. */
    public static final int SLOT_LENGTH = 16;
    /** Offset of the connection id (int64, 0 when free) in a slot. */
    public static final int SLOT_ID_OFFSET = 0;
    /** Offset of the bytes queued for the connection (int64) in a slot. */
    public static final int SLOT_QUEUED_OFFSET = 8;

    /** Length of the control block. */
    public static final int CONTROL_LENGTH = 64;
    /** Control: int32, 1 while the service thread waits in poll. */
    public static final int CONTROL_SLEEPING_OFFSET = 0;
    /** Control: int32, 1 asks the service thread to stop. */
    public static final int CONTROL_STOP_OFFSET = 4;
    /** Control: int64, service loop iterations. */
    public static final int CONTROL_HEARTBEAT_OFFSET = 8;
    /** Control: int64, malformed command records rejected. */
    public static final int CONTROL_CORRUPT_OFFSET = 16;
    /** Control: int64, connections open now. */
    public static final int CONTROL_OPEN_OFFSET = 24;
    /** Control: int64, connections dropped for pipelining after a request with a body. */
    public static final int CONTROL_PIPELINED_OFFSET = 32;
    /** Control: int32, 1 while the event poller waits on the poller fd (the service thread then writes it). */
    public static final int CONTROL_POLLER_SLEEPING_OFFSET = 40;
    /** Control: int32, the eventfd the service thread writes to wake the event poller. */
    public static final int CONTROL_POLLER_FD_OFFSET = 44;
    /** Control: int64, wake-ups the service thread wrote to the poller fd. */
    public static final int CONTROL_POLLER_WAKES_OFFSET = 48;
    /**
     * Control: int64, the descriptors libwebsockets' socket table is indexed by (the process's open-file limit), or 0
     * when that limit is over {@link #FD_TABLE_MAX} and libwebsockets searches a table bounded by the connection
     * slots on every socket event.
     */
    public static final int CONTROL_FD_TABLE_OFFSET = 56;
    /** The largest open-file limit for which libwebsockets indexes its socket table by descriptor. */
    public static final int FD_TABLE_MAX = 1 << 20;

    /** Index of the port in the settings array passed to {@code ccn_start}. */
    public static final int SET_PORT = 0;
    /** Index of the largest WebSocket message. */
    public static final int SET_MAX_FRAME = 1;
    /** Index of the largest request body. */
    public static final int SET_MAX_BODY = 2;
    /** Index of the largest request head. */
    public static final int SET_MAX_HEADER = 3;
    /** Index of the per-connection queue limit. */
    public static final int SET_MAX_QUEUED = 4;
    /** Index of the high-water mark. */
    public static final int SET_HIGH_WATER = 5;
    /** Index of the low-water mark. */
    public static final int SET_LOW_WATER = 6;
    /** Index of the connection limit. */
    public static final int SET_MAX_CONNECTIONS = 7;
    /** Index of the header timeout. */
    public static final int SET_HEADER_TIMEOUT_MS = 8;
    /** Index of the idle timeout. */
    public static final int SET_IDLE_TIMEOUT_MS = 9;
    /** Index of the close timeout. */
    public static final int SET_CLOSE_TIMEOUT_MS = 10;
    /** Index of the number of slots in the connection table. */
    public static final int SET_SLOTS = 11;
    /** Number of settings. */
    public static final int SET_COUNT = 12;

    private NativeProtocol()
    {
    }
}
