"""Exercises of lesson 06, *Softmax and temperature* (in notebook order).

| id | answer name | kind |
|---|---|---|
| ``softmax_stable`` | ``softmax_stable`` | function ``(x, axis=-1)``: stable softmax |
| ``softmax_jacobian`` | ``softmax_jacobian`` | function ``s -> (n, n)``: Jacobian from the output s |
| ``softmax_temperature`` | ``softmax_temperature`` | function ``(x, T)`` along the last axis, stable |
| ``log_softmax_stable`` | ``log_softmax_stable`` | function ``(x, axis=-1)``: stable log-softmax |
| ``cross_entropy_grad`` | ``cross_entropy_grad`` | function ``(x, y)``: dL/dx of softmax cross-entropy |
| ``entropy_at_temperature`` | ``entropy_T2`` | number: entropy (nats) of the vocabulary at T = 2 |

"Stable" means: no warning and no NaN on large logits (1000, ±710, ±1e4, float32 100), values
within rtol 1e-7 / atol 1e-12 of the registry's softmax (float32 inputs: rtol 1e-5). Inputs
holding ±inf are not graded. Like every function exercise, an answer must not modify its input
array (``x -= x.max()`` or ``x /= T`` fail). The later exercises may reuse the student's own
``softmax_stable``; their failure messages then say so (:func:`~.checkers.noting_reuse`).

Partial credit (the table in :mod:`course_utils.grading`): ``softmax_stable`` in three parts —
ordinary logits along the last axis, huge logits (required: an unstable softmax earns
nothing) and an explicit axis; ``cross_entropy_grad`` in three — one example, a batch, logits
of ±1000. An answer that modifies its input earns nothing in either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .answer_types import as_array, require_function
from .checkers import Mistake
from .compare import (
    STABLE_ATOL,
    STABLE_RTOL,
    describe_mismatch,
    find_mismatch,
    matches,
    shape_problem,
    warning_problem,
)
from .formatting import fmt, with_context
from .function_checkers import function_checker
from .i18n import N_, _
from .partial_credit import Part, parts_checker
from .registry import register
from .result import Fail
from .running import call
from .source_reading import SILENCING_MESSAGE, silences_warnings
from .source_rules import enforce_source_rules, noting_reuse
from .value_checkers import number_checker

_NOTES = {
    "unexpected keyword argument 'axis'": N_(
        "Your function must accept the axis argument: def softmax_stable(x, axis=-1): ..."
    ),
    "could not be broadcast": N_(
        "The shapes do not fit together. A max or sum along an axis drops that "
        "axis; pass keepdims=True so the result broadcasts back against x."
    ),
}

_OVERFLOW_ADVICE = N_(
    "exp of a large logit overflows to inf (and inf / inf is nan), although the probabilities "
    "themselves are ordinary numbers. Softmax is shift-invariant: use that. See {section}."
)

_REUSED = {"softmax_stable": "softmax_stable"}
"""The earlier answer of this notebook that later answers may call (answer name -> exercise id)."""


def _softmax(x: Any, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    from course_utils.activations import softmax

    return np.asarray(softmax(x, axis=axis, temperature=temperature), dtype=np.float64)


def _quiet(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with np.errstate(all="ignore"):
        try:
            return func(*args, **kwargs)
        except Exception:  # noqa: BLE001 - a candidate that cannot be computed matches nothing
            return None


def _naive(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def _global_max(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(x - np.max(x))
    return e / e.sum(axis=axis, keepdims=True)


def _no_keepdims(x: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(x - np.max(x, axis=axis))
    return e / np.sum(e, axis=axis)


def _diagnose(
    got: np.ndarray,
    x: np.ndarray,
    axis: int,
    desc: str,
    mistakes: list[tuple[Any, str]],
    run_warning: str | None,
) -> str:
    """Explain how a softmax-like output ``got`` for logits ``x`` is wrong."""
    if not np.all(np.isfinite(got)):
        if x.ndim >= 2 and matches(got, _quiet(_global_max, x, axis)):
            return _(
                "Not stable: {desc} your function returned {got}. You subtracted ONE maximum "
                "of the whole array; rows far below it underflow to 0 / 0 = nan. Each slice along "
                "the axis needs its own. See {section}.",
                desc=desc,
                got=fmt(got),
            )
        warn = f" ({run_warning})" if run_warning else ""
        return (
            _(
                "Not stable: {desc} your function returned {got}{warning}.",
                desc=desc,
                got=fmt(got),
                warning=warn,
            )
            + " "
            + _(_OVERFLOW_ADVICE)
        )
    ax = axis % x.ndim
    if x.ndim >= 2:
        for other in range(x.ndim):
            if (
                other != ax
                and np.allclose(got.sum(axis=other), 1.0)
                and not np.allclose(got.sum(axis=ax), 1.0)
            ):
                return _(
                    "Wrong axis: {desc} your output sums to 1 along axis {other}, but softmax must "
                    "sum to 1 along axis {axis} (each slice along that axis is one set of logits). "
                    "Pass the axis to every max and sum, with keepdims=True.",
                    desc=desc,
                    other=other,
                    axis=axis,
                )
        if np.isclose(got.sum(), 1.0) and got.size > x.shape[ax]:
            return _(
                "{desc} your output sums to 1 over the whole array; each slice "
                "along axis {axis} must sum to 1 on its own: sum(axis=axis, keepdims=True).",
                desc=desc[:1].upper() + desc[1:],
                axis=axis,
            )
    for candidate, message in mistakes:
        if candidate is not None and matches(got, candidate):
            return f"{_(message)} ({desc})"
    return ""


def _softmax_case(
    f: Callable[..., Any],
    x: np.ndarray,
    *,
    axis: int | None = None,
    temperature: float | None = None,
    desc: str,
    mistakes: list[tuple[Any, str]],
) -> None:
    """Run one case of a softmax exercise; raise Fail with a diagnosis when it is wrong."""
    args: tuple[Any, ...] = (x.copy(),) if temperature is None else (x.copy(), temperature)
    ax = -1 if axis is None else axis
    expected = _softmax(
        x.astype(np.float64), axis=ax, temperature=1.0 if temperature is None else temperature
    )
    advice = _(" on the way.") + " " + _(_OVERFLOW_ADVICE)
    wrong = _run_case(f, args, axis, expected, x.dtype == np.float32, desc, advice)
    if wrong is None:
        return
    got, mismatch, run = wrong
    diagnosis = _diagnose(got, x, ax, desc, mistakes, run.warning_text)
    raise Fail(diagnosis or describe_mismatch(mismatch, context=desc))


def _run_case(
    f: Callable[..., Any],
    args: tuple[Any, ...],
    axis: int | None,
    expected: np.ndarray,
    float32: bool,
    desc: str,
    overflow_advice: str,
) -> tuple[np.ndarray, Any, Any] | None:
    """Call the student's ``f(*args[, axis=axis])`` and compare it with ``expected``.

    Returns None when the values agree without a warning, else ``(got, mismatch, run)`` for
    the caller's diagnosis. Raises Fail for a wrong shape, and for right values reached
    through an overflow (``overflow_advice`` completes that message).
    """
    kwargs = {} if axis is None else {"axis": axis}
    desc = _(desc)
    run = call(f, *args, call_desc=desc, notes=_NOTES, **kwargs)
    got = as_array(run.value)
    problem = shape_problem(got, expected.shape)
    if problem:
        raise Fail(with_context(desc, problem))
    rtol = 1e-5 if float32 else STABLE_RTOL
    mismatch = find_mismatch(got, expected, rtol=rtol, atol=STABLE_ATOL)
    if mismatch is None and not run.warnings:
        return None
    if mismatch is None:
        raise Fail(
            _(
                "{problem} {desc} your values are right, but an intermediate result overflowed{advice}",
                problem=warning_problem(run),
                desc=desc[:1].upper() + desc[1:],
                advice=overflow_advice,
            )
        )
    return got, mismatch, run


def noting_reuse_of_earlier_answers(checker: Any) -> Any:
    """``checker`` whose failures say when the answer calls the student's own earlier answers."""
    return noting_reuse(checker, _REUSED)


