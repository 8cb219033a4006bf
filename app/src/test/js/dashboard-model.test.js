'use strict';

/*
 * Behaviour of the dashboard's pure part (dashboard-model.js), run by Node's test runner: the token taken from the
 * address and stripped from it, the feed URL with its resume point, the back-off and resume sequence of a feed
 * against a fake WebSocket and clock, a gap and a refused resume reloading the snapshot, the snapshot merged with
 * live messages, rates from cumulative counters, the telemetry plots, the formatting of sats and BTC, the tab keys;
 * and the page's sources checked for what text-only rendering and a no-CDN page forbid. DASHBOARD_WEB names the
 * folder of the page.
 */
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const WEB = process.env.DASHBOARD_WEB || path.join(__dirname, '..', '..', 'main', 'resources', 'dashboard', 'web');
const Model = require(path.join(WEB, 'dashboard-model.js'));

/* A fake browser: WebSockets that the test opens, feeds and closes, and a clock whose timers the test runs. */
function fakeIo()
{
    const io = {
        sockets: [],
        timers: [],
        location: { protocol: 'http:', host: '127.0.0.1:7300' },
        setTimeout: (fn, ms) => io.timers.push({ fn, ms }),
        runTimer: () =>
        {
            const timer = io.timers.shift();
            timer.fn();
            return timer.ms;
        }
    };
    io.WebSocket = function (url, protocol)
    {
        this.url = url;
        this.protocol = protocol;
        this.closed = false;
        this.close = () => { this.closed = true; };
        io.sockets.push(this);
    };
    return io;
}

function last(io)
{
    return io.sockets[io.sockets.length - 1];
}

function send(socket, frame)
{
    socket.onmessage({ data: JSON.stringify(frame) });
}

test('takes the token from the fragment first, then the query', () =>
{
    assert.equal(Model.tokenFromAddress('?token=q', '#token=h'), 'h');
    assert.equal(Model.tokenFromAddress('?token=q&x=1', ''), 'q');
    assert.equal(Model.tokenFromAddress('', '#token=a%2Bb'), 'a+b');
    assert.equal(Model.tokenFromAddress('?x=1', '#tab=wallet'), '');
});

test('strips the token from the address and keeps everything else', () =>
{
    assert.equal(Model.addressWithoutToken('/dashboard/', '', '#token=abc'), '/dashboard/');
    assert.equal(Model.addressWithoutToken('/dashboard/', '?token=abc&x=1', ''), '/dashboard/?x=1');
    assert.equal(Model.addressWithoutToken('/dashboard/', '?token=abc', '#token=abc&tab=system'),
        '/dashboard/#tab=system');
});

test('builds feed URLs on the page host with the encoded token, types and the resume point', () =>
{
    const location = { protocol: 'https:', host: 'studio:7300' };
    assert.equal(Model.feedUrl(location, 'wallet', 'a b', null), 'wss://studio:7300/ws/wallet?token=a%20b');
    assert.equal(Model.feedUrl(location, 'stream-bridge', 't', 41, 'OverlayQueue,OverlayAlert'),
        'wss://studio:7300/ws/stream-bridge?token=t&types=OverlayQueue%2COverlayAlert&since=41');
    assert.equal(Model.feedUrl({ protocol: 'http:', host: 'h' }, 'chat', 't', 0), 'ws://h/ws/chat?token=t&since=0');
});

test('tells a refused token from a refused resume point and from a blip', () =>
{
    assert.equal(Model.closeAction(1008, 'unauthorized: token expected', null), 'refused');
    assert.equal(Model.closeAction(1008, 'since 90 is ahead of the newest output 3: reconnect without since', 90),
        'restart');
    assert.equal(Model.closeAction(1006, '', 90), 'retry');
    assert.equal(Model.closeAction(1001, 'going away', null), 'retry');
});

test('backs off doubling from 500 ms to 15 s and starts over once a connection opened', () =>
{
    const backoff = Model.createBackoff(500, 15000);
    const delays = [];
    for (let i = 0; i < 8; i++)
    {
        delays.push(backoff.next());
    }
    assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    backoff.reset();
    assert.equal(backoff.next(), 500);
});

