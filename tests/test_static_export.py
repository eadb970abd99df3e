"""`make html`: a lecture's widget panels appear as their first render with a note, never as a repr, and
the page loads nothing from the network (tests/browser/test_static_site.py opens it with the network off).
The ``site`` fixture (lecture 00 exported once) is in tests/conftest.py."""

import re


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
