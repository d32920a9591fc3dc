"""Does the feedback teach without giving the answer away, and are the verdicts right?

A bank of wrong answers, several for each of the 37 exercises, checks the feedback rule: the
first message names *what* is wrong and *where* (a counterexample, a violated property) and
never prints the answer — no reference value, no reference formula, no "Missing: <the names
left out>". A second part checks the verdicts: every correct form passes (correctly rounded
numbers included), the one rule on input arrays holds for every function exercise, and the
rules a statement states are enforced.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest
import scipy.special as sc
import sympy as sp

from course_utils import activations as act
from course_utils.grading import EXERCISES, check
from course_utils.grading.formatting import fmt
from course_utils.grading.source_reading import is_library_function, source_names, student_source

relu = act.relu
X = sp.Symbol("x")
XR = sp.Symbol("x", real=True)
SIG = 1 / (1 + sp.exp(-X))


# ----------------------------------------------------------------------------- helper answers
def softmax_ok(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    e = np.exp(x - m)
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_naive(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax_ok(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    return x - m - np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))


def sigmoid_split(x):
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


def sigmoid_tanh(x):
    return 0.5 * (1 + np.tanh(x / 2))


def sigmoid_naive(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_where_both(x):
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))


def elu_grad_ok(x, alpha=1.0):
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def elu_grad_overflows(x, alpha=1.0):
    return np.where(x > 0, 1.0, alpha * np.exp(x))


def swish_grad_ok(x, beta):
    s = sc.expit(beta * x)
    f = x * s
    return beta * f + s * (1 - beta * f)


def swish_grad_beta1(x, beta):
    s = sc.expit(beta * x)
    f = x * s
    return f + s * (1 - f)


def celu_ok(x, alpha):
    return alpha * act.elu(x / alpha, alpha=1.0)


def elu_star(x, alpha=1.0):
    return np.where(x >= 0, x, alpha * (np.exp(x) - 1))


def elu_fixed_ok(x, alpha=1.0):
    return np.where(x >= 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def hat_ok(x):
    return relu(x + 1) - 2 * relu(x) + relu(x - 1)


def hat_maximum(x):
    return np.maximum(0, 1 - np.abs(x))


def hat_clip(x):
    return np.clip(1 - np.abs(x), 0, None)


def hat_where(x):
    return np.where(np.abs(x) < 1, 1 - np.abs(x), 0.0)


def log_softmax_scipy_inside(x, axis=-1):
    from scipy.special import logsumexp

    return x - logsumexp(x, axis=axis, keepdims=True)


def celu_registry_inside(x, alpha):
    return act.celu(x, alpha=alpha)


def celu_by_name(x, alpha):
    return act.get("celu")(x, alpha=alpha)


def softmax_stable(x, axis=-1):  # a student's own, buggy softmax_stable (not shifted)
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def temperature_reusing_buggy_helper(x, T):
    return softmax_stable(x / T)


def ce_grad_reusing_buggy_helper(x, y):
    return softmax_stable(x) - y


SEL_MEAN, SEL_VAR = 0.08961208376396082, 1.7144780716637495
H2 = 1.4071694860671742  # entropy at T = 2
SWISH_MIN = -1.278464542761074
MISH_MIN = -1.1924312145154952
GELU_SIG_ERR = 0.02033487220923927
SAT = 6.90575227229792
ALPHA, LAM = 1.6732632423543772, 1.0507009873554805

# ----------------------------------------------------------------------------- what must never show
# The reference expressions and values of each exercise, as a message could spell them.
FORBIDDEN: dict[str, list[str]] = {
    "linear_collapse": ["W2 @ W1", "W2 @ b1", "W2·W1", "W2 W1", "stands on the right"],
    "step_gradient": ["is 0", "derivative is 0", "slope is 0", "is zero", "= 0 "],
    "xor_separable": ["no single straight line separates", "the answer is"],
    "relu_hat": ["relu(x + 1) - 2", "relu(x+1)-2", "−2 at 0", "by −2", "relu(x - 1)", "one more relu"],
    "sigmoid_grad_symbolic": [
        "σ(x)(1 − σ(x))",
        "σ(x)·(1 − σ(x))",
        "sigma*(1 - sigma)",
        "exp(-x)/(1 + exp(-x))",
    ],
    "sigmoid_stable": [
        "1 / (1 + z)",
        "z / (1 + z)",
        "exp(-np.abs",
        "exp(-|x|)",
        "tanh(x / 2)",
        "tanh(x/2)",
        "0.5 * (1 + np.tanh",
        "σ(x)(1 − σ(x))",
        "exp(x) / (1 + exp(x))",
    ],
    "saturation_threshold": ["6.90575", "6.9058", "σ(x)(1 − σ(x))", "1 − tanh²", "s² − s"],
    "vanishing_depth": ["10", "3.8e-6", "divides the gradient", "divides by 4", "off by one"],
    "tanh_grad_from_output": ["1 − t²", "1 - t**2", "1 − tanh²", "1 − tanh(x)²", "at x =", "1 − t^2"],
    "relu_grad": ["(x > 0).astype", "np.where(x > 0, 1", "derivative there is 0", "is 0, not"],
    "dead_fraction": ["np.all(", "axis=0"],
    "he_variance": ["2/n_in", "2 / n_in", "numerator", "a²/3"],
    "leaky_relu_grad": ["np.where(x > 0, 1.0, 0.01)"],
    "prelu_slope_grad": ["min(x, 0)", "np.minimum(x, 0", "σ upstream"],
    "celu_from_elu": ["alpha·elu₁(x/alpha)", "elu₁(x/alpha)", "elu(x / alpha, alpha=1", "alpha * act.elu"],
    "elu_grad": ["alpha·exp(x)", "alpha * np.exp", "alpha*exp(x)", "np.minimum(x, 0", "exp(np.minimum"],
    "selu_constants": ["1.67326", "1.05070", "1.758"],
    "selu_layer_moments": ["0.0896121", "0.08961", "1.71448", "1.7144"],
    "lecun_std": ["1/sqrt(n_in)", "1 / np.sqrt(n_in)", "1/√n_in", "sqrt(1/n_in)", "var(w) = 1/n_in"],
    "gelu_tanh": ["0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi)"],
    "gelu_sigmoid_error": ["0.0203349", "0.020334", "0.02033487"],
    "swish_grad": ["βf + σ(βx)(1 − βf)", "beta * f + s * (1 - beta * f)", "f' = βf"],
    "swish_beta_limit": ["x/2", "x / 2", "σ(0) is 1/2"],
    "swish_minimum": ["-1.27846", "1.278464", "w(1/e)"],
    "mish_minimum": ["-1.19243", "1.192431"],
    "softmax_stable": ["np.max(x, axis=axis, keepdims=True)", "x - m", "exp(x - m)", "subtract the maximum"],
    "softmax_jacobian": [
        "diag(s) − s sᵀ",
        "np.diag(s) - np.outer(s, s)",
        "s_i(δ_ij − s_j)",
        "s_i(1 − s_i)",
        "−s_i·s_j",
    ],
    "softmax_temperature": ["softmax(x / t)", "np.exp(z - np.max(z"],
    "log_softmax_stable": ["x − m − log", "x - m - np.log", "m + log σ exp(x − m)", "x − logsumexp(x)"],
    "cross_entropy_grad": ["s − y", "s - y", "softmax(x) − y", "prediction minus target"],
    "entropy_at_temperature": ["1.40717", "1.4071"],
    "output_activation_multiclass": ["softmax over one unit", "use softmax", "the answer is"],
    "selu_init": ["var(w) = 1/n_in", "1 / n_in", "1/n_in", "lecun"],
    "not_zero_centred": ["sigmoid", "always positive"],
    "properties_monotonic": ["missing: "],
    "leaky_relu_default": ["0.01"],
    "fix_elu_snippet": ["np.expm1(np.minimum(x, 0", "alpha * np.expm1", "clip its argument"],
}

# (id, wrong answer, words that must all appear: the counterexample or property named)
BANK: list[tuple[str, object, list[str]]] = [
    # lesson 01
    ("linear_collapse", lambda W1, b1, W2, b2: (W1 @ W2, W2 @ b1 + b2), ["wrong order", "which layer"]),
    ("linear_collapse", lambda W1, b1, W2, b2: (W2 @ W1, b1 + b2), ["b1", "second layer"]),
    ("linear_collapse", lambda W1, b1, W2, b2: (W2 @ W1, b2), ["b1"]),
    ("linear_collapse", lambda W1, b1, W2, b2: (W2 @ W1, W2 @ b1), ["b2"]),
    ("step_gradient", 4.0, ["derivative", "1.1"]),
    ("step_gradient", 2.0, ["chain rule", "1.1"]),
    ("step_gradient", 0.5, ["chain rule", "dŷ/dz"]),
    ("step_gradient", -4.0, ["slope", "1.1"]),
    ("xor_separable", "a", ["straight line"]),
    ("xor_separable", "c", ["collapse"]),
    ("xor_separable", "d", ["straight"]),
    ("relu_hat", lambda x: relu(x + 1) - 2 * relu(x), ["x > 1", "x = 2"]),
    ("relu_hat", lambda x: relu(x + 1) - relu(x), ["stays at 1"]),
    ("relu_hat", hat_maximum, ["np.maximum", "rules out"]),
    ("relu_hat", hat_clip, ["np.clip", "rules out"]),
    # lesson 02
    ("sigmoid_grad_symbolic", SIG, ["itself", "derivative"]),
    ("sigmoid_grad_symbolic", -SIG * (1 - SIG), ["sign"]),
    ("sigmoid_grad_symbolic", SIG * (1 + SIG), ["at x ="]),
    ("sigmoid_grad_symbolic", 1 - SIG, ["σ(−x)"]),
    ("sigmoid_stable", sigmoid_naive, ["overflow", "x = -1000.0"]),
    ("sigmoid_stable", sigmoid_tanh, ["overflow-free", "relative accuracy", "x ≪ 0"]),
    ("sigmoid_stable", sigmoid_where_both, ["both branches"]),
    ("sigmoid_stable", lambda x: sc.expit(x) * sc.expit(-x), ["derivative"]),
    ("sigmoid_stable", np.tanh, ["tanh"]),
    ("saturation_threshold", 6.9, ["σ'(6.9)", "six significant digits"]),
    ("saturation_threshold", math.log(1000.0), ["ln(1000)", "0.000998"]),
    ("saturation_threshold", 4.146774726248896, ["tanh"]),
    ("saturation_threshold", -SAT, ["negative"]),
    ("saturation_threshold", 6.9057, ["precise", "6 significant digits"]),
    ("vanishing_depth", 9, ["L = 9", "not below 1e-6"]),
    ("vanishing_depth", math.log(1e-6) / math.log(0.25), ["whole number"]),
    ("vanishing_depth", 11, ["smallest"]),
    ("vanishing_depth", 20, ["1/4"]),
    ("tanh_grad_from_output", lambda t: 1 - np.tanh(t) ** 2, ["tanh again"]),
    ("tanh_grad_from_output", lambda t: t * (1 - t), ["sigmoid"]),
    ("tanh_grad_from_output", lambda t: 1 - t, ["t = −1", "flat"]),
    ("tanh_grad_from_output", lambda t: np.ones_like(t), ["at t = -1.0"]),
    # lesson 03
    ("relu_grad", relu, ["ReLU itself"]),
    ("relu_grad", np.sign, ["−1", "flat"]),
    ("relu_grad", act.leaky_relu.grad, ["Leaky"]),
    ("relu_grad", lambda x: (x < 0).astype(float), ["sign"]),
    ("dead_fraction", lambda a: np.mean(a == 0), ["ENTRIES"]),
    ("dead_fraction", lambda a: np.mean(np.all(a == 0, axis=1)), ["per sample"]),
    ("dead_fraction", lambda a: np.mean(np.any(a == 0, axis=0)), ["SOME"]),
    ("he_variance", lambda n: 1 / n, ["LeCun"]),
    ("he_variance", lambda n: math.sqrt(2 / n), ["standard deviation"]),
    ("he_variance", lambda n: 1 / (2 * n), ["halves"]),
    ("leaky_relu_grad", lambda x: (x > 0).astype(float), ["plain ReLU"]),
    ("leaky_relu_grad", lambda x: np.where(x > 0, 1.0, 0.3), ["Keras"]),
    ("leaky_relu_grad", act.leaky_relu, ["itself"]),
    ("prelu_slope_grad", lambda x, g: np.sum(g * (x < 0)), ["as if d prelu/da were 1"]),
    ("prelu_slope_grad", lambda x, g: np.sum(g * np.maximum(x, 0)), ["NEGATIVE"]),
    ("prelu_slope_grad", lambda x, g: np.mean(g * np.minimum(x, 0)), ["do not average"]),
    # lesson 04
    ("celu_from_elu", lambda x, alpha: act.elu(x, alpha=alpha), ["ELU with this alpha"]),
    ("celu_from_elu", lambda x, alpha: alpha * act.elu(x / alpha, alpha=alpha), ["twice"]),
    ("celu_from_elu", lambda x, alpha: act.elu(x / alpha, alpha=1.0), ["x/alpha", "too small"]),
    ("celu_from_elu", celu_registry_inside, ["ready-made CELU"]),
    ("elu_grad", elu_grad_overflows, ["BOTH branches", "overflow"]),
    ("elu_grad", lambda x, alpha=1.0: elu_grad_ok(x, 1.0), ["ignores alpha"]),
    ("elu_grad", lambda x, alpha=1.0: act.elu(x, alpha=alpha), ["ELU itself"]),
    ("elu_grad", lambda x, alpha=1.0: np.where(x > 0, 1.0, np.exp(np.minimum(x, 0.0)) - 1.0), ["−1"]),
    ("selu_constants", (LAM, ALPHA), ["swapped"]),
    ("selu_constants", (1.6733, 1.0507), ["precise"]),
    ("selu_constants", (ALPHA * LAM, LAM), ["λ·α"]),
    ("selu_constants", (1.0, LAM), ["ELU"]),
    ("selu_layer_moments", (0.0, 1.0), ["fixed point"]),
    ("selu_layer_moments", (0.0, 2.0), ["not linear"]),
    ("selu_layer_moments", (0.0896, 1.7145), ["precise", "6 significant digits"]),
    ("selu_layer_moments", (SEL_MEAN, SEL_VAR + SEL_MEAN**2), ["second moment"]),
    ("lecun_std", lambda n: 1 / n, ["variance", "standard deviation"]),
    ("lecun_std", lambda n: np.sqrt(2 / n), ["He"]),
    ("lecun_std", lambda n: 2 / n, ["He's variance"]),
    # lesson 05
    ("gelu_tanh", lambda x: 0.5 * x * (1 + sc.erf(x / np.sqrt(2))), ["exact GELU"]),
    ("gelu_tanh", lambda x: x * sc.expit(1.702 * x), ["sigmoid approximation"]),
    ("gelu_tanh", lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * x)), ["0.044715"]),
    ("gelu_sigmoid_error", 0.0203, ["precise", "6 significant digits"]),
    ("gelu_sigmoid_error", 0.000473235520687, ["tanh approximation"]),
    ("gelu_sigmoid_error", -0.02, ["cannot be negative"]),
    ("swish_grad", swish_grad_beta1, ["beta = 1 only"]),
    ("swish_grad", lambda x, beta: 2 * swish_grad_ok(x, beta), ["2x·σ(βx)"]),
    ("swish_beta_limit", XR, ["mis-transcription"]),
    ("swish_beta_limit", sp.Max(XR, 0), ["ReLU"]),
    ("swish_beta_limit", sp.Integer(0), ["every x", "x = 2"]),
    ("swish_beta_limit", XR / 3, ["at x ="]),
    ("swish_minimum", -0.2784645427610738, ["VALUE"]),
    ("swish_minimum", -SWISH_MIN, ["sign"]),
    ("swish_minimum", -1.28, ["precise", "7 significant digits"]),
    ("swish_minimum", -1.0, ["slope", "x = -1.0"]),
    ("mish_minimum", SWISH_MIN, ["Swish"]),
    ("mish_minimum", -0.30884341301725, ["VALUE"]),
    ("mish_minimum", -2.0, ["slope", "still falls"]),
    # lesson 06
    ("softmax_stable", softmax_naive, ["overflow", "1000"]),
    ("softmax_stable", lambda x, axis=-1: softmax_ok(x, axis=0), ["axis"]),
    ("softmax_stable", lambda x, axis=-1: np.log(softmax_ok(x, axis)), ["log-probabilities"]),
    ("softmax_stable", lambda x, axis=-1: softmax_ok(-x, axis), ["sign"]),
    ("softmax_jacobian", lambda s: -np.outer(s, s), ["diagonal", "≥ 0"]),
    ("softmax_jacobian", np.diag, ["sum to 0"]),
    ("softmax_jacobian", lambda s: np.diag(s * (1 - s)), ["off-diagonal", "sum to 0"]),
    ("softmax_jacobian", lambda s: np.outer(s, s) - np.diag(s), ["sign"]),
    ("softmax_temperature", lambda x, T: softmax_ok(np.asarray(x) * T), ["multiplied", "flatten"]),
    ("softmax_temperature", lambda x, T: softmax_ok(np.asarray(x)), ["ignores T"]),
    ("softmax_temperature", lambda x, T: softmax_ok(x) / T, ["sum to 1"]),
    ("softmax_temperature", temperature_reusing_buggy_helper, ["overflow", "your own `softmax_stable`"]),
    ("log_softmax_stable", lambda x, axis=-1: np.log(softmax_ok(x, axis)), ["log(softmax(x))", "−inf"]),
    ("log_softmax_stable", lambda x, axis=-1: softmax_ok(x, axis), ["probabilities"]),
    ("log_softmax_stable", lambda x, axis=-1: x - np.max(x, axis=axis, keepdims=True), ["sum to 1"]),
    ("log_softmax_stable", log_softmax_scipy_inside, ["SciPy", "rules out"]),
    ("cross_entropy_grad", lambda x, y: y - softmax_ok(x), ["Sign error", "true class"]),
    ("cross_entropy_grad", lambda x, y: softmax_ok(x), ["does not depend on the target"]),
    ("cross_entropy_grad", lambda x, y: x - y, ["same constant"]),
    ("cross_entropy_grad", ce_grad_reusing_buggy_helper, ["your own `softmax_stable`"]),
    ("entropy_at_temperature", -H2, ["cannot be negative"]),
    ("entropy_at_temperature", H2 / math.log(2), ["bits"]),
    ("entropy_at_temperature", 1.073693503347271, ["T = 1"]),
    ("entropy_at_temperature", 1.0, ["between", "T = 1", "T = 10"]),
    ("entropy_at_temperature", 2.0, ["cannot exceed log 5"]),
    # lesson 07
    ("output_activation_multiclass", "a", ["ReLU"]),
    ("output_activation_multiclass", "c", ["tanh"]),
    ("output_activation_multiclass", "d", ["SELU"]),
    ("selu_init", "a", ["He"]),
    ("selu_init", "b", ["Xavier", "n_out"]),
    ("selu_init", "d", ["zero"]),
    ("not_zero_centred", "a", ["odd"]),
    ("not_zero_centred", "c", ["softsign"]),
    ("not_zero_centred", "d", ["identity"]),
    (
        "properties_monotonic",
        ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "swish"],
        ["Not monotonic: gelu", "1 more"],
    ),
    ("properties_monotonic", ["sigmoid", "tanh"], ["misses 4 monotonic"]),
    ("leaky_relu_default", 0.3, ["Keras"]),
    ("leaky_relu_default", 0.2, ["tf.nn"]),
    ("leaky_relu_default", 0.05, ["torch.nn.LeakyReLU"]),
    ("fix_elu_snippet", elu_star, ["overflow", "np.where"]),
    ("fix_elu_snippet", lambda x, alpha=1.0: np.where(x >= 0, x, 1.0), ["not a constant"]),
    ("fix_elu_snippet", lambda x, alpha=1.0: np.maximum(x, 0.0), ["ReLU"]),
]

# A message that only repeats the answer back ("Your x (6.9) is not correct.") says too little.
_BARE = ("is not correct.", "not correct yet.")


def _bank_id(value: object) -> str:
    return value if isinstance(value, str) else ""


def test_the_bank_covers_every_exercise_with_at_least_two_wrong_answers():
    """Does the bank hold ≥ 2 wrong answers for each of the 37 exercises, and forbidden strings for each?"""
    counts = {eid: 0 for eid in EXERCISES}
    for eid, _, _ in BANK:
        counts[eid] += 1
    assert len(EXERCISES) == 37
    assert {eid: n for eid, n in counts.items() if n < 2} == {}
    assert set(FORBIDDEN) == set(EXERCISES)


@pytest.mark.parametrize(("exercise_id", "answer", "words"), BANK, ids=_bank_id)
def test_a_wrong_answer_gets_what_and_where_but_not_the_answer(exercise_id, answer, words):
    """Is a wrong answer failed with a message naming its flaw, and without the reference?"""
    result = check(exercise_id, answer)
    assert result.status == "failed", result.message
    message = result.message
    missing = [w for w in words if w.lower() not in message.lower()]
    assert not missing, (missing, message)
    # The student's own value may be echoed back; everything else must not hold the answer.
    own = fmt(answer) if isinstance(answer, (int, float)) else ""
    rest = message.replace(own, "") if own else message
    leaked = [f for f in FORBIDDEN[exercise_id] if f.lower() in rest.lower()]
    assert not leaked, (leaked, message)
    assert not message.strip().endswith(_BARE) or len(message) > 60, message


def test_hints_lead_to_how_but_do_not_print_the_answer():
    """Does no hint spell out an exercise's final answer?"""
    answers = {
        "sigmoid_stable": ["np.where(x >= 0, 1 / (1 + z), z / (1 + z))", "(1 + tanh(x/2)) / 2"],
        "tanh_grad_from_output": ["1 − tanh(x)²", "1 − t²"],
        "elu_grad": ["alpha * np.exp(np.minimum(x, 0))", "alpha·exp(x)"],
        "celu_from_elu": ["act.elu(x / alpha, alpha=1.0)", "multiply by alpha"],
        "swish_grad": ["βf + σ(βx)(1 − βf)"],
        "softmax_stable": ["e = np.exp(x - m)"],
        "log_softmax_stable": ["x - m - np.log"],
        "cross_entropy_grad": ["return s - y", "prediction minus target"],
        "fix_elu_snippet": ["np.where(x >= 0, x, alpha * np.expm1"],
        "relu_hat": ["by −2 at 0"],
        "vanishing_depth": ["divides the gradient by"],
    }
    for exercise_id, texts in answers.items():
        hints = " ".join(EXERCISES[exercise_id].hints)
        for text in texts:
            assert text not in hints, (exercise_id, text)


