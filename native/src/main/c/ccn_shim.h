/*
 * The functions Java binds with the FFM API.
 */
#ifndef CCN_SHIM_H
#define CCN_SHIM_H

#include <stdint.h>

#define CCN_EXPORT __attribute__((visibility("default")))

/* CCN_ABI_VERSION; Java refuses a library whose version differs. */
CCN_EXPORT int32_t ccn_abi_version(void);

/* The libwebsockets version text, e.g. "4.1.6-". */
CCN_EXPORT const char *ccn_lws_version(void);

/* A constant of ccn_protocol.h or ccn_ring.h by name, or INT32_MIN when unknown (Java checks its mirror). */
CCN_EXPORT int32_t ccn_protocol_constant(const char *name);

/*
 * Create the lws context bound to bind_address and settings[CCN_SET_PORT], and start the service thread.
 * Returns a handle, or NULL with the reason in error (NUL-terminated, at most error_length bytes).
 * *bound_port receives the port bound.
 */
CCN_EXPORT void *ccn_start(const char *bind_address, const int64_t *settings,
    uint8_t *event_ring, int64_t event_ring_length, uint8_t *command_ring, int64_t command_ring_length,
    uint8_t *table, uint8_t *control, int32_t *bound_port, char *error, int32_t error_length);

/* Wake the service thread from its poll (lws_cancel_service); safe from any thread while the handle lives. */
CCN_EXPORT void ccn_wake(void *handle);

/* Wait until the service thread writes the poller fd (1) or the timeout passes (0); resets the fd. */
CCN_EXPORT int32_t ccn_poller_wait(int32_t fd, int32_t timeout_ms);

/* Wake a poller waiting on the fd (at close). */
CCN_EXPORT void ccn_poller_kick(int32_t fd);

/* Stop the service thread, close every connection, free everything. */
CCN_EXPORT void ccn_stop(void *handle);

/* Test support: write count records of pseudo-random type and length (xorshift from seed) to a OneToOne ring. */
CCN_EXPORT int32_t ccn_test_produce(uint8_t *ring, int64_t ring_length, int64_t seed, int32_t count,
    int32_t max_length);

/* Test support: read every record of a ManyToOne ring and write each, same type and bytes, to a OneToOne ring. */
CCN_EXPORT int32_t ccn_test_echo(uint8_t *from, int64_t from_length, uint8_t *to, int64_t to_length);

#endif
