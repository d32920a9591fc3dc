"""Exercises of lesson 01, *Why nonlinearity* (in notebook order).

| id | answer name | kind |
|---|---|---|
| ``linear_collapse`` | ``collapse`` | function ``(W1, b1, W2, b2) -> (W, b)``; W and b half the points each |
| ``step_gradient`` | ``step_grad_w`` | number |
| ``xor_separable`` | ``xor_choice`` | choice (a-d, see :data:`XOR_OPTIONS`) |
| ``relu_hat`` | ``hat`` | function ``x -> hat(x)`` on arrays |
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .answer_types import as_array, require_function
from .checkers import Mistake, activation
from .compare import describe_mismatch, find_mismatch, matches
from .function_checkers import elementwise_checker
from .i18n import N_, _
from .partial_credit import GATES, Part, settle_parts
from .registry import register
from .result import Fail, GradingSignal
from .running import call
from .source_rules import with_source_rules
from .value_checkers import choice_checker, number_checker

# ----------------------------------------------------------------------------- linear_collapse
_SHAPE_NOTES = {
    "matmul": N_(
        "The matrix shapes do not fit. The first layer acts first, so in the product "
        "of the two weight matrices W1 stands on the right: check the order."
    ),
    "not aligned": N_("The matrix shapes do not fit: check the order of the matrix product."),
    "could not be broadcast": N_(
        "The shapes do not fit together: b1 lives in the hidden layer (h values) "
        "and b2 in the output layer (k values), so b1 must pass through W2 before it can be added to b2."
    ),
}


def _pair(value: Any) -> tuple[Any, Any]:
    if isinstance(value, np.ndarray) and value.dtype != object:
        raise Fail(
            _("Your function returned a single array; it must return the pair (W, b), e.g. `return W, b`.")
        )
    if value is None:
        raise Fail(_("Your function returned None: did you forget `return W, b`?"))
    if not isinstance(value, (tuple, list)):
        raise Fail(
            _("Your function must return the pair (W, b); it returned a {type}.", type=type(value).__name__)
        )
    if len(value) != 2:
        raise Fail(
            _("Your function must return exactly two things, (W, b); it returned {count}.", count=len(value))
        )
    return value[0], value[1]


def _check_W(W: np.ndarray, W1: np.ndarray, W2: np.ndarray, d: int, k: int, desc: str) -> None:
    """Fail unless the returned W is W2 @ W1 (naming the classic mistakes)."""
    W_ref = W2 @ W1
    if matches(W, W_ref, rtol=1e-9, atol=1e-12):
        return
    if matches(W, W1 @ W2) and not matches(W_ref, W1 @ W2):
        raise Fail(
            _(
                "W multiplies the two weight matrices in the wrong order ({desc}): matrix "
                "products do not commute, and your W @ x is not what the two layers compute "
                "one after the other. Which layer acts on x first?",
                desc=desc,
            )
        )
    if matches(W, W_ref.T):
        raise Fail(
            _(
                "W is transposed: it must have shape ({k}, {d}): k outputs, d inputs ({desc}).",
                k=k,
                d=d,
                desc=desc,
            )
        )
    if W.shape != W_ref.shape:
        raise Fail(
            _(
                "W has shape {shape}; the single equivalent layer maps d = {d} inputs to "
                "k = {k} outputs, so W must have shape ({k}, {d}) ({desc}).",
                shape=W.shape,
                d=d,
                k=k,
                desc=desc,
            )
        )
    mismatch = find_mismatch(W, W_ref, rtol=1e-9, atol=1e-12)
    raise Fail(describe_mismatch(mismatch, what="W", context=desc) if mismatch else _("W is not correct."))


def _check_b(b: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray, k: int, desc: str) -> None:
    """Fail unless the returned b is W2 @ b1 + b2 (naming the classic mistakes)."""
    b_ref = W2 @ b1 + b2
    if matches(b, b_ref, rtol=1e-9, atol=1e-12):
        return
    if matches(b, b2):
        raise Fail(
            _(
                "Your b is only b2: the first layer's bias b1 also passes through the second "
                "layer, so it contributes to b too ({desc}).",
                desc=desc,
            )
        )
    if b.shape == b_ref.shape and matches(b, b1 + b2) and not matches(b_ref, b1 + b2):
        raise Fail(
            _(
                "Your b adds b1 to b2 as they are, but b1 is added inside the first layer: "
                "it still has the second layer to pass through before it reaches y ({desc}).",
                desc=desc,
            )
        )
    if b.shape == b_ref.shape and matches(b, W2 @ b1) and not matches(b_ref, W2 @ b1):
        raise Fail(_("Your b is missing the second layer's own bias b2 ({desc}).", desc=desc))
    if b.shape != b_ref.shape:
        raise Fail(
            _(
                "b has shape {shape}; it must have one entry per output: shape ({k},) ({desc}).",
                shape=b.shape,
                k=k,
                desc=desc,
            )
        )
    mismatch = find_mismatch(b, b_ref, rtol=1e-9, atol=1e-12)
    raise Fail(describe_mismatch(mismatch, what="b", context=desc) if mismatch else _("b is not correct."))


def _record(failures: dict[str, GradingSignal], name: str, test: Any, *args: Any) -> None:
    """Run ``test(*args)`` and keep its failure as part ``name``'s (the first one only)."""
    try:
        test(*args)
    except GATES:
        raise
    except GradingSignal as signal:
        failures.setdefault(name, signal)


