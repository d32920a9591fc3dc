"""Exercises of lesson 03, *ReLU and dead neurons* (in notebook order).

| id | answer name | kind |
|---|---|---|
| ``relu_grad`` | ``relu_grad`` | function on arrays (any value in [0, 1] accepted at exactly 0) |
| ``dead_fraction`` | ``dead_fraction`` | function ``(activations (n_samples, n_units)) -> float`` |
| ``he_variance`` | ``he_variance`` | function ``n_in -> float`` |
| ``leaky_relu_grad`` | ``leaky_relu_grad`` | function on arrays, slope 0.01 (any value in [0.01, 1] at 0) |
| ``prelu_slope_grad`` | ``prelu_slope_grad`` | function ``(x, upstream) -> float``: dL/da of PReLU |
"""

from __future__ import annotations

import numpy as np

from .checkers import Mistake, activation, activation_grad
from .function_checkers import DEFAULT_GRID, elementwise_checker, function_checker
from .i18n import _
from .registry import register

register(
    id="relu_grad",
    lesson="03",
    answer_name="relu_grad",
    kind="function",
    title="The derivative of ReLU, on arrays",
    section="3.1",
    checker=elementwise_checker(
        activation_grad("relu"),
        name="ReLU′",
        signature="relu_grad(x)",
        grid=np.concatenate([DEFAULT_GRID, [-1e-300, 1e-300, -5e-324, 5e-324]]),
        kinks={0.0: (0.0, 1.0)},
        mistakes=(
            Mistake(
                activation("relu"),
                "You returned ReLU itself (x for x > 0), not its derivative: the derivative is the "
                "slope of ReLU, which is the same at every x > 0.",
            ),
            Mistake(
                np.sign,
                "For x < 0 your function returns −1, a falling slope, but ReLU is flat there.",
            ),
            Mistake(
                activation_grad("leaky_relu"),
                "That is the derivative of Leaky ReLU (slope 0.01 for x < 0); plain ReLU is exactly "
                "flat for x < 0.",
            ),
        ),
    ),
    hints=(
        "Draw ReLU: what is its slope left of 0, and right of 0?",
        "A comparison of an array with a number gives an array of True/False, which "
        ".astype(float) turns into 1.0/0.0.",
        "At exactly x = 0 ReLU has a kink; any value between 0 and 1 is accepted there (PyTorch uses 0).",
    ),
)


# ----------------------------------------------------------------------------- dead_fraction
def _dead_reference(a: np.ndarray) -> float:
    from course_utils.nets import dead_fraction

    return dead_fraction(a)


def _dead_cases() -> list[tuple[np.ndarray]]:
    designed = np.array(
        [
            [0.0, 0.5, 1.2, 0.0, 0.0],
            [0.0, 0.0, 0.3, 0.0, 2.0],
            [0.0, 0.0, 0.7, 0.0, 0.0],
            [0.0, 0.0, 0.0, 0.0, 0.0],  # a sample on which every unit is silent
            [0.0, 1.1, 0.2, 0.0, 0.0],
            [0.0, 0.0, 0.4, 0.0, 0.0],
        ]
    )  # units 0 and 3 are dead: 2 of 5 = 0.4
    rng = np.random.default_rng(3)
    random = np.maximum(rng.normal(size=(50, 8)), 0.0)
    random[:, [2, 5]] = 0.0  # 2 of 8 dead; the others are 0 on about half the samples
    alive = np.abs(rng.normal(size=(3, 4))) + 0.1
    one_sample = np.array([[0.0, 3.0, 0.0, 1.0]])
    return [
        (designed,),
        (random,),
        (alive,),
        (np.zeros((4, 3)),),
        (one_sample,),
        (random.astype(np.float32),),
    ]


def _per_unit_dead(a: np.ndarray) -> np.ndarray:
    return np.all(np.asarray(a) == 0, axis=0)