test('follows a feed: live, then reconnecting with back-off, resuming after the last seq seen', () =>
{
    const io = fakeIo();
    const received = [];
    const states = [];
    Model.followFeed(io, { feed: 'wallet', token: 'tok', message: (m) => received.push(m),
        status: (state) => states.push(state), reload: () => assert.fail('no gap here') });

    assert.equal(last(io).url, 'ws://127.0.0.1:7300/ws/wallet?token=tok');
    assert.equal(last(io).protocol, 'cc.json.v1');
    last(io).onopen();
    send(last(io), { type: 'WalletBalance', seq: 7, confirmedSats: 1, unconfirmedSats: 0, address: '' });
    send(last(io), { type: 'batch', seq: 9, count: 2, messages: [{ type: 'NetworkStatus', seq: 8 },
        { type: 'WalletBalance', seq: 9 }] });
    assert.deepEqual(received.map((m) => m.seq), [7, 8, 9]);

    last(io).onclose({ code: 1006, reason: '' });
    assert.equal(states[states.length - 1], 'reconnecting');
    assert.equal(io.runTimer(), 500);
    assert.equal(last(io).url, 'ws://127.0.0.1:7300/ws/wallet?token=tok&since=9');
    last(io).onclose({ code: 1006, reason: '' });
    assert.equal(io.runTimer(), 1000);
    last(io).onclose({ code: 1006, reason: '' });
    assert.equal(io.runTimer(), 2000);
    last(io).onopen();
    assert.equal(states[states.length - 1], 'live');
    last(io).onclose({ code: 1006, reason: '' });
    assert.equal(io.runTimer(), 500, 'the back-off starts over after an open connection');
    assert.equal(last(io).url, 'ws://127.0.0.1:7300/ws/wallet?token=tok&since=9');
    assert.equal(io.sockets.length, 5);
});

test('reloads the snapshot on a gap, and on a refused resume reconnects without since', () =>
{
    const io = fakeIo();
    const reloads = [];
    const received = [];
    Model.followFeed(io, { feed: 'automation', token: 't', message: (m) => received.push(m.type),
        reload: (why) => reloads.push(why.type) });
    last(io).onopen();
    send(last(io), { type: 'AutomationState', seq: 3 });
    last(io).onclose({ code: 1006, reason: '' });
    io.runTimer();
    assert.match(last(io).url, /since=3$/);

    send(last(io), { type: 'gap', missed: 40, from: 44 });
    send(last(io), { type: 'AutomationFired', seq: 44 });
    assert.deepEqual(reloads, ['gap']);
    assert.deepEqual(received, ['AutomationState', 'AutomationFired'], 'the gap itself is not a message');

    last(io).onclose({ code: 1008, reason: 'since 44 is ahead of the newest output 2: reconnect without since' });
    assert.deepEqual(reloads, ['gap', 'restart']);
    io.runTimer();
    assert.equal(last(io).url, 'ws://127.0.0.1:7300/ws/automation?token=t');
});

test('stops on a refused token and says why, without reconnecting', () =>
{
    const io = fakeIo();
    let refusal = null;
    const states = [];
    Model.followFeed(io, { feed: 'chat', token: 'bad', message: () => {}, status: (s) => states.push(s),
        refused: (reason) => { refusal = reason; } });
    last(io).onclose({ code: 1008, reason: 'unauthorized: a valid token expected' });
    assert.equal(refusal, 'unauthorized: a valid token expected');
    assert.equal(states[states.length - 1], 'refused');
    assert.equal(io.timers.length, 0);
});

test('stop() closes the socket and never reconnects', () =>
{
    const io = fakeIo();
    const follower = Model.followFeed(io, { feed: 'wallet', token: 't', message: () => {} });
    const socket = last(io);
    follower.stop();
    assert.equal(socket.closed, true);
    socket.onclose({ code: 1006, reason: '' });
    assert.equal(io.timers.length, 0);
});

const SNAPSHOT = {
    enabled: true, network: 'regtest', state: 'CONNECTED', server: 'tcp://127.0.0.1:50001', tipHeight: 812,
    reason: '', balance: { confirmedSats: 100000, unconfirmedSats: 0 },
    payments: [{ txid: 'aa', address: 'bcrt1qa', amountSats: 100000, height: 811, confirmations: 2, memo: 'hi' }],
    failovers: [{ atEpochMs: 1000, state: 'CONNECTED', server: 'tcp://127.0.0.1:50001', reason: '' }]
};

function apply(state, message)
{
    return Model.applyWallet(state, message, 5000);
}

