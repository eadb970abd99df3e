"""Real-browser checks: headless Chromium (Debian's) drives JupyterLab and Voila on 127.0.0.1.

A student's path: open 00_welcome, run all cells, move the step-size slider past 2/L and see the iterates
blow up (the meaning of the control, where test_every_control checks only that every control acts);
`make lab` answers on localhost. Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import pytest

from .conftest import BIN, ROOT, SCREENSHOTS, TOKEN, Server, free_port, lab_env, wait_for

pytestmark = pytest.mark.browser

LAST_NORM = """() => {
  const plots = Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(d => d.data && d.data.length === 5);
  if (!plots.length) return null;
  const y = plots[0].data[3].y;
  return y && y.length ? Number(y[y.length - 1]) : null;
}"""

READOUT_DIVERGES = """() => Array.from(document.querySelectorAll('.widget-html'))
  .some(e => e.innerText.includes('contraction factor') && e.innerText.includes('diverges'))"""


def readout(page) -> str:
    return page.inner_text(".widget-html:has-text('contraction factor') >> visible=true")


def drive_slider(page, name: str) -> None:
    """Read the figure, press End on the η slider (η = 1.2 · 2/L), and see readout and figure change."""
    page.wait_for_selector(".noUi-handle >> visible=true", timeout=120_000)
    page.wait_for_function(f"({LAST_NORM})() !== null", timeout=120_000)
    before_text, before_norm = readout(page), page.evaluate(LAST_NORM)
    assert "converges" in before_text
    page.screenshot(path=str(SCREENSHOTS / f"{name}_before.png"))
    handle = page.locator(".noUi-handle >> visible=true").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press("End")
    page.wait_for_function(READOUT_DIVERGES, timeout=90_000)
    page.wait_for_function(f"({LAST_NORM})() > {before_norm * 10}", timeout=90_000)
    after_norm = page.evaluate(LAST_NORM)
    assert after_norm > 1.0 > before_norm, (before_norm, after_norm)  # the iterates now blow up
    page.screenshot(path=str(SCREENSHOTS / f"{name}_after.png"))


def run_all(page, name: str, server_log) -> None:
    """Run → Run All Cells, then wait for the checked claims. A menu click that a busy page drops is
    retried (up to 3 times, when no cell output appears within 30 s); on a timeout a screenshot and
    the server log's tail say where it stopped."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(3):
        page.click("text=Run >> nth=0")
        page.click("li.lm-Menu-item[data-command='runmenu:run-all']")
        try:
            page.wait_for_selector(".jp-OutputArea-output >> nth=0", timeout=30_000)
            break
        except PlaywrightTimeout:
            continue
    try:
        page.wait_for_selector("text=✓ threshold 2/L", timeout=240_000)  # the checked claims ran
    except PlaywrightTimeout:
        shot = SCREENSHOTS / f"{name}_timeout.png"
        page.screenshot(path=str(shot), full_page=True)
        running = page.evaluate("""() => Array.from(document.querySelectorAll('.jp-InputPrompt'))
            .map(e => e.innerText.trim()).filter(t => t.includes('*')).length""")
        log = server_log.read_text(errors="replace")[-1500:] if server_log.exists() else "(no log)"
        raise AssertionError(f"Run All did not reach the checked claims in 240 s; {running} cell(s) still "
                             f"running; screenshot {shot}; server log tail:\n{log}") from None


def test_make_lab_answers_on_localhost(tmp_path):
    port = free_port()
    server = Server(["make", "-s", "lab", f"PORT={port}", f"PYTHON={BIN / 'python'}",
                     f"LAB_ARGS=--no-browser --IdentityProvider.token={TOKEN}"],
                    ROOT, lab_env(tmp_path), tmp_path / "make_lab.log")
    try:
        wait_for(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", seconds=120)
    finally:
        server.stop()


def test_jupyterlab_runs_welcome_and_slider_changes_figure(browser, notebooks, tmp_path):
    port = free_port()
    server = Server([str(BIN / "jupyter"), "lab", "--allow-root", "--no-browser", "--ip=127.0.0.1",
                     f"--port={port}", f"--IdentityProvider.token={TOKEN}",
                     f"--ServerApp.root_dir={notebooks}"], notebooks, lab_env(tmp_path), tmp_path / "lab.log")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        wait_for(f"http://127.0.0.1:{port}/api/status?token={TOKEN}")
        page.goto(f"http://127.0.0.1:{port}/lab/tree/00_welcome.ipynb?reset&token={TOKEN}")
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'] >> visible=true",
                               timeout=120_000)
        run_all(page, "jupyterlab", tmp_path / "lab.log")
        drive_slider(page, "jupyterlab")
        assert not [e for e in errors if "plotly" in e.lower() or "widget" in e.lower()], errors
    finally:
        page.close()
        server.stop()
