// Drives the chat page in the system Chromium: two people chat, markup stays text, a dropped socket loses nothing,
// line breaks, safe links, grouping, date separators, the room switcher with unread counts, dark mode, 360 px.
// Env: CHAT_URL (the page, on 127.0.0.1), SCREENSHOT (a .png path; -dark and -360 variants are written beside it),
// TOKEN (only for a deployment with tether.chat.token: checks the page with and without it, nothing else).
// Exit code 0 and "all checks passed" on success.
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

async function openAs(browser, name, { width = 1000, height = 700, query = '', online = true } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.on('pageerror', (e) => { console.error('page error: ' + e); process.exitCode = 1; });
  await page.addInitScript(recorder);
  await page.goto(url + query + '#' + room);
  if (await page.inputValue('#room') !== room) throw new Error('the room was not taken from the URL hash');
  await page.fill('#name', name);
  await page.press('#name', 'Enter');
  if (!online) return page;
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
const check = (ok, what) => { if (!ok) throw new Error(what); };
const shot = (suffix) => (process.env.SCREENSHOT || 'chat-page.png').replace(/\.png$/, suffix + '.png');

async function tokenChecks() {
  const without = await openAs(browser, 'nobody', { online: false });
  await without.waitForSelector('#status[data-state="offline"]', { timeout: 15000 });
  const hint = await without.textContent('#status');
  check(hint.includes('?token='), 'no hint about the token: ' + hint);
  step('without the token the page stays offline and says why: "' + hint + '"');
  const withToken = await openAs(browser, 'insider', { query: '?token=' + encodeURIComponent(process.env.TOKEN) });
  const socket = await withToken.evaluate(() => window.__sockets.at(-1).url);
  check(socket.includes('token='), 'the page did not forward its token: ' + socket);
  await say(withToken, 'inside');
  await waitForText(withToken, 'inside');
  step('with ?token= the page forwards it and chats');
}

try {
  if (process.env.TOKEN) {
    await tokenChecks();
    step('all checks passed');
    process.exit(process.exitCode || 0);
  }
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

  // Shift+Enter is a new line, Enter sends; the line break is kept
  await alice.fill('#text', 'line one');
  await alice.press('#text', 'Shift+Enter');
  await alice.type('#text', 'line two');
  await alice.press('#text', 'Enter');
  await waitForText(bob, 'line one\nline two');
  const lines = await bob.$eval('#messages li.msg:last-child .text', (e) => e.getClientRects()[0].height / parseFloat(getComputedStyle(e).lineHeight));
  check(lines >= 1.9, 'the line break is not shown: ' + lines + ' lines');
  step('Shift+Enter: one message of two lines');

  // links: http(s) only, rel="noopener noreferrer", the text unchanged
  const linkText = 'see https://example.com/a?b=1, not javascript:alert(1) or <b>bold</b>';
  await say(bob, linkText);
  await waitForText(alice, linkText);
  const links = await alice.$$eval('#messages li.msg:last-child .text a', (as) => as.map((a) => [a.href, a.rel, a.target, a.textContent]));
  check(JSON.stringify(links) === JSON.stringify([['https://example.com/a?b=1', 'noopener noreferrer', '_blank', 'https://example.com/a?b=1']]),
    'links: ' + JSON.stringify(links));
  check(await alice.$$eval('#messages b', (b) => b.length) === 0, 'markup rendered');
  step('links clickable safely: ' + JSON.stringify(links[0]));

  // grouping: bob's two messages in a row show his name once; own and others' look different
  await say(bob, 'second in a row');
  await waitForText(alice, 'second in a row');
  const group = await alice.$$eval('#messages li.msg', (lis) => lis.slice(-2).map((li) => [li.className,
    getComputedStyle(li.querySelector('.head')).display]));
  check(group[0][0].includes('theirs') && !group[0][0].includes('cont') && group[1][0].includes('cont') && group[1][1] === 'none',
    'grouping: ' + JSON.stringify(group));
  const colours = await alice.evaluate(() => {
    const bg = (sel) => getComputedStyle(document.querySelector('#messages li.msg' + sel)).backgroundColor;
    const align = (sel) => getComputedStyle(document.querySelector('#messages li.msg' + sel)).alignSelf;
    return [bg('.mine'), bg('.theirs'), align('.mine'), align('.theirs')];
  });
  check(colours[0] !== colours[1] && colours[2] === 'flex-end' && colours[3] === 'flex-start', 'own vs others: ' + colours);
  step('consecutive messages grouped; own ' + colours[0] + ' on the right, others ' + colours[1] + ' on the left');

  // a date separator before the first message of a day, the full timestamp on hover
  const day = await alice.$$eval('#messages li.day', (d) => d.map((e) => e.textContent));
  check(day.length >= 1 && day.at(-1) === 'Today', 'date separators: ' + JSON.stringify(day));
  const title = await alice.$eval('#messages li.msg time', (t) => t.title);
  check(title.includes(String(new Date().getFullYear())) && /\d:\d\d:\d\d/.test(title), 'timestamp on hover: ' + title);
  step('date separator "' + day[0] + '", hover shows "' + title + '"');

  // the room switcher: alice joins a second room; bob's message in the first is counted as unread
  const second = room + '-b';
  await alice.fill('#new-room', second);
  await alice.press('#new-room', 'Enter');
  await alice.waitForFunction((r) => location.hash === '#' + r && document.querySelector('#room-label').textContent.includes(r)
    && document.querySelector('#status').dataset.state === 'online', second, { timeout: 10000 });
  check(await alice.$$eval('#messages li.msg', (l) => l.length) === 0, 'the new room shows the old room\'s messages');
  await say(bob, 'while you look elsewhere');
  await alice.waitForFunction((r) => document.querySelector(`#rooms button[data-room="${r}"] .unread`)?.textContent === '1',
    room, { timeout: 10000 });
  check((await alice.title()).startsWith('(1) '), 'tab title: ' + await alice.title());
  step('unread: badge 1 on #' + room + ', tab title "' + await alice.title() + '"');
  await alice.screenshot({ path: shot('-rooms'), fullPage: true });
  await alice.click(`#rooms button[data-room="${room}"]`);
  await alice.waitForFunction((r) => location.hash === '#' + r, room, { timeout: 5000 });
  await waitForText(alice, 'while you look elsewhere');
  check(!(await alice.title()).startsWith('('), 'title still counts: ' + await alice.title());
  check(await alice.$$eval('#rooms .unread', (u) => u.length) === 0, 'badge not cleared');
  step('one click back: hash #' + room + ', the message there, badge and title cleared');

  await alice.screenshot({ path: process.env.SCREENSHOT || 'chat-page.png', fullPage: true });
  step('screenshot ' + (process.env.SCREENSHOT || 'chat-page.png'));

  // dark mode follows prefers-color-scheme
  await alice.emulateMedia({ colorScheme: 'dark' });
  const dark = await alice.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check(dark === 'rgb(18, 21, 28)', 'dark background: ' + dark);
  await alice.screenshot({ path: shot('-dark'), fullPage: true });
  step('dark mode: background ' + dark);

  // the favicon is served
  const icon = await alice.evaluate(async () => {
    const href = document.querySelector('link[rel="icon"]').href;
    const r = await fetch(href);
    return [r.status, r.headers.get('content-type')];
  });
  check(icon[0] === 200 && icon[1].startsWith('image/svg+xml'), 'favicon: ' + icon);

  // 360 px wide: nothing wider than the screen, everything reachable
  const phone = await openAs(browser, 'carol', { width: 360, height: 740 });
  await say(phone, 'from a phone with a long word: ' + 'x'.repeat(80));
  await waitForText(phone, 'from a phone with a long word: ' + 'x'.repeat(80));
  const widths = await phone.evaluate(() => [document.documentElement.scrollWidth,
    ...['#text', '#send', '#leave', '#messages', '#rooms'].map((s) => Math.round(document.querySelector(s).getBoundingClientRect().right))]);
  check(widths.every((w) => w <= 360), 'wider than 360 px: ' + widths);
  await phone.screenshot({ path: shot('-360'), fullPage: true });
  step('360 px: page ' + widths[0] + ' px wide; favicon ' + icon.join(' '));
  if (!process.exitCode) step('all checks passed');
} finally {
  await browser.close();
}
