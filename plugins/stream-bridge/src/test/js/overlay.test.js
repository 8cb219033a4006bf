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

/* An <audio> or <video>: records what it was asked to play; the test ends it or fails it. */
function player(id)
{
    return Object.assign(element(id, true), {
        volume: 1,
        played: [],
        paused: true,
        onended: null,
        onerror: null,
        play() { this.played.push(this.getAttribute('src')); this.paused = false; return Promise.resolve(); },
        pause() { this.paused = true; },
        load() {}
    });
}

function page(search, options)
{
    const protocol = (options && options.protocol) || 'http:';
    const elements = {
        alert: element('alert', true),
        'alert-badge': element('alert-badge', true),
        'alert-title': element('alert-title', false),
        'alert-message': element('alert-message', false),
        'alert-image': element('alert-image', true),
        'alert-sound': player('alert-sound'),
        media: element('media', true),
        'media-image': element('media-image', true),
        'media-video': player('media-video'),
        'media-audio': player('media-audio'),
        status: element('status', true),
        error: element('error', true)
    };
    const clock = { now: NOW, timers: [], nextId: 1 };
    // The stream bridge's sockets, and the automation feed's apart, so each feed's reconnects are counted alone.
    const sockets = [];
    const automationSockets = [];

    class FakeWebSocket
    {
        constructor(url)
        {
            this.url = url;
            (url.includes('/ws/automation') ? automationSockets : sockets).push(this);
        }

        open() { this.onopen({}); }

        send(message) { this.onmessage({ data: typeof message === 'string' ? message : JSON.stringify(message) }); }

        close(code, reason) { this.onclose({ code: code, reason: reason || '' }); }
    }

    const context = {
        window: { location: { search: search, protocol: protocol, host: '127.0.0.1:7300',
            href: protocol + '//127.0.0.1:7300/plugins/stream-bridge/' + search } },
        document: { getElementById: (id) => elements[id] || null },
        WebSocket: FakeWebSocket,
        URL: URL,
        URLSearchParams: URLSearchParams,
        Date: { now: () => clock.now, parse: Date.parse },
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

    function media()
    {
        const stage = elements.media;
        const id = stage.getAttribute('data-media-id');
        if (id === null)
        {
            return null;
        }
        const kind = ['media-image', 'media-video', 'media-audio'].find((name) => !elements[name].hidden);
        return { id: id, kind: kind, src: kind ? elements[kind].getAttribute('src') : null };
    }

    return { elements, sockets, automationSockets, clock, advance, shown, media };
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

function customAlert(id, fields)
{
    return Object.assign(overlayAlert(id, { plugin: 'automation', kind: 'CUSTOM', amountSats: 0, txid: '00'.repeat(32),
        title: 'Big tip!', message: 'custom ' + id, delayMs: 0, sound: '', image: '' }), fields || {});
}

function overlayMedia(id, fields)
{
    return Object.assign({
        type: 'OverlayMedia',
        sequence: 200 + id,
        timestamp: new Date(NOW - 10).toISOString(),
        plugin: 'automation',
        mediaId: id,
        kind: 'VIDEO',
        volume: 100,
        durationMs: 0,
        delayMs: 0,
        url: '/media/clip-' + id + '.webm'
    }, fields || {});
}

test('connects to the automation feed for its alerts and media with the same token', () =>
{
    const p = page('?token=s3cr%26t');

    assert.equal(p.automationSockets.length, 1);
    assert.equal(p.automationSockets[0].url,
        'ws://127.0.0.1:7300/ws/automation?types=OverlayAlert,OverlayMedia&token=s3cr%26t');
    p.automationSockets[0].open();
    assert.equal(p.elements.status.getAttribute('data-automation'), 'open');
    assert.equal(p.elements.status.textContent, 'connecting');
});

test('resumes the automation feed with since= its own last seq, apart from the stream bridge\'s', () =>
{
    const p = page('?token=t');
    p.sockets[0].open();
    p.automationSockets[0].open();
    p.sockets[0].send(overlayAlert(1, { seq: 10 }));
    p.automationSockets[0].send(customAlert(2, { seq: 77 }));
    p.automationSockets[0].close(1006, '');

    p.advance(500);
    assert.equal(p.sockets.length, 1);
    assert.equal(p.automationSockets.length, 2);
    assert.equal(p.automationSockets[1].url,
        'ws://127.0.0.1:7300/ws/automation?types=OverlayAlert,OverlayMedia&token=t&since=77');
    p.automationSockets[1].close(1008, 'since 77 is ahead of the newest output 3: reconnect without since');
    p.advance(1000);
    assert.equal(p.automationSockets[2].url, 'ws://127.0.0.1:7300/ws/automation?types=OverlayAlert,OverlayMedia&token=t');
});

test('a refused automation feed shows no error and asks again only a minute later', () =>
{
    const p = page('?token=t');
    p.sockets[0].open();

    p.automationSockets[0].close(1008, 'unknown feed \'automation\', expected one of all, stream-bridge');

    assert.equal(p.elements.error.hidden, true);
    assert.equal(p.elements.status.textContent, 'open');
    p.advance(59999);
    assert.equal(p.automationSockets.length, 1);
    p.advance(1);
    assert.equal(p.automationSockets.length, 2);
    p.automationSockets[1].close(1008, 'unknown feed \'automation\', expected one of all, stream-bridge');
    p.advance(59999);
    assert.equal(p.automationSockets.length, 2);
    p.advance(1);
    assert.equal(p.automationSockets.length, 3);
    assert.equal(p.elements.error.hidden, true);
});

test('an unreachable automation feed backs off to a minute, not faster', () =>
{
    const p = page('?token=t');
    const delays = [];
    let last = p.clock.now;
    for (let i = 0; i < 10; i++)
    {
        p.automationSockets[p.automationSockets.length - 1].close(1006, '');
        const before = p.automationSockets.length;
        while (p.automationSockets.length === before)
        {
            p.advance(100);
        }
        delays.push(p.clock.now - last);
        last = p.clock.now;
    }

    assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    assert.equal(p.sockets.length, 1);
});

test('shows a custom alert\'s title, message, image and sound, as text, playing the sound once', () =>
{
    const p = page('?token=t');
    p.automationSockets[0].open();

    p.automationSockets[0].send(customAlert(5, { title: '<img src=x onerror=alert(1)>', message: '<b>hi</b>',
        image: '/media/party.gif', sound: 'https://cdn.example/airhorn.mp3', durationMs: 3000 }));

    assert.deepEqual(p.shown(), { id: '5', title: '<img src=x onerror=alert(1)>', message: '<b>hi</b>' });
    assert.equal(p.elements['alert-image'].hidden, false);
    assert.equal(p.elements['alert-image'].getAttribute('src'), 'http://127.0.0.1:7300/media/party.gif');
    assert.deepEqual(p.elements['alert-sound'].played, ['https://cdn.example/airhorn.mp3']);
    p.advance(3000);
    assert.equal(p.shown(), null);
    assert.equal(p.elements['alert-image'].hidden, true);
    assert.equal(p.elements['alert-image'].getAttribute('src'), null);
    assert.equal(p.elements['alert-sound'].paused, true);
    assert.equal(p.elements['alert-sound'].getAttribute('src'), null);
    assert.deepEqual(p.elements['alert-sound'].played, ['https://cdn.example/airhorn.mp3']);
});

test('loads no image or sound whose URL is not http(s) or a path on this host', () =>
{
    const p = page('?token=t');
    p.automationSockets[0].open();
    const hostile = ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:image/svg+xml,<svg onload=alert(1)>',
        'vbscript:x', 'file:///etc/passwd', 'blob:http://127.0.0.1:7300/x'];

    for (let i = 0; i < hostile.length; i++)
    {
        p.automationSockets[0].send(customAlert(10 + i, { image: hostile[i], sound: hostile[i] }));
        assert.equal(p.shown().id, String(10 + i));
        assert.equal(p.elements['alert-image'].getAttribute('src'), null, hostile[i]);
        assert.equal(p.elements['alert-image'].hidden, true, hostile[i]);
        p.advance(1000);
    }
    assert.deepEqual(p.elements['alert-sound'].played, []);
});

test('waits delayMs before queueing an alert', () =>
{
    const p = page('?token=t');
    p.automationSockets[0].open();

    p.automationSockets[0].send(customAlert(1, { delayMs: 10000, title: 'after the wait' }));
    p.sockets[0].open();
    p.sockets[0].send(overlayAlert(2, { durationMs: 2000 }));

    assert.equal(p.shown().id, '2');
    p.advance(2000);
    assert.equal(p.shown(), null);
    p.advance(7999);
    assert.equal(p.shown(), null);
    p.advance(1);
    assert.deepEqual(p.shown(), { id: '1', title: 'after the wait', message: 'custom 1' });
});

test('queues the stream bridge\'s and the automation\'s alerts in one line, each feed\'s ids apart', () =>
{
    const p = page('?token=t');
    p.sockets[0].open();
    p.automationSockets[0].open();

    p.sockets[0].send(overlayAlert(7));
    p.automationSockets[0].send(customAlert(7));
    p.automationSockets[0].send(customAlert(7));
    p.sockets[0].send(overlayAlert(7));

    assert.deepEqual(p.shown(), { id: '7', title: 'New tip!', message: 'tip 7' });
    p.advance(1000);
    assert.deepEqual(p.shown(), { id: '7', title: 'Big tip!', message: 'custom 7' });
    p.advance(1000);
    assert.equal(p.shown(), null);
});

test('plays media one at a time after the alert before it, until it ends', () =>
{
    const p = page('?token=t');
    p.automationSockets[0].open();

    p.automationSockets[0].send(customAlert(1));
    p.automationSockets[0].send(overlayMedia(2, { kind: 'VIDEO', volume: 40 }));
    p.automationSockets[0].send(overlayMedia(3, { kind: 'IMAGE', url: 'https://cdn.example/cat.png' }));

    assert.equal(p.shown().id, '1');
    assert.equal(p.media(), null);
    p.advance(1000);
    assert.equal(p.shown(), null);
    assert.deepEqual(p.media(), { id: '2', kind: 'media-video', src: 'http://127.0.0.1:7300/media/clip-2.webm' });
    assert.equal(p.elements.media.hidden, false);
    assert.equal(p.elements['media-video'].volume, 0.4);
    assert.deepEqual(p.elements['media-video'].played, ['http://127.0.0.1:7300/media/clip-2.webm']);
    p.advance(120000);
    assert.equal(p.media().id, '2');

    p.elements['media-video'].onended({});
    assert.equal(p.elements['media-video'].paused, true);
    assert.equal(p.elements['media-video'].hidden, true);
    assert.deepEqual(p.media(), { id: '3', kind: 'media-image', src: 'https://cdn.example/cat.png' });
    p.advance(4999);
    assert.equal(p.media().id, '3');
    p.advance(1);
    assert.equal(p.media(), null);
    assert.equal(p.elements.media.hidden, true);
});

test('stops media at its duration, at five minutes at most, or when it fails to load', () =>
{
    const p = page('?token=t');
    p.automationSockets[0].open();

    p.automationSockets[0].send(overlayMedia(1, { kind: 'AUDIO', durationMs: 3000, url: '/media/ding.mp3' }));
    p.automationSockets[0].send(overlayMedia(2, { kind: 'AUDIO', url: '/media/long.mp3' }));
    p.automationSockets[0].send(overlayMedia(3, { kind: 'VIDEO', durationMs: 3600000 }));
    p.automationSockets[0].send(overlayMedia(4, { kind: 'VIDEO' }));

    assert.deepEqual(p.media(), { id: '1', kind: 'media-audio', src: 'http://127.0.0.1:7300/media/ding.mp3' });
    assert.equal(p.elements.media.hidden, true);
    p.advance(3000);
    assert.equal(p.media().id, '2');
    p.advance(299999);
    assert.equal(p.media().id, '2');
    p.advance(1);
    assert.equal(p.media().id, '3');
    p.advance(300000);
    assert.equal(p.media().id, '4');
    p.elements['media-video'].onerror({});
    assert.equal(p.media(), null);
});

test('ignores media with an unsafe URL or an unknown kind, and repeats of a mediaId', () =>
{
    const p = page('?token=t');
    p.automationSockets[0].open();

    p.automationSockets[0].send(overlayMedia(1, { url: 'javascript:alert(1)' }));
    p.automationSockets[0].send(overlayMedia(2, { url: 'data:video/webm;base64,AAAA' }));
    p.automationSockets[0].send(overlayMedia(3, { kind: 'EMBED' }));
    assert.equal(p.media(), null);
    assert.deepEqual(p.elements['media-video'].played, []);

    p.automationSockets[0].send(overlayMedia(4, { kind: 'IMAGE', durationMs: 1000 }));
    p.automationSockets[0].send(overlayMedia(4, { kind: 'IMAGE', durationMs: 1000 }));
    assert.equal(p.media().id, '4');
    p.advance(1000);
    assert.equal(p.media(), null);
});

test('skips automation alerts and media that ended more than a minute ago', () =>
{
    const p = page('?token=t');
    p.automationSockets[0].open();

    p.automationSockets[0].send(overlayMedia(1, { kind: 'IMAGE', durationMs: 1000,
        timestamp: new Date(NOW - 62000).toISOString() }));
    p.automationSockets[0].send(customAlert(2, { showAtEpochMs: 0, timestamp: new Date(NOW - 62000).toISOString() }));
    assert.equal(p.media(), null);
    assert.equal(p.shown(), null);

    p.automationSockets[0].send(customAlert(3, { showAtEpochMs: 0, timestamp: new Date(NOW - 30000).toISOString() }));
    assert.equal(p.shown().id, '3');
    p.advance(1000);
    p.automationSockets[0].send(customAlert(4, { showAtEpochMs: NOW - 66000, delayMs: 10000 }));
    assert.equal(p.shown(), null);
    p.advance(10000);
    assert.equal(p.shown().id, '4');
});

function overlayQueue(fields)
{
    return Object.assign({
        type: 'OverlayQueue',
        sequence: 900,
        timestamp: (NOW - 5) * 1000000,
        plugin: 'stream-bridge',
        paused: 'FALSE',
        pending: 0,
        skipAlertId: 0,
        lastAlertId: 0,
        action: 'SKIP'
    }, fields || {});
}

test('a skip ends the alert showing at once and the next one follows for its whole duration', () =>
{
    const p = page('?token=t');
    const socket = p.sockets[0];
    socket.open();
    socket.send(overlayAlert(1, { durationMs: 5000 }));
    socket.send(overlayAlert(2, { durationMs: 10000 }));
    p.advance(1000);
    assert.equal(p.shown().id, '1');

    socket.send(overlayQueue({ skipAlertId: 1, lastAlertId: 2 }));

    assert.equal(p.shown().id, '2');
    assert.equal(p.elements.alert.className, 'alert enter');
    // the skipped alert's own timers are gone: nothing ends the second one early
    p.advance(5000);
    assert.equal(p.shown().id, '2');
    assert.equal(p.elements.alert.className, 'alert enter');
    p.advance(5000);
    assert.equal(p.shown(), null);
});

test('a skip drops a queued alert and one that arrives after it', () =>
{
    const p = page('?token=t');
    const socket = p.sockets[0];
    socket.open();
    socket.send(overlayAlert(1));
    socket.send(overlayAlert(2));
    socket.send(overlayAlert(3));
    socket.send(overlayQueue({ skipAlertId: 2 }));
    socket.send(overlayQueue({ skipAlertId: 4 }));
    socket.send(overlayAlert(4));

    const seen = [];
    for (let i = 0; i < 10; i++)
    {
        const shown = p.shown();
        if (shown && seen[seen.length - 1] !== shown.id)
        {
            seen.push(shown.id);
        }
        p.advance(250);
    }
    assert.deepEqual(seen, ['1', '3']);
    assert.equal(p.shown(), null);
});

test('a queue state without a skip changes nothing', () =>
{
    const p = page('?token=t');
    const socket = p.sockets[0];
    socket.open();
    socket.send(overlayAlert(1));
    socket.send(overlayQueue({ action: 'PAUSE', paused: 'TRUE', skipAlertId: 0 }));
    socket.send(overlayQueue({ action: 'RESUME' }));

    assert.equal(p.shown().id, '1');
    p.advance(500);
    assert.equal(p.shown().id, '1');
});

test('a test alert shows like a payment alert with a TEST badge', () =>
{
    const p = page('?token=t');
    const socket = p.sockets[0];
    socket.open();
    socket.send(overlayAlert(7, { kind: 'TEST', title: 'Test alert', message: 'This is how your alerts will look.' }));

    assert.deepEqual(p.shown(), { id: '7', title: 'Test alert', message: 'This is how your alerts will look.' });
    assert.equal(p.elements['alert-badge'].hidden, false);
    p.advance(1000);
    assert.equal(p.elements['alert-badge'].hidden, true);

    socket.send(overlayAlert(8));
    assert.equal(p.shown().id, '8');
    assert.equal(p.elements['alert-badge'].hidden, true);
});
