/// The status page: one HTML document with its CSS and script inline, no CDN and no build
/// step, so it works offline and from any machine that reaches the listener.
///
/// The document is constant: everything it shows comes from `/status.json` and
/// `/logs/stream` and is put into the page with `textContent` and SVG text nodes, never as
/// markup, so whatever a worker name, kind, commune or log message holds is shown as text.
enum StatusPageDocument {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ChungTay operators</title>
<style>
  :root { --fg:#1d2430; --muted:#6b7280; --line:#d9dee7; --bar:#2f6fdf; --dead:#c2410c; --bg:#f7f8fa; }
  body { font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
  header { background: #1d2430; color: #fff; padding: 10px 20px; display: flex; gap: 24px; align-items: baseline; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0; }
  header span { color: #c9d1dd; }
  main { padding: 12px 20px; display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
  section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 0; overflow-x: auto; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 15px; margin: 0 0 8px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 3px 8px 3px 0; border-bottom: 1px solid var(--line); white-space: nowrap; }
  td.n, th.n { text-align: right; }
  .muted { color: var(--muted); }
  .error { color: var(--dead); font-weight: 600; }
  .state-lost { color: var(--dead); font-weight: 600; }
  .state-busy { color: var(--bar); }
  .progress { width: 160px; height: 10px; background: #e5e9f0; border-radius: 5px; overflow: hidden; display: inline-block; vertical-align: middle; }
  .progress div { height: 100%; background: var(--bar); }
  tr.batch { cursor: pointer; }
  tr.batch.selected td { background: #eef3fc; }
  .charts { display: flex; gap: 24px; flex-wrap: wrap; }
  .charts figure { margin: 0; }
  .charts figcaption { font-weight: 600; margin-bottom: 4px; }
  form { display: flex; gap: 8px; flex-wrap: wrap; margin-bottom: 8px; }
  input, select, button { font: inherit; }
  #log-lines { font: 12px/1.35 ui-monospace, monospace; margin: 0; padding: 0; list-style: none; max-height: 360px; overflow-y: auto; }
  #log-lines li { white-space: pre-wrap; word-break: break-word; border-bottom: 1px solid #f0f2f5; }
  .lvl-warning, .lvl-notice { color: #a16207; } .lvl-error, .lvl-critical { color: var(--dead); } .lvl-debug, .lvl-trace { color: var(--muted); }
</style>
</head>
<body>
<header>
  <h1>ChungTay operators</h1>
  <span id="dispatcher">connecting…</span>
  <span id="updated"></span>
</header>
<main>
  <section class="wide"><h2>Workers</h2>
    <table><thead><tr><th>name</th><th>host</th><th>kinds</th><th>state</th><th class="n">heartbeat age (s)</th>
      <th class="n">in flight</th><th class="n">done</th><th class="n">failed</th><th class="n">tasks/s</th></tr></thead>
      <tbody id="workers"></tbody></table>
  </section>
  <section class="wide"><h2>Queues</h2>
    <table><thead><tr><th>kind</th><th class="n">queued</th><th class="n">delayed</th><th class="n">running</th>
      <th class="n">completed</th><th class="n">dead</th><th class="n">oldest waiting (s)</th><th class="n">retries waiting</th></tr></thead>
      <tbody id="queues"></tbody></table>
  </section>
  <section class="wide"><h2>Dead letters</h2>
    <p><strong id="dead-letters">–</strong> <span class="muted">tasks wait in the dead-letter list (<code>chungtay dead-letters</code>)</span></p>
  </section>
  <section class="wide"><h2>Batches</h2>
    <table><thead><tr><th>batch</th><th>name</th><th>state</th><th>progress</th><th class="n">households</th><th class="n">tasks done / total</th>
      <th class="n">dead</th><th class="n">tasks/s</th><th class="n">ETA</th></tr></thead>
      <tbody id="batches"></tbody></table>
    <div class="charts" id="charts"></div>
  </section>
  <section class="wide"><h2>Log tail</h2>
    <form id="log-filter">
      <select name="level"><option value="">any level</option><option>trace</option><option>debug</option><option>info</option>
        <option>notice</option><option>warning</option><option>error</option><option>critical</option></select>
      <input name="worker" placeholder="worker"><input name="kind" placeholder="kind">
      <input name="batch" placeholder="batch"><input name="grep" placeholder="text">
      <button>Apply</button><span id="log-state" class="muted"></span>
    </form>
    <ol id="log-lines" data-received="0"></ol>
  </section>
</main>
<script>
"use strict";
const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);
const maxLogLines = 500;
let selectedBatch = null;
let previousBatches = new Map();

function cell(row, text, numeric, className) {
  const td = document.createElement("td");
  td.textContent = text === undefined || text === null ? "–" : String(text);
  if (numeric) td.className = "n";
  if (className) td.classList.add(className);
  row.appendChild(td);
  return td;
}

function fixed(value, digits) { return typeof value === "number" ? value.toFixed(digits) : value; }

function duration(seconds) {
  if (typeof seconds !== "number" || !isFinite(seconds)) return "–";
  if (seconds < 60) return Math.round(seconds) + " s";
  if (seconds < 3600) return Math.round(seconds / 60) + " min";
  return (seconds / 3600).toFixed(1) + " h";
}

function renderWorkers(status) {
  const body = $("workers");
  body.replaceChildren();
  for (const w of status.workers || []) {
    const row = body.insertRow();
    const state = w.state || (w.inFlight > 0 ? "busy" : "idle");
    cell(row, w.name); cell(row, w.host); cell(row, (w.kinds || []).join(", "));
    cell(row, state, false, "state-" + state);
    cell(row, fixed(w.lastHeartbeatSecondsAgo ?? w.lastSeenSecondsAgo, 1), true);
    cell(row, w.inFlight, true); cell(row, w.done, true); cell(row, w.failed, true);
    cell(row, fixed(w.tasksPerSecond, 1), true);
  }
  if (!body.rows.length) cell(body.insertRow(), "no workers connected");
}

function renderQueues(status) {
  const body = $("queues");
  body.replaceChildren();
  for (const kind of Object.keys(status.queues || {}).sort()) {
    const q = status.queues[kind];
    const row = body.insertRow();
    cell(row, kind);
    for (const value of [q.queued, q.delayed, q.running, q.completed, q.dead]) cell(row, value, true);
    cell(row, fixed(q.oldestWaitingSeconds, 1), true); cell(row, q.retriesWaiting, true);
  }
  $("dead-letters").textContent = String(status.deadLetters ?? "–");
}

/// Rate and ETA as the dispatcher reports them (status.batches), else from two polls.
function batchPace(batch, reported, now) {
  const done = batch.completed + batch.dead;
  const total = batch.queued + done;
  if (reported && typeof reported.ratePerSecond === "number") {
    return { rate: reported.ratePerSecond, eta: reported.etaSeconds };
  }
  const before = previousBatches.get(batch.id);
  previousBatches.set(batch.id, { done, at: now, rate: before ? before.rate : undefined });
  if (before && now > before.at && done >= before.done) {
    const rate = (done - before.done) / ((now - before.at) / 1000);
    previousBatches.get(batch.id).rate = rate;
    return { rate, eta: rate > 0 ? (total - done) / rate : undefined };
  }
  return { rate: before ? before.rate : undefined };
}

function renderBatches(data) {
  const body = $("batches");
  body.replaceChildren();
  const reported = new Map(((data.status && data.status.batches) || []).map((b) => [b.id, b]));
  const now = Date.now();
  const batches = (data.batches || []).slice().reverse();
  if (selectedBatch === null && batches.length) selectedBatch = batches[0].id;
  for (const batch of batches) {
    const done = batch.completed + batch.dead;
    const total = batch.queued + done;
    const row = body.insertRow();
    row.className = "batch" + (batch.id === selectedBatch ? " selected" : "");
    row.dataset.batch = batch.id;
    row.addEventListener("click", () => { selectedBatch = batch.id; renderBatches(data); });
    cell(row, batch.id); cell(row, batch.name); cell(row, batch.state);
    const bar = document.createElement("div");
    bar.className = "progress";
    const fill = document.createElement("div");
    fill.style.width = (total > 0 ? (100 * done / total) : 0).toFixed(1) + "%";
    bar.appendChild(fill);
    cell(row, "").replaceChildren(bar);
    cell(row, batch.households, true); cell(row, done + " / " + total, true); cell(row, batch.dead, true);
    const pace = batch.state === "complete" ? {} : batchPace(batch, reported.get(batch.id), now);
    cell(row, fixed(pace.rate, 1), true);
    cell(row, batch.state === "complete" ? "done" : duration(pace.eta), true);
  }
  if (!body.rows.length) cell(body.insertRow(), "no batches");
  renderCharts(batches.find((b) => b.id === selectedBatch));
}

const palette = ["#2f6fdf", "#16a34a", "#c2410c", "#9333ea", "#0891b2", "#ca8a04", "#db2777", "#475569"];

function svgElement(name, attributes, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = String(text);
  return element;
}

/// rows: [{label, parts: [{name, value}]}]: one horizontal bar per row, parts stacked, a legend.
function barChart(title, rows, testId) {
  const figure = document.createElement("figure");
  const caption = document.createElement("figcaption");
  caption.textContent = title;
  figure.appendChild(caption);
  const names = [...new Set(rows.flatMap((r) => r.parts.map((p) => p.name)))].sort();
  const colour = (name) => palette[names.indexOf(name) % palette.length];
  const labelWidth = 170, barWidth = 300, rowHeight = 18;
  const max = Math.max(1, ...rows.map((r) => r.parts.reduce((s, p) => s + p.value, 0)));
  const height = rows.length * rowHeight + 24 + Math.ceil(names.length / 3) * 16;
  const svg = svgElement("svg", { width: labelWidth + barWidth + 70, height, role: "img", "data-chart": testId });
  svg.appendChild(svgElement("title", {}, title));
  rows.forEach((r, i) => {
    const y = i * rowHeight + 2;
    svg.appendChild(svgElement("text", { x: labelWidth - 6, y: y + 12, "text-anchor": "end", "font-size": 12 }, r.label));
    let x = labelWidth, sum = 0;
    for (const part of r.parts) {
      const width = barWidth * part.value / max;
      const rect = svgElement("rect", { x, y, width: Math.max(width, 0), height: rowHeight - 4, fill: colour(part.name) });
      rect.appendChild(svgElement("title", {}, r.label + " · " + part.name + ": " + part.value));
      svg.appendChild(rect);
      x += width; sum += part.value;
    }
    svg.appendChild(svgElement("text", { x: x + 4, y: y + 12, "font-size": 11, fill: "#6b7280" }, sum));
  });
  names.forEach((name, i) => {
    const x = (i % 3) * 160, y = rows.length * rowHeight + 14 + Math.floor(i / 3) * 16;
    svg.appendChild(svgElement("rect", { x, y: y - 9, width: 10, height: 10, fill: colour(name) }));
    svg.appendChild(svgElement("text", { x: x + 14, y, "font-size": 11 }, name));
  });
  figure.appendChild(svg);
  return figure;
}

function renderCharts(batch) {
  const charts = $("charts");
  charts.replaceChildren();
  if (!batch) return;
  const communes = Object.entries(batch.byCommune || {}).sort((a, b) => a[0].localeCompare(b[0]));
  const classRows = communes.map(([commune, classes]) => ({
    label: commune,
    parts: typeof classes === "number" ? [{ name: "households", value: classes }]
      : Object.entries(classes).map(([name, value]) => ({ name, value: typeof value === "number" ? value : 0 })),
  }));
  const loanRows = Object.entries(batch.loansByStatus || {}).sort((a, b) => a[0].localeCompare(b[0]))
    .map(([status, value]) => ({ label: status, parts: [{ name: status, value: typeof value === "number" ? value : 0 }] }));
  charts.appendChild(barChart("Households by commune and class · batch " + batch.id, classRows, "classes-by-commune"));
  charts.appendChild(barChart("Loans by status · batch " + batch.id, loanRows, "loans-by-status"));
}

let logTailWanted = null;
async function refresh() {
  try {
    const response = await fetch("status.json", { cache: "no-store" });
    const data = await response.json();
    if (data.error) throw new Error(data.error);
    const status = data.status;
    $("dispatcher").textContent = "dispatcher " + status.clientEndpoint + " · up " + duration(status.uptimeSeconds)
      + (status.draining ? " · draining" : "");
    $("dispatcher").className = "";
    $("updated").textContent = "updated " + new Date().toLocaleTimeString();
    renderWorkers(status); renderQueues(status); renderBatches(data);
    if (logTailWanted === null) { logTailWanted = data.logTail; if (logTailWanted) openLogTail(); else $("log-state").textContent = "no log feed on this listener"; }
  } catch (error) {
    $("dispatcher").textContent = "no answer: " + error.message;
    $("dispatcher").className = "error";
  }
}

let source = null;
function logLine(record) {
  const fields = Object.entries(record).filter(([key]) => !["time", "level", "role", "worker", "host", "message"].includes(key))
    .map(([key, value]) => key + "=" + value).join(" ");
  return record.time + " " + String(record.level).toUpperCase() + " " + record.role + (record.worker ? "[" + record.worker + "]" : "")
    + " " + record.message + (fields ? " " + fields : "");
}

function openLogTail() {
  if (source) source.close();
  const list = $("log-lines");
  list.replaceChildren();
  list.dataset.received = "0";
  const parameters = new URLSearchParams();
  for (const [key, value] of new FormData($("log-filter"))) if (value) parameters.set(key, value);
  source = new EventSource("logs/stream?" + parameters.toString());
  // Each (re)connection starts with the tail again: it replaces what is shown.
  source.onopen = () => { list.replaceChildren(); $("log-state").textContent = "following"; };
  source.onerror = () => { $("log-state").textContent = "reconnecting…"; };
  source.onmessage = (event) => {
    let record;
    try { record = JSON.parse(event.data); } catch { return; }
    const item = document.createElement("li");
    item.className = "lvl-" + record.level;
    item.textContent = logLine(record);
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    list.appendChild(item);
    while (list.childElementCount > maxLogLines) list.firstElementChild.remove();
    list.dataset.received = String(Number(list.dataset.received) + 1);
    if (atBottom) list.scrollTop = list.scrollHeight;
  };
}

$("log-filter").addEventListener("submit", (event) => { event.preventDefault(); if (logTailWanted) openLogTail(); });
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
"""#
}
