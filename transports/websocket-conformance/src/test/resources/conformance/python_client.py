#!/usr/bin/python3
"""An independent client of the web server for the conformance suite: Python's websockets (Debian's
python3-websockets, 10.4) and urllib, so the suite does not only test the project's own client against itself.

Usage: python_client.py PORT OVERLAY_TOKEN ADMIN_TOKEN AMOUNT1 AMOUNT2 AMOUNT3

Prints one JSON object a line per case, in order: subscribe, resume, bad-token, unknown-subprotocol, ping. A case
that fails prints {"case": ..., "error": "..."} and the script goes on with the next one. The Java test asserts the
values (the seq each output had is checked against the Java client that observes the same feed).
"""

import asyncio
import json
import sys
import urllib.error
import urllib.request

import websockets

TIMEOUT = 10


def report(case, **values):
    print(json.dumps(dict(case=case, **values)), flush=True)


def post_payment(port, admin_token, amount):
    body = json.dumps({"type": "TransactionReceived", "amountSats": amount, "address": "bc1qpython"}).encode()
    request = urllib.request.Request("http://127.0.0.1:%d/api/events" % port, data=body, method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": "Bearer " + admin_token})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return response.status, json.loads(response.read())["receipt"]


def post_chat(port, admin_token, text):
    body = json.dumps({"type": "ChatMessage", "messageId": 1, "channel": "main", "user": "py", "text": text}).encode()
    request = urllib.request.Request("http://127.0.0.1:%d/api/events" % port, data=body, method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": "Bearer " + admin_token})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return response.status


async def next_json(ws):
    message = await asyncio.wait_for(ws.recv(), TIMEOUT)
    if not isinstance(message, str):
        raise AssertionError("expected a text frame, got %d bytes of binary" % len(message))
    return json.loads(message)


async def until_amount(ws, amount):
    while True:
        node = await next_json(ws)
        if node.get("amountSats") == amount:
            return node


async def refused(uri, **options):
    """Connect and wait for the server to close; return what the client saw."""
    try:
        async with websockets.connect(uri, open_timeout=TIMEOUT, close_timeout=TIMEOUT, **options) as ws:
            try:
                await asyncio.wait_for(ws.recv(), TIMEOUT)
                return {"error": "received a message instead of a close"}
            except websockets.exceptions.ConnectionClosed:
                return {"code": ws.close_code, "reason": ws.close_reason, "subprotocol": ws.subprotocol}
    except websockets.exceptions.InvalidStatusCode as refusal:
        return {"status": refusal.status_code}


async def main(port, overlay_token, admin_token, amounts):
    feed = "ws://127.0.0.1:%d/ws/alerts?token=%s" % (port, overlay_token)
    seq = None

    try:
        async with websockets.connect(feed, subprotocols=["cc.json.v1"], open_timeout=TIMEOUT) as ws:
            status, receipt = post_payment(port, admin_token, amounts[0])
            node = await until_amount(ws, amounts[0])
            seq = node["seq"]
            report("subscribe", subprotocol=ws.subprotocol, status=status, receipt=receipt, seq=seq,
                   sequence=node["sequence"], type=node["type"], amount=node["amountSats"])
    except Exception as failure:
        report("subscribe", error=repr(failure))

    try:
        if seq is None:
            raise AssertionError("no seq: the subscribe case failed")
        post_payment(port, admin_token, amounts[1])
        post_payment(port, admin_token, amounts[2])
        async with websockets.connect(feed + "&since=%d" % seq, subprotocols=["cc.json.v1"],
                                      open_timeout=TIMEOUT) as ws:
            first = await next_json(ws)
            second = await next_json(ws)
            post_chat(port, admin_token, "python-sentinel")
            after = await next_json(ws)
            report("resume", seqs=[first["seq"], second["seq"]],
                   amounts=[first.get("amountSats"), second.get("amountSats")], next=after.get("text"))
    except Exception as failure:
        report("resume", error=repr(failure))

    try:
        report("bad-token", **await refused("ws://127.0.0.1:%d/ws/alerts?token=not-the-token" % port))
    except Exception as failure:
        report("bad-token", error=repr(failure))

    try:
        report("unknown-subprotocol", **await refused(feed, subprotocols=["cc.bogus.v1"]))
    except Exception as failure:
        report("unknown-subprotocol", error=repr(failure))

    try:
        async with websockets.connect(feed, open_timeout=TIMEOUT) as ws:
            pong = await ws.ping(b"python-ping")
            await asyncio.wait_for(pong, TIMEOUT)
            await ws.send("ping")
            text = await asyncio.wait_for(ws.recv(), TIMEOUT)
            report("ping", pong=True, text=text)
    except Exception as failure:
        report("ping", error=repr(failure))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2], sys.argv[3], [int(a) for a in sys.argv[4:7]]))
