"""The two install paths agree: pyproject.toml, environment.yml, the Makefile and .ci/run."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
ENV = yaml.safe_load((ROOT / "environment.yml").read_text())
MAKEFILE = (ROOT / "Makefile").read_text()


def test_required_dependencies_are_declared_and_torchvision_is_not():
    deps = {re.split(r"[<>=!~\[ ]", d)[0].lower() for d in PYPROJECT["project"]["dependencies"]}
    assert {"numpy", "scipy", "sympy", "matplotlib", "plotly", "ipywidgets", "jupyterlab", "torch",
            "scikit-learn", "tqdm"} <= deps
    assert "torchvision" not in deps


def test_environment_yml_matches_pyproject():
    python = next(d for d in ENV["dependencies"] if isinstance(d, str) and d.startswith("python="))
    wanted = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert python.removeprefix("python=") == wanted
    pip = next(d["pip"] for d in ENV["dependencies"] if isinstance(d, dict))
    torch_spec = re.search(r"^TORCH_SPEC\s*\?=\s*(\S+)", MAKEFILE, re.M).group(1)
    assert torch_spec in pip, "environment.yml installs the same torch as the Makefile"
    editable = next(p for p in pip if p.startswith("-e ."))
    extras = re.search(r"\[(.*)\]", editable).group(1).split(",")
    assert set(extras) <= set(PYPROJECT["project"]["optional-dependencies"])


def test_makefile_targets_and_ci_entry_point():
    for target in ("lab", "test", "present", "html", "bench"):
        assert re.search(rf"^{target}:", MAKEFILE, re.M), f"make {target}"
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make lab" in readme