def test_a_counterexample_names_the_argument_of_the_function():
    """Does tanh_grad_from_output's counterexample say "t = …", the argument, not "x = …"?"""
    message = check("tanh_grad_from_output", lambda t: np.ones_like(t)).message
    assert message.startswith("At t = -1.0") and "x =" not in message


def test_no_sigmoid_message_recommends_the_tanh_form():
    """Is 0.5*(1+tanh(x/2)) no longer recommended by any sigmoid_stable message or hint?"""
    for answer in (sigmoid_naive, sigmoid_where_both, sigmoid_tanh, np.tanh):
        message = check("sigmoid_stable", answer).message
        assert "tanh(x / 2)" not in message and "tanh(x/2)" not in message, message
    assert "tanh(x/2)" not in " ".join(EXERCISES["sigmoid_stable"].hints)


def test_the_naive_sigmoids_first_message_does_not_spell_out_the_fix():
    """Does the overflow message say what and where, leaving the how to the hints?"""
    message = check("sigmoid_stable", sigmoid_naive).message
    assert message.startswith("Not stable: exp overflowed for x = -1000.0")
    assert "np.abs" not in message and "|x|" not in message and "split" not in message


def test_a_missing_monotonic_name_is_counted_not_listed():
    """Does properties_monotonic say how many names are missing without naming them?"""
    message = check("properties_monotonic", ["sigmoid", "tanh"]).message
    for name in ("relu", "elu", "selu", "leaky"):
        assert name not in message, message


