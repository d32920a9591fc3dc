"""Reading the student's answer as the kind of value the exercise asks for.

:func:`require_function`, :func:`as_number`, :func:`as_sequence` and :func:`as_array` return
a clean value or raise a verdict of :mod:`course_utils.grading.result` (:class:`WrongType`,
:class:`Fail`) that says in plain words what the answer is instead ("Expected a number, but
your answer is the string '0.5': remove the quotes."); :func:`is_blank` recognises the blanks
of an exercise notebook.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .formatting import fmt, is_sympy, type_name
from .i18n import N_, _
from .result import Fail, WrongType


def is_blank(answer: Any) -> bool:
    """True for the blanks of an exercise notebook: ``None`` and ``...``."""
    return answer is None or answer is Ellipsis


def require_function(answer: Any, *, signature: str = "f(x)") -> Callable[..., Any]:
    """Return ``answer`` if it is a function, else raise :class:`WrongType`.

    Parameters
    ----------
    answer : object
        The student's answer.
    signature : str
        How the function is called, for the message (e.g. ``"softmax(x, axis=-1)"``).
    """
    if callable(answer) and not is_sympy(answer) and not isinstance(answer, type):
        return answer
    extra = ""
    if is_sympy(answer):
        extra = " " + _("To turn a SymPy expression into one, use sp.lambdify(x, expr, 'numpy').")
    elif isinstance(answer, (numbers.Number, np.ndarray, list, tuple)):
        extra = " " + _("Did you assign the result of calling your function instead of the function itself?")
    raise WrongType(
        _(
            "Expected a function that can be called as {signature}, but the answer is {type}.",
            signature=signature,
            type=type_name(answer),
        )
        + extra
    )


def as_number(answer: Any, *, what: str = N_("your answer")) -> float:
    """Read a single real number from ``answer`` (int, float, NumPy scalar, 0-d or size-1
    array, SymPy or mpmath number).

    Raises
    ------
    WrongType
        For anything else (strings, lists, booleans, complex numbers, functions, ...).

    Examples
    --------
    >>> as_number(np.float32(0.5)), as_number(np.array([2]))
    (0.5, 2.0)
    """
    what = _(what)
    if isinstance(answer, (bool, np.bool_)):
        raise WrongType(_("Expected a number, but {what} is the boolean {answer}.", what=what, answer=answer))
    if isinstance(answer, (numbers.Real, np.integer, np.floating)):
        return float(answer)
    if isinstance(answer, np.ndarray):
        if answer.size == 1 and answer.dtype.kind in "iuf":
            return float(answer.reshape(()))
        raise WrongType(
            _("Expected a single number, but {what} is {type}.", what=what, type=type_name(answer))
        )
    if isinstance(answer, str):
        raise WrongType(
            _(
                "Expected a number, but {what} is the string {answer!r}: remove the quotes.",
                what=what,
                answer=answer,
            )
        )
    if isinstance(answer, (complex, np.complexfloating)):
        raise WrongType(
            _("Expected a real number, but {what} is the complex number {answer}.", what=what, answer=answer)
        )
    if is_sympy(answer):
        symbols = getattr(answer, "free_symbols", set())
        if symbols:
            names = ", ".join(sorted(str(s) for s in symbols))
            raise WrongType(
                _(
                    "Expected a number, but {what} is a SymPy expression in {names}: evaluate it "
                    "to a number (e.g. float(expr.subs(...)) or sp.nsolve).",
                    what=what,
                    names=names,
                )
            )
        try:
            value = complex(answer)
        except (TypeError, ValueError):
            raise WrongType(
                _(
                    "Expected a number, but {what} is the SymPy object {answer}.",
                    what=what,
                    answer=fmt(answer),
                )
            ) from None
        if value.imag != 0:
            raise WrongType(
                _("Expected a real number, but {what} is complex: {value}.", what=what, value=value)
            )
        return value.real
    if type(answer).__module__.split(".")[0] in ("mpmath", "decimal", "fractions"):
        try:
            return float(answer)
        except (TypeError, ValueError):
            pass
    if isinstance(answer, (list, tuple)):
        raise WrongType(
            _("Expected a single number, but {what} is {type}.", what=what, type=type_name(answer))
        )
    if callable(answer):
        raise WrongType(
            _(
                "Expected a number, but {what} is a function: compute the value and assign the number.",
                what=what,
            )
        )
    raise WrongType(_("Expected a number, but {what} is {type}.", what=what, type=type_name(answer)))


def as_sequence(
    answer: Any, *, length: int, names: Sequence[str] | None = None, what: str = N_("your answer")
) -> list[float]:
    """Read a list, tuple or 1-D array of ``length`` numbers.

    Raises
    ------
    WrongType
        If ``answer`` is not a sequence of numbers.
    Fail
        If it has the wrong length.
    """
    label = f" ({', '.join(names)})" if names else ""
    what = _(what)
    not_a_list = N_("Expected a list or tuple of {length} numbers{label}, but {what} is {type}.")
    if isinstance(answer, (str, bytes, Mapping)) or is_sympy(answer):
        raise WrongType(_(not_a_list, length=length, label=label, what=what, type=type_name(answer)))
    if isinstance(answer, np.ndarray):
        if answer.ndim != 1:
            raise WrongType(
                _(
                    "Expected {length} numbers{label} in a list, tuple or 1-D array, but {what} is {type}.",
                    length=length,
                    label=label,
                    what=what,
                    type=type_name(answer),
                )
            )
        items = list(answer)
    elif isinstance(answer, (list, tuple)):
        items = list(answer)
    else:
        raise WrongType(_(not_a_list, length=length, label=label, what=what, type=type_name(answer)))
    if len(items) != length:
        raise Fail(
            _(
                "Expected {length} numbers{label}, but {what} has {count}.",
                length=length,
                label=label,
                what=what,
                count=len(items),
            )
        )
    values = []
    for i, item in enumerate(items):
        name = names[i] if names else _("item {i}", i=i)
        values.append(as_number(item, what=_("{name} in {what}", name=name, what=what)))
    return values


def as_array(value: Any, *, what: str = N_("your function")) -> np.ndarray:
    """Turn a student's returned value into a float64 array (lists, tuples and arrays alike).

    Raises
    ------
    Fail
        With a plain-words message for ``None`` (forgotten ``return``), strings, functions,
        SymPy expressions, ragged nests and complex values. Booleans become 0.0/1.0.

    Examples
    --------
    >>> as_array([1, 2]).dtype
    dtype('float64')
    """
    what = _(what)
    if value is None:
        raise Fail(_("{what} returned None: did you forget the `return` statement?", what=what))
    if isinstance(value, (str, bytes)):
        raise Fail(_("{what} returned the string {value}, not numbers.", what=what, value=fmt(value)))
    if is_sympy(value):
        raise Fail(
            _(
                "{what} returned a SymPy expression; this exercise needs numbers: compute with "
                "NumPy (np.exp, ...) rather than SymPy.",
                what=what,
            )
        )
    if callable(value) and not isinstance(value, np.ndarray):
        raise Fail(
            _(
                "{what} returned a function, not numbers: did you forget to call it, e.g. "
                "`np.exp` instead of `np.exp(x)`?",
                what=what,
            )
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = np.asarray(value)
            if isinstance(arr, np.matrix):
                arr = np.asarray(arr.A)
            if arr.dtype.kind == "c":
                raise Fail(
                    _(
                        "{what} returned complex numbers ({values}); expected real ones.",
                        what=what,
                        values=fmt(arr),
                    )
                )
            if arr.dtype.kind not in "biuf":
                arr = arr.astype(np.float64)
            return arr.astype(np.float64)
    except Fail:
        raise
    except Exception:
        raise Fail(
            _(
                "{what} returned {type} that cannot be read as an array of numbers "
                "(a ragged nest of lists, or objects that are not numbers).",
                what=what,
                type=type_name(value),
            )
        ) from None
