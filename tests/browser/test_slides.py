"""Presenting a lecture, in a real browser: the static deck of ``make slides`` and live RISE in JupyterLab.

Static deck: lecture 07 is exported (``tools/export_slides.py``, reveal.js from ``node_modules``) and
served by a local HTTP server; Chromium pages through every slide with ``Reveal.next()`` while every
request to another host is aborted. Each slide must show something, each plotly figure on a slide must be
drawn (its iframe holds a ``.js-plotly-plot``), each image must have loaded, the math must be typeset by
the local MathJax, and there must be no page error and no external request.

RISE: the same lecture opened as ``jupyterlab-rise`` serves a slideshow (``/rise/<path>``, what its
``RISE:slideshow`` command opens) with the theme "white" (whose fonts ship with it); paging through its
slides with the Space key shows something on each and raises no page error and no external request.
Screenshots go to build/screenshots/ (``slides_static_*.png``, ``slides_rise_*.png``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from .conftest import BIN, ROOT, SCREENSHOTS, TOKEN, Server, free_port, lab_env, wait_for
from .drive import Watch

pytestmark = pytest.mark.browser

LECTURE = "07_minimax_dynamics"
REVEAL = ROOT / "node_modules" / "reveal.js" / "dist" / "reveal.js"
SIZE = {"width": 1280, "height": 720}
# MathJax 2 detects when its web fonts have loaded with a probe font at about:blank, which Chromium refuses
# (a console error, and the failed load that goes with it); a missing local file would be a 404 instead
MATHJAX_PROBE = ("Access to font at 'about:blank'", "Failed to load resource: net::ERR_FAILED")

# RISE's default theme ("simple") loads its fonts from a web font service, "white" ships its fonts;
# ``scroll``: a slide taller than the screen scrolls (RISE shows the code too)
RISE_SETTINGS = {"jupyterlab-rise:plugin": {"theme": "white", "scroll": True}}
RISE_TOTAL_JS = """() => Array.from(document.querySelectorAll('.reveal .slides section'))
  .filter(s => !s.querySelector('section')).length"""
RISE_SLIDE_JS = """() => {
  const leaves = Array.from(document.querySelectorAll('.reveal .slides section'))
    .filter(s => !s.querySelector('section'));
  const index = leaves.findIndex(s => s.classList.contains('present'));
  const s = leaves[index];
  return {index: index, chars: s ? s.innerText.trim().length : 0,
          figures: s ? s.querySelectorAll('.js-plotly-plot, img').length : 0};
}"""

SLIDE_JS = """() => {
  const s = Reveal.getCurrentSlide();
  const idx = Reveal.getIndices();
  const text = s.innerText.replace(/\\s+/g, ' ').trim();
  return {h: idx.h, v: idx.v || 0, text: text.slice(0, 80), chars: text.length,
          frames: Array.from(s.querySelectorAll('iframe')).map(f => f.src),
          images: Array.from(s.querySelectorAll('img')).map(i => [i.complete && i.naturalWidth > 0,
                                                                 i.src.slice(0, 60)])};
}"""


def plot_drawn(page, src: str, seconds: float = 30) -> bool:
    """Whether the iframe at ``src`` has drawn its plotly figure (frames are reachable across origins)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame.url == src and frame.evaluate("() => document.querySelectorAll('.js-plotly-plot')"
                                                   ".length"):
                return True
        time.sleep(0.25)
    return False


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    """Lecture 07's static deck, exported once."""
    if not REVEAL.is_file():
        reason = "reveal.js is not installed (`npm ci`; make slides and make test run it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"under CI the slides test must run: {reason}")
        pytest.skip(reason)
    out = tmp_path_factory.mktemp("slides")
    command = [sys.executable, "tools/export_slides.py", "lectures", str(out), "--only", LECTURE]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return out