# ----------------------------------------------------------------------------- softmax_stable
def _softmax_stable_mistakes(x: np.ndarray, axis: int) -> list[tuple[Any, str]]:
    from course_utils.activations import log_softmax

    return [
        (
            _quiet(log_softmax, x, axis=axis),
            N_("You returned log-probabilities (log-softmax); softmax is their exp."),
        ),
        (
            _quiet(_softmax, -x, axis=axis),
            N_(
                "Sign error: that is softmax(−x) (softmin); the largest logit must get the "
                "largest probability."
            ),
        ),
        (_quiet(np.exp, x), N_("Your output is not normalised: its slices do not sum to 1.")),
        (
            _quiet(lambda: x / x.sum(axis=axis, keepdims=True)),
            N_(
                "You normalised the logits themselves: your output has negative entries, but "
                "probabilities cannot be negative."
            ),
        ),
        (
            _quiet(_no_keepdims, x, axis),
            N_(
                "The max and sum lost their axis and broadcast against the wrong dimension: "
                "use keepdims=True."
            ),
        ),
    ]


def _softmax_stable_gate(answer: Any) -> None:
    """No points at all for a wrong type or a function that silences warnings."""
    f = require_function(answer, signature="softmax_stable(x, axis=-1)")
    if silences_warnings(f):
        raise Fail(SILENCING_MESSAGE)


