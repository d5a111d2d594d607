// lambda-emu console: plain JavaScript, no toolkit. Three views (Invocations, Routes, Functions) over the console's
// API under /console/api/; new invocations arrive over server-sent events (/console/api/live), never by polling.
"use strict";

const api = "/console/api";
let app = null;
let selected = null;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

async function call(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(api + path, init);
  const data = await res.json().catch(() => ({ message: "the console answered " + res.status }));
  if (!res.ok) throw new Error(data.message || "error " + res.status);
  return data;
}

function json(v) { return JSON.stringify(v, null, 2); }
function statusClass(s) { return s ? "s" + String(s)[0] : ""; }

// ---- views ----------------------------------------------------------------------------------------------------
function show(view) {
  for (const v of ["invocations", "routes", "functions"]) {
    document.getElementById("view-" + v).classList.toggle("hidden", v !== view);
    document.querySelector(`nav a[data-view=${v}]`).classList.toggle("active", v === view);
  }
}
window.addEventListener("hashchange", route);
function route() {
  const h = location.hash.slice(1) || "invocations";
  const [view, arg] = h.split("/");
  show(["routes", "functions"].includes(view) ? view : "invocations");
  if (view === "invocations" && arg) openInvocation(Number(arg));
}

// ---- invocations ----------------------------------------------------------------------------------------------
function decision(a) {
  if (!a) return "";
  return (a.allowed ? "allow" : "deny") + (a.cacheHit ? " (cached)" : "");
}

function row(s) {
  const label = s.source === "invoke" ? "invoke " + (s.function || "") : `${s.method} ${s.path}`;
  const status = s.source === "invoke" ? (s.error ? s.error : "ok") : s.status;
  const tr = el("tr", { "data-id": s.id, "data-testid": "invocation-row", onclick: () => { location.hash = "invocations/" + s.id; } },
    el("td", {}, s.id),
    el("td", {}, (s.time || "").slice(11, 23)),
    el("td", {}, label, s.gatewayError ? el("span", { class: "badge bad" }, s.gatewayError) : null),
    el("td", { class: statusClass(s.status) }, status),
    el("td", {}, s.durationMs.toFixed(1)),
    el("td", {}, s.function || ""),
    el("td", {}, decision(s.authorizer)),
    el("td", {}, s.validation ? (s.validation.passed ? "passed" : "failed") : ""));
  if (s.id === selected) tr.classList.add("selected");
  return tr;
}

function addRow(s) {
  const body = document.querySelector("#invocations tbody");
  const old = body.querySelector(`tr[data-id="${s.id}"]`);
  if (old) old.remove();
  // Newest first: records arrive as they finish, so place by id.
  const after = [...body.children].find((tr) => Number(tr.dataset.id) < s.id);
  body.insertBefore(row(s), after || null);
  const max = app && app.history ? app.history : 200;
  while (body.children.length > max) body.lastChild.remove();
  document.getElementById("no-invocations").classList.add("hidden");
}

async function loadInvocations() {
  const rows = await call("GET", "/invocations");
  const body = document.querySelector("#invocations tbody");
  body.replaceChildren(...rows.map(row));
  document.getElementById("no-invocations").classList.toggle("hidden", rows.length > 0);
}

function connectLive() {
  const badge = document.getElementById("live");
  const source = new EventSource(api + "/live");
  source.addEventListener("open", () => { badge.textContent = "live"; badge.classList.remove("off"); });
  source.addEventListener("error", () => { badge.textContent = "offline"; badge.classList.add("off"); });
  source.addEventListener("invocation", (e) => addRow(JSON.parse(e.data)));
  source.addEventListener("lagged", () => loadInvocations());
}

function section(title, content, testid) {
  return [el("h3", {}, title), el("pre", { "data-testid": testid }, content)];
}

function bodyText(b) {
  if (!b) return "(not read: the gateway answered before reading the body)";
  const marks = [];
  if (b.base64) marks.push("base64");
  if (b.truncated) marks.push(`truncated: first bytes of ${b.size}`);
  return (marks.length ? `[${marks.join(", ")}]\n` : "") + b.text;
}

function httpText(m, first) {
  return first + "\n" + m.headers.map(([k, v]) => `${k}: ${v}`).join("\n") + "\n\n" + bodyText(m.body);
}