def test_a_reused_buggy_helper_is_named_in_each_later_exercise():
    """Does each softmax exercise reusing the student's own softmax_stable say so on failure?"""

    def log_softmax_reusing(x, axis=-1):
        return np.log(softmax_stable(x, axis))

    for exercise_id, answer in [
        ("softmax_temperature", temperature_reusing_buggy_helper),
        ("cross_entropy_grad", ce_grad_reusing_buggy_helper),
        ("log_softmax_stable", log_softmax_reusing),
    ]:
        result = check(exercise_id, answer)
        assert result.status == "failed"
        assert "check('softmax_stable', softmax_stable)" in result.message, result.message
    assert "your own" not in check("softmax_temperature", lambda x, T: softmax_ok(x * T)).message


# ----------------------------------------------------------------------------- right verdicts
def _sigmoid_masked(x):
    out = np.empty_like(x, dtype=float)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out


@pytest.mark.parametrize(
    "answer",
    [
        sc.expit,
        sigmoid_split,
        _sigmoid_masked,
        lambda x: np.exp(x - np.logaddexp(0, x)),
        lambda x: np.exp(-np.logaddexp(0, -x)),
    ],
)
def test_every_relatively_accurate_stable_sigmoid_passes(answer):
    """Do the relatively accurate stable forms pass sigmoid_stable?"""
    result = check("sigmoid_stable", answer)
    assert result.passed, result.message