test('merges live wallet outputs into the snapshot: balance, new payment, confirmations, failover', () =>
{
    let state = Model.walletFromSnapshot(SNAPSHOT);
    assert.equal(state.balance.confirmedSats, 100000);

    state = apply(state, { type: 'TransactionReceived', txid: 'bb', address: 'bcrt1qb', amountSats: 25000,
        height: 0, confirmations: 0, memo: '' });
    state = apply(state, { type: 'WalletBalance', address: '', confirmedSats: 100000, unconfirmedSats: 25000 });
    state = apply(state, { type: 'WalletBalance', address: 'bcrt1qb', confirmedSats: 0, unconfirmedSats: 25000 });
    assert.deepEqual(state.balance, { confirmedSats: 100000, unconfirmedSats: 25000 }, 'per-address balances ignored');
    assert.deepEqual(state.payments.map((p) => p.txid), ['bb', 'aa'], 'newest first');

    state = apply(state, { type: 'TransactionConfirmed', txid: 'bb', address: 'bcrt1qb', amountSats: 25000,
        height: 813, confirmations: 1 });
    assert.equal(state.payments[0].confirmations, 1);
    assert.equal(state.payments[0].height, 813);

    state = apply(state, { type: 'NetworkStatus', state: 'DISCONNECTED', tipHeight: 0, server: 'tcp://127.0.0.1:50001',
        reason: 'connection reset', timestamp: '2026-12-01T21:00:00.000Z' });
    state = apply(state, { type: 'NetworkStatus', state: 'CONNECTED', tipHeight: 814, server: 'tcp://10.0.0.2:50001',
        reason: '' });
    assert.equal(state.state, 'CONNECTED');
    assert.equal(state.tipHeight, 814);
    assert.deepEqual(state.failovers.map((f) => f.state + '@' + f.server),
        ['CONNECTED@tcp://10.0.0.2:50001', 'DISCONNECTED@tcp://127.0.0.1:50001', 'CONNECTED@tcp://127.0.0.1:50001']);
    assert.equal(state.failovers[1].atEpochMs, Date.parse('2026-12-01T21:00:00.000Z'));
    assert.equal(state.failovers[0].atEpochMs, 5000, 'a message without a timestamp is dated now');

    state = apply(state, { type: 'TransactionReorged', txid: 'bb', address: 'bcrt1qb', previousHeight: 813 });
    assert.equal(state.payments[0].confirmations, 0);
    assert.equal(state.payments[0].reorged, true);
});

test('a retained payment seen again after the snapshot keeps its confirmations', () =>
{
    let state = Model.walletFromSnapshot(SNAPSHOT);
    state = apply(state, { type: 'TransactionReceived', txid: 'aa', address: 'bcrt1qa', amountSats: 100000,
        height: 0, confirmations: 0, memo: 'hi' });
    state = apply(state, { type: 'TransactionConfirmed', txid: 'aa', address: 'bcrt1qa', amountSats: 100000,
        height: 811, confirmations: 1 });
    assert.equal(state.payments.length, 1);
    assert.equal(state.payments[0].confirmations, 2);
});

test('counts confirmations from the tip past the depth the wallet reports, and none after a reorg', () =>
{
    const payment = { height: 800, confirmations: 3, reorged: false };
    assert.equal(Model.confirmationsOf(payment, 809), 10);
    assert.equal(Model.confirmationsOf(payment, 0), 3);
    assert.equal(Model.confirmationsOf({ height: 0, confirmations: 0, reorged: false }, 809), 0);
    assert.equal(Model.confirmationsOf({ height: 0, confirmations: 0, reorged: true }, 809), 0);

    let state = Model.walletFromSnapshot(SNAPSHOT);
    state = apply(state, { type: 'TransactionConfirmed', txid: 'aa', address: 'bcrt1qa', amountSats: 100000,
        height: 811, confirmations: 5 });
    assert.equal(state.tipHeight, 815, 'a confirmation tells the tip height too');
});

test('a wallet snapshot without a wallet says why', () =>
{
    const state = Model.walletFromSnapshot({ enabled: false, reason: 'wallet.source is none' });
    assert.equal(state.enabled, false);
    assert.equal(state.reason, 'wallet.source is none');
    assert.deepEqual(state.payments, []);
});

test('buffers live messages while the snapshot loads and applies them on top of it', () =>
{
    const sync = Model.createSync(Model.walletFromSnapshot, apply);
    sync.loading();
    assert.equal(sync.message({ type: 'WalletBalance', address: '', confirmedSats: 7, unconfirmedSats: 3 }), null);
    const state = sync.snapshot(SNAPSHOT);
    assert.deepEqual(state.balance, { confirmedSats: 7, unconfirmedSats: 3 });

    sync.message({ type: 'WalletBalance', address: '', confirmedSats: 9, unconfirmedSats: 0 });
    assert.equal(sync.state().balance.confirmedSats, 9, 'applied at once when no snapshot loads');

    sync.loading();
    sync.message({ type: 'WalletBalance', address: '', confirmedSats: 11, unconfirmedSats: 0 });
    assert.equal(sync.state().balance.confirmedSats, 9, 'held while a reload is under way');
    assert.equal(sync.snapshot(SNAPSHOT).balance.confirmedSats, 11, 'the reload got the message it missed');
});

