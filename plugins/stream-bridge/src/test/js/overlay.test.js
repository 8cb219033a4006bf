'use strict';

/*
 * Behaviour of overlay.js, run by Node's test runner: the script runs in a fresh context with a
 * minimal DOM (the ids index.html has), a fake WebSocket and a manual clock, so queueing, timing and
 * reconnects are checked without a browser or a server. OVERLAY_JS names the script to load.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const vm = require('node:vm');

const SOURCE = fs.readFileSync(process.env.OVERLAY_JS || 'src/main/resources/stream-bridge/web/overlay.js', 'utf8');
const NOW = 1767225600000;

function element(id, hidden)
{
    return {
        id: id,
        hidden: hidden,
        textContent: '',
        className: '',
        attributes: {},
        style: { properties: {}, setProperty(name, value) { this.properties[name] = value; } },
        setAttribute(name, value) { this.attributes[name] = String(value); },
        getAttribute(name) { return Object.prototype.hasOwnProperty.call(this.attributes, name) ? this.attributes[name] : null; },
        removeAttribute(name) { delete this.attributes[name]; }
    };
}

function page(search, options)
{
    const protocol = (options && options.protocol) || 'http:';
    const elements = {
        alert: element('alert', true),
        'alert-title': element('alert-title', false),
        'alert-message': element('alert-message', false),
        status: element('status', true),
        error: element('error', true)
    };
    const clock = { now: NOW, timers: [], nextId: 1 };
    const sockets = [];

    class FakeWebSocket
    {
        constructor(url)
        {
            this.url = url;
            sockets.push(this);
        }

        open() { this.onopen({}); }

        send(message) { this.onmessage({ data: typeof message === 'string' ? message : JSON.stringify(message) }); }

        close(code, reason) { this.onclose({ code: code, reason: reason || '' }); }
    }

    const context = {
        window: { location: { search: search, protocol: protocol, host: '127.0.0.1:7300' } },
        document: { getElementById: (id) => elements[id] || null },
        WebSocket: FakeWebSocket,
        URLSearchParams: URLSearchParams,
        Date: { now: () => clock.now },
        setTimeout: (fn, delay) =>
        {
            const id = clock.nextId++;
            clock.timers.push({ id: id, at: clock.now + Math.max(0, delay || 0), fn: fn });
            return id;
        },
        clearTimeout: (id) => { clock.timers = clock.timers.filter((t) => t.id !== id); }
    };
    vm.createContext(context);
    vm.runInContext(SOURCE, context, { filename: 'overlay.js' });

    function advance(ms)
    {
        const end = clock.now + ms;
        for (;;)
        {
            clock.timers.sort((a, b) => a.at - b.at || a.id - b.id);
            const next = clock.timers[0];
            if (!next || next.at > end)
            {
                break;
            }
            clock.timers.shift();
            clock.now = next.at;
            next.fn();
        }
        clock.now = end;
    }

    function shown()
    {
        const alert = elements.alert;
        return alert.hidden ? null : {
            id: alert.getAttribute('data-alert-id'),
            title: elements['alert-title'].textContent,
            message: elements['alert-message'].textContent
        };
    }

    return { elements, sockets, clock, advance, shown };
}

function overlayAlert(id, fields)
{
    return Object.assign({
        type: 'OverlayAlert',
        sequence: 100 + id,
        timestamp: (NOW - 10) * 1000000,
        plugin: 'stream-bridge',
        alertId: id,
        amountSats: 12345,
        showAtEpochMs: NOW,
        durationMs: 1000,
        queued: 0,
        kind: 'PAYMENT',
        txid: 'ab'.repeat(32),
        title: 'New tip!',
        message: 'tip ' + id
    }, fields || {});
}

test('connects to the stream-bridge socket on the same host with the token', () =>
{
    const p = page('?token=s3cr%26t');

    assert.equal(p.sockets.length, 1);
    assert.equal(p.sockets[0].url, 'ws://127.0.0.1:7300/ws/stream-bridge?token=s3cr%26t');
    assert.equal(p.elements.status.textContent, 'connecting');
    assert.equal(p.elements.status.hidden, true);
    p.sockets[0].open();
    assert.equal(p.elements.status.textContent, 'open');
});

test('uses wss when the page is served over https', () =>
{
    const p = page('?token=t', { protocol: 'https:' });

    assert.equal(p.sockets[0].url, 'wss://127.0.0.1:7300/ws/stream-bridge?token=t');
});

test('shows alerts one at a time in arrival order, each for its duration, dropping none', () =>
{
    const p = page('?token=t');
    const socket = p.sockets[0];
    socket.open();

    socket.send(overlayAlert(1));
    socket.send(overlayAlert(2, { durationMs: 2000 }));
    socket.send(overlayAlert(3));

    assert.deepEqual(p.shown(), { id: '1', title: 'New tip!', message: 'tip 1' });
    assert.equal(p.elements.alert.className, 'alert enter');
    p.advance(600);
    assert.equal(p.shown().id, '1');
    p.advance(100);
    assert.equal(p.elements.alert.className, 'alert leave');
    p.advance(300);
    assert.equal(p.shown().id, '2');
    p.advance(1999);
    assert.equal(p.shown().id, '2');
    p.advance(1);
    assert.equal(p.shown().id, '3');
    p.advance(1000);
    assert.equal(p.shown(), null);
    assert.equal(p.elements.alert.getAttribute('data-alert-id'), null);
});

test('ignores repeats of an alertId, such as the messages re-sent after reconnecting', () =>
{
    const p = page('?token=t');
    p.sockets[0].open();
    p.sockets[0].send(overlayAlert(1));
    p.sockets[0].send(overlayAlert(2));

    p.sockets[0].close(1006, '');
    p.advance(500);
    assert.equal(p.sockets.length, 2);
    p.sockets[1].open();
    p.sockets[1].send(overlayAlert(1));
    p.sockets[1].send(overlayAlert(2));
    p.sockets[1].send(overlayAlert(3));

    const seen = [];
    for (let i = 0; i < 6; i++)
    {
        const shown = p.shown();
        if (shown && seen[seen.length - 1] !== shown.id)
        {
            seen.push(shown.id);
        }
        p.advance(500);
    }
    assert.deepEqual(seen, ['1', '2', '3']);
    assert.equal(p.shown(), null);
});

test('skips alerts whose showing ended more than a minute ago', () =>
{
    const p = page('?token=t');
    p.sockets[0].open();

    p.sockets[0].send(overlayAlert(1, { showAtEpochMs: NOW - 61001, durationMs: 1000 }));
    assert.equal(p.shown(), null);
    p.sockets[0].send(overlayAlert(2, { showAtEpochMs: NOW - 59000, durationMs: 1000 }));
    assert.equal(p.shown().id, '2');
});

test('ignores other message types and malformed frames', () =>
{
    const p = page('?token=t');
    p.sockets[0].open();

    p.sockets[0].send({ type: 'ChatMessage', alertId: 5, durationMs: 1000, title: 'x' });
    p.sockets[0].send('not json');
    p.sockets[0].onmessage({ data: new Uint8Array(4) });
    assert.equal(p.shown(), null);
    p.sockets[0].send(overlayAlert(6));
    assert.equal(p.shown().id, '6');
});

test('renders alert text as text, never as markup', () =>
{
    const p = page('?token=t');
    p.sockets[0].open();

    p.sockets[0].send(overlayAlert(1, { message: '<img src=x onerror=alert(1)>' }));

    assert.equal(p.elements['alert-message'].textContent, '<img src=x onerror=alert(1)>');
});

test('reconnects with a growing backoff that resets once connected', () =>
{
    const p = page('?token=t');
    p.sockets[0].close(1006, '');
    assert.equal(p.elements.status.textContent, 'closed: code 1006');

    p.advance(499);
    assert.equal(p.sockets.length, 1);
    p.advance(1);
    assert.equal(p.sockets.length, 2);
    p.sockets[1].close(1001, 'going away');
    assert.equal(p.elements.status.textContent, 'closed: going away');
    p.advance(999);
    assert.equal(p.sockets.length, 2);
    p.advance(1);
    assert.equal(p.sockets.length, 3);

    p.sockets[2].open();
    p.sockets[2].close(1006, '');
    p.advance(500);
    assert.equal(p.sockets.length, 4);
    assert.equal(p.elements.error.hidden, true);
});

test('reconnects with since= the seq of the last message received, so a blip loses no alert', () =>
{
    const p = page('?token=t');
    p.sockets[0].open();
    p.sockets[0].send(overlayAlert(1, { seq: 41 }));
    p.sockets[0].send(overlayAlert(2, { seq: 42 }));
    p.sockets[0].close(1006, '');

    p.advance(500);
    assert.equal(p.sockets.length, 2);
    assert.equal(p.sockets[1].url, 'ws://127.0.0.1:7300/ws/stream-bridge?token=t&since=42');
    p.sockets[1].open();
    p.sockets[1].send({ type: 'gap', missed: 3, from: 46 });
    p.sockets[1].send(overlayAlert(3, { seq: 46 }));
    p.sockets[1].close(1006, '');

    p.advance(500);
    assert.equal(p.sockets[2].url, 'ws://127.0.0.1:7300/ws/stream-bridge?token=t&since=46');
});

test('shows every alert of a batch in order and resumes after the batch\'s last seq', () =>
{
    const p = page('?token=t');
    p.sockets[0].open();
    p.sockets[0].send({ type: 'batch', seq: 8, count: 2, messages: [overlayAlert(1, { seq: 7 }), overlayAlert(2, { seq: 8 })] });

    assert.equal(p.shown().id, '1');
    p.advance(1000);
    assert.equal(p.shown().id, '2');
    p.sockets[0].close(1006, '');
    p.advance(500);
    assert.equal(p.sockets[1].url, 'ws://127.0.0.1:7300/ws/stream-bridge?token=t&since=8');
});

test('reconnects without since when the server refuses the seq after a restart', () =>
{
    const p = page('?token=t');
    p.sockets[0].open();
    p.sockets[0].send(overlayAlert(1, { seq: 900 }));
    p.sockets[0].close(1006, '');
    p.advance(500);
    assert.equal(p.sockets[1].url, 'ws://127.0.0.1:7300/ws/stream-bridge?token=t&since=900');

    p.sockets[1].close(1008, 'since 900 is ahead of the newest output 3: reconnect without since');

    assert.equal(p.elements.error.hidden, true);
    p.advance(1000);
    assert.equal(p.sockets.length, 3);
    assert.equal(p.sockets[2].url, 'ws://127.0.0.1:7300/ws/stream-bridge?token=t');
});

test('on a policy close shows the reason and stops reconnecting', () =>
{
    const p = page('?token=wrong');

    p.sockets[0].close(1008, 'unauthorized');

    assert.equal(p.elements.status.textContent, 'closed: unauthorized');
    assert.equal(p.elements.error.hidden, false);
    assert.match(p.elements.error.textContent, /unauthorized/);
    p.advance(120000);
    assert.equal(p.sockets.length, 1);
});

test('explains a missing token instead of connecting', () =>
{
    const p = page('');

    assert.equal(p.sockets.length, 0);
    assert.equal(p.elements.error.hidden, false);
    assert.match(p.elements.error.textContent, /missing token/);
    assert.equal(p.elements.status.textContent, 'closed: missing token');
});

test('debug=1 shows the connection state', () =>
{
    const p = page('?token=t&debug=1');

    assert.equal(p.elements.status.hidden, false);
    assert.equal(p.elements.status.textContent, 'connecting');
});

test('test=1 shows a sample alert at once without connecting', () =>
{
    const p = page('?test=1');

    assert.equal(p.sockets.length, 0);
    assert.equal(p.shown().id, 'test');
    assert.equal(p.shown().title, 'New tip!');
    assert.match(p.shown().message, /BTC/);
    p.advance(60000);
    assert.equal(p.shown().id, 'test');
});
