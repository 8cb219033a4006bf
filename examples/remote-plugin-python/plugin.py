#!/usr/bin/python3
"""Big tip, in Python: a remote Command Center plugin.

Connects to the engine's remote plugin endpoint over WebSocket (subprotocol cc.plugin.json.v1), says hello for
its plugin id, and answers every event with exactly one done carrying what it emitted: an OverlayAlert for each
payment of more than thresholdSats (from the plugin's configuration, plugins.<id>.thresholdSats). Sends a
heartbeat every interval the engine asks for, and reconnects with back-off when the connection drops; the engine
resends the events after the last one acknowledged, so nothing is lost or handled twice.

Usage: plugin.py [--url ws://127.0.0.1:7300] [--token ADMIN_TOKEN] [--plugin big-tip-python]
The URL and token default to the environment: CC_URL, CC_ADMIN_TOKEN. Needs Python 3.9+ and websockets 10
(Debian: apt install python3-websockets).
"""

import argparse
import asyncio
import json
import os
import socket
import sys
import time

import websockets

PROTOCOL = 1
SUBPROTOCOL = "cc.plugin.json.v1"
PATH = "/ws/plugins/remote"


class BigTip:
    """The plugin itself: no I/O, just events in and emits out."""

    def __init__(self):
        self.threshold_sats = 50_000
        self.title = "Big tip!"
        self.duration_ms = 8_000

    def configure(self, config):
        self.threshold_sats = int(config.get("thresholdSats", self.threshold_sats))
        self.title = str(config.get("title", self.title))
        self.duration_ms = int(config.get("durationMs", self.duration_ms))

    def on_event(self, seq, timestamp_ns, event):
        """Return the messages to emit for one event (JSON objects as the engine renders them)."""
        if event.get("type") != "TransactionReceived" or event.get("amountSats", 0) <= self.threshold_sats:
            return []
        return [{
            "type": "OverlayAlert",
            "alertId": seq,
            "amountSats": event["amountSats"],
            "showAtEpochMs": timestamp_ns // 1_000_000,
            "durationMs": self.duration_ms,
            "queued": 0,
            "kind": "PAYMENT",
            "txid": event.get("txid", "00" * 32),
            "title": self.title,
            "message": event.get("memo", ""),
        }]


class Refused(Exception):
    """The engine said goodbye to our hello."""


def log(line):
    print(line, flush=True)


async def heartbeats(ws, interval_s, state):
    while True:
        await asyncio.sleep(interval_s)
        await ws.send(json.dumps({"type": "heartbeat", "epochMs": int(time.time() * 1000),
                                  "lastDone": state["lastDone"]}))


async def session(args, plugin, state):
    """One connection: hello, welcome, then events until it closes. Returns normally on a clean goodbye."""
    url = args.url.rstrip("/")
    if not url.endswith(PATH):
        url += PATH
    headers = {"Authorization": "Bearer " + args.token}
    async with websockets.connect(url, subprotocols=[SUBPROTOCOL], extra_headers=headers,
                                  max_size=1 << 20, open_timeout=10) as ws:
        await ws.send(json.dumps({"type": "hello", "plugin": args.plugin, "protocol": PROTOCOL,
                                  "host": "python pid %d on %s" % (os.getpid(), socket.gethostname())}))
        first = json.loads(await ws.recv())
        if first.get("type") == "goodbye":
            raise Refused(first.get("reason", ""))
        if first.get("type") != "welcome":
            raise Refused("expected welcome, got %s" % first.get("type"))
        plugin.configure(first.get("config") or {})
        state["lastDone"] = first["resumeAfter"]
        state["backoff"] = args.min_backoff
        log("welcome %s resumeAfter=%d" % (args.plugin, first["resumeAfter"]))
        beat = asyncio.ensure_future(heartbeats(ws, first["heartbeatIntervalMs"] / 1000.0, state))
        try:
            async for text in ws:
                message = json.loads(text)
                kind = message.get("type")
                if kind == "event":
                    seq = message["seq"]
                    done = {"type": "done", "seq": seq, "emits": []}
                    try:
                        done["emits"] = plugin.on_event(seq, message["timestampNs"], message["event"])
                    except Exception as ex:  # the engine counts failures towards quarantine
                        done["failure"] = "%s: %s" % (type(ex).__name__, ex)
                    await ws.send(json.dumps(done))
                    state["lastDone"] = seq
                    log("done %d emits=%d" % (seq, len(done["emits"])))
                elif kind == "goodbye":
                    log("goodbye: %s" % message.get("reason", ""))
                    return
        finally:
            beat.cancel()


async def main(args):
    plugin = BigTip()
    state = {"lastDone": -1, "backoff": args.min_backoff}
    while True:
        try:
            await session(args, plugin, state)
        except Refused as ex:
            log("refused: %s" % ex)
        except (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException) as ex:
            log("disconnected: %s" % (str(ex) or type(ex).__name__))
        await asyncio.sleep(state["backoff"])
        state["backoff"] = min(state["backoff"] * 2, args.max_backoff)


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Big tip, a remote Command Center plugin in Python")
    parser.add_argument("--url", default=os.environ.get("CC_URL", "ws://127.0.0.1:7300"),
                        help="engine URL, ws://host:port (env CC_URL)")
    parser.add_argument("--token", default=os.environ.get("CC_ADMIN_TOKEN"),
                        help="the engine's admin token (env CC_ADMIN_TOKEN)")
    parser.add_argument("--plugin", default="big-tip-python", help="plugin id, as in plugin.yaml")
    parser.add_argument("--min-backoff", type=float, default=0.1, help="first reconnect delay, seconds")
    parser.add_argument("--max-backoff", type=float, default=5.0, help="longest reconnect delay, seconds")
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("no admin token: pass --token or set CC_ADMIN_TOKEN "
                     "(commandcenter token show --scope admin prints it)")
    args.url = args.url.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
    return args


if __name__ == "__main__":
    try:
        asyncio.run(main(parse_args(sys.argv[1:])))
    except KeyboardInterrupt:
        pass
