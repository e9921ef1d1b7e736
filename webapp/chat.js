// Tether chat page: joins a room over WebSocket, renders everything as text, reconnects with backoff and
// resumes with ?since=<last message id> so no message is missed.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const els = {
    join: $('join'), name: $('name'), room: $('room'), joinError: $('join-error'), chat: $('chat'),
    messages: $('messages'), users: $('users'), count: $('online-count'), composer: $('composer'),
    text: $('text'), send: $('send'), leave: $('leave'), status: $('status'), roomLabel: $('room-label'),
  };
  const state = { name: '', room: '', me: '', socket: null, lastId: null, seen: new Set(), users: new Set(),
    attempt: 0, timer: null, leaving: false, down: false };

  function setStatus(kind, text) {
    els.status.dataset.state = kind;
    els.status.textContent = text;
  }

  function socketUrl() {
    const url = new URL('ws/chat/' + encodeURIComponent(state.room), location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    url.hash = '';
    url.search = '';
    url.searchParams.set('name', state.name);
    if (state.lastId) url.searchParams.set('since', state.lastId);
    return url.href;
  }

  function connect() {
    clearTimeout(state.timer);
    setStatus('connecting', state.down ? 'Reconnecting…' : 'Connecting…');
    const ws = new WebSocket(socketUrl());
    state.socket = ws;
    ws.onmessage = (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      // a frame is one event, or an array of events in order (what was queued for this client, sent at once)
      (Array.isArray(frame) ? frame : [frame]).forEach(handle);
    };
    ws.onclose = (event) => {
      if (state.socket !== ws) return;
      state.socket = null;
      enableComposer(false);
      if (state.leaving) return;
      if (event.code === 1008 && /^invalid/.test(event.reason)) {
        showJoin(event.reason);
        return;
      }
      scheduleReconnect(event);
    };
  }

  function scheduleReconnect(event) {
    const delay = Math.round(Math.min(10000, 500 * 2 ** state.attempt) * (0.75 + Math.random() * 0.5));
    state.attempt++;
    if (!state.down) {
      state.down = true;
      notice('Connection lost' + (event.reason ? ' (' + event.reason + ')' : '') + '. Reconnecting…', true);
    }
    setStatus('offline', 'Offline: reconnecting in ' + Math.ceil(delay / 1000) + ' s');
    state.timer = setTimeout(connect, delay);
  }

  function handle(frame) {
    switch (frame.type) {
      case 'welcome':
        state.me = frame.name;
        state.attempt = 0;
        els.roomLabel.textContent = '#' + frame.room + ' as ' + frame.name;
        setStatus('online', 'Online');
        if (state.down) notice('Connection is back.');
        state.down = false;
        enableComposer(true);
        break;
      case 'presence':
        state.users = new Set(frame.users);
        renderUsers();
        break;
      case 'history':
        frame.messages.forEach(addMessage);
        historyGap(frame);
        break;
      case 'status':
        redisStatus(frame);
        break;
      case 'message':
        addMessage(frame);
        break;
      case 'join': // presence changes come batched per room; a join already in the list (ours) is no news
        if (state.users.has(frame.name)) break;
        state.users.add(frame.name);
        renderUsers();
        notice(frame.name + ' joined');
        break;
      case 'leave':
        if (!state.users.delete(frame.name)) break;
        renderUsers();
        notice(frame.name + ' left');
        break;
      case 'error':
        notice(frame.error, true);
        break;
    }
  }

  // a resume (?since=) older than what the room's stream still holds: say so instead of pretending nothing was missed
  function historyGap(frame) {
    if (frame.complete === false) notice('Some messages sent while you were away are no longer available.', true);
  }

  // the server's storage (Redis) went away and came back; the connection itself stays open meanwhile
  function redisStatus(frame) {
    if (frame.redis === 'down') {
      setStatus('offline', 'Messages cannot be sent right now');
      notice('The server cannot store messages right now; sending will fail until it recovers.', true);
    } else {
      setStatus('online', 'Online');
      notice('Messages can be sent again.');
    }
  }

  function addMessage(m) {
    if (state.seen.has(m.id)) return;
    state.seen.add(m.id);
    state.lastId = m.id;
    const li = document.createElement('li');
    li.className = 'msg' + (m.from === state.me ? ' mine' : '');
    li.dataset.id = m.id;
    const when = new Date(m.ts);
    const time = document.createElement('time');
    time.dateTime = when.toISOString();
    time.title = when.toLocaleString();
    time.textContent = when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    const from = document.createElement('span');
    from.className = 'from';
    from.textContent = m.from;
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = m.text;
    li.append(time, from, text);
    append(li);
  }

  function notice(text, bad) {
    const li = document.createElement('li');
    li.className = 'notice' + (bad ? ' bad' : '');
    li.textContent = text;
    append(li);
  }

  function append(li) {
    const list = els.messages;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(li);
    if (atBottom) list.scrollTop = list.scrollHeight;
  }

  function renderUsers() {
    const sorted = [...state.users].sort((a, b) => a.localeCompare(b));
    els.users.replaceChildren(...sorted.map((name) => {
      const li = document.createElement('li');
      li.textContent = name === state.me ? name + ' (you)' : name;
      return li;
    }));
    els.count.textContent = '(' + sorted.length + ')';
  }

  function enableComposer(on) {
    els.text.disabled = !on;
    els.send.disabled = !on;
    if (on) els.text.focus();
  }

  function showJoin(error) {
    els.chat.hidden = true;
    els.join.hidden = false;
    els.joinError.textContent = error || '';
    setStatus('idle', 'Not connected');
    els.name.focus();
  }

  function join(name, room) {
    state.name = name;
    state.room = room;
    state.me = '';
    state.lastId = null;
    state.seen.clear();
    state.users.clear();
    state.attempt = 0;
    state.leaving = false;
    state.down = false;
    els.messages.replaceChildren();
    els.join.hidden = true;
    els.chat.hidden = false;
    try { localStorage.setItem('tether.chat.name', name); } catch { /* private mode */ }
    if (location.hash.slice(1) !== room) history.replaceState(null, '', '#' + room);
    connect();
  }

  els.join.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = els.name.value.trim();
    const room = els.room.value.trim();
    if (!name || !els.room.checkValidity()) {
      els.joinError.textContent = 'Enter a name and a room (letters, digits, _ or -).';
      return;
    }
    join(name, room);
  });

  els.composer.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = els.text.value;
    if (!text.trim() || !state.socket || state.socket.readyState !== WebSocket.OPEN) return;
    state.socket.send(JSON.stringify({ type: 'message', text }));
    els.text.value = '';
  });

  els.leave.addEventListener('click', () => {
    state.leaving = true;
    clearTimeout(state.timer);
    if (state.socket) state.socket.close(1000, 'left');
    state.socket = null;
    showJoin('');
  });

  window.addEventListener('online', () => {
    if (state.down && !state.socket) connect();
  });

  window.addEventListener('hashchange', () => {
    const room = decodeURIComponent(location.hash.slice(1));
    if (room && room !== state.room) els.room.value = room;
  });

  const hashRoom = decodeURIComponent(location.hash.slice(1));
  if (hashRoom) els.room.value = hashRoom;
  try { els.name.value = localStorage.getItem('tether.chat.name') || ''; } catch { /* private mode */ }
})();
