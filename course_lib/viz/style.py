"""The course style: one colour-blind-safe palette (Okabe & Ito) for matplotlib and plotly.

``COLORS`` names the colours by role so that every lecture draws, e.g., GDA in the same colour.
``use_style(presentation=True)`` switches both libraries to large fonts for the projector.
"""

from __future__ import annotations

import matplotlib as mpl
import plotly.graph_objects as go
import plotly.io as pio

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

COLORS = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "red": "#D55E00",
    "purple": "#CC79A7", "sky": "#56B4E9", "yellow": "#F0E442", "black": "#000000", "gray": "#7F7F7F",
}

# Roles: the same method or object has the same colour in every lecture.
ROLE_COLORS = {
    "gda": COLORS["red"], "agda": COLORS["orange"], "ppm": COLORS["black"], "eg": COLORS["blue"],
    "ogda": COLORS["green"], "rfbs": COLORS["purple"], "eg+": COLORS["sky"], "ceg+": COLORS["sky"],
    "clean": COLORS["gray"], "fgsm": COLORS["orange"], "pgd": COLORS["blue"], "beta": COLORS["green"],
    "ddd": COLORS["green"], "solution": COLORS["black"], "diverged": COLORS["red"],
}

SEQUENTIAL = "Viridis"  # colour-blind-safe colour scale for contours and heat maps
TEMPLATE = "course"

_FONT = {False: 13, True: 20}
_SIZE = {False: (6.4, 4.4), True: (10.0, 6.6)}


def use_style(presentation: bool = False) -> None:
    """Apply the course style to matplotlib and make ``"course"`` the default plotly template."""
    size = _FONT[bool(presentation)]
    mpl.rcParams.update({
        "axes.prop_cycle": mpl.cycler(color=PALETTE),
        "figure.figsize": _SIZE[bool(presentation)],
        "figure.dpi": 100,
        "font.size": size,
        "axes.titlesize": size + 1,
        "axes.labelsize": size,
        "legend.fontsize": size - 2,
        "xtick.labelsize": size - 2,
        "ytick.labelsize": size - 2,
        "lines.linewidth": 2.5 if presentation else 1.8,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "image.cmap": "viridis",
    })
    template = go.layout.Template(pio.templates["plotly_white"])
    template.layout.colorway = PALETTE
    template.layout.font = {"size": size, "family": "DejaVu Sans, Arial, sans-serif"}
    template.layout.title = {"font": {"size": size + 3}}
    template.layout.colorscale = {"sequential": SEQUENTIAL}
    pio.templates[TEMPLATE] = template
    pio.templates.default = TEMPLATE


def color(role: str) -> str:
    """The colour of a role (``"eg"``, ``"pgd"``, ...) or of a named colour (``"blue"``)."""
    key = role.lower()
    if key in ROLE_COLORS:
        return ROLE_COLORS[key]
    if key in COLORS:
        return COLORS[key]
    raise ValueError(f"'role' must be one of {sorted(ROLE_COLORS) + sorted(COLORS)}; got {role!r}")
