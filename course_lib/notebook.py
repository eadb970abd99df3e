"""One call at the top of every notebook: seeds, figure style, plotly renderer, quiet logs."""

from __future__ import annotations

import os
import warnings

from course_lib._assets import asset_path
from course_lib.seeding import seed_everything
from course_lib.viz.export import activate_from_env
from course_lib.viz.style import use_style


def setup(seed: int = 0, *, presentation: bool | None = None, threads: int | None = None) -> None:
    """Seed everything, apply the course style (large fonts when ``presentation``) and quiet warnings.

    The seed is shifted by ``COURSE_SEED_OFFSET`` (see :mod:`course_lib.seeding`).
    ``presentation`` defaults to the environment variable ``COURSE_PRESENTATION=1`` (set by
    ``make present``); it switches to the large-font styles of ``assets/`` (matplotlib, plotly) and
    injects ``assets/presentation.css`` into the page (Voila, RISE, JupyterLab).
    ``threads`` caps torch's CPU threads (the CI machine has 2 cores).
    """
    from course_lib import _validate

    if presentation is None:
        presentation = os.environ.get("COURSE_PRESENTATION", "0") == "1"
    seed_everything(seed)
    use_style(presentation=presentation)
    if presentation:
        show_presentation_css()
    activate_from_env()  # static export (make html): figures become offline HTML files
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    if threads is not None:
        import torch

        torch.set_num_threads(_validate.integer("threads", threads, lo=1))


def presentation_css() -> str:
    """The presentation style sheet, ``assets/presentation.css`` (large fonts for the projector)."""
    return asset_path("presentation.css").read_text(encoding="utf-8")


def show_presentation_css() -> bool:
    """Inject :func:`presentation_css` into the notebook page as a ``<style>`` element (Voila, RISE and
    JupyterLab render it); return whether there was a notebook front end to show it in."""
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:
        return False
    if get_ipython() is None:
        return False
    display(HTML(f"<style>{presentation_css()}</style>"))
    return True


def environment_report() -> dict[str, str]:
    """Versions, CPU/GPU and what works offline: the first thing to paste into a bug report."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    report = {"python": platform.python_version(),
              "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores"}
    for name in ("course_lib", "numpy", "scipy", "sympy", "torch", "plotly", "ipywidgets", "jupyterlab",
                 "voila", "scikit-learn"):
        try:
            report[name] = version(name)
        except PackageNotFoundError:
            report[name] = "not installed"
    try:
        import torch

        if torch.cuda.is_available():
            report["accelerator"] = f"CUDA: {torch.cuda.get_device_name(0)} (the GPU labs run in full)"
        else:
            report["accelerator"] = "none: CPU lectures run in full, the GPU labs in their smoke profile"
    except ImportError:
        report["accelerator"] = "torch missing: run `make lab` to install the environment"
    report["offline"] = ("all lectures (digits ship with scikit-learn; other data are synthetic); "
                         "the CIFAR-10 labs need the data set once (see README, GPU labs)")
    return report