test('computes rates from cumulative counters and skips a counter that went back', () =>
{
    const rates = Model.createRates();
    const first = rates.sample({ sampledAtEpochMs: 10000, counters: [
        { id: 1, typeId: 1, label: 'events in', value: 100 },
        { id: 2, typeId: 30, label: 'websocket clients', value: 3 }] });
    assert.deepEqual(first.map((r) => r.rate), [null, null]);

    const second = rates.sample({ sampledAtEpochMs: 12000, counters: [
        { id: 1, typeId: 1, label: 'events in', value: 150 },
        { id: 2, typeId: 30, label: 'websocket clients', value: 1 }] });
    assert.equal(second[0].rate, 25);
    assert.equal(second[0].value, 150);
    assert.equal(second[1].rate, null, 'a value that went down has no rate');
});

test('turns the telemetry history into uPlot data: events per second, per-plugin lag and p99, journal, clients', () =>
{
    const plots = Model.telemetryPlots({ from: 0, to: 20000, times: [0, 10000, 20000], series: {
        'events in': [0, 100, 300],
        'plugin lag: chat': [0, 1, 0],
        'plugin lag: stream-bridge': [2, 0, 0],
        'plugin latency p99 ns: chat': [1000, 2000, 3000],
        'journal bytes': [0, 1048576, 2097152],
        'websocket clients': [1, 2, 2]
    } });
    const byId = Object.fromEntries(plots.map((p) => [p.id, p]));
    assert.deepEqual(byId.events.data, [[0, 10, 20], [null, 10, 20]]);
    assert.deepEqual(byId.lag.labels, ['chat', 'stream-bridge']);
    assert.deepEqual(byId.p99.data[1], [1, 2, 3]);
    assert.deepEqual(byId.journal.data[1], [0, 1, 2]);
    assert.equal(byId.journal.unit, 'MiB');
    const small = Model.telemetryPlots({ times: [0, 1000], series: { 'journal bytes': [512, 2048] } });
    assert.equal(small[3].unit, 'KiB');
    assert.deepEqual(small[3].data[1], [0.5, 2]);
    assert.deepEqual(byId.clients.data[1], [1, 2, 2]);
    assert.deepEqual(Model.telemetryPlots({ times: [], series: {} }).map((p) => p.labels.length), [0, 0, 0, 0, 0]);
});

test('formats sats and BTC exactly', () =>
{
    assert.equal(Model.formatBtc(125000), '0.00125000 BTC');
    assert.equal(Model.formatBtc(2100000000000000), '21000000.00000000 BTC');
    assert.equal(Model.formatBtc(-100), '-0.00000100 BTC');
    assert.equal(Model.formatBtc('x'), '0.00000000 BTC');
    assert.equal(Model.formatSats(1234567), '1,234,567 sats');
    assert.equal(Model.formatSats(1), '1 sat');
    assert.equal(Model.formatSats(-2500), '-2,500 sats');
});

test('formats latencies, rates, durations and times', () =>
{
    assert.equal(Model.formatNanos(850), '850 ns');
    assert.equal(Model.formatNanos(12500), '12.5 µs');
    assert.equal(Model.formatNanos(3200000), '3.20 ms');
    assert.equal(Model.formatRate(12.34), '12.3/s');
    assert.equal(Model.formatRate(null), '');
    assert.equal(Model.formatDuration(245000), '4 min 5 s');
    assert.equal(Model.formatTime(Date.parse('2026-12-01T21:00:05.123Z')), '2026-12-01 21:00:05 UTC');
    assert.equal(Model.formatTime(0), '');
    assert.equal(Model.shortTxid('0123456789abcdef0123456789abcdef'), '01234567…89abcdef');
});

test('shows the queue state of an OverlayQueue output', () =>
{
    assert.equal(Model.queueView({ paused: 'TRUE', pending: 2, action: 'PAUSE' }).text, 'paused, 2 alerts pending');
    assert.equal(Model.queueView({ paused: 'FALSE', pending: 1, action: 'RESUME' }).paused, false);
});

