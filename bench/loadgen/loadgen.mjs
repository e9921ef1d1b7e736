// Chat fan-out load generator: N `ws` clients in one room, spread over several processes; S of them send at a
// total rate R, each text stamped with its send time; every client counts deliveries, latency, gaps and closes.
//   node loadgen.mjs --url ws://127.0.0.1:PORT/ws/chat/ROOM --clients 1000 --rate 200 --senders 20 --duration 10
// Options: --procs P (worker processes), --spread (source addresses 127.0.0.1-4), --drain S (wait after the last
// send), --presence (wait until every client's online list holds exactly all N names), --rooms K (client i joins
// ROOM-<i mod K> instead), --hold S (idle mode: connect, print {"ready":…}, hold S seconds or until SIGTERM),
// --out FILE (JSON result), --url2 URL (a second instance: odd-numbered clients connect there, and the senders
// alternate between the two). Prints one JSON line.
// Works with both servers' framing: a frame is one event object, a JSON array of them (Tether), or
// newline-separated objects (gorilla's writer).
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const now = () => performance.timeOrigin + performance.now(); // ms, comparable across processes
const BUCKET = Math.log(1.01); // latency histogram: 1 % wide buckets from 0.01 ms
const bucketOf = (ms) => Math.max(0, Math.floor(Math.log(Math.max(ms, 0.01) / 0.01) / BUCKET));
const valueOf = (b) => 0.01 * Math.exp((b + 0.5) * BUCKET);

