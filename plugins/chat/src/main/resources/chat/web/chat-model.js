/*
 * Command Center chat: the pure part shared by the chat page (chat.js) and the chat overlay (overlay.js).
 * No DOM here: the screen model (which lines show, in order, after de-duplication and removals), the feed
 * URL with its resume point, grapheme counting, name neutralising and the texts of errors and countdowns;
 * and the one piece both pages run against the browser, keeping a page on its feed (followFeed).
 * In a browser it is window.ChatModel; under Node it is the module's exports (the unit tests).
 *
 * Feed messages are the JSON view of the chat plugin's outputs ({"type":"ChatLine",...}, enum names as
 * strings), each with the output "seq" the feed resumes from; a "batch" carries several in order and a
 * "gap" says how many were missed while away.
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
        root.ChatModel = model;
    }
})(this, function ()
{
    'use strict';

    var DEFAULT_ROOM = 'main';
    var SUBPROTOCOL = 'cc.json.v1';
    var SATS_PER_BTC = 100000000;
    var SEEN_LIMIT = 4096;
    var BACKOFF_MIN_MS = 500;
    var BACKOFF_MAX_MS = 15000;

    /* Bidi embeddings, overrides and isolates, marks, and invisible characters that hide or reorder text. */
    var NAME_INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\u180E\uFEFF\u00AD]/g;
    /* The same in message text, keeping the zero-width joiner (U+200D) that emoji sequences need. */
    var TEXT_INVISIBLE = /[\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\u180E\uFEFF\u00AD]/g;
    var CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

    var ROLE_BADGES = { MODERATOR: 'MOD', ADMIN: 'STREAMER', BOT: 'BOT', SYSTEM: 'SYSTEM' };

    /** The room a channel names: the empty channel is the default room. */
    function roomOf(channel)
    {
        return channel === undefined || channel === null || channel === '' ? DEFAULT_ROOM : String(channel);
    }

    /** A display name with every invisible, reordering and control character taken out, trimmed. */
    function neutraliseName(name)
    {
        return String(name === undefined || name === null ? '' : name)
            .replace(NAME_INVISIBLE, '').replace(CONTROL, '').replace(/\s+/g, ' ').trim();
    }

    /** Message text with bidi controls and invisible characters taken out (newlines and tabs kept). */
    function neutraliseText(text)
    {
        return String(text === undefined || text === null ? '' : text).replace(TEXT_INVISIBLE, '').replace(CONTROL, '');
    }

    /** User-perceived characters in a text (grapheme clusters), as the plugin counts them against its limits. */
    function graphemeCount(text, Segmenter)
    {
        var value = String(text === undefined || text === null ? '' : text);
        var segmenter = Segmenter === undefined ? (typeof Intl === 'object' ? Intl.Segmenter : undefined) : Segmenter;
        if (typeof segmenter === 'function')
        {
            var count = 0;
            var iterator = new segmenter(undefined, { granularity: 'grapheme' }).segment(value)[Symbol.iterator]();
            while (!iterator.next().done)
            {
                count++;
            }
            return count;
        }
        return Array.from(value).length;
    }

    /** The counter beside the message box: "12 / 300", with whether it is over the limit. */
    function counterView(text, maxGraphemes)
    {
        var used = graphemeCount(text);
        var max = Number(maxGraphemes) > 0 ? Number(maxGraphemes) : 0;
        return { used: used, max: max, over: max > 0 && used > max, text: max > 0 ? used + ' / ' + max : String(used) };
    }

    /** An amount in sats as the pages show it: "0.00125000 BTC". */
    function formatAmount(sats)
    {
        var value = Math.max(0, Math.floor(Number(sats) || 0));
        var whole = Math.floor(value / SATS_PER_BTC);
        var fraction = String(value % SATS_PER_BTC);
        while (fraction.length < 8)
        {
            fraction = '0' + fraction;
        }
        return whole + '.' + fraction + ' BTC';
    }

    /** A wait as a person reads it: "7 s", "4 min 5 s", "2 h 3 min"; rounds up so 0 is only shown when over. */
    function formatDuration(ms)
    {
        var seconds = Math.max(0, Math.ceil((Number(ms) || 0) / 1000));
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

    /** The badge a role shows beside a name, or '' for a viewer. */
    function roleBadge(role)
    {
        return Object.prototype.hasOwnProperty.call(ROLE_BADGES, role) ? ROLE_BADGES[role] : '';
    }

    /**
     * The one line shown when a post was refused: the refusal (from the POST answer's "refusal", or the
     * gateway's own error) with a countdown for SLOW_MODE and TIMED_OUT while remainingMs is above zero.
     */
    function refusalText(answer, remainingMs)
    {
        var refusal = answer && answer.refusal ? String(answer.refusal) : '';
        var error = answer && answer.error ? String(answer.error) : '';
        var remaining = Number(remainingMs) > 0 ? Number(remainingMs) : 0;
        switch (refusal)
        {
            case 'SLOW_MODE':
                return remaining > 0 ? 'Slow mode is on: you can post again in ' + formatDuration(remaining) + '.' :
                    'Slow mode is on: you can post again now.';
            case 'TIMED_OUT':
                return remaining > 0 ? 'You are timed out: you can post again in ' + formatDuration(remaining) + '.' :
                    'Your time out is over: you can post again now.';
            case 'BANNED':
                return 'You are banned from this chat' + (error ? ': ' + error : '.');
            case 'TOO_LONG':
                return 'Message too long' + (error ? ': ' + error : '.');
            case 'RATE_LIMITED':
                return remaining > 0 ? 'Too many messages: you can post again in ' + formatDuration(remaining) + '.' :
                    'Too many messages: you can post again now.';
            default:
                if (error)
                {
                    return error;
                }
                return refusal ? 'Not posted (' + refusal.toLowerCase().replace(/_/g, ' ') + ').' : 'Not posted.';
        }
    }

    /** Whether a refusal counts down to a time the poster may try again. */
    function countsDown(answer)
    {
        return !!answer && Number(answer.retryAfterMs) > 0;
    }

    /** The WebSocket URL of a feed on the page's own host, resuming after lastSeq when there is one. */
    function feedUrl(location, feed, token, lastSeq)
    {
        var scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
        var url = scheme + '//' + location.host + '/ws/' + feed + '?token=' + encodeURIComponent(token);
        return lastSeq === null || lastSeq === undefined ? url : url + '&since=' + lastSeq;
    }

    /**
     * What a feed close means: 'restart' (the server refused our since=: reconnect from scratch),
     * 'refused' (a policy refusal such as a bad token: stop and say why) or 'retry' (a blip: resume).
     */
    function closeAction(code, reason, lastSeq)
    {
        if (code === 1008 && lastSeq !== null && lastSeq !== undefined && /^since /.test(reason || ''))
        {
            return 'restart';
        }
        return code === 1008 ? 'refused' : 'retry';
    }

    /** The CSS classes of a shown line (a lineView): line, paid, notice and its role. */
    function lineClass(line)
    {
        return 'line' + (line.paid ? ' paid' : '') + (line.kind === 'NOTICE' ? ' notice' : '') +
            ' role-' + line.role.toLowerCase();
    }

    /**
     * Keep a page on the chat feed: connect with its screen's resume point, hand every JSON text frame to
     * page.receive, and after a close reconnect with a backoff doubling from 500 ms to 15 s (back to 500 ms once
     * open); start the screen over when the server refuses the resume point, and stop when it refuses the page
     * (closeAction). io gives WebSocket, location and setTimeout (the window in a browser). page gives token,
     * screen, receive(frame), status(text) and refused(reason), and optionally opened() and stopped() (true to
     * stop connecting).
     */
    function followFeed(io, page)
    {
        var backoffMs = BACKOFF_MIN_MS;

        function reconnectLater()
        {
            var delay = backoffMs;
            backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
            io.setTimeout(connect, delay);
        }

        function connect()
        {
            if (page.stopped && page.stopped())
            {
                return;
            }
            page.status('connecting');
            var socket;
            try
            {
                socket = new io.WebSocket(feedUrl(io.location, 'chat', page.token, page.screen.lastSeq()), SUBPROTOCOL);
            }
            catch (e)
            {
                page.status('closed: ' + (e && e.message ? e.message : 'cannot connect'));
                reconnectLater();
                return;
            }
            socket.onopen = function ()
            {
                backoffMs = BACKOFF_MIN_MS;
                if (page.opened)
                {
                    page.opened();
                }
                page.status('open');
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
                page.receive(frame);
            };
            socket.onclose = function (event)
            {
                var reason = event.reason || ('code ' + event.code);
                page.status('closed: ' + reason);
                var action = closeAction(event.code, event.reason, page.screen.lastSeq());
                if (action === 'restart')
                {
                    page.screen.restart();
                    reconnectLater();
                }
                else if (action === 'refused')
                {
                    page.refused(reason);
                }
                else
                {
                    reconnectLater();
                }
            };
        }

        connect();
    }

    /** The messages a feed frame carries, in order: a batch unpacked, anything else as one. */
    function unpack(frame)
    {
        return frame && frame.type === 'batch' && Array.isArray(frame.messages) ? frame.messages : [frame];
    }

    /** A ChatLine as the pages show it: neutralised, with its badge and amount. */
    function lineView(message)
    {
        var paid = message.kind === 'PAID';
        return {
            id: String(message.lineId),
            room: roomOf(message.channel),
            user: neutraliseName(message.user),
            text: neutraliseText(message.text),
            role: message.role ? String(message.role) : 'VIEWER',
            badge: roleBadge(message.role),
            kind: message.kind ? String(message.kind) : 'MESSAGE',
            paid: paid,
            amount: paid ? formatAmount(message.amountSats) : '',
            atEpochMs: Number(message.atEpochMs) || 0,
            history: message.history === 'TRUE' || message.history === true
        };
    }

    function sameName(a, b)
    {
        return neutraliseName(a).toLowerCase() === neutraliseName(b).toLowerCase();
    }

    /**
     * The lines one room shows, kept in arrival order and bounded to max (oldest dropped), fed with feed
     * frames through apply(). A line already seen (by lineId) is never shown twice, also after it was
     * removed or dropped, so the retained lines a reconnect re-sends do not come back.
     *
     * @param options room (default 'main'), max lines kept (default 200), skip(line) to leave a line out.
     */
    function createScreen(options)
    {
        var room = roomOf(options && options.room);
        var max = options && Number(options.max) > 0 ? Math.floor(Number(options.max)) : 200;
        var skip = options && typeof options.skip === 'function' ? options.skip : null;
        var lines = [];
        var seen = new Set();
        var seenOrder = [];
        var state = { slowModeMs: 0, maxGraphemes: 0, historyLines: 0, known: false };
        var lastSeq = null;

        function remember(id)
        {
            if (seen.has(id))
            {
                return false;
            }
            seen.add(id);
            seenOrder.push(id);
            if (seenOrder.length > SEEN_LIMIT)
            {
                seen.delete(seenOrder.shift());
            }
            return true;
        }

        function removeWhere(predicate, removed)
        {
            for (var i = lines.length - 1; i >= 0; i--)
            {
                if (predicate(lines[i]))
                {
                    removed.unshift(lines[i]);
                    lines.splice(i, 1);
                }
            }
        }

        /**
         * Applies one feed message; returns what changed: added and removed lines, the room state when it
         * changed, a gap (messages missed) and the removal itself (so a page can tell a viewer they were banned).
         */
        function applyOne(message, change)
        {
            if (!message || typeof message !== 'object')
            {
                return;
            }
            if (typeof message.seq === 'number')
            {
                lastSeq = message.seq;
            }
            switch (message.type)
            {
                case 'ChatLine':
                {
                    if (message.lineId === undefined || roomOf(message.channel) !== room)
                    {
                        return;
                    }
                    var line = lineView(message);
                    if (!remember(line.id) || (skip !== null && skip(line)))
                    {
                        return;
                    }
                    lines.push(line);
                    change.added.push(line);
                    while (lines.length > max)
                    {
                        change.removed.push(lines.shift());
                    }
                    return;
                }
                case 'ChatRemoved':
                {
                    if (roomOf(message.channel) !== room)
                    {
                        return;
                    }
                    if (message.scope === 'LINE')
                    {
                        var id = String(message.lineId);
                        remember(id);
                        removeWhere(function (l) { return l.id === id; }, change.removed);
                    }
                    else if (message.scope === 'VIEWER')
                    {
                        removeWhere(function (l) { return sameName(l.user, message.user); }, change.removed);
                    }
                    else if (message.scope === 'ROOM')
                    {
                        removeWhere(function () { return true; }, change.removed);
                    }
                    change.removals.push({
                        scope: String(message.scope),
                        action: String(message.action),
                        user: neutraliseName(message.user),
                        untilEpochMs: Number(message.untilEpochMs) || 0,
                        reason: message.reason ? String(message.reason) : ''
                    });
                    return;
                }
                case 'ChatState':
                {
                    if (roomOf(message.channel) !== room)
                    {
                        return;
                    }
                    state = {
                        slowModeMs: Number(message.slowModeMs) || 0,
                        maxGraphemes: Number(message.maxGraphemes) || 0,
                        historyLines: Number(message.historyLines) || 0,
                        known: true
                    };
                    change.state = state;
                    return;
                }
                case 'ChatRefused':
                    change.refused.push(message);
                    return;
                case 'gap':
                    change.missed += Number(message.missed) || 0;
                    return;
                default:
            }
        }

        return {
            room: room,
            /** Applies one feed frame (a message or a batch); returns the change. */
            apply: function (frame)
            {
                var change = { added: [], removed: [], removals: [], refused: [], state: null, missed: 0 };
                var messages = unpack(frame);
                for (var i = 0; i < messages.length; i++)
                {
                    applyOne(messages[i], change);
                }
                return change;
            },
            /** The lines shown, oldest first (a copy). */
            lines: function () { return lines.slice(); },
            /** The room's settings from its last ChatState. */
            state: function () { return state; },
            /** Seq of the last feed message received, or null: where a reconnect resumes. */
            lastSeq: function () { return lastSeq; },
            /** Forgets the resume point (the server refused it after a restart); seen lines stay seen. */
            restart: function () { lastSeq = null; }
        };
    }

    /**
     * The overlay's options from its query string: token, room, max lines (1..50, default 8) and fadeMs
     * (0 = never, default 30000); an invalid value gives a one-line error instead of a silent default.
     */
    function overlayOptions(search)
    {
        var params = new URLSearchParams(search || '');
        var options = { token: params.get('token') || '', room: roomOf(params.get('room')), max: 8, fadeMs: 30000,
            debug: params.get('debug') === '1', error: null };
        var max = params.get('max');
        if (max !== null)
        {
            if (!/^[0-9]+$/.test(max) || Number(max) < 1 || Number(max) > 50)
            {
                options.error = 'invalid max \'' + max + '\', expected a number of lines from 1 to 50';
            }
            else
            {
                options.max = Number(max);
            }
        }
        var fadeMs = params.get('fadeMs');
        if (fadeMs !== null)
        {
            if (!/^[0-9]+$/.test(fadeMs))
            {
                options.error = 'invalid fadeMs \'' + fadeMs + '\', expected milliseconds (0 = never fade)';
            }
            else
            {
                options.fadeMs = Number(fadeMs);
            }
        }
        return options;
    }

    /** Whether a line had already faded out by now on an overlay that fades after fadeMs (0 = never). */
    function fadedBefore(line, nowMs, fadeMs)
    {
        return fadeMs > 0 && line.atEpochMs > 0 && line.atEpochMs + fadeMs <= nowMs;
    }

    /**
     * The address bar without its token (kept in session storage instead), so it is not shared by a copied
     * link or a screenshot: the path and every other query parameter kept.
     */
    function addressWithoutToken(pathname, search, hash)
    {
        var params = new URLSearchParams(search || '');
        params.delete('token');
        var query = params.toString();
        return pathname + (query ? '?' + query : '') + (hash || '');
    }

    return {
        DEFAULT_ROOM: DEFAULT_ROOM,
        SUBPROTOCOL: SUBPROTOCOL,
        roomOf: roomOf,
        neutraliseName: neutraliseName,
        neutraliseText: neutraliseText,
        graphemeCount: graphemeCount,
        counterView: counterView,
        formatAmount: formatAmount,
        formatDuration: formatDuration,
        roleBadge: roleBadge,
        refusalText: refusalText,
        countsDown: countsDown,
        feedUrl: feedUrl,
        closeAction: closeAction,
        followFeed: followFeed,
        unpack: unpack,
        lineView: lineView,
        lineClass: lineClass,
        createScreen: createScreen,
        overlayOptions: overlayOptions,
        fadedBefore: fadedBefore,
        addressWithoutToken: addressWithoutToken
    };
});
