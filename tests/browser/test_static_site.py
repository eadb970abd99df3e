"""`make html` offline: the exported page of lecture 00 opened in headless Chromium with every non-file
request aborted typesets its math with the local MathJax and does not even try the network."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_static_page_typesets_math_with_the_network_off(site, browser):
    """Open the exported page in headless Chromium with every non-file request aborted: MathJax (local)
    must typeset the lecture's formulas, and the page must not even try the network."""
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
    context = browser.new_context()  # the session's Chromium, as a student opens the page
    try:
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
        context.close()
    assert not blocked, f"the static page requested the network: {blocked}"
    assert not missing, f"MathJax files missing from the local copy: {missing}"
    assert typeset >= 3 and probed == 1, f"MathJax typeset {typeset} formulas (probe: {probed})"
    assert errors == 0 and not raw, "some math was left untypeset or failed to typeset"
