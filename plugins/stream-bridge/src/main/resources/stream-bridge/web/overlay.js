/*
 * Command Center stream alerts: shows OverlayAlert messages from the stream-bridge plugin one at a
 * time, in arrival order, each for its durationMs. None is dropped; repeats (the server re-sends its
 * last few messages to a new connection) are recognised by alertId; alerts whose showing ended more
 * than a minute ago are skipped. It remembers the seq of the last message it received and reconnects
 * with since=SEQ, so the server sends every message missed during a network blip (or one gap message
 * when too many were missed); when the server refuses that seq (it restarted), it reconnects without it.
 *
 * Query options: token=TOKEN (required to connect), debug=1 (show the connection state),
 * test=1 (show a sample alert at once, without connecting).
 *
 * DOM for tests: #alert (data-alert-id while an alert shows), #alert-title, #alert-message,
 * #status (connecting | open | closed: <reason>), #error (visible when the server refuses us).
 */
(function ()
{
    'use strict';

    var STALE_AFTER_MS = 60000;
    var SEEN_LIMIT = 1024;
    var BACKOFF_MIN_MS = 500;
    var BACKOFF_MAX_MS = 15000;
    var ANIMATION_MS = 450;
    var CLOSE_POLICY_VIOLATION = 1008;

    var params = new URLSearchParams(window.location.search);
    var token = params.get('token') || '';
    var debug = params.get('debug') === '1';
    var testMode = params.get('test') === '1';

    var alertElement = document.getElementById('alert');
    var titleElement = document.getElementById('alert-title');
    var messageElement = document.getElementById('alert-message');
    var statusElement = document.getElementById('status');
    var errorElement = document.getElementById('error');

    var queue = [];
    var seenIds = new Set();
    var seenOrder = [];
    var current = null;
    var backoffMs = BACKOFF_MIN_MS;
    var lastSeq = null;

    function setStatus(text)
    {
        statusElement.textContent = text;
        statusElement.hidden = !debug;
    }

    function showError(text)
    {
        errorElement.textContent = text;
        errorElement.hidden = false;
    }

    function hideError()
    {
        errorElement.textContent = '';
        errorElement.hidden = true;
    }

    /* Returns false for an alertId already seen; remembers a bounded number of ids. */
    function remember(id)
    {
        if (seenIds.has(id))
        {
            return false;
        }
        seenIds.add(id);
        seenOrder.push(id);
        if (seenOrder.length > SEEN_LIMIT)
        {
            seenIds.delete(seenOrder.shift());
        }
        return true;
    }

    function accept(alert)
    {
        var id = String(alert.alertId);
        var durationMs = Number(alert.durationMs);
        if (alert.alertId === undefined || !(durationMs > 0) || !remember(id))
        {
            return;
        }
        var showAt = Number(alert.showAtEpochMs);
        if (isFinite(showAt) && showAt + durationMs < Date.now() - STALE_AFTER_MS)
        {
            return;
        }
        queue.push({
            id: id,
            title: alert.title === undefined ? '' : String(alert.title),
            message: alert.message === undefined ? '' : String(alert.message),
            durationMs: durationMs
        });
        showNext();
    }

    function render(alert)
    {
        titleElement.textContent = alert.title;
        messageElement.textContent = alert.message;
        alertElement.setAttribute('data-alert-id', alert.id);
        alertElement.hidden = false;
    }

    /* Shows the head of the queue for its duration: animate in, hold, animate out, then the next. */
    function showNext()
    {
        if (current !== null || queue.length === 0)
        {
            return;
        }
        current = queue.shift();
        var animationMs = Math.min(ANIMATION_MS, Math.floor(current.durationMs / 3));
        alertElement.style.setProperty('--cc-anim', animationMs + 'ms');
        alertElement.className = 'alert enter';
        render(current);
        setTimeout(function ()
        {
            alertElement.className = 'alert leave';
            setTimeout(finish, animationMs);
        }, current.durationMs - animationMs);
    }

    function finish()
    {
        current = null;
        alertElement.hidden = true;
        alertElement.className = 'alert';
        alertElement.removeAttribute('data-alert-id');
        titleElement.textContent = '';
        messageElement.textContent = '';
        showNext();
    }

    function socketUrl()
    {
        var scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
        var url = scheme + '//' + window.location.host + '/ws/stream-bridge?token=' + encodeURIComponent(token);
        return lastSeq === null ? url : url + '&since=' + lastSeq;
    }

    function connect()
    {
        setStatus('connecting');
        var socket;
        try
        {
            socket = new WebSocket(socketUrl());
        }
        catch (e)
        {
            setStatus('closed: ' + (e && e.message ? e.message : 'cannot connect'));
            reconnectLater();
            return;
        }
        socket.onopen = function ()
        {
            backoffMs = BACKOFF_MIN_MS;
            hideError();
            setStatus('open');
        };
        function receive(message)
        {
            if (message && typeof message.seq === 'number')
            {
                lastSeq = message.seq;
            }
            if (message && message.type === 'OverlayAlert')
            {
                accept(message);
            }
        }
        socket.onmessage = function (event)
        {
            if (typeof event.data !== 'string')
            {
                return;
            }
            var message;
            try
            {
                message = JSON.parse(event.data);
            }
            catch (e)
            {
                return;
            }
            // A batch (batch=MS on the URL, or a window configured for the feed) carries its messages in order.
            var messages = message && message.type === 'batch' && Array.isArray(message.messages) ?
                message.messages : [message];
            for (var i = 0; i < messages.length; i++)
            {
                receive(messages[i]);
            }
        };
        socket.onclose = function (event)
        {
            var reason = event.reason || ('code ' + event.code);
            setStatus('closed: ' + reason);
            if (event.code === CLOSE_POLICY_VIOLATION && lastSeq !== null && /^since /.test(event.reason || ''))
            {
                lastSeq = null;
                reconnectLater();
                return;
            }
            if (event.code === CLOSE_POLICY_VIOLATION)
            {
                showError('Alerts not connected: ' + reason + '. Check the token in this page\'s address.');
                return;
            }
            reconnectLater();
        };
    }

    function reconnectLater()
    {
        var delay = backoffMs;
        backoffMs = Math.min(backoffMs * 2, BACKOFF_MAX_MS);
        setTimeout(connect, delay);
    }

    function start()
    {
        if (testMode)
        {
            setStatus('test');
            render({
                id: 'test',
                title: 'New tip!',
                message: '0.00012345 BTC from bc1qsampleaddress0000000000000000000000000',
                durationMs: 0
            });
            alertElement.className = 'alert enter';
            return;
        }
        if (!token)
        {
            setStatus('closed: missing token');
            showError('Alerts not connected: missing token. Open this page as /plugins/stream-bridge/?token=YOUR_TOKEN');
            return;
        }
        connect();
    }

    start();
})();
