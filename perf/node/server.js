'use strict';
// The Node.js peer of commandcenter bench: a minimal server speaking the subset of the Command Center API the
// benchmark uses, doing the same work as the engine's stream bridge (parse the payment, skip small or repeated
// ones, build the overlay alert JSON, broadcast it to every client of the overlay feed).
//
//   node server.js [--port N] [--token T] [--alert-duration-ms MS]
//       (or PORT / TOKEN / ALERT_DURATION_MS in the environment; port 0 picks a free one; alerts last 8000 ms
//       unless told, as the stream bridge's do; perf/peers-fanout gives 1, as it configures the engine)
//
//   POST /api/events?token=T (or Authorization: Bearer T)   {"type":"TransactionReceived",...} -> 202 {"receipt":N}
//   GET  /api/health?token=T                                 -> 200 {"status":"running",...}
//   ws://host:port/ws/stream-bridge?token=T[&trace=1]        overlay alerts as JSON text frames
//
// Each alert is rendered once (one JSON.stringify, one Buffer) and the same Buffer is sent to every client as a
// text frame, with the fields the engine's frames carry (its output "seq" and "verified" included), so the
// frames are the same size as the engine's.
//
// With trace=1 a frame carries "trace":{"ingressNs":..,"egressNs":..} (epoch ns; stages a single process does
// not have are absent), as the engine's trace does for its own stages.
function option(name, fallback) {
  const index = process.argv.indexOf('--' + name);
  if (index >= 0 && index + 1 < process.argv.length) {
    return process.argv[index + 1];
  }
  return process.env[name.toUpperCase().replace(/-/g, '_')] || fallback;
}

const http = require('http');
const crypto = require('crypto');
const { performance } = require('perf_hooks');
const { WebSocketServer } = require('ws');

const FEED_PATH = '/ws/stream-bridge';
const EVENTS_PATH = '/api/events';
const HEALTH_PATH = '/api/health';
const MAX_BODY = 64 * 1024;
const MIN_AMOUNT_SATS = 1000;
const ALERT_DURATION_MS = Number(option('alert-duration-ms', '8000'));
const SEEN_CAPACITY = 8192;


const port = Number(option('port', '7400'));
const token = option('token', crypto.randomBytes(24).toString('base64url'));
const tokenDigest = digest(token);

function digest(text) {
  return crypto.createHash('sha256').update(String(text)).digest();
}

function authorized(request, url) {
  let candidate = url.searchParams.get('token');
  const header = request.headers.authorization;
  if (!candidate && header && header.startsWith('Bearer ')) {
    candidate = header.substring(7);
  }
  return candidate !== null && candidate !== undefined && crypto.timingSafeEqual(tokenDigest, digest(candidate));
}

