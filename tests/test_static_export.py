"""`make html`: a lecture's widget panels appear as their first render with a note, never as a repr; the
page loads nothing from the network, and its math is typeset by the local MathJax with the network off."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The static site of lecture 00, exported once for the tests below."""
    out = tmp_path_factory.mktemp("site") / "html"
    result = subprocess.run([sys.executable, "tools/export_html.py", "lectures", str(out), "--only",
                             "00_welcome"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return out


def test_static_page_shows_panels_as_figures_not_widget_reprs(site):
    page = (site / "00_welcome.html").read_text(encoding="utf-8")
    for repr_start in ("VBox(children", "FloatSlider(", "FigureWidget({"):
        assert repr_start not in page, f"the static page shows a widget's Python repr ({repr_start}…)"
    assert "Interactive figure: its controls (step size η) need a running kernel" in page
    frames = re.findall(r'<iframe[^>]* src="figures/(00_welcome_figure_\d+\.html)"', page)
    assert len(frames) >= 2  # the animation and the panel's first render
    pages = [(site / "figures" / name).read_text(encoding="utf-8") for name in frames]
    panel = [p for p in pages if "GD iterates" in p]  # the step-size panel's traces, in its first state
    assert len(panel) == 1 and "plotly.min.js" in panel[0] and "cdn" not in panel[0].lower()


def test_static_page_loads_mathjax_locally_and_nothing_from_the_network(site):
    page = (site / "00_welcome.html").read_text(encoding="utf-8")
    loads = re.findall(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="([^"]*)"', page)
    assert loads, "the page loads no script at all: the export changed shape"
    remote = [url for url in loads if re.match(r"(https?:)?//", url)]
    assert not remote, f"the static page loads from the network: {remote}"
    assert not re.search(r"""import\(\s*["'](https?:)?//""", page), "a module script imports from the network"
    mathjax = [url for url in loads if "MathJax.js" in url]
    assert mathjax == ["mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"], mathjax
    for name in ("MathJax.js", "config/TeX-AMS-MML_HTMLorMML-full.js", "config/Safe.js"):
        assert (site / "mathjax" / name).is_file(), f"mathjax/{name} is missing from the site"
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'src="course_map.svg"' in index and (site / "course_map.svg").is_file()


@pytest.mark.browser
def test_static_page_typesets_math_with_the_network_off(site):
    """Open the exported page in headless Chromium with every non-file request aborted: MathJax (local)
    must typeset the lecture's formulas, and the page must not even try the network."""
    from tests.browser.conftest import ARGS, chromium_or_skip

    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    missing: list[str] = []

    def offline(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    def failed(request):  # a MathJax script (input, output, font data) that the local copy lacks
        if request.url.startswith("file:") and request.url.split("?")[0].endswith(".js"):
            missing.append(request.url)

    # a formula with sized delimiters, which needs the output jax's extra font data
    probe = r"$W_q(\mu,\nu)=\big(\inf_{\pi\in\Gamma(\mu,\nu)}\mathbf E_{(a,a')\sim\pi}\,d(a,a')^q\big)^{1/q}$"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)  # as a student opens it
        try:
            context = browser.new_context()
            context.route("**/*", offline)
            page = context.new_page()
            page.on("requestfailed", failed)
            page.goto((site / "00_welcome.html").as_uri())
            page.wait_for_function("() => window.MathJax && window.MathJax.Hub", timeout=60_000)
            page.evaluate("() => new Promise(done => MathJax.Hub.Queue(done))")  # typesetting finished
            page.evaluate("""probe => new Promise(done => {
                const div = document.createElement("div");
                div.id = "course-probe";
                div.textContent = probe;
                document.body.appendChild(div);
                MathJax.Hub.Queue(["Typeset", MathJax.Hub, div], done);
            })""", probe)
            typeset = page.evaluate("() => document.querySelectorAll('.MathJax, .MathJax_CHTML, "
                                    "mjx-container').length")
            errors = page.evaluate("() => document.querySelectorAll('.MathJax_Error, merror').length")
            raw = page.evaluate("() => document.body.innerText.includes('$2/L$')")
            probed = page.evaluate("() => document.querySelectorAll('#course-probe .MathJax').length")
        finally:
            browser.close()
    assert not blocked, f"the static page requested the network: {blocked}"
    assert not missing, f"MathJax files missing from the local copy: {missing}"
    assert typeset >= 3 and probed == 1, f"MathJax typeset {typeset} formulas (probe: {probed})"
    assert errors == 0 and not raw, "some math was left untypeset or failed to typeset"