async function openInvocation(id) {
  selected = id;
  document.querySelectorAll("#invocations tr").forEach((tr) => tr.classList.toggle("selected", Number(tr.dataset.id) === id));
  const pane = document.getElementById("detail");
  pane.classList.remove("hidden");
  let r;
  try {
    r = await call("GET", "/invocations/" + id);
  } catch (e) {
    pane.replaceChildren(el("p", { class: "note" }, e.message));
    return;
  }
  const snippet = el("pre", { class: "hidden", "data-testid": "snippet" });
  const copy = (text) => {
    snippet.textContent = text;
    snippet.classList.remove("hidden");
    if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
  };
  const title = r.source === "invoke" ? `#${r.id} invoke ${r.function}` : `#${r.id} ${r.method} ${r.path} → ${r.status}`;
  const parts = [
    el("h2", { "data-testid": "detail-title" }, title),
    el("div", { class: "muted" }, `${r.time} · ${r.durationMs.toFixed(2)} ms`, r.routeKey ? ` · route ${r.routeKey} (${r.api}, payload ${r.payload})` : "",
      r.requestId ? ` · request id ${r.requestId}` : ""),
    el("div", {},
      r.gatewayError ? el("span", { class: "badge bad" }, "API Gateway: " + r.gatewayError) : null,
      r.error ? el("span", { class: "badge bad" }, r.error.errorType) : null,
      r.authorizer ? el("span", { class: "badge" }, "authorizer " + r.authorizer.authorizer + ": " + decision(r.authorizer)) : null,
      r.validation ? el("span", { class: "badge" }, "validation " + (r.validation.passed ? "passed" : "failed: " + (r.validation.message || ""))) : null),
    el("div", { class: "actions" },
      el("button", { "data-testid": "replay", onclick: () => replay(r.id) }, "Replay"),
      r.request ? el("button", { class: "secondary", "data-testid": "copy-curl", onclick: () => copy(curl(r)) }, "Copy as curl") : null,
      r.request ? el("button", { class: "secondary", "data-testid": "copy-test", onclick: () => copy(testClient(r)) }, "Copy as TestClient test") : null),
    snippet,
  ];
  if (r.request) parts.push(...section("Request as received", httpText(r.request, `${r.request.method} ${r.request.uri}`), "request"));
  if (r.event) parts.push(...section("Event as sent to the function" + (r.eventTruncated ? " (body truncated)" : ""), json(r.event), "event"));
  if (r.context) parts.push(...section("Context", json(r.context), "context"));
  if (r.logs) parts.push(...section("Log" + (r.logsTruncated ? " (truncated)" : ""), r.logs, "logs"));
  if (r.output !== null && r.output !== undefined) parts.push(...section("Function output" + (r.outputTruncated ? " (body truncated)" : ""), json(r.output), "output"));
  if (r.error) parts.push(...section("Function error", json(r.error), "error"));
  if (r.response) parts.push(...section("Response as sent", httpText(r.response, `HTTP ${r.response.status}`), "response"));
  pane.replaceChildren(...parts);
}

async function replay(id) {
  try {
    const res = await call("POST", `/invocations/${id}/replay`);
    location.hash = "invocations/" + res.id;
  } catch (e) {
    alert(e.message);
  }
}