def test_the_tanh_sigmoid_fails_on_relative_accuracy_for_tiny_values():
    """Is 0.5*(1+tanh(x/2)) failed — relative error 1.8e-7 at x = −25, 100 % below −37?"""
    x = np.array([-25.0, -38.0])
    exact = sigmoid_split(x)
    rel = np.abs(sigmoid_tanh(x) - exact) / exact
    assert 1e-7 < rel[0] < 1e-6 and rel[1] == 1.0
    result = check("sigmoid_stable", sigmoid_tanh)
    assert result.status == "failed"
    assert "overflow-free but loses relative accuracy for x ≪ 0" in result.message


@pytest.mark.parametrize(
    ("exercise_id", "right", "wrong"),
    [
        ("saturation_threshold", [6.90575, round(SAT, 10)], [6.90576, 6.90574]),
        ("gelu_sigmoid_error", [0.0203349, GELU_SIG_ERR], [0.0203348, 0.020335]),
        ("entropy_at_temperature", [1.40717, H2], [1.40716, 1.40718]),
        ("swish_minimum", [-1.278465, SWISH_MIN, np.float32(SWISH_MIN)], [-1.278464, -1.278466]),
        ("mish_minimum", [-1.192431, MISH_MIN], [-1.192432, -1.19243]),
        ("selu_layer_moments", [(0.0896121, 1.71448), (SEL_MEAN, SEL_VAR)], [(0.0896121, 1.71447)]),
        ("selu_layer_moments", [np.array([0.0896121, 1.71448])], [(0.0896122, 1.71448)]),
        ("selu_constants", [(1.673263242, 1.050700987), (ALPHA, LAM)], [(1.67326324, 1.05070099)]),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_correctly_rounded_answer_passes_and_a_wrong_last_digit_fails(exercise_id, right, wrong):
    """Do statement and tolerance agree: the digits asked, correctly rounded, pass; one off fails?"""
    for answer in right:
        result = check(exercise_id, answer)
        assert result.passed, (answer, result.message)
    for answer in wrong:
        result = check(exercise_id, answer)
        assert result.status == "failed", (answer, result.message)


# Every function exercise whose arguments include an array: a correct answer, and the
# argument tuple positions it may not modify.
RIGHT_FUNCTIONS: dict[str, list[object]] = {
    "linear_collapse": [lambda W1, b1, W2, b2: (W2 @ W1, W2 @ b1 + b2)],
    "relu_hat": [hat_ok],
    "sigmoid_stable": [sc.expit, sigmoid_split],
    "tanh_grad_from_output": [lambda t: 1 - t**2, lambda t: (1 - t) * (1 + t)],
    "relu_grad": [lambda x: (x > 0).astype(float), lambda x: np.heaviside(x, 0.5)],
    "dead_fraction": [lambda a: float(np.mean(np.all(a == 0, axis=0)))],
    "leaky_relu_grad": [lambda x: np.where(x > 0, 1.0, 0.01), act.leaky_relu.grad],
    "prelu_slope_grad": [lambda x, g: float(np.sum(g * np.minimum(x, 0)))],
    "celu_from_elu": [celu_ok, lambda x, alpha: alpha * act.elu(np.asarray(x) / alpha)],
    "elu_grad": [elu_grad_ok, lambda x, alpha=1.0: act.elu.grad(x, alpha=alpha)],
    "gelu_tanh": [lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))],
    "swish_grad": [swish_grad_ok, lambda x, beta: act.swish.grad(x, beta=beta)],
    "softmax_stable": [softmax_ok, lambda x, axis=-1: sc.softmax(x, axis=axis)],
    "softmax_jacobian": [lambda s: np.diag(s) - np.outer(s, s)],
    "softmax_temperature": [lambda x, T: softmax_ok(x / T), lambda x, T: sc.softmax(x / T, axis=-1)],
    "log_softmax_stable": [log_softmax_ok],
    "cross_entropy_grad": [lambda x, y: softmax_ok(x) - y],
    "fix_elu_snippet": [elu_fixed_ok],
}


