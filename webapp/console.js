// The Redis console: a command line on /redis, a key browser on /api/keys, a pub/sub panel on /api/channels.
// Every text from Redis or the user goes into the page through textContent, never as markup.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  token: sessionStorage.getItem("tether.token") || "",
  history: JSON.parse(sessionStorage.getItem("tether.history") || "[]"),
  historyAt: -1,
  cursor: "0",
  key: null,
  next: null,
  subscription: null,
};

function headers(extra) {
  const h = Object.assign({}, extra);
  if (state.token) h.Authorization = "Bearer " + state.token;
  return h;
}

async function call(method, path, body, contentType) {
  // no-store: a cached copy revalidated by ETag would show a TTL as old as the copy
  const init = { method, cache: "no-store", headers: headers(contentType ? { "Content-Type": contentType } : {}) };
  if (body !== undefined) init.body = body;
  const started = performance.now();
  const res = await fetch(path, init);
  const text = await res.text();
  const ms = performance.now() - started;
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
  return { status: res.status, ok: res.ok, json, text, ms };
}

function problem(r) {
  const why = r.json && typeof r.json.error === "string" ? r.json.error : r.text || "no answer";
  return r.status === 401 ? why + " — enter the token above" : why;
}

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (className) e.className = className;
  return e;
}

// ---- token -------------------------------------------------------------------------------------------------
$("token").value = state.token;
$("token-form").addEventListener("submit", (e) => {
  e.preventDefault();
  state.token = $("token").value.trim();
  if (state.token) sessionStorage.setItem("tether.token", state.token);
  else sessionStorage.removeItem("tether.token");
  scan(true);
});

// ---- command line ------------------------------------------------------------------------------------------
/** Splits a command line into words: spaces separate, "…" and '…' quote, \ escapes inside quotes. */
function words(line) {
  const out = [];
  let current = null;
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === "\\" && i + 1 < line.length) current += line[++i];
      else if (c === quote) quote = null;
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      if (current === null) current = "";
    } else if (/\s/.test(c)) {
      if (current !== null) { out.push(current); current = null; }
    } else {
      current = (current || "") + c;
    }
  }
  if (quote) throw new Error("unclosed " + quote);
  if (current !== null) out.push(current);
  return out;
}

function showReply(ok, meta, body) {
  $("reply").classList.toggle("error", !ok);
  $("reply-meta").textContent = meta;
  $("reply-body").textContent = body;
}

$("command-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const line = $("command").value.trim();
  if (!line) return;
  let command;
  try {
    command = words(line);
  } catch (err) {
    showReply(false, "not sent", err.message);
    return;
  }
  if (state.history[state.history.length - 1] !== line) state.history.push(line);
  state.history = state.history.slice(-100);
  sessionStorage.setItem("tether.history", JSON.stringify(state.history));
  state.historyAt = -1;
  $("command").value = "";
  try {
    const r = await call("POST", "redis", JSON.stringify(command), "application/json");
    const timing = r.status + " · " + r.ms.toFixed(1) + " ms · " + command[0].toUpperCase();
    if (r.ok && r.json && "result" in r.json) showReply(true, timing, JSON.stringify(r.json.result, null, 2));
    else showReply(false, timing + " · refused", problem(r));
  } catch (err) {
    showReply(false, "no answer", String(err));
  }
});

$("command").addEventListener("keydown", (e) => {
  if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
  const h = state.history;
  if (!h.length) return;
  e.preventDefault();
  if (e.key === "ArrowUp") state.historyAt = state.historyAt < 0 ? h.length - 1 : Math.max(0, state.historyAt - 1);
  else state.historyAt = state.historyAt < 0 ? -1 : state.historyAt + 1;
  if (state.historyAt >= h.length) state.historyAt = -1;
  $("command").value = state.historyAt < 0 ? "" : h[state.historyAt];
});

// ---- key browser -------------------------------------------------------------------------------------------
function keyPath(key) {
  return "api/keys/" + encodeURIComponent(key);
}

