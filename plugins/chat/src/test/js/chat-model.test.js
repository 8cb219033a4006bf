'use strict';

/*
 * Behaviour of the chat pages' pure part (chat-model.js), run by Node's test runner: the screen model
 * (de-duplication, removals, room state, bounds), the resume URL, grapheme counting, neutralising, the
 * refusal and countdown texts and the overlay's options; and the pages' sources checked for what a strict
 * Content-Security-Policy and text-only rendering forbid. CHAT_WEB names the folder of the pages.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const WEB = process.env.CHAT_WEB || path.join(__dirname, '..', '..', 'main', 'resources', 'chat', 'web');
const Model = require(path.join(WEB, 'chat-model.js'));

function line(id, fields)
{
    return Object.assign({
        type: 'ChatLine',
        seq: 100 + id,
        lineId: id,
        messageId: 0,
        atEpochMs: 1767225600000,
        amountSats: 0,
        kind: 'MESSAGE',
        role: 'VIEWER',
        history: 'FALSE',
        channel: '',
        user: 'ann',
        text: 'hello ' + id
    }, fields || {});
}

function ids(screen)
{
    return screen.lines().map((l) => l.id);
}

test('shows lines in arrival order and never the same lineId twice', () =>
{
    const screen = Model.createScreen({});

    screen.apply(line(1));
    screen.apply(line(2));
    const again = screen.apply(line(1, { seq: 150 }));

    assert.deepEqual(ids(screen), ['1', '2']);
    assert.equal(again.added.length, 0);
    assert.equal(screen.lastSeq(), 150);
});

test('de-duplicates the retained lines a reconnect re-sends, also inside a batch', () =>
{
    const screen = Model.createScreen({});
    screen.apply(line(1));
    screen.apply(line(2));

    const change = screen.apply({ type: 'batch', seq: 103, messages: [line(1), line(2), line(3)] });

    assert.deepEqual(change.added.map((l) => l.id), ['3']);
    assert.deepEqual(ids(screen), ['1', '2', '3']);
    assert.equal(screen.lastSeq(), 103);
});

test('keeps only the lines of its own room; the empty channel is main', () =>
{
    const main = Model.createScreen({});
    const games = Model.createScreen({ room: 'games' });

    for (const message of [line(1, { channel: '' }), line(2, { channel: 'main' }), line(3, { channel: 'games' })])
    {
        main.apply(message);
        games.apply(message);
    }

    assert.deepEqual(ids(main), ['1', '2']);
    assert.deepEqual(ids(games), ['3']);
    assert.equal(main.room, 'main');
});

test('bounds the lines shown, dropping the oldest, and reports the drop as removed', () =>
{
    const screen = Model.createScreen({ max: 2 });
    screen.apply(line(1));
    screen.apply(line(2));

    const change = screen.apply(line(3));

    assert.deepEqual(ids(screen), ['2', '3']);
    assert.deepEqual(change.removed.map((l) => l.id), ['1']);
});

test('a LINE removal takes that line away and it does not come back when re-sent', () =>
{
    const screen = Model.createScreen({});
    screen.apply(line(1));
    screen.apply(line(2));

    const change = screen.apply({ type: 'ChatRemoved', seq: 200, scope: 'LINE', lineId: 1, action: 'DELETE',
        untilEpochMs: 0, channel: '', user: '', reason: '' });
    screen.apply(line(1));

    assert.deepEqual(change.removed.map((l) => l.id), ['1']);
    assert.deepEqual(ids(screen), ['2']);
});

test('a removal that arrives before its line still keeps the line off the screen', () =>
{
    const screen = Model.createScreen({});

    screen.apply({ type: 'ChatRemoved', scope: 'LINE', lineId: 5, action: 'DELETE', channel: '' });
    screen.apply(line(5));

    assert.deepEqual(ids(screen), []);
});

test('a VIEWER removal takes every line of that viewer, whatever the case of the name', () =>
{
    const screen = Model.createScreen({});
    screen.apply(line(1, { user: 'Troll' }));
    screen.apply(line(2, { user: 'ann' }));
    screen.apply(line(3, { user: 'troll' }));

    const change = screen.apply({ type: 'ChatRemoved', scope: 'VIEWER', lineId: 0, action: 'BAN', untilEpochMs: 0,
        channel: '', user: 'troll', reason: 'spam' });

    assert.deepEqual(ids(screen), ['2']);
    assert.deepEqual(change.removals, [{ scope: 'VIEWER', action: 'BAN', user: 'troll', untilEpochMs: 0, reason: 'spam' }]);
});

test('a ROOM removal clears its room only', () =>
{
    const screen = Model.createScreen({});
    screen.apply(line(1));
    screen.apply(line(2));

    screen.apply({ type: 'ChatRemoved', scope: 'ROOM', action: 'CLEAR', channel: 'games' });
    assert.deepEqual(ids(screen), ['1', '2']);

    screen.apply({ type: 'ChatRemoved', scope: 'ROOM', action: 'CLEAR', channel: '' });
    assert.deepEqual(ids(screen), []);
});

test('ChatState of the room gives slow mode and the length limit', () =>
{
    const screen = Model.createScreen({});

    const other = screen.apply({ type: 'ChatState', slowModeMs: 1, maxGraphemes: 2, historyLines: 3, channel: 'games' });
    const change = screen.apply({ type: 'ChatState', slowModeMs: 10000, maxGraphemes: 300, historyLines: 50, channel: '' });

    assert.equal(other.state, null);
    assert.deepEqual(change.state, { slowModeMs: 10000, maxGraphemes: 300, historyLines: 50, known: true });
    assert.equal(screen.state().slowModeMs, 10000);
});

test('a gap reports how many messages were missed; refusals are passed on', () =>
{
    const screen = Model.createScreen({});

    const change = screen.apply({ type: 'batch', messages: [{ type: 'gap', missed: 12, from: 40 },
        { type: 'ChatRefused', seq: 41, receipt: 7, refusal: 'BANNED', retryAfterMs: 0, channel: '', reason: 'banned' }] });

    assert.equal(change.missed, 12);
    assert.equal(change.refused[0].receipt, 7);
    assert.equal(screen.lastSeq(), 41);
});

test('a skipped line (faded before it arrived) is not shown', () =>
{
    const now = 1767225600000;
    const screen = Model.createScreen({ skip: (l) => Model.fadedBefore(l, now, 30000) });

    screen.apply(line(1, { atEpochMs: now - 30000 }));
    screen.apply(line(2, { atEpochMs: now - 29999 }));

    assert.deepEqual(ids(screen), ['2']);
    assert.equal(Model.fadedBefore({ atEpochMs: now - 999999 }, now, 0), false);
});

test('restart forgets the resume point only', () =>
{
    const screen = Model.createScreen({});
    screen.apply(line(1));

    screen.restart();
    screen.apply(line(1, { seq: 3 }));

    assert.equal(screen.lastSeq(), 3);
    assert.deepEqual(ids(screen), ['1']);
});

test('a paid line carries its amount and a role its badge', () =>
{
    const paid = Model.lineView(line(9, { kind: 'PAID', amountSats: 125000, text: 'gg' }));
    const mod = Model.lineView(line(10, { role: 'MODERATOR' }));
    const streamer = Model.lineView(line(11, { role: 'ADMIN', history: 'TRUE' }));

    assert.equal(paid.paid, true);
    assert.equal(paid.amount, '0.00125000 BTC');
    assert.equal(mod.badge, 'MOD');
    assert.equal(streamer.badge, 'STREAMER');
    assert.equal(streamer.history, true);
    assert.equal(Model.lineView(line(12)).badge, '');
    assert.equal(Model.formatAmount(2100000000000000), '21000000.00000000 BTC');
    assert.equal(Model.formatAmount(1), '0.00000001 BTC');
});

test('a shown line\'s classes name it paid, a notice and its role', () =>
{
    assert.equal(Model.lineClass(Model.lineView(line(1))), 'line role-viewer');
    assert.equal(Model.lineClass(Model.lineView(line(2, { kind: 'PAID', amountSats: 5000, role: 'MODERATOR' }))),
        'line paid role-moderator');
    assert.equal(Model.lineClass(Model.lineView(line(3, { kind: 'NOTICE', role: 'SYSTEM' }))), 'line notice role-system');
});

test('user text stays the exact text, markup included, for textContent to show', () =>
{
    const view = Model.lineView(line(1, { user: '<b>x</b>', text: '<img src=x onerror=window.__xss=1><script>1</script>' }));

    assert.equal(view.user, '<b>x</b>');
    assert.equal(view.text, '<img src=x onerror=window.__xss=1><script>1</script>');
});

test('names lose bidi overrides, isolates, zero-width and control characters', () =>
{
    assert.equal(Model.neutraliseName('\u202Eevil\u202C\u200B name\u2066\u2069\u200D\uFEFF'), 'evil name');
    assert.equal(Model.neutraliseName('  a\u0007\tb  '), 'a b');
    assert.equal(Model.neutraliseText('a\u202Eb\u200Bc\u200Dd\ne'), 'abc\u200Dd\ne');
});

test('counts graphemes, not code units: emoji families, flags and combining marks are one each', () =>
{
    assert.equal(Model.graphemeCount('abc'), 3);
    assert.equal(Model.graphemeCount('\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'), 1);
    assert.equal(Model.graphemeCount('\u{1F1E9}\u{1F1EA}\u{1F1EB}\u{1F1F7}'), 2);
    assert.equal(Model.graphemeCount('e\u0301'), 1);
    assert.equal(Model.graphemeCount(''), 0);
    // Without Intl.Segmenter it falls back to code points, still never code units.
    assert.equal(Model.graphemeCount('\u{1F600}\u{1F600}', null), 2);
});

test('the counter shows used / max and flags a text over the limit', () =>
{
    assert.deepEqual(Model.counterView('hi', 300), { used: 2, max: 300, over: false, text: '2 / 300' });
    assert.equal(Model.counterView('abcd', 3).over, true);
    assert.equal(Model.counterView('abc', 3).over, false);
    assert.equal(Model.counterView('abc', 0).text, '3');
});

test('the feed URL uses the page host, ws or wss, the encoded token and since when resuming', () =>
{
    const http = { protocol: 'http:', host: '127.0.0.1:7300' };

    assert.equal(Model.feedUrl(http, 'chat', 's3cr&t', null), 'ws://127.0.0.1:7300/ws/chat?token=s3cr%26t');
    assert.equal(Model.feedUrl(http, 'chat', 't', 0), 'ws://127.0.0.1:7300/ws/chat?token=t&since=0');
    assert.equal(Model.feedUrl({ protocol: 'https:', host: 'chat.example' }, 'chat', 't', 41),
        'wss://chat.example/ws/chat?token=t&since=41');
    assert.equal(Model.SUBPROTOCOL, 'cc.json.v1');
});

test('a close restarts without since when the server refused it, stops on a refusal, else resumes', () =>
{
    assert.equal(Model.closeAction(1008, 'since 90 is ahead of the newest output 3: reconnect without since', 90), 'restart');
    assert.equal(Model.closeAction(1008, 'unauthorized: missing or invalid token', 90), 'refused');
    assert.equal(Model.closeAction(1008, 'unauthorized: missing or invalid token', null), 'refused');
    assert.equal(Model.closeAction(1006, '', 90), 'retry');
    assert.equal(Model.closeAction(1013, 'slow consumer', null), 'retry');
});

function fakeBrowser()
{
    const io = { sockets: [], timers: [], location: { protocol: 'http:', host: '127.0.0.1:7300' } };
    io.WebSocket = function (url, protocol)
    {
        this.url = url;
        this.protocol = protocol;
        io.sockets.push(this);
    };
    io.setTimeout = (callback, delayMs) => io.timers.push({ callback, delayMs });
    io.fire = () => io.timers.shift().callback();
    return io;
}

function followed(io, screen)
{
    const page = { token: 't', screen, frames: [], statuses: [], refusals: [], opens: 0 };
    page.receive = (frame) => page.frames.push(frame);
    page.status = (text) => page.statuses.push(text);
    page.opened = () => page.opens++;
    page.refused = (reason) => page.refusals.push(reason);
    Model.followFeed(io, page);
    return page;
}

test('followFeed hands JSON text frames to the page and resumes after a blip from the last seq', () =>
{
    const io = fakeBrowser();
    const screen = Model.createScreen({});
    const page = followed(io, screen);
    assert.equal(io.sockets.length, 1);
    assert.equal(io.sockets[0].url, 'ws://127.0.0.1:7300/ws/chat?token=t');
    assert.equal(io.sockets[0].protocol, Model.SUBPROTOCOL);

    io.sockets[0].onopen();
    io.sockets[0].onmessage({ data: JSON.stringify(line(1)) });
    io.sockets[0].onmessage({ data: 'not json' });
    io.sockets[0].onmessage({ data: new ArrayBuffer(4) });
    screen.apply(page.frames[0]);
    io.sockets[0].onclose({ code: 1006, reason: '' });

    assert.deepEqual(page.frames, [line(1)]);
    assert.equal(page.opens, 1);
    assert.deepEqual(page.statuses, ['connecting', 'open', 'closed: code 1006']);
    assert.deepEqual(io.timers.map((timer) => timer.delayMs), [500]);
    io.fire();
    assert.equal(io.sockets[1].url, 'ws://127.0.0.1:7300/ws/chat?token=t&since=101');
});

test('followFeed backs off from 500 ms doubling to 15 s, and again from 500 ms once open', () =>
{
    const io = fakeBrowser();
    followed(io, Model.createScreen({}));
    const delays = [];
    for (let i = 0; i < 7; i++)
    {
        io.sockets[i].onclose({ code: 1006, reason: '' });
        delays.push(io.timers[0].delayMs);
        io.fire();
    }
    assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 15000, 15000]);
    io.sockets[7].onopen();
    io.sockets[7].onclose({ code: 1001, reason: 'going away' });
    assert.equal(io.timers[0].delayMs, 500);
});

test('followFeed starts over when since is refused and stops on any other refusal', () =>
{
    const io = fakeBrowser();
    const screen = Model.createScreen({});
    const page = followed(io, screen);
    screen.apply(line(1));
    io.sockets[0].onclose({ code: 1008, reason: 'since 101 is ahead of the newest output 3: reconnect without since' });
    io.fire();
    assert.equal(io.sockets[1].url, 'ws://127.0.0.1:7300/ws/chat?token=t');

    io.sockets[1].onclose({ code: 1008, reason: 'unauthorized: missing or invalid token' });
    assert.deepEqual(page.refusals, ['unauthorized: missing or invalid token']);
    assert.equal(io.timers.length, 0);
});

test('followFeed does not connect while the page says it stopped', () =>
{
    const io = fakeBrowser();
    const page = { token: 't', screen: Model.createScreen({}), stopped: () => true, status: () => {}, receive: () => {},
        refused: () => {} };
    Model.followFeed(io, page);
    assert.equal(io.sockets.length, 0);
});

test('durations read as seconds, minutes and hours, rounded up', () =>
{
    assert.equal(Model.formatDuration(7000), '7 s');
    assert.equal(Model.formatDuration(6001), '7 s');
    assert.equal(Model.formatDuration(0), '0 s');
    assert.equal(Model.formatDuration(60000), '1 min');
    assert.equal(Model.formatDuration(245000), '4 min 5 s');
    assert.equal(Model.formatDuration(3600000 + 180000), '1 h 3 min');
});

test('refusals read as one line, slow mode and time outs counting down', () =>
{
    const slow = { error: 'slow mode: wait 7 s', refusal: 'SLOW_MODE', retryAfterMs: 7000, receipt: 4 };

    assert.equal(Model.refusalText(slow, 7000), 'Slow mode is on: you can post again in 7 s.');
    assert.equal(Model.refusalText(slow, 2500), 'Slow mode is on: you can post again in 3 s.');
    assert.equal(Model.refusalText(slow, 0), 'Slow mode is on: you can post again now.');
    assert.equal(Model.refusalText({ refusal: 'TIMED_OUT', retryAfterMs: 600000 }, 600000),
        'You are timed out: you can post again in 10 min.');
    assert.equal(Model.refusalText({ refusal: 'BANNED', error: 'banned by jane' }, 0),
        'You are banned from this chat: banned by jane');
    assert.equal(Model.refusalText({ refusal: 'BANNED' }, 0), 'You are banned from this chat.');
    assert.equal(Model.refusalText({ refusal: 'TOO_LONG', error: '301 characters, at most 300' }, 0),
        'Message too long: 301 characters, at most 300');
    assert.equal(Model.refusalText({ refusal: 'BLOCKED_LINK' }, 0), 'Not posted (blocked link).');
    assert.equal(Model.refusalText({ error: 'forbidden: the chat token cannot post as admin' }, 0),
        'forbidden: the chat token cannot post as admin');
    assert.equal(Model.countsDown(slow), true);
    assert.equal(Model.countsDown({ refusal: 'BANNED', retryAfterMs: 0 }), false);
});

test('overlay options default to 8 lines fading after 30 s and name a bad value', () =>
{
    const defaults = Model.overlayOptions('?token=t');
    assert.equal(defaults.max, 8);
    assert.equal(defaults.fadeMs, 30000);
    assert.equal(defaults.room, 'main');
    assert.equal(defaults.error, null);

    const custom = Model.overlayOptions('?token=t&max=3&fadeMs=0&room=games&debug=1');
    assert.deepEqual([custom.max, custom.fadeMs, custom.room, custom.debug], [3, 0, 'games', true]);

    assert.equal(Model.overlayOptions('?max=0').error, 'invalid max \'0\', expected a number of lines from 1 to 50');
    assert.equal(Model.overlayOptions('?max=lots').error, 'invalid max \'lots\', expected a number of lines from 1 to 50');
    assert.equal(Model.overlayOptions('?fadeMs=-1').error, 'invalid fadeMs \'-1\', expected milliseconds (0 = never fade)');
});

test('the address bar loses the token and keeps everything else', () =>
{
    assert.equal(Model.addressWithoutToken('/plugins/chat/', '?token=abc&room=games', '#x'), '/plugins/chat/?room=games#x');
    assert.equal(Model.addressWithoutToken('/plugins/chat/', '?token=abc', ''), '/plugins/chat/');
});

test('the pages set user text with textContent only and run under a strict CSP', () =>
{
    for (const file of ['chat.js', 'overlay.js', 'chat-model.js'])
    {
        const source = fs.readFileSync(path.join(WEB, file), 'utf8');
        assert.doesNotMatch(source, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/, file);
    }
    for (const file of ['index.html', 'overlay.html'])
    {
        const html = fs.readFileSync(path.join(WEB, file), 'utf8');
        const scripts = html.match(/<script\b[^>]*>/g) || [];
        assert.ok(scripts.length > 0, file);
        for (const tag of scripts)
        {
            assert.match(tag, /\bsrc="[a-z-]+\.js"/, file + ': inline or external script ' + tag);
        }
        assert.doesNotMatch(html, /<script\b[^>]*>[^<\s]/, file + ': inline script');
        assert.doesNotMatch(html, /\b(src|href)="(https?:)?\/\//, file + ': external resource');
        assert.doesNotMatch(html, /\sstyle="|\son[a-z]+="/, file + ': inline style or handler');
    }
});