_COLLAPSE_PARTS = (Part("W"), Part("b"))
"""The two sub-answers of ``linear_collapse``, each worth half its points."""


@register(
    id="linear_collapse",
    lesson="01",
    answer_name="collapse",
    kind="function",
    title="Two stacked affine layers are one affine layer: find its W and b",
    section="1.2",
    # Partial credit: W and b are two sub-answers derived separately (collect the terms that
    # multiply x, then the rest); each is half the points.
    parts=("W", "b"),
    hints=(
        "Write the two layers one after the other: h = W1 @ x + b1, then y = W2 @ h + b2. "
        "Substitute h into the second line.",
        "Expand W2 @ (W1 @ x + b1) + b2 and collect the part that multiplies x (that is W) "
        "and the part that does not (that is b).",
        "Check the shapes: W1 is (h, d), W2 is (k, h), so W must be (k, d) and b must have k entries.",
    ),
)
def check_linear_collapse(answer: Any) -> tuple[str, str]:
    """W = W2 @ W1 and b = W2 @ b1 + b2, on square and rectangular random layers; W and b
    are judged apart (each half the points), the first failure leading the message."""
    f = require_function(answer, signature="collapse(W1, b1, W2, b2)")
    rng = np.random.default_rng(1)
    failures: dict[str, GradingSignal] = {}
    # Square first (so order mistakes give numbers, not shape errors), then rectangular.
    for d, h, k in ((3, 3, 3), (3, 5, 2), (4, 2, 1)):
        W1, b1 = rng.normal(size=(h, d)), rng.normal(size=h)
        W2, b2 = rng.normal(size=(k, h)), rng.normal(size=k)
        desc = _("with W1 of shape ({h}, {d}), b1 ({h},), W2 ({k}, {h}), b2 ({k},)", h=h, d=d, k=k)
        try:
            run = call(f, W1.copy(), b1.copy(), W2.copy(), b2.copy(), call_desc=desc, notes=_SHAPE_NOTES)
            W_got, b_got = _pair(run.value)
        except GATES:
            raise
        except GradingSignal as signal:  # a crash or a malformed result fails both halves
            failures.setdefault("W", signal)
            failures.setdefault("b", signal)
            continue
        if "W" not in failures:
            _record(
                failures,
                "W",
                _check_W,
                as_array(W_got, what="the W your function returned"),
                W1,
                W2,
                d,
                k,
                desc,
            )
        if "b" not in failures:
            _record(
                failures,
                "b",
                _check_b,
                as_array(b_got, what="the b your function returned"),
                b1,
                W2,
                b2,
                k,
                desc,
            )
    return settle_parts(
        _COLLAPSE_PARTS,
        failures,
        N_(
            "Correct! For every test (square and rectangular layers), W @ x + b equals "
            "W2 @ (W1 @ x + b1) + b2: two affine layers collapse to one."
        ),
    )


