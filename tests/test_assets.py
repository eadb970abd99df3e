"""assets/: the style files are the style (the library loads them), the CSS reaches the page, and the course
map names every lecture."""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib as mpl
import matplotlib.style
import pytest

from course_lib._assets import ASSETS, asset_path
from course_lib.notebook import presentation_css, show_presentation_css
from course_lib.viz.style import PALETTE, use_style

ROOT = Path(__file__).resolve().parents[1]


def test_assets_sit_at_the_repository_root_and_missing_ones_are_named():
    assert ASSETS == ROOT / "assets"
    with pytest.raises(FileNotFoundError, match="'nope.css'.*pip install -e"):
        asset_path("nope.css")


def test_mplstyle_holds_the_palette_and_use_style_loads_it():
    style = mpl.rc_params_from_file(str(asset_path("course.mplstyle")), use_default_template=False)
    assert [c.upper() for c in style["axes.prop_cycle"].by_key()["color"]] == [c.upper() for c in PALETTE]
    with mpl.rc_context():
        use_style(presentation=True)
        assert mpl.rcParams["font.size"] == 20 and list(mpl.rcParams["figure.figsize"]) == [10.0, 6.6]
        use_style(presentation=False)  # the base file resets every size the presentation file changed
        for key, value in style.items():
            assert mpl.rcParams[key] == value, key


def test_presentation_css_is_injected_into_the_notebook(monkeypatch):
    css = presentation_css()
    assert ".widget-label" in css and ".jp-RenderedHTMLCommon" in css
    shown = []
    monkeypatch.setattr("IPython.get_ipython", lambda: object())
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    assert show_presentation_css()
    assert shown and shown[0].data == f"<style>{css}</style>"


def test_course_map_names_every_lecture_and_the_readme_shows_it():
    svg = ET.parse(asset_path("course_map.svg")).getroot()
    ids = {g.get("id") for g in svg.iter("{http://www.w3.org/2000/svg}g")}
    for source in sorted((ROOT / "lectures").glob("[0-9][0-9]_*.py")):
        assert f"lecture-{source.name[:2]}" in ids, f"{source.name} is not on the map (tools/course_map.py)"
    for source in sorted((ROOT / "lectures" / "labs").glob("lab[0-9]_*.py")):
        assert f"lecture-L{source.name[3]}" in ids, f"{source.name} is not on the course map"
    assert re.search(r"\]\(assets/course_map\.svg\)", (ROOT / "README.md").read_text(encoding="utf-8"))
