/*
 * Command Center stream alerts: shows OverlayAlert messages from the stream-bridge plugin, and the alerts and
 * media of the automation plugin (OverlayAlert of kind CUSTOM, OverlayMedia), one at a time, in arrival order,
 * each for its duration. None is dropped; repeats (the server re-sends its last few messages to a new
 * connection) are recognised by the feed and the alertId or mediaId; what ended more than a minute ago is
 * skipped. Each feed is one socket that remembers the seq of the last message it received and reconnects with
 * since=SEQ, so the server sends every message missed during a network blip (or one gap message when too many
 * were missed); when the server refuses that seq (it restarted), it reconnects without it.
 *
 * The stream bridge also sends OverlayQueue, the alert queue's state after a control: when it names a
 * skipAlertId, that alert ends at once if it is showing and is dropped if it is still queued (or arrives later).
 * An alert of kind TEST (the dashboard's test alert) shows like a payment alert, with a TEST badge.
 *
 * The automation feed is optional: when the server refuses it (automation disabled) the page says nothing and
 * tries again a minute later. Text is always shown as text; an image, sound or media URL is used only when it is
 * http(s) or a path on this page's host (javascript:, data: and the like are ignored). An alert's delayMs waits
 * before it is queued; media plays for its durationMs or until it ends, at most five minutes.
 *
 * Query options: token=TOKEN (required to connect), debug=1 (show the connection state),
 * test=1 (show a sample alert at once, without connecting).
 *
 * DOM for tests: #alert (data-alert-id while an alert shows), #alert-badge (shown for TEST alerts), #alert-title,
 * #alert-message, #alert-image,
 * #alert-sound, #media (data-media-id while media plays), #media-image, #media-video, #media-audio,
 * #status (connecting | open | closed: <reason>; data-automation: the automation feed's state),
 * #error (visible when the server refuses us).
 */