async function scan(fresh) {
  if (fresh) {
    state.cursor = "0";
    $("key-rows").textContent = "";
  }
  const q = new URLSearchParams({ match: $("match").value || "*", count: "100" });
  if ($("type").value) q.set("type", $("type").value);
  let found = 0;
  // one SCAN step may find nothing before the end: take a few steps for a page worth showing
  for (let step = 0; step < 20; step++) {
    q.set("cursor", state.cursor);
    const r = await call("GET", "api/keys?" + q);
    if (!r.ok) {
      $("scan-meta").textContent = problem(r);
      return;
    }
    for (const k of r.json.keys) {
      const row = el("tr");
      row.dataset.key = k.key;
      row.append(el("td", k.key), el("td", k.type), el("td", k.ttl === null ? "—" : k.ttl + " s"));
      row.addEventListener("click", () => openKey(k.key));
      $("key-rows").append(row);
      found++;
    }
    state.cursor = r.json.cursor;
    if (state.cursor === "0" || found >= 50) break;
  }
  const shown = $("key-rows").children.length;
  $("scan-meta").textContent = shown + " key" + (shown === 1 ? "" : "s") + (state.cursor === "0" ? ", scan complete" : ", more to scan");
  $("scan-more").hidden = state.cursor === "0";
}

$("scan-form").addEventListener("submit", (e) => { e.preventDefault(); scan(true); });
$("scan-more").addEventListener("click", () => scan(false));

async function openKey(key) {
  const r = await call("GET", keyPath(key) + "?count=50");
  for (const row of $("key-rows").children) row.classList.toggle("selected", row.dataset.key === key);
  if (!r.ok) {
    showReply(false, r.status + " · " + key, problem(r));
    return;
  }
  state.key = key;
  $("value-panel").hidden = false;
  $("value-key").textContent = key;
  $("value-type").textContent = r.json.type;
  $("ttl").value = r.json.ttl === null ? "" : r.json.ttl;
  $("value").textContent = "";
  render(r.json, false);
}

function render(page, append) {
  const box = $("value");
  const t = page.type;
  $("value-length").textContent = t === "string" ? page.length + " bytes" : page.length + " items";
  const note = page.encoding === "base64" ? " (base64: not UTF-8)" : "";
  if (t === "string") {
    box.append(el("pre", page.value));
    if (note) box.append(el("p", "shown in base64: the value is not UTF-8 text", "meta"));
  } else if (t === "list" || t === "set") {
    let list = append ? box.querySelector("ol.items") : null;
    if (!list) {
      list = el("ol", null, "items");
      if (t === "list") list.start = (page.start || 0) + 1;
      box.append(list);
    }
    page.value.forEach((v) => list.append(el("li", v)));
  } else {
    let body = append ? box.querySelector("tbody") : null;
    if (!body) {
      const table = el("table");
      const head = el("tr");
      const names = t === "hash" ? ["field", "value"] : t === "zset" ? ["member", "score"] : ["id", "fields"];
      names.forEach((n) => head.append(el("th", n + (n !== "score" && n !== "id" ? note : ""))));
      table.append(el("thead"), (body = el("tbody")));
      table.tHead.append(head);
      box.append(table);
    }
    const rows = t === "hash" ? Object.entries(page.value)
      : t === "zset" ? page.value.map((m) => [m.member, m.score])
      : t === "stream" ? page.value.map((e) => [e.id, JSON.stringify(e.fields)]) : [];
    rows.forEach(([a, b]) => {
      const tr = el("tr");
      tr.append(el("td", a), el("td", b));
      body.append(tr);
    });
  }
  state.next = page.next || null;
  $("value-more").hidden = !state.next;
}

$("value-more").addEventListener("click", async () => {
  if (!state.next) return;
  const r = await call("GET", state.next);
  if (r.ok) render(r.json, true);
  else showReply(false, r.status, problem(r));
});

$("ttl-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const seconds = $("ttl").value.trim();
  const r = seconds
    ? await call("PUT", keyPath(state.key) + "/ttl?seconds=" + encodeURIComponent(seconds), "")
    : await call("DELETE", keyPath(state.key) + "/ttl");
  if (!r.ok) showReply(false, r.status + " · TTL of " + state.key, problem(r));
  await openKey(state.key);
  refreshRow(state.key);
});