@pytest.mark.parametrize(
    ("exercise_id", "answer"),
    [(eid, a) for eid, answers in RIGHT_FUNCTIONS.items() for a in answers],
    ids=_bank_id,
)
def test_right_functions_pass(exercise_id, answer):
    """Does every correct form of each function exercise pass?"""
    result = check(exercise_id, answer)
    assert result.passed, result.message


def _modifying(answer):
    """``answer`` that also writes into its first array argument (after computing its result)."""

    def wrapped(*args, **kwargs):
        copies = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
        result = answer(*copies, **kwargs)
        first = args[0]
        if first.dtype.kind == "f":
            first += 1.0
        else:
            first[...] = 0
        return result

    return wrapped


def test_every_array_function_exercise_is_in_the_input_rule_table():
    """Is every function exercise taking arrays covered by the input-array rule test?"""
    scalar_input = {"he_variance", "lecun_std"}
    functions = {eid for eid, ex in EXERCISES.items() if ex.kind == "function"}
    assert functions - scalar_input == set(RIGHT_FUNCTIONS)


@pytest.mark.parametrize("exercise_id", sorted(RIGHT_FUNCTIONS))
def test_modifying_the_input_array_fails_every_function_exercise(exercise_id):
    """Is one rule applied alike: an answer that changes its input array fails, with one message?"""
    result = check(exercise_id, _modifying(RIGHT_FUNCTIONS[exercise_id][0]))
    assert result.status == "failed", result.message
    assert "changed its input array in place" in result.message


