// The explorer widget: the viewer page in a sandboxed iframe, relaying its messages to the
// kernel and the kernel's answers back. vis-network crosses once per page (cached here).
//
// The output beside this one holds the view's static copy (for exports and kernel-less
// viewers). It stays until the live view has drawn: where the kernel never answers (an
// exported page with widget state, a dead kernel) the copy is what people see. Once drawn,
// the copy is hidden and its iframe dropped (it would run a second vis-network), also when
// the kernel updates it.
let LIB = null;
const waiting = [];

function hideStaticCopy(root, id) {
  if (!id) return;
  for (const copy of document.querySelectorAll(`.kgc-static[data-kgc-view="${id}"]`)) {
    if (copy.contains(root)) continue;
    const child = copy.closest(".jp-OutputArea-child");
    (child && !child.contains(root) ? child : copy).style.display = "none";
    for (const frame of copy.querySelectorAll("iframe")) frame.remove();
  }
}

function render({ model, el }) {
  const id = model.get("static_id");
  // collapsed (but laid out, so vis-network sizes its canvas) until the live view draws
  el.classList.add("kgc-explorer-waiting");
  let watcher = null;
  function drawn() {
    if (watcher) return;
    el.classList.remove("kgc-explorer-waiting");
    hideStaticCopy(el, id);
    watcher = new MutationObserver(() => hideStaticCopy(el, id));
    watcher.observe(el.closest(".jp-Notebook, .jp-OutputArea") || document.body, { childList: true, subtree: true });
  }
  const frame = document.createElement("iframe");
  frame.className = "kgc-explorer-frame";
  frame.setAttribute("sandbox", "allow-scripts allow-popups allow-popups-to-escape-sandbox allow-downloads");
  frame.style.height = `${model.get("height")}px`;
  frame.srcdoc = model.get("document");
  el.appendChild(frame);

  const toFrame = (msg) => frame.contentWindow && frame.contentWindow.postMessage(msg, "*");
  function giveLib() { toFrame({ kgc: "lib", js: LIB.js, css: LIB.css }); }

  function fromFrame(event) {
    if (event.source !== frame.contentWindow || !event.data || event.data.kgc !== "graph") return;
    const msg = event.data;
    if (msg.type === "need-lib") {
      if (LIB) giveLib();
      else { waiting.push(giveLib); if (waiting.length === 1) model.send({ type: "need-lib" }); }
      return;
    }
    if (msg.type === "ready") { drawn(); return; }
    if (msg.type === "settled") return;
    const copy = Object.assign({}, msg);
    delete copy.kgc;
    model.send(copy);
  }
  function fromKernel(msg) {
    if (!msg) return;
    if (msg.type === "lib") {
      LIB = { js: msg.js, css: msg.css };
      while (waiting.length) waiting.shift()();
      return;
    }
    if (msg.type === "download") {
      const a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([msg.content], { type: msg.mime }));
      a.download = msg.name;
      document.body.appendChild(a);
      a.click();
      setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      return;
    }
    toFrame(Object.assign({ kgc: "kernel" }, msg));
  }
  window.addEventListener("message", fromFrame);
  model.on("msg:custom", fromKernel);
  const onDocument = () => { frame.srcdoc = model.get("document"); };
  model.on("change:document", onDocument);
  return () => {
    if (watcher) watcher.disconnect();
    window.removeEventListener("message", fromFrame);
    model.off("msg:custom", fromKernel);
    model.off("change:document", onDocument);
  };
}

export default { render };
