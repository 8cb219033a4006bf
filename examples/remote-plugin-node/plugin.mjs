#!/usr/bin/env node
// Big tip, in JavaScript: a remote Command Center plugin with no dependencies (Node's built-in WebSocket:
// Node 22+, or Node 20/21 with --experimental-websocket).
//
// Connects to the engine's remote plugin endpoint (subprotocol cc.plugin.json.v1), says hello for its plugin id,
// and answers every event with exactly one done carrying what it emitted: an OverlayAlert for each payment of
// more than thresholdSats (plugins.<id>.thresholdSats in the engine's configuration). Sends a heartbeat every
// interval the engine asks for and reconnects with back-off; the engine resends the events after the last one
// acknowledged, so nothing is lost or handled twice.
//
// Usage: node plugin.mjs [--url ws://127.0.0.1:7300] [--token ADMIN_TOKEN] [--plugin big-tip-node]
// The URL and token default to the environment: CC_URL, CC_ADMIN_TOKEN.

import os from 'node:os';

const PROTOCOL = 1;
const SUBPROTOCOL = 'cc.plugin.json.v1';
const PATH = '/ws/plugins/remote';

function parseArgs(argv)
{
    const args = {
        url: process.env.CC_URL ?? 'ws://127.0.0.1:7300',
        token: process.env.CC_ADMIN_TOKEN,
        plugin: 'big-tip-node',
        minBackoffMs: 100,
        maxBackoffMs: 5000,
    };
    for (let i = 0; i < argv.length; i++)
    {
        const name = argv[i];
        const value = argv[i + 1];
        if (name === '--url') { args.url = value; i++; }
        else if (name === '--token') { args.token = value; i++; }
        else if (name === '--plugin') { args.plugin = value; i++; }
        else if (name === '--max-backoff-ms') { args.maxBackoffMs = Number(value); i++; }
        else
        {
            console.error(`unknown argument '${name}': expected --url, --token, --plugin or --max-backoff-ms`);
            process.exit(2);
        }
    }
    if (!args.token)
    {
        console.error('no admin token: pass --token or set CC_ADMIN_TOKEN (commandcenter token show --scope admin prints it)');
        process.exit(2);
    }
    if (typeof WebSocket !== 'function')
    {
        console.error('this Node has no built-in WebSocket: use Node 22+, or Node 20/21 with --experimental-websocket');
        process.exit(2);
    }
    args.url = args.url.replace(/^http/, 'ws').replace(/\/+$/, '');
    if (!args.url.endsWith(PATH))
    {
        args.url += PATH;
    }
    return args;
}

// The plugin itself: no I/O, just events in and emits out.
class BigTip
{
    constructor()
    {
        this.thresholdSats = 50000;
        this.title = 'Big tip!';
        this.durationMs = 8000;
    }

    configure(config)
    {
        this.thresholdSats = Number(config.thresholdSats ?? this.thresholdSats);
        this.title = String(config.title ?? this.title);
        this.durationMs = Number(config.durationMs ?? this.durationMs);
    }

    onEvent(seq, timestampNs, event)
    {
        if (event.type !== 'TransactionReceived' || !(event.amountSats > this.thresholdSats))
        {
            return [];
        }
        return [{
            type: 'OverlayAlert',
            alertId: seq,
            amountSats: event.amountSats,
            showAtEpochMs: Math.floor(timestampNs / 1e6),
            durationMs: this.durationMs,
            queued: 0,
            kind: 'PAYMENT',
            txid: event.txid ?? '00'.repeat(32),
            title: this.title,
            message: event.memo ?? '',
        }];
    }
}

function log(line)
{
    process.stdout.write(line + '\n');
}

// One connection: resolves when it closes, with whether a welcome was received.
function session(args, plugin, state)
{
    return new Promise((resolve) =>
    {
        const url = `${args.url}?token=${encodeURIComponent(args.token)}`;
        const ws = new WebSocket(url, [SUBPROTOCOL]);
        let heartbeat = null;
        let welcomed = false;

        ws.onopen = () =>
        {
            ws.send(JSON.stringify({
                type: 'hello', plugin: args.plugin, protocol: PROTOCOL,
                host: `node pid ${process.pid} on ${os.hostname()}`,
            }));
        };
        ws.onmessage = (frame) =>
        {
            const message = JSON.parse(frame.data);
            switch (message.type)
            {
                case 'welcome':
                    welcomed = true;
                    plugin.configure(message.config ?? {});
                    state.lastDone = message.resumeAfter;
                    log(`welcome ${args.plugin} resumeAfter=${message.resumeAfter}`);
                    heartbeat = setInterval(() => ws.send(JSON.stringify({
                        type: 'heartbeat', epochMs: Date.now(), lastDone: state.lastDone,
                    })), message.heartbeatIntervalMs);
                    break;
                case 'event':
                {
                    const done = { type: 'done', seq: message.seq, emits: [] };
                    try
                    {
                        done.emits = plugin.onEvent(message.seq, message.timestampNs, message.event);
                    }
                    catch (error)
                    {
                        done.failure = String(error); // the engine counts failures towards quarantine
                    }
                    ws.send(JSON.stringify(done));
                    state.lastDone = message.seq;
                    log(`done ${message.seq} emits=${done.emits.length}`);
                    break;
                }
                case 'goodbye':
                    log(`${message.refused ? 'refused' : 'goodbye'}: ${message.reason ?? ''}`);
                    break;
                default:
                    break; // heartbeats from the engine need no answer
            }
        };
        ws.onerror = () => {};
        ws.onclose = (close) =>
        {
            if (heartbeat !== null)
            {
                clearInterval(heartbeat);
            }
            log(`disconnected: ${close.code} ${close.reason}`);
            resolve(welcomed);
        };
    });
}

async function main()
{
    const args = parseArgs(process.argv.slice(2));
    const plugin = new BigTip();
    const state = { lastDone: -1 };
    let backoffMs = args.minBackoffMs;
    for (;;)
    {
        const welcomed = await session(args, plugin, state);
        backoffMs = welcomed ? args.minBackoffMs : Math.min(backoffMs * 2, args.maxBackoffMs);
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
    }
}

main();
