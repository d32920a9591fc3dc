"""Helper package of the interactive course on neural-network activation functions.

``import course_utils`` is deliberately light: it imports only NumPy. SymPy, matplotlib
and ipywidgets are imported by the submodules that need them (``symbolic``, ``plotting``,
``widgets``), so that every graded submission starts quickly.

Submodules are loaded on first attribute access, so ``import course_utils as cu`` followed
by ``cu.activations.sigmoid(0.0)`` works.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__version__ = "0.1.0"

_SUBMODULES = (
    "activations",
    "course",
    "datasets",
    "experiments",
    "grading",
    "nets",
    "plotting",
    "symbolic",
    "widgets",
)

__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name: str) -> ModuleType:
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'course_utils' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