function epochNs() {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

// The stream bridge's state: sequence, repeated payments, the one-at-a-time alert schedule.
let sequence = 0;
let outputSeq = 0;
const seen = new Set();
const seenOrder = [];
const pendingEndsMs = [];
let lastEndMs = -Infinity;

function btc(sats) {
  const whole = Math.floor(sats / 1e8);
  const fraction = String(sats % 1e8).padStart(8, '0');
  return whole + '.' + fraction + ' BTC';
}

function remember(key) {
  seen.add(key);
  seenOrder.push(key);
  if (seenOrder.length > SEEN_CAPACITY) {
    seen.delete(seenOrder.shift());
  }
}

// Returns the alert JSON for a payment, or null when the stream bridge would raise none.
function alertFor(payment, nowMs) {
  const amountSats = Number(payment.amountSats || 0);
  const txid = String(payment.txid || '');
  const key = txid + ':' + String(payment.scriptHash || '');
  const alertId = sequence++;
  if (amountSats < MIN_AMOUNT_SATS || amountSats <= 0 || seen.has(key)) {
    return null;
  }
  while (pendingEndsMs.length > 0 && pendingEndsMs[0] <= nowMs) {
    pendingEndsMs.shift();
  }
  const showAtEpochMs = Math.max(nowMs, lastEndMs);
  const alert = {
    sequence: alertId,
    timestamp: new Date(nowMs).toISOString(),
    plugin: 'stream-bridge',
    seq: outputSeq++,
    type: 'OverlayAlert',
    alertId: alertId,
    amountSats: amountSats,
    showAtEpochMs: showAtEpochMs,
    durationMs: ALERT_DURATION_MS,
    queued: pendingEndsMs.length,
    kind: 'PAYMENT',
    txid: txid,
    verified: 'FALSE',
    delayMs: 0,
    title: 'New tip!',
    message: btc(amountSats) + ' from ' + String(payment.address || ''),
    sound: '',
    image: '',
  };
  remember(key);
  lastEndMs = showAtEpochMs + ALERT_DURATION_MS;
  pendingEndsMs.push(lastEndMs);
  return JSON.stringify(alert);
}

const feed = new WebSocketServer({ noServer: true, perMessageDeflate: false });

const TEXT_FRAME = { binary: false };

function broadcast(text, ingressNs) {
  const egressNs = epochNs();
  let plain = null;
  let traced = null;
  for (const client of feed.clients) {
    if (client.readyState !== client.OPEN) {
      continue;
    }
    if (client.trace) {
      if (traced === null) {
        traced = Buffer.from(text.substring(0, text.length - 1) +
          ',"trace":{"ingressNs":' + ingressNs + ',"egressNs":' + egressNs + '}}');
      }
      client.send(traced, TEXT_FRAME);
    } else {
      if (plain === null) {
        plain = Buffer.from(text);
      }
      client.send(plain, TEXT_FRAME);
    }
  }
}

function reply(response, status, body) {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

const server = http.createServer((request, response) => {
  const url = new URL(request.url, 'http://localhost');
  if (!authorized(request, url)) {
    reply(response, 401, { error: 'unauthorized: missing or invalid token' });
    return;
  }
  if (url.pathname === HEALTH_PATH && request.method === 'GET') {
    reply(response, 200, { status: 'running', nextSequence: sequence, peer: 'node ' + process.version });
    return;
  }
  if (url.pathname !== EVENTS_PATH) {
    reply(response, 404, { error: 'not found: ' + url.pathname + ' (expected ' + EVENTS_PATH + ' or ' + HEALTH_PATH + ')' });
    return;
  }
  if (request.method !== 'POST') {
    reply(response, 405, { error: 'method ' + request.method + ' not allowed on ' + EVENTS_PATH + ', expected POST' });
    return;
  }
  const ingressNs = epochNs();
  const chunks = [];
  let length = 0;
  request.on('data', (chunk) => {
    length += chunk.length;
    if (length <= MAX_BODY) {
      chunks.push(chunk);
    }
  });
  request.on('end', () => {
    if (length > MAX_BODY) {
      reply(response, 413, { error: 'request body larger than ' + MAX_BODY + ' bytes' });
      return;
    }
    let payment;
    try {
      payment = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (error) {
      reply(response, 400, { error: 'not valid JSON: ' + error.message });
      return;
    }
    if (payment === null || typeof payment !== 'object' || payment.type !== 'TransactionReceived') {
      reply(response, 400, { error: 'expected a TransactionReceived event' });
      return;
    }
    const receipt = sequence;
    const alert = alertFor(payment, Date.now());
    reply(response, 202, { receipt: receipt });
    if (alert !== null) {
      broadcast(alert, ingressNs);
    }
  });
});

server.on('upgrade', (request, socket, head) => {
  const url = new URL(request.url, 'http://localhost');
  if (url.pathname !== FEED_PATH || !authorized(request, url)) {
    socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
    socket.destroy();
    return;
  }
  feed.handleUpgrade(request, socket, head, (client) => {
    client.trace = url.searchParams.get('trace') === '1';
    client.on('message', (data) => {
      if (data.toString() === 'ping') {
        client.send('pong');
      }
    });
  });
});

server.keepAliveTimeout = 60000;
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  console.log('node peer listening on http://127.0.0.1:' + address.port + ' (ws ' + require('ws/package.json').version +
    ', node ' + process.version + ')');
});

function stop() {
  for (const client of feed.clients) {
    client.terminate();
  }
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