def _softmax_stable_cases() -> dict[str, list[tuple[np.ndarray, int | None, str]]]:
    """The cases of ``softmax_stable``, grouped into its three parts."""
    rng = np.random.default_rng(6)
    ordinary = [
        (np.array([1.0, 2.0, 3.0, 0.5]), None, N_("for x = [1.0, 2.0, 3.0, 0.5]")),
        (rng.normal(size=(3, 4)), None, N_("for a 2-D x of shape (3, 4) with the default axis")),
        (rng.normal(size=(4, 4)), None, N_("for a 2-D x of shape (4, 4) with the default axis")),
    ]
    axes = [
        (rng.normal(size=(3, 4)), 0, N_("for a 2-D x of shape (3, 4) with axis=0")),
        (rng.normal(size=(2, 3, 4)), 1, N_("for a 3-D x of shape (2, 3, 4) with axis=1")),
    ]
    huge = [
        (np.array([1000.0, 1001.0, 1002.0]), None, N_("for x = [1000.0, 1001.0, 1002.0]")),
        (np.array([-1000.0, -1001.0, -1002.0]), None, N_("for x = [-1000.0, -1001.0, -1002.0]")),
        (
            np.array([[1000.0, 1001.0, 1002.0], [0.0, 1.0, 2.0]]),
            None,
            N_("for x = [[1000, 1001, 1002], [0, 1, 2]]"),
        ),
        (
            np.array([[-1e4, 0.0, 1e4], [710.0, -710.0, 0.0]]),
            None,
            N_("for x = [[-1e4, 0, 1e4], [710, -710, 0]]"),
        ),
        (
            np.array([[100.0, 101.0, 102.0], [-100.0, 0.0, 88.8]], dtype=np.float32),
            None,
            N_("for a float32 x = [[100, 101, 102], [-100, 0, 88.8]]"),
        ),
    ]
    return {"ordinary": ordinary, "huge": huge, "axes": axes}


def _softmax_stable_part(group: str) -> Callable[[Any], tuple[str, str]]:
    """The checker of one part of ``softmax_stable``: its group of cases, in order."""

    def part(answer: Any) -> tuple[str, str]:
        f = require_function(answer, signature="softmax_stable(x, axis=-1)")
        for x, axis, case in _softmax_stable_cases()[group]:
            desc = _(case)
            ax = -1 if axis is None else axis
            if axis == 0:
                # An answer that ignores `axis` normalises along the last axis instead.
                run = call(f, x.copy(), axis=0, call_desc=desc, notes=_NOTES)
                got = as_array(run.value)
                if matches(got, _softmax(x, axis=-1)) and not matches(got, _softmax(x, axis=0)):
                    raise Fail(
                        _(
                            "Your function ignores its axis argument: {desc} the output sums to 1 along "
                            "the last axis instead of axis 0.",
                            desc=desc,
                        )
                    )
            mistakes = _softmax_stable_mistakes(x.astype(np.float64), ax)
            _softmax_case(f, x, axis=axis, desc=desc, mistakes=mistakes)
        return "passed", _("{group}: right.", group=group)

    return part


