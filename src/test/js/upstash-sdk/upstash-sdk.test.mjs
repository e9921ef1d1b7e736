// The unchanged @upstash/redis SDK against Tether's /redis routes. Run by UpstashSdkIT:
//   TETHER_URL=http://127.0.0.1:PORT/tether/redis TETHER_TOKEN=… node --test --test-reporter=tap upstash-sdk.test.mjs
// Every test uses its own key prefix (sdk:<test>:) and asserts exact values. Some keys are left behind on
// purpose: UpstashSdkIT reads them straight from Redis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Redis } from '@upstash/redis';

const url = process.env.TETHER_URL;
const token = process.env.TETHER_TOKEN;
if (!url || !token) {
  throw new Error('set TETHER_URL (e.g. http://127.0.0.1:8080/redis) and TETHER_TOKEN');
}
if (new URL(url).hostname !== '127.0.0.1') {
  throw new Error(`these tests talk to 127.0.0.1 only, not ${url}`);
}

const TIMEOUT = { timeout: 20_000 };

// TETHER_CLUSTER=1 (a Redis Cluster behind Tether): each test's keys share one hash tag, {sdk:<test>}, so the
// multi-key commands and transactions below stay in one slot, as Redis Cluster requires; the tests' keys are
// still spread over the masters. Without it the keys are sdk:<test>:…
const cluster = process.env.TETHER_CLUSTER === '1';
const hashTags = cluster;
const sdk = (test) => (hashTags ? `{sdk:${test}}:` : `sdk:${test}:`);
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

// Records what the SDK sends and receives. The SDK calls the global fetch at request time, so wrapping
// it observes the SDK without changing it.
const realFetch = globalThis.fetch;
let sent = [];
globalThis.fetch = async (input, init) => {
  const res = await realFetch(input, init);
  sent.push({
    path: new URL(String(input)).pathname.slice(new URL(url).pathname.length),
    headers: { ...init?.headers },
    body: typeof init?.body === 'string' ? JSON.parse(init.body) : init?.body,
    status: res.status,
    syncToken: res.headers.get('upstash-sync-token'),
  });
  return res;
};
function recorded() {
  const out = sent;
  sent = [];
  return out;
}

const redis = new Redis({ url, token });
const single = new Redis({ url, token, enableAutoPipelining: false });

