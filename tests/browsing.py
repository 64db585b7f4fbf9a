"""Shared parts of the browser tests: JupyterLab started for a test module, headless
Chromium (Debian's, driven by Playwright), and ways to talk to both."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def need_browser() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (run `make test`, which installs it)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    need_browser()
    root = tmp_path_factory.mktemp("lab")
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(root / ".config"), "JUPYTER_RUNTIME_DIR": str(root / ".run"),
           "JUPYTER_DATA_DIR": str(root / ".data"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / ".ws"), "JUPYTER_PLATFORM_DIRS": "1"}
    # no "get notified about Jupyter news?" toast over the notebook in screenshots
    (root / ".config" / "labconfig").mkdir(parents=True)
    (root / ".config" / "labconfig" / "page_config.json").write_text(
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}')
    jupyter = Path(sys.executable).parent / "jupyter"
    log = open(root / "lab.log", "wb")
    proc = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--allow-root",
         "--LabApp.expose_app_in_browser=True", "--ServerApp.disable_check_xsrf=True"],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        log.close()
        pytest.fail("JupyterLab did not start: " + (root / "lab.log").read_text()[-2000:])
    yield {"root": root, "base": base, "token": token}
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser():
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


def open_notebook(browser, lab, name: str, workspace: str | None = None, dialogs: list[str] | None = None):
    """A page with notebook ``name`` open in JupyterLab (in a workspace of its own if given)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    if dialogs is not None:
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    where = f"workspaces/{workspace}/tree" if workspace else "tree"
    page.goto(f"{lab['base']}/lab/{where}/{name}?token={lab['token']}")
    page.wait_for_function("window.jupyterapp && document.querySelector('.jp-Notebook')", timeout=90_000)
    return page


def open_example(browser, lab, name: str, workspace: str, dialogs: list[str] | None = None):
    """A page with ``examples/<name>`` open in JupyterLab, from a copy of examples/ in the lab's
    folder (made once: what the notebooks write stays out of the repository)."""
    import shutil

    from conftest import EXAMPLES

    here = lab["root"] / "examples"
    if not here.exists():
        shutil.copytree(EXAMPLES, here, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "*.html"))
    return open_notebook(browser, lab, f"examples/{name}", workspace, dialogs)


def kernel_notebook(cells: list[str]) -> nbformat.NotebookNode:
    return new_notebook(cells=[new_code_cell(c) for c in cells],
                        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


def run_all(page) -> None:
    """Run every cell of the open notebook (once its kernel is there)."""
    page.wait_for_function("window.jupyterapp.shell.currentWidget && "
                           "window.jupyterapp.shell.currentWidget.sessionContext.session && "
                           "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel", timeout=90_000)
    time.sleep(1)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")


_IN_KERNEL = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({ code, store_history: false });
  let out = "";
  future.onIOPub = (msg) => {
    const t = msg.header.msg_type;
    if (t === "stream") out += msg.content.text;
    if (t === "error") out += msg.content.ename + ": " + msg.content.evalue;
    if (t === "execute_result") out += msg.content.data["text/plain"];
  };
  await future.done;
  return out;
}"""


def in_kernel(page, code: str) -> str:
    """Run ``code`` in the open notebook's kernel (as a silent extra cell) and return its output."""
    return page.evaluate(_IN_KERNEL, code)


def save(page) -> None:
    page.evaluate("window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function("!window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000)


def screenshot_path(lab_or_dir, name: str) -> Path:
    where = lab_or_dir["root"] if isinstance(lab_or_dir, dict) else lab_or_dir
    return Path(os.environ.get("KGC_SCREENSHOTS", where)) / name


def block_outside(page, allowed: str, fetched: list[str]) -> None:
    """Refuse (and record) every request that does not go to ``allowed``."""
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(allowed)
               else (fetched.append(route.request.url), route.abort()))


def painted(frame) -> int:
    """How many pixels of the graph's canvas are painted (a blank canvas has none).

    Chromium does not paint an iframe out of sight, so the frame is scrolled into view first."""
    if frame.parent_frame is not None:
        frame.frame_element().scroll_into_view_if_needed()
        frame.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return frame.evaluate("""() => {
      const c = document.querySelector('.kgc-canvas canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    }""")