function args(argv) {
  const o = { clients: 100, rate: 200, senders: 20, duration: 10, procs: 1, drain: 5, spread: false, presence: false,
    hold: 0, connectParallel: 64, timeout: 120 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (['spread', 'presence'].includes(key)) o[key] = true;
    else o[key] = isNaN(Number(argv[i + 1])) ? argv[++i] : Number(argv[++i]);
  }
  for (const u of [o.url, ...(o.url2 ? [o.url2] : [])]) {
    if (!u || !/^ws:\/\/127\.0\.0\.1:\d+\//.test(u)) throw new Error('--url must be ws://127.0.0.1:PORT/…, got ' + u);
  }
  return o;
}

// ---------------------------------------------------------------- worker: owns clients [from, to)
function worker() {
  let o;
  const clients = [];
  const hist = new Float64Array(2000);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const stats = { delivered: 0, inWindow: 0, framesInWindow: 0, outOfOrder: 0, sent: 0, sendErrors: 0, evicted: 0, closed: 0,
    otherErrors: 0, joinMs: 0 };
  let window = [0, Infinity];
  const re = /"text":"(\d+):(\d+):([\d.]+)"/g;

  function onMessage(c, text) {
    // presence frames (big in big rooms) are parsed only when --presence asks for the online lists to be checked
    const parse = o.presence ? /"type":"(welcome|history|presence|join|leave|error)"/.test(text)
      : /"type":"(history|error)"/.test(text);
    if (parse) {
      const events = text[0] === '[' ? JSON.parse(text) : text.split('\n').map((l) => JSON.parse(l));
      for (const e of events) event(c, e);
      return;
    }
    const t = now();
    if (t >= window[0] && t <= window[1]) stats.framesInWindow++;
    re.lastIndex = 0;
    for (let m; (m = re.exec(text));) delivered(c, +m[1], +m[2], +m[3], t);
  }

  function delivered(c, sender, seq, stamp, t) {
    if (seq <= c.last[sender]) stats.outOfOrder++;
    else c.last[sender] = seq;
    c.count++;
    stats.delivered++;
    if (t >= window[0] && t <= window[1]) stats.inWindow++;
    hist[Math.min(hist.length - 1, bucketOf(t - stamp))]++;
  }

  function event(c, e) {
    switch (e.type) {
      case 'welcome': c.name = e.name; break;
      case 'history': if (!c.joined) { c.joined = true; c.onJoined(); } break;
      case 'presence': if (e.users) c.users = new Set(e.users); break;
      case 'join': c.users.add(e.name); break;
      case 'leave': c.users.delete(e.name); break;
      case 'error': if (/rate|busy|not sent/.test(e.error)) stats.sendErrors++; else stats.otherErrors++; break;
      case 'message': {
        const m = /^(\d+):(\d+):([\d.]+)$/.exec(e.text);
        if (m) delivered(c, +m[1], +m[2], +m[3], now());
        break;
      }
    }
  }

  function open(index) {
    return new Promise((resolve) => {
      const url = (o.url2 && index % 2 ? o.url2 : o.url) + (o.rooms ? '-' + (index % o.rooms) : '') + '?name=c' + index;
      const opts = { perMessageDeflate: false };
      if (o.spread) opts.localAddress = '127.0.0.' + (1 + (index % 4));
      const ws = new WebSocket(url, opts);
      const c = { index, ws, joined: false, count: 0, last: new Int32Array(o.senders).fill(-1), users: new Set(),
        onJoined: resolve, running: false };
      clients.push(c);
      ws.on('message', (data) => onMessage(c, data.toString()));
      ws.on('close', (code, reason) => {
        stats.closed++;
        if (code === 1008 || code === 1001) stats.evicted++;
        if (!c.joined) { c.joined = true; c.failed = code + ' ' + reason; resolve(); }
      });
      ws.on('error', () => {});
    });
  }

  async function connect(from, to) {
    const start = now();
    let next = from;
    const lane = async () => { while (next < to) await open(next++); };
    await Promise.all(Array.from({ length: Math.min(o.connectParallel, to - from) }, lane));
    stats.joinMs = now() - start;
    const failed = clients.filter((c) => c.failed);
    return { joinMs: stats.joinMs, failed: failed.length, firstFailure: failed[0]?.failed };
  }

  async function presence(deadline) {
    const ok = (c) => c.users.size === o.clients && [...c.users].every((n) => /^c\d+$/.test(n) && +n.slice(1) < o.clients);
    while (now() < deadline && !clients.every(ok)) await new Promise((r) => setTimeout(r, 20));
    return { converged: clients.every(ok), wrong: clients.filter((c) => !ok(c)).length,
      example: clients.find((c) => !ok(c))?.users.size };
  }

  function run(start, end, senders) {
    window = [start, end];
    lag.enable();
    const cpu0 = process.cpuUsage();
    const mine = clients.filter((c) => senders.includes(c.index));
    const per = o.rate / o.senders;
    return new Promise((resolve) => {
      const tick = () => {
        const t = now();
        if (t >= start) {
          const due = Math.floor((Math.min(t, end) - start) / 1000 * per);
          for (const c of mine) {
            const s = senders.indexOf(c.index);
            while ((c.seq ?? 0) < due && c.ws.readyState === WebSocket.OPEN) {
              const seq = c.seq = (c.seq ?? 0) + 1;
              c.ws.send('{"type":"message","text":"' + s + ':' + (seq - 1) + ':' + now().toFixed(3) + '"}');
              stats.sent++;
            }
          }
        }
        if (t < end) setTimeout(tick, 2);
        else resolve({ cpu: process.cpuUsage(cpu0) });
      };
      tick();
    });
  }

  process.on('message', async (msg) => {
    if (msg.cmd === 'connect') { o = msg.o; process.send({ reply: 'connect', ...(await connect(msg.from, msg.to)) }); }
    if (msg.cmd === 'presence') process.send({ reply: 'presence', ...(await presence(msg.deadline)) });
    if (msg.cmd === 'run') process.send({ reply: 'run', ...(await run(msg.start, msg.end, msg.senders)) });
    if (msg.cmd === 'stats') {
      process.send({ reply: 'stats', stats, hist: Array.from(hist), counts: clients.filter((c) => c.ws.readyState === WebSocket.OPEN).map((c) => c.count),
        open: clients.filter((c) => c.ws.readyState === WebSocket.OPEN).length, lagP99: lag.percentile(99) / 1e6,
        mem: process.memoryUsage().rss });
    }
    if (msg.cmd === 'exit') { clients.forEach((c) => c.ws.terminate()); setTimeout(() => process.exit(0), 100); }
  });
}

// ---------------------------------------------------------------- coordinator
async function coordinator() {
  const o = args(process.argv.slice(2));
  const procs = Array.from({ length: o.procs }, () => fork(fileURLToPath(import.meta.url), ['--worker'],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const waiting = new Map();
  procs.forEach((p) => p.on('message', (m) => waiting.get(p)?.(m)));
  const ask = (p, msg) => new Promise((resolve) => { waiting.set(p, resolve); p.send(msg); });
  const all = (make) => Promise.all(procs.map((p, i) => ask(p, make(i))));
  const quit = () => { procs.forEach((p) => { try { p.send({ cmd: 'exit' }); } catch { /* gone */ } }); };
  const guard = setTimeout(() => { console.error('loadgen: timed out'); quit(); process.exit(2); }, o.timeout * 1000);
  const result = { url: o.url.replace(/\/ws\/.*/, ''), clients: o.clients, procs: o.procs };

  const t0 = now();
  const slice = (i) => [Math.floor(i * o.clients / o.procs), Math.floor((i + 1) * o.clients / o.procs)];
  const joined = await all((i) => ({ cmd: 'connect', o, from: slice(i)[0], to: slice(i)[1] }));
  result.joinMs = +(now() - t0).toFixed(1);
  result.joinFailed = joined.reduce((a, j) => a + j.failed, 0);
  if (result.joinFailed) result.firstFailure = joined.find((j) => j.firstFailure)?.firstFailure;
  if (o.presence) {
    const p = await all(() => ({ cmd: 'presence', deadline: now() + 15000 }));
    result.presenceMs = +(now() - t0).toFixed(1);
    result.presenceRight = p.every((x) => x.converged);
    result.presenceWrongClients = p.reduce((a, x) => a + x.wrong, 0);
  }
  if (o.hold) {
    console.log(JSON.stringify({ ready: true, ...result }));
    await new Promise((r) => { setTimeout(r, o.hold * 1000); process.on('SIGTERM', r); });
    const s = await all(() => ({ cmd: 'stats' }));
    result.open = s.reduce((a, x) => a + x.open, 0);
  } else if (o.rate > 0 && o.duration > 0) {
    const step = o.clients / o.senders;
    const senders = Array.from({ length: o.senders }, (_, s) => Math.floor(s * step) + (o.url2 ? s % 2 : 0));
    const start = now() + 300;
    const end = start + o.duration * 1000;
    const ran = await all(() => ({ cmd: 'run', start, end, senders }));
    const expectedEach = () => Promise.all(procs.map((p) => ask(p, { cmd: 'stats' })));
    let s = await expectedEach();
    const sent = () => s.reduce((a, x) => a + x.stats.sent - x.stats.sendErrors, 0);
    const drainEnd = now() + o.drain * 1000;
    while (now() < drainEnd && s.some((x) => x.counts.some((n) => n < sent()))) {
      await new Promise((r) => setTimeout(r, 100));
      s = await expectedEach();
    }
    const sum = (f) => s.reduce((a, x) => a + f(x), 0);
    const hist = new Float64Array(2000);
    s.forEach((x) => x.hist.forEach((v, i) => { hist[i] += v; }));
    const pct = (q) => {
      const total = hist.reduce((a, v) => a + v, 0);
      let acc = 0;
      for (let i = 0; i < hist.length; i++) { acc += hist[i]; if (acc >= q * total) return +valueOf(i).toFixed(2); }
      return null;
    };
    const accepted = sent();
    const openCounts = s.flatMap((x) => x.counts);
    result.rate = o.rate;
    result.senders = o.senders;
    result.durationS = o.duration;
    result.sent = sum((x) => x.stats.sent);
    result.sentPerS = +(result.sent / o.duration).toFixed(1);
    result.sendErrors = sum((x) => x.stats.sendErrors);
    result.deliveries = sum((x) => x.stats.delivered);
    result.deliveriesPerS = Math.round(sum((x) => x.stats.inWindow) / o.duration);
    result.deliveriesPerFrame = +(sum((x) => x.stats.inWindow) / Math.max(1, sum((x) => x.stats.framesInWindow))).toFixed(2);
    result.expected = accepted * o.clients;
    result.lost = openCounts.reduce((a, n) => a + Math.max(0, accepted - n), 0);
    result.outOfOrder = sum((x) => x.stats.outOfOrder);
    result.evicted = sum((x) => x.stats.evicted);
    result.closed = sum((x) => x.stats.closed);
    result.p50 = pct(0.5);
    result.p99 = pct(0.99);
    result.max = pct(1);
    result.loadgenCpuPct = +(ran.reduce((a, r) => a + (r.cpu.user + r.cpu.system) / 1e3, 0) / (o.duration * 1000) * 100).toFixed(1);
    result.loadgenLagP99Ms = Math.max(...s.map((x) => x.lagP99));
  }
  clearTimeout(guard);
  const line = JSON.stringify(result);
  console.log(line);
  if (o.out) writeFileSync(o.out, line + '\n');
  quit();
  setTimeout(() => process.exit(0), 300);
}

if (process.argv.includes('--worker')) worker();
else coordinator();
