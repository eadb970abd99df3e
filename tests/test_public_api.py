"""One public face per room: every package of course_lib re-exports its public names with ``__all__``, and
the lectures import from ``course_lib`` or its packages, never from a package's modules."""

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import course_lib

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = sorted(m.name for m in pkgutil.iter_modules(course_lib.__path__) if m.ispkg)
LECTURES = sorted((ROOT / "lectures").glob("*.py"))

# course_lib.<package>.<module> imports a lecture may keep, with the reason. Submodules used as namespaces
# (``from course_lib.danskin import ddd``) are imported from the package and need no entry.
ALLOWED_MODULE_IMPORTS: dict[tuple[str, str], str] = {
    ("07_minimax_dynamics.py", "course_lib.minimax.algorithms"):
        "prints inspect.getsource(eg_step / ogda_step), 'one short function in course_lib.minimax.algorithms'"
        ": the lecture reads that module's code; the step rules' public face is minimax.STEPS",
}


def test_packages_found():
    assert {"danskin", "data", "gans", "labs", "minimax", "models", "robust", "toys", "viz"} <= set(PACKAGES)


@pytest.mark.parametrize("name", ["course_lib", *(f"course_lib.{p}" for p in PACKAGES)])
def test_package_defines_all_and_every_name_resolves(name):
    package = importlib.import_module(name)
    names = getattr(package, "__all__", None)
    assert isinstance(names, list | tuple), f"{name}/__init__.py defines no __all__"
    assert package.__all__, f"{name}.__all__ is empty"
    assert len(set(package.__all__)) == len(package.__all__), f"{name}.__all__ has duplicates"
    missing = [n for n in package.__all__ if not hasattr(package, n)]
    assert not missing, f"{name}.__all__ names that do not resolve: {missing}"


def test_certify_folded_into_robust():
    import course_lib.robust as robust

    assert not (ROOT / "course_lib" / "robust" / "certify.py").exists()
    assert {"ibp_bounds", "crown_bounds", "smoothed_certify", "IBPTraining"} <= set(robust.__all__)


def test_labs_room_is_lazy():
    """``course_lib.labs`` re-exports lazily: importing it loads no lab module, and a runtime name loads
    only its topic module (not the lab scripts); no re-export module is left."""
    loaded = "sorted(m for m in sys.modules if m.startswith('course_lib.labs.'))"
    code = f"import sys, course_lib.labs as L; a = {loaded}; L.Checkpoints; print(a, {loaded})"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    before, after = out.strip().split("] [")
    assert before == "[" and "course_lib.labs.checkpoints" in after
    assert not [m for m in ("at", "wgan", "quality", "preflight") if f"course_lib.labs.{m}'" in after]
    assert not (ROOT / "course_lib" / "labs" / "runtime.py").exists()


def module_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every ``course_lib.<package>.<module>`` import in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                   else [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level
                   else [])
        for module in modules:
            parts = module.split(".")
            if parts[0] == "course_lib" and len(parts) >= 3:
                found.append((node.lineno, module))
    return found


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.name)
def test_lectures_import_from_the_room(path):
    bad = [f"line {line}: {module}" for line, module in module_imports(path)
           if (path.name, module) not in ALLOWED_MODULE_IMPORTS]
    assert not bad, f"{path.name} imports from a package's module, import from the package instead: {bad}"


def test_allowed_module_imports_are_still_needed():
    for (lecture, module), reason in ALLOWED_MODULE_IMPORTS.items():
        assert reason, f"{lecture}: give a reason for importing {module}"
        used = {m for _, m in module_imports(ROOT / "lectures" / lecture)}
        assert module in used, f"{lecture}: stale entry for {module}"
