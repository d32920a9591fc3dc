"""Exercises of lesson 06, *Softmax and temperature* (in notebook order).

| id | answer name | kind |
|---|---|---|
| ``softmax_stable`` | ``softmax_stable`` | function ``(x, axis=-1)``: stable softmax |
| ``softmax_jacobian`` | ``softmax_jacobian`` | function ``s -> (n, n)``: Jacobian from the output s |
| ``softmax_temperature`` | ``softmax_temperature`` | function ``(x, T)`` along the last axis, stable |
| ``log_softmax_stable`` | ``log_softmax_stable`` | function ``(x, axis=-1)``: stable log-softmax |
| ``cross_entropy_grad`` | ``cross_entropy_grad`` | function ``(x, y)``: softmax(x) − y along the last axis |
| ``entropy_at_temperature`` | ``entropy_T2`` | number: entropy (nats) of the vocabulary at T = 2 |

"Stable" as in COURSE.md: no warning and no NaN on large logits (1000, ±710, ±1e4, float32
100), values within rtol 1e-7 / atol 1e-12 of the registry's softmax (float32 inputs: rtol
1e-5). Inputs holding ±inf are not graded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .checkers import Mistake, function_checker, number_checker
from .compare import (
    SILENCING_MESSAGE,
    STABLE_ATOL,
    STABLE_RTOL,
    as_array,
    call,
    describe_mismatch,
    find_mismatch,
    fmt,
    matches,
    require_function,
    shape_problem,
    silences_warnings,
    warning_problem,
    with_context,
)
from .registry import register
from .result import Fail

_NOTES = {
    "unexpected keyword argument 'axis'": "Your function must accept the axis argument: "
    "def softmax_stable(x, axis=-1): ...",
    "could not be broadcast": "The shapes do not fit together. A max or sum along an axis drops that "
    "axis; pass keepdims=True so the result broadcasts back against x.",
}

_OVERFLOW_ADVICE = (
    "exp of a large logit overflows to inf (and inf / inf is nan). Softmax is shift-invariant, "
    "softmax(x) = softmax(x − c), so subtract the maximum along the axis first: then every "
    "exponent is ≤ 0. See {section}."
)


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
            return (
                f"Not stable: {desc} your function returned {fmt(got)}. You subtracted ONE maximum "
                "of the whole array; rows far below it underflow to 0 / 0 = nan. Subtract the "
                "maximum of each slice: np.max(x, axis=axis, keepdims=True). See {section}."
            )
        warn = f" ({run_warning})" if run_warning else ""
        return f"Not stable: {desc} your function returned {fmt(got)}{warn}. {_OVERFLOW_ADVICE}"
    ax = axis % x.ndim
    if x.ndim >= 2:
        for other in range(x.ndim):
            if (
                other != ax
                and np.allclose(got.sum(axis=other), 1.0)
                and not np.allclose(got.sum(axis=ax), 1.0)
            ):
                return (
                    f"Wrong axis: {desc} your output sums to 1 along axis {other}, but softmax must "
                    f"sum to 1 along axis {axis} (each slice along that axis is one set of logits). "
                    "Pass the axis to every max and sum, with keepdims=True."
                )
        if np.isclose(got.sum(), 1.0) and got.size > x.shape[ax]:
            return (
                f"{desc[:1].upper()}{desc[1:]} your output sums to 1 over the whole array; each slice "
                f"along axis {axis} must sum to 1 on its own: sum(axis=axis, keepdims=True)."
            )
    for candidate, message in mistakes:
        if candidate is not None and matches(got, candidate):
            return f"{message} ({desc})"
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
    advice = f" on the way. {_OVERFLOW_ADVICE}"
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
            f"{warning_problem(run)} {desc[:1].upper()}{desc[1:]} your values are right, but an "
            f"intermediate result overflowed{overflow_advice}"
        )
    return got, mismatch, run


# ----------------------------------------------------------------------------- softmax_stable
def _softmax_stable_mistakes(x: np.ndarray, axis: int) -> list[tuple[Any, str]]:
    from course_utils.activations import log_softmax

    return [
        (
            _quiet(log_softmax, x, axis=axis),
            "You returned log-probabilities (log-softmax); softmax is their exp.",
        ),
        (
            _quiet(_softmax, -x, axis=axis),
            "Sign error: that is softmax(−x) (softmin); the largest logit must get the largest probability.",
        ),
        (_quiet(np.exp, x), "Your output is not normalised: divide by the sum of the exponentials."),
        (
            _quiet(lambda: x / x.sum(axis=axis, keepdims=True)),
            "You normalised the logits themselves; softmax exponentiates them first.",
        ),
        (
            _quiet(_no_keepdims, x, axis),
            "The max and sum lost their axis and broadcast against the wrong dimension: use keepdims=True.",
        ),
    ]


@register(
    id="softmax_stable",
    lesson="06",
    answer_name="softmax_stable",
    kind="function",
    title="A numerically stable softmax along an axis",
    section="6.2",
    hints=(
        "Try np.exp(1000.0): the naive formula overflows for large logits.",
        "Softmax does not change when the same constant is subtracted from every logit of a slice.",
        "m = np.max(x, axis=axis, keepdims=True); e = np.exp(x - m); then divide e by its sum along "
        "the same axis (keepdims=True again).",
    ),
)
def check_softmax_stable(answer: Any) -> tuple[str, str]:
    """Ordinary logits, huge logits, 2-D/3-D inputs with default and explicit axes, float32."""
    f = require_function(answer, signature="softmax_stable(x, axis=-1)")
    if silences_warnings(f):
        raise Fail(SILENCING_MESSAGE)
    rng = np.random.default_rng(6)
    cases: list[tuple[np.ndarray, int | None, str]] = [
        (np.array([1.0, 2.0, 3.0, 0.5]), None, "for x = [1.0, 2.0, 3.0, 0.5]"),
        (np.array([1000.0, 1001.0, 1002.0]), None, "for x = [1000.0, 1001.0, 1002.0]"),
        (np.array([-1000.0, -1001.0, -1002.0]), None, "for x = [-1000.0, -1001.0, -1002.0]"),
        (rng.normal(size=(3, 4)), None, "for a 2-D x of shape (3, 4) with the default axis"),
        (rng.normal(size=(4, 4)), None, "for a 2-D x of shape (4, 4) with the default axis"),
        (rng.normal(size=(3, 4)), 0, "for a 2-D x of shape (3, 4) with axis=0"),
        (rng.normal(size=(2, 3, 4)), 1, "for a 3-D x of shape (2, 3, 4) with axis=1"),
        (
            np.array([[1000.0, 1001.0, 1002.0], [0.0, 1.0, 2.0]]),
            None,
            "for x = [[1000, 1001, 1002], [0, 1, 2]]",
        ),
        (
            np.array([[-1e4, 0.0, 1e4], [710.0, -710.0, 0.0]]),
            None,
            "for x = [[-1e4, 0, 1e4], [710, -710, 0]]",
        ),
        (
            np.array([[100.0, 101.0, 102.0], [-100.0, 0.0, 88.8]], dtype=np.float32),
            None,
            "for a float32 x = [[100, 101, 102], [-100, 0, 88.8]]",
        ),
    ]
    for x, axis, desc in cases:
        ax = -1 if axis is None else axis
        if axis == 0:
            # An answer that ignores `axis` normalises along the last axis instead.
            run = call(f, x.copy(), axis=0, call_desc=desc, notes=_NOTES)
            got = as_array(run.value)
            if matches(got, _softmax(x, axis=-1)) and not matches(got, _softmax(x, axis=0)):
                raise Fail(
                    f"Your function ignores its axis argument: {desc} the output sums to 1 along the "
                    "last axis instead of axis 0."
                )
        _softmax_case(f, x, axis=axis, desc=desc, mistakes=_softmax_stable_mistakes(x.astype(np.float64), ax))
    return "passed", (
        "Correct! Your softmax matches the reference on ordinary and huge logits (1000, ±710, ±1e4, "
        "float32), along the default and explicit axes of 2-D and 3-D inputs, without warnings or NaN."
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
    checker=function_checker(
        _jacobian_reference,
        _jacobian_cases,
        signature="softmax_jacobian(s)",
        describe=lambda s: f"for s = {fmt(s)}",
        mistakes=(
            Mistake(
                lambda s: -np.outer(s, s),
                "The diagonal term is missing: on the diagonal, ∂s_i/∂x_i = s_i(1 − s_i), not −s_i².",
            ),
            Mistake(
                lambda s: np.outer(s, s) - np.diag(s),
                "Sign error: your matrix is the negative of the Jacobian (check which term is subtracted).",
            ),
            Mistake(np.diag, "Only diag(s): the −s_i·s_j part, present in every entry, is missing."),
            Mistake(
                lambda s: np.diag(s * (1.0 - s)),
                "Only the diagonal is right: off the diagonal, ∂s_i/∂x_j = −s_i·s_j is not 0.",
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
        pass_message=(
            "Correct! Your Jacobian is right for all 6 test vectors (including one-hot and uniform s)."
        ),
    ),
    hints=(
        "Differentiate s_i = exp(x_i) / Σ_k exp(x_k) with respect to x_j; treat i = j and i ≠ j separately.",
        "You should find ∂s_i/∂x_j = s_i(δ_ij − s_j).",
        "In NumPy: a diagonal matrix from s minus the outer product of s with itself.",
    ),
)


# ----------------------------------------------------------------------------- softmax_temperature
def _temperature_mistakes(x: np.ndarray, T: float) -> list[tuple[Any, str]]:
    return [
        (
            _quiet(_softmax, x * T),
            "You multiplied the logits by T; temperature DIVIDES them (softmax(x / T)), so a large T "
            "flattens the distribution.",
        ),
        (_quiet(_softmax, x), "Your function ignores T: it returns softmax(x) whatever the temperature."),
        (
            _quiet(lambda: _softmax(x) / T),
            "You divided the probabilities by T; T divides the logits, before the exp.",
        ),
        (
            _quiet(lambda: np.exp(x / T)),
            "Your output is not normalised: divide by the sum of the exponentials.",
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
        "Divide the logits by T, then apply the stable recipe (subtract the max along the last axis).",
        "Small T makes x / T huge, so the max subtraction matters even for ordinary logits.",
    ),
)
def check_softmax_temperature(answer: Any) -> tuple[str, str]:
    """Several temperatures, a 2-D input (last axis), and logits that overflow unless shifted."""
    f = require_function(answer, signature="softmax_temperature(x, T)")
    if silences_warnings(f):
        raise Fail(SILENCING_MESSAGE)
    x = np.array([1.0, 2.0, 3.0, 0.5])
    x2 = np.random.default_rng(8).normal(size=(3, 4))
    cases: list[tuple[np.ndarray, float, str]] = [
        (x, 1.0, "for x = [1.0, 2.0, 3.0, 0.5] and T = 1"),
        (x, 2.0, "for x = [1.0, 2.0, 3.0, 0.5] and T = 2"),
        (x, 0.5, "for x = [1.0, 2.0, 3.0, 0.5] and T = 0.5"),
        (x, 100.0, "for x = [1.0, 2.0, 3.0, 0.5] and T = 100"),
        (x2, 0.7, "for a 2-D x of shape (3, 4) and T = 0.7"),
        (np.array([1000.0, 1001.0, 1002.0]), 0.5, "for x = [1000.0, 1001.0, 1002.0] and T = 0.5"),
        (np.array([10.0, 20.0, 30.0]), 0.01, "for x = [10.0, 20.0, 30.0] and T = 0.01"),
        (np.array([[-1e4, 0.0, 1e4]]), 3.0, "for x = [[-1e4, 0, 1e4]] and T = 3"),
    ]
    for logits, T, desc in cases:
        _softmax_case(f, logits, temperature=T, desc=desc, mistakes=_temperature_mistakes(logits, T))
    return "passed", (
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
            "You returned the probabilities; log-softmax is their logarithm, x − logsumexp(x).",
        ),
        (
            _quiet(lambda: x - np.max(x, axis=axis, keepdims=True)),
            "You subtracted the maximum but not the log of the sum: log-softmax is "
            "x − m − log Σ exp(x − m) with m the maximum.",
        ),
        (
            _quiet(lambda: x - np.log(np.sum(np.exp(x), axis=axis))),
            "The sum lost its axis and broadcast against the wrong dimension: use keepdims=True.",
        ),
    ]


@register(
    id="log_softmax_stable",
    lesson="06",
    answer_name="log_softmax_stable",
    kind="function",
    title="A stable log-softmax (via logsumexp), never log(softmax(x))",
    section="6.3",
    hints=(
        "Take the log of the softmax formula by hand: log s_i = x_i − log Σ_j exp(x_j).",
        "log Σ_j exp(x_j) overflows for large x; with m = max x it equals m + log Σ_j exp(x_j − m).",
        "m = np.max(x, axis=axis, keepdims=True); return x - m - np.log(np.sum(np.exp(x - m), "
        "axis=axis, keepdims=True)).",
    ),
)
def check_log_softmax_stable(answer: Any) -> tuple[str, str]:
    """Ordinary and huge logits, a tiny probability (log(softmax) gives -inf), axes, float32."""
    f = require_function(answer, signature="log_softmax_stable(x, axis=-1)")
    rng = np.random.default_rng(16)
    cases: list[tuple[np.ndarray, int | None, str]] = [
        (np.array([1.0, 2.0, 3.0, 0.5]), None, "for x = [1.0, 2.0, 3.0, 0.5]"),
        (np.array([1000.0, 1001.0, 1002.0]), None, "for x = [1000.0, 1001.0, 1002.0]"),
        (np.array([0.0, -800.0]), None, "for x = [0.0, -800.0]"),
        (rng.normal(size=(3, 4)), None, "for a 2-D x of shape (3, 4) with the default axis"),
        (rng.normal(size=(3, 4)), 0, "for a 2-D x of shape (3, 4) with axis=0"),
        (
            np.array([[-1e4, 0.0, 1e4], [710.0, -710.0, 0.0]]),
            None,
            "for x = [[-1e4, 0, 1e4], [710, -710, 0]]",
        ),
        (np.array([100.0, 0.0, -100.0], dtype=np.float32), None, "for a float32 x = [100, 0, -100]"),
    ]
    for x, axis, desc in cases:
        ax = -1 if axis is None else axis
        expected = _log_softmax(x.astype(np.float64), axis=ax)
        advice = ": subtract the maximum before the exp (logsumexp)."
        wrong = _run_case(f, (x.copy(),), axis, expected, x.dtype == np.float32, desc, advice)
        if wrong is None:
            continue
        got, mismatch, _ = wrong
        x64 = x.astype(np.float64)
        if np.any(np.isneginf(got)) and matches(got, _quiet(_log_of_softmax, x64, ax)):
            raise Fail(
                f"{desc[:1].upper()}{desc[1:]} your function returned {fmt(got)}: that is log(softmax(x)). "
                "A probability below ~1e-323 rounds to 0 and its log is −inf. Compute x − logsumexp(x) "
                "directly instead. See {section}."
            )
        if not np.all(np.isfinite(got)):
            raise Fail(
                f"Not stable: {desc} your function returned {fmt(got)}. exp of a large logit overflows; "
                "use logsumexp(x) = m + log Σ exp(x − m) with m the maximum. See {section}."
            )
        for candidate, message in _log_softmax_mistakes(x64, ax):
            if candidate is not None and matches(got, candidate):
                raise Fail(f"{message} ({desc})")
        raise Fail(describe_mismatch(mismatch, context=desc))
    return "passed", (
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


register(
    id="cross_entropy_grad",
    lesson="06",
    answer_name="cross_entropy_grad",
    kind="function",
    title="The gradient of softmax cross-entropy with respect to the logits",
    section="6.5",
    checker=function_checker(
        _ce_grad,
        _ce_cases,
        signature="cross_entropy_grad(x, y)",
        describe=lambda x, y: f"for logits x = {fmt(x)} and target y = {fmt(y)}",
        mistakes=(
            Mistake(
                lambda x, y: np.asarray(y) - _softmax(x), "Sign error: the gradient is s − y, not y − s."
            ),
            Mistake(lambda x, y: _softmax(x), "The target is missing: the gradient is s − y."),
            Mistake(
                lambda x, y: _log_softmax(x) - y,
                "You used log-softmax; the gradient uses the probabilities s = softmax(x) themselves.",
            ),
            Mistake(
                lambda x, y: np.asarray(x) - y,
                "You subtracted y from the logits; the gradient is softmax(x) − y.",
            ),
        ),
        pass_message="Correct! Your gradient is softmax(x) − y in all 5 cases, including a 2-D batch "
        "and logits of ±1000.",
    ),
    hints=(
        "Chain the log through the softmax Jacobian: ∂L/∂x_j = −Σ_i y_i (δ_ij − s_j).",
        "Use Σ_i y_i = 1: everything collapses to prediction minus target.",
        "Compute s with a stable softmax along the last axis, then return s - y.",
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
        mistakes=(
            Mistake(
                lambda: _entropy(2.0) / np.log(2.0),
                "That is in bits (log base 2); the lesson uses nats (natural log).",
            ),
            Mistake(lambda: _entropy(1.0), "That is the entropy at T = 1; divide the logits by T = 2 first."),
            Mistake(lambda: _entropy(0.5), "That is the entropy at T = 0.5: you multiplied the logits by T."),
            Mistake(
                lambda: float(np.log(5.0)), "log 5 is the maximum (uniform) entropy; at T = 2 it is lower."
            ),
        ),
    ),
    hints=(
        "p = softmax(x / T) with x = [3.0, 2.5, 1.0, 0.5, -1.0] and T = 2.",
        "The entropy is H = −Σ p_i log p_i with the natural log (nats).",
        "Use log_softmax for log p_i: H = -(p * log_softmax(x, temperature=2.0)).sum().",
    ),
)
