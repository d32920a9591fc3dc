"""Exercises of lesson 07, *Choosing an activation* (in notebook order).

| id | answer name | kind |
|---|---|---|
| ``output_activation_multiclass`` | ``output_choice`` | choice (a-d, :data:`OUTPUT_OPTIONS`) |
| ``selu_init`` | ``selu_init_choice`` | choice (a-d, :data:`SELU_INIT_OPTIONS`) |
| ``not_zero_centred`` | ``not_zero_centred_choice`` | choice (a-d, :data:`ZERO_CENTRED_OPTIONS`) |
| ``properties_monotonic`` | ``monotonic_names`` | sequence of registry names (partial credit) |
| ``leaky_relu_default`` | ``leaky_default`` | number: PyTorch's default negative slope |
| ``fix_elu_snippet`` | ``elu_fixed`` | function ``(x, alpha=1.0)``: the article's ELU, fixed and stable |
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .checkers import Mistake, activation
from .formatting import type_name
from .function_checkers import elementwise_checker
from .i18n import N_, _
from .registry import register
from .result import Fail, PartialCredit, WrongType
from .value_checkers import choice_checker, number_checker

# ----------------------------------------------------------------------------- output layer
OUTPUT_OPTIONS: dict[str, str] = {
    "a": N_("ReLU, one unit per class"),
    "b": N_("softmax over one unit per class, trained with cross-entropy on the logits"),
    "c": N_("tanh, one unit per class"),
    "d": N_("SELU, one unit per class"),
}

register(
    id="output_activation_multiclass",
    lesson="07",
    answer_name="output_choice",
    kind="choice",
    title="The output activation of a classifier with one class out of k",
    section="7.8",
    options=OUTPUT_OPTIONS,
    checker=choice_checker(
        "b",
        OUTPUT_OPTIONS,
        feedback={
            "a": "ReLU outputs are not probabilities: they do not sum to 1 and can all be 0.",
            "c": "tanh outputs lie in (−1, 1) and do not sum to 1, so they are not class probabilities.",
            "d": "SELU is a hidden-layer activation; its outputs are unbounded above and do not sum to 1.",
        },
    ),
    hints=(
        "The outputs should be probabilities of mutually exclusive classes.",
        "Which function makes k positive numbers that sum to 1 (lesson 6)?",
    ),
)

# ----------------------------------------------------------------------------- SELU init
SELU_INIT_OPTIONS: dict[str, str] = {
    "a": N_("He normal (variance 2 / n_in)"),
    "b": N_("Xavier/Glorot uniform (variance 2 / (n_in + n_out))"),
    "c": N_("LeCun normal (variance 1 / n_in)"),
    "d": N_("all weights zero"),
}

register(
    id="selu_init",
    lesson="07",
    answer_name="selu_init_choice",
    kind="choice",
    title="The initialisation SELU's self-normalisation assumes",
    section="7.2",
    options=SELU_INIT_OPTIONS,
    checker=choice_checker(
        "c",
        SELU_INIT_OPTIONS,
        feedback={
            "a": "He init doubles the variance to make up for ReLU's zeroed half; SELU zeroes "
            "nothing, and its α and λ were derived for pre-activations of variance 1, which He's "
            "variance overshoots.",
            "b": "Xavier's variance depends on the fan-out n_out too, but the variance of a unit's "
            "pre-activation depends only on its n_in inputs (the two agree only when n_in = n_out).",
            "d": "All-zero weights make every unit identical (no symmetry breaking) and the signal 0.",
        },
    ),
    hints=(
        "SELU's constants make (mean 0, variance 1) a fixed point when each pre-activation has variance 1.",
        "With standardised inputs, Var(z) = n_in · Var(w): which variance makes that 1?",
    ),
)

# ----------------------------------------------------------------------------- zero-centred
ZERO_CENTRED_OPTIONS: dict[str, str] = {
    "a": "tanh",
    "b": "sigmoid",
    "c": "softsign",
    "d": "identity",
}

register(
    id="not_zero_centred",
    lesson="07",
    answer_name="not_zero_centred_choice",
    kind="choice",
    title="Which activation's outputs are not zero-centred?",
    section="7.5",
    options=ZERO_CENTRED_OPTIONS,
    checker=choice_checker(
        "b",
        ZERO_CENTRED_OPTIONS,
        feedback={
            "a": "tanh is odd (tanh(−x) = −tanh(x)): its outputs are centred on 0.",
            "c": "softsign x / (1 + |x|) is odd, with outputs in (−1, 1) centred on 0.",
            "d": "The identity returns its input, which is centred whenever the input is.",
        },
    ),
    hints=(
        "Look at the zero-centred column of the properties table in lesson 7.",
        "Which of these is always positive?",
    ),
)


# ----------------------------------------------------------------------------- monotonic
def _candidate_names() -> tuple[str, ...]:
    from course_utils.experiments.lesson07 import CANDIDATES

    return tuple(c.activation for c in CANDIDATES)


def _registry_name(item: Any) -> str:
    from course_utils.activations import get

    if not isinstance(item, str):
        raise WrongType(
            _("Each entry must be an activation name (a string); one entry is {type}.", type=type_name(item))
        )
    try:
        return get(item).name
    except ValueError as exc:
        raise Fail(_("{item!r} is not an activation name ({error}).", item=item, error=exc)) from None


CANDIDATE_NAMES: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "swish")
"""The registry names of the capstone's eight candidates (``course_utils.experiments.lesson07.CANDIDATES``,
kept equal by a test): the parts of ``properties_monotonic``."""


def monotonic_fraction(listed_monotonic: int, monotonic: int, listed_other: int, other: int) -> float:
    """The share of the points of a multi-select answer: right picks minus wrong picks.

    Each monotonic name listed earns ``1/monotonic`` of the points; each non-monotonic name
    listed takes away ``1/other``, so listing all eight (or none) earns nothing: guessing is
    not rewarded.

    Examples
    --------
    >>> monotonic_fraction(6, 6, 0, 2), monotonic_fraction(5, 6, 0, 2), monotonic_fraction(6, 6, 2, 2)
    (1.0, 0.8333333333333334, 0.0)
    >>> monotonic_fraction(6, 6, 1, 2)
    0.5
    """
    right = listed_monotonic / monotonic if monotonic else 1.0
    wrong = listed_other / other if other else 0.0
    return max(0.0, right - wrong)


@register(
    id="properties_monotonic",
    lesson="07",
    answer_name="monotonic_names",
    kind="sequence",
    title="Which of the eight compared activations are monotonic?",
    section="7.5",
    # Partial credit: a multi-select over the eight candidates; each monotonic name listed
    # earns 1/6 of the points, each non-monotonic name listed takes away 1/2
    # (monotonic_fraction), never below 0: listing all eight earns 0.
    parts=CANDIDATE_NAMES,
    hints=(
        "A function is monotonic when it never decreases as x grows.",
        "Two of the eight dip below 0 and come back up (lesson 5).",
        "List the registry names, e.g. ['sigmoid', 'tanh', ...]; the order does not matter.",
    ),
)
def check_properties_monotonic(answer: Any) -> tuple[str, str]:
    """A list/tuple/set of names; the set must equal the monotonic candidates of the registry."""
    from course_utils.activations import get

    if isinstance(answer, str) or not isinstance(answer, (list, tuple, set, frozenset, np.ndarray)):
        raise WrongType(
            _(
                "Expected a list of activation names, e.g. ['sigmoid', 'tanh']; the answer is {type}.",
                type=type_name(answer),
            )
        )
    given = {_registry_name(item) for item in list(answer)}
    names = _candidate_names()
    outside = sorted(given - set(names))
    if outside:
        raise Fail(
            _(
                "Not among the eight compared activations: {outside} (they are {names}).",
                outside=", ".join(outside),
                names=", ".join(names),
            )
        )
    expected = {n for n in names if get(n).properties["monotonic"]}
    extra = [n for n in names if n in given - expected]
    missing = expected - given
    if not extra and not missing:
        return "passed", _(
            "Correct! The monotonic ones are {names}.", names=", ".join(n for n in names if n in expected)
        )
    parts = []
    if extra:
        parts.append(_not_monotonic_counterexample(extra[0]))
        if len(extra) > 1:
            others = len(extra) - 1
            template = (
                N_("{count} more of your names is not monotonic either.")
                if others == 1
                else N_("{count} more of your names are not monotonic either.")
            )
            parts.append(_(template, count=others))
    if missing:
        count = len(missing)
        template = (
            N_(
                "Your list misses {count} monotonic activation: check the "
                "shape of each one you left out (is its derivative ever negative?)."
            )
            if count == 1
            else N_(
                "Your list misses {count} monotonic activations: check the "
                "shape of each one you left out (is its derivative ever negative?)."
            )
        )
        parts.append(_(template, count=count))
    others = len(names) - len(expected)
    fraction = monotonic_fraction(len(expected & given), len(expected), len(extra), others)
    if fraction <= 0:
        raise Fail(" ".join(parts))
    right = [n for n in names if (n in expected) == (n in given)]
    wrong = [n for n in names if (n in expected) != (n in given)]
    minus = _(", minus {count} wrongly listed", count=len(extra)) if extra else ""
    credit = _(
        "Partial credit: {listed} of the {monotonic} monotonic activations are listed{minus} "
        "({right} of {total} classified right).",
        listed=len(expected & given),
        monotonic=len(expected),
        minus=minus,
        right=len(right),
        total=len(names),
    )
    raise PartialCredit(f"{' '.join(parts)}\n{credit}", fraction, tuple(right), tuple(wrong))


def _not_monotonic_counterexample(name: str) -> str:
    """A counterexample to monotonicity: two inputs a < b with f(a) > f(b)."""
    from course_utils.activations import get

    record = get(name)
    x = np.linspace(-6.0, 0.0, 601)
    y = np.asarray(record(x), dtype=np.float64)
    low = int(np.argmin(y))
    a, b = float(x[0]), float(x[low])
    return _(
        "Not monotonic: {name} — {name}({a:g}) = {fa:.3g} is larger than "
        "{name}({b:.2f}) = {fb:.3g} although {a:g} < {b:.2f} — it dips below 0 and "
        "rises again.",
        name=name,
        a=a,
        b=b,
        fa=float(y[0]),
        fb=float(y[low]),
    )


# ----------------------------------------------------------------------------- leaky default
register(
    id="leaky_relu_default",
    lesson="07",
    answer_name="leaky_default",
    kind="number",
    title="PyTorch's default negative slope of LeakyReLU",
    section="7.7",
    checker=number_checker(
        0.01,
        what="PyTorch's default negative slope",
        explain=lambda value: _(
            "{value:g} is not the default slope of torch.nn.LeakyReLU; the course's registry "
            "follows PyTorch's defaults (leaky_relu.params).",
            value=value,
        ),
        mistakes=(
            Mistake(0.3, "0.3 is the Keras layer's default (LeakyReLU), not PyTorch's."),
            Mistake(0.2, "0.2 is tf.nn.leaky_relu's default, not PyTorch's."),
            Mistake(0.1, "0.1 is a common choice in articles, not PyTorch's default."),
            Mistake(1.0, "1.0 is ELU's default α; Leaky ReLU's slope is much smaller."),
        ),
    ),
    hints=(
        "The course's registry follows PyTorch's names and defaults: look at leaky_relu.params.",
        "It is the value of the original paper (Maas et al., 2013).",
    ),
)

# ----------------------------------------------------------------------------- ELU snippet
register(
    id="fix_elu_snippet",
    lesson="07",
    answer_name="elu_fixed",
    kind="function",
    title="Fix the copied ELU snippet: correct and stable (no overflow warning)",
    section="7.7",
    checker=elementwise_checker(
        activation("elu"),
        name="ELU",
        signature="elu_fixed(x, alpha=1.0)",
        stable=True,
        mistakes=(
            Mistake(lambda x: np.where(x >= 0, x, 1.0), "For x < 0 ELU is α(eˣ − 1), not a constant."),
            Mistake(
                lambda x: np.where(x >= 0, x, np.exp(x)), "You forgot the − 1: ELU is α(eˣ − 1) for x < 0."
            ),
            Mistake(lambda x: np.maximum(x, 0.0), "That is ReLU; for x < 0 ELU is α(eˣ − 1)."),
        ),
        stability_advice=(
            "np.where evaluates BOTH branches for every element, so the exp in the branch you "
            "discard still runs on large positive x and overflows there. See {section}."
        ),
    ),
    hints=(
        "First make it run: α(...) calls α; a multiplication sign is missing.",
        "np.where computes both branches everywhere: exp(1000) still overflows in the branch you throw away.",
        "Make the discarded branch harmless: the exp's argument never needs to be positive "
        "(np.minimum), and np.expm1 keeps eˣ − 1 accurate near 0.",
    ),
)