def softmax_in_place(x, axis=-1):
    x -= np.max(x, axis=axis, keepdims=True)
    np.exp(x, out=x)
    x /= np.sum(x, axis=axis, keepdims=True)
    return x


def temperature_in_place(x, T):
    x /= T
    x -= np.max(x, axis=-1, keepdims=True)
    e = np.exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)


def hat_in_place(x):
    out = relu(x + 1) - 2 * relu(x) + relu(x - 1)
    x *= 0
    return out


def celu_in_place(x, alpha):
    x /= alpha
    return alpha * act.elu(x, alpha=1.0)


def log_softmax_in_place(x, axis=-1):
    x -= np.max(x, axis=axis, keepdims=True)
    return x - np.log(np.sum(np.exp(x), axis=axis, keepdims=True))


def relu_grad_in_place(x):
    x[x > 0] = 1
    x[x <= 0] = 0
    return x


@pytest.mark.parametrize(
    ("exercise_id", "answer"),
    [
        ("softmax_stable", softmax_in_place),
        ("softmax_temperature", temperature_in_place),
        ("relu_hat", hat_in_place),
        ("celu_from_elu", celu_in_place),
        ("log_softmax_stable", log_softmax_in_place),
        ("relu_grad", relu_grad_in_place),
    ],
    ids=_bank_id,
)
def test_classic_in_place_answers_fail_with_the_one_message(exercise_id, answer):
    """Do `x -= max`, `x /= T`, `x[x > 0] = 1` … fail, with the same message everywhere?"""
    result = check(exercise_id, answer)
    assert result.status == "failed", result.message
    assert "changed its input array in place" in result.message
    assert "must not modify its inputs" in result.message


