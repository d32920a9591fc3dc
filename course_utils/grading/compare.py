"""Comparing an answer's values with the reference, and saying precisely how they differ.

* arrays: :func:`compare_arrays` (built on :func:`find_mismatch`, :func:`shape_problem` and
  :func:`describe_mismatch`), :func:`matches`, and :func:`warning_problem` for a call that
  raised floating-point warnings;
* numbers: :func:`compare_number`, with :func:`digits_tolerance` for "N significant digits";
* multiple choice: :func:`normalise_choice`.

Each helper returns quietly or raises a verdict of :mod:`course_utils.grading.result`
(:class:`Fail`, :class:`WrongType`) whose message names a counterexample ("at x = -1000.0 your
function returned nan, expected 0.0") but never the reference formula. SymPy expressions are
compared in :mod:`.sympy_compare`; the student's answer is read by :mod:`.answer_types`, run
by :mod:`.running` and its source read by :mod:`.source_reading`. Only NumPy is imported here.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .answer_types import as_array
from .formatting import fmt, type_name, with_context
from .i18n import N_, _
from .result import Fail, WrongType
from .running import Run

DEFAULT_RTOL = 1e-6
"""Relative tolerance of every comparison unless the exercise asks for something else (an
exercise asking for N significant digits accepts half a unit in the N-th digit instead; see
:func:`digits_tolerance`)."""
DEFAULT_ATOL = 1e-12
"""Absolute tolerance: values this close to the reference count as equal (matters near 0)."""
STABLE_RTOL = 1e-7
"""Agreement asked of a "stable" function on extreme inputs: no overflow, no warning, no NaN,
and values within a relative 1e-7 (absolute 1e-12 near 0) of the reference."""
STABLE_ATOL = 1e-12


@dataclass(frozen=True)
class Mismatch:
    """The worst disagreement between an answer and the reference.

    Attributes
    ----------
    index : tuple of int
        Where (an index into the arrays).
    got, expected : float
        The two values there.
    count, total : int
        How many entries disagree, out of how many.
    """

    index: tuple[int, ...]
    got: float
    expected: float
    count: int
    total: int


def find_mismatch(
    got: np.ndarray,
    expected: np.ndarray,
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    accept: np.ndarray | None = None,
) -> Mismatch | None:
    """The worst entry where ``got`` and ``expected`` (same shape) differ, or None.

    Non-finite values where a finite one was expected count as the worst; otherwise the
    largest ``|got - expected| / (atol + rtol |expected|)``.

    Parameters
    ----------
    accept : bool array, optional
        Entries accepted whatever their value (e.g. a kink where a range is allowed).

    Examples
    --------
    >>> m = find_mismatch(np.array([1.0, np.nan, 3.5]), np.array([1.0, 2.0, 3.0]))
    >>> m.index, m.got, m.count
    ((1,), nan, 2)
    """
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    with np.errstate(all="ignore"):
        ok = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
        if accept is not None:
            ok |= np.asarray(accept, dtype=bool)
        if ok.all():
            return None
        score = np.abs(got - expected) / (atol + rtol * np.abs(expected))
    score = np.where(np.isfinite(score), score, np.inf)
    score = np.where(ok, -1.0, score)
    flat = int(np.argmax(score))
    index = tuple(int(i) for i in np.unravel_index(flat, got.shape)) if got.ndim else ()
    return Mismatch(index, float(got[index]), float(expected[index]), int((~ok).sum()), int(ok.size))


def shape_problem(
    got: np.ndarray, expected_shape: tuple[int, ...], *, what: str = N_("your function")
) -> str | None:
    """A plain-words message when ``got`` does not have ``expected_shape``, else None."""
    shape = tuple(got.shape)
    expected_shape = tuple(expected_shape)
    if shape == expected_shape:
        return None
    values = {"what": _(what), "shape": shape, "expected": expected_shape}
    if expected_shape == ():
        return _("{what} returned an array of shape {shape} where a single number was expected.", **values)
    if shape == () and expected_shape != ():
        return _(
            "{what} returned a single number ({got}) where an array of shape {expected} "
            "was expected. Does it add everything up, or use math functions or `if` that work on "
            "single numbers only?",
            got=fmt(got),
            **values,
        )
    if len(shape) == len(expected_shape) == 2 and shape == expected_shape[::-1]:
        return _(
            "{what} returned an array of shape {shape}, expected {expected}: "
            "the result is transposed (rows and columns swapped).",
            **values,
        )
    if int(np.prod(shape)) == int(np.prod(expected_shape)):
        return _(
            "{what} returned an array of shape {shape}, expected {expected}: the "
            "numbers are there but arranged differently (keep the input's shape; avoid flatten/reshape).",
            **values,
        )
    if len(shape) == len(expected_shape) == 1:
        return _(
            "{what} returned {count} values, expected {expected_count} (one per input value).",
            what=_(what),
            count=shape[0],
            expected_count=expected_shape[0],
        )
    return _("{what} returned an array of shape {shape}, expected shape {expected}.", **values)


def compare_arrays(
    got: Any,
    expected: Any,
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    x: np.ndarray | None = None,
    what: str = N_("your function"),
    context: str = "",
    accept: np.ndarray | None = None,
    arg: str = "x",
) -> np.ndarray:
    """Check a returned value against the reference; return it as an array or raise Fail.

    Lists, tuples and arrays are interchangeable; shapes must agree.

    Parameters
    ----------
    got : object
        What the student's code returned.
    expected : array_like
        The reference values.
    rtol, atol : float
        ``|got - expected| <= atol + rtol |expected|`` counts as equal.
    x : ndarray, optional
        The elementwise inputs (same shape as ``expected``): the message then says
        "at x = ...".
    what : str
        Who returned ``got``, for the message.
    context : str
        Appended to locate the case, e.g. ``"for the 2-D input of shape (3, 4)"``.
    accept : bool array, optional
        Entries accepted whatever their value.

    Raises
    ------
    Fail
        "at x = -1000.0 your function returned nan, expected 0.0 (wrong at 3 of 21 points)".

    Examples
    --------
    >>> try:
    ...     compare_arrays([0.5, float("nan")], [0.5, 0.0], x=np.array([0.0, -1000.0]))
    ... except Fail as fail:
    ...     print(fail.message)
    At x = -1000.0 your function returned nan, expected 0.0 (wrong at 1 of 2 points).
    """
    expected = np.asarray(expected, dtype=np.float64)
    arr = as_array(got, what=what)
    problem = shape_problem(arr, expected.shape, what=what)
    if problem:
        raise Fail(with_context(context.rstrip(","), problem))
    mismatch = find_mismatch(arr, expected, rtol=rtol, atol=atol, accept=accept)
    if mismatch is None:
        return arr
    raise Fail(describe_mismatch(mismatch, x=x, what=what, context=context, arg=arg))


def describe_mismatch(
    mismatch: Mismatch,
    *,
    x: np.ndarray | None = None,
    what: str = N_("your function"),
    context: str = "",
    arg: str = "x",
) -> str:
    """``"At x = 2.0 your function returned 0.1, expected 0.9 (wrong at 5 of 9 points)."``

    ``arg`` names the argument in the message (``"At t = -1.0 ..."``).
    """
    index = mismatch.index
    where = _("At index {index}", index=index) if index else _("Here")
    if x is not None:
        xa = np.asarray(x)
        try:
            if xa.ndim == 0:
                where = _("At {arg} = {x}", arg=arg, x=fmt(xa))
            elif xa.ndim == 1:
                where = _("At {arg} = {x}", arg=arg, x=fmt(xa[index]))
            else:
                where = _("At index {index} ({arg} = {x})", index=index, arg=arg, x=fmt(xa[index]))
        except IndexError:
            pass
    count = (
        _(" (wrong at {count} of {total} points)", count=mismatch.count, total=mismatch.total)
        if mismatch.total > 1
        else ""
    )
    return _(
        "{where}{context} {what} returned {got}, expected {expected}{count}.",
        where=where,
        context=_ctx(context),
        what=_(what),
        got=fmt(mismatch.got),
        expected=fmt(mismatch.expected),
        count=count,
    )


def _ctx(context: str) -> str:
    return f" {context}" if context else ""


def matches(got: np.ndarray, candidate: Any, *, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Whether ``got`` equals ``candidate`` (same shape, close everywhere, NaN == NaN)."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cand = np.asarray(candidate, dtype=np.float64)
            got = np.asarray(got, dtype=np.float64)
            return cand.shape == got.shape and bool(
                np.isclose(got, cand, rtol=rtol, atol=atol, equal_nan=True).all()
            )
    except (TypeError, ValueError):
        return False


def warning_problem(
    run: Run, *, x: Any = None, note: str = "", section_hint: str = "", arg: str = "x"
) -> str | None:
    """A message when a call raised floating-point warnings (overflow, invalid, divide).

    ``x`` is the input, named ``arg`` in the message (``note`` is appended to it, e.g.
    ``" (float32)"``).
    """
    text = run.warning_text
    if text is None:
        return None
    where = _(" for {arg} = {x}{note}", arg=arg, x=fmt(x), note=note) if x is not None else ""
    lowered = text.lower()
    if "overflow" in lowered and "exp" in lowered:
        cause = N_("exp overflowed")
    elif "overflow" in lowered:
        cause = N_("a value overflowed to infinity")
    elif "invalid value" in lowered:
        cause = N_("an invalid operation (such as inf - inf, inf / inf or 0 / 0) produced NaN")
    elif "divide by zero" in lowered:
        cause = N_("a division by zero happened")
    else:
        cause = N_("a warning was raised")
    message = _("Not stable: {cause}{where} ({warning}).", cause=_(cause), where=where, warning=text)
    if section_hint:
        message += " " + _(section_hint)
    return message


def digits_tolerance(expected: float, digits: int) -> float:
    """Half a unit in the ``digits``-th significant digit of ``expected`` (plus a hair).

    Every answer correctly rounded to ``digits`` significant digits lies within it; an
    answer whose ``digits``-th digit is wrong does not.

    Examples
    --------
    >>> tol = digits_tolerance(0.02033487220923927, 6)  # half of 1e-7
    >>> abs(0.0203349 - 0.02033487220923927) <= tol < abs(0.0203348 - 0.02033487220923927)
    True
    """
    if expected == 0 or not np.isfinite(expected):
        return 0.0
    exponent = int(np.floor(np.log10(abs(expected))))
    return 0.5 * 10.0 ** (exponent - digits + 1) + 1e-12 * abs(expected)


def compare_number(
    got: float,
    expected: float,
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = 0.0,
    digits: int | None = None,
    mistakes: Iterable[tuple[float, str]] = (),
    near_rtol: float = 1e-3,
    what: str = N_("your answer"),
    explain: Callable[[float], str | None] | None = None,
) -> None:
    """Raise :class:`Fail` unless ``got`` is close enough to ``expected``.

    Close enough means ``|got - expected| <= atol + rtol |expected|``, or, when the exercise
    asks for ``digits`` significant digits, within half a unit of the last digit asked
    (:func:`digits_tolerance`): any correctly rounded answer passes, a wrong last digit fails.

    Parameters
    ----------
    digits : int, optional
        The significant digits the statement asks for (replaces ``rtol``).
    mistakes : iterable of (value, message)
        Known wrong answers, matched at relative tolerance ``near_rtol`` (so a rounded
        version of a classic mistake is recognised too).
    near_rtol : float
        An answer within this relative distance of the right one gets "close, but not
        precise enough" instead of a plain "not correct".
    explain : callable, optional
        ``explain(got)`` returns what is wrong with a wrong value (a violated property, a
        counterexample) without the answer, or None; used when no mistake matches.

    Examples
    --------
    >>> compare_number(0.30000000000000004, 0.3)
    >>> compare_number(1.71448, 1.7144780716637495, digits=6)
    >>> try:
    ...     compare_number(1.2785, -1.2784645, mistakes=[(1.2784645, "Check the sign.")])
    ... except Fail as fail:
    ...     print(fail.message)
    Check the sign.
    """
    what = _(what)
    if not np.isfinite(got):
        raise Fail(_("{what} is {got}; a finite number is expected.", what=what, got=fmt(got)))
    limit = digits_tolerance(expected, digits) if digits else atol + rtol * abs(expected)
    if abs(got - expected) <= max(limit, atol):
        return
    for value, message in mistakes:
        if abs(got - value) <= max(atol, 1e-12) + near_rtol * abs(value):
            raise Fail(_(message))
    asked = (
        _("the exercise asks for at least {digits} significant digits", digits=digits)
        if digits
        else _("this exercise needs a relative error of at most {rtol:.0e}", rtol=rtol)
    )
    if expected != 0 and abs(got - expected) <= near_rtol * abs(expected):
        rel = abs(got - expected) / abs(expected)
        raise Fail(
            _(
                "Close, but not precise enough: {what} ({got}) is off by a relative "
                "{rel:.1e}, and {asked}. Compute the value (e.g. with sp.nsolve or "
                "scipy.optimize) instead of reading it off a plot, and keep all the digits (or "
                "round correctly).",
                what=what,
                got=fmt(got),
                rel=rel,
                asked=asked,
            )
        )
    detail = explain(got) if explain else None
    if detail:
        raise Fail(
            _(
                "{what} ({got}) is not correct: {detail}",
                what=what[:1].upper() + what[1:],
                got=fmt(got),
                detail=_(detail),
            )
        )
    tail = f" ({asked})" if digits else ""
    raise Fail(_("{what} ({got}) is not correct{tail}.", what=what, got=fmt(got), tail=tail))


def normalise_choice(answer: Any, options: Mapping[str, str]) -> str:
    """The option letter the student meant: case, spaces and ``(b)``/``b)``/``b.`` are ignored;
    the full text of an option is accepted too.

    Raises
    ------
    WrongType
        If ``answer`` is not a string.
    Fail
        If it names no option.

    Examples
    --------
    >>> normalise_choice(" (B) ", {"a": "yes", "b": "no"})
    'b'
    """
    letters = ", ".join(options)
    if not isinstance(answer, str):
        raise WrongType(
            _(
                'Expected one letter as a string (one of {letters}), e.g. xor_choice = "a"; '
                "the answer is {type}.",
                letters=letters,
                type=type_name(answer),
            )
        )
    cleaned = answer.strip().lower().strip("()[]'\". ").rstrip(")").strip()
    by_letter = {letter.lower(): letter for letter in options}
    if cleaned in by_letter:
        return by_letter[cleaned]
    squeeze = " ".join(answer.lower().split()).strip(" .")
    for letter, text in options.items():
        if squeeze == " ".join(text.lower().split()).strip(" ."):
            return letter
    raise Fail(
        _(
            "{answer!r} is not one of the options; answer with one letter: {letters}.",
            answer=answer,
            letters=letters,
        )
    )
