// Drives the Redis console and the API page in the system Chromium: run commands (timing, history, refusals),
// browse and filter keys, page a list, edit a TTL, delete with confirmation, see a published message, and check
// that values holding markup stay text. Env: CONSOLE_URL (the deployment, on 127.0.0.1, with a trailing slash),
// TOKEN, SHOTS (a folder for the screenshots). Exit code 0 and "all checks passed" on success.
import { chromium } from 'playwright-core';

const base = process.env.CONSOLE_URL;
if (!base || !base.startsWith('http://127.0.0.1:')) throw new Error('CONSOLE_URL must be on 127.0.0.1, got ' + base);
const token = process.env.TOKEN;
const shots = process.env.SHOTS;
const step = (msg) => console.log('console page: ' + msg);
const check = (ok, msg) => { if (!ok) throw new Error(msg); };
const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

async function open(viewport) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('pageerror', (e) => { console.error('page error: ' + e); process.exitCode = 1; });
  page.on('dialog', (d) => d.accept());
  await page.goto(base + 'console.html');
  await page.fill('#token', token);
  await page.press('#token', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('#key-rows tr').length > 0, null, { timeout: 10000 });
  return page;
}

async function run(page, line) {
  const before = await page.textContent('#reply-meta');
  await page.fill('#command', line);
  await page.press('#command', 'Enter');
  await page.waitForFunction((b) => document.querySelector('#reply-meta').textContent !== b, before, { timeout: 10000 });
  return { meta: await page.textContent('#reply-meta'), body: await page.textContent('#reply-body'),
    error: await page.evaluate(() => document.querySelector('#reply').classList.contains('error')) };
}

async function scan(page, match, type) {
  await page.fill('#match', match);
  await page.selectOption('#type', type);
  await page.click('#scan-form button[type=submit]');
  await page.waitForFunction(() => /scan complete|more to scan/.test(document.querySelector('#scan-meta').textContent),
    null, { timeout: 10000 });
  await page.waitForTimeout(200);
  return page.$$eval('#key-rows tr', (rows) => rows.map((r) => r.dataset.key));
}

async function openKey(page, key) {
  await page.click(`#key-rows tr[data-key="${key}"]`);
  await page.waitForFunction((k) => document.querySelector('#value-key').textContent === k
    && !document.querySelector('#value-panel').hidden, key, { timeout: 10000 });
}

