// Tether chat page: one WebSocket per joined room (so unread counts stay live), everything rendered as text,
// reconnects with backoff and resumes with ?since=<last message id> so no message is missed.
import { appendMessage, appendNotice, el } from './chat-render.js';

const MAX_ROOMS = 8;
const $ = (id) => document.getElementById(id);
const els = {
  join: $('join'), name: $('name'), room: $('room'), joinError: $('join-error'), chat: $('chat'),
  lists: $('lists'), users: $('users'), count: $('online-count'), composer: $('composer'), text: $('text'),
  send: $('send'), leave: $('leave'), status: $('status'), roomLabel: $('room-label'), rooms: $('rooms'),
  addRoom: $('add-room'), newRoom: $('new-room'),
};
const state = { name: '', active: null, rooms: new Map(), token: null };
const TITLE = document.title;

function store(key, value) {
  try { localStorage.setItem(key, JSON.stringify(value)); } catch { /* private mode */ }
}
function stored(key, fallback) {
  try { return JSON.parse(localStorage.getItem(key)) ?? fallback; } catch { return fallback; }
}

// a private chat (tether.chat.token) is opened as ...?token=…; the page keeps it for this tab and forwards it
state.token = new URLSearchParams(location.search).get('token');
try {
  if (state.token) sessionStorage.setItem('tether.chat.token', state.token);
  else state.token = sessionStorage.getItem('tether.chat.token');
} catch { /* private mode */ }