test('says a refused token clearly', () =>
{
    assert.equal(Model.refusedText(401, { error: 'unauthorized: expected an admin token' }),
        'The admin token was refused: unauthorized: expected an admin token');
    assert.equal(Model.refusedText(403, null), 'The admin token was refused: HTTP 403');
});

test('moves between tabs with arrows (wrapping), Home and End', () =>
{
    assert.equal(Model.tabAfterKey('ArrowRight', 0, 6), 1);
    assert.equal(Model.tabAfterKey('ArrowRight', 5, 6), 0);
    assert.equal(Model.tabAfterKey('ArrowLeft', 0, 6), 5);
    assert.equal(Model.tabAfterKey('Home', 3, 6), 0);
    assert.equal(Model.tabAfterKey('End', 3, 6), 5);
    assert.equal(Model.tabAfterKey('Enter', 3, 6), -1);
    assert.equal(Model.feedStateText('reconnecting'), 'reconnecting…');
});

test('keeps chat lines once each and removes them as moderation says', () =>
{
    const chat = Model.createChatLines(3);
    const line = (id, user) => ({ type: 'ChatLine', lineId: id, channel: '', user, text: '<img src=x onerror=1>',
        role: 'VIEWER', kind: 'MESSAGE' });
    chat.apply(line(1, 'ann'));
    chat.apply(line(2, 'troll'));
    assert.equal(chat.apply(line(1, 'ann')), false);
    chat.apply(Object.assign(line(3, 'Troll'), { channel: 'main' }));
    chat.apply({ type: 'ChatLine', lineId: 9, channel: 'other', user: 'x', text: 'y' });
    assert.deepEqual(chat.lines().map((l) => l.id), ['1', '2', '3']);
    assert.equal(chat.lines()[0].text, '<img src=x onerror=1>', 'kept as text');
    chat.apply({ type: 'ChatRemoved', scope: 'VIEWER', user: 'troll', channel: '' });
    assert.deepEqual(chat.lines().map((l) => l.id), ['1']);
    chat.apply({ type: 'ChatState', channel: '', slowModeMs: 30000 });
    assert.equal(chat.slowModeMs(), 30000);
    chat.apply({ type: 'ChatRemoved', scope: 'ROOM', channel: '' });
    assert.deepEqual(chat.lines(), []);
});

test('reads the automation rules, variables and fires from the snapshot and the feed', () =>
{
    let state = Model.automationFromSnapshot({
        state: { type: 'AutomationState', rulesJson: '[{"id":"big-tip","enabled":true,"trigger":"payment","fired":2}]',
            variablesJson: '{"goal":5}', errors: '' },
        fires: [{ fireId: 1, rule: 'big-tip', outcome: 'FIRED', atEpochMs: 1 },
            { fireId: 2, rule: 'big-tip', outcome: 'COOLDOWN_RULE', atEpochMs: 2 }]
    });
    assert.equal(state.rules[0].id, 'big-tip');
    assert.equal(state.variables.goal, 5);
    assert.deepEqual(state.fires.map((f) => f.fireId), [2, 1], 'newest first');

    state = Model.applyAutomation(state, { type: 'AutomationFired', fireId: 3, ruleId: 'big-tip', outcome: 'FIRED' });
    state = Model.applyAutomation(state, { type: 'AutomationFired', fireId: 3, ruleId: 'big-tip', outcome: 'FIRED' });
    assert.deepEqual(state.fires.map((f) => f.fireId), [3, 2, 1]);
    state = Model.applyAutomation(state, { type: 'AutomationState', rulesJson: '[{"id":"big-tip","enabled":false}]',
        variablesJson: '{}', errors: 'rules.yaml:3:1: rule x: bad' });
    assert.equal(state.rules[0].enabled, false);
    assert.equal(state.fires.length, 3, 'fires survive a state change');
    assert.match(state.errors, /rule x/);
});

test('the page sets server data as text only and loads nothing from another site', () =>
{
    const script = fs.readFileSync(path.join(WEB, 'dashboard.js'), 'utf8');
    const html = fs.readFileSync(path.join(WEB, 'index.html'), 'utf8');
    assert.doesNotMatch(script, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    assert.doesNotMatch(html, /<script>|\sstyle=|\son[a-z]+=/i, 'no inline script, style or handler');
    assert.doesNotMatch(html, /https?:\/\//, 'no CDN: uPlot comes from the engine at /vendor/');
    assert.match(html, /\/vendor\/uplot\/1\.6\.30\/dist\/uPlot\.iife\.min\.js/);
});