def test_static_deck_pages_through_every_slide_offline(browser, deck, tmp_path):
    port = free_port()
    server = Server([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"], deck,
                    dict(os.environ), tmp_path / "http.log")
    page = browser.new_page(viewport=SIZE)
    watch = Watch(host="127.0.0.1")
    watch.attach(page)
    try:
        wait_for(f"http://127.0.0.1:{port}/index.html", seconds=30)
        page.goto(f"http://127.0.0.1:{port}/{LECTURE}.slides.html")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
        total = page.evaluate("() => Reveal.getTotalSlides()")
        assert total >= 5, f"the deck has only {total} slides"
        seen, figures, empty = {}, 0, []
        for _ in range(10 * total):  # fragments are steps too
            slide = page.evaluate(SLIDE_JS)
            key = (slide["h"], slide["v"])
            if key not in seen:
                seen[key] = slide
                if slide["chars"] == 0 and not slide["frames"] and not slide["images"]:
                    empty.append(key)
                for src in slide["frames"]:
                    assert plot_drawn(page, src), f"slide {key}: the figure {src} was not drawn"
                    figures += 1
                broken = [src for ok, src in slide["images"] if not ok]
                assert not broken, f"slide {key}: images did not load: {broken}"
                if len(seen) in (1, 3):
                    page.screenshot(path=str(SCREENSHOTS / f"slides_static_{len(seen)}.png"))
            if page.evaluate("() => Reveal.isLastSlide() && !Reveal.availableFragments().next"):
                break
            page.evaluate("() => Reveal.next()")
        assert len(seen) == total, f"paged through {len(seen)} of {total} slides"
        assert not empty, f"slides with nothing on them: {empty}"
        assert figures >= 3, f"only {figures} figures on the slides"
        typeset = page.evaluate("() => document.querySelectorAll('.MathJax, .MathJax_Display, mjx-container')"
                                ".length")
        assert typeset > 10, f"the math is not typeset ({typeset} formulas)"
        assert page.evaluate("() => document.querySelectorAll('aside.notes').length") > 0, "no speaker notes"
        assert not watch.problems(MATHJAX_PROBE), watch.problems(MATHJAX_PROBE)
    finally:
        page.close()
        server.stop()


def test_rise_pages_through_a_lecture_in_jupyterlab(browser, tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    shutil.copy(ROOT / "lectures" / f"{LECTURE}.ipynb", served / f"{LECTURE}.ipynb")
    config = tmp_path / "config" / "labconfig"
    config.mkdir(parents=True)
    (config / "default_setting_overrides.json").write_text(json.dumps(RISE_SETTINGS))
    env = dict(lab_env(tmp_path), JUPYTER_CONFIG_PATH=str(config.parent))
    port = free_port()
    server = Server([str(BIN / "jupyter"), "lab", "--allow-root", "--no-browser", "--ip=127.0.0.1",
                     f"--port={port}", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={served}"],
                    served, env, tmp_path / "lab.log")
    page = browser.new_page(viewport=SIZE)
    watch = Watch(host="127.0.0.1")
    watch.attach(page)
    try:
        wait_for(f"http://127.0.0.1:{port}/api/status?token={TOKEN}")
        page.goto(f"http://127.0.0.1:{port}/rise/{LECTURE}.ipynb?token={TOKEN}")
        page.wait_for_selector(".reveal.ready .slides section.present", timeout=120_000)
        total = page.evaluate(RISE_TOTAL_JS)
        assert total >= 5, f"RISE shows only {total} slides: the notebook has no slide metadata"
        seen, still = set(), 0
        for _ in range(10 * total):
            slide = page.evaluate(RISE_SLIDE_JS)
            if slide["index"] not in seen:
                seen.add(slide["index"])
                still = 0
                assert slide["chars"] > 0 or slide["figures"], f"RISE slide {slide['index']} is empty"
                if len(seen) == 3:
                    page.screenshot(path=str(SCREENSHOTS / "slides_rise_3.png"))
            else:
                still += 1
                if still > 4:  # the last slide: Space no longer moves
                    break
            page.keyboard.press("Space")
            time.sleep(0.3)
        assert len(seen) == total, f"paged through {len(seen)} of {total} RISE slides"
        assert not watch.page_errors and not watch.external, watch.problems()
    finally:
        page.close()
        server.stop()