function socketUrl(room) {
  const url = new URL('ws/chat/' + encodeURIComponent(room.name), location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  url.search = '';
  url.searchParams.set('name', state.name);
  if (room.lastId) url.searchParams.set('since', room.lastId);
  if (state.token) url.searchParams.set('token', state.token);
  return url.href;
}

function setStatus(kind, text) {
  els.status.dataset.state = kind;
  els.status.textContent = text;
}

function showStatus(room) {
  if (room !== state.active) return;
  if (room.socket && room.welcomed && room.storageDown) setStatus('offline', 'Messages cannot be sent right now');
  else if (room.socket && room.welcomed) setStatus('online', 'Online');
  else if (room.down) setStatus('offline', room.waitText || 'Offline: reconnecting…');
  else setStatus('connecting', 'Connecting…');
}

function connect(room) {
  clearTimeout(room.timer);
  room.welcomed = false;
  showStatus(room);
  const ws = new WebSocket(socketUrl(room));
  room.socket = ws;
  ws.onmessage = (event) => {
    let frame;
    try { frame = JSON.parse(event.data); } catch { return; }
    // a frame is one event, or an array of events in order (what was queued for this client, sent at once)
    (Array.isArray(frame) ? frame : [frame]).forEach((f) => handle(room, f));
  };
  ws.onclose = (event) => {
    if (room.socket !== ws) return;
    room.socket = null;
    room.welcomed = false;
    if (room === state.active) enableComposer(false);
    if (room.leaving) return;
    if (event.code === 1008 && /^invalid/.test(event.reason)) {
      leaveRoom(room);
      showJoin(event.reason);
      return;
    }
    scheduleReconnect(room, event);
  };
}

function scheduleReconnect(room, event) {
  const delay = Math.round(Math.min(10000, 500 * 2 ** room.attempt) * (0.75 + Math.random() * 0.5));
  room.attempt++;
  if (!room.down) {
    room.down = true;
    appendNotice(room.list, 'Connection lost' + (event.reason ? ' (' + event.reason + ')' : '') + '. Reconnecting…', true);
  }
  // never welcomed at all: most likely refused at the handshake, which a browser cannot see
  const hint = room.everWelcomed ? '' : ' (a private chat needs ?token=… in the page address)';
  room.waitText = 'Offline: reconnecting in ' + Math.ceil(delay / 1000) + ' s' + hint;
  showStatus(room);
  room.timer = setTimeout(() => connect(room), delay);
}

function handle(room, frame) {
  switch (frame.type) {
    case 'welcome':
      room.me = frame.name;
      room.attempt = 0;
      room.welcomed = true;
      room.everWelcomed = true;
      if (room.down) appendNotice(room.list, 'Connection is back.');
      room.down = false;
      if (room === state.active) {
        els.roomLabel.textContent = '#' + frame.room + ' as ' + frame.name;
        enableComposer(true);
      }
      showStatus(room);
      break;
    case 'presence':
      room.users = new Set(frame.users);
      renderUsers(room);
      break;
    case 'history':
      frame.messages.forEach((m) => addMessage(room, m, false));
      // a resume (?since=) older than what the room's stream still holds: say so instead of pretending nothing was missed
      if (frame.complete === false) appendNotice(room.list, 'Some messages sent while you were away are no longer available.', true);
      break;
    case 'message':
      addMessage(room, frame, true);
      break;
    case 'gap': // the server fell behind further than the room's stream keeps: messages in between are lost
      appendNotice(room.list, 'Some messages could not be delivered (the server fell behind) and are no longer available.', true);
      break;
    case 'join': // presence changes come batched per room; a join already in the list (ours) is no news
      if (room.users.has(frame.name)) break;
      room.users.add(frame.name);
      renderUsers(room);
      appendNotice(room.list, frame.name + ' joined');
      break;
    case 'leave':
      if (!room.users.delete(frame.name)) break;
      renderUsers(room);
      appendNotice(room.list, frame.name + ' left');
      break;
    case 'status': // the server's storage (Redis) went away and came back; the connection itself stays open
      room.storageDown = frame.redis === 'down';
      appendNotice(room.list, room.storageDown
        ? 'The server cannot store messages right now; sending will fail until it recovers.'
        : 'Messages can be sent again.', room.storageDown);
      showStatus(room);
      break;
    case 'error':
      appendNotice(room.list, frame.error, true);
      break;
  }
}

function addMessage(room, m, live) {
  if (room.seen.has(m.id)) return;
  room.seen.add(m.id);
  room.lastId = m.id;
  appendMessage(room.list, m, m.from === room.me);
  if (live && m.from !== room.me && (room !== state.active || document.hidden)) {
    room.unread++;
    renderRooms();
  }
}

function renderUsers(room) {
  if (room !== state.active) return;
  const sorted = [...room.users].sort((a, b) => a.localeCompare(b));
  els.users.replaceChildren(...sorted.map((name) => el('li', name === room.me ? 'me' : null,
    name === room.me ? name + ' (you)' : name)));
  els.count.textContent = '(' + sorted.length + ')';
}

function renderRooms() {
  let total = 0;
  els.rooms.replaceChildren(...[...state.rooms.values()].map((room) => {
    total += room.unread;
    const button = el('button', 'room' + (room === state.active ? ' active' : ''));
    button.type = 'button';
    button.dataset.room = room.name;
    button.append(el('span', 'name', '#' + room.name));
    if (room.unread) button.append(el('span', 'unread', String(room.unread)));
    button.setAttribute('aria-label', room.name + (room.unread ? ', ' + room.unread + ' unread' : ''));
    if (room === state.active) button.setAttribute('aria-current', 'true');
    button.addEventListener('click', () => switchTo(room.name));
    const li = el('li');
    li.append(button);
    return li;
  }));
  document.title = (total ? '(' + total + ') ' : '') + TITLE;
}

function enableComposer(on) {
  els.text.disabled = !on;
  els.send.disabled = !on;
  if (on) els.text.focus();
}

function openRoom(name) {
  let room = state.rooms.get(name);
  if (room) return room;
  if (state.rooms.size >= MAX_ROOMS) leaveRoom(state.rooms.values().next().value); // the oldest goes
  const list = el('ol', 'messages');
  list.hidden = true;
  list.tabIndex = 0;
  list.setAttribute('aria-label', 'Messages in ' + name);
  els.lists.append(list);
  room = { name, list, socket: null, lastId: null, seen: new Set(), users: new Set(), attempt: 0, timer: null,
    leaving: false, down: false, me: '', unread: 0, welcomed: false, everWelcomed: false, storageDown: false };
  state.rooms.set(name, room);
  store('tether.chat.rooms', [...state.rooms.keys()]);
  connect(room);
  return room;
}

function switchTo(name) {
  const room = openRoom(name);
  if (state.active && state.active !== room) {
    state.active.list.hidden = true;
    state.active.list.removeAttribute('id');
  }
  state.active = room;
  room.list.hidden = false;
  room.list.id = 'messages';
  room.unread = 0;
  room.list.scrollTop = room.list.scrollHeight;
  els.roomLabel.textContent = '#' + room.name + (room.me ? ' as ' + room.me : '');
  els.join.hidden = true;
  els.chat.hidden = false;
  enableComposer(Boolean(room.socket && room.welcomed));
  renderUsers(room);
  renderRooms();
  showStatus(room);
  if (decodeURIComponent(location.hash.slice(1)) !== name) history.replaceState(null, '', '#' + name);
}

function leaveRoom(room) {
  room.leaving = true;
  clearTimeout(room.timer);
  if (room.socket) room.socket.close(1000, 'left');
  room.socket = null;
  room.list.remove();
  state.rooms.delete(room.name);
  store('tether.chat.rooms', [...state.rooms.keys()]);
  if (state.active === room) state.active = null;
}

function showJoin(error) {
  els.chat.hidden = true;
  els.join.hidden = false;
  els.joinError.textContent = error || '';
  setStatus('idle', 'Not connected');
  renderRooms();
  els.name.focus();
}

const validRoom = (room) => /^[A-Za-z0-9_-]{1,64}$/.test(room);

els.join.addEventListener('submit', (event) => {
  event.preventDefault();
  const name = els.name.value.trim();
  const room = els.room.value.trim();
  if (!name || !els.room.checkValidity()) {
    els.joinError.textContent = 'Enter a name and a room (letters, digits, _ or -).';
    return;
  }
  state.name = name;
  store('tether.chat.name', name);
  switchTo(room);
  // the other rooms joined in this browser come back too, so their unread counts are live
  stored('tether.chat.rooms', []).filter((r) => r !== room && validRoom(r)).slice(0, MAX_ROOMS - 1).forEach(openRoom);
  renderRooms();
});

els.addRoom.addEventListener('submit', (event) => {
  event.preventDefault();
  const room = els.newRoom.value.trim();
  if (!validRoom(room)) {
    els.newRoom.setCustomValidity('1-64 letters, digits, _ or -');
    els.newRoom.reportValidity();
    return;
  }
  els.newRoom.value = '';
  switchTo(room);
});
els.newRoom.addEventListener('input', () => els.newRoom.setCustomValidity(''));

function sendMessage() {
  const room = state.active;
  const text = els.text.value;
  if (!room || !text.trim() || !room.socket || room.socket.readyState !== WebSocket.OPEN) return;
  room.socket.send(JSON.stringify({ type: 'message', text }));
  els.text.value = '';
  els.text.style.height = '';
}

els.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  sendMessage();
});

// Enter sends; Shift+Enter starts a new line (the message keeps its line breaks)
els.text.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    sendMessage();
  }
});
els.text.addEventListener('input', () => {
  els.text.style.height = '';
  els.text.style.height = Math.min(els.text.scrollHeight, 160) + 'px';
});

els.leave.addEventListener('click', () => {
  const room = state.active;
  if (!room) return;
  leaveRoom(room);
  const next = state.rooms.keys().next();
  if (next.done) showJoin('');
  else switchTo(next.value);
});

document.addEventListener('visibilitychange', () => {
  if (!document.hidden && state.active && state.active.unread) {
    state.active.unread = 0;
    renderRooms();
  }
});

window.addEventListener('online', () => {
  state.rooms.forEach((room) => { if (room.down && !room.socket) connect(room); });
});

window.addEventListener('hashchange', () => {
  const room = decodeURIComponent(location.hash.slice(1));
  if (!validRoom(room)) return;
  if (state.name) switchTo(room);
  else els.room.value = room;
});

const hashRoom = decodeURIComponent(location.hash.slice(1));
if (hashRoom) els.room.value = hashRoom;
els.name.value = stored('tether.chat.name', '');