SOFTMAX_STABLE_PARTS: tuple[Part, ...] = (
    Part("ordinary logits along the last axis", _softmax_stable_part("ordinary")),
    Part("huge logits without overflow", _softmax_stable_part("huge"), required=True),
    Part("an explicit axis", _softmax_stable_part("axes")),
)
"""``softmax_stable``'s parts: stability is required (it is what the exercise asks for);
an answer that is stable but ignores ``axis`` earns the other two thirds."""

register(
    id="softmax_stable",
    lesson="06",
    answer_name="softmax_stable",
    kind="function",
    title="A numerically stable softmax along an axis",
    section="6.2",
    # Partial credit: the last axis, huge logits (required: no points without stability) and
    # an explicit axis are graded apart, a third each. Modifying the input earns nothing.
    checker=parts_checker(
        SOFTMAX_STABLE_PARTS,
        gate=_softmax_stable_gate,
        pass_message=(
            "Correct! Your softmax matches the reference on ordinary and huge logits (1000, ±710, "
            "±1e4, float32), along the default and explicit axes of 2-D and 3-D inputs, without "
            "warnings or NaN."
        ),
    ),
    hints=(
        "Try np.exp(1000.0): the naive formula overflows for large logits.",
        "Softmax does not change when the same constant is subtracted from every logit of a slice. "
        "Which constant makes every exponent ≤ 0?",
        "Reduce along `axis` with keepdims=True (np.max(..., keepdims=True), np.sum(..., "
        "keepdims=True)) so each result broadcasts back against x.",
    ),
)


# ----------------------------------------------------------------------------- softmax_jacobian
def _jacobian_reference(s: np.ndarray) -> np.ndarray:
    from course_utils.activations import softmax

    with np.errstate(divide="ignore"):
        logits = np.log(s)  # softmax(log s) = s for a probability vector s
    return np.asarray(softmax.jacobian(logits), dtype=np.float64)


def _jacobian_cases() -> list[tuple[np.ndarray]]:
    rng = np.random.default_rng(7)
    return [
        (_softmax(np.array([1.0, 2.0, 3.0])),),
        (_softmax(np.array([0.5, -1.0, 2.0, 0.0])),),
        (_softmax(rng.normal(size=5)),),
        (np.array([0.0, 1.0, 0.0]),),
        (np.full(4, 0.25),),
        (np.array([1.0]),),
    ]


register(
    id="softmax_jacobian",
    lesson="06",
    answer_name="softmax_jacobian",
    kind="function",
    title="The Jacobian of softmax, from its output s",
    section="6.4",
    checker=noting_reuse_of_earlier_answers(
        function_checker(
            _jacobian_reference,
            _jacobian_cases,
            signature="softmax_jacobian(s)",
            describe=lambda s: _("for s = {s}", s=fmt(s)),
            mistakes=(
                Mistake(
                    lambda s: -np.outer(s, s),
                    "Your diagonal entries are negative, but raising x_i raises s_i: ∂s_i/∂x_i must be "
                    "≥ 0. Something on the diagonal is missing.",
                ),
                Mistake(
                    lambda s: np.outer(s, s) - np.diag(s),
                    "Sign error: your matrix is the negative of the Jacobian (check which term is "
                    "subtracted).",
                ),
                Mistake(
                    np.diag,
                    "Your columns do not sum to 0. The outputs always sum to 1, so raising one logit "
                    "cannot change their total: every column of the Jacobian must sum to 0. Your "
                    "off-diagonal entries are 0, and the diagonal is too large.",
                ),
                Mistake(
                    lambda s: np.diag(s * (1.0 - s)),
                    "Only the diagonal is right: your off-diagonal entries are 0, but raising x_j "
                    "lowers every other s_i (the outputs sum to 1), so each column must sum to 0.",
                ),
                Mistake(
                    lambda s: np.diag(s) - s @ s,
                    "For a 1-D array, s @ s.T is a single number (the dot product), not a matrix: the "
                    "outer product is np.outer(s, s) (or s[:, None] * s[None, :]).",
                ),
                Mistake(
                    lambda s: np.eye(len(s)) - s[None, :],
                    "That is the Jacobian of log-softmax, (δ_ij − s_j); softmax's own Jacobian is asked for.",
                ),
                Mistake(
                    lambda s: _jacobian_reference(_softmax(s)),
                    "Your function treats its input as logits and applies softmax again; it receives the "
                    "softmax OUTPUT s.",
                ),
            ),
            pass_message=N_(
                "Correct! Your Jacobian is right for all 6 test vectors (including one-hot and uniform s)."
            ),
        )
    ),
    hints=(
        "Differentiate s_i = exp(x_i) / Σ_k exp(x_k) with respect to x_j; treat i = j and i ≠ j separately.",
        "You should find one expression for ∂s_i/∂x_j with a Kronecker delta δ_ij in it.",
        "In NumPy, np.diag(v) builds a diagonal matrix and np.outer(a, b) the matrix of all "
        "products a_i·b_j: write your expression with those.",
    ),
)