register(
    id="dead_fraction",
    lesson="03",
    answer_name="dead_fraction",
    kind="function",
    title="The fraction of dead ReLU units",
    section="3.3",
    checker=function_checker(
        _dead_reference,
        _dead_cases,
        signature="dead_fraction(activations)",
        describe=lambda a: _("for activations of shape {shape}", shape=a.shape),
        mistakes=(
            Mistake(
                lambda a: np.mean(np.asarray(a) == 0),
                "You computed the share of zero ENTRIES. A unit is dead only when it is 0 on every "
                "sample: decide per unit (per column) first, then take the share of units.",
            ),
            Mistake(
                lambda a: np.mean(np.all(np.asarray(a) == 0, axis=1)),
                "You decided per sample (per row). The units are the columns: a unit is dead when "
                "its whole column is 0.",
            ),
            Mistake(
                lambda a: np.mean(np.any(np.asarray(a) == 0, axis=0)),
                "You counted units that are 0 on SOME sample; a dead unit is 0 on EVERY sample.",
            ),
            Mistake(
                lambda a: np.sum(_per_unit_dead(a)),
                "You returned the number of dead units; the exercise asks for their share (between 0 and 1).",
            ),
            Mistake(
                lambda a: 1.0 - np.mean(_per_unit_dead(a)),
                "You returned the share of units that are alive; the exercise asks for the dead ones.",
            ),
            Mistake(
                lambda a: 100.0 * np.mean(_per_unit_dead(a)),
                "You returned a percentage; return a fraction between 0 and 1.",
            ),
        ),
        pass_message=(
            "Correct! Your function finds the share of units that are 0 on every sample, "
            "in all 6 test cases (including all-dead, none-dead and single-sample inputs)."
        ),
    ),
    hints=(
        "The input has one row per sample and one column per unit.",
        "For each unit (column), ask: is it 0 on every sample? np.all(..., axis=...) answers that "
        "for all columns.",
        "Then the share of True values is their mean.",
    ),
)


# ----------------------------------------------------------------------------- he_variance
def _he_reference(n_in: int) -> float:
    from course_utils.nets import init_std

    return init_std("he", n_in, n_in) ** 2


register(
    id="he_variance",
    lesson="03",
    answer_name="he_variance",
    kind="function",
    title="He initialisation: the weight variance for a layer with n_in inputs",
    section="3.4",
    checker=function_checker(
        _he_reference,
        # n_in = 3 first: there no two classic mistakes give the same number (at 1 and 2 some do)
        [(n,) for n in (3, 10, 64, 100, 784, 4096, 1, 2)],
        signature="he_variance(n_in)",
        describe=lambda n: _("for n_in = {n}", n=n),
        mistakes=(
            Mistake(
                lambda n: 1.0 / n,
                "That is 1/n_in, the LeCun (and, with equal fan-in and fan-out, Xavier) variance. "
                "ReLU zeroes about half of its inputs, halving the signal's second moment, so He "
                "initialisation makes up for it.",
            ),
            Mistake(
                lambda n: np.sqrt(2.0 / n),
                "That is the standard deviation; the exercise asks for the variance (the square of it).",
            ),
            Mistake(
                lambda n: np.sqrt(1.0 / n),
                "That is the LeCun standard deviation sqrt(1/n_in); the exercise asks for He's "
                "variance (and variance = std²).",
            ),
            Mistake(
                lambda n: np.sqrt(6.0 / n),
                "That is the limit a of a uniform initialisation U(−a, a), not a variance.",
            ),
            Mistake(lambda n: n / 2.0, "Upside down: the variance shrinks as n_in grows."),
            Mistake(
                lambda n: 1.0 / (2.0 * n),
                "Your variance shrinks the signal even further: ReLU already halves the second "
                "moment, so the weights must make up for that loss, not add to it.",
            ),
            Mistake(
                lambda n: 2 // n, "Integer division: 2 // n_in rounds down to 0; use / for a true division."
            ),
        ),
        pass_message="Correct! Your function gives the He variance for every n_in tested (1 to 4096).",
    ),
    hints=(
        "Var(z) for z = Σ w_i a_i is n_in · Var(w) · E[a²] (independent, zero-mean weights).",
        "For a = relu(z) with z symmetric around 0, E[a²] = Var(z) / 2.",
        "Choose Var(w) so that the variance is the same from layer to layer.",
    ),
)


