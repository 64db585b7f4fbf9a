// The results view: renders one page (model "payload") as a table; paging, sorting and
// downloads are asked of the kernel. Every value from data is set with textContent.
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function status(doc) {
  if (doc.form === "CONSTRUCT" || doc.form === "DESCRIBE") return `${doc.total.toLocaleString("en")} triples`;
  if (!doc.total) return "no rows";
  const total = doc.total.toLocaleString("en");
  let of = total;
  if (doc.atLeast && doc.exact != null) of = `${total} fetched (${doc.exact.toLocaleString("en")} in all)`;
  else if (doc.atLeast) of = `at least ${total} (the first ${total} were fetched)`;
  return `showing ${doc.first.toLocaleString("en")}–${doc.last.toLocaleString("en")} of ${of}`;
}

function cellNode(c, askFull) {
  const td = el("td", c.t === "iri" ? "kgc-iri" : c.t === "none" ? "kgc-none" : "");
  td.dir = "auto";  // each cell keeps its own direction; controls arrive already made visible
  td.appendChild(el("span", "kgc-v", c.v));
  if (c.t === "iri") td.title = c.h + "\n" + c.iri;
  if (c.m) td.appendChild(el("span", "kgc-meta", c.m));
  if (c.cut) {
    const more = el("button", "kgc-more", `… ${c.cut.toLocaleString("en")} more characters`);
    more.addEventListener("click", () => { more.disabled = true; askFull(td); });
    td.appendChild(more);
  }
  return td;
}

function button(label, action, disabled) {
  const b = el("button", "kgc-btn", label);
  b.disabled = !!disabled;
  b.addEventListener("click", action);
  return b;
}

function hideStaticCopy(root, id) {
  // the output beside this view holds its static copy (for exports and kernel-less views):
  // once the live view is drawn, hide it
  if (!id) return;
  for (const copy of document.querySelectorAll(`.kgc-static[data-kgc-view="${id}"]`)) {
    const child = copy.closest(".jp-OutputArea-child");
    (child && !child.contains(root) ? child : copy).style.display = "none";
  }
}

function render({ model, el: root }) {
  const box = el("div", "kgc-results kgc-live");
  root.appendChild(box);
  hideStaticCopy(root, model.get("static_id"));

  function draw() {
    const doc = model.get("payload") || {};
    box.replaceChildren();
    if (doc.error) {
      box.appendChild(el("div", "kgc-error", doc.error));
      return;
    }
    if (!doc.form) return;
    if (doc.form === "ASK") {
      box.appendChild(el("div", "kgc-answer", doc.boolean ? "yes" : "no"));
      return;
    }
    const bar = el("div", "kgc-bar");
    bar.appendChild(el("span", "kgc-status", status(doc) + "  "));
    if (doc.form === "SELECT") {
      const p = doc.page, last = doc.pages - 1;
      const go = (n) => { model.set("page", n); model.save_changes(); };
      bar.appendChild(button("« first", () => go(0), p <= 0));
      bar.appendChild(button("‹ prev", () => go(p - 1), p <= 0));
      bar.appendChild(el("span", "kgc-pageno", ` page ${p + 1} of ${doc.pages} `));
      bar.appendChild(button("next ›", () => go(p + 1), p >= last));
      bar.appendChild(button("last »", () => go(last), p >= last));
      if (doc.atLeast) {  // the answer was capped: ask the store for the next rows (LIMIT/OFFSET)
        const more = button(`fetch ${doc.more.toLocaleString("en")} more rows`, () => {
          more.disabled = true;
          more.textContent = "fetching…";
          model.send({ type: "more" });
        });
        more.classList.add("kgc-fetch");
        bar.appendChild(more);
      }
    }
    for (const fmt of doc.form === "SELECT" ? ["csv", "json"] : ["turtle"]) {
      bar.appendChild(button(`⤓ ${fmt.toUpperCase()}`, () => model.send({ type: "download", format: fmt })));
    }
    box.appendChild(bar);
    if (doc.fetchError) box.appendChild(el("div", "kgc-error", doc.fetchError));
    if (doc.form !== "SELECT") {
      box.appendChild(el("pre", "", doc.turtle || ""));
      return;
    }
    const table = el("table");
    const head = el("tr");
    const [sortCol, sortDir] = model.get("sort") || [];
    for (const v of doc.vars) {
      const th = el("th");
      const arrow = v === sortCol ? (sortDir === "desc" ? " ▼" : " ▲") : "";
      th.appendChild(button(v + arrow, () => {
        const dir = v === sortCol && sortDir !== "desc" ? "desc" : "asc";
        model.set("sort", [v, dir]);
        model.set("page", 0);
        model.save_changes();
      }));
      head.appendChild(th);
    }
    const thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    const body = el("tbody");
    doc.rows.forEach((row, r) => {
      const tr = el("tr");
      row.forEach((c, col) => tr.appendChild(cellNode(c, (td) => {
        const key = `${doc.index[r]}:${col}`;
        waiting[key] = td;
        model.send({ type: "cell", row: doc.index[r], col });
      })));
      body.appendChild(tr);
    });
    table.appendChild(body);
    box.appendChild(table);
  }

  const waiting = {};
  function onMessage(msg) {
    if (msg && msg.type === "cell") {  // a cut cell, in full, in a scrolling box
      const td = waiting[`${msg.row}:${msg.col}`];
      if (td) {
        td.querySelector(".kgc-more")?.remove();
        td.appendChild(el("div", "kgc-full", msg.text));
      }
      return;
    }
    if (!msg || msg.type !== "download") return;
    const blob = new Blob([msg.content], { type: msg.mime });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = msg.name;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  model.on("change:payload", draw);
  model.on("change:sort", draw);
  model.on("msg:custom", onMessage);
  draw();
  return () => {
    model.off("change:payload", draw);
    model.off("change:sort", draw);
    model.off("msg:custom", onMessage);
  };
}

export default { render };