# ----------------------------------------------------------------------------- softmax_temperature
def _temperature_mistakes(x: np.ndarray, T: float) -> list[tuple[Any, str]]:
    return [
        (
            _quiet(_softmax, x * T),
            N_("You multiplied the logits by T: a large T must flatten the distribution, yours sharpens it."),
        ),
        (_quiet(_softmax, x), N_("Your function ignores T: it returns the same whatever the temperature.")),
        (
            _quiet(lambda: _softmax(x) / T),
            N_("Your output does not sum to 1: you divided the probabilities by T, after the softmax."),
        ),
        (
            _quiet(lambda: np.exp(x / T)),
            N_("Your output is not normalised: it does not sum to 1."),
        ),
    ]


@register(
    id="softmax_temperature",
    lesson="06",
    answer_name="softmax_temperature",
    kind="function",
    title="Softmax with a temperature T, stable for large logits",
    section="6.7",
    hints=(
        "Temperature rescales the logits before the softmax: small T sharpens, large T flattens.",
        "Rescale the logits by T, then apply the stable recipe of softmax_stable along the last axis.",
        "Small T makes x / T huge, so the max subtraction matters even for ordinary logits.",
    ),
)
@noting_reuse_of_earlier_answers
def check_softmax_temperature(answer: Any) -> tuple[str, str]:
    """Several temperatures, a 2-D input (last axis), and logits that overflow unless shifted."""
    f = require_function(answer, signature="softmax_temperature(x, T)")
    if silences_warnings(f):
        raise Fail(SILENCING_MESSAGE)
    x = np.array([1.0, 2.0, 3.0, 0.5])
    x2 = np.random.default_rng(8).normal(size=(3, 4))
    cases: list[tuple[np.ndarray, float, str]] = [
        (x, 1.0, N_("for x = [1.0, 2.0, 3.0, 0.5] and T = 1")),
        (x, 2.0, N_("for x = [1.0, 2.0, 3.0, 0.5] and T = 2")),
        (x, 0.5, N_("for x = [1.0, 2.0, 3.0, 0.5] and T = 0.5")),
        (x, 100.0, N_("for x = [1.0, 2.0, 3.0, 0.5] and T = 100")),
        (x2, 0.7, N_("for a 2-D x of shape (3, 4) and T = 0.7")),
        (np.array([1000.0, 1001.0, 1002.0]), 0.5, N_("for x = [1000.0, 1001.0, 1002.0] and T = 0.5")),
        (np.array([10.0, 20.0, 30.0]), 0.01, N_("for x = [10.0, 20.0, 30.0] and T = 0.01")),
        (np.array([[-1e4, 0.0, 1e4]]), 3.0, N_("for x = [[-1e4, 0, 1e4]] and T = 3")),
    ]
    for logits, T, desc in cases:
        _softmax_case(f, logits, temperature=T, desc=desc, mistakes=_temperature_mistakes(logits, T))
    return "passed", _(
        "Correct! Your function gives softmax(x / T) along the last axis for T from 0.01 to 100, "
        "including logits that would overflow without the max subtraction."
    )


