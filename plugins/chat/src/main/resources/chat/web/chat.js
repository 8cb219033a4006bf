/*
 * Command Center chat page. The token comes from ?token= once, then lives in session storage (the address
 * bar loses it); GET /api/chat/session says the role, room and limits; lines come from the chat feed
 * (/ws/chat, cc.json.v1): the retained lines first (the history), then live ones, de-duplicated by lineId,
 * resumed with since=SEQ after a network blip. Posting is POST /api/chat/messages; a refusal shows as one
 * line, counting down when it has a retry time. Moderators and the streamer get per-line delete, time out
 * and ban buttons, slow mode and clear (POST /api/chat/moderation).
 *
 * User text is only ever set with textContent: no HTML from anyone reaches the DOM.
 *
 * DOM for tests: #lines > li.line[data-line-id][data-user] (.badge, .user, .amount, .text, button.mod-*),
 * #error (the last refusal), #slow (slow mode), #status (connecting | open | closed: <reason>), #role.
 */
(function ()
{
    'use strict';

    var Model = window.ChatModel;
    var TOKEN_KEY = 'cc.chat.token';
    var NAME_KEY = 'cc.chat.name';
    var PENDING_LIMIT = 64;
    var TIMEOUT_MS = 600000;

    var element = function (id) { return document.getElementById(id); };
    var linesElement = element('lines');
    var statusElement = element('status');
    var errorElement = element('error');
    var slowElement = element('slow');
    var roleElement = element('role');
    var nameForm = element('name-form');
    var nameInput = element('name');
    var postForm = element('post-form');
    var textInput = element('text');
    var counterElement = element('counter');
    var sendButton = element('send');
    var meElement = element('me');
    var modTools = element('mod-tools');

    var params = new URLSearchParams(window.location.search);
    var token = takeToken();
    var session = { role: 'viewer', room: params.get('room') || Model.DEFAULT_ROOM, maxGraphemes: 300,
        maxNameGraphemes: 25, slowModeMs: 0, streamerName: '' };
    var screen = null;
    var name = readStored(window.localStorage, NAME_KEY);
    var nextMessageId = 1;
    var pending = new Map();
    var countdown = null;
    var stopped = false;

    function readStored(storage, key)
    {
        try
        {
            return storage.getItem(key) || '';
        }
        catch (e)
        {
            return '';
        }
    }

    function writeStored(storage, key, value)
    {
        try
        {
            storage.setItem(key, value);
        }
        catch (e)
        {
            // Storage may be disabled (private mode): the page still works for this visit.
        }
    }

    /* The token from the address (moved to session storage, address bar cleaned) or from an earlier load. */
    function takeToken()
    {
        var fromAddress = params.get('token');
        if (fromAddress)
        {
            writeStored(window.sessionStorage, TOKEN_KEY, fromAddress);
            window.history.replaceState(null, '', Model.addressWithoutToken(window.location.pathname,
                window.location.search, window.location.hash));
            return fromAddress;
        }
        return readStored(window.sessionStorage, TOKEN_KEY);
    }

    function setStatus(text)
    {
        statusElement.textContent = text;
    }

    function stopCountdown()
    {
        if (countdown !== null)
        {
            clearInterval(countdown.timer);
            countdown = null;
        }
    }

    function showError(text)
    {
        stopCountdown();
        errorElement.textContent = text;
        errorElement.hidden = false;
    }

    function hideError()
    {
        stopCountdown();
        errorElement.textContent = '';
        errorElement.hidden = true;
    }

    /* Shows a refusal; with a retry time it counts down each second and clears itself at zero. */
    function showRefusal(answer)
    {
        showError(Model.refusalText(answer, Number(answer.retryAfterMs) || 0));
        if (!Model.countsDown(answer))
        {
            return;
        }
        var until = Date.now() + Number(answer.retryAfterMs);
        countdown = {
            timer: setInterval(function ()
            {
                var remaining = until - Date.now();
                errorElement.textContent = Model.refusalText(answer, remaining);
                if (remaining <= 0)
                {
                    hideError();
                }
            }, 1000)
        };
    }

    function isModerator()
    {
        return session.role === 'moderator' || session.role === 'admin';
    }

    function showSlowMode(slowModeMs)
    {
        session.slowModeMs = slowModeMs;
        slowElement.textContent = slowModeMs > 0 ?
            'Slow mode: one message every ' + Model.formatDuration(slowModeMs) + '.' : '';
        slowElement.hidden = !(slowModeMs > 0);
    }

    function button(className, text, label, onClick)
    {
        var b = document.createElement('button');
        b.type = 'button';
        b.className = className;
        b.textContent = text;
        b.setAttribute('aria-label', label);
        b.addEventListener('click', onClick);
        return b;
    }

    function span(className, text)
    {
        var s = document.createElement('span');
        s.className = className;
        s.textContent = text;
        return s;
    }

    function renderLine(line)
    {
        var item = document.createElement('li');
        item.className = Model.lineClass(line);
        item.setAttribute('data-line-id', line.id);
        item.setAttribute('data-user', line.user);
        var time = new Date(line.atEpochMs || Date.now());
        var clock = span('time', ('0' + time.getHours()).slice(-2) + ':' + ('0' + time.getMinutes()).slice(-2));
        clock.setAttribute('aria-hidden', 'true');
        item.appendChild(clock);
        if (line.badge)
        {
            item.appendChild(span('badge', line.badge));
        }
        item.appendChild(span('user', line.user));
        if (line.paid)
        {
            item.appendChild(span('amount', line.amount));
        }
        item.appendChild(span('text', line.text));
        if (isModerator() && line.role !== 'SYSTEM')
        {
            var tools = span('line-tools', '');
            tools.appendChild(button('mod-delete', 'Delete', 'Delete this message from ' + line.user, function ()
            {
                moderate({ action: 'delete', lineId: Number(line.id) });
            }));
            if (line.role === 'VIEWER' && line.user)
            {
                tools.appendChild(button('mod-timeout', 'Time out', 'Time out ' + line.user + ' for 10 minutes',
                    function () { moderate({ action: 'timeout', target: line.user, durationMs: TIMEOUT_MS }); }));
                tools.appendChild(button('mod-ban', 'Ban', 'Ban ' + line.user, function ()
                {
                    moderate({ action: 'ban', target: line.user, durationMs: 0 });
                }));
            }
            item.appendChild(tools);
        }
        return item;
    }

    function atBottom()
    {
        return linesElement.scrollHeight - linesElement.scrollTop - linesElement.clientHeight < 48;
    }

    function receive(frame)
    {
        var follow = atBottom();
        var change = screen.apply(frame);
        for (var i = 0; i < change.removed.length; i++)
        {
            var gone = linesElement.querySelector('li[data-line-id="' + change.removed[i].id + '"]');
            if (gone)
            {
                gone.remove();
            }
        }
        for (var j = 0; j < change.added.length; j++)
        {
            var line = change.added[j];
            linesElement.appendChild(renderLine(line));
            settle(line.id, null);
        }
        for (var k = 0; k < change.refused.length; k++)
        {
            var refused = change.refused[k];
            settle(String(refused.receipt), refused);
        }
        for (var r = 0; r < change.removals.length; r++)
        {
            var removal = change.removals[r];
            if (removal.scope === 'VIEWER' && name && removal.user.toLowerCase() === Model.neutraliseName(name).toLowerCase())
            {
                showRefusal(removal.action === 'BAN' ? { refusal: 'BANNED', error: removal.reason } :
                    { refusal: 'TIMED_OUT', retryAfterMs: Math.max(0, removal.untilEpochMs - Date.now()) });
            }
        }
        if (change.state !== null)
        {
            showSlowMode(change.state.slowModeMs);
            if (change.state.maxGraphemes > 0)
            {
                session.maxGraphemes = change.state.maxGraphemes;
                updateCounter();
            }
        }
        if (follow && change.added.length > 0)
        {
            linesElement.scrollTop = linesElement.scrollHeight;
        }
    }

    /* A post answered 202 (pending) settles when its line or its refusal shows on the feed. */
    function settle(receipt, refused)
    {
        if (!pending.has(receipt))
        {
            return;
        }
        pending.delete(receipt);
        if (refused !== null)
        {
            showRefusal({ refusal: refused.refusal, retryAfterMs: refused.retryAfterMs, error: refused.reason });
        }
    }

    function request(method, path, body)
    {
        var init = { method: method, headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' };
        if (body !== undefined)
        {
            init.headers['Content-Type'] = 'application/json';
            init.body = JSON.stringify(body);
        }
        return fetch(path, init).then(function (response)
        {
            return response.text().then(function (text)
            {
                var json = {};
                try
                {
                    json = text ? JSON.parse(text) : {};
                }
                catch (e)
                {
                    json = { error: text.split('\n')[0] };
                }
                if (!json || typeof json !== 'object')
                {
                    json = {};
                }
                if (!json.error && !response.ok)
                {
                    json.error = 'the server answered ' + response.status;
                }
                if (!json.retryAfterMs && response.status === 429)
                {
                    json.retryAfterMs = 1000 * (Number(response.headers.get('Retry-After')) || 0);
                    json.refusal = json.refusal || 'RATE_LIMITED';
                }
                return { status: response.status, ok: response.ok, body: json };
            });
        });
    }

    function updateCounter()
    {
        var view = Model.counterView(textInput.value, session.maxGraphemes);
        counterElement.textContent = view.text;
        counterElement.classList.toggle('over', view.over);
        textInput.setAttribute('aria-invalid', view.over ? 'true' : 'false');
        sendButton.disabled = view.over || view.used === 0;
    }

    function post(event)
    {
        event.preventDefault();
        var text = textInput.value;
        var view = Model.counterView(text, session.maxGraphemes);
        if (view.used === 0 || text.trim() === '')
        {
            return;
        }
        if (view.over)
        {
            showError('Message too long: ' + view.used + ' characters, at most ' + view.max + '.');
            return;
        }
        var messageId = nextMessageId++;
        sendButton.disabled = true;
        request('POST', '/api/chat/messages', { name: name, text: text, room: session.room, messageId: messageId })
            .then(function (answer)
            {
                if (answer.status === 200 || answer.status === 202)
                {
                    hideError();
                    textInput.value = '';
                    if (answer.body.pending && answer.body.receipt !== undefined)
                    {
                        pending.set(String(answer.body.receipt), messageId);
                        if (pending.size > PENDING_LIMIT)
                        {
                            pending.delete(pending.keys().next().value);
                        }
                    }
                }
                else
                {
                    showRefusal(answer.body);
                }
            }, function (e)
            {
                showError('Not sent: the server cannot be reached (' + (e && e.message ? e.message : 'network error') + ').');
            })
            .then(function ()
            {
                updateCounter();
                textInput.focus();
            });
    }

    function moderate(body)
    {
        body.room = session.room;
        body.actor = name || session.streamerName || session.role;
        request('POST', '/api/chat/moderation', body).then(function (answer)
        {
            if (answer.ok)
            {
                hideError();
            }
            else
            {
                showError('Moderation refused: ' + answer.body.error);
            }
        }, function (e)
        {
            showError('Moderation not sent: the server cannot be reached (' + (e && e.message ? e.message : 'network error') + ').');
        });
    }

    function chooseName(event)
    {
        event.preventDefault();
        var chosen = Model.neutraliseName(nameInput.value);
        var graphemes = Model.graphemeCount(chosen);
        if (graphemes === 0)
        {
            showError('Pick a display name: letters, digits or emoji, at most ' + session.maxNameGraphemes + ' characters.');
            nameInput.focus();
            return;
        }
        if (graphemes > session.maxNameGraphemes)
        {
            showError('Display name too long: ' + graphemes + ' characters, at most ' + session.maxNameGraphemes + '.');
            nameInput.focus();
            return;
        }
        hideError();
        name = chosen;
        writeStored(window.localStorage, NAME_KEY, name);
        showPostForm();
        textInput.focus();
    }

    function showPostForm()
    {
        meElement.textContent = name;
        nameForm.hidden = true;
        postForm.hidden = false;
        updateCounter();
    }

    function showNameForm()
    {
        nameInput.value = name;
        postForm.hidden = true;
        nameForm.hidden = false;
        nameInput.focus();
    }

    function applySession(body)
    {
        session.role = String(body.role || 'viewer');
        session.room = params.get('room') || String(body.room || Model.DEFAULT_ROOM);
        session.maxGraphemes = Number(body.maxGraphemes) > 0 ? Number(body.maxGraphemes) : session.maxGraphemes;
        session.maxNameGraphemes = Number(body.maxNameGraphemes) > 0 ? Number(body.maxNameGraphemes) : 25;
        session.streamerName = body.streamerName ? String(body.streamerName) : '';
        element('title').textContent = session.streamerName ? session.streamerName + ' chat' : 'Chat';
        document.title = element('title').textContent;
        roleElement.textContent = session.role;
        roleElement.hidden = session.role === 'viewer';
        modTools.hidden = !isModerator();
        showSlowMode(Number(body.slowModeMs) || 0);
    }

    function start()
    {
        nameForm.addEventListener('submit', chooseName);
        postForm.addEventListener('submit', post);
        textInput.addEventListener('input', updateCounter);
        textInput.addEventListener('keydown', function (event)
        {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing)
            {
                post(event);
            }
        });
        element('name-change').addEventListener('click', showNameForm);
        element('slow-set').addEventListener('click', function ()
        {
            moderate({ action: 'slow', durationMs: Number(element('slow-select').value) });
        });
        element('clear').addEventListener('click', function () { moderate({ action: 'clear' }); });
        if (!token)
        {
            stopped = true;
            setStatus('closed: missing token');
            showError('Chat not connected: missing token. Open the chat link the streamer shared (/plugins/chat/?token=...).');
            nameForm.hidden = true;
            return;
        }
        request('GET', '/api/chat/session').then(function (answer)
        {
            if (!answer.ok)
            {
                stopped = true;
                setStatus('closed: ' + answer.body.error);
                showError('Chat not available: ' + answer.body.error + '. Ask the streamer for a new chat link.');
                nameForm.hidden = true;
                return;
            }
            applySession(answer.body);
            screen = Model.createScreen({ room: session.room, max: 500 });
            if (name)
            {
                showPostForm();
            }
            else
            {
                nameInput.focus();
            }
            Model.followFeed(window, {
                token: token,
                screen: screen,
                receive: receive,
                status: setStatus,
                stopped: function () { return stopped; },
                refused: function (reason)
                {
                    stopped = true;
                    showError('Chat not connected: ' + reason + '. Ask the streamer for a new chat link.');
                }
            });
        }, function (e)
        {
            setStatus('closed: ' + (e && e.message ? e.message : 'network error'));
            showError('Chat not available: the server cannot be reached. Reload the page to try again.');
        });
    }

    start();
})();