# ----------------------------------------------------------------------------- step_gradient
register(
    id="step_gradient",
    lesson="01",
    answer_name="step_grad_w",
    kind="number",
    title="The gradient that a step activation passes back",
    section="1.3",
    checker=number_checker(
        0.0,
        atol=1e-12,
        mistakes=(
            Mistake(
                4.0,
                "You treated the step's derivative dŷ/dz as 1, as if the activation were the "
                "identity. Look at the step's graph at z = w·x + b = 1.1: what is its slope there?",
            ),
            Mistake(
                2.0,
                "2 is dL/dŷ = 2(ŷ − y) only. Keep going with the chain rule: through ŷ = step(z) "
                "(what is step'(z) at z = 1.1?) and then through z = w·x + b.",
            ),
            Mistake(
                1.0, "1 is the loss L itself (or the prediction ŷ), not its derivative with respect to w."
            ),
            Mistake(
                -4.0,
                "You treated the step's derivative dŷ/dz as 1 (and flipped a sign): look at the "
                "step's graph at z = 1.1 — what is its slope there?",
            ),
        ),
        explain=lambda value: N_(
            "one factor of the chain rule dL/dŷ · dŷ/dz · dz/dw is off. Evaluate each one at "
            "z = w·x + b = 1.1 (dz/dw = x = 2, dL/dŷ = 2(ŷ − y)), and look closely at dŷ/dz."
        ),
    ),
    hints=(
        "Chain rule: dL/dw = dL/dŷ · dŷ/dz · dz/dw with z = w·x + b.",
        "Compute z = 0.5·2 + 0.1 first. What is the slope of the step function at that z?",
        "The step is constant on each side of 0. What is the slope of a constant function?",
    ),
)

# ----------------------------------------------------------------------------- xor_separable
XOR_OPTIONS: dict[str, str] = {
    "a": N_(
        "A single perceptron (one linear layer followed by a step) can learn XOR if it trains long enough."
    ),
    "b": N_("No single straight line separates the two classes."),
    "c": N_("Two stacked linear layers without an activation between them can solve XOR."),
    "d": N_("XOR becomes linearly separable once the inputs are rescaled to [-1, 1]."),
}
"""The statements of ``xor_separable``; print them with ``EXERCISES["xor_separable"].format_options()``."""

register(
    id="xor_separable",
    lesson="01",
    answer_name="xor_choice",
    kind="choice",
    title="Which statement about XOR is true?",
    section="1.5",
    options=XOR_OPTIONS,
    checker=choice_checker(
        "b",
        XOR_OPTIONS,
        feedback={
            "a": "a perceptron's decision boundary is a straight line whatever its training time: "
            "training longer moves the line, it does not change what a line can separate "
            "(Minsky and Papert, 1969).",
            "c": "two linear layers collapse to one linear layer (see linear_collapse), so their "
            "decision boundary has the same shape as a single layer's.",
            "d": "rescaling (an affine map of the inputs) moves the four points but keeps straight "
            "lines straight, so it cannot change which labellings a line can separate.",
        },
    ),
    hints=(
        "Draw the four points (0,0), (0,1), (1,0), (1,1) and colour them by their XOR value.",
        "Try to draw one straight line with both points of class 1 on one side and both points "
        "of class 0 on the other.",
    ),
)


# ----------------------------------------------------------------------------- relu_hat
def _hat(x: np.ndarray) -> np.ndarray:
    relu = activation("relu")
    return relu(x + 1.0) - 2.0 * relu(x) + relu(x - 1.0)


def _relu(x: np.ndarray) -> np.ndarray:
    return activation("relu")(x)


HAT_FORBIDDEN: dict[str, str] = {
    "abs": "abs",
    "absolute": "np.absolute",
    "fabs": "np.fabs",
    "maximum": "np.maximum",
    "fmax": "np.fmax",
    "minimum": "np.minimum",
    "fmin": "np.fmin",
    "max": "max",
    "min": "min",
    "where": "np.where",
    "select": "np.select",
    "piecewise": "np.piecewise",
    "clip": "np.clip",
    "heaviside": "np.heaviside",
    "sign": "np.sign",
}
"""What ``relu_hat``'s statement rules out: anything but shifted ReLUs and arithmetic."""

