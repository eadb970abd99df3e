"""Every control of every notebook, in a real browser, as a student and an instructor meet them.

JupyterLab: each notebook of lectures/ (lectures, labs, exercises) is opened, run with Run → Run All
Cells, and then every slider (minimum, middle, maximum), every dropdown option and every text box (a bad
input, then its first value) is moved; the figure or readout in the control's cell must change. Voila:
the same for each notebook with controls, as `make present` serves it. Nothing may go wrong where a
student would not see it: no kernel error or stderr (callback exceptions only reach JupyterLab's log
console), no page or console error, no request to another host (the course runs offline).
Screenshots go to build/screenshots/ (one per notebook, and one per cell with controls).
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from .conftest import BIN, ROOT, SCREENSHOTS, TOKEN, Server, free_port, lab_env, wait_for
from .drive import CONTROLS, Watch, drive_all

pytestmark = pytest.mark.browser

LECTURES = ROOT / "lectures"
NOTEBOOKS = sorted(p.relative_to(LECTURES).as_posix() for p in LECTURES.rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
RUN_SECONDS = 420
DONE_JS = """() => {
  const ps = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
    .map(e => e.innerText.trim());
  if (ps.length > 0 && ps.every(t => /\\[\\d+\\]/.test(t))) return 'done';
  const idle = Array.from(document.querySelectorAll('.jp-Notebook-ExecutionIndicator'))
    .some(e => e.dataset.status === 'idle');
  const err = Array.from(document.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
    .map(e => e.innerText).find(t => /Error|Traceback/.test(t));
  return (idle && err && !ps.includes('[*]:')) ? 'error: ' + err.slice(0, 1500) : null;
}"""
RUNNING_JS = """() => { const c = Array.from(document.querySelectorAll('.jp-CodeCell'))
  .find(c => (c.querySelector('.jp-InputPrompt') || {}).innerText === '[*]:');
  return c ? c.querySelector('.jp-InputArea-editor').innerText.split('\\n').slice(0, 3).join(' | ')
           : null; }"""


PLOTS_JS = "() => document.querySelectorAll('.js-plotly-plot').length"


def source(notebook: str) -> str:
    cells = json.loads((LECTURES / notebook).read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def plotly_shows(notebook: str) -> int:
    """How many plotly figures the notebook shows (``fig.show()``, ``panel.show()``; not ``plt.show()``)."""
    return len(re.findall(r"^\s*(?!plt\b)\w+\.show\(\)", source(notebook), re.M))


def has_controls(notebook: str) -> bool:
    """Whether the notebook shows a panel: ``name = <builder>(...)`` then ``name.show()``, where the
    library's panel builders are named ``*_demo`` or ``build_*`` (docs/ARCHITECTURE.md)."""
    text = source(notebook)
    built = re.findall(r"^(\w+)\s*=\s*(?:\w+\.)?(?:\w*_demo|build_\w+)\(", text, re.M)
    return any(re.search(rf"^{name}\.show\(\)", text, re.M) for name in built)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Path:
    """A copy of lectures/: the browser runs it and may autosave; the originals stay as stored."""
    root = tmp_path_factory.mktemp("lectures")
    shutil.copytree(LECTURES, root, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "runs"))
    return root