(function ()
{
    'use strict';

    var STALE_AFTER_MS = 60000;
    var SEEN_LIMIT = 1024;
    var BACKOFF_MIN_MS = 500;
    var BACKOFF_MAX_MS = 15000;
    var OPTIONAL_FEED_RETRY_MS = 60000;
    var ANIMATION_MS = 450;
    var MEDIA_MAX_MS = 300000;
    var IMAGE_DEFAULT_MS = 5000;
    var CLOSE_POLICY_VIOLATION = 1008;
    // The browser's URL parser, which resolves and normalises an address as the element loading it would.
    var Address = URL;

    var params = new URLSearchParams(window.location.search);
    var token = params.get('token') || '';
    var debug = params.get('debug') === '1';
    var testMode = params.get('test') === '1';

    var alertElement = document.getElementById('alert');
    var badgeElement = document.getElementById('alert-badge');
    var titleElement = document.getElementById('alert-title');
    var messageElement = document.getElementById('alert-message');
    var imageElement = document.getElementById('alert-image');
    var soundElement = document.getElementById('alert-sound');
    var mediaElement = document.getElementById('media');
    var mediaPlayers = {
        IMAGE: document.getElementById('media-image'),
        VIDEO: document.getElementById('media-video'),
        AUDIO: document.getElementById('media-audio')
    };
    var statusElement = document.getElementById('status');
    var errorElement = document.getElementById('error');

    var queue = [];
    var seenIds = new Set();
    var seenOrder = [];
    var current = null;
    var currentTimers = [];
    var skippedIds = new Set();
    var skippedOrder = [];

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

    /* Returns false for a key already seen; remembers a bounded number of keys. */
    function remember(key)
    {
        if (seenIds.has(key))
        {
            return false;
        }
        seenIds.add(key);
        seenOrder.push(key);
        if (seenOrder.length > SEEN_LIMIT)
        {
            seenIds.delete(seenOrder.shift());
        }
        return true;
    }

    /* The URL to load, when it is http(s) or a path on this host; null for anything else (javascript:, data:). */
    function loadable(value)
    {
        if (typeof value !== 'string' || value.trim() === '')
        {
            return null;
        }
        var url;
        try
        {
            url = new Address(value, window.location.href);
        }
        catch (e)
        {
            return null;
        }
        return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
    }

    function nonNegative(value)
    {
        var number = Number(value);
        return isFinite(number) && number > 0 ? number : 0;
    }

    /* Epoch ms of the event behind a message (its ISO timestamp), or NaN. */
    function eventTime(message)
    {
        return typeof message.timestamp === 'string' ? Date.parse(message.timestamp) : NaN;
    }

    function isStale(endsAtEpochMs)
    {
        return isFinite(endsAtEpochMs) && endsAtEpochMs < Date.now() - STALE_AFTER_MS;
    }

    /* Queues an item after its delay: at once when there is none. */
    function enqueue(item, delayMs)
    {
        if (delayMs > 0)
        {
            setTimeout(function ()
            {
                queue.push(item);
                showNext();
            }, delayMs);
            return;
        }
        queue.push(item);
        showNext();
    }

    /* Remembers that an alert was skipped, so it is dropped wherever it is; a bounded number of ids. */
    function rememberSkipped(key)
    {
        if (skippedIds.has(key))
        {
            return;
        }
        skippedIds.add(key);
        skippedOrder.push(key);
        if (skippedOrder.length > SEEN_LIMIT)
        {
            skippedIds.delete(skippedOrder.shift());
        }
    }

    /* OverlayQueue: a skip ends the named alert now if it shows, and drops it from the queue otherwise. */
    function acceptQueue(feed, state)
    {
        var skipId = state.skipAlertId;
        if (skipId === undefined || skipId === null || String(skipId) === '0')
        {
            return;
        }
        var key = feed + ' alert ' + skipId;
        rememberSkipped(key);
        if (current !== null && current.kind === 'alert' && current.key === key)
        {
            for (var i = 0; i < currentTimers.length; i++)
            {
                clearTimeout(currentTimers[i]);
            }
            currentTimers = [];
            finish();
            return;
        }
        queue = queue.filter(function (item) { return item.key !== key; });
    }

    function acceptAlert(feed, alert)
    {
        var durationMs = Number(alert.durationMs);
        if (alert.alertId === undefined || !(durationMs > 0) || !remember(feed + ' alert ' + alert.alertId))
        {
            return;
        }
        var delayMs = nonNegative(alert.delayMs);
        var showAt = Number(alert.showAtEpochMs);
        if (!(showAt > 0))
        {
            showAt = eventTime(alert);
        }
        if (isStale(showAt + delayMs + durationMs))
        {
            return;
        }
        enqueue({
            kind: 'alert',
            key: feed + ' alert ' + alert.alertId,
            test: alert.kind === 'TEST',
            id: String(alert.alertId),
            title: alert.title === undefined ? '' : String(alert.title),
            message: alert.message === undefined ? '' : String(alert.message),
            image: loadable(alert.image),
            sound: loadable(alert.sound),
            durationMs: durationMs
        }, delayMs);
    }

    function acceptMedia(feed, media)
    {
        var player = mediaPlayers[media.kind];
        var url = loadable(media.url);
        if (media.mediaId === undefined || !player || url === null || !remember(feed + ' media ' + media.mediaId))
        {
            return;
        }
        var delayMs = nonNegative(media.delayMs);
        var durationMs = Math.min(nonNegative(media.durationMs), MEDIA_MAX_MS);
        if (durationMs === 0)
        {
            durationMs = media.kind === 'IMAGE' ? IMAGE_DEFAULT_MS : MEDIA_MAX_MS;
        }
        if (isStale(eventTime(media) + delayMs + durationMs))
        {
            return;
        }
        var volume = media.volume === undefined ? 100 : Math.max(0, Math.min(100, Number(media.volume) || 0));
        enqueue({
            kind: 'media',
            id: String(media.mediaId),
            player: player,
            url: url,
            volume: volume / 100,
            durationMs: durationMs
        }, delayMs);
    }

    function play(player)
    {
        try
        {
            var playing = player.play();
            if (playing && typeof playing.catch === 'function')
            {
                // Autoplay refused or the file failed: the item still shows for its duration.
                playing.catch(function () {});
            }
        }
        catch (e)
        {
            // As above.
        }
    }

    function silence(player)
    {
        player.onended = null;
        player.onerror = null;
        if (typeof player.pause === 'function')
        {
            player.pause();
        }
        player.removeAttribute('src');
        if (typeof player.load === 'function')
        {
            player.load();
        }
    }

    function render(alert)
    {
        if (badgeElement)
        {
            badgeElement.hidden = !alert.test;
        }
        titleElement.textContent = alert.title;
        messageElement.textContent = alert.message;
        if (imageElement)
        {
            if (alert.image)
            {
                imageElement.setAttribute('src', alert.image);
                imageElement.hidden = false;
            }
            else
            {
                imageElement.removeAttribute('src');
                imageElement.hidden = true;
            }
        }
        if (soundElement && alert.sound)
        {
            soundElement.setAttribute('src', alert.sound);
            play(soundElement);
        }
        alertElement.setAttribute('data-alert-id', alert.id);
        alertElement.hidden = false;
    }

    /* Shows the head of the queue: an alert for its duration (animate in, hold, animate out), media until it ends. */
    function showNext()
    {
        while (queue.length > 0 && queue[0].key !== undefined && skippedIds.has(queue[0].key))
        {
            queue.shift();
        }
        if (current !== null || queue.length === 0)
        {
            return;
        }
        current = queue.shift();
        if (current.kind === 'media')
        {
            showMedia(current);
            return;
        }
        var animationMs = Math.min(ANIMATION_MS, Math.floor(current.durationMs / 3));
        alertElement.style.setProperty('--cc-anim', animationMs + 'ms');
        alertElement.className = 'alert enter';
        render(current);
        currentTimers = [setTimeout(function ()
        {
            alertElement.className = 'alert leave';
            currentTimers = [setTimeout(finish, animationMs)];
        }, current.durationMs - animationMs)];
    }

    function showMedia(media)
    {
        var player = media.player;
        var done = false;
        var timer = null;
        function end()
        {
            if (done)
            {
                return;
            }
            done = true;
            clearTimeout(timer);
            silence(player);
            player.hidden = true;
            mediaElement.hidden = true;
            mediaElement.removeAttribute('data-media-id');
            current = null;
            showNext();
        }
        timer = setTimeout(end, media.durationMs);
        player.onerror = end;
        if (player !== mediaPlayers.IMAGE)
        {
            player.onended = end;
            player.volume = media.volume;
        }
        player.setAttribute('src', media.url);
        player.hidden = false;
        mediaElement.setAttribute('data-media-id', media.id);
        mediaElement.hidden = player === mediaPlayers.AUDIO;
        if (player !== mediaPlayers.IMAGE)
        {
            play(player);
        }
    }

    function finish()
    {
        current = null;
        currentTimers = [];
        alertElement.hidden = true;
        alertElement.className = 'alert';
        alertElement.removeAttribute('data-alert-id');
        titleElement.textContent = '';
        messageElement.textContent = '';
        if (badgeElement)
        {
            badgeElement.hidden = true;
        }
        if (imageElement)
        {
            imageElement.removeAttribute('src');
            imageElement.hidden = true;
        }
        if (soundElement)
        {
            silence(soundElement);
        }
        showNext();
    }

    /*
     * One feed socket: connects to path (with the token in it), hands each message to receive, remembers the
     * last seq and reconnects with since= after a blip, backing off from BACKOFF_MIN_MS doubling to maxBackoffMs.
     * A required feed reports its state on #status and a refusal on #error and stops; an optional one only
     * sets data-<name> on #status and, when refused, tries again after OPTIONAL_FEED_RETRY_MS.
     */
    function openFeed(name, path, required, maxBackoffMs, receive)
    {
        var lastSeq = null;
        var backoffMs = BACKOFF_MIN_MS;

        function report(state)
        {
            if (required)
            {
                setStatus(state);
            }
            else
            {
                statusElement.setAttribute('data-' + name, state);
            }
        }

        function socketUrl()
        {
            var scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
            var url = scheme + '//' + window.location.host + path;
            return lastSeq === null ? url : url + '&since=' + lastSeq;
        }

        function reconnectLater(delayMs)
        {
            var delay = delayMs === undefined ? backoffMs : delayMs;
            backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
            setTimeout(connect, delay);
        }

        function connect()
        {
            report('connecting');
            var socket;
            try
            {
                socket = new WebSocket(socketUrl());
            }
            catch (e)
            {
                report('closed: ' + (e && e.message ? e.message : 'cannot connect'));
                reconnectLater();
                return;
            }
            socket.onopen = function ()
            {
                backoffMs = BACKOFF_MIN_MS;
                if (required)
                {
                    hideError();
                }
                report('open');
            };
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
                    var item = messages[i];
                    if (item && typeof item.seq === 'number')
                    {
                        lastSeq = item.seq;
                    }
                    if (item && typeof item.type === 'string')
                    {
                        receive(item);
                    }
                }
            };
            socket.onclose = function (event)
            {
                var reason = event.reason || ('code ' + event.code);
                report('closed: ' + reason);
                if (event.code === CLOSE_POLICY_VIOLATION && lastSeq !== null && /^since /.test(event.reason || ''))
                {
                    lastSeq = null;
                    reconnectLater();
                    return;
                }
                if (event.code === CLOSE_POLICY_VIOLATION)
                {
                    if (required)
                    {
                        showError('Alerts not connected: ' + reason + '. Check the token in this page\'s address.');
                        return;
                    }
                    // Refused (automation disabled, or not this token's): no banner, and no hurry to ask again.
                    reconnectLater(OPTIONAL_FEED_RETRY_MS);
                    return;
                }
                reconnectLater();
            };
        }

        connect();
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
                image: null,
                sound: null,
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
        openFeed('bridge', '/ws/stream-bridge?token=' + encodeURIComponent(token), true, BACKOFF_MAX_MS, function (message)
        {
            if (message.type === 'OverlayAlert')
            {
                acceptAlert('stream-bridge', message);
            }
            else if (message.type === 'OverlayQueue')
            {
                acceptQueue('stream-bridge', message);
            }
        });
        openFeed('automation', '/ws/automation?types=OverlayAlert,OverlayMedia&token=' + encodeURIComponent(token), false,
            OPTIONAL_FEED_RETRY_MS, function (message)
            {
                if (message.type === 'OverlayAlert')
                {
                    acceptAlert('automation', message);
                }
                else if (message.type === 'OverlayMedia')
                {
                    acceptMedia('automation', message);
                }
            });
    }

    start();
})();