$("persist").addEventListener("click", async () => {
  const r = await call("DELETE", keyPath(state.key) + "/ttl");
  if (!r.ok) showReply(false, r.status + " · TTL of " + state.key, problem(r));
  await openKey(state.key);
  refreshRow(state.key);
});

async function refreshRow(key) {
  const r = await call("GET", keyPath(key) + "/ttl");
  for (const row of $("key-rows").children) {
    if (row.dataset.key === key && r.ok) row.cells[2].textContent = r.json.ttl === null ? "—" : r.json.ttl + " s";
  }
}

$("delete-key").addEventListener("click", async () => {
  const key = state.key;
  if (!key || !confirm("Delete the key " + key + "?")) return;
  const r = await call("DELETE", keyPath(key));
  if (!r.ok && r.status !== 404) {
    showReply(false, r.status + " · DELETE " + key, problem(r));
    return;
  }
  for (const row of [...$("key-rows").children]) if (row.dataset.key === key) row.remove();
  $("value-panel").hidden = true;
  state.key = null;
});

// ---- pub/sub -----------------------------------------------------------------------------------------------
function subState(text, kind) {
  $("sub-state").textContent = text;
  $("sub-state").className = "pill" + (kind ? " " + kind : "");
}

function addMessage(text, meta) {
  const li = el("li");
  li.append(el("time", new Date().toLocaleTimeString()));
  if (meta) li.append(el("span", meta + " ", "meta"));
  li.append(document.createTextNode(text));
  $("messages").prepend(li);
  while ($("messages").children.length > 200) $("messages").lastChild.remove();
}

async function subscribe(channel) {
  const abort = new AbortController();
  state.subscription = abort;
  $("subscribe").textContent = "Unsubscribe";
  subState("connecting…");
  try {
    const res = await fetch("api/channels/" + encodeURIComponent(channel) + "/events",
      { headers: headers({ Accept: "text/event-stream" }), signal: abort.signal });
    if (!res.ok) {
      let why = res.statusText;
      try { why = (await res.json()).error; } catch (e) { /* not JSON */ }
      subState(res.status + ": " + why, "bad");
      return;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        onEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
    subState("stream ended", "bad");
  } catch (err) {
    if (!abort.signal.aborted) subState("disconnected: " + err.message, "bad");
  } finally {
    if (state.subscription === abort) {
      state.subscription = null;
      $("subscribe").textContent = "Subscribe";
    }
  }
}

function onEvent(block) {
  let name = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event: ")) name = line.slice(7);
    else if (line.startsWith("data: ")) data.push(line.slice(6));
  }
  if (!data.length) return; // a comment (keep-alive, notices)
  const event = JSON.parse(data.join("\n"));
  if (name === "subscribe") subState("subscribed to " + event.channel, "ok");
  else if (name === "message") addMessage(event.message, event.encoding === "base64" ? "(base64)" : "");
  else if (name === "error") subState("ended: " + event.error, "bad");
}

$("subscribe-form").addEventListener("submit", (e) => {
  e.preventDefault();
  if (state.subscription) {
    state.subscription.abort();
    state.subscription = null;
    $("subscribe").textContent = "Subscribe";
    subState("not subscribed");
    return;
  }
  const channel = $("channel").value.trim();
  if (channel) subscribe(channel);
});

$("publish-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const channel = $("channel").value.trim();
  const text = $("publish").value;
  if (!channel || !text) return;
  const r = await call("POST", "api/channels/" + encodeURIComponent(channel) + "/messages", text, "text/plain");
  if (r.ok) {
    $("publish").value = "";
    showReply(true, r.status + " · " + r.ms.toFixed(1) + " ms · PUBLISH " + channel,
      "delivered to " + r.json.receivers + " subscriber" + (r.json.receivers === 1 ? "" : "s"));
  } else {
    showReply(false, r.status + " · PUBLISH " + channel, problem(r));
  }
});

scan(true);