# ----------------------------------------------------------------------------- log_softmax_stable
def _log_softmax(x: Any, axis: int = -1) -> np.ndarray:
    from course_utils.activations import log_softmax

    return np.asarray(log_softmax(x, axis=axis), dtype=np.float64)


def _log_of_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.log(_softmax(x, axis=axis))


def _log_softmax_mistakes(x: np.ndarray, axis: int) -> list[tuple[Any, str]]:
    return [
        (
            _quiet(_softmax, x, axis=axis),
            N_("You returned the probabilities; log-softmax returns their logarithms (all ≤ 0)."),
        ),
        (
            _quiet(lambda: x - np.max(x, axis=axis, keepdims=True)),
            N_(
                "You subtracted the maximum only: the exponentials of your output do not sum to 1, "
                "as log-probabilities must. Something is still missing."
            ),
        ),
        (
            _quiet(lambda: x - np.log(np.sum(np.exp(x), axis=axis))),
            N_("The sum lost its axis and broadcast against the wrong dimension: use keepdims=True."),
        ),
    ]


LOG_SOFTMAX_FORBIDDEN: dict[str, str] = {
    "scipy": "SciPy",
    "logsumexp": N_("a ready-made logsumexp"),
    "log_softmax": N_("a ready-made log_softmax"),
    "logaddexp": N_("np.logaddexp (a ready-made logsumexp)"),
    "torch": "PyTorch",
}
"""What ``log_softmax_stable``'s statement rules out: ready-made logsumexp and log-softmax."""

LOG_SOFTMAX_RULE = N_(
    "The exercise asks you to write logsumexp yourself with the maximum trick: no SciPy and no "
    "ready-made logsumexp or log-softmax (scipy.special, torch, np.logaddexp, the course's "
    "log_softmax)."
)


@register(
    id="log_softmax_stable",
    lesson="06",
    answer_name="log_softmax_stable",
    kind="function",
    title="A stable log-softmax (via logsumexp), never log(softmax(x))",
    section="6.3",
    hints=(
        "Take the log of the softmax formula by hand: log s_i = x_i − log Σ_j exp(x_j).",
        "log Σ_j exp(x_j) overflows for large x; pull the maximum m out of the sum first "
        "(exp(x_j) = exp(m)·exp(x_j − m)).",
        "Reduce along `axis` with keepdims=True, so that m and the sum broadcast back against x.",
    ),
)
@noting_reuse_of_earlier_answers
def check_log_softmax_stable(answer: Any) -> tuple[str, str]:
    """Ordinary and huge logits, a tiny probability (log(softmax) gives -inf), axes, float32."""
    f = require_function(answer, signature="log_softmax_stable(x, axis=-1)")
    enforce_source_rules(f, forbidden=LOG_SOFTMAX_FORBIDDEN, rule=LOG_SOFTMAX_RULE)
    rng = np.random.default_rng(16)
    cases: list[tuple[np.ndarray, int | None, str]] = [
        (np.array([1.0, 2.0, 3.0, 0.5]), None, N_("for x = [1.0, 2.0, 3.0, 0.5]")),
        (np.array([1000.0, 1001.0, 1002.0]), None, N_("for x = [1000.0, 1001.0, 1002.0]")),
        (np.array([0.0, -800.0]), None, N_("for x = [0.0, -800.0]")),
        (rng.normal(size=(3, 4)), None, N_("for a 2-D x of shape (3, 4) with the default axis")),
        (rng.normal(size=(3, 4)), 0, N_("for a 2-D x of shape (3, 4) with axis=0")),
        (
            np.array([[-1e4, 0.0, 1e4], [710.0, -710.0, 0.0]]),
            None,
            N_("for x = [[-1e4, 0, 1e4], [710, -710, 0]]"),
        ),
        (np.array([100.0, 0.0, -100.0], dtype=np.float32), None, N_("for a float32 x = [100, 0, -100]")),
    ]
    for x, axis, case in cases:
        desc = _(case)
        ax = -1 if axis is None else axis
        expected = _log_softmax(x.astype(np.float64), axis=ax)
        advice = _(" (exp of a large logit overflows inside the sum; see {section}).")
        wrong = _run_case(f, (x.copy(),), axis, expected, x.dtype == np.float32, desc, advice)
        if wrong is None:
            continue
        got, mismatch, _run = wrong
        x64 = x.astype(np.float64)
        if np.any(np.isneginf(got)) and matches(got, _quiet(_log_of_softmax, x64, ax)):
            raise Fail(
                _(
                    "{desc} your function returned {got}: that is log(softmax(x)). "
                    "A probability below ~1e-323 rounds to 0 and its log is −inf, although the "
                    "log-probability itself is an ordinary number. See {section}.",
                    desc=desc[:1].upper() + desc[1:],
                    got=fmt(got),
                )
            )
        if not np.all(np.isfinite(got)):
            raise Fail(
                _(
                    "Not stable: {desc} your function returned {got}. exp of a large logit "
                    "overflows inside your sum of exponentials. See {section}.",
                    desc=desc,
                    got=fmt(got),
                )
            )
        for candidate, message in _log_softmax_mistakes(x64, ax):
            if candidate is not None and matches(got, candidate):
                raise Fail(f"{_(message)} ({desc})")
        raise Fail(describe_mismatch(mismatch, context=desc))
    return "passed", _(
        "Correct! Your log-softmax matches the reference on ordinary, huge (±1e4) and tiny-probability "
        "logits, along both axes and in float32, without warnings, -inf or NaN."
    )


