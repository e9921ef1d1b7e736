// Rendering for the chat page: everything a user wrote goes into the DOM as text; links become <a> elements only
// for http and https, with rel="noopener noreferrer".
const GROUP_MS = 5 * 60 * 1000;
const LINK = /\bhttps?:\/\/[^\s<>"']+/g;

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Text with its links made clickable; line breaks are kept by CSS (white-space: pre-wrap). */
export function linkify(text) {
  const out = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    let href = match[0].replace(/[.,;:!?)\]]+$/, '');
    let url;
    try { url = new URL(href); } catch { continue; }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    out.append(text.slice(last, match.index));
    const a = el('a', null, href);
    a.href = url.href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    out.append(a);
    last = match.index + href.length;
  }
  out.append(text.slice(last));
  return out;
}

function dayLabel(when) {
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (when.toDateString() === today.toDateString()) return 'Today';
  if (when.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return when.toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
}

/**
 * Appends message m to list: a date separator when the day changes, grouped under the previous message when the
 * same author wrote it less than five minutes before.
 */
export function appendMessage(list, m, mine) {
  const when = new Date(m.ts);
  const day = when.toDateString();
  const previous = list.lastElementChild;
  if (list.dataset.day !== day) {
    list.dataset.day = day;
    const separator = el('li', 'day', dayLabel(when));
    separator.setAttribute('role', 'separator');
    list.append(separator);
  }
  const li = el('li', 'msg ' + (mine ? 'mine' : 'theirs'));
  li.dataset.id = m.id;
  li.dataset.from = m.from;
  li.dataset.ts = String(m.ts);
  if (previous && previous === list.lastElementChild && previous.classList.contains('msg')
      && previous.dataset.from === m.from && m.ts - Number(previous.dataset.ts) < GROUP_MS) {
    li.classList.add('cont');
  }
  const head = el('div', 'head');
  const time = el('time', null, when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  time.dateTime = when.toISOString();
  time.title = when.toLocaleString([], { dateStyle: 'full', timeStyle: 'medium' });
  head.append(el('span', 'from', m.from), time);
  const text = el('div', 'text');
  text.append(linkify(m.text));
  li.append(head, text);
  append(list, li);
}

export function appendNotice(list, text, bad) {
  append(list, el('li', 'notice' + (bad ? ' bad' : ''), text));
}

function append(list, li) {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(li);
  if (atBottom) list.scrollTop = list.scrollHeight;
}