const skipped = new Set(["host", "content-length", "connection", "accept-encoding", "user-agent"]);
function shellQuote(s) { return "'" + s.replace(/'/g, "'\\''") + "'"; }
function curl(r) {
  const q = r.request;
  const parts = ["curl", "-i", "-X", q.method];
  for (const [k, v] of q.headers) if (!skipped.has(k)) parts.push("-H", shellQuote(`${k}: ${v}`));
  if (q.body && q.body.size > 0) parts.push(q.body.base64 ? "--data-binary @body.bin" : "--data-raw " + shellQuote(q.body.text));
  parts.push(shellQuote(app.apiUrl + q.uri));
  return parts.join(" ");
}

function rustString(s) {
  let hashes = "#";
  while (s.includes('"' + hashes)) hashes += "#";
  return `r${hashes}"${s}"${hashes}`;
}
function testClient(r) {
  const q = r.request;
  const m = q.method.toLowerCase();
  const name = (m + "_" + q.uri.replace(/[^A-Za-z0-9]+/g, "_")).replace(/_+$/, "").toLowerCase();
  const known = ["get", "post", "put", "patch", "delete", "head", "options"];
  const start = known.includes(m) ? `.${m}(${rustString(q.uri)})` : `.request(http::Method::from_bytes(b"${q.method}").unwrap(), ${rustString(q.uri)})`;
  const lines = [`#[tokio::test]`, `async fn ${name}() {`, `    // my_app() returns lambda_app!("${app.template.split("/").pop()}")`,
    `    let res = my_app()`, `        .client()`, `        ${start}`];
  for (const [k, v] of q.headers) if (!skipped.has(k)) lines.push(`        .header(${rustString(k)}, ${rustString(v)})`);
  if (q.body && q.body.size > 0 && !q.body.base64) lines.push(`        .body(${rustString(q.body.text)})`);
  lines.push(`        .await;`, `    assert_eq!(res.status(), ${r.status});`);
  if (r.response && r.response.body && !r.response.body.truncated && !r.response.body.base64) {
    lines.push(`    assert_eq!(res.text(), ${rustString(r.response.body.text)});`);
  }
  lines.push("}");
  return lines.join("\n");
}

// ---- routes ---------------------------------------------------------------------------------------------------
function renderRoutes() {
  const root = document.getElementById("routes");
  const cards = app.apis.map((a) => {
    const routes = app.routes.filter((r) => r.api === a.id);
    return el("div", { class: "card" },
      el("h2", {}, `${a.id} `, el("span", { class: "badge" }, a.kind), el("span", { class: "badge" }, "stage " + a.stage), a.prefix ? el("span", { class: "badge" }, "served under " + a.prefix) : null),
      a.cors ? el("div", { class: "muted" }, "CORS: origins " + a.cors.allowOrigins.join(", ") + "; methods " + a.cors.allowMethods.join(", ") + "; headers " + a.cors.allowHeaders.join(", ")) : el("div", { class: "muted" }, "CORS: none"),
      a.auth ? el("div", { class: "muted" }, "Auth: " + JSON.stringify(a.auth)) : null,
      el("table", {},
        el("thead", {}, el("tr", {}, el("th", {}, "method"), el("th", {}, "path"), el("th", {}, "function"), el("th", {}, "payload"), el("th", {}, "authorizer"), el("th", {}, ""))),
        el("tbody", {}, routes.map(routeRow))));
  });
  root.replaceChildren(...(cards.length ? cards : [el("p", { class: "muted" }, "The template declares no APIs.")]));
}

function routeRow(r) {
  const cell = el("td", { colspan: 6, class: "hidden" });
  const toggle = () => {
    if (!cell.firstChild) cell.append(tryIt(r));
    cell.classList.toggle("hidden");
  };
  return [
    el("tr", { "data-testid": "route-row", "data-route": `${r.method} ${r.servedPath}` },
      el("td", {}, r.method), el("td", {}, el("code", {}, r.servedPath)), el("td", {}, r.function ?? "(mock)"), el("td", {}, r.payload),
      el("td", {}, r.authorizer || ""), el("td", {}, el("button", { class: "secondary", "data-testid": "try-it", onclick: toggle }, "Try it"))),
    el("tr", {}, cell),
  ];
}

function tryIt(r) {
  const method = r.method === "ANY" ? "GET" : r.method;
  const path = r.servedPath.replace("/*  ($default)", "/");
  const m = el("input", { type: "text", value: method, "data-testid": "try-method" });
  const p = el("input", { type: "text", value: path, "data-testid": "try-path" });
  const headers = el("textarea", { "data-testid": "try-headers", placeholder: "Name: value, one per line" });
  // The hook for secured routes: once the gateway has authorizers it mints a token for the route (`mintedToken`).
  if (r.mintedToken) headers.value = "authorization: " + r.mintedToken;
  else if (r.authorizer) headers.placeholder = `authorization: ... (authorizer ${r.authorizer})`;
  const body = el("textarea", { "data-testid": "try-body", placeholder: "request body" });
  const out = el("div", { "data-testid": "try-result" });
  const send = async () => {
    const hs = headers.value.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
      const i = l.indexOf(":");
      return i < 0 ? [l, ""] : [l.slice(0, i).trim(), l.slice(i + 1).trim()];
    });
    if (body.value && !hs.some(([k]) => k.toLowerCase() === "content-type")) hs.push(["content-type", "application/json"]);
    try {
      const res = await call("POST", "/send", { method: m.value.trim(), path: p.value.trim(), headers: hs, body: body.value });
      out.replaceChildren(
        el("div", {}, el("b", { class: statusClass(res.status), "data-testid": "try-status" }, res.status), " · ",
          el("a", { href: "#invocations/" + res.id, "data-testid": "try-open" }, `open invocation #${res.id}`)),
        el("pre", {}, res.headers.map(([k, v]) => `${k}: ${v}`).join("\n") + "\n\n" + res.body));
    } catch (e) {
      out.replaceChildren(el("p", { class: "note" }, e.message));
    }
  };
  return el("div", { class: "tryit" },
    el("label", {}, "method"), m, el("label", {}, "path and query ({params} are yours to fill)"), p,
    el("label", {}, "headers"), headers, el("label", {}, "body"), body,
    el("div", { class: "actions" }, el("button", { "data-testid": "try-send", onclick: send }, "Send through the gateway")), out);
}

