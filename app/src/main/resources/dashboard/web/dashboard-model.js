/*
 * Command Center dashboard: the pure part of the page (dashboard.js). No DOM here: the admin token taken from the
 * address, the feed URLs, what a feed close means, the back-off between reconnects, keeping a tab on its feed with
 * since= resume and a snapshot reload after a gap (followFeed, createSync), the wallet state merged from its snapshot
 * and its live outputs, rates from cumulative counters, the telemetry history as plot data, and the formatting of
 * sats, BTC, durations and times. In a browser it is window.DashboardModel; under Node it is the module's exports
 * (the unit tests, app/src/test/js/dashboard-model.test.js).
 *
 * Feed messages are the JSON view of outputs ({"type":"WalletBalance",...}, enum names as strings), each with the
 * output "seq" a feed resumes from; a "batch" carries several in order and a "gap" says outputs were missed.
 */
(function (root, factory)
{
    'use strict';
    var model = factory();
    if (typeof module === 'object' && module.exports)
    {
        module.exports = model;
    }
    else
    {
        root.DashboardModel = model;
    }
})(this, function ()
{
    'use strict';

    var SUBPROTOCOL = 'cc.json.v1';
    var SATS_PER_BTC = 100000000;
    var BACKOFF_MIN_MS = 500;
    var BACKOFF_MAX_MS = 15000;
    var MAX_PAYMENTS = 50;
    var MAX_FAILOVERS = 20;
    var MAX_PENDING = 4096;
    var DEFAULT_ROOM = 'main';

    /**
     * The admin token the address carries, from the fragment (#token=) first, then the query (?token=); '' when
     * neither has one.
     */
    function tokenFromAddress(search, hash)
    {
        var fragment = new URLSearchParams(String(hash || '').replace(/^#/, ''));
        var fromHash = fragment.get('token');
        if (fromHash)
        {
            return fromHash;
        }
        return new URLSearchParams(search || '').get('token') || '';
    }

    /**
     * The address bar without the token (kept in session storage instead), so it is not left in the history, a
     * bookmark or a screen share: the path and every other query and fragment parameter kept.
     */
    function addressWithoutToken(pathname, search, hash)
    {
        var params = new URLSearchParams(search || '');
        params.delete('token');
        var query = params.toString();
        var fragment = new URLSearchParams(String(hash || '').replace(/^#/, ''));
        fragment.delete('token');
        var rest = fragment.toString();
        return pathname + (query ? '?' + query : '') + (rest ? '#' + rest : '');
    }

    /** The WebSocket URL of a feed on the page's own host, resuming after lastSeq when there is one. */
    function feedUrl(location, feed, token, lastSeq, types)
    {
        var scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        var url = scheme + '//' + location.host + '/ws/' + encodeURIComponent(feed) + '?token=' +
            encodeURIComponent(token);
        if (types)
        {
            url += '&types=' + encodeURIComponent(types);
        }
        return lastSeq === null || lastSeq === undefined ? url : url + '&since=' + lastSeq;
    }

    /**
     * What a feed close means: 'restart' (the server refused our since=, it may have restarted: reconnect without
     * it and reload the snapshot), 'refused' (a policy refusal such as a bad token: stop and say why) or 'retry'
     * (a blip: resume with since=).
     */
    function closeAction(code, reason, lastSeq)
    {
        if (code === 1008 && lastSeq !== null && lastSeq !== undefined && /^(invalid )?since /.test(reason || ''))
        {
            return 'restart';
        }
        return code === 1008 ? 'refused' : 'retry';
    }

    /** Delays between reconnects: doubling from minMs to maxMs, back to minMs after reset() (a connection opened). */
    function createBackoff(minMs, maxMs)
    {
        var min = Number(minMs) > 0 ? Number(minMs) : BACKOFF_MIN_MS;
        var max = Number(maxMs) >= min ? Number(maxMs) : Math.max(min, BACKOFF_MAX_MS);
        var next = min;
        return {
            /** The delay before the next attempt; each call doubles the one after it, up to the maximum. */
            next: function ()
            {
                var delay = next;
                next = Math.min(next * 2, max);
                return delay;
            },
            /** Start again from the minimum. */
            reset: function ()
            {
                next = min;
            }
        };
    }

    /** The messages a feed frame carries, in order: a batch unpacked, anything else as one. */
    function unpack(frame)
    {
        return frame && frame.type === 'batch' && Array.isArray(frame.messages) ? frame.messages : [frame];
    }

    /**
     * Keeps a tab on one feed: connects, hands every message (batches unpacked) to options.message, remembers the
     * seq of the last one and, after a close, reconnects with a back-off and ?since=SEQ. A gap message, and a
     * resume the server refused (it restarted), call options.reload() so the tab loads its snapshot again; a policy
     * refusal (bad token) calls options.refused(reason) and stops. options.status(state, detail) hears 'connecting',
     * 'live', 'reconnecting' (with the close reason and the delay) and 'refused'.
     *
     * @param io      WebSocket, location, setTimeout (the window in a browser; fakes in the tests).
     * @param options feed, token, types (optional), message(m), reload(), status(state, detail), refused(reason).
     * @return {stop(), lastSeq()}.
     */
    function followFeed(io, options)
    {
        var backoff = createBackoff(options.minMs, options.maxMs);
        var lastSeq = null;
        var stopped = false;
        var socket = null;

        function status(state, detail)
        {
            if (options.status)
            {
                options.status(state, detail || '');
            }
        }

        function reconnectLater(reason)
        {
            if (stopped)
            {
                return;
            }
            var delay = backoff.next();
            status('reconnecting', reason + ', again in ' + formatDuration(delay));
            io.setTimeout(connect, delay);
        }

        function receive(frame)
        {
            var messages = unpack(frame);
            for (var i = 0; i < messages.length; i++)
            {
                var message = messages[i];
                if (!message || typeof message !== 'object')
                {
                    continue;
                }
                if (typeof message.seq === 'number' && message.type !== 'gap')
                {
                    lastSeq = message.seq;
                }
                if (message.type === 'gap')
                {
                    if (options.reload)
                    {
                        options.reload(message);
                    }
                    continue;
                }
                options.message(message);
            }
            if (frame && frame.type === 'batch' && typeof frame.seq === 'number')
            {
                lastSeq = frame.seq;
            }
        }

        function connect()
        {
            if (stopped)
            {
                return;
            }
            status('connecting', '');
            try
            {
                socket = new io.WebSocket(feedUrl(io.location, options.feed, options.token, lastSeq, options.types),
                    SUBPROTOCOL);
            }
            catch (e)
            {
                reconnectLater(e && e.message ? e.message : 'cannot connect');
                return;
            }
            socket.onopen = function ()
            {
                backoff.reset();
                status('live', '');
            };
            socket.onmessage = function (event)
            {
                if (typeof event.data !== 'string')
                {
                    return;
                }
                var frame;
                try
                {
                    frame = JSON.parse(event.data);
                }
                catch (e)
                {
                    return;
                }
                receive(frame);
            };
            socket.onclose = function (event)
            {
                socket = null;
                if (stopped)
                {
                    return;
                }
                var reason = event.reason || ('closed, code ' + event.code);
                var action = closeAction(event.code, event.reason, lastSeq);
                if (action === 'refused')
                {
                    stopped = true;
                    status('refused', reason);
                    if (options.refused)
                    {
                        options.refused(reason);
                    }
                    return;
                }
                if (action === 'restart')
                {
                    lastSeq = null;
                    if (options.reload)
                    {
                        options.reload({ type: 'restart', reason: reason });
                    }
                }
                reconnectLater(reason);
            };
        }

        connect();
        return {
            /** Stops following: no more reconnects; closes the open socket. */
            stop: function ()
            {
                stopped = true;
                if (socket !== null)
                {
                    socket.close();
                }
            },
            /** Seq of the last message received, where a reconnect resumes; null before the first. */
            lastSeq: function () { return lastSeq; }
        };
    }

    /**
     * A tab's state from a REST snapshot merged with its feed's messages. Messages that arrive while a snapshot is
     * loading are kept and applied on top of it once it is in (they may be older than the snapshot: apply must
     * give the same state for a message seen twice, in order); a message with no loading snapshot applies at once.
     *
     * @param fromSnapshot(json) the state a snapshot answer gives.
     * @param apply(state, message) the state after one feed message.
     */
    function createSync(fromSnapshot, apply)
    {
        var state = null;
        var loading = false;
        var pending = [];

        return {
            /** A snapshot request starts now: buffer the messages from here on. */
            loading: function ()
            {
                loading = true;
                pending = [];
            },
            /** The snapshot answer: the state is rebuilt from it, then the buffered messages are applied. */
            snapshot: function (json)
            {
                var next = fromSnapshot(json);
                for (var i = 0; i < pending.length; i++)
                {
                    next = apply(next, pending[i]);
                }
                pending = [];
                loading = false;
                state = next;
                return state;
            },
            /** The snapshot could not be loaded: apply what was buffered to the state there is. */
            failed: function ()
            {
                loading = false;
                var messages = pending;
                pending = [];
                for (var i = 0; state !== null && i < messages.length; i++)
                {
                    state = apply(state, messages[i]);
                }
                return state;
            },
            /** One feed message; returns the state (unchanged while a snapshot is loading). */
            message: function (message)
            {
                if (loading || state === null)
                {
                    if (pending.length < MAX_PENDING)
                    {
                        pending.push(message);
                    }
                    return state;
                }
                state = apply(state, message);
                return state;
            },
            /** The state now, or null before the first snapshot. */
            state: function () { return state; },
            /** Whether a snapshot is loading. */
            isLoading: function () { return loading; }
        };
    }

    function number(value)
    {
        var n = Number(value);
        return isFinite(n) ? n : 0;
    }

    function text(value)
    {
        return value === undefined || value === null ? '' : String(value);
    }

    /** Epoch ms of a feed message: its "timestamp" (ISO text), or now when it has none. */
    function messageTime(message, nowMs)
    {
        var parsed = message && message.timestamp ? Date.parse(message.timestamp) : NaN;
        return isNaN(parsed) ? nowMs : parsed;
    }

    /** The wallet tab's state from GET /api/wallet (docs/dashboard.md). */
    function walletFromSnapshot(json)
    {
        var body = json || {};
        if (body.enabled === false)
        {
            return { enabled: false, reason: text(body.reason), network: '', state: '', server: '', tipHeight: 0,
                balance: { confirmedSats: 0, unconfirmedSats: 0 }, payments: [], failovers: [] };
        }
        var balance = body.balance || {};
        var payments = Array.isArray(body.payments) ? body.payments : [];
        var failovers = Array.isArray(body.failovers) ? body.failovers : [];
        return {
            enabled: true,
            reason: text(body.reason),
            network: text(body.network),
            state: text(body.state),
            server: text(body.server),
            tipHeight: number(body.tipHeight),
            balance: { confirmedSats: number(balance.confirmedSats), unconfirmedSats: number(balance.unconfirmedSats) },
            payments: payments.slice(0, MAX_PAYMENTS).map(function (p)
            {
                return { txid: text(p.txid), address: text(p.address), amountSats: number(p.amountSats),
                    height: number(p.height), confirmations: number(p.confirmations), memo: text(p.memo),
                    reorged: false };
            }),
            failovers: failovers.slice(0, MAX_FAILOVERS).map(function (f)
            {
                return { atEpochMs: number(f.atEpochMs), state: text(f.state), server: text(f.server),
                    reason: text(f.reason) };
            })
        };
    }

    function copyWallet(state)
    {
        return {
            enabled: state.enabled, reason: state.reason, network: state.network, state: state.state,
            server: state.server, tipHeight: state.tipHeight,
            balance: { confirmedSats: state.balance.confirmedSats, unconfirmedSats: state.balance.unconfirmedSats },
            payments: state.payments.slice(), failovers: state.failovers.slice()
        };
    }

    function paymentKey(txid, address)
    {
        return txid + '|' + address;
    }

    /**
     * The wallet state after one output of the wallet feed: a WalletBalance of the whole wallet (address empty) sets
     * the balance; TransactionReceived adds a payment (newest first, at most 50) or updates it; TransactionConfirmed
     * sets its height and confirmations; TransactionReorged marks it unconfirmed; NetworkStatus sets the state,
     * server and tip height and adds a failover entry when the state or the server changed. Seeing a message twice
     * in order gives the same state (what createSync needs). Returns a new state; the old one is left as it was.
     */
    function applyWallet(state, message, nowMs)
    {
        if (!message || typeof message !== 'object')
        {
            return state;
        }
        var next = copyWallet(state);
        switch (message.type)
        {
            case 'WalletBalance':
                if (text(message.address) !== '')
                {
                    return state;
                }
                next.balance = { confirmedSats: number(message.confirmedSats),
                    unconfirmedSats: number(message.unconfirmedSats) };
                return next;
            case 'TransactionReceived':
            case 'TransactionConfirmed':
            {
                var key = paymentKey(text(message.txid), text(message.address));
                var index = -1;
                for (var i = 0; i < next.payments.length; i++)
                {
                    if (paymentKey(next.payments[i].txid, next.payments[i].address) === key)
                    {
                        index = i;
                        break;
                    }
                }
                var confirmations = number(message.confirmations);
                if (message.type === 'TransactionConfirmed' && number(message.height) > 0 && confirmations > 0)
                {
                    next.tipHeight = Math.max(next.tipHeight, number(message.height) + confirmations - 1);
                }
                if (index < 0)
                {
                    next.payments.unshift({ txid: text(message.txid), address: text(message.address),
                        amountSats: number(message.amountSats), height: number(message.height),
                        confirmations: confirmations, memo: text(message.memo), reorged: false });
                    next.payments = next.payments.slice(0, MAX_PAYMENTS);
                    return next;
                }
                var old = next.payments[index];
                var confirmed = message.type === 'TransactionConfirmed';
                next.payments[index] = {
                    txid: old.txid, address: old.address,
                    amountSats: number(message.amountSats) || old.amountSats,
                    height: number(message.height) || old.height,
                    confirmations: old.reorged ? confirmations : Math.max(old.confirmations, confirmations),
                    memo: text(message.memo) || old.memo,
                    reorged: confirmed ? false : old.reorged
                };
                return next;
            }
            case 'TransactionReorged':
            {
                for (var j = 0; j < next.payments.length; j++)
                {
                    var p = next.payments[j];
                    if (p.txid === text(message.txid) && (text(message.address) === '' || p.address === text(message.address)))
                    {
                        next.payments[j] = { txid: p.txid, address: p.address, amountSats: p.amountSats, height: 0,
                            confirmations: 0, memo: p.memo, reorged: true };
                    }
                }
                return next;
            }
            case 'NetworkStatus':
            {
                var stateName = text(message.state);
                var server = text(message.server);
                if (stateName !== next.state || server !== next.server)
                {
                    next.failovers.unshift({ atEpochMs: messageTime(message, nowMs), state: stateName, server: server,
                        reason: text(message.reason) });
                    next.failovers = next.failovers.slice(0, MAX_FAILOVERS);
                }
                next.state = stateName;
                next.server = server;
                next.reason = text(message.reason);
                if (number(message.tipHeight) > 0)
                {
                    next.tipHeight = number(message.tipHeight);
                }
                return next;
            }
            default:
                return state;
        }
    }

    /**
     * The confirmations a payment shows: what the wallet last said, or more when the tip height says so (the wallet
     * reports confirmations only up to its configured depth).
     */
    function confirmationsOf(payment, tipHeight)
    {
        if (payment.reorged || payment.height <= 0)
        {
            return payment.reorged ? 0 : payment.confirmations;
        }
        return Math.max(payment.confirmations, number(tipHeight) >= payment.height ? number(tipHeight) - payment.height + 1 : 0);
    }

    /** The stream tab's queue state from an OverlayQueue output: paused, pending, the last action. */
    function queueView(message)
    {
        var paused = message.paused === 'TRUE' || message.paused === true;
        var pending = number(message.pending);
        return {
            paused: paused,
            pending: pending,
            action: text(message.action),
            lastAlertId: number(message.lastAlertId),
            text: (paused ? 'paused' : 'running') + ', ' + pending + (pending === 1 ? ' alert' : ' alerts') + ' pending'
        };
    }

    /**
     * Rates from cumulative counters: feed it each GET /api/counters answer; each row gets the counter's value and
     * its change per second since the previous answer (null for the first sample, and after a counter went back,
     * which a restart does).
     */
    function createRates()
    {
        var previous = new Map();
        var previousAt = null;
        return {
            sample: function (json)
            {
                var at = number(json && json.sampledAtEpochMs);
                var counters = json && Array.isArray(json.counters) ? json.counters : [];
                var seconds = previousAt === null ? 0 : (at - previousAt) / 1000;
                var rows = [];
                var seen = new Map();
                for (var i = 0; i < counters.length; i++)
                {
                    var c = counters[i];
                    var key = String(c.id) + ':' + text(c.label);
                    var value = number(c.value);
                    var before = previous.get(key);
                    var rate = null;
                    if (before !== undefined && seconds > 0 && value >= before)
                    {
                        rate = (value - before) / seconds;
                    }
                    seen.set(key, value);
                    rows.push({ id: number(c.id), typeId: number(c.typeId), label: text(c.label), value: value, rate: rate });
                }
                previous = seen;
                previousAt = at;
                return rows;
            }
        };
    }

    /** Change per second between consecutive samples of a cumulative series; null where it cannot be told. */
    function ratesOf(timesMs, values)
    {
        var rates = [];
        for (var i = 0; i < values.length; i++)
        {
            if (i === 0 || values[i] === null || values[i - 1] === null || values[i] < values[i - 1] ||
                timesMs[i] <= timesMs[i - 1])
            {
                rates.push(null);
            }
            else
            {
                rates.push((values[i] - values[i - 1]) * 1000 / (timesMs[i] - timesMs[i - 1]));
            }
        }
        return rates;
    }

    function seriesStartingWith(series, prefix)
    {
        var found = [];
        Object.keys(series).sort().forEach(function (label)
        {
            if (label.indexOf(prefix) === 0)
            {
                found.push({ label: label.substring(prefix.length) || label, values: series[label] });
            }
        });
        return found;
    }

    function scaled(values, factor)
    {
        return values.map(function (v) { return v === null || v === undefined ? null : v * factor; });
    }

    /**
     * The System tab's plots from GET /api/telemetry: each {title, unit, labels, data} with data in uPlot's form
     * ([times in seconds, series...]): events/s (from the cumulative "events in"), plugin lag, plugin latency p99
     * (µs), journal size (KiB, or MiB from 1 MiB on) and WebSocket clients. A plot whose counters the history lacks has no series.
     */
    function telemetryPlots(json)
    {
        var times = json && Array.isArray(json.times) ? json.times.map(number) : [];
        var series = json && json.series && typeof json.series === 'object' ? json.series : {};
        var seconds = times.map(function (t) { return t / 1000; });
        function plot(id, title, unit, found)
        {
            return { id: id, title: title, unit: unit, labels: found.map(function (s) { return s.label; }),
                data: [seconds].concat(found.map(function (s) { return s.values; })) };
        }
        var events = Array.isArray(series['events in']) ? [{ label: 'events/s', values: ratesOf(times,
            series['events in'].map(function (v) { return v === null ? null : number(v); })) }] : [];
        var lag = seriesStartingWith(series, 'plugin lag: ');
        var p99 = seriesStartingWith(series, 'plugin latency p99 ns: ').map(function (s)
        {
            return { label: s.label, values: scaled(s.values, 0.001) };
        });
        var journalBytes = Array.isArray(series['journal bytes']) ? series['journal bytes'] : null;
        var journalMax = journalBytes === null ? 0 : journalBytes.reduce(function (m, v) { return Math.max(m, number(v)); }, 0);
        var journalUnit = journalMax >= 1048576 ? 'MiB' : 'KiB';
        var journal = journalBytes === null ? [] : [{ label: 'journal', values: scaled(journalBytes,
            journalUnit === 'MiB' ? 1 / 1048576 : 1 / 1024) }];
        var clients = Array.isArray(series['websocket clients']) ?
            [{ label: 'clients', values: series['websocket clients'] }] : [];
        return [
            plot('events', 'Events per second', 'events/s', events),
            plot('lag', 'Plugin lag', 'events', lag),
            plot('p99', 'Plugin latency p99', 'µs', p99),
            plot('journal', 'Journal size', journalUnit, journal),
            plot('clients', 'WebSocket clients', 'clients', clients)
        ];
    }

    /** An amount in sats as BTC with all eight decimals: "0.00125000 BTC", "-0.00000100 BTC". */
    function formatBtc(sats)
    {
        var value = Math.trunc(number(sats));
        var sign = value < 0 ? '-' : '';
        value = Math.abs(value);
        var whole = Math.floor(value / SATS_PER_BTC);
        var fraction = String(value % SATS_PER_BTC);
        while (fraction.length < 8)
        {
            fraction = '0' + fraction;
        }
        return sign + whole + '.' + fraction + ' BTC';
    }

    /** An amount in sats with thousands separated: "125,000 sats", "1 sat". */
    function formatSats(sats)
    {
        var value = Math.trunc(number(sats));
        var digits = String(Math.abs(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
        return (value < 0 ? '-' : '') + digits + (Math.abs(value) === 1 ? ' sat' : ' sats');
    }

    /** A duration as a person reads it: "750 ms", "7 s", "4 min 5 s", "2 h 3 min". */
    function formatDuration(ms)
    {
        var value = Math.max(0, number(ms));
        if (value < 1000)
        {
            return Math.round(value) + ' ms';
        }
        var seconds = Math.round(value / 1000);
        if (seconds < 60)
        {
            return seconds + ' s';
        }
        var minutes = Math.floor(seconds / 60);
        if (minutes < 60)
        {
            return minutes + ' min' + (seconds % 60 === 0 ? '' : ' ' + (seconds % 60) + ' s');
        }
        var hours = Math.floor(minutes / 60);
        return hours + ' h' + (minutes % 60 === 0 ? '' : ' ' + (minutes % 60) + ' min');
    }

    /** A latency in ns as "850 ns", "12.5 µs", "3.20 ms". */
    function formatNanos(ns)
    {
        var value = Math.max(0, number(ns));
        if (value < 1000)
        {
            return Math.round(value) + ' ns';
        }
        if (value < 1000000)
        {
            return (value / 1000).toFixed(value < 10000 ? 2 : 1) + ' µs';
        }
        return (value / 1000000).toFixed(2) + ' ms';
    }

    /** A rate per second: "12.5/s", "0/s"; '' when unknown. */
    function formatRate(rate)
    {
        if (rate === null || rate === undefined || !isFinite(rate))
        {
            return '';
        }
        return (rate >= 100 ? Math.round(rate) : Math.round(rate * 10) / 10) + '/s';
    }

    /** A time as "2026-12-01 21:00:05" in UTC; '' for 0. */
    function formatTime(epochMs)
    {
        var value = number(epochMs);
        if (value <= 0)
        {
            return '';
        }
        return new Date(value).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '') + ' UTC';
    }

    /** A txid shortened for a table: "3f2a9c…81d0". */
    function shortTxid(txid)
    {
        var value = text(txid);
        return value.length > 16 ? value.substring(0, 8) + '…' + value.substring(value.length - 8) : value;
    }

    /** The error line shown when the server refused the token (401 or 403), from its JSON {"error"} answer. */
    function refusedText(status, body)
    {
        var error = body && body.error ? String(body.error) : 'HTTP ' + status;
        return 'The admin token was refused: ' + error;
    }

    /** The tab after a key press in a tab list, or -1 when the key does not move: arrows wrap, Home, End. */
    function tabAfterKey(key, index, count)
    {
        switch (key)
        {
            case 'ArrowRight':
            case 'ArrowDown':
                return (index + 1) % count;
            case 'ArrowLeft':
            case 'ArrowUp':
                return (index - 1 + count) % count;
            case 'Home':
                return 0;
            case 'End':
                return count - 1;
            default:
                return -1;
        }
    }

    /** The text of a feed's connection state beside the tab's title: "live", "reconnecting…", ... */
    function feedStateText(state)
    {
        switch (state)
        {
            case 'live':
                return 'live';
            case 'reconnecting':
                return 'reconnecting…';
            case 'refused':
                return 'refused';
            default:
                return 'connecting…';
        }
    }

    /**
     * The chat tab's lines, fed with /ws/chat messages: ChatLine adds a line once (by lineId, also after a resume
     * re-sends it), ChatRemoved takes a line, a viewer's lines or the room's lines away, ChatState sets slow mode.
     * Only the default room (channel 'main', or empty); at most max lines, oldest dropped.
     */
    function createChatLines(max)
    {
        var limit = Number(max) > 0 ? Number(max) : 200;
        var lines = [];
        var seen = new Set();
        var slowModeMs = 0;
        return {
            /** Applies one message; returns true when the lines or the state changed. */
            apply: function (message)
            {
                if (!message || (text(message.channel) || DEFAULT_ROOM) !== DEFAULT_ROOM)
                {
                    return false;
                }
                switch (message.type)
                {
                    case 'ChatLine':
                    {
                        var id = text(message.lineId);
                        if (seen.has(id))
                        {
                            return false;
                        }
                        seen.add(id);
                        lines.push({ id: id, user: text(message.user), text: text(message.text),
                            role: text(message.role) || 'VIEWER', kind: text(message.kind) || 'MESSAGE',
                            amountSats: number(message.amountSats), atEpochMs: number(message.atEpochMs) });
                        while (lines.length > limit)
                        {
                            lines.shift();
                        }
                        return true;
                    }
                    case 'ChatRemoved':
                    {
                        var before = lines.length;
                        var scope = text(message.scope);
                        var user = text(message.user).toLowerCase();
                        var lineId = text(message.lineId);
                        lines = lines.filter(function (l)
                        {
                            return scope === 'LINE' ? l.id !== lineId : scope === 'VIEWER' ?
                                l.user.toLowerCase() !== user : scope !== 'ROOM';
                        });
                        return lines.length !== before;
                    }
                    case 'ChatState':
                        slowModeMs = number(message.slowModeMs);
                        return true;
                    default:
                        return false;
                }
            },
            /** The lines shown, oldest first (a copy). */
            lines: function () { return lines.slice(); },
            /** Slow mode in ms from the last ChatState, 0 when off. */
            slowModeMs: function () { return slowModeMs; }
        };
    }

    function parsedJson(value, fallback)
    {
        if (typeof value !== 'string')
        {
            return value === undefined || value === null ? fallback : value;
        }
        try
        {
            return JSON.parse(value);
        }
        catch (e)
        {
            return fallback;
        }
    }

    /**
     * The automation tab's state from GET /api/automation: rules [{id, enabled, trigger, queue, fired}], variables
     * {name: value}, errors (lines), fires newest first [{fireId, rule, outcome, user, summary, atEpochMs}].
     */
    function automationFromSnapshot(json)
    {
        var body = json || {};
        var state = { rules: [], variables: {}, errors: '', fires: [] };
        state = applyAutomationState(state, body.state || null);
        var fires = Array.isArray(body.fires) ? body.fires.slice().reverse() : [];
        state.fires = fires.slice(0, 50).map(function (f)
        {
            return { fireId: number(f.fireId), rule: text(f.rule), outcome: text(f.outcome), user: text(f.user),
                summary: text(f.summary), atEpochMs: number(f.atEpochMs) };
        });
        return state;
    }

    function applyAutomationState(state, message)
    {
        if (!message || typeof message !== 'object')
        {
            return state;
        }
        var rules = parsedJson(message.rulesJson, []);
        var variables = parsedJson(message.variablesJson, {});
        return { rules: Array.isArray(rules) ? rules : [], variables: variables && typeof variables === 'object' ?
            variables : {}, errors: text(message.errors), fires: state.fires };
    }

    /** The automation state after one /ws/automation output: AutomationState replaces rules and variables, AutomationFired adds a fire. */
    function applyAutomation(state, message)
    {
        if (!message)
        {
            return state;
        }
        if (message.type === 'AutomationState')
        {
            return applyAutomationState(state, message);
        }
        if (message.type === 'AutomationFired')
        {
            var fireId = number(message.fireId);
            if (state.fires.some(function (f) { return f.fireId === fireId && f.rule === text(message.ruleId); }))
            {
                return state;
            }
            var fire = { fireId: fireId, rule: text(message.ruleId), outcome: text(message.outcome),
                user: text(message.user), summary: text(message.summary), atEpochMs: number(message.atEpochMs) };
            return { rules: state.rules, variables: state.variables, errors: state.errors,
                fires: [fire].concat(state.fires).slice(0, 50) };
        }
        return state;
    }

    return {
        SUBPROTOCOL: SUBPROTOCOL,
        BACKOFF_MIN_MS: BACKOFF_MIN_MS,
        BACKOFF_MAX_MS: BACKOFF_MAX_MS,
        tokenFromAddress: tokenFromAddress,
        addressWithoutToken: addressWithoutToken,
        feedUrl: feedUrl,
        closeAction: closeAction,
        createBackoff: createBackoff,
        unpack: unpack,
        followFeed: followFeed,
        createSync: createSync,
        walletFromSnapshot: walletFromSnapshot,
        applyWallet: applyWallet,
        queueView: queueView,
        confirmationsOf: confirmationsOf,
        createRates: createRates,
        ratesOf: ratesOf,
        telemetryPlots: telemetryPlots,
        formatBtc: formatBtc,
        formatSats: formatSats,
        formatDuration: formatDuration,
        formatNanos: formatNanos,
        formatRate: formatRate,
        formatTime: formatTime,
        shortTxid: shortTxid,
        refusedText: refusedText,
        tabAfterKey: tabAfterKey,
        feedStateText: feedStateText,
        createChatLines: createChatLines,
        automationFromSnapshot: automationFromSnapshot,
        applyAutomation: applyAutomation
    };
});
