"""The course style: one colour-blind-safe palette (Okabe & Ito) for matplotlib and plotly.

``COLORS`` names the colours by role so that every lecture draws, e.g., GDA in the same colour.
``use_style(presentation=True)`` switches both libraries to large fonts for the projector.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.style
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
    "ogda": COLORS["green"], "rfbs": COLORS["purple"], "popov": COLORS["yellow"], "eg+": COLORS["sky"],
    "ceg+": COLORS["sky"], "curvature-eg+": COLORS["blue"], "seg": COLORS["red"], "seg+": COLORS["sky"],
    "bc-seg+": COLORS["sky"], "adam": COLORS["orange"],
    "clean": COLORS["gray"], "fgsm": COLORS["orange"], "pgd": COLORS["blue"], "beta": COLORS["green"],
    "standard": COLORS["gray"], "awp": COLORS["red"], "sam": COLORS["purple"],
    "ddd": COLORS["green"], "solution": COLORS["black"], "diverged": COLORS["red"],
}

# The methods that appear together in one figure or comparison: within a group every method has its own
# colour (checked at import by :func:`check_method_colors`). A role shared by two methods (EG+ and SEG+)
# is fine as long as they are never compared in one figure; add a group when a new comparison appears.
METHOD_GROUPS = {
    "min-max algorithms (lecture 07, min-max widgets)": ("gda", "agda", "ppm", "eg", "ogda", "rfbs", "popov",
                                                         "eg+"),
    "constrained extragradient (lecture 08)": ("ceg+", "curvature-eg+"),
    "stochastic extragradient (lecture 08)": ("seg", "bc-seg+"),
    "GAN optimizers (lecture 06)": ("adam", "gda", "eg", "ogda", "seg+"),
    "attacks and training (lectures 01-04)": ("clean", "fgsm", "pgd", "ddd"),
    "CFOL (lecture 04)": ("clean", "fgsm", "pgd", "beta"),
    "weight perturbation (lecture 04)": ("standard", "pgd", "awp", "sam"),
}
SEQUENTIAL = "Viridis"  # colour-blind-safe colour scale for contours and heat maps
TEMPLATE = "course"

STYLE_FILES = {False: ("course.mplstyle",), True: ("course.mplstyle", "course-presentation.mplstyle")}


def use_style(presentation: bool = False) -> None:
    """Apply the course style to matplotlib and make ``"course"`` the default plotly template.

    The matplotlib settings live in ``assets/course.mplstyle`` (and, for the projector,
    ``assets/course-presentation.mplstyle`` on top of it); the plotly template takes its font size from
    them, so each setting exists once."""
    from course_lib._assets import asset_path

    mpl.style.use([str(asset_path(name)) for name in STYLE_FILES[bool(presentation)]])
    size = int(mpl.rcParams["font.size"])
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


def _key(name: str) -> str:
    """A method's display name reduced to its role key: "EG+ (α = ½)" → "eg+", "BC-SEG+" → "bcseg+"."""
    return re.sub(r"[\s_-]", "", re.sub(r"\(.*?\)", "", str(name)).lower())


_ROLE_KEYS = {_key(role): value for role, value in ROLE_COLORS.items()}


def role_color(name: str, default: str | None = None) -> str | None:
    """The role colour of a method's display name ("GDA", "SEG+", "BC-SEG+", "CurvatureEG+", "EG+ (α = ½)"),
    or ``default`` when the name is not a role."""
    return _ROLE_KEYS.get(_key(name), default)


def check_method_colors(groups: dict[str, tuple[str, ...]] | None = None) -> None:
    """Raise ``ValueError`` unless every method of each group of :data:`METHOD_GROUPS` has its own colour."""
    for title, roles in (METHOD_GROUPS if groups is None else groups).items():
        seen: dict[str, str] = {}
        for role in roles:
            value = ROLE_COLORS[role]
            if value in seen:
                raise ValueError(f"{title}: {role!r} and {seen[value]!r} share the colour {value}")
            seen[value] = role


def distinct_colors(names: Sequence[str]) -> list[str]:
    """One colour per name, all different: the role colour where the name is a role (first come, first
    served) and otherwise the next palette colour not taken yet (cycling when all are taken)."""
    chosen: list[str | None] = []
    for name in names:
        value = role_color(name)
        chosen.append(value if value is not None and value not in chosen else None)
    free = [c for c in PALETTE if c not in chosen] or list(PALETTE)
    out, i = [], 0
    for value in chosen:
        if value is None:
            value, i = free[i % len(free)], i + 1
        out.append(value)
    return out


_SUB = dict(zip("0123456789+-−=()aehijklmnoprstuvxyβγρφχ", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵧᵦᵧᵨᵩᵪ"))
_SUP = dict(zip("0123456789+-−=()abcdefghijklmnoprstuvwxyzT*", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀ*"))
_SCRIPT = re.compile(r"([_^])(\{[^{}]*\}|[^\W_]{1,3}(?![^\W_])|\*)")


def math_text(text: str) -> str:
    """Plain-text math in plotly titles, axis titles and legends, with the course's one convention.

    ``_a`` / ``_{...}`` become Unicode subscripts and ``^a`` / ``^{...}`` superscripts where every
    character has one (``min_x max_y xy`` → ``minₓ maxᵧ xy``, ``λ_max(A)`` → ``λₘₐₓ(A)``, ``ρ^k`` →
    ``ρᵏ``), else plotly's ``<sub>…</sub>`` / ``<sup>…</sup>`` (``L_ε`` → ``L<sub>ε</sub>``). Only a script
    of at most 3 letters, a braced group or ``*`` is converted, so names such as ``spectral_norm`` stay.
    """

    def script(match: re.Match) -> str:
        mark, body = match.group(1), match.group(2)
        body = body[1:-1] if body.startswith("{") else body
        table, tag = (_SUB, "sub") if mark == "_" else (_SUP, "sup")
        if body and all(ch in table for ch in body) and not (mark == "_" and body == "*"):
            return "".join(table[ch] for ch in body)
        return f"<{tag}>{body}</{tag}>"

    return _SCRIPT.sub(script, str(text))


check_method_colors()