@pytest.fixture(scope="module")
def lab(served, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lab")
    port = free_port()
    log = tmp / "lab.log"
    server = Server([str(BIN / "jupyter"), "lab", "--allow-root", "--no-browser", "--ip=127.0.0.1",
                     f"--port={port}", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={served}"],
                    served, lab_env(tmp), log)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/status?token={TOKEN}")
        yield port, log
    finally:
        server.stop()


def shut_down_kernels(port: int) -> None:
    base = f"http://127.0.0.1:{port}/api/sessions"
    with urllib.request.urlopen(f"{base}?token={TOKEN}") as r:
        sessions = json.load(r)
    for s in sessions:
        req = urllib.request.Request(f"{base}/{s['id']}?token={TOKEN}", method="DELETE")
        urllib.request.urlopen(req).close()


def run_all(page, name: str, log: Path) -> None:
    """Run → Run All Cells (the click is retried when a busy page drops it), then wait until every code
    cell has its execution count. On a timeout: a screenshot, the running cell and the server log."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(3):
        page.click("text=Run >> nth=0")
        page.click("li.lm-Menu-item[data-command='runmenu:run-all']")
        try:
            page.wait_for_selector(".jp-InputPrompt:has-text('[*]'), .jp-OutputArea-output", timeout=30_000)
            break
        except PlaywrightTimeout:
            continue
    try:
        outcome = page.wait_for_function(DONE_JS, timeout=RUN_SECONDS * 1000, polling=1000).json_value()
    except PlaywrightTimeout:
        shot = SCREENSHOTS / f"{name}_timeout.png"
        page.screenshot(path=str(shot))
        tail = log.read_text(errors="replace")[-1500:] if log.exists() else "(no log)"
        running = page.evaluate(RUNNING_JS)
        raise AssertionError(f"{name}: Run All did not finish in {RUN_SECONDS} s; running cell: {running!r}; "
                             f"screenshot {shot}; server log tail:\n{tail}") from None
    if outcome != "done":
        page.screenshot(path=str(SCREENSHOTS / f"{name}_error.png"))
        raise AssertionError(f"{name}: Run All stopped on an error:\n{outcome}")


def screenshot_cells(page, name: str) -> None:
    cells = page.locator(".jp-CodeCell").filter(has=page.locator(", ".join(CONTROLS)))
    for i in range(cells.count()):
        cells.nth(i).scroll_into_view_if_needed()
        cells.nth(i).screenshot(path=str(SCREENSHOTS / f"{name}_controls_{i}.png"))


def server_tracebacks(log: Path, start: int) -> list[str]:
    text = log.read_text(errors="replace")[start:] if log.exists() else ""
    return [line for line in text.splitlines() if "Traceback" in line or "Exception in comm" in line]


@contextmanager
def watched_page(browser, kind: str, notebook: str, log: Path):
    """A fresh page with a :class:`Watch` on it: yields (page, name); on leaving, fails on any problem the
    watch saw or on a traceback the server logged meanwhile, and closes the page."""
    name = f"{kind}_" + notebook.replace("/", "_").removesuffix(".ipynb")
    start = log.stat().st_size if log.exists() else 0
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    watch = Watch("127.0.0.1")
    watch.attach(page)
    try:
        yield page, name
        problems = watch.problems() + [f"server: {t}" for t in server_tracebacks(log, start)]
        assert not problems, f"{name}:\n" + "\n".join(problems)
    finally:
        page.close()


def check_figures(page, notebook: str, name: str) -> None:
    plots, expected = page.evaluate(PLOTS_JS), plotly_shows(notebook)
    assert plots >= expected, f"{name}: {plots} plotly figures rendered, the notebook shows {expected}"


# `make test` drives the lectures (and their Voila dashboards); the exercise and lab notebooks in the
# browser run in CI's second step, `make test-browser-more` (`.ci/run`), keeping `make test` in its budget.
PARAMS = [pytest.param(nb, marks=pytest.mark.browser_more) if "/" in nb else nb for nb in NOTEBOOKS]


@pytest.mark.parametrize("notebook", PARAMS)
def test_jupyterlab_run_all_then_every_control(browser, lab, notebook):
    port, log = lab
    try:
        with watched_page(browser, "jupyterlab", notebook, log) as (page, name):
            page.goto(f"http://127.0.0.1:{port}/lab/tree/{notebook}?reset&token={TOKEN}")
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'] >> visible=true",
                                   timeout=120_000)
            run_all(page, name, log)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
            check_figures(page, notebook, name)
            drive_all(page, ".jp-Notebook >> visible=true", name)
            screenshot_cells(page, name)
    finally:
        shut_down_kernels(port)


VOILA = [nb for nb in NOTEBOOKS if has_controls(nb)]


@pytest.fixture(scope="module")
def voila(served, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("voila")
    port = free_port()
    log = tmp / "voila.log"
    server = Server(["make", "-s", "-C", str(ROOT), "present", f"NB={served}", f"PORT={port}",
                     f"PYTHON={BIN / 'python'}", "VOILA_ARGS=--no-browser"], served, lab_env(tmp), log)
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        yield port, log
    finally:
        server.stop()


@pytest.mark.parametrize("notebook", VOILA)
def test_voila_dashboard_every_control(browser, voila, notebook):
    port, log = voila
    with watched_page(browser, "voila", notebook, log) as (page, name):
        page.goto(f"http://127.0.0.1:{port}/voila/render/{notebook}", timeout=RUN_SECONDS * 1000)
        page.wait_for_selector(f"{CONTROLS[0]} >> visible=true", timeout=RUN_SECONDS * 1000)
        page.wait_for_load_state("networkidle", timeout=RUN_SECONDS * 1000)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        check_figures(page, notebook, name)
        counts = drive_all(page, "body", name)
        assert sum(counts.values()) > 0, f"{name}: no control moved"
