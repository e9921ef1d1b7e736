// Drives the chat page in the system Chromium: two people chat, markup stays text, a dropped socket loses nothing.
// Env: CHAT_URL (the page, on 127.0.0.1), SCREENSHOT (a .png path). Exit code 0 and "all checks passed" on success.
import { chromium } from 'playwright-core';

const url = process.env.CHAT_URL;
if (!url || !url.startsWith('http://127.0.0.1:')) throw new Error('CHAT_URL must be on 127.0.0.1, got ' + url);
const room = 'pw' + Date.now();
const step = (msg) => console.log('chat page: ' + msg);

// records every socket and every frame it receives, to check how the page resumed
const recorder = () => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.__frames = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      const index = window.__sockets.push(this) - 1;
      this.addEventListener('message', (e) => window.__frames.push({ socket: index, data: e.data }));
    }
  };
};

async function openAs(browser, name) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => { console.error('page error: ' + e); process.exitCode = 1; });
  await page.addInitScript(recorder);
  await page.goto(url + '#' + room);
  if (await page.inputValue('#room') !== room) throw new Error('the room was not taken from the URL hash');
  await page.fill('#name', name);
  await page.press('#name', 'Enter');
  await page.waitForSelector('#status[data-state="online"]', { timeout: 10000 });
  if (await page.isVisible('#join') || !(await page.isVisible('#messages'))) throw new Error('the join form did not give way');
  return page;
}

async function say(page, text) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
}

const texts = (page) => page.$$eval('#messages li.msg .text', (els) => els.map((e) => e.textContent));

async function waitForText(page, text, timeout = 10000) {
  await page.waitForFunction((t) => [...document.querySelectorAll('#messages li.msg .text')].some((e) => e.textContent === t),
    text, { timeout });
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const alice = await openAs(browser, 'alice');
  const bob = await openAs(browser, 'bob');
  await alice.waitForFunction(() => document.querySelector('#users').textContent.includes('bob'), null, { timeout: 10000 });
  await alice.waitForFunction(() => document.querySelector('#messages').textContent.includes('bob joined'), null, { timeout: 10000 });
  step('both joined; presence and join notice shown');

  await say(alice, 'hello bob');
  await waitForText(bob, 'hello bob');
  const row = await bob.$eval('#messages li.msg', (li) => ({
    from: li.querySelector('.from').textContent, time: li.querySelector('time').textContent }));
  if (row.from !== 'alice' || !/\d/.test(row.time)) throw new Error('author or time missing: ' + JSON.stringify(row));
  step('a message reached the other context with author and time');

  const markup = '<img src=x onerror="window.__xss=1">';
  await say(bob, markup);
  await waitForText(alice, markup);
  const injected = await alice.evaluate(() => document.querySelectorAll('#messages img').length + (window.__xss ? 100 : 0));
  if (injected !== 0) throw new Error('markup was rendered as HTML');
  step('markup shown as text');

  // the server drops alice's socket (an oversized frame is closed with 1009); bob talks while she is away
  await alice.evaluate(() => window.__sockets.at(-1).send('x'.repeat(70000)));
  await alice.waitForSelector('#status[data-state="offline"]', { timeout: 10000 });
  const downText = await alice.textContent('#status');
  const away = ['while away 1', 'while away 2', 'while away 3'];
  for (const text of away) await say(bob, text);
  await alice.waitForSelector('#status[data-state="online"]', { timeout: 15000 });
  for (const text of away) await waitForText(alice, text);
  const all = await texts(alice);
  const expected = ['hello bob', markup, ...away];
  if (JSON.stringify(all) !== JSON.stringify(expected)) throw new Error('alice has ' + JSON.stringify(all));
  const resumed = await alice.evaluate(() => window.__sockets.at(-1).url);
  if (!/[?&]since=\d+-\d+/.test(resumed)) throw new Error('the reconnect did not resume with since: ' + resumed);
  const notices = await alice.textContent('#messages');
  if (!notices.includes('Connection lost') || !notices.includes('Connection is back')) throw new Error('no down/up notices');
  step('dropped socket: "' + downText + '", reconnected with ' + new URL(resumed).search + ', nothing lost');

  await alice.screenshot({ path: process.env.SCREENSHOT || 'chat-page.png', fullPage: true });
  step('screenshot ' + (process.env.SCREENSHOT || 'chat-page.png'));
  if (!process.exitCode) step('all checks passed');
} finally {
  await browser.close();
}
