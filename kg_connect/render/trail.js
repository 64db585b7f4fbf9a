// The idea-trail view: events left to right in time, hops as arrows labelled with carriers
// (recorded hops solid, inferred dashed), events in coloured lanes by group, groups with no
// recorded contact apart, and the mention table. A time slider and a play button replay the
// spread. Every string from data is set with textContent; tooltips are DOM text, not HTML.
(function () {
  "use strict";
  const doc = JSON.parse(document.getElementById("kgc-graph").textContent);
  const embedded = window.parent !== window;
  const app = document.getElementById("kgc-app");

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function post(msg) {
    if (embedded) window.parent.postMessage(Object.assign({ kgc: "graph", view: doc.view || "" }, msg), "*");
  }
  function tip(lines) {  // a tooltip as text (vis-network puts a string title in as HTML)
    const box = el("div", "kgc-tip");
    for (const line of lines) if (line) box.appendChild(el("div", "", line));
    return box;
  }

  // ------------------------------------------------------------------ the page
  const head = el("div", "kgc-trail-head");
  head.append(el("span", "kgc-trail-idea", doc.idea.label), el("span", "kgc-trail-summary", doc.summary));
  const bar = el("div", "kgc-bar");
  const play = el("button", "kgc-play", "▶ play");
  play.setAttribute("aria-label", "Replay the spread");
  const slider = el("input", "kgc-slider");
  slider.type = "range";
  slider.min = "0";
  slider.max = String(Math.max(0, doc.steps.length - 1));
  slider.value = slider.max;
  slider.setAttribute("aria-label", "Time");
  const when = el("span", "kgc-when");
  const fit = el("button", "kgc-fit", "fit");
  const key = el("span", "kgc-key");
  key.append(el("span", "kgc-key-solid", "── recorded hop"), el("span", "kgc-key-dashed", "- - inferred hop"));
  bar.append(play, slider, when, fit, key);
  const main = el("div", "kgc-main");
  const canvas = el("div", "kgc-canvas");
  const side = el("div", "kgc-side kgc-trail-side");
  main.append(canvas, side);
  const status = el("div", "kgc-status");
  app.append(head, bar, main, status);

  // the side: details of the selection, carriers, groups without contact, mentions
  const details = el("div", "kgc-trail-details");
  details.appendChild(el("div", "kgc-hint", "Click an event or a row for details."));
  side.appendChild(details);
  if (doc.carriers.length) {
    side.appendChild(el("div", "kgc-side-title", "Carriers (hops bridged)"));
    const list = el("ol", "kgc-carriers");
    for (const c of doc.carriers) list.appendChild(el("li", "", `${c.label} (${c.hops})`));
    side.appendChild(list);
  }
  side.appendChild(el("div", "kgc-side-title", "Lanes: the group most present"));
  for (const lane of doc.lanes) {
    const row = el("div", "kgc-legend-row");
    const sw = el("span", "kgc-swatch");
    sw.style.background = lane.color;
    row.append(sw, el("span", "kgc-legend-name", lane.label));
    side.appendChild(row);
  }
  const apart = el("div", "kgc-apart");
  apart.appendChild(el("div", "kgc-side-title",
    `No recorded contact (${doc.apart.length + doc.apartMore}): the data does not say they met it`));
  const apartList = el("ul", "kgc-apart-list");
  for (const name of doc.apart) apartList.appendChild(el("li", "", name));
  if (doc.apartMore) apartList.appendChild(el("li", "kgc-meta", `and ${doc.apartMore} more`));
  apart.appendChild(apartList);
  side.appendChild(apart);
  if (doc.problems.length) {
    side.appendChild(el("div", "kgc-side-title", "Problems in the data"));
    const list = el("ul", "kgc-problems");
    for (const p of doc.problems) list.appendChild(el("li", "", p));
    side.appendChild(list);
  }

  const table = el("table", "kgc-mentions");
  const thead = el("thead");
  const hr = el("tr");
  for (const h of ["time", "event", "role", "carriers", "evidence"]) hr.appendChild(el("th", "", h));
  thead.appendChild(hr);
  const tbody = el("tbody");
  table.append(thead, tbody);
  const rows = [];
  for (const m of doc.mentions) {
    const tr = el("tr");
    tr.dataset.step = String(m.step);
    tr.dataset.event = m.event;
    tr.append(el("td", "kgc-nowrap", m.time ? m.time.replace("T", " ").slice(0, 16) : "undated"),
              el("td", "", m.eventLabel), el("td", "kgc-nowrap", m.role), el("td", "", m.carriers.join(", ")),
              el("td", "", m.evidence.join(", ")));
    tr.addEventListener("click", () => { if (m.event) select(m.event, true); });
    tbody.appendChild(tr);
    rows.push(tr);
  }
  const tableBox = el("div", "kgc-table-box");
  tableBox.append(el("div", "kgc-side-title", "Mentions in time order"), table);
  app.appendChild(tableBox);

  // ------------------------------------------------------------------ the drawing
  const byId = new Map(doc.events.map((e) => [e.id, e]));
  const laneNodes = doc.lanes.map((lane, i) => ({
    id: lane.id, label: lane.label, x: -doc.xStep, y: i * doc.yStep, fixed: true, shape: "box",
    color: { background: lane.color, border: lane.color }, font: { color: "#ffffff" },
    title: tip([lane.label, lane.iri]), lane: true,
  }));
  const eventNodes = doc.events.map((e) => ({
    id: e.id, label: `${e.label}\n${(e.time || "").slice(0, 10)}`, x: e.x, y: e.y, fixed: true,
    shape: "box", borderWidth: e.first ? 3 : 1,
    color: { background: "#ffffff", border: e.color, highlight: { background: "#fff8d0", border: e.color } },
    title: tip([e.full, e.time, e.first ? "first appearance" : "", `${e.mentions.length} mention(s)`,
                e.groups.length ? `groups present: ${e.groups.slice(0, 8).join(", ")}${e.groups.length > 8 ? " …" : ""}` : ""]),
  }));
  const hopEdges = doc.hops.map((h) => ({
    id: h.id, from: h.from, to: h.to, label: h.label, arrows: "to", dashes: !h.explicit,
    width: h.explicit ? 2.5 : 1.2, color: { color: h.explicit ? "#333333" : "#777777" },
    font: { size: 10, align: "top" }, smooth: { type: "curvedCW", roundness: 0.15 },
    title: tip(h.reasons.concat(h.carriers.length ? [`carriers: ${h.carriers.join(", ")}`] : [])),
  }));
  const nodes = new vis.DataSet(laneNodes.concat(eventNodes));
  const edges = new vis.DataSet(hopEdges);
  const network = new vis.Network(canvas, { nodes, edges }, {
    physics: false, interaction: { hover: true, tooltipDelay: 150 },
    nodes: { font: { size: 12, multi: false }, margin: 6, widthConstraint: { maximum: 130 } },
    edges: { selectionWidth: 1 },
  });

  let step = Number(slider.value);
  function show(n) {
    step = n;
    slider.value = String(n);
    const upd = [];
    for (const e of doc.events) upd.push({ id: e.id, hidden: e.step > n });
    nodes.update(upd);
    edges.update(doc.hops.map((h) => ({ id: h.id, hidden: h.step > n })));
    for (const tr of rows) tr.classList.toggle("kgc-later", Number(tr.dataset.step) > n);
    const seen = doc.events.filter((e) => e.step <= n).length;
    const mentions = doc.mentions.filter((m) => m.step >= 0 && m.step <= n).length;
    const dated = doc.mentions.filter((m) => m.step >= 0).length;
    when.textContent = doc.stepText.length ? `up to ${doc.stepText[n].replace("T", " ").slice(0, 16)}` : "no dated mentions";
    status.textContent = `showing ${seen} of ${doc.events.length} events, ${mentions} of ${dated} dated mentions`;
    document.body.dataset.step = String(n);
    document.body.dataset.visible = String(seen);
  }
  let timer = null;
  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
    play.textContent = "▶ play";
  }
  play.addEventListener("click", () => {
    if (timer) { stop(); return; }
    if (step >= doc.steps.length - 1) show(0);
    play.textContent = "❚❚ pause";
    timer = setInterval(() => {
      if (step >= doc.steps.length - 1) { stop(); return; }
      show(step + 1);
    }, 700);
  });
  slider.addEventListener("input", () => { stop(); show(Number(slider.value)); });
  fit.addEventListener("click", () => network.fit({ animation: false }));

  function select(id, fromTable) {
    const e = byId.get(id);
    details.textContent = "";
    if (!e) return;
    if (fromTable) network.selectNodes([id]);
    details.appendChild(el("div", "kgc-details-label", e.full));
    details.appendChild(el("div", "kgc-details-types", (e.time || "").replace("T", " ")));
    if (e.first) details.appendChild(el("div", "kgc-meta", "first appearance"));
    if (/^https?:\/\//.test(e.id)) {
      const a = el("a", "", e.id);
      a.href = e.id;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      const p = el("div", "kgc-details-iri");
      p.appendChild(a);
      details.appendChild(p);
    } else details.appendChild(el("div", "kgc-details-iri", e.id));
    const into = doc.hops.filter((h) => h.to === id);
    for (const h of into) details.appendChild(el("div", "kgc-hop-reason",
      `← ${byId.get(h.from) ? byId.get(h.from).full : h.from}: ${h.reasons.join("; ")}`));
    if (e.groups.length) details.appendChild(el("div", "kgc-meta", `groups present: ${e.groups.join(", ")}`));
    if (doc.live) details.appendChild(el("div", "kgc-meta", "opened in the explorer below"));
    for (const tr of rows) tr.classList.toggle("kgc-picked", tr.dataset.event === id);
    post({ type: "select", id });
  }
  network.on("click", (params) => {
    const id = params.nodes && params.nodes[0];
    if (id && byId.has(id)) select(id, false);
  });

  show(Number(slider.max));
  // the widget keeps the frame collapsed until the page is ready: say so before the first drawing
  post({ type: "ready" });
  network.once("afterDrawing", () => {
    network.fit({ animation: false });
    document.body.dataset.ready = "1";
  });
  window.kgcTrail = { network, nodes, edges, show, doc };
})();
