"""Ready-made checkers, so that an exercise record is a short declaration.

Each factory returns a checker ``answer -> (status, message)`` for one kind of answer:

* :func:`elementwise_checker` — a function applied elementwise to arrays (σ, ReLU′, GELU …),
  optionally required to be *stable*;
* :func:`function_checker` — a function called on a list of argument tuples;
* :func:`number_checker`, :func:`sequence_checker`, :func:`choice_checker`,
  :func:`sympy_checker`;
* :func:`parts_checker` — an answer graded in independent :class:`Part` s, each earning its
  share of the points (partial credit; see the table in :mod:`course_utils.grading`).

References are callables evaluated when a check runs, so the reference answers come from
the activation registry (:func:`activation`, :func:`activation_grad`) without importing it
when :mod:`course_utils.grading` is imported. Known wrong answers are declared as
:class:`Mistake` records; an answer that matches one gets that mistake's explanation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import hidden
from .compare import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    SILENCING_MESSAGE,
    STABLE_ATOL,
    STABLE_RTOL,
    as_array,
    as_number,
    as_sequence,
    call,
    calls_any,
    compare_arrays,
    compare_number,
    compare_sympy,
    describe_mismatch,
    digits_tolerance,
    find_mismatch,
    fmt,
    function_origin,
    matches,
    normalise_choice,
    require_function,
    shape_problem,
    silences_warnings,
    source_names,
    student_source,
    uses_any,
    warning_problem,
    with_context,
)
from .i18n import N_, Lazy, _
from .result import Fail, GradingSignal, InputChanged, NotAttempted, PartialCredit, WrongType

CheckerFn = Callable[[Any], tuple[str, str]]

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


@dataclass(frozen=True)
class Mistake:
    """A classic wrong answer and the explanation a student gets when theirs matches it.

    Attributes
    ----------
    func : callable
        Computes what the mistaken answer returns, with the reference's signature
        (for :func:`number_checker`: a number, or a callable returning one).
    message : str
        Plain words: what the mistake is and how to fix it, without the solution.
    """

    func: Any
    message: str


def activation(name: str, **params: Any) -> Callable[[np.ndarray], np.ndarray]:
    """A lazy reference: ``activation("sigmoid")(x)`` evaluates the registry's sigmoid.

    The registry (:mod:`course_utils.activations`) is imported on the first call.
    """

    def reference(x: Any) -> np.ndarray:
        from course_utils import activations

        return np.asarray(activations.get(name)(x, **params), dtype=np.float64)

    reference.__name__ = name
    return reference


def activation_grad(name: str, **params: Any) -> Callable[[np.ndarray], np.ndarray]:
    """A lazy reference for the registry's derivative ``activations.get(name).grad``."""

    def reference(x: Any) -> np.ndarray:
        from course_utils import activations

        return np.asarray(activations.get(name).grad(x, **params), dtype=np.float64)

    reference.__name__ = f"{name}_grad"
    return reference


def _value(spec: Any) -> Any:
    """``spec()`` for a zero-argument callable (a lazy constant), else ``spec``."""
    return spec() if callable(spec) else spec


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


# ----------------------------------------------------------------------------- partial credit
@dataclass(frozen=True)
class Part:
    """One independently graded part of an answer (partial credit).

    Attributes
    ----------
    name : str
        How messages name the part, e.g. ``"W"`` or ``"an explicit axis"``.
    checker : callable
        ``checker(answer) -> (status, message)``, or raising a verdict, like any checker.
    weight : float
        The part's share of the points, relative to the other parts' weights.
    required : bool
        Failing this part forfeits every point: the part is what the exercise is about
        (e.g. stability for a "stable softmax").
    """

    name: str
    checker: Any = None
    weight: float = 1.0
    required: bool = False


