// The SPARQL editor: a textarea over a highlighted copy of its text, Run (and
// Shift+Enter), errors marked at their line, a history and the named questions.
const KEYWORDS = /^(SELECT|DISTINCT|REDUCED|WHERE|FILTER|OPTIONAL|UNION|MINUS|GRAPH|SERVICE|BIND|AS|VALUES|PREFIX|BASE|ASK|CONSTRUCT|DESCRIBE|ORDER|GROUP|BY|HAVING|LIMIT|OFFSET|ASC|DESC|NOT|EXISTS|IN|FROM|NAMED|INSERT|DELETE|DATA|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|SEPARATOR|STR|LANG|REGEX|CONTAINS|LCASE|UCASE|BOUND|COALESCE|IF|a)$/i;
const TOKENS = /(#[^\n]*)|("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^<>"{}|^`\\\s]*>)|([?$][A-Za-z_][\w]*)|([A-Za-z][\w.-]*)?(:[\w.-]*)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_]+)/g;

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function highlight(text, errorLine) {
  const out = document.createDocumentFragment();
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const holder = el("span", i + 1 === errorLine ? "kgc-line kgc-line-error" : "kgc-line");
    let last = 0;
    for (const m of line.matchAll(TOKENS)) {
      if (m.index > last) holder.appendChild(document.createTextNode(line.slice(last, m.index)));
      let cls = "";
      if (m[1]) cls = "kgc-tok-comment";
      else if (m[2]) cls = "kgc-tok-string";
      else if (m[3]) cls = "kgc-tok-iri";
      else if (m[4]) cls = "kgc-tok-var";
      else if (m[6] !== undefined) cls = "kgc-tok-pname";
      else if (m[7]) cls = "kgc-tok-number";
      else if (m[8] && KEYWORDS.test(m[8])) cls = "kgc-tok-keyword";
      holder.appendChild(el("span", cls, m[0]));
      last = m.index + m[0].length;
    }
    if (last < line.length) holder.appendChild(document.createTextNode(line.slice(last)));
    out.appendChild(holder);
    if (i < lines.length - 1) out.appendChild(document.createTextNode("\n"));
  });
  out.appendChild(document.createTextNode("\n"));
  return out;
}

function render({ model, el: root }) {
  const box = el("div", "kgc-editor");
  const area = el("div", "kgc-editor-area");
  const shade = el("pre", "kgc-editor-shade");
  const input = el("textarea", "kgc-editor-input");
  input.spellcheck = false;
  input.setAttribute("aria-label", "SPARQL query");
  area.append(shade, input);

  const bar = el("div", "kgc-editor-bar");
  const run = el("button", "kgc-run", "▶ Run");
  run.title = "Run the query (Shift+Enter)";
  const history = el("select", "kgc-history");
  const questions = el("select", "kgc-questions");
  bar.append(run, history, questions);
  const params = el("div", "kgc-params");
  const error = el("div", "kgc-editor-error");
  const note = el("div", "kgc-editor-note");
  box.append(bar, params, area, error, note);
  root.appendChild(box);

  function drawText() {
    const err = model.get("error") || {};
    shade.replaceChildren(highlight(input.value, err.line));
  }
  function drawError() {
    const err = model.get("error") || {};
    error.replaceChildren();
    if (err.message) {
      const where = err.line ? `line ${err.line}, column ${err.column}: ` : "";
      error.appendChild(el("div", "", (err.checked ? "check: " : "") + where + err.message));
      if (err.pointer) error.appendChild(el("pre", "", err.pointer));
    }
    drawText();
  }
  function drawHistory() {
    history.replaceChildren(el("option", "", "History…"));
    for (const q of model.get("history") || []) {
      const o = el("option", "", q.replace(/\s+/g, " ").slice(0, 80));
      o.value = q;
      history.appendChild(o);
    }
  }
  function drawQuestions() {
    questions.replaceChildren(el("option", "", "Named questions…"));
    for (const q of model.get("catalogue") || []) {
      const o = el("option", "", q.title);
      o.value = q.name;
      o.title = q.description;
      questions.appendChild(o);
    }
  }
  function drawParams() {
    params.replaceChildren();
    const q = (model.get("catalogue") || []).find((x) => x.name === questions.value);
    if (!q) return;
    params.appendChild(el("div", "kgc-question-text", q.description));
    const fields = {};
    for (const p of q.params) {
      const label = el("label", "kgc-param", `${p.name} (${p.type}) `);
      const field = el("input");
      field.placeholder = p.description;
      field.name = p.name;
      fields[p.name] = field;
      label.appendChild(field);
      params.appendChild(label);
    }
    const ask = el("button", "kgc-ask", "Ask");
    ask.addEventListener("click", () => {
      const values = {};
      for (const [k, f] of Object.entries(fields)) values[k] = f.value;
      model.send({ type: "ask", name: q.name, params: values });
    });
    params.appendChild(ask);
    input.value = q.text;
    drawText();
  }
  function submit() {
    model.set("query", input.value);
    model.save_changes();
    model.send({ type: "run", query: input.value });
  }

  input.value = model.get("query") || "";
  let pending = null;  // check the text (without running it) once typing pauses
  const checkSoon = () => {
    clearTimeout(pending);
    pending = setTimeout(() => model.send({ type: "check", query: input.value }), 400);
  };
  input.addEventListener("input", () => { drawText(); checkSoon(); });
  input.addEventListener("scroll", () => { shade.scrollTop = input.scrollTop; shade.scrollLeft = input.scrollLeft; });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.shiftKey) { e.preventDefault(); e.stopPropagation(); submit(); }
  });
  run.addEventListener("click", submit);
  history.addEventListener("change", () => {
    if (history.value && history.selectedIndex > 0) { input.value = history.value; drawText(); }
  });
  questions.addEventListener("change", drawParams);
  const onQuery = () => { if (model.get("query") !== input.value) { input.value = model.get("query"); drawText(); } };
  const onNote = () => { note.textContent = model.get("status") || ""; };
  model.on("change:error", drawError);
  model.on("change:history", drawHistory);
  model.on("change:catalogue", drawQuestions);
  model.on("change:query", onQuery);
  model.on("change:status", onNote);
  drawHistory(); drawQuestions(); drawError(); onNote();
  return () => {
    clearTimeout(pending);
    model.off("change:error", drawError);
    model.off("change:history", drawHistory);
    model.off("change:catalogue", drawQuestions);
    model.off("change:query", onQuery);
    model.off("change:status", onNote);
  };
}

export default { render };
