"""Draw the course map, ``assets/course_map.svg``: which lecture builds on which (the README shows it).

    python tools/course_map.py            # rewrites assets/course_map.svg

Edit ``LECTURES`` (number, title, column, row) and ``EDGES`` (prerequisite → lecture) when a lecture is
added; ``tests/test_assets.py`` fails when a lecture in ``lectures/`` is missing from the map.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "assets" / "course_map.svg"

# key: (label, title, column, row, track); columns run left to right in the order of study
LECTURES = {
    "00": ("00", "Welcome: sliders, checked claims", 0, 1.5, "intro"),
    "01": ("01", "Adversarial examples", 1, 0.5, "robust"),
    "02": ("02", "Danskin's theorem and DDD", 2, 0, "robust"),
    "03": ("03", "Catastrophic overfitting", 2, 1, "robust"),
    "04": ("04", "Adversarial training", 3, 0, "robust"),
    "05": ("05", "Certified robustness", 3, 1, "robust"),
    "L1": ("Lab 1", "CIFAR-10 adversarial training (GPU)", 4, 0.5, "lab"),
    "09": ("09", "Beyond one model and one input", 4, 1.5, "robust"),
    "07": ("07", "Min-max dynamics", 1, 2.5, "minimax"),
    "08": ("08", "Weak Minty solutions", 2, 2.5, "minimax"),
    "06": ("06", "GANs as min-max games", 3, 2.5, "minimax"),
    "L2": ("Lab 2", "CIFAR-10 WGANs (GPU)", 4, 2.5, "lab"),
}
# prerequisite → lecture that uses it (the main line only: 06 also uses the bilinear game of 07, lab 1
# also runs the methods of 02 and 03)
EDGES = [
    ("00", "01"), ("00", "07"),
    ("01", "02"), ("01", "03"), ("02", "04"), ("03", "04"), ("04", "05"), ("04", "L1"), ("04", "09"),
    ("07", "08"), ("08", "06"), ("06", "L2"),
]
COLORS = {"intro": "#7F7F7F", "robust": "#0072B2", "minimax": "#009E73", "lab": "#D55E00"}
LEGEND = [("intro", "how the kit works"), ("robust", "attacks, training, certification"),
          ("minimax", "min-max games and GANs"), ("lab", "GPU labs (CPU smoke profile)")]

W, H = 236, 64            # box size
DX, DY = 270, 92          # grid step
X0, Y0 = 20, 50           # top-left margin


def _box(key: str) -> tuple[float, float]:
    _, _, col, row, _ = LECTURES[key]
    return X0 + col * DX, Y0 + row * DY


def render() -> str:
    width = X0 * 2 + 4 * DX + W
    height = Y0 + 3.5 * DY + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="DejaVu Sans, Arial, sans-serif">',
             "<title>Course map: which lecture builds on which</title>",
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
             'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/>'
             "</marker></defs>",
             f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>',
             f'<text x="{X0}" y="28" font-size="18" font-weight="bold">'
             "Adversarial ML as min-max optimization: course map</text>"]
    for a, b in EDGES:
        (xa, ya), (xb, yb) = _box(a), _box(b)
        if xb > xa:          # left to right: from the right edge to the left edge
            x1, y1, x2, y2 = xa + W, ya + H / 2, xb, yb + H / 2
        else:                # same column: from the bottom edge to the top edge
            x1, y1, x2, y2 = xa + W / 2, ya + H, xb + W / 2, yb
        mid = (x1 + x2) / 2
        path = (f"M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
                if xb > xa else f"M{x1:.0f},{y1:.0f} L{x2:.0f},{y2:.0f}")
        parts.append(f'<path d="{path}" fill="none" stroke="#555" stroke-width="1.6" '
                     f'marker-end="url(#arrow)"/>')
    for key, (label, title, _, _, track) in LECTURES.items():
        x, y = _box(key)
        colour = COLORS[track]
        parts.append(f'<g id="lecture-{key}"><rect x="{x:.0f}" y="{y:.0f}" width="{W}" height="{H}" rx="8" '
                     f'fill="white" stroke="{colour}" stroke-width="2.5"/>'
                     f'<text x="{x + 10:.0f}" y="{y + 26:.0f}" font-size="16" font-weight="bold" '
                     f'fill="{colour}">{html.escape(label)}</text>'
                     f'<text x="{x + 10:.0f}" y="{y + 48:.0f}" font-size="12.5">{html.escape(title)}</text>'
                     "</g>")
    ly = Y0 + 3.5 * DY + 10
    for i, (track, text) in enumerate(LEGEND):
        lx = X0 + i * 290
        parts.append(f'<rect x="{lx}" y="{ly - 12:.0f}" width="14" height="14" rx="3" fill="white" '
                     f'stroke="{COLORS[track]}" stroke-width="2.5"/>'
                     f'<text x="{lx + 20}" y="{ly:.0f}" font-size="12.5">{html.escape(text)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> int:
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