GATES: tuple[type[GradingSignal], ...] = (InputChanged, NotAttempted, WrongType)
"""Verdicts that stop a multi-part check at once with no points: an answer that modifies its
input, is still blank, or has the wrong type earns nothing for the parts it gets right."""


def parts_line(passed: Sequence[str], failed: Sequence[str]) -> str:
    """The sentence naming the parts that passed and those that did not.

    Examples
    --------
    >>> parts_line(["W"], ["b"])
    'Partial credit: W is right (1 of 2 parts); not yet right: b.'
    >>> parts_line(["a", "b"], ["c"])
    'Partial credit: a and b are right (2 of 3 parts); not yet right: c.'
    """
    template = (
        N_("Partial credit: {passed} is right ({count} of {total} parts); not yet right: {failed}.")
        if len(passed) == 1
        else N_("Partial credit: {passed} are right ({count} of {total} parts); not yet right: {failed}.")
    )
    total = len(passed) + len(failed)
    return _(template, passed=join_names(passed), count=len(passed), total=total, failed=join_names(failed))


def join_names(names: Sequence[str]) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``."""
    names = [_(name) for name in names]
    if len(names) == 1:
        return names[0]
    return _("{first} and {last}", first=_(", ").join(names[:-1]), last=names[-1])


def settle_parts(
    parts: Sequence[Part], failures: Mapping[str, GradingSignal], pass_message: str = ""
) -> tuple[str, str]:
    """The verdict on a multi-part answer, given the failure of each part that failed.

    Parameters
    ----------
    parts : sequence of Part
        Every part of the answer (their weights and ``required`` flags count here).
    failures : mapping of str to GradingSignal
        Part name -> the verdict that failed it, in the order the failures happened (the
        first one's feedback leads the message).
    pass_message : str
        The message when no part failed.

    Returns
    -------
    tuple of str
        ``("passed", message)`` when no part failed.

    Raises
    ------
    GradingSignal
        The first failure, unchanged, when no part passed or a required part failed;
        :class:`~course_utils.grading.result.PartialCredit` when some parts passed.
    """
    if not failures:
        names = _(", ").join(_(part.name) for part in parts)
        return "passed", _(pass_message) if pass_message else _(
            "Correct! Every part is right: {names}.", names=names
        )
    passed = [part for part in parts if part.name not in failures]
    failed = [part for part in parts if part.name in failures]
    required = [part for part in failed if part.required]
    if not passed or required:
        first = failures[required[0].name] if required else next(iter(failures.values()))
        if passed:
            template = (
                N_("(No partial credit: {passed} is right, but this exercise is about {required}.)")
                if len(passed) == 1
                else N_("(No partial credit: {passed} are right, but this exercise is about {required}.)")
            )
            note = _(
                template,
                passed=join_names([p.name for p in passed]),
                required=join_names([p.name for p in required]),
            )
            first.message = f"{_(first.message)}\n{note}"
        raise first
    total = float(sum(part.weight for part in parts))
    fraction = sum(part.weight for part in passed) / total
    ordered = [name for name in failures if name in {p.name for p in failed}]
    line = parts_line([part.name for part in passed], ordered)
    raise PartialCredit(
        f"{_(next(iter(failures.values())).message)}\n{line}",
        fraction,
        tuple(part.name for part in passed),
        tuple(ordered),
    )


def parts_checker(
    parts: Sequence[Part],
    *,
    gate: Callable[[Any], Any] | None = None,
    pass_message: str = "",
) -> CheckerFn:
    """A checker grading an answer in independent parts, each earning its share of the points.

    Every part runs, whatever the others did. All right: status ``"passed"``. None right (or a
    required part wrong): the first failing part's verdict, unchanged, with no points. Some
    right: :class:`~course_utils.grading.result.PartialCredit` (status ``"failed"``) carrying
    the right parts' share of the weights and a message that starts with the first failing
    part's feedback and names the parts that passed.

    Parameters
    ----------
    parts : sequence of Part
        The parts, in the order their failures are reported.
    gate : callable, optional
        ``gate(answer)`` runs first and may raise a verdict (a type check, a rule of the
        statement): its failure earns no points at all.
    pass_message : str
        The message of a full pass (default: one naming the parts).

    Returns
    -------
    callable
        The checker; its ``parts`` attribute holds the part names (the exercise record
        declares them as its ``parts``).

    Notes
    -----
    The verdicts in :data:`GATES` (the answer modified its input, is a blank, has the wrong
    type) stop the check with no points even when raised by one part. A time limit stops it
    too: it is not a verdict on a part.
    """
    parts = tuple(parts)
    if not parts:
        raise ValueError("parts: expected at least one Part")
    if any(part.weight <= 0 for part in parts):
        raise ValueError("parts: every weight must be positive")

    def checker(answer: Any) -> tuple[str, str]:
        if gate is not None:
            gate(answer)
        failures: dict[str, GradingSignal] = {}
        for part in parts:
            try:
                status, message = part.checker(answer)
            except GATES:
                raise
            except GradingSignal as signal:
                failures[part.name] = signal
                continue
            if status != "passed":
                signal = GradingSignal(message)
                signal.status = status
                failures[part.name] = signal
        return settle_parts(parts, failures, pass_message)

    checker.parts = tuple(part.name for part in parts)  # type: ignore[attr-defined]
    return checker


# ----------------------------------------------------------------------------- elementwise
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

    Every call goes through :func:`~course_utils.grading.compare.call`, which also fails an
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


# ----------------------------------------------------------------------------- general functions
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
        all_cases = _value(cases) if callable(cases) else cases
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


# ----------------------------------------------------------------------------- values
def number_checker(
    expected: float | Callable[[], float],
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = 0.0,
    digits: int | None = None,
    mistakes: Sequence[Mistake] = (),
    near_rtol: float = 1e-3,
    what: str = N_("your answer"),
    explain: Callable[[float], str | None] | None = None,
) -> CheckerFn:
    """A checker for a single number (``mistakes``: ``Mistake(value_or_callable, message)``).

    Mistakes are recognised within ``near_rtol`` (relative), and an answer that close to the
    right value gets "close, but not precise enough". When the statement asks for ``digits``
    significant digits, any correctly rounded answer passes and a wrong last digit fails
    (:func:`~course_utils.grading.compare.digits_tolerance`). ``explain(value)`` says what is
    wrong with any other value (a violated property, a counterexample), never the answer.

    Examples
    --------
    >>> checker = number_checker(0.5)
    >>> checker(0.5000000001)[0]
    'passed'
    >>> number_checker(0.02033487220923927, digits=6)(0.0203349)[0]
    'passed'
    """

    def checker(answer: Any) -> tuple[str, str]:
        value = as_number(answer, what=what)
        target = float(_value(expected))
        compare_number(
            value,
            target,
            rtol=rtol,
            atol=atol,
            digits=digits,
            what=what,
            mistakes=[(float(_value(m.func)), m.message) for m in mistakes],
            near_rtol=near_rtol,
            explain=explain,
        )
        precision = (
            _("to the {digits} significant digits asked", digits=digits)
            if digits
            else _("to a relative tolerance of {rtol:.0e}", rtol=rtol)
        )
        return "passed", _("Correct! {value} is right ({precision}).", value=fmt(value), precision=precision)

    return checker


def sequence_checker(
    expected: Sequence[float] | Callable[[], Sequence[float]],
    *,
    names: Sequence[str],
    rtol: float = DEFAULT_RTOL,
    atol: float = 0.0,
    digits: int | None = None,
    mistakes: Sequence[Mistake] = (),
    near_rtol: float = 1e-3,
    explain: Callable[[list[float]], str | None] | None = None,
    partial: bool = False,
) -> CheckerFn:
    """A checker for a fixed-length sequence of numbers (list, tuple or 1-D array).

    A swapped pair is recognised automatically; ``mistakes`` hold whole wrong sequences.
    An entry within ``near_rtol`` of the right value is reported as "not precise enough".
    With ``digits``, each entry correctly rounded to that many significant digits passes.
    ``explain(values)`` says what property the values violate (never the answer), added to
    the message when some entry is plainly wrong. With ``partial``, each entry is a part
    worth an equal share of the points (the checker's ``parts`` are ``names``): a partly
    right answer raises :class:`~course_utils.grading.result.PartialCredit`.
    """

    def fail(message: str, close: list[bool]) -> Fail:
        if not partial or not any(close):
            return Fail(message)
        right = [n for n, ok in zip(names, close, strict=False) if ok]
        wrong = [n for n, ok in zip(names, close, strict=False) if not ok]
        return PartialCredit(
            f"{_(message)}\n{parts_line(right, wrong)}", len(right) / len(names), tuple(right), tuple(wrong)
        )

    def checker(answer: Any) -> tuple[str, str]:
        values = as_sequence(answer, length=len(names), names=names)
        target = [float(v) for v in _value(expected)]
        limits = [digits_tolerance(t, digits) if digits else atol + rtol * abs(t) for t in target]
        close = [abs(v - t) <= max(lim, atol) for v, t, lim in zip(values, target, limits, strict=False)]
        if all(close):
            return "passed", _(
                "Correct! ({names}) = ({values}).",
                names=", ".join(names),
                values=", ".join(fmt(v) for v in values),
            )
        for mistake in mistakes:
            wrong = [float(v) for v in _value(mistake.func)]
            if np.allclose(values, wrong, rtol=near_rtol, atol=atol):
                raise fail(mistake.message, close)
        if len(values) == 2 and np.allclose(values[::-1], target, rtol=near_rtol, atol=atol):
            raise Fail(
                _(
                    "The order is swapped: the answer must be ({first}, {second}), "
                    "you gave ({second}, {first}).",
                    first=names[0],
                    second=names[1],
                )
            )
        asked = (
            _("the exercise asks for at least {digits} significant digits", digits=digits)
            if digits
            else _("needs at most {rtol:.0e}", rtol=rtol)
        )
        problems = []
        plainly_wrong = False
        for name, v, t, ok in zip(names, values, target, close, strict=False):
            if ok:
                continue
            rel = abs(v - t) / abs(t) if t else abs(v - t)
            if rel <= near_rtol:
                problems.append(
                    _(
                        "{name} = {value} is close but not precise enough (relative error {rel:.1e}; "
                        "{asked}): keep all the digits (or round correctly), or compute it",
                        name=name,
                        value=fmt(v),
                        rel=rel,
                        asked=asked,
                    )
                )
            else:
                plainly_wrong = True
                problems.append(_("{name} = {value} is not correct", name=name, value=fmt(v)))
        right = [n for n, ok in zip(names, close, strict=False) if ok]
        tail = " " + _("({names} is right.)", names=", ".join(right)) if right and not partial else ""
        detail = explain(values) if explain and plainly_wrong else None
        more = f" {_(detail)}" if detail else ""
        raise fail(_("; ").join(problems) + _(".") + tail + more, close)

    if partial:
        checker.parts = tuple(names)  # type: ignore[attr-defined]
    return checker


def choice_checker(
    correct: str, options: Mapping[str, str], *, feedback: Mapping[str, str] | None = None
) -> CheckerFn:
    """A checker for a multiple-choice answer: one letter, case- and space-insensitive.

    Parameters
    ----------
    correct : str
        The right letter.
    options : mapping
        Letter -> statement (the same mapping goes into the record's ``options``).
    feedback : mapping, optional
        Letter -> why that option is wrong.

    Examples
    --------
    >>> checker = choice_checker("b", {"a": "yes", "b": "no"})
    >>> checker(" B ")[0]
    'passed'
    """
    if correct not in options:
        raise ValueError(f"correct: {correct!r} is not among the options {list(options)}")
    notes = dict(feedback or {})

    def checker(answer: Any) -> tuple[str, str]:
        letter = normalise_choice(answer, options)
        if letter == correct:
            return "passed", _("Correct! {letter}) {option}", letter=letter, option=_(options[letter]))
        why = notes.get(letter, N_("That statement is not true."))
        raise Fail(_("Not {letter}: {why}", letter=letter, why=_(why)))

    return checker


def sympy_checker(
    reference: Callable[[], Any],
    *,
    symbol: str = "x",
    reference_name: str = N_("the answer"),
    mistakes: Callable[[], Sequence[tuple[Any, str]]] | None = None,
) -> CheckerFn:
    """A checker for a SymPy expression in a symbol named ``symbol``.

    Parameters
    ----------
    reference : callable
        Zero-argument callable returning the reference expression (evaluated lazily, so
        SymPy is imported only when a check runs).
    reference_name : str
        How the reference is named in messages (``"σ'(x)"``); its formula is never shown.
    mistakes : callable, optional
        Returns (expression, message) pairs of known wrong answers.
    """

    def checker(answer: Any) -> tuple[str, str]:
        expected = reference()
        compare_sympy(
            answer,
            expected,
            symbol=symbol,
            reference_name=reference_name,
            mistakes=mistakes() if mistakes else (),
        )
        return "passed", _(
            "Correct! Your expression is equal to {reference} for every {symbol}.",
            reference=_(reference_name),
            symbol=symbol,
        )

    return checker


# ----------------------------------------------------------------------------- rules of a statement
LIBRARY_FUNCTION_MESSAGE = N_(
    "Your answer is a ready-made library function ({name}), not a function you wrote: this "
    "exercise asks you to write it yourself. Define it with `def` in your notebook."
)


def enforce_source_rules(
    answer: Any,
    *,
    forbidden: Mapping[str, str],
    rule: str,
    required: Mapping[str, str] | None = None,
    helpers: Callable[[str, Any], bool] | None = None,
) -> None:
    """Fail an answer that breaks a rule its statement states about *how* it is written.

    The student's source is read only through
    :func:`~course_utils.grading.compare.student_source` and parsed with :mod:`ast`; a
    library function passed directly (``hat = np.abs``) fails too
    (:func:`~course_utils.grading.compare.is_library_function`).

    Parameters
    ----------
    answer : callable
        The student's function.
    forbidden : mapping of str to str
        Name used in the source (``"abs"``, ``"maximum"``, ``"scipy"``) -> how the message
        shows it (``"np.abs"``).
    rule : str
        The statement's rule in plain words, ending the message.
    required : mapping of str to str, optional
        Names of which at least one must appear (any of them) -> how the message shows it;
        matched on whole identifiers and on their ``_``-separated parts.
    helpers : callable, optional
        Names of helpers the answer may define inside itself with forbidden means (their
        bodies are not read; see :func:`~course_utils.grading.compare.source_names`).

    Raises
    ------
    Fail
        Naming the forbidden names found, or the missing required one.
    """
    rule = _(rule)
    origin = function_origin(answer)
    if origin == "library":
        raise Fail(f"{_(LIBRARY_FUNCTION_MESSAGE, name=_qualified_name(answer))} {rule}")
    if origin == "unreadable":
        raise Fail(
            _(
                "The source of your function cannot be read, so this exercise's rule cannot be "
                "checked: define the function with `def` in a notebook cell (or a .py file) and run "
                "that cell."
            )
            + f" {rule}"
        )
    used = uses_any(answer, forbidden, helpers=helpers)
    if used:
        shown = ", ".join(dict.fromkeys(_(forbidden[name]) for name in used))
        raise Fail(_("Your function uses {names}, which this exercise rules out.", names=shown) + f" {rule}")
    if required:
        source = student_source(answer) or ""
        names = source_names(source)
        parts = {part.lower() for name in names for part in name.replace(".", "_").split("_")}
        if not any(req.lower() in parts for req in required):
            shown = _(" or ").join(dict.fromkeys(_(value) for value in required.values()))
            raise Fail(
                _(
                    "Your function does not use {names}, which this exercise asks you to build on.",
                    names=shown,
                )
                + f" {rule}"
            )


def _qualified_name(func: Any) -> str:
    """``scipy.special.log_softmax``-like name of a library function, for messages."""
    label = getattr(func, "__qualname__", None) or getattr(func, "__name__", None)
    module = getattr(func, "__module__", None)
    if isinstance(module, str) and isinstance(label, str):
        return f"{module}.{label}"
    record = getattr(func, "name", None)  # a registry record: course_utils.activations celu
    kind = type(func)
    if isinstance(record, str):
        return f"{kind.__module__} {record}"
    return f"{kind.__module__}.{kind.__name__}"


def with_source_rules(
    checker: CheckerFn,
    *,
    forbidden: Mapping[str, str],
    rule: str,
    signature: str,
    required: Mapping[str, str] | None = None,
    after_values: bool = False,
    helpers: Callable[[str, Any], bool] | None = None,
) -> CheckerFn:
    """``checker`` with :func:`enforce_source_rules` applied (after the type check).

    By default the rule is checked first, so an answer with the right values that breaks it
    fails on the rule. With ``after_values`` the values are judged first (so a wrong answer
    gets the value checker's diagnosis of its mistake) and the rule only for an answer whose
    values are right.
    """

    def ruled(answer: Any) -> tuple[str, str]:
        require_function(answer, signature=signature)
        if not after_values:
            enforce_source_rules(answer, forbidden=forbidden, rule=rule, required=required, helpers=helpers)
            return checker(answer)
        outcome = checker(answer)
        enforce_source_rules(answer, forbidden=forbidden, rule=rule, required=required, helpers=helpers)
        return outcome

    return ruled


def reuse_note(answer: Any, helpers: Mapping[str, str]) -> str | None:
    """A note when the student's function calls one of their own earlier answers.

    ``helpers`` maps an answer name (``"softmax_stable"``) to its exercise id. A bug in the
    helper then fails this exercise too; the note says so and which check to run first.
    """
    used = calls_any(answer, helpers)
    if not used:
        return None
    name = used[0]
    return _(
        "Your function calls your own `{name}` from an earlier exercise. If "
        "check({exercise!r}, {name}) does not pass yet, fix that first: this failure may "
        "come from it.",
        name=name,
        exercise=helpers[name],
    )


def noting_reuse(checker: CheckerFn, helpers: Mapping[str, str]) -> CheckerFn:
    """``checker`` whose failure and error messages end with :func:`reuse_note` when it applies."""

    def noted(answer: Any) -> tuple[str, str]:
        try:
            return checker(answer)
        except GradingSignal as signal:
            if signal.status in ("failed", "error"):
                note = reuse_note(answer, helpers) if callable(answer) else None
                if note:
                    signal.message = f"{_(signal.message)}\n{note}"
            raise

    noted.__doc__ = checker.__doc__
    if getattr(checker, "parts", None):
        noted.parts = checker.parts  # type: ignore[attr-defined]
    return noted


__all__ = [
    "DEFAULT_GRID",
    "EXTREME_INPUTS",
    "FLOAT32_INPUTS",
    "GATES",
    "Mistake",
    "Part",
    "activation",
    "activation_grad",
    "choice_checker",
    "elementwise_checker",
    "enforce_source_rules",
    "function_checker",
    "join_names",
    "noting_reuse",
    "number_checker",
    "parts_checker",
    "parts_line",
    "settle_parts",
    "reuse_note",
    "sequence_checker",
    "sympy_checker",
    "with_source_rules",
]
