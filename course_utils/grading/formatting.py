"""How feedback messages show the student's values.

:func:`fmt` renders a number or an array briefly (``-1000.0``, ``nan``, ``[1.0, 2.0, 3.0]``),
:func:`type_name` names what an answer is (``"a list"``, ``"a NumPy array of shape (3,)"``)
and :func:`with_context` locates a message by its test case (``"For s = [...]: ..."``). Every
checker's message shows values through these, so a number reads the same everywhere.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from .i18n import N_, _


def fmt(value: Any) -> str:
    """A short, readable rendering of a number or an array for feedback messages.

    Examples
    --------
    >>> fmt(-1000.0), fmt(float("nan")), fmt(0.7310585786300049), fmt(np.float32(2.5))
    ('-1000.0', 'nan', '0.73105858', '2.5')
    >>> fmt(np.array([1.0, 2.0, 3.0]))
    '[1.0, 2.0, 3.0]'
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (numbers.Real, np.floating, np.integer)):
        v = float(value)
        if np.isnan(v):
            return "nan"
        if np.isinf(v):
            return "inf" if v > 0 else "-inf"
        text = repr(v)
        return text if len(text) <= 12 else f"{v:.8g}"
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biuf":
            text = np.array2string(
                value.astype(float),
                separator=", ",
                max_line_width=10_000,
                threshold=12,
                edgeitems=3,
                formatter={"float_kind": _short},
            )
            text = " ".join(text.split())
            return text if len(text) <= 160 else text[:157] + "..."
        return _("an array of dtype {dtype} and shape {shape}", dtype=value.dtype, shape=value.shape)
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _short(v: float) -> str:
    """A float in at most about 8 characters: ``1.0``, ``0.090031``, ``nan``, ``-1e+04``."""
    if not np.isfinite(v):
        return "nan" if np.isnan(v) else ("inf" if v > 0 else "-inf")
    text = repr(float(v))
    return text if len(text) <= 8 else f"{v:.6g}"


def type_name(value: Any) -> str:
    """``"a list"``, ``"an int"``, ``"a NumPy array of shape (3,)"`` … for messages."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return _("a NumPy array of shape {shape}", shape=value.shape)
    if is_sympy(value):
        return _("a SymPy expression")
    if callable(value) and not isinstance(value, type):
        return _("a function")
    name = type(value).__name__
    template = N_("an {name}") if name[:1].lower() in "aeiou" else N_("a {name}")
    return _(template, name=name)


def is_sympy(value: Any) -> bool:
    """Whether ``value`` is a SymPy object (checked without importing SymPy)."""
    return type(value).__module__.split(".")[0] == "sympy"


def _cap(text: str) -> str:
    """``text`` with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def with_context(context: str, message: str) -> str:
    """``"For s = [...]: your function returned ..."`` — a message located by its test case."""
    if not context:
        return _cap(message)
    return _("{context}: {message}", context=_cap(context), message=message[:1].lower() + message[1:])