/** A request outside the SDK, to see the wire format itself. */
async function raw(path, body, headers = {}) {
  const res = await realFetch(url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/**
 * Deletes what an earlier run left under a test's prefix, so the file can be re-run against the same Redis: one DEL
 * per key, so keys in different cluster slots are fine.
 */
async function fresh(prefix) {
  const keys = await single.keys(prefix + '*');
  if (keys.length > 0) {
    const p = single.pipeline();
    keys.forEach((key) => p.del(key));
    await p.exec();
  }
}

async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('expected the call to reject');
}

test('strings: set with ex/nx, get, mget, incr/incrby/incrbyfloat, append, getdel', TIMEOUT, async () => {
  const k = sdk('str');
  await fresh(sdk('str'));
  assert.equal(await redis.set(k + 'a', 'hello', { ex: 100 }), 'OK');
  const ttl = await redis.ttl(k + 'a');
  assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
  assert.equal(await redis.set(k + 'a', 'other', { nx: true }), null);
  assert.equal(await redis.set(k + 'b', 'new', { nx: true }), 'OK');
  assert.equal(await redis.get(k + 'a'), 'hello');
  assert.deepEqual(await redis.mget(k + 'a', k + 'missing', k + 'b'), ['hello', null, 'new']);
  assert.equal(await redis.incr(k + 'n'), 1);
  assert.equal(await redis.incrby(k + 'n', 41), 42);
  assert.equal(await redis.decrby(k + 'n', 2), 40);
  assert.equal(await redis.incrbyfloat(k + 'n', 0.25), 40.25);
  assert.equal(await redis.append(k + 'a', ' world'), 11);
  assert.equal(await redis.strlen(k + 'a'), 11);
  assert.equal(await redis.getdel(k + 'a'), 'hello world');
  assert.equal(await redis.get(k + 'a'), null);
  assert.equal(await redis.exists(k + 'a', k + 'b', k + 'n'), 2);
  assert.equal(await redis.getdel(k + 'a'), null);
});

test('numbers: values that look like numbers or JSON come back parsed by the SDK', TIMEOUT, async () => {
  const k = sdk('num');
  await fresh(sdk('num'));
  await redis.set(k + 'int', '42');
  await redis.set(k + 'num', 3.5);
  await redis.set(k + 'dec', '1.50');
  await redis.set(k + 'lead', '007');
  await redis.set(k + 'big', '12345678901234567890');
  await redis.set(k + 'exp', '1e3');
  await redis.set(k + 'bool', 'true');
  await redis.set(k + 'obj', { a: 1, b: [true, null] });
  await redis.set(k + 'neg', -17);
  assert.equal(await redis.get(k + 'int'), 42);
  assert.equal(await redis.get(k + 'num'), 3.5);
  assert.equal(await redis.get(k + 'dec'), '1.50', 'JSON.parse gives 1.5, which does not print as "1.50"');
  assert.equal(await redis.get(k + 'lead'), '007');
  assert.equal(await redis.get(k + 'big'), '12345678901234567890', 'unsafe integers stay strings');
  assert.equal(await redis.get(k + 'exp'), '1e3');
  assert.equal(await redis.get(k + 'bool'), true);
  assert.deepEqual(await redis.get(k + 'obj'), { a: 1, b: [true, null] });
  assert.equal(await redis.get(k + 'neg'), -17);
  assert.deepEqual(await redis.mget(k + 'int', k + 'dec', k + 'neg'), [42, '1.50', -17]);
  // on the wire they are strings: Tether must not turn bulk strings into JSON numbers
  assert.equal((await raw('', JSON.stringify(['get', k + 'int']))).text, '{"result":"42"}');
  assert.equal((await raw('', JSON.stringify(['get', k + 'obj']))).text, '{"result":"{\\"a\\":1,\\"b\\":[true,null]}"}');
  // integer replies are JSON numbers
  assert.equal((await raw('', JSON.stringify(['strlen', k + 'int']))).text, '{"result":2}');
  const noParse = new Redis({ url, token, automaticDeserialization: false });
  assert.equal(await noParse.get(k + 'int'), '42');
  assert.equal(await noParse.get(k + 'obj'), '{"a":1,"b":[true,null]}');
});

test('hashes: hset object, hget, hgetall, hmget, hincrby', TIMEOUT, async () => {
  const k = sdk('hash') + 'user';
  await fresh(sdk('hash'));
  assert.equal(await redis.hset(k, { name: 'ann', age: 42, tags: ['a', 'b'], note: 'x y' }), 4);
  assert.equal(await redis.hget(k, 'name'), 'ann');
  assert.equal(await redis.hget(k, 'age'), 42);
  assert.equal(await redis.hget(k, 'missing'), null);
  assert.deepEqual(await redis.hgetall(k), { name: 'ann', age: 42, tags: ['a', 'b'], note: 'x y' });
  assert.deepEqual(await redis.hmget(k, 'name', 'missing'), { name: 'ann', missing: null });
  assert.equal(await redis.hincrby(k, 'age', 1), 43);
  assert.equal(await redis.hlen(k), 4);
  assert.equal(await redis.hexists(k, 'note'), 1);
  assert.equal(await redis.hdel(k, 'note'), 1);
  assert.deepEqual((await redis.hkeys(k)).sort(), ['age', 'name', 'tags']);
  assert.equal(await redis.hgetall(sdk('hash') + 'none'), null);
  // sdk:hash:user stays: UpstashSdkIT checks it in Redis
});

test('lists: push, range, pop, index, position, trim', TIMEOUT, async () => {
  const k = sdk('list') + 'l';
  await fresh(sdk('list'));
  assert.equal(await redis.rpush(k, 'b', 'c', 'd'), 3);
  assert.equal(await redis.lpush(k, 'a'), 4);
  assert.deepEqual(await redis.lrange(k, 0, -1), ['a', 'b', 'c', 'd']);
  assert.equal(await redis.llen(k), 4);
  assert.equal(await redis.lindex(k, 2), 'c');
  assert.equal(await redis.lpos(k, 'd'), 3);
  assert.equal(await redis.lpop(k), 'a');
  assert.equal(await redis.rpop(k), 'd');
  assert.equal(await redis.rpush(k, 10, 20), 4);
  assert.deepEqual(await redis.lrange(k, 0, -1), ['b', 'c', 10, 20]);
  assert.deepEqual(await redis.lpop(k, 2), ['b', 'c']);
  assert.equal(await redis.ltrim(k, 0, 0), 'OK');
  assert.deepEqual(await redis.lrange(k, 0, -1), [10]);
  assert.equal(await redis.lpop(sdk('list') + 'none'), null);
});

test('sets: add, members, membership, cardinality, algebra', TIMEOUT, async () => {
  const k = sdk('set');
  await fresh(sdk('set'));
  assert.equal(await redis.sadd(k + 'a', 'x', 'y', 'z'), 3);
  assert.equal(await redis.sadd(k + 'a', 'x'), 0);
  assert.equal(await redis.sadd(k + 'b', 'y', 'w'), 2);
  assert.deepEqual((await redis.smembers(k + 'a')).sort(), ['x', 'y', 'z']);
  assert.equal(await redis.sismember(k + 'a', 'y'), 1);
  assert.equal(await redis.sismember(k + 'a', 'w'), 0);
  assert.equal(await redis.scard(k + 'a'), 3);
  assert.deepEqual(await redis.sinter(k + 'a', k + 'b'), ['y']);
  assert.deepEqual((await redis.sunion(k + 'a', k + 'b')).sort(), ['w', 'x', 'y', 'z']);
  assert.equal(await redis.srem(k + 'a', 'z', 'nope'), 1);
  assert.deepEqual((await redis.smembers(k + 'a')).sort(), ['x', 'y']);
});

test('sorted sets: zadd with scores, zrange withScores, zscore, zincrby, zrank', TIMEOUT, async () => {
  const k = sdk('zset') + 'z';
  await fresh(sdk('zset'));
  assert.equal(await redis.zadd(k, { score: 1.5, member: 'a' }, { score: 2, member: 'b' }, { score: -3, member: 'c' }), 3);
  assert.deepEqual(await redis.zrange(k, 0, -1, { withScores: true }), ['c', -3, 'a', 1.5, 'b', 2]);
  assert.deepEqual(await redis.zrange(k, 0, -1), ['c', 'a', 'b']);
  assert.deepEqual(await redis.zrange(k, 0, 1, { rev: true }), ['b', 'a']);
  assert.deepEqual(await redis.zrange(k, 0, 2, { byScore: true, withScores: true }), ['a', 1.5, 'b', 2]);
  assert.equal(await redis.zscore(k, 'a'), 1.5);
  assert.equal(await redis.zscore(k, 'none'), null);
  assert.equal(await redis.zincrby(k, 10, 'c'), 7);
  assert.equal(await redis.zrank(k, 'c'), 2);
  assert.equal(await redis.zcard(k), 3);
  assert.equal(await redis.zadd(k, { xx: true }, { score: 5, member: 'new' }), 0);
  assert.equal(await redis.zcard(k), 3);
});

test('streams: xadd, xrange, xlen, xread (also blocking with a short timeout)', TIMEOUT, async () => {
  const k = sdk('stream') + 's';
  await fresh(sdk('stream'));
  assert.equal(await redis.xadd(k, '1-1', { f: 'v1', n: 1 }), '1-1');
  assert.equal(await redis.xadd(k, '2-1', { f: 'v2', n: 2 }), '2-1');
  const auto = await redis.xadd(k, '*', { f: 'v3' });
  assert.match(auto, /^\d+-\d+$/);
  assert.equal(await redis.xlen(k), 3);
  assert.deepEqual(await redis.xrange(k, '-', '2-1'), { '1-1': { f: 'v1', n: 1 }, '2-1': { f: 'v2', n: 2 } });
  assert.deepEqual(await redis.xrange(k, '-', '+', 1), { '1-1': { f: 'v1', n: 1 } });
  assert.deepEqual(await redis.xread(k, '1-1', { count: 1 }), [[k, [['2-1', ['f', 'v2', 'n', 2]]]]]);
  assert.deepEqual(await redis.xread([k, sdk('stream') + 'none'], ['2-1', '0-0']), [[k, [[auto, ['f', 'v3']]]]]);
  assert.equal(await redis.xread(k, auto), null);
  const started = Date.now();
  assert.equal(await redis.xread(k, '$', { blockMS: 300 }), null);
  const took = Date.now() - started;
  assert.ok(took >= 250 && took < 5000, `blocked ${took} ms`);
});

test('scripts: eval, scriptLoad, evalsha, scriptExists, also in pipelines', TIMEOUT, async () => {
  const k = sdk('script');
  await fresh(sdk('script'));
  recorded();
  // auto-pipelined: this arrives as /pipeline [["eval",…]]
  assert.deepEqual(await redis.eval('return {KEYS[1], ARGV[1], 7}', [k + 'k1'], ['a1']), [k + 'k1', 'a1', 7]);
  assert.deepEqual(recorded().map((r) => [r.path, r.body]),
    [['/pipeline', [['eval', 'return {KEYS[1], ARGV[1], 7}', 1, k + 'k1', 'a1']]]]);
  assert.equal(await single.eval('return {KEYS[1], ARGV[1], 7}', [k + 'k1'], ['a1']).then((r) => r[1]), 'a1');
  assert.equal(await redis.eval("return redis.call('INCRBY', KEYS[1], ARGV[1])", [k + 'n'], [5]), 5);
  const script = "return redis.call('INCRBY', KEYS[1], ARGV[1]) * 2";
  const sha = await redis.scriptLoad(script);
  assert.equal(sha, createHash('sha1').update(script).digest('hex'));
  assert.deepEqual(await redis.scriptExists(sha, '0000000000000000000000000000000000000000'), [1, 0]);
  assert.equal(await redis.evalsha(sha, [k + 'n'], [3]), 16);
  assert.equal(await single.evalsha(sha, [k + 'n'], [1]), 18);
  // NOSCRIPT is a Redis error reply to that one command (400 alone, its own slot in a pipeline), not a 503
  const unknown = '0000000000000000000000000000000000000000';
  const noscript = await rejection(single.evalsha(unknown, [], []));
  assert.equal(noscript.message, `NOSCRIPT No matching script. Please use EVAL., command was: ["evalsha","${unknown}",0]`);
  recorded();
  const [missing, neighbour] = await Promise.allSettled([redis.evalsha(unknown, [], []), redis.incr(k + 'n')]);
  assert.deepEqual([missing.status, missing.reason?.message], ['rejected', 'Command failed: NOSCRIPT No matching script. Please use EVAL.']);
  assert.deepEqual([neighbour.status, neighbour.value], ['fulfilled', 10], 'the other auto-pipelined call is unaffected');
  assert.deepEqual(recorded().map((r) => [r.path, r.body.length, r.status]), [['/pipeline', 2, 200]]);
  // the SDK's Script helper tries EVALSHA first and falls back to EVAL on NOSCRIPT
  const helper = redis.createScript(`return {ARGV[1], '${k}' .. ARGV[2]}`);
  assert.deepEqual(await helper.exec([], ['first', 'x']), ['first', k + 'x']);
  assert.deepEqual(await helper.exec([], ['second', 'y']), ['second', k + 'y']);
  const p = redis.pipeline();
  p.set(k + 'p', 'v').eval('return redis.call("GET", KEYS[1])', [k + 'p'], []).evalsha(sha, [k + 'n'], [1]).get(k + 'n');
  assert.deepEqual(await p.exec(), ['OK', 'v', 22, 11]);
  // A known difference: Tether runs a transaction as one Lua script, and Redis refuses EVAL inside a script,
  // so a script in multi() fails in its own slot while the rest of the transaction runs (Upstash runs it).
  const m = redis.multi();
  m.eval('return {ARGV[1], 1}', [], ['in-multi']).incr(k + 'n');
  const slots = await m.exec({ keepErrors: true });
  assert.deepEqual(slots.map((slot) => [slot.result ?? null, slot.error ?? null]),
    [[null, 'ERR This Redis command is not allowed from script'], [12, null]]);
});

test('scan: match and count, bounded cursor loop', TIMEOUT, async () => {
  await fresh('sdk:scan');
  const expected = [];
  const p = redis.pipeline();
  for (let i = 0; i < 25; i++) {
    expected.push(`sdk:scan:${i}`);
    p.set(`sdk:scan:${i}`, i);
  }
  p.set('sdk:scanx:other', 1);
  await p.exec();
  const found = new Set();
  let cursor = '0';
  let rounds = 0;
  const deadline = Date.now() + 10_000;
  do {
    const [next, keys] = await redis.scan(cursor, { match: 'sdk:scan:*', count: 10 });
    assert.equal(typeof next, 'string');
    keys.forEach((key) => found.add(key));
    cursor = next;
    rounds++;
  } while (cursor !== '0' && rounds < 200 && Date.now() < deadline);
  assert.equal(cursor, '0', `scan did not finish in ${rounds} rounds`);
  assert.ok(rounds > 1, `count 10 should need several rounds, took ${rounds}`);
  assert.deepEqual([...found].sort(), expected.sort());
  assert.deepEqual((await redis.keys('sdk:scan:2?')).sort(), ['sdk:scan:20', 'sdk:scan:21', 'sdk:scan:22', 'sdk:scan:23', 'sdk:scan:24']);
});

test('pipeline: results in order, per-slot errors with keepErrors, one request', TIMEOUT, async () => {
  const k = sdk('pipe');
  await fresh(sdk('pipe'));
  recorded();
  const p = redis.pipeline();
  p.set(k + 'a', 1).incr(k + 'a').get(k + 'a').hset(k + 'h', { f: 'v' }).hgetall(k + 'h').lpush(k + 'l', 'x').lrange(k + 'l', 0, -1);
  assert.equal(p.length(), 7);
  assert.deepEqual(await p.exec(), ['OK', 2, 2, 1, { f: 'v' }, 1, ['x']]);
  const requests = recorded();
  assert.deepEqual(requests.map((r) => r.path), ['/pipeline']);
  assert.equal(requests[0].body.length, 7);

  const failing = redis.pipeline().set(k + 'b', 'v').lpush(k + 'b', 'x').get(k + 'b');
  const error = await rejection(failing.exec());
  assert.equal(error.message, `Command 2 [ lpush ] failed: ${WRONGTYPE}`);

  const kept = await redis.pipeline().incr(k + 'c').lpush(k + 'b', 'x').flushall().get(k + 'c').exec({ keepErrors: true });
  assert.deepEqual(kept.map((slot) => slot.result ?? null), [1, null, null, 1]);
  assert.deepEqual(kept.map((slot) => slot.error ?? null), [null, WRONGTYPE,
    'ERR FLUSHALL is denied by the command policy (tether.commands.allow enables it)', null]);
  assert.equal(await redis.get(k + 'c'), 1, 'a pipeline is not atomic: the other commands ran');
});

test('multi: atomic transaction, errors in slots, a denied command discards it', TIMEOUT, async () => {
  const k = sdk('multi');
  await fresh(sdk('multi'));
  recorded();
  const m = redis.multi();
  m.set(k + 'a', 1).incr(k + 'a').get(k + 'a').sadd(k + 's', 'x');
  assert.deepEqual(await m.exec(), ['OK', 2, 2, 1]);
  assert.deepEqual(recorded().map((r) => [r.path, r.status]), [['/multi-exec', 200]]);

  const failing = redis.multi().set(k + 'b', 'v').lpush(k + 'b', 'x').set(k + 'c', 'after');
  const error = await rejection(failing.exec());
  assert.equal(error.message, `Command 2 [ lpush ] failed: ${WRONGTYPE}`);
  assert.equal(await redis.get(k + 'c'), 'after', 'like MULTI/EXEC, the commands around a failed one ran');

  const kept = await redis.multi().incr(k + 'n').lpush(k + 'b', 'x').incr(k + 'n').exec({ keepErrors: true });
  assert.deepEqual(kept.map((slot) => [slot.result ?? null, slot.error ?? null]), [[1, null], [null, WRONGTYPE], [2, null]]);

  const denied = redis.multi().set(k + 'd', 'never').flushall();
  const refusal = await rejection(denied.exec());
  assert.equal(refusal.message, 'ERR FLUSHALL is denied by the command policy (tether.commands.allow enables it), '
    + `command was: [["set","${k}d","never"],["flushall"]]`);
  assert.deepEqual(recorded().at(-1).status, 403);
  assert.equal(await redis.get(k + 'd'), null, 'a discarded transaction runs nothing');
});

test('auto-pipelining: on by default, concurrent calls share one /pipeline request', TIMEOUT, async () => {
  const k = sdk('auto');
  await fresh(sdk('auto'));
  assert.equal(redis.enableAutoPipelining, true, 'on by default in this SDK version');
  recorded();
  assert.equal(await redis.get(k + 'none'), null);
  assert.deepEqual(recorded().map((r) => [r.path, r.body]), [['/pipeline', [['get', k + 'none']]]]);

  const auto = new Redis({ url, token, enableAutoPipelining: true });
  const before = auto.pipelineCounter;
  const writes = await Promise.all(Array.from({ length: 50 }, (_, i) => auto.set(k + i, `v${i}`)));
  assert.deepEqual(writes, Array(50).fill('OK'));
  const incrs = await Promise.all(Array.from({ length: 40 }, () => auto.incr(k + 'counter')));
  assert.deepEqual(incrs, Array.from({ length: 40 }, (_, i) => i + 1), 'the pipeline keeps the order');
  const reads = await Promise.all(Array.from({ length: 50 }, (_, i) => auto.get(k + i)));
  assert.deepEqual(reads, Array.from({ length: 50 }, (_, i) => `v${i}`));
  assert.equal(auto.pipelineCounter - before, 3);
  const requests = recorded();
  assert.deepEqual(requests.map((r) => [r.path, r.body.length, r.status]),
    [['/pipeline', 50, 200], ['/pipeline', 40, 200], ['/pipeline', 50, 200]]);
  assert.deepEqual(requests[1].body[0], ['incr', k + 'counter']);

  // reads and writes started together go out as two pipelines; an error stays in its own call
  const [value, failed, count] = await Promise.allSettled([
    auto.get(k + '7'), auto.lpush(k + '7', 'x'), auto.incr(k + 'counter')]);
  assert.deepEqual([value.status, value.value], ['fulfilled', 'v7']);
  assert.deepEqual([failed.status, failed.reason.message], ['rejected', `Command failed: ${WRONGTYPE}`]);
  assert.deepEqual([count.status, count.value], ['fulfilled', 41]);
  assert.deepEqual(recorded().map((r) => r.path), ['/pipeline', '/pipeline']);

  const off = new Redis({ url, token, enableAutoPipelining: false });
  await Promise.all(Array.from({ length: 5 }, (_, i) => off.get(k + i)));
  assert.deepEqual(recorded().map((r) => r.path), ['', '', '', '', '']);
});

const BYTES = Uint8Array.from([0x00, 0xff, 0xfe, 0x61, 0x80, 0x0d, 0x0a, 0xc3, 0x28, 0xe2, 0x82]);

test('base64: binary, non-UTF-8 and Unicode values, with and without Upstash-Encoding', TIMEOUT, async () => {
  const k = sdk('bin');
  await fresh(sdk('bin'));
  recorded();
  const unicode = 'héllo ✓ 😀\r\n\u0000tab\t"quote"';
  assert.equal(await redis.set(k + 'u', unicode), 'OK');
  assert.equal(await redis.get(k + 'u'), unicode);
  const [request] = recorded();
  assert.equal(request.headers['Upstash-Encoding'], 'base64', 'the SDK asks for base64 by default');

  // store bytes that are not UTF-8: path style with the body as the last argument, outside the SDK
  const stored = await raw('/set/' + k + 'raw', BYTES);
  assert.deepEqual([stored.status, stored.text], [200, '{"result":"OK"}']);
  const encoded = await raw('', JSON.stringify(['get', k + 'raw']), { 'Upstash-Encoding': 'base64' });
  const result = JSON.parse(encoded.text).result;
  assert.deepEqual(new Uint8Array(Buffer.from(result, 'base64')), BYTES, 'base64 carries the exact bytes');
  assert.equal(result, Buffer.from(BYTES).toString('base64'));

  // the SDK decodes base64 with TextDecoder: invalid sequences become U+FFFD, exactly as it would on Upstash
  const lossy = new TextDecoder().decode(BYTES);
  assert.equal(await redis.get(k + 'raw'), lossy);
  assert.deepEqual(await redis.mget(k + 'raw', k + 'u'), [lossy, unicode]);

  // through the SDK itself: a script writes the bytes, base64 reads them back exactly
  assert.equal(await redis.eval("return redis.call('SET', KEYS[1], ARGV[1] .. string.char(0, 255, 128, 10))",
    [k + 'lua'], ['z']), 'OK');
  const lua = JSON.parse((await raw('', JSON.stringify(['get', k + 'lua']), { 'Upstash-Encoding': 'base64' })).text);
  assert.deepEqual([...Buffer.from(lua.result, 'base64')], [0x7a, 0x00, 0xff, 0x80, 0x0a]);
  assert.equal(await redis.strlen(k + 'lua'), 5);

  // lists and hashes: every string at every depth is base64, integers are not
  await redis.rpush(k + 'list', 'a', unicode, 'OK', 7);
  assert.deepEqual(await redis.lrange(k + 'list', 0, -1), ['a', unicode, 'OK', 7]);
  assert.equal(await redis.ping(), 'PONG');
  assert.equal(await redis.type(k + 'list'), 'list');
  assert.equal(await redis.echo('QUEUED'), 'QUEUED');
  // sdk:bin:raw stays: UpstashSdkIT compares its bytes in Redis
});

test('responseEncoding false: plain JSON strings, no Upstash-Encoding header', TIMEOUT, async () => {
  const k = sdk('plain');
  await fresh(sdk('plain'));
  const plain = new Redis({ url, token, responseEncoding: false });
  recorded();
  const unicode = 'plain ✓ 😀\n\u0001';
  assert.equal(await plain.set(k + 'u', unicode), 'OK');
  assert.equal(await plain.get(k + 'u'), unicode);
  const requests = recorded();
  assert.equal(requests.length, 2);
  assert.ok(requests.every((r) => !('Upstash-Encoding' in r.headers)), JSON.stringify(requests[0].headers));
  assert.equal(await plain.ping(), 'PONG');
  await plain.rpush(k + 'l', 'a', '12', 'OK');
  assert.deepEqual(await plain.lrange(k + 'l', 0, -1), ['a', 12, 'OK']);
  assert.deepEqual(await plain.hset(k + 'h', { a: 'x' }).then(() => plain.hgetall(k + 'h')), { a: 'x' });
  // bytes that are not UTF-8 arrive as text decoded by the server: U+FFFD for each bad sequence
  await raw('/set/' + k + 'raw', BYTES);
  assert.equal(await plain.get(k + 'raw'), '\u0000\ufffd\ufffda\ufffd\r\n\ufffd(\ufffd');
  assert.equal(await plain.get(k + 'raw'), new TextDecoder().decode(BYTES));
});

test('errors: WRONGTYPE rejects with the Redis message, a wrong token rejects, FLUSHALL is denied (403)', TIMEOUT, async () => {
  const k = sdk('err');
  await fresh(sdk('err'));
  await redis.set(k + 's', 'v');
  const auto = await rejection(redis.lpush(k + 's', 'x'));
  assert.equal(auto.name, 'UpstashError');
  assert.equal(auto.message, `Command failed: ${WRONGTYPE}`);
  const direct = await rejection(single.lpush(k + 's', 'x'));
  assert.equal(direct.name, 'UpstashError');
  assert.equal(direct.message, `${WRONGTYPE}, command was: ["lpush","${k}s","x"]`);
  const nonNumber = await rejection(single.incr(k + 's'));
  assert.equal(nonNumber.message, `ERR value is not an integer or out of range, command was: ["incr","${k}s"]`);

  recorded();
  const bad = await rejection(new Redis({ url, token: 'not-the-token' }).get(k + 's'));
  assert.equal(bad.name, 'UpstashError');
  assert.equal(bad.message, `ERR invalid token, command was: [["get","${k}s"]]`);
  assert.deepEqual(recorded().map((r) => [r.path, r.status]), [['/pipeline', 401]], 'not retried');
  const badSingle = await rejection(new Redis({ url, token: 'not-the-token', enableAutoPipelining: false }).set(k + 's', 'w'));
  assert.equal(badSingle.message, `ERR invalid token, command was: ["set","${k}s","w"]`);

  recorded();
  const flush = await rejection(redis.flushall());
  assert.equal(flush.message, 'ERR FLUSHALL is denied by the command policy (tether.commands.allow enables it), command was: ["flushall"]');
  const flushdb = await rejection(redis.flushdb());
  assert.equal(flushdb.message, 'ERR FLUSHDB is denied by the command policy (tether.commands.allow enables it), command was: ["flushdb"]');
  assert.deepEqual(recorded().map((r) => [r.path, r.status]), [['', 403], ['', 403]]);
  assert.equal(await redis.get(k + 's'), 'v', 'nothing was flushed, nothing overwritten');
  const denied = await raw('', '["FLUSHALL"]');
  assert.deepEqual([denied.status, JSON.parse(denied.text)],
    [403, { error: 'ERR FLUSHALL is denied by the command policy (tether.commands.allow enables it)' }]);
});

test('read-your-writes: the SDK sends back the sync token of the previous response', TIMEOUT, async () => {
  const k = sdk('ryw');
  await fresh(sdk('ryw'));
  const client = new Redis({ url, token, enableAutoPipelining: false });
  recorded();
  assert.equal(await client.set(k + 'a', 'one'), 'OK');
  assert.equal(await client.get(k + 'a'), 'one');
  assert.equal(await client.incr(k + 'n'), 1);
  const requests = recorded();
  assert.equal(requests.length, 3);
  assert.equal(requests[0].headers['upstash-sync-token'], '', 'a new client starts with an empty token');
  for (let i = 0; i < requests.length; i++) {
    assert.match(requests[i].syncToken, /^\S+$/, `response ${i} carries a token`);
    if (i > 0) {
      assert.equal(requests[i].headers['upstash-sync-token'], requests[i - 1].syncToken);
      assert.notEqual(requests[i].syncToken, requests[i - 1].syncToken, 'the token changes on every response');
    }
  }
  assert.equal(client.readYourWritesSyncToken, requests[2].syncToken);

  // a second client handed the first one's token (the documented way to share it) reads the write
  const other = new Redis({ url, token });
  other.readYourWritesSyncToken = client.readYourWritesSyncToken;
  assert.equal(await other.get(k + 'a'), 'one');
  assert.equal(recorded()[0].headers['upstash-sync-token'], requests[2].syncToken);

  // an unknown or stale token from elsewhere does not break anything
  client.readYourWritesSyncToken = 'some-other-server-token';
  assert.equal(await client.get(k + 'n'), 1);

  recorded();
  const off = new Redis({ url, token, readYourWrites: false });
  assert.equal(await off.set(k + 'b', 'two'), 'OK');
  assert.equal(await off.get(k + 'b'), 'two');
  assert.ok(recorded().every((r) => !('upstash-sync-token' in r.headers)), 'readYourWrites: false sends no token');
});

// ---- pub/sub: POST /redis/subscribe/<channel> and /redis/psubscribe/<pattern>, Server-Sent Events ----

/** Waits until check() is true (polling), or fails naming what was awaited. */
async function until(what, check, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** PUBSUB NUMSUB <channel> through Tether's command route. */
async function numsub(channel) {
  const r = await raw('', JSON.stringify(['PUBSUB', 'NUMSUB', channel]));
  return JSON.parse(r.text).result[1];
}

test('pub/sub: subscribe, subscription count, JSON and plain payloads, 100 messages in order', TIMEOUT, async () => {
  const ch = 'sdk:ps:one';
  const sub = redis.subscribe([ch]);
  const counts = [];
  const messages = [];
  const onChannel = [];
  sub.on('subscribe', (n) => counts.push(n));
  sub.on('message', (m) => messages.push(m));
  sub.on(`message:${ch}`, (m) => onChannel.push(m.message));
  try {
    await until('the subscribe event', () => counts.length === 1);
    assert.deepEqual(counts, [1]);
    assert.deepEqual(sub.getSubscribedChannels(), [ch]);
    assert.equal(await redis.publish(ch, { order: 7, items: ['a', 'b'] }), 1);
    assert.equal(await redis.publish(ch, 'plain text, with a comma'), 1);
    for (let i = 0; i < 100; i++) {
      await redis.publish(ch, `n${i}`);
    }
    await until('102 messages', () => messages.length === 102);
    assert.deepEqual(messages[0], { channel: ch, message: { order: 7, items: ['a', 'b'] } });
    assert.deepEqual(messages[1], { channel: ch, message: 'plain text, with a comma' });
    assert.deepEqual(messages.slice(2).map((m) => m.message), Array.from({ length: 100 }, (_, i) => `n${i}`));
    assert.equal(onChannel.length, 102);
  } finally {
    await sub.unsubscribe();
  }
  await until('the Redis subscription to end after unsubscribe', async () => (await numsub(ch)) === 0);
});

test('pub/sub: several channels, unsubscribe of one, the others keep receiving', TIMEOUT, async () => {
  const [a, b] = ['sdk:ps:a', 'sdk:ps:b'];
  const sub = redis.subscribe([a, b]);
  const counts = [];
  const got = [];
  sub.on('subscribe', (n) => counts.push(n));
  sub.on('message', (m) => got.push(`${m.channel}=${m.message}`));
  try {
    await until('two subscribe events', () => counts.length === 2);
    assert.deepEqual(counts, [1, 1], 'the SDK opens one stream per channel, each counts 1');
    await redis.publish(a, 'to-a');
    await redis.publish(b, 'to-b');
    await until('two messages', () => got.length === 2);
    assert.deepEqual(got.sort(), [`${a}=to-a`, `${b}=to-b`]);

    await sub.unsubscribe([a]);
    assert.deepEqual(sub.getSubscribedChannels(), [b]);
    // the server notices the closed stream at its next write (a keep-alive) and leaves the channel in Redis
    await until('channel a to lose its Redis subscription', async () => (await numsub(a)) === 0);
    assert.equal(await numsub(b), 1);
    assert.equal(await redis.publish(a, 'nobody'), 0);
    await redis.publish(b, 'still');
    await until('the third message', () => got.length === 3);
    assert.equal(got[2], `${b}=still`);
  } finally {
    await sub.unsubscribe();
  }
});

test('pub/sub: psubscribe and subscribe together; pmessage carries pattern and channel', TIMEOUT, async () => {
  const pattern = 'sdk:ps:p:*';
  const channel = 'sdk:ps:p:1';
  const psub = redis.psubscribe([pattern]);
  const sub = redis.subscribe([channel]);
  const pcounts = [];
  const counts = [];
  const pmessages = [];
  const messages = [];
  psub.on('psubscribe', (n) => pcounts.push(n));
  psub.on('pmessage', (m) => pmessages.push(m));
  sub.on('subscribe', (n) => counts.push(n));
  sub.on('message', (m) => messages.push(m));
  try {
    await until('both subscriptions', () => pcounts.length === 1 && counts.length === 1);
    assert.deepEqual([pcounts, counts], [[1], [1]]);
    // On a cluster PUBLISH counts the subscribers of the node it ran on (Redis's rule): Tether sends it to the
    // channel's slot, where the channel subscription is; the pattern's may live on another master.
    const receivers = await redis.publish(channel, { n: 1 });
    if (cluster) {
      assert.ok(receivers === 1 || receivers === 2, `receivers ${receivers}`);
    } else {
      assert.equal(receivers, 2, 'one pattern and one channel subscriber in Redis');
    }
    // (the SDK JSON-parses pmessage payloads without a fallback: a plain-text one reaches its error listeners)
    await redis.publish('sdk:ps:p:2', ['only', 'the pattern']);
    await until('three deliveries', () => pmessages.length === 2 && messages.length === 1);
    assert.deepEqual(pmessages, [
      { pattern, channel, message: { n: 1 } },
      { pattern, channel: 'sdk:ps:p:2', message: ['only', 'the pattern'] },
    ]);
    assert.deepEqual(messages, [{ channel, message: { n: 1 } }]);
  } finally {
    await psub.unsubscribe();
    await sub.unsubscribe();
  }
});

test('pub/sub: a wrong token reaches the error listener; the wire events are plain SSE data lines', TIMEOUT, async () => {
  const bad = new Redis({ url, token: 'wrong-token' }).subscribe(['sdk:ps:denied']);
  const errors = [];
  bad.on('error', (e) => errors.push(e));
  await until('the error event', () => errors.length === 1);
  assert.match(String(errors[0].message), /invalid token/);
  await bad.unsubscribe();

  // the wire format itself, as the SDK's parser reads it
  const controller = new AbortController();
  const res = await realFetch(`${url}/subscribe/sdk:ps:wire`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    body: '[]',
    signal: controller.signal,
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/event-stream/);
  const reader = res.body.getReader();
  let text = '';
  while (!text.includes('data: subscribe,sdk:ps:wire,1\n\n')) {
    text += new TextDecoder().decode((await reader.read()).value);
  }
  await redis.publish('sdk:ps:wire', 'x');
  while (!text.includes('data: message,sdk:ps:wire,x\n\n')) {
    text += new TextDecoder().decode((await reader.read()).value);
  }
  controller.abort();
});
