"""Ready-made checkers for answers that are functions.

* :func:`elementwise_checker` — a function applied elementwise to arrays (σ, ReLU′, GELU …):
  an ordinary grid, a 2-D input, and, for a *stable* function, extreme float64 and float32
  inputs where no warning, overflow or NaN is allowed;
* :func:`function_checker` — a function called on a list of argument tuples, each compared
  with the reference's result.

Every call of the student's function goes through :func:`~course_utils.grading.running.call`,
which also fails an answer that modifies its input array. An answer matching a known
:class:`~course_utils.grading.checkers.Mistake` gets that mistake's explanation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from . import hidden
from .answer_types import as_array, require_function
from .checkers import CheckerFn, Mistake, lazy_value
from .compare import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    STABLE_ATOL,
    STABLE_RTOL,
    compare_arrays,
    describe_mismatch,
    find_mismatch,
    matches,
    shape_problem,
    warning_problem,
)
from .formatting import fmt, with_context
from .i18n import Lazy, _
from .result import Fail
from .running import call
from .source_reading import SILENCING_MESSAGE, silences_warnings, uses_any

EXTREME_INPUTS: tuple[float, ...] = (
    -1000.0,
    1000.0,
    -710.0,
    710.0,
    -709.0,
    709.0,
    -1e4,
    1e4,
    -100.0,
    100.0,
    -30.0,
    30.0,
    -1e-300,
    0.0,
    1e-300,
)
"""Extreme float64 inputs of a stability test, in the order counterexamples are reported."""

FLOAT32_INPUTS: tuple[float, ...] = (
    -3.4028235e38,
    3.4028235e38,
    -1e4,
    1e4,
    -100.0,
    100.0,
    -89.0,
    89.0,
    -88.0,
    88.0,
    0.0,
)
"""Extreme float32 inputs (±float32 max, the exp overflow threshold ±88.7)."""

DEFAULT_GRID = np.arange(-80, 81) / 10.0
"""The ordinary inputs of an elementwise check: -8, -7.9, …, 8 (0 included exactly)."""


def _mistake_for(got: np.ndarray, candidates: Iterable[tuple[Any, str]], expected: np.ndarray) -> str | None:
    """The message of the first candidate output ``got`` matches (and the reference does not)."""
    for output, message in candidates:
        if matches(got, output) and not matches(expected, output):
            return _(message)
    return None


def _safe_outputs(mistakes: Sequence[Mistake], *args: Any) -> list[tuple[Any, str]]:
    outputs = []
    for mistake in mistakes:
        try:
            with np.errstate(all="ignore"):
                outputs.append((mistake.func(*args), mistake.message))
        except Exception:  # noqa: BLE001, S112 - a mistake that cannot be evaluated is skipped
            continue
    return outputs


def elementwise_checker(
    reference: Callable[[np.ndarray], np.ndarray],
    *,
    name: str,
    signature: str = "f(x)",
    grid: Sequence[float] | np.ndarray | None = None,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    stable: bool = False,
    kinks: Mapping[float, tuple[float, float]] | None = None,
    mistakes: Sequence[Mistake] = (),
    sign_mistakes: bool = True,
    stability_advice: str = "",
    infinity_note: bool = False,
    random_points: int = 40,
    arg: str = "x",
    relative_inputs: Sequence[float] = (),
    relative_atol: float = 0.0,
    relative_mistakes: Sequence[Mistake] = (),
    relative_advice: str = "",
) -> CheckerFn:
    """A checker for a function applied elementwise to NumPy arrays.

    The student's function is called on (1) a 1-D grid plus seeded random points, (2) a 2-D
    array (the shape must be
    kept), and when ``stable`` (3) extreme float64 inputs and (4) extreme float32 inputs,
    where any warning, overflow or NaN fails and values must agree to rtol 1e-7 / atol 1e-12
    (float32: rtol 1e-5, float32's own precision).

    Parameters
    ----------
    reference : callable
        ``reference(x) -> array`` (float64 in, float64 out).
    name : str
        How the function is called in messages, e.g. ``"σ"``.
    signature : str
        How the student's function is called, for type errors.
    grid : array_like, optional
        The ordinary inputs (default :data:`DEFAULT_GRID`).
    rtol, atol : float
        Tolerances on the ordinary inputs.
    stable : bool
        Whether the exercise asks for a stable function.
    kinks : mapping of float to (low, high), optional
        Inputs where any value in [low, high] is accepted (e.g. ``{0.0: (0.0, 1.0)}`` for
        ReLU′); they are added to the grid.
    mistakes : sequence of Mistake
        Known wrong answers, ``func(x) -> array``.
    sign_mistakes : bool
        Also recognise ``-f(x)`` and ``f(-x)`` (sign errors).
    stability_advice : str
        Appended to stability failures, e.g. how to avoid the overflow (may contain
        ``{section}``).
    infinity_note : bool
        After a pass, mention (without failing) when ``±inf`` does not give the limits.
    random_points : int
        How many seeded uniform random points between the grid's ends join the grid.
    arg : str
        The argument's name in messages (``"t"`` gives "At t = -1.0 ...").
    relative_inputs : sequence of float
        Inputs where the values must agree to rtol 1e-7 *relatively*, however small they are
        (absolute ``relative_atol`` only below it): "relative means relative, also for tiny
        values". Checked last, after the stability stages.
    relative_mistakes : sequence of Mistake
        Known forms that are stable but lose relative accuracy there.
    relative_advice : str
        Appended to a relative-accuracy failure that matches no mistake.

    Every call goes through :func:`~course_utils.grading.running.call`, which also fails an
    answer that modifies its input array.
    """
    base = np.asarray(DEFAULT_GRID if grid is None else grid, dtype=np.float64)
    if random_points and base.size:
        # Seeded random points between the grid's ends: the same test every run, off the grid.
        rng = np.random.default_rng(random_points)
        base = np.union1d(base, rng.uniform(base.min(), base.max(), random_points))
    kink_points = dict(kinks or {})
    if kink_points:
        base = np.union1d(base, np.array(sorted(kink_points), dtype=np.float64))
    all_mistakes = list(mistakes)
    if sign_mistakes:
        all_mistakes += [
            Mistake(
                lambda x: -reference(x), Lazy("Sign error: your function returns −{name}(x).", name=name)
            ),
            Mistake(
                lambda x: reference(-x),
                Lazy(
                    "Sign error: your function returns {name}(−x), the mirror image of {name}(x). "
                    "Check the sign inside (e.g. exp(-x) versus exp(x)) and your comparisons.",
                    name=name,
                ),
            ),
        ]

    def kink_accept(x: np.ndarray, got: np.ndarray) -> np.ndarray:
        accept = np.zeros(x.shape, dtype=bool)
        for point, (low, high) in kink_points.items():
            accept |= (x == point) & (got >= low) & (got <= high)
        return accept

    def kink_message(x: np.ndarray, got: np.ndarray) -> str | None:
        for point, (low, high) in kink_points.items():
            at = x == point
            bad = at & ~((got >= low) & (got <= high))
            if bad.any():
                value = got[bad][0]
                return _(
                    "At {arg} = {x} your function returned {got}; any value between "
                    "{low} and {high} is accepted there, but not that.",
                    arg=arg,
                    x=fmt(point),
                    got=fmt(value),
                    low=fmt(low),
                    high=fmt(high),
                )
        return None

    def evaluate(f: Callable[..., Any], x: np.ndarray, desc: str) -> tuple[np.ndarray, Any]:
        run = call(f, x, call_desc=desc)
        return as_array(run.value), run

    def checker(answer: Any) -> tuple[str, str]:
        f = require_function(answer, signature=signature)
        # (1) ordinary inputs (and, in the class grader, hidden ones drawn from the teacher's seed)
        grid = hidden.extend_grid(base)
        x = grid.copy()
        got, run = evaluate(
            f,
            x,
            _(
                "when called with a 1-D array of {count} values from {first} to {last}",
                count=x.size,
                first=fmt(x[0]),
                last=fmt(x[-1]),
            ),
        )
        problem = shape_problem(got, x.shape)
        if problem:
            raise Fail(problem)
        expected = reference(grid)
        accept = kink_accept(grid, got)
        mismatch = find_mismatch(got, expected, rtol=rtol, atol=atol, accept=accept)
        if mismatch is not None:
            known = _mistake_for(
                got[~accept],
                ((out[~accept], msg) for out, msg in _safe_outputs(all_mistakes, grid)),
                expected[~accept],
            )
            detail = kink_message(grid, got) or describe_mismatch(mismatch, x=grid, arg=arg)
            warn = warning_problem(run)
            extra = f"\n{warn}" if warn and not np.all(np.isfinite(got)) else ""
            raise Fail(f"{known}\n{detail}{extra}" if known else f"{detail}{extra}")
        kink_fail = kink_message(grid, got)
        if kink_fail:
            raise Fail(kink_fail)
        # (2) a 2-D input keeps its shape
        x2 = np.linspace(-3.0, 3.0, 12).reshape(3, 4)
        got2, _run2 = evaluate(f, x2.copy(), _("when called with a 2-D array of shape (3, 4)"))
        problem = shape_problem(got2, x2.shape)
        if problem:
            raise Fail(
                with_context(_("for a 2-D input of shape (3, 4)"), problem)
                + " "
                + _("The output must keep the input's shape.")
            )
        compare_arrays(
            got2,
            reference(x2),
            rtol=rtol,
            atol=atol,
            x=x2,
            context=_("for a 2-D input of shape (3, 4),"),
            accept=kink_accept(x2, got2),
            arg=arg,
        )
        checked = _("{count} points and a 2-D input", count=grid.size)
        # (3, 4) extreme inputs
        if stable:
            if silences_warnings(f):
                raise Fail(SILENCING_MESSAGE)
            _check_stable(f, reference, np.array(EXTREME_INPUTS), STABLE_RTOL, STABLE_ATOL, stability_advice)
            _check_stable(
                f, reference, np.array(FLOAT32_INPUTS, dtype=np.float32), 1e-5, STABLE_ATOL, stability_advice
            )
            checked += _(", and on extreme inputs (±710, ±1e4, float32 limits) without warnings or NaN")
        if len(relative_inputs):
            _check_relative(
                f,
                reference,
                np.asarray(relative_inputs, dtype=np.float64),
                relative_atol,
                relative_mistakes,
                relative_advice,
                arg,
            )
            checked += _(", to a relative 1e-7 even where the values are tiny")
        message = _(
            "Correct! Your {name} agrees with the reference on {checked}.", name=name, checked=checked
        )
        if infinity_note:
            note = _infinity_note(f, reference, name)
            if note:
                message += f"\n{note}"
        return "passed", message

    return checker


def _check_stable(
    f: Callable[..., Any],
    reference: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    rtol: float,
    atol: float,
    advice: str,
) -> None:
    """Fail unless ``f`` is warning-free, finite and accurate on the extreme inputs ``x``."""
    dtype_note = " (float32)" if x.dtype == np.float32 else ""
    advice = _(advice) if advice else ""
    expected = reference(x.astype(np.float64))
    run = call(f, x.copy(), call_desc=_("on extreme inputs{note}", note=dtype_note))
    got = as_array(run.value)
    problem = shape_problem(got, x.shape)
    if problem:
        raise Fail(problem)
    mismatch = find_mismatch(got, expected, rtol=rtol, atol=atol)
    if mismatch is None and not run.warnings:
        return
    # Find the first offending input, one element at a time, to name it.
    for i, xi in enumerate(x):
        single = call(
            f, np.array([xi], dtype=x.dtype), call_desc=_("with x = [{x}]{note}", x=fmt(xi), note=dtype_note)
        )
        value = as_array(single.value).reshape(-1)
        bad_value = value.size != 1 or find_mismatch(value[:1], expected[i : i + 1], rtol=rtol, atol=atol)
        if not single.warnings and not bad_value:
            continue
        where = f"x = {fmt(xi)}{dtype_note}"
        advice_text = f" {advice}" if advice else ""
        if bad_value and value.size == 1:
            warn = f" ({single.warning_text})" if single.warnings else ""
            raise Fail(
                _(
                    "Not stable: at {where} your function returned {got}, expected {expected}{warning}.",
                    where=where,
                    got=fmt(value[0]),
                    expected=fmt(expected[i]),
                    warning=warn,
                )
                + advice_text
            )
        if single.warnings:
            where_note = (
                " "
                + _(
                    "np.where does not help here: it evaluates BOTH branches on every element "
                    "before choosing."
                )
                if _uses_where(f)
                else ""
            )
            raise Fail(
                warning_problem(single, x=xi, note=dtype_note)
                + " "
                + _("Your values are right, but an intermediate result overflowed on the way.")
                + where_note
                + advice_text
            )
    # Only the whole-array call misbehaved.
    if mismatch is not None:
        raise Fail(
            _("Not stable: {detail}", detail=describe_mismatch(mismatch, x=x))
            + (" " + advice if advice else "")
        )
    raise Fail(f"{warning_problem(run)}{' ' + advice if advice else ''}")


def _uses_where(f: Any) -> bool:
    """Whether the student's source of ``f`` uses ``where`` (for the np.where-evaluates-both note)."""
    return bool(uses_any(f, {"where"}))


def _check_relative(
    f: Callable[..., Any],
    reference: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    atol: float,
    mistakes: Sequence[Mistake],
    advice: str,
    arg: str,
) -> None:
    """Fail unless ``f`` agrees with ``reference`` to a relative 1e-7 on ``x`` (tiny values too)."""
    expected = reference(x)
    got = as_array(call(f, x.copy(), call_desc=_("with {arg} = {x}", arg=arg, x=fmt(x))).value)
    problem = shape_problem(got, x.shape)
    if problem:
        raise Fail(problem)
    mismatch = find_mismatch(got, expected, rtol=STABLE_RTOL, atol=atol)
    if mismatch is None:
        return
    for output, message in _safe_outputs(mistakes, x):
        candidate = np.asarray(output, dtype=np.float64)
        if (
            candidate.shape == got.shape
            and find_mismatch(got, candidate, rtol=1e-9, atol=atol) is None
            and find_mismatch(candidate, expected, rtol=STABLE_RTOL, atol=atol) is not None
        ):
            raise Fail(_(message))
    with np.errstate(all="ignore"):
        rel = abs(mismatch.got - mismatch.expected) / abs(mismatch.expected) if mismatch.expected else np.inf
    at = fmt(x[mismatch.index]) if x.ndim else fmt(x)
    message = _(
        "Not accurate for tiny values: at {arg} = {x} your function returned {got}, "
        "expected {expected} — a relative error of {rel:.1e}, and the exercise "
        "asks for a relative 1e-7 also where the value is tiny (relative means relative).",
        arg=arg,
        x=at,
        got=fmt(mismatch.got),
        expected=fmt(mismatch.expected),
        rel=rel,
    )
    raise Fail(f"{message} {_(advice)}" if advice else message)


def _infinity_note(
    f: Callable[..., Any], reference: Callable[[np.ndarray], np.ndarray], name: str
) -> str | None:
    x = np.array([-np.inf, np.inf])
    try:
        got = as_array(call(f, x.copy()).value).reshape(-1)
    except Exception:  # noqa: BLE001 - the note is optional
        return _(
            "(Optional: your function does not handle x = ±inf; the library's version returns the limits.)"
        )
    expected = reference(x)
    if got.shape == expected.shape and np.allclose(got, expected, equal_nan=False):
        return None
    return _(
        "(Optional: at x = ±inf your function returns {got}; the limits are {expected}. "
        "Infinite inputs are not graded.)",
        got=fmt(got),
        expected=fmt(expected),
    )


def function_checker(
    reference: Callable[..., Any],
    cases: Sequence[tuple[Any, ...]] | Callable[[], Sequence[tuple[Any, ...]]],
    *,
    signature: str,
    describe: Callable[..., str] | None = None,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    mistakes: Sequence[Mistake] = (),
    pass_message: str = "",
    x_of: Callable[..., Any] | None = None,
) -> CheckerFn:
    """A checker calling the student's function on each case and comparing with ``reference``.

    Parameters
    ----------
    reference : callable
        ``reference(*case)`` returns the expected value (a number or an array).
    cases : sequence of tuples, or a callable returning one
        The argument tuples; arrays are copied before each call.
    signature : str
        How the function is called, e.g. ``"he_variance(n_in)"``.
    describe : callable, optional
        ``describe(*case) -> str`` locating a case in messages, e.g. ``"for n_in = 64"``.
    mistakes : sequence of Mistake
        Known wrong answers with the reference's signature.
    x_of : callable, optional
        ``x_of(*case)`` gives the elementwise input of a case (same shape as the result), so a
        counterexample reads "At x = -0.1 for alpha = 0.5 ..." instead of naming an index.
    """

    def checker(answer: Any) -> tuple[str, str]:
        f = require_function(answer, signature=signature)
        all_cases = lazy_value(cases) if callable(cases) else cases
        for case in all_cases:
            context = _(describe(*case)) if describe else _("for the arguments {case}", case=fmt(case))
            copies = tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in case)
            run = call(f, *copies, call_desc=context)
            expected = np.asarray(reference(*case), dtype=np.float64)
            got = as_array(run.value)
            problem = shape_problem(got, expected.shape)
            mismatch = None if problem else find_mismatch(got, expected, rtol=rtol, atol=atol)
            if problem is None and mismatch is None:
                continue
            known = _mistake_for(got, _safe_outputs(mistakes, *case), expected)
            detail = (
                with_context(context, problem)
                if problem
                else describe_mismatch(mismatch, context=context, x=x_of(*case) if x_of else None)
            )
            if expected.ndim == 0 and problem is None:
                where = f"{context[:1].upper()}{context[1:]}"
                detail = _(
                    "{where} your function returned {got}, expected {expected}.",
                    where=where,
                    got=fmt(got),
                    expected=fmt(expected),
                )
            raise Fail(f"{known}\n{detail}" if known else detail)
        if pass_message:
            return "passed", _(pass_message)
        return "passed", _(
            "Correct! Your function gives the right result in all {count} test cases.", count=len(all_cases)
        )

    return checker


__all__ = ["DEFAULT_GRID", "EXTREME_INPUTS", "FLOAT32_INPUTS", "elementwise_checker", "function_checker"]
