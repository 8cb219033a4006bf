/*
 * Command Center chat overlay: the last lines of one room from the chat feed (/ws/chat, cc.json.v1), newest
 * at the bottom, each fading out fadeMs after it was posted (0 = never). Paid lines show their amount;
 * deletions, time outs, bans and clears take lines away. It resumes with since=SEQ after a network blip,
 * de-duplicating by lineId the retained lines the server re-sends; lines that had already faded when they
 * arrive (the history after an OBS reload) are not shown again. When the server refuses since (it restarted),
 * it reconnects without it.
 *
 * User text is only ever set with textContent: no HTML from anyone reaches the DOM.
 *
 * Query options: token=TOKEN (the overlay token; required), max=8, fadeMs=30000, room=main, debug=1.
 * DOM for tests: #lines > li.line[data-line-id] (.badge, .user, .amount, .text), #status, #error.
 */
(function ()
{
    'use strict';

    var Model = window.ChatModel;
    var FADE_ANIMATION_MS = 800;

    var options = Model.overlayOptions(window.location.search);
    var linesElement = document.getElementById('lines');
    var statusElement = document.getElementById('status');
    var errorElement = document.getElementById('error');
    var screen = Model.createScreen({
        room: options.room,
        max: options.max,
        skip: function (line) { return Model.fadedBefore(line, Date.now(), options.fadeMs); }
    });

    function setStatus(text)
    {
        statusElement.textContent = text;
        statusElement.hidden = !options.debug;
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
        return item;
    }

    function fadeLater(item, line)
    {
        if (options.fadeMs <= 0)
        {
            return;
        }
        var shownFor = line.atEpochMs > 0 ? Math.max(0, Date.now() - line.atEpochMs) : 0;
        setTimeout(function ()
        {
            item.classList.add('fading');
            setTimeout(function () { item.remove(); }, FADE_ANIMATION_MS);
        }, Math.max(0, options.fadeMs - shownFor));
    }

    function receive(frame)
    {
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
            var item = renderLine(change.added[j]);
            linesElement.appendChild(item);
            fadeLater(item, change.added[j]);
        }
    }

    function start()
    {
        if (options.error !== null)
        {
            setStatus('closed: ' + options.error);
            showError('Chat overlay not started: ' + options.error + '.');
            return;
        }
        if (!options.token)
        {
            setStatus('closed: missing token');
            showError('Chat overlay not connected: missing token. Open this page as ' +
                '/plugins/chat/overlay.html?token=YOUR_OVERLAY_TOKEN');
            return;
        }
        Model.followFeed(window, {
            token: options.token,
            screen: screen,
            receive: receive,
            status: setStatus,
            opened: hideError,
            refused: function (reason)
            {
                showError('Chat overlay not connected: ' + reason + '. Check the token in this page\'s address.');
            }
        });
    }

    start();
})();