# ----------------------------------------------------------------------------- cross_entropy_grad
def _ce_grad(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _softmax(x) - np.asarray(y, dtype=np.float64)


def _ce_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(26)
    eye = np.eye(4)
    return [
        (np.array([2.0, 1.0, 0.1]), np.array([1.0, 0.0, 0.0])),
        (np.array([0.5, -1.0, 2.0]), np.array([0.0, 1.0, 0.0])),
        (rng.normal(size=4), np.array([0.1, 0.2, 0.3, 0.4])),
        (rng.normal(size=(3, 4)), eye[[2, 0, 3]]),
        (np.array([1000.0, 0.0, -1000.0]), np.array([0.0, 1.0, 0.0])),
    ]


_CE_MISTAKES: tuple[Mistake, ...] = (
    Mistake(
        lambda x, y: np.asarray(y) - _softmax(x),
        "Sign error: for the true class (y_i = 1) your gradient is positive, so a gradient "
        "step would LOWER that class's logit and raise the loss; raising the true class's "
        "logit lowers the loss, so its gradient must be negative.",
    ),
    Mistake(
        lambda x, y: _softmax(x),
        "Your gradient does not depend on the target y, but the loss does: for the same "
        "logits and another target it must change.",
    ),
    Mistake(
        lambda x, y: _log_softmax(x) - y,
        "You used log-probabilities: your gradient's components do not sum to 0 across the "
        "classes, yet adding the same constant to every logit leaves the loss unchanged, "
        "so they must.",
    ),
    Mistake(
        lambda x, y: np.asarray(x) - y,
        "Your gradient changes when the same constant is added to every logit, but the "
        "loss does not (softmax is shift-invariant): the logits cannot enter it as they are.",
    ),
)


def _ce_part(cases: slice) -> Callable[[Any], tuple[str, str]]:
    """The checker of one part of ``cross_entropy_grad``: the cases ``_ce_cases()[cases]``."""
    return function_checker(
        _ce_grad,
        lambda: _ce_cases()[cases],
        signature="cross_entropy_grad(x, y)",
        describe=lambda x, y: _("for logits x = {x} and target y = {y}", x=fmt(x), y=fmt(y)),
        mistakes=_CE_MISTAKES,
    )


register(
    id="cross_entropy_grad",
    lesson="06",
    answer_name="cross_entropy_grad",
    kind="function",
    title="The gradient of softmax cross-entropy with respect to the logits",
    section="6.5",
    # Partial credit: the gradient of one example, of a batch, and at large logits are graded
    # apart, a third each; the statement asks for s − y, and overflow is named as the part
    # still missing.
    checker=noting_reuse_of_earlier_answers(
        parts_checker(
            (
                Part("one example (1-D logits)", _ce_part(slice(0, 3))),
                Part("a batch (2-D logits, last axis)", _ce_part(slice(3, 4))),
                Part("large logits (±1000)", _ce_part(slice(4, 5))),
            ),
            gate=lambda answer: require_function(answer, signature="cross_entropy_grad(x, y)"),
            pass_message=N_(
                "Correct! Your gradient is softmax(x) − y in all 5 cases, including a 2-D "
                "batch and logits of ±1000."
            ),
        )
    ),
    hints=(
        "Chain the log through the softmax Jacobian: ∂L/∂x_j = −Σ_i y_i (δ_ij − s_j).",
        "Use Σ_i y_i = 1 to simplify the sum: two simple terms remain.",
        "Compute s with a stable softmax along the last axis (your softmax_stable, or the same "
        "recipe), then combine it with y.",
    ),
)


# ----------------------------------------------------------------------------- entropy_at_temperature
ENTROPY_LOGITS: tuple[float, ...] = (3.0, 2.5, 1.0, 0.5, -1.0)
"""The vocabulary logits of lesson 6 (``course_utils.widgets.lesson06.VOCAB_LOGITS``)."""


def _entropy(temperature: float) -> float:
    """Entropy (nats) of softmax(ENTROPY_LOGITS / T), from log-softmax (never log 0)."""
    from course_utils.activations import log_softmax, softmax

    x = np.array(ENTROPY_LOGITS)
    return float(-np.sum(softmax(x, temperature=temperature) * log_softmax(x, temperature=temperature)))


def _entropy_explain(value: float) -> str:
    """What is wrong with an entropy value: a violated bound, never the answer."""
    return f"{_entropy_bound(value)} {_(_ENTROPY_REUSE_NOTE)}"


_ENTROPY_REUSE_NOTE = N_(
    "(If you computed p with your own softmax_stable, make sure check('softmax_stable', "
    "softmax_stable) passes first.)"
)


def _entropy_bound(value: float) -> str:
    if value < 0:
        return _("an entropy cannot be negative: every term −p·log p is ≥ 0 for 0 < p ≤ 1.")
    if value > np.log(len(ENTROPY_LOGITS)):
        return _(
            "an entropy over {count} words cannot exceed log {count} "
            "≈ {bound:.4f} nats (the uniform distribution).",
            count=len(ENTROPY_LOGITS),
            bound=np.log(len(ENTROPY_LOGITS)),
        )
    low, high = _entropy(1.0), _entropy(10.0)
    if not low < value < high:
        return _(
            "entropy rises with T, so at T = 2 it lies between the entropies at T = 1 "
            "({low:.4f} nats) and T = 10 ({high:.4f} nats); yours does not.",
            low=low,
            high=high,
        )
    return _(
        "it lies in the right range but is not the entropy at T = 2 to the six significant digits asked."
    )


register(
    id="entropy_at_temperature",
    lesson="06",
    answer_name="entropy_T2",
    kind="number",
    title="Entropy (nats) of the vocabulary's softmax at T = 2",
    section="6.7",
    checker=number_checker(
        lambda: _entropy(2.0),
        what="the entropy at T = 2",
        digits=6,
        explain=_entropy_explain,
        mistakes=(
            Mistake(
                lambda: _entropy(2.0) / np.log(2.0),
                "That is in bits (log base 2); the lesson uses nats (natural log).",
            ),
            Mistake(lambda: _entropy(1.0), "That is the entropy at T = 1; divide the logits by T = 2 first."),
            Mistake(lambda: _entropy(0.5), "That is the entropy at T = 0.5: you multiplied the logits by T."),
            Mistake(
                lambda: float(np.log(5.0)),
                "log 5 is the maximum entropy (the uniform distribution over 5 words); at T = 2 "
                "the distribution is not uniform yet.",
            ),
        ),
    ),
    hints=(
        "p = softmax(x / T) with x = [3.0, 2.5, 1.0, 0.5, -1.0] and T = 2.",
        "The entropy is H = −Σ p_i log p_i with the natural log (nats).",
        "Use log_softmax for log p_i: H = -(p * log_softmax(x, temperature=2.0)).sum().",
    ),
)