// ---- functions ------------------------------------------------------------------------------------------------
function renderFunctions() {
  const root = document.getElementById("functions");
  root.replaceChildren(...app.functions.map(functionCard));
  if (!app.functions.length) root.append(el("p", { class: "muted" }, "The template declares no functions."));
}

function functionCard(f) {
  const sources = el("select", { "data-testid": "fn-source" },
    f.events.filter((e) => e.sample).map((e) => el("option", { value: e.name }, `${e.type} "${e.name}"`)),
    el("option", { value: "" }, "empty event {}"));
  const editor = el("textarea", { "data-testid": "fn-event", rows: 12 }, "{}");
  const out = el("div", { "data-testid": "fn-result" });
  const load = async () => {
    if (!sources.value) { editor.value = "{}"; return; }
    try {
      const s = await call("GET", `/functions/${encodeURIComponent(f.id)}/sample?event=${encodeURIComponent(sources.value)}`);
      editor.value = json(s);
    } catch (e) {
      out.replaceChildren(el("p", { class: "note" }, e.message));
    }
  };
  const invoke = async () => {
    let event;
    try { event = JSON.parse(editor.value || "null"); } catch (e) { out.replaceChildren(el("p", { class: "note" }, "The event is not valid JSON: " + e.message)); return; }
    try {
      const r = await call("POST", `/functions/${encodeURIComponent(f.id)}/invoke`, event);
      out.replaceChildren(
        el("div", {}, r.error ? el("span", { class: "badge bad", "data-testid": "fn-status" }, r.error.errorType) : el("span", { class: "badge ok", "data-testid": "fn-status" }, "ok"),
          ` ${r.durationMs.toFixed(2)} ms · `, el("a", { href: "#invocations/" + r.id }, `invocation #${r.id}`)),
        ...section(r.error ? "Error" : "Result", json(r.error || r.output), "fn-output"),
        ...section("Log", r.logs, "fn-logs"));
    } catch (e) {
      out.replaceChildren(el("p", { class: "note" }, e.message));
    }
  };
  sources.addEventListener("change", load);
  const card = el("div", { class: "card fn", "data-testid": "function", "data-function": f.id },
    el("h2", {}, f.id, " ", el("span", { class: f.binding === "bound" ? "badge ok" : "badge bad" }, f.binding),
      el("span", { class: "badge" }, f.runtime || "runtime ?"), el("span", { class: "badge" }, `${f.memoryMb} MB`), el("span", { class: "badge" }, `${f.timeoutSecs} s`)),
    el("div", { class: "muted" }, f.routes.length ? "Routes: " + f.routes.join(", ") : "No routes"),
    el("div", { class: "muted" }, f.events.length ? "Event sources: " + f.events.map((e) => `${e.type} "${e.name}"`).join(", ") : "No other event sources"),
    el("label", {}, "sample event"), sources, el("label", {}, "event (edit freely)"), editor,
    el("div", { class: "actions" }, el("button", { "data-testid": "fn-invoke", onclick: invoke }, "Invoke")), out);
  if (f.events.some((e) => e.sample)) load();
  return card;
}

// ---- start ----------------------------------------------------------------------------------------------------
(async function start() {
  app = await call("GET", "/app");
  const tpl = document.getElementById("template");
  tpl.textContent = app.template.split("/").pop();
  tpl.title = app.template;
  renderRoutes();
  renderFunctions();
  connectLive();
  await loadInvocations();
  route();
})();