@pytest.mark.parametrize(
    ("exercise_id", "answer", "words"),
    [
        ("relu_hat", hat_maximum, ["np.maximum", "abs"]),
        ("relu_hat", hat_where, ["np.where"]),
        ("relu_hat", hat_clip, ["np.clip"]),
        ("relu_hat", np.abs, ["ready-made library function"]),
        ("log_softmax_stable", sc.log_softmax, ["ready-made library function", "SciPy"]),
        ("log_softmax_stable", act.log_softmax, ["ready-made library function"]),
        ("log_softmax_stable", lambda x, axis=-1: sc.log_softmax(x, axis=axis), ["SciPy"]),
        ("log_softmax_stable", log_softmax_scipy_inside, ["logsumexp"]),
        (
            "log_softmax_stable",
            lambda x, axis=-1: x - np.logaddexp.reduce(x, axis=axis, keepdims=True),
            ["np.logaddexp"],
        ),
        ("celu_from_elu", act.celu, ["ready-made library function"]),
        ("celu_from_elu", celu_registry_inside, ["ready-made CELU"]),
        ("celu_from_elu", celu_by_name, ["ready-made CELU"]),
        ("celu_from_elu", functools.partial(act.celu), ["ready-made library function"]),
        (
            "celu_from_elu",
            lambda x, alpha: np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha)),
            ["does not use ELU"],
        ),
    ],
    ids=_bank_id,
)
def test_a_rule_the_statement_states_is_enforced(exercise_id, answer, words):
    """Does an answer with the right values fail when it breaks the statement's rule?"""
    result = check(exercise_id, answer)
    assert result.status == "failed", result.message
    assert all(w in result.message for w in words), result.message


def test_rule_answers_that_follow_the_rules_pass():
    """Do answers within the rules pass (including a def importing ELU inside)?"""

    def celu_importing(x, alpha):
        from course_utils.activations import elu

        return alpha * elu(x / alpha, alpha=1.0)

    for exercise_id, answer in [
        ("relu_hat", hat_ok),
        ("celu_from_elu", celu_ok),
        ("celu_from_elu", celu_importing),
        ("log_softmax_stable", log_softmax_ok),
    ]:
        result = check(exercise_id, answer)
        assert result.passed, result.message


def test_blank_rule_exercises_are_not_attempted():
    """Is a blank body still 'not attempted' in the exercises that check their source?"""

    def blank(*args, **kwargs):
        raise NotImplementedError("your code here")

    for exercise_id in ("relu_hat", "celu_from_elu", "log_softmax_stable"):
        assert check(exercise_id, blank).status == "not_attempted"


def test_source_is_read_through_one_helper_and_parsed_with_ast():
    """Are names found by ast (not substrings), and are library functions recognised?"""
    names = source_names("def f(x):\n    # np.abs in a comment\n    return relu(x) + absolute_value\n")
    assert "abs" not in names and "relu" in names and "absolute_value" in names
    assert "logsumexp" in source_names("from scipy.special import logsumexp as lse\n")
    assert student_source(hat_ok).startswith("def hat_ok")
    assert student_source(np.abs) is None and student_source(act.celu) is None
    assert is_library_function(np.abs) and is_library_function(sc.log_softmax)
    assert is_library_function(act.celu) and is_library_function(functools.partial(hat_ok))
    assert not is_library_function(hat_ok) and not is_library_function(lambda x: x)


def test_tanh_grad_from_output_enforces_no_new_tanh_or_exp():
    """Does an answer with right values that recomputes tanh from t fail on the stated rule?"""

    def with_an_exp(t):
        return (1 - t**2) * np.exp(0.0)  # right values, but an exp the statement rules out

    result = check("tanh_grad_from_output", with_an_exp)
    assert result.status == "failed" and "rules out" in result.message, result.message
    again = check("tanh_grad_from_output", lambda t: 1 - np.tanh(t) ** 2)
    assert "tanh again" in again.message  # a wrong answer still gets its own diagnosis first


