/*
 * Command Center tip page (docs/tips.md). The token comes from ?token= once, then lives in session storage (the
 * address bar loses it). GET /api/tip/info says whether tips are on (and why not), the creator, the bounds and the
 * goal; the form posts POST /api/tip/reservations and shows the payment request: an "Open in wallet" bitcoin: link,
 * the QR code (an <img> of the SVG the server drew), the address and amount with copy buttons and a countdown to
 * the expiry. GET /api/tip/reservations/ID every 2 s says when the payment is seen, or that the request expired.
 *
 * Text from anyone (the creator's settings, the API's errors, the viewer's own name) is only ever set with
 * textContent: no HTML reaches the DOM.
 *
 * DOM for tests: #title, #off (#off-reason), #goal (#goal-bar, #goal-text), #tip-form (#name, #message,
 * #message-count, #amount, #picks > button), #error, #request (#open-wallet, #qr, #address, #amount-btc,
 * #amount-sats, #countdown, #pay-status), #seen (#seen-text), #expired (#restart).
 */
(function ()
{
    'use strict';

    var TOKEN_KEY = 'cc.tip.token';
    var NAME_KEY = 'cc.tip.name';
    var POLL_MS = 2000;
    var PICKS = [1000, 5000, 10000, 21000, 50000, 100000];

    var element = function (id) { return document.getElementById(id); };
    var form = element('tip-form');
    var nameInput = element('name');
    var messageInput = element('message');
    var amountInput = element('amount');
    var submitButton = element('submit');
    var errorElement = element('error');

    var token = takeToken();
    var info = null;
    var reservation = null;
    var viewerName = '';
    var pollTimer = null;
    var countdownTimer = null;
    var segmenter = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

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
        var params = new URLSearchParams(window.location.search);
        var fromAddress = params.get('token');
        if (fromAddress)
        {
            writeStored(window.sessionStorage, TOKEN_KEY, fromAddress);
            params.delete('token');
            var query = params.toString();
            window.history.replaceState(null, '', window.location.pathname + (query ? '?' + query : '') + window.location.hash);
            return fromAddress;
        }
        return readStored(window.sessionStorage, TOKEN_KEY);
    }

    function show(id, visible)
    {
        element(id).hidden = !visible;
    }

    function showError(text)
    {
        errorElement.textContent = text;
        errorElement.hidden = !text;
    }

    function graphemes(text)
    {
        if (!text)
        {
            return 0;
        }
        if (segmenter)
        {
            var count = 0;
            for (var it = segmenter.segment(text)[Symbol.iterator](), step = it.next(); !step.done; step = it.next())
            {
                count++;
            }
            return count;
        }
        return Array.from(text).length;
    }

    function formatSats(sats)
    {
        return Number(sats).toLocaleString('en-US');
    }

    function btc(sats)
    {
        var whole = Math.floor(sats / 100000000);
        var fraction = String(sats % 100000000);
        while (fraction.length < 8)
        {
            fraction = '0' + fraction;
        }
        fraction = fraction.replace(/0+$/, '');
        return fraction ? whole + '.' + fraction : String(whole);
    }

    /* One API call with the token; resolves to { status, body, retryAfter }. */
    function api(method, path, body)
    {
        var init = { method: method, headers: { 'Authorization': 'Bearer ' + token }, cache: 'no-store' };
        if (undefined !== body)
        {
            init.headers['Content-Type'] = 'application/json';
            init.body = JSON.stringify(body);
        }
        return fetch(path, init).then(function (response)
        {
            return response.text().then(function (text)
            {
                var parsed = null;
                try
                {
                    parsed = text ? JSON.parse(text) : null;
                }
                catch (e)
                {
                    parsed = null;
                }
                return { status: response.status, body: parsed || {},
                    retryAfter: Number(response.headers.get('Retry-After')) || 0 };
            });
        });
    }

    function errorText(result)
    {
        if (401 === result.status || 403 === result.status)
        {
            return 'This tip link is not valid (its token is missing, wrong or was replaced): ask the streamer for ' +
                'the current link.';
        }
        var text = result.body && typeof result.body.error === 'string' ? result.body.error : 'the server answered ' +
            result.status;
        if (429 === result.status || 503 === result.status)
        {
            text += result.retryAfter ? ' (try again in ' + result.retryAfter + ' s)' : '';
        }
        return text;
    }

    function loadInfo()
    {
        if (!token)
        {
            show('loading', false);
            showError('This tip link has no token: open the link the streamer shared (it ends in ?token=…).');
            return;
        }
        api('GET', '/api/tip/info').then(function (result)
        {
            show('loading', false);
            if (200 !== result.status)
            {
                showError(errorText(result));
                return;
            }
            info = result.body;
            if (!info.enabled)
            {
                element('off-reason').textContent = info.reason || 'The streamer has not turned tips on.';
                show('off', true);
                return;
            }
            setUp(info);
        }, function ()
        {
            show('loading', false);
            showError('Cannot reach the tip server: check the connection and reload the page.');
        });
    }

    function setUp(settings)
    {
        var creator = settings.creator ? settings.creator : 'the streamer';
        element('title').textContent = 'Tip ' + creator;
        document.title = 'Tip ' + creator;
        if (settings.network && 'mainnet' !== settings.network)
        {
            element('network').textContent = settings.network + ' (test coins only)';
            show('network', true);
        }
        showGoal(settings.goal);
        amountInput.min = String(settings.minSats);
        amountInput.max = String(settings.maxSats);
        element('amount-hint').textContent = 'From ' + formatSats(settings.minSats) + ' to ' +
            formatSats(settings.maxSats) + ' sats.';
        var picks = element('picks');
        PICKS.filter(function (sats) { return sats >= settings.minSats && sats <= settings.maxSats; })
            .forEach(function (sats)
            {
                var button = document.createElement('button');
                button.type = 'button';
                button.textContent = formatSats(sats);
                button.setAttribute('aria-pressed', 'false');
                button.setAttribute('aria-label', formatSats(sats) + ' sats');
                button.dataset.sats = String(sats);
                button.addEventListener('click', function ()
                {
                    amountInput.value = String(sats);
                    markPick();
                });
                picks.appendChild(button);
            });
        if (!amountInput.value)
        {
            amountInput.value = String(Math.max(settings.minSats, Math.min(5000, settings.maxSats)));
        }
        nameInput.value = readStored(window.localStorage, NAME_KEY);
        markPick();
        updateCounts();
        show('tip-form', true);
    }

    function showGoal(goal)
    {
        if (!goal || !goal.sats)
        {
            show('goal', false);
            return;
        }
        element('goal-title').textContent = goal.title;
        var bar = element('goal-bar');
        bar.max = goal.sats;
        bar.value = Math.min(goal.raisedSats, goal.sats);
        element('goal-text').textContent = formatSats(goal.raisedSats) + ' of ' + formatSats(goal.sats) +
            ' sats raised today';
        show('goal', true);
    }

    function markPick()
    {
        var buttons = element('picks').querySelectorAll('button');
        for (var i = 0; i < buttons.length; i++)
        {
            buttons[i].setAttribute('aria-pressed', buttons[i].dataset.sats === amountInput.value ? 'true' : 'false');
        }
    }

    function updateCounts()
    {
        if (!info)
        {
            return;
        }
        var nameCount = graphemes(nameInput.value.trim());
        var nameElement = element('name-count');
        nameElement.textContent = nameCount + ' / ' + info.maxNameGraphemes;
        nameElement.classList.toggle('over', nameCount > info.maxNameGraphemes);
        var messageCount = graphemes(messageInput.value.trim());
        var messageElement = element('message-count');
        messageElement.textContent = messageCount + ' / ' + info.maxMessageGraphemes;
        messageElement.classList.toggle('over', messageCount > info.maxMessageGraphemes);
    }

    function submit(event)
    {
        event.preventDefault();
        showError('');
        var name = nameInput.value.trim();
        var message = messageInput.value.trim();
        var amount = Number(amountInput.value);
        if (!name)
        {
            showError('name: enter the name the stream should show.');
            nameInput.focus();
            return;
        }
        if (!Number.isInteger(amount) || amount < info.minSats || amount > info.maxSats)
        {
            showError('amountSats: expected a whole number of sats from ' + info.minSats + ' to ' + info.maxSats + '.');
            amountInput.focus();
            return;
        }
        writeStored(window.localStorage, NAME_KEY, name);
        submitButton.disabled = true;
        api('POST', '/api/tip/reservations', { name: name, message: message, amountSats: amount }).then(function (result)
        {
            submitButton.disabled = false;
            if (201 !== result.status)
            {
                showError(errorText(result));
                return;
            }
            viewerName = name;
            showRequest(result.body);
        }, function ()
        {
            submitButton.disabled = false;
            showError('Cannot reach the tip server: check the connection and try again.');
        });
    }

    function showRequest(made)
    {
        reservation = made;
        show('tip-form', false);
        show('seen', false);
        show('expired', false);
        var link = element('open-wallet');
        link.href = typeof made.uri === 'string' && 0 === made.uri.indexOf('bitcoin:') ? made.uri : '#';
        var qr = element('qr');
        qr.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(made.qrSvg);
        qr.alt = 'QR code of the payment request: ' + formatSats(made.amountSats) + ' sats to ' + made.address;
        element('address').textContent = made.address;
        element('amount-btc').textContent = btc(made.amountSats);
        element('amount-sats').textContent = formatSats(made.amountSats);
        element('pay-status').textContent = 'Waiting for your payment…';
        element('copied').textContent = '';
        show('request', true);
        tick();
        countdownTimer = window.setInterval(tick, 1000);
        schedulePoll(POLL_MS);
        link.focus();
    }

    function tick()
    {
        if (!reservation)
        {
            return;
        }
        var left = Math.max(0, Math.floor((reservation.expiresAtEpochMs - Date.now()) / 1000));
        var minutes = Math.floor(left / 60);
        var seconds = left % 60;
        element('countdown').textContent = minutes + ':' + (seconds < 10 ? '0' : '') + seconds;
    }

    function schedulePoll(delayMs)
    {
        window.clearTimeout(pollTimer);
        pollTimer = window.setTimeout(poll, delayMs);
    }

    function poll()
    {
        if (!reservation)
        {
            return;
        }
        var id = reservation.id;
        api('GET', '/api/tip/reservations/' + encodeURIComponent(id)).then(function (result)
        {
            if (!reservation || reservation.id !== id)
            {
                return;
            }
            if (200 === result.status)
            {
                if ('SEEN' === result.body.state)
                {
                    finish('seen');
                    element('seen-text').textContent = 'Payment seen — thank you, ' + viewerName + '!';
                    return;
                }
                if ('EXPIRED' === result.body.state)
                {
                    finish('expired');
                    return;
                }
                schedulePoll(POLL_MS);
            }
            else if (404 === result.status)
            {
                finish('expired');
            }
            else
            {
                element('pay-status').textContent = errorText(result);
                schedulePoll(Math.max(POLL_MS, result.retryAfter * 1000));
            }
        }, function ()
        {
            element('pay-status').textContent = 'Connection lost: still waiting for your payment…';
            schedulePoll(POLL_MS * 2);
        });
    }

    function finish(outcome)
    {
        window.clearTimeout(pollTimer);
        window.clearInterval(countdownTimer);
        reservation = null;
        show('request', false);
        show(outcome, true);
        var focus = 'seen' === outcome ? element('again') : element('restart');
        focus.focus();
    }

    function restart()
    {
        show('seen', false);
        show('expired', false);
        show('request', false);
        showError('');
        show('tip-form', true);
        nameInput.focus();
    }

    function copy(text, what)
    {
        var done = function () { element('copied').textContent = what + ' copied.'; };
        if (navigator.clipboard && navigator.clipboard.writeText)
        {
            navigator.clipboard.writeText(text).then(done, function ()
            {
                element('copied').textContent = 'Copy did not work: select the ' + what.toLowerCase() + ' and copy it.';
            });
        }
        else
        {
            element('copied').textContent = 'Select the ' + what.toLowerCase() + ' and copy it.';
        }
    }

    form.addEventListener('submit', submit);
    nameInput.addEventListener('input', updateCounts);
    messageInput.addEventListener('input', updateCounts);
    amountInput.addEventListener('input', markPick);
    element('restart').addEventListener('click', restart);
    element('again').addEventListener('click', function ()
    {
        messageInput.value = '';
        updateCounts();
        restart();
    });
    element('copy-address').addEventListener('click', function ()
    {
        copy(element('address').textContent, 'Address');
    });
    element('copy-amount').addEventListener('click', function ()
    {
        copy(element('amount-btc').textContent, 'Amount');
    });
    loadInfo();
}());