# ----------------------------------------------------------------------------- leaky_relu_grad
register(
    id="leaky_relu_grad",
    lesson="03",
    answer_name="leaky_relu_grad",
    kind="function",
    title="The derivative of Leaky ReLU with PyTorch's default slope 0.01, on arrays",
    section="3.5",
    checker=elementwise_checker(
        activation_grad("leaky_relu", negative_slope=0.01),
        name="LeakyReLU′",
        signature="leaky_relu_grad(x)",
        kinks={0.0: (0.01, 1.0)},
        mistakes=(
            Mistake(
                activation_grad("relu"),
                "That is the derivative of plain ReLU (0 for x < 0); Leaky ReLU keeps a small slope "
                "0.01 there, which is the whole point: a gradient still flows.",
            ),
            Mistake(
                activation("leaky_relu", negative_slope=0.01),
                "You returned Leaky ReLU itself, not its derivative (its slope).",
            ),
            Mistake(
                activation_grad("leaky_relu", negative_slope=0.3),
                "That is the slope 0.3 of the Keras LeakyReLU layer's default; the exercise asks for "
                "PyTorch's default 0.01.",
            ),
            Mistake(
                activation_grad("leaky_relu", negative_slope=0.2),
                "That is the slope 0.2 of tf.nn.leaky_relu's default; the exercise asks for PyTorch's 0.01.",
            ),
        ),
    ),
    hints=(
        "Leaky ReLU is x for x > 0 and 0.01·x for x < 0: what is the slope of each piece?",
        "np.where(condition, value_if_true, value_if_false) builds the array of slopes.",
        "At exactly 0 any value between 0.01 and 1 is accepted (PyTorch uses 0.01).",
    ),
)


# ----------------------------------------------------------------------------- prelu_slope_grad
def _prelu_reference(x: np.ndarray, upstream: np.ndarray) -> float:
    from course_utils.experiments.lesson03 import prelu_slope_grad

    return prelu_slope_grad(x, upstream)


def _prelu_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(20, 5))
    g = rng.normal(size=(20, 5))
    return [
        (np.array([-2.0, 1.0, -0.5]), np.array([1.0, 5.0, 2.0])),
        (np.array([3.0, 0.0, 2.0]), np.array([1.0, 1.0, 1.0])),  # nothing negative: 0
        (np.array([-1.0, -3.0]), np.array([0.5, -2.0])),
        (x, g),
    ]


register(
    id="prelu_slope_grad",
    lesson="03",
    answer_name="prelu_slope_grad",
    kind="function",
    title="PReLU: the gradient of the loss with respect to the learned slope a",
    section="3.5",
    checker=function_checker(
        _prelu_reference,
        _prelu_cases,
        signature="prelu_slope_grad(x, upstream)",
        describe=lambda x, g: _("for x of shape {shape}", shape=np.shape(x)),
        mistakes=(
            Mistake(
                lambda x, g: np.sum(g * (x < 0)),
                "You summed the upstream gradient where x < 0, as if d prelu/da were 1 there; but a "
                "multiplies x there, so how does prelu change when a changes?",
            ),
            Mistake(
                lambda x, g: np.sum(g * x),
                "The slope a acts only where x < 0; for x ≥ 0, prelu(x) = x does not depend on a.",
            ),
            Mistake(
                lambda x, g: np.sum(g * np.maximum(x, 0.0)),
                "You used the positive inputs; a multiplies the NEGATIVE ones (for x ≥ 0, prelu(x) = x "
                "does not depend on a).",
            ),
            Mistake(
                lambda x, g: np.sum(np.minimum(x, 0.0)),
                "Use the chain rule: multiply d prelu/da by the upstream gradient before summing.",
            ),
            Mistake(
                lambda x, g: np.mean(g * np.minimum(x, 0.0)),
                "One slope is shared by every position, so the gradients add up: sum, do not average.",
            ),
        ),
        pass_message="Correct! dL/da = Σ upstream · min(x, 0) in all 4 test cases.",
    ),
    hints=(
        "prelu(x; a) = x for x ≥ 0 and a·x for x < 0. Differentiate each piece with respect to a.",
        "Chain rule: dL/da = Σ over positions of (dL/d prelu) · (d prelu/da).",
        "d prelu/da is x itself where x < 0 and 0 elsewhere; NumPy has a function for "
        "'the smaller of x and 0'.",
    ),
)
