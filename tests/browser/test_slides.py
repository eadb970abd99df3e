"""Presenting a lecture, in a real browser: every static deck of ``make slides`` and live RISE in JupyterLab.

Static decks: each lecture's deck is exported (``tools/export_slides.py``, reveal.js from ``node_modules``)
into ``build/slides/`` unless it is newer than its notebook and than everything that builds it
(``course_lib``, the export tools, ``assets/presentation.css``), so after ``make slides`` the test only
pages. The decks are served by a local HTTP server; Chromium (1280×720) pages through every slide of each
deck with ``Reveal.next()`` while every request to another host is aborted. Each slide must show something,
each plotly figure on a slide must be drawn (its iframe holds a ``.js-plotly-plot``), each image must have
loaded, the math must be typeset by the local MathJax with no error, there must be no page error and no
external request, and no slide may be taller than the screen: each slide's ``scrollHeight`` (measured
after MathJax has typeset it) is at most ``HEIGHT + TOLERANCE`` of ``tests/test_slides.py``, the budget
that file's height model checks without a browser.

``make test`` pages lecture 07's deck; the other decks (exported there, about 20 s each on 2 cores) are
paged by ``make test-browser-more``, CI's second step.

RISE: lecture 07 opened with ``jupyterlab-rise`` as ``make lab`` serves it (settings of
``assets/jupyter/labconfig``: theme "white", whose fonts ship with it; ``lectures/rise.css`` beside it)
serves a slideshow (``/rise/<path>``, what its ``RISE:slideshow`` command opens). Its slides are in the
course's presentation style (text 20 px and black, headings in the course blue, not upper-case); paging
through them with the Space key shows something on each and raises no page error and no external request.
Screenshots go to build/screenshots/ (``slides_static_*.png``, ``slides_rise_*.png``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from ..test_slides import HEIGHT, TOLERANCE
from .conftest import BIN, ROOT, SCREENSHOTS, TOKEN, Server, free_port, lab_env, wait_for
from .drive import Watch

pytestmark = pytest.mark.browser

LECTURE = "07_minimax_dynamics"  # the one RISE pages through
LECTURES = sorted(p.stem for p in (ROOT / "lectures").glob("[0-9][0-9]_*.ipynb"))
DECKS = ROOT / "build" / "slides"
REVEAL = ROOT / "node_modules" / "reveal.js" / "dist" / "reveal.js"
# what a deck is built from, besides its notebook
BUILDS_DECKS = [ROOT / "tools" / "export_slides.py", ROOT / "tools" / "export_html.py",
                ROOT / "assets" / "presentation.css", *sorted((ROOT / "course_lib").rglob("*.py"))]
SIZE = {"width": 1280, "height": 720}
# MathJax 2 detects when its web fonts have loaded with a probe font at about:blank, which Chromium refuses
# (a console error, and the failed load that goes with it); a missing local file would be a 404 instead
MATHJAX_PROBE = ("Access to font at 'about:blank'", "Failed to load resource: net::ERR_FAILED")
# MathJax's assistive MathML (hidden, for screen readers) declares the TeX web fonts for \mathcal and the
# like, which the local MathJax (jupyter-server-mathjax: STIX-Web only) does not ship: a 404 that changes
# nothing on the slide (the visible math is drawn with STIX-Web). Any other missing file fails the test.
ASSISTIVE_FONTS = "/mathjax/fonts/HTML-CSS/TeX/otf/"

# the presentation style (assets/presentation.css and the RISE rules of tools/export_slides.py)
COURSE_BLUE, BLACK, FONT = "rgb(0, 114, 178)", "rgb(0, 0, 0)", "20px"
RISE_STYLE_JS = """() => {
  const s = document.querySelector('.reveal .slides section.present:not(.stack)');
  const p = s && s.querySelector('.jp-RenderedMarkdown p');
  const h = s && s.querySelector('.jp-RenderedMarkdown h1, .jp-RenderedMarkdown h2');
  if (!p || !h) { return null; }
  const ps = getComputedStyle(p), hs = getComputedStyle(h);
  return {size: ps.fontSize, color: ps.color, heading: hs.color, transform: hs.textTransform,
          headingSize: parseFloat(hs.fontSize)};
}"""
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

# the current slide once MathJax has typeset it: its title (first heading, else its first words), content
# and height (the deck lets a slide taller than the screen scroll, so scrollHeight is its full height)
SLIDE_JS = """async () => {
  if (window.MathJax && MathJax.Hub) { await new Promise(done => MathJax.Hub.Queue(done)); }
  const s = Reveal.getCurrentSlide();
  const idx = Reveal.getIndices();
  const text = s.innerText.replace(/\\s+/g, ' ').trim();
  const heading = s.querySelector('h1, h2, h3');
  return {h: idx.h, v: idx.v || 0, chars: text.length, height: s.scrollHeight,
          title: (heading ? heading.innerText : text).replace(/\\s+/g, ' ').trim().slice(0, 70),
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


def stale(stem: str) -> bool:
    """Whether ``build/slides/<stem>.slides.html`` is missing or older than what builds it."""
    deck = DECKS / f"{stem}.slides.html"
    sources = [ROOT / "lectures" / f"{stem}.ipynb", *BUILDS_DECKS]
    return not deck.is_file() or deck.stat().st_mtime < max(p.stat().st_mtime for p in sources)


@pytest.fixture(scope="session")
def decks():
    """build/slides/, where the decks are exported (each when its test needs it and it is stale)."""
    if not REVEAL.is_file():
        reason = "reveal.js is not installed (`npm ci`; make slides and make test run it)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"under CI the slides test must run: {reason}")
        pytest.skip(reason)
    DECKS.mkdir(parents=True, exist_ok=True)
    return DECKS


def export_deck(stem: str) -> None:
    """Export ``stem``'s deck into build/slides/ unless it is up to date."""
    if stale(stem):
        command = [sys.executable, "tools/export_slides.py", "lectures", str(DECKS), "--only", stem]
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, f"exporting {stem} failed:\n{result.stderr[-3000:]}"


@pytest.fixture(scope="module")
def deck_server(decks, tmp_path_factory):
    """The decks' folder served on a local port (reveal.js, MathJax and the figures by relative URLs)."""
    port = free_port()
    server = Server([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"], decks,
                    dict(os.environ), tmp_path_factory.mktemp("http") / "http.log")
    try:
        wait_for(f"http://127.0.0.1:{port}/", seconds=30)     # the listing: no deck may exist yet
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.mark.parametrize("lecture", [pytest.param(stem, marks=() if stem == LECTURE else
                                                  pytest.mark.browser_more) for stem in LECTURES])
def test_static_deck_pages_through_every_slide_offline(browser, deck_server, lecture):
    export_deck(lecture)
    page = browser.new_page(viewport=SIZE)
    watch = Watch(host="127.0.0.1")
    watch.attach(page)
    missing: list[str] = []
    page.on("response", lambda response: missing.append(response.url) if response.status >= 400 else None)
    try:
        page.goto(f"{deck_server}/{lecture}.slides.html")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
        total = page.evaluate("() => Reveal.getTotalSlides()")
        assert total >= 5, f"the deck has only {total} slides"
        seen, figures, empty, tall = {}, 0, [], []
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
                figures += len(slide["images"])
                if slide["height"] > HEIGHT + TOLERANCE:
                    tall.append(f"{key[0]}.{key[1]} {slide['title']!r}: {slide['height']} px")
                if lecture == LECTURE and len(seen) in (1, 3):
                    page.screenshot(path=str(SCREENSHOTS / f"slides_static_{len(seen)}.png"))
            if page.evaluate("() => Reveal.isLastSlide() && !Reveal.availableFragments().next"):
                break
            page.evaluate("() => Reveal.next()")
        assert len(seen) == total, f"paged through {len(seen)} of {total} slides"
        assert not empty, f"slides with nothing on them: {empty}"
        assert figures >= 1, "no figure on any slide"
        math = page.evaluate("() => [document.querySelectorAll('.MathJax, .MathJax_Display, mjx-container')"
                             ".length, document.querySelectorAll('.MathJax_Error, .merror').length]")
        assert math[0] > 0 and not math[1], f"the math is not typeset (formulas, errors: {math})"
        assert page.evaluate("() => document.querySelectorAll('aside.notes').length") > 0, "no speaker notes"
        unexpected = [url for url in missing if ASSISTIVE_FONTS not in url]
        allowed = MATHJAX_PROBE + (("status of 404",) if missing and not unexpected else ())
        failures = [f"missing: {url}" for url in unexpected] + watch.problems(allowed)
        if tall:
            failures.append(f"slides taller than {HEIGHT} + {TOLERANCE} px at 1280×720 (split them into "
                            "sub-slides or shorten them): " + "; ".join(tall))
        assert not failures, f"{lecture}: " + " | ".join(failures)
    finally:
        page.close()


def test_rise_pages_through_a_lecture_in_jupyterlab(browser, tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    for name in (f"{LECTURE}.ipynb", "rise.css"):  # as `make lab` serves lectures/
        shutil.copy(ROOT / "lectures" / name, served / name)
    env = dict(lab_env(tmp_path), JUPYTER_CONFIG_PATH=str(ROOT / "assets" / "jupyter"))
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
        seen, still, styled = set(), 0, []
        for _ in range(10 * total):
            slide = page.evaluate(RISE_SLIDE_JS)
            if slide["index"] not in seen:
                seen.add(slide["index"])
                still = 0
                assert slide["chars"] > 0 or slide["figures"], f"RISE slide {slide['index']} is empty"
                style = page.evaluate(RISE_STYLE_JS)
                if style:  # a slide with a heading and a paragraph: the presentation style
                    styled.append(slide["index"])
                    assert (style["size"], style["color"]) == (FONT, BLACK), \
                        f"RISE slide {slide['index']}: text {style}, not {FONT} black"
                    assert style["heading"] == COURSE_BLUE and style["transform"] == "none", \
                        f"RISE slide {slide['index']}: heading {style}, not in the course blue as written"
                    assert style["headingSize"] >= 1.3 * 20, f"RISE slide {slide['index']}: heading {style}"
                if len(seen) == 3:
                    page.screenshot(path=str(SCREENSHOTS / "slides_rise_3.png"))
            else:
                still += 1
                if still > 4:  # the last slide: Space no longer moves
                    break
            page.keyboard.press("Space")
            time.sleep(0.3)
        assert len(seen) == total, f"paged through {len(seen)} of {total} RISE slides"
        assert len(styled) >= 3, f"only slides {styled} have a heading and a paragraph to check the style on"
        assert not watch.page_errors and not watch.external, watch.problems()
    finally:
        page.close()
        server.stop()
