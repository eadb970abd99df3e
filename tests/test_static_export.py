"""`make html`: a lecture's widget panels appear as their first render with a note, never as a repr."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_static_page_shows_panels_as_figures_not_widget_reprs(tmp_path):
    out = tmp_path / "html"
    result = subprocess.run([sys.executable, "tools/export_html.py", "lectures", str(out), "--only",
                             "00_welcome"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    page = (out / "00_welcome.html").read_text(encoding="utf-8")
    for repr_start in ("VBox(children", "FloatSlider(", "FigureWidget({"):
        assert repr_start not in page, f"the static page shows a widget's Python repr ({repr_start}…)"
    assert "Interactive figure: its controls (step size η) need a running kernel" in page
    frames = re.findall(r'<iframe[^>]* src="figures/(00_welcome_figure_\d+\.html)"', page)
    assert len(frames) >= 2  # the animation and the panel's first render
    pages = [(out / "figures" / name).read_text(encoding="utf-8") for name in frames]
    panel = [p for p in pages if "GD iterates" in p]  # the step-size panel's traces, in its first state
    assert len(panel) == 1 and "plotly.min.js" in panel[0] and "cdn" not in panel[0].lower()