try {
  const page = await open({ width: 1280, height: 900 });

  let r = await run(page, `SET "hello world" "it's <b>bold</b>"`);
  check(!r.error && r.body === '"OK"', 'SET: ' + JSON.stringify(r));
  check(/^200 · \d+\.\d ms · SET$/.test(r.meta), 'no timing in ' + r.meta);
  r = await run(page, 'GET "hello world"');
  check(r.body === `"it's <b>bold</b>"`, 'GET: ' + r.body);
  await page.press('#command', 'ArrowUp');
  check(await page.inputValue('#command') === 'GET "hello world"', 'ArrowUp did not recall the last command');
  await page.press('#command', 'ArrowUp');
  check((await page.inputValue('#command')).startsWith('SET "hello world"'), 'ArrowUp twice did not recall SET');
  await page.press('#command', 'ArrowDown');
  check(await page.inputValue('#command') === 'GET "hello world"', 'ArrowDown did not go forward');
  r = await run(page, 'FLUSHALL');
  check(r.error && r.meta.startsWith('403') && r.body.includes('denied by the command policy'), 'FLUSHALL: ' + JSON.stringify(r));
  r = await run(page, 'NOSUCHCMD x');
  check(r.error && r.meta.startsWith('400') && r.body.includes('unknown command'), 'unknown: ' + JSON.stringify(r));
  step('commands run, with timing, history, and clear refusals');

  let keys = await scan(page, 'user:*', 'hash');
  check(keys.length === 2 && keys.every((k) => k.startsWith('user:')), 'filtered scan: ' + keys);
  keys = await scan(page, '*', 'zset');
  check(keys.length === 1 && keys[0] === 'scores', 'type filter: ' + keys);
  await scan(page, 'user:*', '');
  await openKey(page, 'user:1');
  const cells = await page.$$eval('#value td', (tds) => tds.map((td) => td.textContent));
  check(cells.includes('name') && cells.includes('Ada'), 'hash table: ' + cells);
  check(await page.textContent('#value-type') === 'hash', 'type pill');
  await page.fill('#ttl', '500');
  await page.click('#ttl-form button[type=submit]');
  await page.waitForFunction(() => /^(500|499) s$/.test(document.querySelector('#key-rows tr[data-key="user:1"]').cells[2].textContent),
    null, { timeout: 10000 });
  step('keys browsed and filtered by pattern and type; a TTL edited');

  await scan(page, '*', '');
  while (!(await page.$('#key-rows tr[data-key="greeting"]')) && await page.isVisible('#scan-more')) {
    await page.click('#scan-more');
    await page.waitForTimeout(300);
  }
  await openKey(page, 'greeting');
  check(await page.textContent('#value pre') === XSS, 'the value is not shown as its text');
  check(await page.$$eval('#value img, #value script', (e) => e.length) === 0, 'markup from a value became elements');
  check(await page.evaluate(() => window.__xss) === undefined, 'a script from a value ran');
  step('a value holding <script> is shown as text');

  await scan(page, 'queue', '');
  await openKey(page, 'queue');
  check(await page.$$eval('#value ol.items li', (li) => li.length) === 50, 'first list page');
  await page.click('#value-more');
  await page.waitForFunction(() => document.querySelectorAll('#value ol.items li').length === 100, null, { timeout: 10000 });
  check(await page.textContent('#value ol.items li:nth-child(100)') === 'item 99', 'list page order');
  step('a list paged');

  await scan(page, 'hello*', '');
  await openKey(page, 'hello world');
  await page.click('#delete-key');
  await page.waitForFunction(() => !document.querySelector('#key-rows tr[data-key="hello world"]')
    && document.querySelector('#value-panel').hidden, null, { timeout: 10000 });
  step('a key deleted after confirmation');

  await page.fill('#channel', 'news');
  await page.click('#subscribe');
  await page.waitForFunction(() => document.querySelector('#sub-state').textContent === 'subscribed to news', null, { timeout: 10000 });
  await page.fill('#publish', '<i>breaking</i> news');
  await page.press('#publish', 'Enter');
  await page.waitForFunction(() => document.querySelector('#messages').textContent.includes('<i>breaking</i> news'),
    null, { timeout: 10000 });
  check(await page.$$eval('#messages i', (e) => e.length) === 0, 'a message became markup');
  check((await page.textContent('#reply-body')).includes('delivered to 1 subscriber'), 'publish result');
  step('a published message arrived on the subscribe panel');

  await scan(page, '*', '');
  await openKey(page, 'user:1');
  const shownTtl = Number(await page.inputValue('#ttl'));
  check(shownTtl > 400 && shownTtl <= 500, 'the TTL field shows ' + shownTtl);
  await page.screenshot({ path: shots + '/console.png', fullPage: true });

  const phone = await open({ width: 390, height: 844 });
  await scan(phone, 'user:*', '');
  await openKey(phone, 'user:1');
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  check(width <= 391, 'the console is wider than a phone: ' + width + ' px');
  await phone.screenshot({ path: shots + '/console-phone.png', fullPage: true });
  step('fits a phone-sized screen');

  const api = await page.context().newPage();
  api.on('pageerror', (e) => { console.error('api page error: ' + e); process.exitCode = 1; });
  await api.goto(base + 'api.html');
  await api.waitForFunction(() => document.querySelectorAll('.opblock').length >= 30, null, { timeout: 20000 });
  const text = await api.textContent('#swagger-ui');
  check(text.includes('/api/keys/{key}') && text.includes('/redis/pipeline') && text.includes('/health/ready'),
    'the API page misses routes');
  check(!text.includes('Errors') || !(await api.$('.errors-wrapper')), 'Swagger UI reports errors in the document');
  await api.screenshot({ path: shots + '/api.png' });
  step('the API page renders /openapi');

  console.log('console page: all checks passed');
} finally {
  await browser.close();
}
