"""The checkers of lesson 06's softmax and temperature exercises, and what lesson 06 shares.

``softmax_stable`` (its three parts), ``softmax_jacobian`` (reference and cases),
``softmax_temperature`` and ``entropy_at_temperature`` (the entropy of the vocabulary's
softmax); their records are declared in :mod:`course_utils.grading.lesson06`, whose later
exercises add the note on answers that call the student's own ``softmax_stable``
(:func:`noting_reuse_of_earlier_answers`). Shared with
:mod:`course_utils.grading.lesson06_cross_entropy`: the reference softmax
(:func:`reference_softmax`), the run of one case of a softmax-like exercise (:func:`run_case`)
and :func:`quiet`, which computes a candidate mistake.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.experiments.lesson06 import VOCAB_LOGITS

from .answer_types import as_array, require_function
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
from .i18n import N_, _
from .partial_credit import Part
from .result import Fail
from .running import call
from .source_reading import SILENCING_MESSAGE, silences_warnings
from .source_rules import noting_reuse

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


def reference_softmax(x: Any, axis: int = -1, temperature: float = 1.0) -> np.ndarray:
    """The registry's softmax of ``x`` along ``axis`` at ``temperature``, as float64."""
    from course_utils.activations import softmax

    return np.asarray(softmax(x, axis=axis, temperature=temperature), dtype=np.float64)


def quiet(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)`` without warnings, or None when it raises (a candidate mistake
    that cannot be computed matches nothing)."""
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
        if x.ndim >= 2 and matches(got, quiet(_global_max, x, axis)):
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
    expected = reference_softmax(
        x.astype(np.float64), axis=ax, temperature=1.0 if temperature is None else temperature
    )
    advice = _(" on the way.") + " " + _(_OVERFLOW_ADVICE)
    wrong = run_case(f, args, axis, expected, x.dtype == np.float32, desc, advice)
    if wrong is None:
        return
    got, mismatch, run = wrong
    diagnosis = _diagnose(got, x, ax, desc, mistakes, run.warning_text)
    raise Fail(diagnosis or describe_mismatch(mismatch, context=desc))


def run_case(
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
            quiet(log_softmax, x, axis=axis),
            N_("You returned log-probabilities (log-softmax); softmax is their exp."),
        ),
        (
            quiet(reference_softmax, -x, axis=axis),
            N_(
                "Sign error: that is softmax(−x) (softmin); the largest logit must get the "
                "largest probability."
            ),
        ),
        (quiet(np.exp, x), N_("Your output is not normalised: its slices do not sum to 1.")),
        (
            quiet(lambda: x / x.sum(axis=axis, keepdims=True)),
            N_(
                "You normalised the logits themselves: your output has negative entries, but "
                "probabilities cannot be negative."
            ),
        ),
        (
            quiet(_no_keepdims, x, axis),
            N_(
                "The max and sum lost their axis and broadcast against the wrong dimension: "
                "use keepdims=True."
            ),
        ),
    ]


def softmax_stable_gate(answer: Any) -> None:
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
                if matches(got, reference_softmax(x, axis=-1)) and not matches(
                    got, reference_softmax(x, axis=0)
                ):
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


# ----------------------------------------------------------------------------- softmax_jacobian
def jacobian_reference(s: np.ndarray) -> np.ndarray:
    """The Jacobian of softmax at the point whose output is the probability vector ``s``."""
    from course_utils.activations import softmax

    with np.errstate(divide="ignore"):
        logits = np.log(s)  # softmax(log s) = s for a probability vector s
    return np.asarray(softmax.jacobian(logits), dtype=np.float64)


def jacobian_cases() -> list[tuple[np.ndarray]]:
    """The output vectors ``s`` on which ``softmax_jacobian`` is checked."""
    rng = np.random.default_rng(7)
    return [
        (reference_softmax(np.array([1.0, 2.0, 3.0])),),
        (reference_softmax(np.array([0.5, -1.0, 2.0, 0.0])),),
        (reference_softmax(rng.normal(size=5)),),
        (np.array([0.0, 1.0, 0.0]),),
        (np.full(4, 0.25),),
        (np.array([1.0]),),
    ]


# ----------------------------------------------------------------------------- softmax_temperature
def _temperature_mistakes(x: np.ndarray, T: float) -> list[tuple[Any, str]]:
    return [
        (
            quiet(reference_softmax, x * T),
            N_("You multiplied the logits by T: a large T must flatten the distribution, yours sharpens it."),
        ),
        (
            quiet(reference_softmax, x),
            N_("Your function ignores T: it returns the same whatever the temperature."),
        ),
        (
            quiet(lambda: reference_softmax(x) / T),
            N_("Your output does not sum to 1: you divided the probabilities by T, after the softmax."),
        ),
        (
            quiet(lambda: np.exp(x / T)),
            N_("Your output is not normalised: it does not sum to 1."),
        ),
    ]


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


# ----------------------------------------------------------------------------- entropy_at_temperature
ENTROPY_LOGITS = VOCAB_LOGITS
"""The logits whose entropy the exercise asks for: lesson 6's vocabulary
(:data:`course_utils.experiments.lesson06.VOCAB_LOGITS`)."""


def entropy_at(temperature: float) -> float:
    """Entropy (nats) of softmax(ENTROPY_LOGITS / T), from log-softmax (never log 0)."""
    from course_utils.activations import log_softmax, softmax

    x = np.array(ENTROPY_LOGITS)
    return float(-np.sum(softmax(x, temperature=temperature) * log_softmax(x, temperature=temperature)))


def entropy_explain(value: float) -> str:
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
    low, high = entropy_at(1.0), entropy_at(10.0)
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
