// The graph viewer: draws one network document with vis-network and lets a person explore it.
// It runs in a page of its own: a sandboxed iframe inside a notebook (talking to the kernel
// through the page around it with postMessage), or an exported HTML file (no kernel: it works
// with the data it carries). Every string from data is set with textContent; tooltips are
// text; only http(s) IRIs become links.
(function () {
  "use strict";
  const doc = JSON.parse(document.getElementById("kgc-graph").textContent);
  const embedded = window.parent !== window;
  const live = !!doc.live;
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
  function fold(text) {  // case- and accent-insensitive matching
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // ------------------------------------------------------------------ layout of the page
  const bar = el("div", "kgc-bar");
  const search = el("input", "kgc-search");
  search.type = "search";
  search.placeholder = "Search labels, IRIs, prefixed names";
  search.setAttribute("aria-label", "Search the graph");
  const found = el("ul", "kgc-found");
  found.setAttribute("role", "listbox");
  const searchBox = el("div", "kgc-search-box");
  searchBox.append(search, found);
  const layout = el("select", "kgc-layout");
  layout.setAttribute("aria-label", "Layout");
  for (const [value, name] of [["force", "force"], ["hierarchical", "hierarchy (left to right)"],
                               ["radial", "radial around the focus"], ["time", "time (dated nodes along x)"]]) {
    const o = el("option", "", name);
    o.value = value;
    // radial and time positions are computed by the kernel: a saved page keeps the one it has
    if (!live && (value === "radial" || value === "time") && (doc.layout || "force") !== value) {
      o.disabled = true;
      o.textContent = `${name}: needs a running kernel`;
    }
    layout.appendChild(o);
  }
  layout.value = doc.layout || "force";
  const physicsLabel = el("label", "kgc-toggle");
  const physics = el("input");
  physics.type = "checkbox";
  physics.checked = doc.options && doc.options.physics !== false;
  physicsLabel.append(physics, document.createTextNode(" physics"));
  const fitButton = el("button", "kgc-fit", "fit");
  const undoButton = el("button", "kgc-undo", "undo");
  undoButton.disabled = true;
  const depthLabel = el("label", "kgc-depth-label", "depth ");
  const depth = el("input", "kgc-depth");
  depth.type = "number";
  depth.min = "1";
  depth.max = "4";
  depth.value = String(doc.depth || 1);
  depthLabel.appendChild(depth);
  const exportButton = el("button", "kgc-export", "export HTML");
  bar.append(searchBox, layout, physicsLabel, fitButton, undoButton);
  if (live) bar.append(depthLabel);
  bar.append(exportButton);

  const side = el("div", "kgc-side");
  const legend = el("div", "kgc-legend");
  const dates = el("div", "kgc-dates");
  const details = el("div", "kgc-details");
  details.appendChild(el("div", "kgc-hint", "Click a node to see what it is; double-click to expand it."));
  side.append(legend, dates, details);
  const canvas = el("div", "kgc-canvas");
  const status = el("div", "kgc-status");
  const note = el("div", "kgc-note");
  const main = el("div", "kgc-main");
  main.append(canvas, side);
  app.append(bar, main, status, note);

  // ------------------------------------------------------------------ data
  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  const all = new Map();  // id -> node document (drawn or filtered out)
  const hidden = new Set(doc.hiddenNodes || []);  // hidden by the person
  const pinned = new Set(doc.pinned || []);
  const offClasses = new Set(doc.offClasses || []);
  let range = doc.range || [null, null];
  const history = [];  // each: {nodes: [...ids], edges: [...ids]}
  let selected = null;
  let total = doc.total || 0;
  // a big view draws straight edges and hides them while it moves: curves cost most of the time
  const big = (doc.edges || []).length > 1500 || (doc.nodes || []).length > 500;

  function visNode(n) {
    const out = {
      id: n.id, label: n.label, title: n.title, shape: n.shape, size: n.size,
      color: { background: n.color, border: shade(n.color), highlight: { background: n.color, border: "#000" } },
      font: { color: getComputedStyle(document.documentElement).getPropertyValue("--kgc-fg").trim() || "#222" },
    };
    if (n.kind === "more") out.shapeProperties = { borderDashes: [4, 3] };
    if (typeof n.x === "number") out.x = n.x;
    if (typeof n.y === "number") out.y = n.y;
    if (n.fixed) out.fixed = n.fixed;
    if (pinned.has(n.id)) out.fixed = true;
    if (n.shape === "box") out.margin = 6;
    return out;
  }
  function shade(color) {
    return /^#[0-9a-f]{6}$/i.test(color) ? "#" + color.slice(1).match(/../g)
      .map((h) => Math.max(0, parseInt(h, 16) - 40).toString(16).padStart(2, "0")).join("") : "#666";
  }
  // In a dense view most links are drawn but do not pull: each node keeps a few springs, so
  // the physics costs what the nodes cost, not what the links cost (44,000 springs among 2,000
  // nodes took 15 s to settle; a few per node lay it out as well).
  const springs = new Map();
  const SPRINGS_PER_NODE = 3;
  function spring(e) {
    const a = springs.get(e.from) || 0, b = springs.get(e.to) || 0;
    if (a >= SPRINGS_PER_NODE && b >= SPRINGS_PER_NODE) return false;
    springs.set(e.from, a + 1);
    springs.set(e.to, b + 1);
    return true;
  }
  function visEdge(e) {
    return {
      id: e.id, from: e.from, to: e.to, label: e.label, title: e.title, arrows: "to",
      width: Math.min(1 + Math.log2(e.count || 1), 5),
      font: { size: doc.options && doc.options.edgeLabels === false ? 0 : 10, align: "middle" },
      color: { color: "#8a8a8a", highlight: "#333" }, smooth: big ? false : { type: "continuous" },
      physics: big ? spring(e) : true,
    };
  }
  function shown(n) {
    if (hidden.has(n.id) || offClasses.has(n.group)) return false;
    if (n.time && (range[0] || range[1])) {
      const day = n.time.slice(0, 10);
      if ((range[0] && day < range[0]) || (range[1] && day > range[1])) return false;
    }
    return true;
  }
  function redraw() {
    const want = [...all.values()].filter(shown);
    const ids = new Set(want.map((n) => n.id));
    nodes.remove(nodes.getIds().filter((id) => !ids.has(id)));
    nodes.update(want.filter((n) => !nodes.get(n.id)).map(visNode));
    if (layout.value === "hierarchical") setLevels();
    drawStatus();
  }
  // Levels for the hierarchical layout, from the drawn links: a parent is left of its children.
  // Links that point up (a unit to its organisation, a narrower idea to a broader one) count
  // backwards. Breadth-first from the nodes without parents, so cycles (people who know each
  // other) cannot push levels out without end, as vis-network's own "directed" sort does.
  const UPWARD = new Set(["subOrganizationOf", "reportsTo", "broader", "subClassOf", "subPropertyOf",
                          "isPartOf", "unitOf", "memberOf", "superEvent", "partOf"]);
  const DOWNWARD = new Set(["hasUnit", "hasSubOrganization", "subEvent", "narrower", "hasPart", "hasMember",
                            "headOf", "subOrganization"]);
  function setLevels() {
    const ids = nodes.getIds();
    const drawnIds = new Set(ids);
    const links = [];  // [parent, child, is a hierarchy link]
    for (const e of edgeDocs.values()) {
      if (!drawnIds.has(e.from) || !drawnIds.has(e.to) || e.from === e.to) continue;
      const names = (e.predicates || []).map((p) => String(p).split(/[#/]/).pop());
      const up = names.some((n) => UPWARD.has(n));
      const [a, b] = up ? [e.to, e.from] : [e.from, e.to];
      links.push([a, b, up || names.some((n) => DOWNWARD.has(n))]);
    }
    const level = new Map();
    const walk = (starts, use) => {
      const children = new Map();
      for (const [a, b, h] of links) if (use(h)) (children.get(a) || children.set(a, []).get(a)).push(b);
      let frontier = starts.filter((id) => !level.has(id));
      frontier.forEach((id) => level.set(id, 0));
      while (frontier.length) {
        const next = [];
        for (const id of frontier) {
          for (const c of children.get(id) || []) {
            if (!level.has(c)) { level.set(c, level.get(id) + 1); next.push(c); }
          }
        }
        frontier = next;
      }
    };
    const rootsOf = (use) => {
      const hasParent = new Set(links.filter(([, , h]) => use(h)).map(([, b]) => b));
      const inLinks = new Set(links.filter(([, , h]) => use(h)).flatMap(([a, b]) => [a, b]));
      return ids.filter((id) => inLinks.has(id) && !hasParent.has(id));
    };
    // the hierarchy first (units under their organisation), if the view has one; then each
    // other node one level after the first of its neighbours that has a level
    if (links.some(([, , h]) => h)) {
      walk(rootsOf((h) => h), (h) => h);
      let changed = true;
      while (changed) {
        changed = false;
        for (const [a, b] of links) {
          if (level.has(a) && !level.has(b)) { level.set(b, level.get(a) + 1); changed = true; }
          else if (level.has(b) && !level.has(a)) { level.set(a, level.get(b) + 1); changed = true; }
        }
      }
    }
    walk(ids.filter((id) => !links.some(([, b]) => b === id)), () => true);
    // what only cycles reach: start from the node with the most links
    const degree = new Map(ids.map((id) => [id, 0]));
    for (const [a] of links) degree.set(a, degree.get(a) + 1);
    for (const id of [...ids].sort((x, y) => degree.get(y) - degree.get(x))) {
      if (!level.has(id)) walk([id], () => true);
    }
    nodes.update(ids.map((id) => ({ id, level: level.get(id) })));
  }
  function drawStatus() {
    const drawn = nodes.length;
    const known = all.size;
    const of = Math.max(total, known);
    let text = drawn < of ? `showing ${drawn.toLocaleString("en")} of ${of.toLocaleString("en")} nodes`
      : `${drawn.toLocaleString("en")} nodes`;
    const links = edges.length;
    if (doc.edgeTotal && doc.edgeTotal > links) {
      text += `, ${links.toLocaleString("en")} of ${doc.edgeTotal.toLocaleString("en")} links`;
    }
    status.textContent = text;
    status.dataset.drawn = String(drawn);
  }
  function add(batch, remember) {
    const newNodes = (batch.nodes || []).filter((n) => !all.has(n.id));
    for (const n of batch.nodes || []) all.set(n.id, Object.assign(all.get(n.id) || {}, n));
    const newEdges = (batch.edges || []).filter((e) => !edges.get(e.id));
    edges.update(newEdges.map(visEdge));
    for (const e of batch.edges || []) edgeDocs.set(e.id, e);
    if (typeof batch.total === "number") total = batch.total;
    if (typeof batch.edgeTotal === "number") doc.edgeTotal = batch.edgeTotal;
    if (remember && (newNodes.length || newEdges.length)) {
      history.push({ nodes: newNodes.map((n) => n.id), edges: newEdges.map((e) => e.id) });
      undoButton.disabled = false;
    }
    redraw();
    drawLegend();
    drawDates();
    return newNodes;
  }
  const edgeDocs = new Map();

  // ------------------------------------------------------------------ the network
  const theme = getComputedStyle(document.documentElement);
  const options = {
    autoResize: true,
    interaction: { hover: true, tooltipDelay: 150, navigationButtons: false, keyboard: false,
                   hideEdgesOnDrag: big, hideEdgesOnZoom: big },
    physics: {
      enabled: physics.checked, solver: "barnesHut",
      barnesHut: { gravitationalConstant: -6000, springLength: 150, avoidOverlap: 0.2, theta: big ? 0.9 : 0.5 },
      stabilization: { enabled: true, iterations: (doc.options && doc.options.stabilization) || 200, fit: true },
    },
    layout: layoutOptions(layout.value),
    nodes: { font: { size: 13, color: theme.getPropertyValue("--kgc-fg").trim() || "#222" } },
    edges: { font: { color: theme.getPropertyValue("--kgc-muted").trim() || "#555", strokeWidth: 3,
                     strokeColor: theme.getPropertyValue("--kgc-bg").trim() || "#fff" } },
  };
  function layoutOptions(name) {
    return name === "hierarchical"
      ? { hierarchical: { enabled: true, direction: "LR", levelSeparation: 220, nodeSpacing: 60 } }
      : { hierarchical: { enabled: false },
          // positions computed for the time and radial layouts must not be laid out again
          improvedLayout: all.size <= 150 && !(name === "time" || name === "radial") };
  }
  if (big && layout.value === "force") {
    // a big view starts from a disc rather than vis-network's square: with the few
    // iterations it gets, a square leaves a hollow diamond in the middle
    const r = 40 * Math.sqrt(doc.nodes.length);
    let seed = 1;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;  // the same picture each time
    for (const n of doc.nodes) {
      if (typeof n.x === "number" || (doc.positions && doc.positions[n.id])) continue;
      const a = 2 * Math.PI * rand(), d = r * Math.sqrt(rand());
      n.x = d * Math.cos(a);
      n.y = d * Math.sin(a);
    }
  }
  add({ nodes: doc.nodes, edges: doc.edges }, false);
  const net = new vis.Network(canvas, { nodes, edges }, options);
  window.kgcNetwork = net;  // for tests and for the curious
  net.once("stabilizationIterationsDone", () => {
    net.fit();
    document.body.dataset.settled = "1";
    // a big view is shown after a bounded stabilisation; physics refines one of up to 1,000
    // nodes two seconds more (the page stays usable) and then stops; a bigger one stops at
    // once, or every frame would redraw thousands of links while the person types
    if (layout.value === "force" && nodes.length > 300) {
      setTimeout(() => {
        if (userPhysics) return;
        net.setOptions({ physics: { enabled: false } });
        physics.checked = false;
      }, nodes.length > 1000 ? 0 : 2000);
    }
    post({ type: "settled" });
  });
  if (!physics.checked) setTimeout(() => { document.body.dataset.settled = "1"; }, 0);
  if (doc.positions) {
    for (const [id, xy] of Object.entries(doc.positions)) if (nodes.get(id)) net.moveNode(id, xy[0], xy[1]);
  }

  // badges: how many neighbours a node has that are not drawn
  net.on("afterDrawing", (ctx) => {
    const positions = net.getPositions();
    ctx.save();
    ctx.font = "bold 10px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (const id of nodes.getIds()) {
      const n = all.get(id);
      const count = n && n.neighbours ? n.neighbours - drawnNeighbours(id) : 0;
      if (count <= 0 || !positions[id]) continue;
      const r = (n.size || 14) * 0.9;
      const x = positions[id].x + r, y = positions[id].y - r;
      const text = count > 999 ? "999+" : String(count);
      ctx.fillStyle = "#c0392b";
      ctx.beginPath();
      ctx.arc(x, y, 6 + text.length * 2, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = "#fff";
      ctx.fillText(text, x, y);
    }
    ctx.restore();
  });
  // for tests and for the curious: node id -> how many of its neighbours are not drawn
  window.kgcBadges = () => Object.fromEntries(nodes.getIds().map((id) => {
    const n = all.get(id);
    return [id, n && n.neighbours ? n.neighbours - drawnNeighbours(id) : 0];
  }).filter(([, c]) => c > 0));
  function drawnNeighbours(id) {
    const seen = new Set();
    for (const e of net.getConnectedEdges(id)) {
      const ed = edges.get(e);
      const other = ed && (ed.from === id ? ed.to : ed.from);
      if (other && other !== id && nodes.get(other) && all.get(other) && all.get(other).kind !== "more") seen.add(other);
    }
    return seen.size;
  }

  // ------------------------------------------------------------------ legend and filters
  function drawLegend() {
    legend.replaceChildren(el("div", "kgc-side-title", "Classes"));
    const counts = new Map();
    for (const n of all.values()) {
      if (n.kind === "more") continue;
      const entry = counts.get(n.group) || { label: groupName(n), color: n.color, shape: n.shape, count: 0 };
      entry.count += 1;
      counts.set(n.group, entry);
    }
    for (const [group, entry] of [...counts.entries()].sort((a, b) => b[1].count - a[1].count)) {
      const row = el("label", "kgc-legend-row");
      const box = el("input");
      box.type = "checkbox";
      box.checked = !offClasses.has(group);
      box.dataset.group = group;
      box.addEventListener("change", () => {
        if (box.checked) offClasses.delete(group); else offClasses.add(group);
        redraw();
        post({ type: "filter", offClasses: [...offClasses] });
      });
      const swatch = el("span", "kgc-swatch");
      swatch.style.background = entry.color;
      row.append(box, swatch, el("span", "kgc-legend-name", entry.label), el("span", "kgc-legend-count", entry.count));
      legend.appendChild(row);
    }
  }
  function groupName(n) {
    const item = (doc.legend || []).find((l) => l.group === n.group);
    return item ? item.label : n.group;
  }
  function drawDates() {
    const times = [...all.values()].map((n) => n.time).filter(Boolean).map((t) => t.slice(0, 10)).sort();
    dates.replaceChildren();
    if (!times.length) return;
    dates.appendChild(el("div", "kgc-side-title", "Dates"));
    const from = el("input", "kgc-from");
    const to = el("input", "kgc-to");
    for (const [input, value, name] of [[from, range[0] || times[0], "from"], [to, range[1] || times[times.length - 1], "to"]]) {
      input.type = "date";
      input.value = value;
      input.min = times[0];
      input.max = times[times.length - 1];
      input.setAttribute("aria-label", name);
      input.addEventListener("change", () => {
        range = [from.value || null, to.value || null];
        redraw();
      });
    }
    dates.append(el("span", "", "from "), from, el("span", "", " to "), to);
  }

  // ------------------------------------------------------------------ details
  function link(text, id) {
    const a = el("button", "kgc-link", text);
    a.addEventListener("click", () => focusNode(id));
    return a;
  }
  function showDetails(id) {
    const n = all.get(id);
    details.replaceChildren();
    if (!n) return;
    details.appendChild(el("div", "kgc-details-label", n.name || n.label));
    if (n.types && n.types.length) details.appendChild(el("div", "kgc-details-types", n.types.join(" · ")));
    if (n.iri) {
      const iri = el("div", "kgc-details-iri");
      if (n.link) {
        const a = el("a", "", n.iri);
        a.href = n.link;  // http(s) only: checked when the document was made
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        iri.appendChild(a);
      } else {
        iri.textContent = n.iri;
      }
      details.appendChild(iri);
    }
    const notDrawn = n.neighbours ? n.neighbours - drawnNeighbours(id) : 0;
    if (notDrawn > 0) {
      details.appendChild(el("div", "kgc-not-drawn",
        `${notDrawn.toLocaleString("en")} neighbour${notDrawn === 1 ? "" : "s"} not drawn`));
    }
    const buttons = el("div", "kgc-details-buttons");
    const expand = el("button", "kgc-expand", n.kind === "more" ? "show more" : "expand");
    expand.addEventListener("click", () => expandNode(id));
    const pin = el("button", "kgc-pin", pinned.has(id) ? "unpin" : "pin");
    pin.addEventListener("click", () => {
      if (pinned.has(id)) pinned.delete(id); else pinned.add(id);
      nodes.update({ id, fixed: pinned.has(id) });
      pin.textContent = pinned.has(id) ? "unpin" : "pin";
      reportState();
    });
    const hide = el("button", "kgc-hide", "hide");
    hide.addEventListener("click", () => {
      hidden.add(id);
      history.push({ nodes: [], edges: [], hid: id });  // undo brings it back
      undoButton.disabled = false;
      redraw();
      details.replaceChildren();
      reportState();
    });
    buttons.append(expand, pin, hide);
    details.appendChild(buttons);
    if (n.props && n.props.length) {
      const table = el("table", "kgc-props");
      for (const [p, v, m] of n.props) {
        const tr = el("tr");
        const td = el("td", "kgc-prop-value", v);
        td.dir = "auto";
        if (m) td.appendChild(el("span", "kgc-meta", " " + m));
        tr.append(el("td", "kgc-prop-name", p), td);
        table.appendChild(tr);
      }
      details.appendChild(table);
    }
    for (const [title, outgoing] of [["links out", true], ["links in", false]]) {
      const list = el("ul", "kgc-links");
      for (const e of edgeDocs.values()) {
        if ((outgoing ? e.from : e.to) !== id) continue;
        const other = all.get(outgoing ? e.to : e.from);
        if (!other) continue;
        const li = el("li", "", e.label + " → ");
        li.appendChild(link(other.label, other.id));
        list.appendChild(li);
      }
      if (list.childElementCount) details.append(el("div", "kgc-side-title", title), list);
    }
  }
  function select(id) {
    selected = id;
    showDetails(id);
    post({ type: "select", id });
  }
  function focusNode(id) {
    if (!all.has(id)) {
      if (live) post({ type: "focus", id, depth: Number(depth.value) || 1 });
      return;
    }
    if (hidden.delete(id)) redraw();
    if (nodes.get(id)) {
      net.selectNodes([id]);
      net.focus(id, { scale: 1.1, animation: { duration: 300 } });
    }
    select(id);
  }
  function expandNode(id) {
    const n = all.get(id);
    if (!live) {
      note.textContent = "Expanding needs a running kernel: this view shows the nodes it was saved with.";
      return;
    }
    note.textContent = "";
    post({ type: n && n.kind === "more" ? "more" : "expand", id });
  }

  net.on("click", (params) => {
    if (params.nodes.length) {
      const n = all.get(params.nodes[0]);
      if (n && n.kind === "more") expandNode(n.id); else select(params.nodes[0]);
    }
  });
  net.on("doubleClick", (params) => { if (params.nodes.length) expandNode(params.nodes[0]); });
  // the kernel keeps the view's state (positions, hidden and pinned nodes) for the notebook's
  // static copy and for exports
  let stateTimer = null;
  function reportState() {
    clearTimeout(stateTimer);
    stateTimer = setTimeout(() => post({ type: "state", state: state() }), 800);
  }
  net.on("dragEnd", reportState);
  net.on("stabilized", reportState);

  // ------------------------------------------------------------------ search
  let results = [];
  let active = -1;
  function runSearch() {
    const q = fold(search.value.trim());
    found.replaceChildren();
    results = [];
    active = -1;
    if (!q) return;
    // best first: the label itself, a label that starts with it, a word that does, any label
    // that holds it, then IRIs and prefixed names; shorter labels before longer ones
    const ranked = [];
    for (const n of all.values()) {
      if (n.kind === "more") continue;
      const label = fold(n.name || n.label);
      const at = label.indexOf(q);
      let rank = -1;
      if (label === q || fold(n.qname) === q || fold(n.iri) === q) rank = 0;
      else if (at === 0) rank = 1;
      else if (at > 0 && /[^\p{L}\p{N}]/u.test(label[at - 1])) rank = 2;
      else if (at > 0) rank = 3;
      else if (fold(n.iri).includes(q) || fold(n.qname).includes(q)) rank = 4;
      if (rank >= 0) ranked.push([rank, label.length, label, n]);
    }
    ranked.sort((a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
    results = ranked.slice(0, 20).map((r) => r[3]);
    results.forEach((n, i) => {
      const li = el("li", "kgc-found-item", n.name || n.label);
      li.setAttribute("role", "option");
      li.title = n.iri || n.label;
      li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(i); });
      found.appendChild(li);
    });
    if (!results.length) {
      found.appendChild(el("li", "kgc-found-none", live ? "not drawn: press Enter to look in the graph" : "no match"));
    }
  }
  function mark() {
    [...found.children].forEach((li, i) => li.classList.toggle("kgc-active", i === active));
  }
  function choose(i) {
    const n = results[i];
    found.replaceChildren();
    if (n) focusNode(n.id);
  }
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") { active = Math.min(active + 1, results.length - 1); mark(); e.preventDefault(); }
    else if (e.key === "ArrowUp") { active = Math.max(active - 1, 0); mark(); e.preventDefault(); }
    else if (e.key === "Enter") {
      if (results.length) choose(active >= 0 ? active : 0);
      else if (live && search.value.trim()) post({ type: "search", text: search.value.trim() });
      e.preventDefault();
    } else if (e.key === "Escape") { found.replaceChildren(); }
  });
  search.addEventListener("blur", () => setTimeout(() => found.replaceChildren(), 150));

  // ------------------------------------------------------------------ controls
  fitButton.addEventListener("click", () => net.fit({ animation: { duration: 300 } }));
  let userPhysics = false;  // once the person sets physics, it is theirs
  physics.addEventListener("change", () => {
    userPhysics = true;
    net.setOptions({ physics: { enabled: physics.checked } });
  });
  layout.addEventListener("change", () => {
    if (live && (layout.value === "radial" || layout.value === "time")) {
      post({ type: "layout", layout: layout.value });  // positions are computed by the kernel
      return;
    }
    if (layout.value === "hierarchical") setLevels();
    net.setOptions({ layout: layoutOptions(layout.value) });
    if (layout.value === "hierarchical") { net.fit(); return; }
    // a force layout is computed by physics, even when physics is off for dragging; pinned
    // nodes take part in the new layout and stay pinned where it puts them
    const pins = [...pinned].filter((id) => nodes.get(id));
    nodes.update(pins.map((id) => ({ id, fixed: false })));
    net.setOptions({ physics: { enabled: true } });
    net.once("stabilizationIterationsDone", () => {
      nodes.update(pins.map((id) => ({ id, fixed: true })));
      net.setOptions({ physics: { enabled: physics.checked } });
      net.fit();
    });
    net.setData({ nodes, edges });  // forget the old positions: lay out afresh
  });
  undoButton.addEventListener("click", () => undo(true));
  function undo(tellKernel, expansionOnly) {
    // the kernel's undo() takes back its last expansion, not a node the person hid since
    const at = expansionOnly ? history.map((h) => !h.hid).lastIndexOf(true) : history.length - 1;
    const last = at >= 0 ? history.splice(at, 1)[0] : undefined;
    undoButton.disabled = !history.length;
    if (!last) return;
    if (last.hid) {
      hidden.delete(last.hid);
      redraw();
      reportState();
      return;
    }
    edges.remove(last.edges);
    for (const id of last.edges) edgeDocs.delete(id);
    for (const id of last.nodes) all.delete(id);
    redraw();
    drawLegend();
    if (selected && !all.has(selected)) { selected = null; details.replaceChildren(); }
    if (tellKernel) post({ type: "undo", nodes: last.nodes });
    reportState();
  }
  depth.addEventListener("change", () => { if (selected) post({ type: "focus", id: selected, depth: Number(depth.value) || 1 }); });

  function state() {
    const positions = {};
    const at = net.getPositions();
    for (const [id, xy] of Object.entries(at)) positions[id] = [Math.round(xy.x), Math.round(xy.y)];
    return {
      nodes: [...all.values()], edges: [...edgeDocs.values()], legend: doc.legend, total, focus: doc.focus,
      layout: layout.value, options: Object.assign({}, doc.options, { physics: false }), positions,
      hiddenNodes: [...hidden], pinned: [...pinned], offClasses: [...offClasses], range, theme: doc.theme,
      title: doc.title,
    };
  }
  exportButton.addEventListener("click", () => {
    if (embedded) { post({ type: "export", state: state() }); return; }
    // a page of its own: the same document, with this view in it
    const data = JSON.stringify(Object.assign(state(), { live: false }))
      .replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");
    const html = "<!DOCTYPE html>\n" + document.documentElement.outerHTML.replace(
      /(<script type="application\/json" id="kgc-graph">)[\s\S]*?(<\/script>)/, (_, a, b) => a + data + b);
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([html], { type: "text/html" }));
    a.download = "graph.html";
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });

  // ------------------------------------------------------------------ the kernel's answers
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || !event.data || event.data.kgc !== "kernel") return;
    const msg = event.data;
    if (msg.type === "add") {
      const added = add(msg, msg.remember !== false);
      if (msg.focus) focusNode(msg.focus);
      else if (added.length) net.fit({ nodes: [...new Set([...(msg.around || []), ...added.map((n) => n.id)])]
        .filter((id) => nodes.get(id)), animation: { duration: 300 } });
      if (msg.note) note.textContent = msg.note;
    } else if (msg.type === "replace") {  // a new layout or view from the kernel
      edges.clear();
      nodes.clear();
      all.clear();
      edgeDocs.clear();
      history.length = 0;
      undoButton.disabled = true;
      Object.assign(doc, msg.doc);
      layout.value = msg.doc.layout;
      net.setOptions({ layout: layoutOptions(msg.doc.layout), physics: { enabled: msg.doc.options.physics } });
      add({ nodes: msg.doc.nodes, edges: msg.doc.edges, total: msg.doc.total }, false);
      layout.value = msg.doc.layout;
      physics.checked = !!msg.doc.options.physics;
      net.fit();
    } else if (msg.type === "select") {
      focusNode(msg.id);
    } else if (msg.type === "undo") {  // Python's undo(): the kernel has forgotten them already
      undo(false, true);
    } else if (msg.type === "found") {  // the kernel's search of the whole graph
      found.replaceChildren();
      results = msg.items;
      active = -1;
      results.forEach((n, i) => {
        const li = el("li", "kgc-found-item", n.label);
        li.title = n.iri || n.label;
        li.addEventListener("mousedown", (e) => { e.preventDefault(); found.replaceChildren(); post({ type: "focus", id: n.id, depth: Number(depth.value) || 1 }); });
        found.appendChild(li);
      });
      if (!results.length) found.appendChild(el("li", "kgc-found-none", "no match in the graph"));
    } else if (msg.type === "note") {
      note.textContent = msg.text || "";
    }
  });
  post({ type: "ready" });
})();
