"""Lazy re-exports for a package ``__init__`` (PEP 562 module ``__getattr__``).

Used where importing a submodule eagerly would slow ``import course_lib`` (``viz``, imported by
``course_lib.notebook``) or pull in torch, ipywidgets or a whole training script (``labs``, the widget
modules): the package lists the name in ``__all__`` and the submodule is imported on first access.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def lazy_exports(package: str, exports: Mapping[str, str | None],
                 namespace: dict) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``exports`` maps a public name to the submodule
    (relative, e.g. ``"panel"``) that defines it, or to None when the name is the submodule itself."""

    def __getattr__(name: str) -> object:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = exports[name]
        if module is None:
            value = importlib.import_module(f"{package}.{name}")
        else:
            value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(exports))

    return __getattr__, __dir__
