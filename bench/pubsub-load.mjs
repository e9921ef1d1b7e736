// Load for bench/pubsub.sh: N streaming subscribers on one channel and a closed-loop publisher.
//   node pubsub-load.mjs fanout <kind> <http-port> <redis-port> <subscribers> <seconds> <batch> <payload-bytes>
//     kind tether: POST /redis/subscribe/<ch> (SSE); kind webdis: GET /SUBSCRIBE/<ch> (chunked JSON).
//     The publisher sends <batch> PUBLISHes pipelined, waits until every subscriber has the batch's last one,
//     repeats for <seconds>. Prints one JSON line: messages/s through the channel, deliveries/s, batch latency.
//   node pubsub-load.mjs idle <kind> <http-port> <subscribers>   opens them, prints "ready", holds until stdin closes
// Only 127.0.0.1. Bounded in time and count.
import net from 'node:net';

const [mode, kind, httpPort, ...rest] = process.argv.slice(2);
const channel = 'bench:fan';
const marker = Buffer.from(kind === 'tether' ? 'data: message,' : '["message",');

/** Counts occurrences of `pattern` in a byte stream fed in pieces. */
function counter(pattern, onCount) {
  let tail = Buffer.alloc(0);
  return (piece) => {
    const buf = Buffer.concat([tail, piece]);
    let n = 0;
    for (let i = buf.indexOf(pattern); i >= 0; i = buf.indexOf(pattern, i + pattern.length)) {
      n++;
    }
    tail = buf.subarray(Math.max(0, buf.length - pattern.length + 1));
    if (n > 0) {
      onCount(n);
    }
  };
}

/** Decodes a chunked HTTP body after the head, feeding the content to `content`. */
function chunked(content) {
  let raw = Buffer.alloc(0);
  let remaining = -1; // -1: reading a size line; -2: the CRLF after a chunk
  return (piece) => {
    raw = Buffer.concat([raw, piece]);
    for (;;) {
      if (remaining === -1 || remaining === -2) {
        const eol = raw.indexOf('\r\n');
        if (eol < 0) {
          return;
        }
        const line = raw.subarray(0, eol).toString();
        raw = raw.subarray(eol + 2);
        if (remaining === -2) {
          remaining = -1;
          continue;
        }
        remaining = parseInt(line, 16);
        if (remaining === 0) {
          return;
        }
      } else {
        const take = Math.min(remaining, raw.length);
        if (take === 0) {
          return;
        }
        content(raw.subarray(0, take));
        raw = raw.subarray(take);
        remaining -= take;
        if (remaining === 0) {
          remaining = -2;
        }
      }
    }
  };
}

function subscriber(onMessage) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: Number(httpPort) });
    const request = kind === 'tether'
      ? `POST /redis/subscribe/${channel} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n`
        + 'Content-Type: application/json\r\nContent-Length: 2\r\n\r\n[]'
      : `GET /SUBSCRIBE/${channel} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    let head = Buffer.alloc(0);
    let body = null;
    let subscribed = false;
    const confirm = counter(Buffer.from(kind === 'tether' ? 'subscribe,' : '["subscribe",'), () => {
      if (!subscribed) {
        subscribed = true;
        resolve(s);
      }
    });
    const messages = counter(marker, onMessage);
    s.on('connect', () => s.write(request));
    s.on('error', reject);
    s.setTimeout(120_000, () => reject(new Error('subscriber timed out')));
    s.on('data', (chunk) => {
      if (body === null) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) {
          return;
        }
        if (!head.subarray(0, end).toString().toLowerCase().includes('transfer-encoding: chunked')) {
          reject(new Error('expected a chunked stream: ' + head.subarray(0, end)));
          return;
        }
        body = chunked((piece) => {
          confirm(piece);
          messages(piece);
        });
        chunk = head.subarray(end + 4);
      }
      body(chunk);
    });
  });
}

function resp(port) {
  const s = net.connect({ host: '127.0.0.1', port });
  let pending = 0;
  let waiter = null;
  s.on('data', (chunk) => {
    for (const b of chunk) {
      if (b === 10) {
        pending--;
      }
    }
    if (pending === 0 && waiter) {
      const w = waiter;
      waiter = null;
      w();
    }
  });
  return {
    publishAll(messages) {
      pending += messages.length;
      s.write(messages.map((m) => `*3\r\n$7\r\nPUBLISH\r\n$${channel.length}\r\n${channel}\r\n$${Buffer.byteLength(m)}\r\n${m}\r\n`).join(''));
      return new Promise((r) => (waiter = r));
    },
    close: () => s.end(),
  };
}

async function open(n, counts) {
  const sockets = [];
  for (let i = 0; i < n; i += 50) {
    const group = [];
    for (let j = i; j < Math.min(n, i + 50); j++) {
      group.push(subscriber((k) => { counts[j] += k; }));
    }
    sockets.push(...(await Promise.all(group)));
  }
  return sockets;
}

if (mode === 'fanout') {
  const [redisPort, n, seconds, batch, size] = rest.map(Number);
  const counts = new Array(n).fill(0);
  const sockets = await open(n, counts);
  const pub = resp(redisPort);
  const payload = 'x'.repeat(Math.max(0, size - 8));
  let sent = 0;
  const latencies = [];
  const start = process.hrtime.bigint();
  const end = start + BigInt(seconds) * 1_000_000_000n;
  while (process.hrtime.bigint() < end) {
    const t0 = process.hrtime.bigint();
    await pub.publishAll(Array.from({ length: batch }, (_, i) => `${String(sent + i).padStart(7, '0')}${payload}`));
    sent += batch;
    const deadline = Date.now() + 30_000;
    while (counts.some((c) => c < sent)) {
      if (Date.now() > deadline) {
        console.error(`stalled: min ${Math.min(...counts)} of ${sent}`);
        process.exit(1);
      }
      await new Promise((r) => setImmediate(r));
    }
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort((a, b) => a - b);
  console.log(JSON.stringify({
    kind, subscribers: n, messages: sent, seconds: elapsed, messages_per_s: sent / elapsed,
    deliveries_per_s: (sent * n) / elapsed, batch, payload_bytes: size,
    batch_p50_ms: latencies[Math.floor(latencies.length / 2)], batch_p99_ms: latencies[Math.floor(latencies.length * 0.99)],
  }));
  pub.close();
  sockets.forEach((s) => s.destroy());
  process.exit(0);
} else if (mode === 'idle') {
  const n = Number(rest[0]);
  const sockets = await open(n, new Array(n).fill(0));
  console.log('ready');
  process.stdin.resume();
  process.stdin.on('end', () => {
    sockets.forEach((s) => s.destroy());
    process.exit(0);
  });
}