# ----------------------------------------------------------------------------- statements and judges agree
def _statements() -> dict[str, str]:
    """Exercise id -> the markdown of its statement in the solution notebooks."""
    import pathlib

    from course_tools.notebooks import read_notebook

    root = pathlib.Path(__file__).resolve().parents[1] / "solutions"
    found: dict[str, str] = {}
    for path in sorted(root.glob("0*.ipynb")):
        for cell in read_notebook(path).cells:
            if cell.cell_type != "markdown" or not cell.source.startswith("## "):
                continue
            heading = cell.source.splitlines()[0]
            for exercise_id in EXERCISES:
                if f"`{exercise_id}`" in heading:
                    found[exercise_id] = cell.source
    return found


def test_every_array_function_statement_states_the_input_rule():
    """Does every statement of a function exercise taking arrays say its input must stay unchanged?"""
    statements = _statements()
    assert set(statements) == set(EXERCISES)
    missing = [eid for eid in RIGHT_FUNCTIONS if "must not modify its input" not in statements[eid]]
    assert missing == []


@pytest.mark.parametrize(
    ("exercise_id", "text"),
    [
        ("saturation_threshold", "six\nsignificant digits"),
        ("selu_layer_moments", "6 significant digits"),
        ("gelu_sigmoid_error", "6 significant digits"),
        ("entropy_at_temperature", "6 significant digits"),
        ("swish_minimum", "7 significant digits"),
        ("mish_minimum", "7 significant digits"),
        ("selu_constants", "relative tolerance of 1e-9"),
        ("sigmoid_stable", "relative also where σ(x) is tiny"),
        ("relu_hat", "`np.where`"),
        ("tanh_grad_from_output", "the check reads your code"),
        ("celu_from_elu", "A ready-made CELU"),
        ("log_softmax_stable", "no SciPy"),
    ],
)
def test_each_statement_says_what_its_judge_enforces(exercise_id, text):
    """Does each statement state the precision or rule that its checker enforces (tested above)?"""
    assert text in _statements()[exercise_id]


def test_a_stand_in_for_a_sandboxed_function_supplies_its_source():
    """Can an object forwarding calls to a sandboxed kernel be judged, rules included?"""

    class Proxy:
        """Calls a function elsewhere; declares the submitted source (as the class grader will)."""

        def __init__(self, func, source):
            self._func = func
            self.__student_source__ = source

        def __call__(self, *args, **kwargs):
            return self._func(*args, **kwargs)

    good = Proxy(hat_ok, "def hat(x):\n    return relu(x + 1) - 2 * relu(x) + relu(x - 1)\n")
    assert check("relu_hat", good).passed
    cheat = Proxy(hat_maximum, "def hat(x):\n    return np.maximum(0, 1 - np.abs(x))\n")
    assert "rules out" in check("relu_hat", cheat).message
    library = Proxy(sc.log_softmax, None)
    assert "ready-made library function" in check("log_softmax_stable", library).message
    silenced = Proxy(
        sigmoid_naive, "def s(x):\n    with np.errstate(all='ignore'):\n        return 1/(1+np.exp(-x))\n"
    )
    assert "silences" in check("sigmoid_stable", silenced).message
    assert (
        "changed its input array"
        in check("softmax_stable", Proxy(softmax_in_place, "def f(x, axis=-1): ...")).message
    )

    def helper_reuse(x, T):
        return softmax_stable(x / T)

    reuse = Proxy(helper_reuse, "def softmax_temperature(x, T):\n    return softmax_stable(x / T)\n")
    assert "your own `softmax_stable`" in check("softmax_temperature", reuse).message


def hat_own_relu_lambda(x):
    relu = lambda z: np.maximum(z, 0.0)  # noqa: E731 - a student's own ReLU
    return relu(x + 1) - 2 * relu(x) + relu(x - 1)


def hat_own_relu_def(x):
    def my_relu(z):
        return np.where(z > 0, z, 0.0)

    return my_relu(x + 1) - 2 * my_relu(x) + my_relu(x - 1)


def hat_disguised(x):
    relu = lambda z: np.maximum(0, 1 - np.abs(z))  # noqa: E731 - the hat itself, named relu
    return relu(x)


def test_a_hat_may_define_its_own_relu_but_not_hide_the_hat_behind_the_name():
    """Is a ReLU helper written with np.maximum or np.where accepted, and a disguised hat not?"""
    assert check("relu_hat", hat_own_relu_lambda).passed
    assert check("relu_hat", hat_own_relu_def).passed
    result = check("relu_hat", hat_disguised)
    assert result.status == "failed" and "rules out" in result.message


def test_wrong_selu_constants_are_shown_what_they_give():
    """Does a wrong (alpha, lam) get the two conditions evaluated with it, not the constants?"""
    message = check("selu_constants", (1.5, 1.1)).message
    assert "E[selu(z)] = " in message and "E[selu(z)²] = " in message and "0 and 1" in message
    assert "1.6732" not in message and "1.0507" not in message
    assert "cannot be negative" in check("selu_layer_moments", (0.5, -1.0)).message


def test_the_reuse_note_needs_a_call_not_the_functions_own_name():
    """Is the note about a reused helper given only when the helper is called?"""

    def log_softmax_stable(x, axis=-1):  # its own name, no helper called
        return x - np.max(x, axis=axis, keepdims=True)

    message = check("log_softmax_stable", log_softmax_stable).message
    assert "your own" not in message, message


def test_a_counterexample_of_a_parametrised_function_names_its_x():
    """Does celu_from_elu's counterexample say at which x (not at which index) it is wrong?"""
    message = check("celu_from_elu", lambda x, alpha: act.elu(x, alpha=alpha)).message
    assert "At x = " in message and "index" not in message, message