HAT_RULE = N_(
    "Build the hat only from shifted ReLUs `relu(x - c)` and arithmetic: no np.abs, np.maximum, "
    "np.minimum, np.clip or np.where (nor their cousins such as abs, np.absolute or np.select), "
    "except inside a `relu` helper of your own."
)


def _is_relu_helper(name: str, node: Any) -> bool:
    """Whether a helper defined inside the hat is a ReLU of its own, written in one of the
    usual ways: ``np.maximum(z, 0)`` (either order, or ``np.fmax``), ``np.clip(z, 0, None)``,
    ``np.where(z > 0, z, 0)`` or ``z * (z > 0)`` — nothing else may hide behind the name."""
    import ast

    if "relu" not in name.lower():
        return False
    args = node.args.args
    if len(args) != 1 or node.args.vararg or node.args.kwarg:
        return False
    z = args[0].arg
    if isinstance(node, ast.Lambda):
        body = node.body
    elif len(node.body) == 1 and isinstance(node.body[0], ast.Return) and node.body[0].value is not None:
        body = node.body[0].value
    else:
        return False

    def is_z(n: Any) -> bool:
        return isinstance(n, ast.Name) and n.id == z

    def is_zero(n: Any) -> bool:
        return isinstance(n, ast.Constant) and n.value in (0, 0.0) and not isinstance(n.value, bool)

    def is_none(n: Any) -> bool:
        return isinstance(n, ast.Constant) and n.value is None

    def is_z_positive(n: Any) -> bool:
        return (
            isinstance(n, ast.Compare)
            and is_z(n.left)
            and len(n.ops) == 1
            and isinstance(n.ops[0], (ast.Gt, ast.GtE))
            and is_zero(n.comparators[0])
        )

    if isinstance(body, ast.BinOp) and isinstance(body.op, ast.Mult):
        return (is_z(body.left) and is_z_positive(body.right)) or (
            is_z(body.right) and is_z_positive(body.left)
        )
    if not (isinstance(body, ast.Call) and isinstance(body.func, ast.Attribute) and not body.keywords):
        return False
    called, a = body.func.attr, body.args
    if called in ("maximum", "fmax") and len(a) == 2:
        return (is_z(a[0]) and is_zero(a[1])) or (is_zero(a[0]) and is_z(a[1]))
    if called == "clip" and len(a) == 3:
        return is_z(a[0]) and is_zero(a[1]) and is_none(a[2])
    if called == "where" and len(a) == 3:
        return is_z_positive(a[0]) and is_z(a[1]) and is_zero(a[2])
    return False


register(
    id="relu_hat",
    lesson="01",
    answer_name="hat",
    kind="function",
    title="Build the hat function from ReLUs",
    section="1.7",
    checker=with_source_rules(
        elementwise_checker(
            _hat,
            name="hat",
            signature="hat(x)",
            grid=np.arange(-60, 61) / 20.0,  # -3 ... 3 in steps of 0.05, with -1, 0 and 1 exactly
            mistakes=(
                Mistake(
                    lambda x: _relu(x + 1.0) - 2.0 * _relu(x),
                    "For x > 1 your function keeps going down and becomes negative (at x = 2 it "
                    "returns −1), but the hat is flat at 0 there: its slope changes once more, "
                    "at x = 1.",
                ),
                Mistake(
                    lambda x: _relu(x + 1.0) - _relu(x),
                    "Your function stays at 1 for x > 0, but the hat falls back to 0 between x = 0 "
                    "and x = 1: after the peak its slope is negative.",
                ),
            ),
        ),
        forbidden=HAT_FORBIDDEN,
        rule=HAT_RULE,
        signature="hat(x)",
        helpers=_is_relu_helper,
    ),
    hints=(
        "A sum of shifted ReLUs is piecewise linear; each relu(x − c) adds its coefficient to "
        "the slope from x = c on.",
        "The hat's slope is 0, then +1 from x = −1, then −1 from x = 0, then 0 again from x = 1.",
        "At each place where the slope changes, how much does it change? One ReLU per change, "
        "weighted by that change.",
    ),
)
