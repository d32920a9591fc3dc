"""Every slider of the course, built by zero-argument builders listed in :data:`BUILDERS`.

A builder returns a :class:`~course_utils.widgets.base.SliderWidget`: it displays as one
output holding the ipywidgets UI and, for static renderers, the figure at its current values
as a PNG; ``update(**values)`` runs one whole step (blitted: only the moving artists are
redrawn) and returns the figure as PNG bytes, so one benchmark can drive every slider
through ``.ranges``.

Each widgets module registers its builders with :func:`register`; the modules named in
:data:`_MODULES` are imported below to fill :data:`BUILDERS`.

Examples
--------
>>> widget = BUILDERS["explorer"]()
>>> sorted(widget.ranges)[:3]
['alpha', 'beta', 'max_val']
>>> widget.update(activation="elu", alpha=0.5)[:4]
b'\\x89PNG'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TypeVar

from course_utils.widgets.base import SliderWidget

__all__ = ["BUILDERS", "SliderWidget", "register"]

BUILDERS: dict[str, Callable[[], SliderWidget]] = {}
"""Slider name -> zero-argument builder (usually the SliderWidget subclass itself)."""

_Builder = TypeVar("_Builder", bound=Callable[[], SliderWidget])


def register(name: str) -> Callable[[_Builder], _Builder]:
    """Class/function decorator adding a zero-argument builder to :data:`BUILDERS`.

    Parameters
    ----------
    name : str
        The key in :data:`BUILDERS` (unique across the course).

    Returns
    -------
    callable
        The decorator; it returns the builder unchanged.

    Raises
    ------
    ValueError
        If ``name`` is empty or already taken by another builder.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name: expected a non-empty string, got {name!r}")

    def decorator(builder: _Builder) -> _Builder:
        if not callable(builder):
            raise TypeError(f"builder: expected a zero-argument callable, got {builder!r}")
        existing = BUILDERS.get(name)
        if existing is not None and getattr(existing, "__qualname__", None) != getattr(
            builder, "__qualname__", None
        ):
            raise ValueError(f"name: a widget builder named {name!r} is already registered")
        BUILDERS[name] = builder
        return builder

    return decorator


_MODULES: tuple[str, ...] = (
    "explorer",
    "lesson01",
    "lesson02",
    "lesson03",
    "lesson04",
    "lesson05",
    "lesson06",
    "lesson07",
)
"""Widgets modules imported at import time (each registers its builders)."""



def _import_modules() -> None:
    for module in _MODULES:
        importlib.import_module(f"{__name__}.{module}")


_import_modules()
