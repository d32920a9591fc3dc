"""Comparing a SymPy expression with the reference: :func:`compare_sympy`.

Symbols are matched by name, whatever their assumptions
(:func:`course_utils.symbolic.equivalent`). A wrong expression gets the message of a known
mistake or a counterexample ("at x = 2.0 it gives ..., but σ'(x) there is ..."), never the
reference itself. SymPy is imported when a comparison runs, so importing this module stays
light.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .formatting import fmt, type_name
from .i18n import N_, _
from .result import Fail, WrongType


def compare_sympy(
    answer: Any,
    reference: Any,
    *,
    symbol: str = "x",
    what: str = N_("your expression"),
    mistakes: Iterable[tuple[Any, str]] = (),
    reference_name: str = N_("the answer"),
) -> None:
    """Raise unless ``answer`` is a SymPy expression in a symbol *named* ``symbol``,
    mathematically equal to ``reference``.

    Uses :func:`course_utils.symbolic.equivalent` (symbols are matched by name, whatever their
    assumptions). ``mistakes`` holds (expression, message) pairs recognised first.

    Raises
    ------
    WrongType
        If ``answer`` is not a SymPy expression (a string, a function, a number type).
    Fail
        If it uses other symbols or undefined functions, or differs from ``reference`` (the
        message names an ``x`` where they differ).
    """
    import sympy as sp

    from course_utils.symbolic import equivalent

    what = _(what)
    reference_name = _(reference_name)
    if isinstance(answer, str):
        raise WrongType(
            _(
                "Expected a SymPy expression, but {what} is the string {answer}. Build it from "
                "a symbol: x = sp.Symbol('{symbol}'), then e.g. sp.exp(-x).",
                what=what,
                answer=fmt(answer),
                symbol=symbol,
            )
        )
    if (
        not isinstance(answer, sp.Basic)
        or isinstance(answer, (sp.MatrixBase, sp.Lambda))
        or not isinstance(answer, sp.Expr)
    ):
        if isinstance(answer, sp.Equality):
            raise WrongType(
                _("{what} is an equation (sp.Eq); give only the right-hand side expression.", what=what)
            )
        extra = _(" (a Python function: give the expression itself)") if callable(answer) else ""
        raise WrongType(
            _(
                "Expected a SymPy expression in {symbol}, but {what} is {type}{extra}.",
                symbol=symbol,
                what=what,
                type=type_name(answer),
                extra=extra,
            )
        )
    if isinstance(answer, sp.Derivative) or answer.has(sp.Derivative):
        answer = answer.doit()
    undefined = sorted({str(f.func) for f in answer.atoms(sp.core.function.AppliedUndef)})
    if undefined:
        raise Fail(
            _(
                "{what} uses the undefined function(s) {names}; write everything "
                "out with SymPy functions of {symbol} (sp.exp, sp.tanh, ...).",
                what=what,
                names=", ".join(undefined),
                symbol=symbol,
            )
        )
    names = sorted(str(s) for s in answer.free_symbols)
    if names and names != [symbol]:
        others = [n for n in names if n != symbol]
        raise Fail(
            _(
                "{what} uses the symbol(s) {names}; it must be written in a symbol named "
                "{symbol!r} (x = sp.Symbol('{symbol}')).",
                what=what,
                names=", ".join(others),
                symbol=symbol,
            )
        )
    result = equivalent(answer, reference, symbol=symbol)
    if result.equal:
        return
    for candidate, message in mistakes:
        try:
            if equivalent(answer, candidate, symbol=symbol).equal:
                raise Fail(_(message))
        except Fail:
            raise
        except Exception:  # noqa: BLE001, S112 - an uncomparable candidate is just skipped
            continue
    if not names:
        raise Fail(
            _(
                "{what} is the constant {answer}: it does not depend on {symbol} at all.",
                what=what,
                answer=fmt(answer),
                symbol=symbol,
            )
        )
    point = result.counterexample
    if point is not None and np.isfinite(point):
        got = _evaluate(answer, symbol, point)
        expected = _evaluate(reference, symbol, point)
        raise Fail(
            _(
                "{what} is not equal to {reference}: at {symbol} = {point} it gives "
                "{got}, but {reference} there is {expected}.",
                what=what,
                reference=reference_name,
                symbol=symbol,
                point=fmt(point),
                got=fmt(got),
                expected=fmt(expected),
            )
        )
    raise Fail(_("{what} is not equal to {reference}.", what=what, reference=reference_name))


def _evaluate(expr: Any, symbol: str, point: float) -> float:
    """``expr`` at ``symbol = point``, matching the symbol by name (NaN if that fails)."""
    try:
        subs = {s: point for s in expr.free_symbols if str(s) == symbol}
        value = complex(expr.subs(subs).evalf())
        return value.real if value.imag == 0 else float("nan")
    except Exception:  # noqa: BLE001 - only used to decorate a message
        return float("nan")
